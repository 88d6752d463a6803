"""Thread assembly: the visible tree, hidden replies left out, a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.conversations import actions
from kith.conversations.access import access_post, thread_for
from kith.relationships.actions.safety import block_create
from tests.conftest import make_person


def _shape(thread):
    return [
        (row.post.body or "(deleted)", row.depth, row.node.parent_hidden) for row in thread.rows()
    ]


@pytest.fixture
def conversation(alice, bob, carol, publish):
    dave = make_person("dave")
    root = publish(alice, "Root")
    r1 = actions.post_reply(author=bob, to=root, body="R1")
    actions.post_reply(author=carol, to=r1, body="R1a")
    r2 = actions.post_reply(
        author=bob, to=root, body="R2 for connections", visibility="connections"
    )
    r2a = actions.post_reply(author=alice, to=r2, body="R2a", visibility="public")
    actions.post_reply(author=bob, to=r2a, body="R2a-i", visibility="public")
    r3 = actions.post_reply(author=dave, to=root, body="R3 by dave")
    actions.post_reply(author=bob, to=r3, body="R3a", visibility="public")
    r4 = actions.post_reply(author=bob, to=root, body="R4")
    actions.post_delete(post=r4, by=bob)
    return {"root": root, "dave": dave}


def test_the_whole_tree_for_someone_who_sees_everything(conversation, alice):
    thread = thread_for(alice, conversation["root"])
    assert _shape(thread) == [
        ("Root", 0, False),
        ("R1", 1, False),
        ("R1a", 2, False),
        ("R2 for connections", 1, False),
        ("R2a", 2, False),
        ("R2a-i", 3, False),
        ("R3 by dave", 1, False),
        ("R3a", 2, False),
    ]  # R4 was deleted and had no replies: no tombstone


def test_hidden_replies_are_omitted_and_their_replies_move_up(conversation, carol):
    block_create(blocker=carol, blocked=conversation["dave"])
    thread = thread_for(carol, access_post(carol, conversation["root"].pk))
    assert _shape(thread) == [
        ("Root", 0, False),
        ("R1", 1, False),
        ("R1a", 2, False),
        ("R2a", 1, True),
        ("R2a-i", 2, False),
        ("R3a", 1, True),
    ]
    bodies = {row.post.body for row in thread.rows()}
    assert "R2 for connections" not in bodies and "R3 by dave" not in bodies
    assert len(thread) == 6


def test_opening_a_reply_shows_its_whole_thread(conversation, alice):
    root = conversation["root"]
    reply = thread_for(alice, root).roots[0].children[0].post
    thread = thread_for(alice, reply)
    assert thread.focus.pk == reply.pk and thread.roots[0].post.pk == root.pk


def test_a_visible_reply_under_an_invisible_root(alice, bob, carol, publish):
    root = publish(alice, "Only connections", visibility="connections")
    reply = actions.post_reply(author=bob, to=root, body="Public answer", visibility="public")
    thread = thread_for(carol, access_post(carol, reply.pk))
    assert _shape(thread) == [("Public answer", 0, True)]


def test_the_accepted_answer_comes_first(alice, bob, carol, publish):
    question = publish(alice, "Q?", kind="question")
    actions.post_reply(author=bob, to=question, body="A1")
    best = actions.post_reply(author=carol, to=question, body="A2")
    actions.answer_accept(question=question, answer=best, by=alice)
    question.refresh_from_db()
    assert [row.post.body for row in thread_for(bob, question).rows()] == ["Q?", "A2", "A1"]


def test_deep_threads_continue_on_their_own_page(alice, bob, publish):
    post = publish(alice, "0")
    chain = [post]
    for depth in range(1, 9):
        chain.append(
            actions.post_reply(author=bob if depth % 2 else alice, to=chain[-1], body=str(depth))
        )
    thread = thread_for(alice, post)
    rows = thread.rows(max_depth=3)
    assert [(row.post.body, row.depth, row.continues) for row in rows] == [
        ("0", 0, False),
        ("1", 1, False),
        ("2", 2, False),
        ("3", 3, True),
    ]
    below = thread.rows(below=chain[3].pk, max_depth=3)
    assert [row.post.body for row in below] == ["3", "4", "5", "6"] and below[-1].continues


def _thread_queries(viewer, root) -> int:
    with CaptureQueriesContext(connection) as queries:
        thread = thread_for(viewer, root)
        for row in thread.rows():
            row.post.author.handle, row.post.viewer_reactions, row.post.quote_state
            list(row.post.hashtags.all())
    return len(queries)


def test_a_thread_takes_the_same_few_queries_whatever_its_size(alice, bob, carol, publish):
    root = publish(alice, "Root #tag")
    actions.post_reply(author=bob, to=root, body="one #tag")
    small = _thread_queries(carol, root)
    parent = root
    for i in range(30):
        parent = actions.post_reply(author=bob if i % 2 else carol, to=parent, body=f"#tag {i}")
        if parent.author_id == bob.pk:
            actions.helpful_mark(person=carol, post=parent)
    # the skeleton, the visible posts, their tags, the viewer's reactions and reposts
    assert _thread_queries(carol, root) == small == 5


def test_a_thread_is_never_built_around_a_post_the_viewer_cannot_see(alice, carol, publish):
    from django.http import Http404

    post = publish(alice, "Connections only", visibility="connections")
    with pytest.raises(Http404):
        thread_for(carol, post)


def test_a_repost_opens_the_thread_of_its_original(alice, bob, carol, publish):
    post = publish(alice, "Original")
    actions.post_reply(author=carol, to=post, body="Reply")
    repost = actions.post_repost(person=bob, post=post)
    thread = thread_for(carol, access_post(carol, repost.pk))
    assert thread.focus.pk == post.pk and [r.post.body for r in thread.rows()] == [
        "Original",
        "Reply",
    ]
