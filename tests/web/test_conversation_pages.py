"""The conversation pages through the Django test client: compose, thread, every action on a
post, the lists; bad input; who sees what (visibility × viewer, 0 leaks); query counts.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from kith.conversations import actions
from kith.conversations.models import Post, PostEdit, Reaction
from kith.relationships.actions.connections import connection_create
from tests.conftest import make_person
from tests.conversations.conftest import blake, fiona, mo, publish  # noqa: F401
from tests.conversations.visibility_cases import CASES, SEES, client_for, viewers  # noqa: F401

SECRET = "Secret plans for the allotment @mo #compost"


def page(client, path, **kwargs):
    response = client.get(path, **kwargs)
    return response, response.content.decode()


# --- Compose -----------------------------------------------------------------------------------


def test_home_has_the_compose_box_and_the_nav_links_questions(client, alice):
    client.force_login(alice)
    _, html = page(client, "/")
    assert 'action="/posts/new"' in html and 'enctype="multipart/form-data"' in html
    assert 'hx-post="/posts/preview"' in html and 'name="preview"' in html
    assert 'href="/questions/"' in html
    for name in ["visibility", "content_warning", "language", "reply_policy", "quote_policy"]:
        assert f'name="{name}"' in html
    assert 'value="question"' in html


def test_compose_publishes_a_question_with_every_option(client, alice):
    client.force_login(alice)
    response = client.post(
        "/posts/new",
        {
            "body": "How do I keep **worms** happy? #compost",
            "kind": "question",
            "visibility": "followers",
            "content_warning": "Worms",
            "language": "en",
            "reply_policy": "connections",
            "quote_policy": "nobody",
        },
    )
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert post.get_absolute_url() == f"/@alice/{post.pk}"
    assert (post.kind, post.visibility, post.content_warning, post.language) == (
        "question",
        "followers",
        "Worms",
        "en",
    )
    assert (post.reply_policy, post.quote_policy) == ("connections", "nobody")
    _, html = page(client, post.get_absolute_url())
    assert "<strong>worms</strong>" in html
    assert '<details class="cw"><summary>Worms</summary>' in html
    assert "Open question" in html and 'href="http://testserver/tags/compost"' in html


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write something first"),
        ("   \n ", "Write something first"),
        ("x" * 5001, "At most 5,000 characters (this is 5,001)."),
    ],
)
def test_compose_refuses_bad_bodies_and_writes_nothing(client, alice, body, message):
    client.force_login(alice)
    response = client.post(
        "/posts/new",
        {
            "body": body,
            "kind": "post",
            "visibility": "public",
            "reply_policy": "everyone",
            "quote_policy": "anyone",
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Post.objects.exists()


def test_compose_refuses_a_bad_choice_on_the_form(client, alice):
    client.force_login(alice)
    response = client.post(
        "/posts/new",
        {
            "body": "Hi",
            "kind": "post",
            "visibility": "everyone",
            "reply_policy": "everyone",
            "quote_policy": "anyone",
            "language": "not a language",
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Post.objects.exists()


def test_preview_renders_like_publishing_and_writes_nothing(client, alice, mo):  # noqa: F811
    client.force_login(alice)
    body = "Hello @mo, see https://example.org/x?a=1&b=2 <script>alert(1)</script> #tea"
    response = client.post("/posts/preview", {"body": body}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{len(body)} / 5000 characters" in html
    assert 'class="mention"' in html and 'href="http://testserver/tags/tea"' in html
    assert 'href="https://example.org/x?a=1&amp;b=2"' in html  # not a short link yet
    assert "<script>" not in html
    assert not Post.objects.exists()
    # Without JavaScript the "Preview" button submits the compose form and shows the same.
    response = client.post("/posts/new", {"body": body, "preview": "1", "kind": "post"})
    assert response.status_code == 200 and 'data-testid="preview"' in response.content.decode()
    assert body.split()[0] in response.content.decode()
    assert not Post.objects.exists()


def test_preview_says_what_is_wrong(client, alice):
    client.force_login(alice)
    html = client.post("/posts/preview", {"body": "y" * 5001}).content.decode()
    assert "char-count over" in html and "At most 5,000 characters" in html


def test_compose_needs_a_login(client, db):
    response = client.post("/posts/new", {"body": "Hi"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Post.objects.exists()


# --- The thread page and the actions on a post ----------------------------------------------


def test_thread_shows_the_tree_indented_with_continue_links_and_tombstones(client, alice, bob):
    root = actions.post_publish(author=alice, body="Root")
    parent = root
    chain = []
    for depth in range(1, 9):
        parent = actions.post_reply(author=bob if depth % 2 else alice, to=parent, body=f"d{depth}")
        chain.append(parent)
    gone = actions.post_reply(author=bob, to=root, body="to be deleted")
    actions.post_reply(author=alice, to=gone, body="under a tombstone")
    actions.post_delete(post=gone, by=bob)
    client.force_login(bob)
    _, html = page(client, root.get_absolute_url())
    assert "depth-6" in html and "depth-7" not in html
    cut = chain[5]  # depth 6, with replies below it
    assert f'<p class="continue"><a href="{cut.get_absolute_url()}">Continue this thread' in html
    assert "d7" not in html
    assert "This post was deleted." in html and "under a tombstone" in html
    assert "to be deleted" not in html
    # Following "continue": the way down, then the replies below, from depth 0 again.
    _, html = page(client, cut.get_absolute_url())
    assert "Earlier in the thread" in html and "d7" in html and "d8" in html
    assert 'class="thread-row depth-2"' in html


def test_post_url_needs_the_right_handle(client, alice, bob):
    post = actions.post_publish(author=alice, body="Mine")
    assert client.get(f"/@bob/{post.pk}").status_code == 404
    assert client.get(f"/@ALICE/{post.pk}").status_code == 200


def test_reply_through_the_page(client, alice, bob):
    post = actions.post_publish(author=alice, body="Tea or coffee?")
    client.force_login(bob)
    response = client.post(f"{post.get_absolute_url()}/reply", {"body": "Tea, *always*"})
    reply = Post.objects.get(in_reply_to=post)
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#post-{reply.pk}"
    _, html = page(client, post.get_absolute_url())
    assert "<em>always</em>" in html and "depth-1" in html


def test_empty_reply_is_refused_on_the_form(client, alice, bob):
    post = actions.post_publish(author=alice, body="Tea or coffee?")
    client.force_login(bob)
    response = client.post(f"{post.get_absolute_url()}/reply", {"body": ""})
    assert response.status_code == 400
    assert "Write something first" in response.content.decode()
    assert Post.objects.count() == 1


def test_reply_to_a_closed_post_is_refused_with_the_reason(client, alice, bob):
    post = actions.post_publish(author=alice, body="Done talking")
    actions.replies_close(post=post, by=alice)
    client.force_login(bob)
    _, html = page(client, post.get_absolute_url())
    assert 'data-testid="reply-refused">Replies to this post are closed.' in html
    assert f'action="{post.get_absolute_url()}/reply"' not in html
    response = client.post(f"{post.get_absolute_url()}/reply", {"body": "But!"})
    assert response.status_code == 400
    assert "Replies to this post are closed." in response.content.decode()
    assert Post.objects.count() == 1


def test_reply_policy_reason_is_shown(client, alice, carol):
    post = actions.post_publish(author=alice, body="Friends only", reply_policy="connections")
    client.force_login(carol)
    _, html = page(client, post.get_absolute_url())
    assert "Only Alice&#x27;s connections can reply." in html


@pytest.mark.parametrize("verb", ["reply", "helpful", "used", "repost", "quote", "accept"])
def test_actions_on_an_invisible_post_are_404_and_write_nothing(client, alice, carol, verb):
    post = actions.post_publish(author=alice, body="Connections only", visibility="connections")
    client.force_login(carol)
    before = (Post.objects.count(), Reaction.objects.count())
    response = client.post(f"/@alice/{post.pk}/{verb}", {"body": "x", "story": "x"})
    assert response.status_code == 404
    missing = client.post(f"/@alice/{post.pk + 1}/{verb}", {"body": "x", "story": "x"})
    assert missing.status_code == 404 and b"Connections only" not in response.content
    assert (Post.objects.count(), Reaction.objects.count()) == before


def test_author_edits_and_readers_see_the_history(client, alice, bob):
    post = actions.post_publish(author=alice, body="First words")
    client.force_login(alice)
    assert client.get(f"{post.get_absolute_url()}/edit").status_code == 200
    response = client.post(f"{post.get_absolute_url()}/edit", {"body": "Second words"})
    assert response.status_code == 302
    client.force_login(bob)
    _, html = page(client, post.get_absolute_url())
    history = f"{post.get_absolute_url()}/history"
    assert f'href="{history}" title="See earlier versions">edited</a>' in html
    _, html = page(client, history)
    assert "First words" in html and "Second words" in html


def test_edit_refuses_bad_input_and_other_people(client, alice, bob):
    post = actions.post_publish(author=alice, body="First words")
    client.force_login(alice)
    response = client.post(f"{post.get_absolute_url()}/edit", {"body": ""})
    assert response.status_code == 400 and "Write something first" in response.content.decode()
    client.force_login(bob)
    assert client.get(f"{post.get_absolute_url()}/edit").status_code == 404
    assert client.post(f"{post.get_absolute_url()}/edit", {"body": "Mine"}).status_code == 404
    post.refresh_from_db()
    assert post.body == "First words" and not PostEdit.objects.exists()


def test_delete_leaves_a_tombstone(client, alice, bob):
    post = actions.post_publish(author=alice, body="Oops")
    reply = actions.post_reply(author=bob, to=post, body="Reply stays")
    client.force_login(bob)
    assert client.post(f"{post.get_absolute_url()}/delete").status_code == 404
    client.force_login(alice)
    assert "Delete this post?" in client.get(f"{post.get_absolute_url()}/delete").content.decode()
    assert client.post(f"{post.get_absolute_url()}/delete").status_code == 302
    _, html = page(client, post.get_absolute_url())
    assert "This post was deleted." in html and "Oops" not in html and "Reply stays" in html
    assert f"post-{reply.pk}" in html


def test_close_and_open_replies(client, alice, bob):
    post = actions.post_publish(author=alice, body="Talk")
    client.force_login(alice)
    client.post(f"{post.get_absolute_url()}/replies", {"state": "closed"})
    post.refresh_from_db()
    assert post.replies_closed
    assert "Open replies" in client.get(post.get_absolute_url()).content.decode()
    client.post(f"{post.get_absolute_url()}/replies", {"state": "open"})
    post.refresh_from_db()
    assert not post.replies_closed
    client.force_login(bob)
    client.post(f"{post.get_absolute_url()}/replies", {"state": "closed"})
    post.refresh_from_db()
    assert not post.replies_closed


def test_repost_and_unrepost(client, alice, bob):
    post = actions.post_publish(author=alice, body="Share me")
    client.force_login(bob)
    client.post(f"{post.get_absolute_url()}/repost")
    assert Post.objects.filter(author=bob, repost_of=post).exists()
    assert "Reposted ✓" in client.get(post.get_absolute_url()).content.decode()
    _, html = page(client, "/@bob")
    assert "Bob</a> reposted" in html and "Share me" in html
    client.post(f"{post.get_absolute_url()}/repost", {"undo": "1"})
    assert not Post.objects.filter(author=bob, repost_of=post).exists()


def test_reposting_a_non_public_post_is_refused(client, alice, bob):
    post = actions.post_publish(author=alice, body="Just us", visibility="connections")
    client.force_login(bob)
    response = client.post(f"{post.get_absolute_url()}/repost", follow=True)
    assert "Only public posts can be reposted." in response.content.decode()
    assert not Post.objects.filter(repost_of=post).exists()


def test_quote_and_revoke(client, alice, bob):
    post = actions.post_publish(author=alice, body="Quotable")
    client.force_login(bob)
    assert client.get(f"{post.get_absolute_url()}/quote").status_code == 200
    response = client.post(
        f"{post.get_absolute_url()}/quote", {"body": "So true", "visibility": "public"}
    )
    quote = Post.objects.get(quote_of=post)
    assert response["Location"] == quote.get_absolute_url()
    _, html = page(client, quote.get_absolute_url())
    assert "So true" in html and "Quotable" in html
    assert "Remove my post from this quote" not in html
    client.force_login(alice)
    assert "Remove my post from this quote" in client.get(quote.get_absolute_url()).content.decode()
    client.post(f"{quote.get_absolute_url()}/revoke-quote")
    _, html = page(client, quote.get_absolute_url())
    assert "removed by its author" in html and "Quotable" not in html


def test_quote_against_policy_is_refused(client, alice, carol):
    post = actions.post_publish(author=alice, body="Mine alone", quote_policy="nobody")
    client.force_login(carol)
    html = client.get(f"{post.get_absolute_url()}/quote").content.decode()
    assert "Alice does not allow quotes of this post." in html
    response = client.post(
        f"{post.get_absolute_url()}/quote", {"body": "Ha", "visibility": "public"}
    )
    assert response.status_code == 400
    assert not Post.objects.filter(quote_of=post).exists()


def test_question_answer_accept_helpful_and_used_it(client, alice, bob, carol):
    question = actions.post_publish(author=alice, body="Best soil?", kind="question")
    client.force_login(bob)
    html = client.get(question.get_absolute_url()).content.decode()
    assert "Answer this question" in html
    client.post(f"{question.get_absolute_url()}/reply", {"body": "Leaf mould"})
    answer = Post.objects.get(in_reply_to=question)
    assert answer.kind == "answer"
    # Only the asker sees "Accept"; bob posting it changes nothing.
    assert "Accept this answer" not in client.get(question.get_absolute_url()).content.decode()
    client.post(f"{question.get_absolute_url()}/accept", {"answer": answer.pk})
    question.refresh_from_db()
    assert question.accepted_answer_id is None
    client.force_login(alice)
    assert "Accept this answer" in client.get(question.get_absolute_url()).content.decode()
    client.post(f"{question.get_absolute_url()}/accept", {"answer": answer.pk})
    question.refresh_from_db()
    assert question.accepted_answer_id == answer.pk
    _, html = page(client, question.get_absolute_url())
    assert "✓ Accepted answer" in html and ">Answered<" in html
    # carol: helpful (htmx swaps the box), then a private story only alice reads.
    client.force_login(carol)
    response = client.post(f"{answer.get_absolute_url()}/helpful", HTTP_HX_REQUEST="true")
    assert 'aria-pressed="true"' in response.content.decode()
    assert "<html" not in response.content.decode()
    response = client.post(f"{question.get_absolute_url()}/used", {"story": "Mulched the beans"})
    assert response.status_code == 302
    client.force_login(bob)
    assert "Mulched the beans" not in client.get(question.get_absolute_url()).content.decode()
    client.force_login(alice)
    _, html = page(client, question.get_absolute_url())
    assert "Mulched the beans" in html and "only Alice reads this" in html
    client.force_login(carol)
    client.post(f"{question.get_absolute_url()}/used", {"story": "Mulched", "public": "on"})
    client.force_login(bob)
    assert "Mulched" in client.get(question.get_absolute_url()).content.decode()
    client.logout()
    assert "Mulched" in client.get(question.get_absolute_url()).content.decode()


def test_empty_story_is_refused(client, alice, carol):
    post = actions.post_publish(author=alice, body="Tip")
    client.force_login(carol)
    response = client.post(f"{post.get_absolute_url()}/used", {"story": "  "})
    assert response.status_code == 400
    assert "Say in a few words how you used it." in response.content.decode()
    assert not Reaction.objects.exists()


def test_own_post_cannot_be_marked_helpful(client, alice):
    post = actions.post_publish(author=alice, body="Tip")
    client.force_login(alice)
    response = client.post(f"{post.get_absolute_url()}/helpful", follow=True)
    assert "This is your own post." in response.content.decode()
    assert not Reaction.objects.exists()


# --- Lists -----------------------------------------------------------------------------------


def test_profile_lists_posts_with_an_older_link_htmx_upgrades(client, alice):
    posts = [actions.post_publish(author=alice, body=f"Post number {i}") for i in range(25)]
    _, html = page(client, "/@alice")
    assert "Post number 24" in html and "Post number 5" in html and "Post number 4" not in html
    older = f"/@alice/posts?max_id={posts[5].pk}"
    assert f'href="{older}"' in html and f'hx-get="{older}"' in html
    response, html = page(client, older, HTTP_HX_REQUEST="true")
    assert "<html" not in html and "Post number 4" in html and "Post number 5" not in html
    assert "HX-Request" in response["Vary"]
    _, html = page(client, older)
    assert "<html" in html and "Post number 0" in html


def test_own_profile_has_the_compose_box(client, alice, bob):
    client.force_login(alice)
    assert 'id="compose"' in client.get("/@alice").content.decode()
    assert 'id="compose"' not in client.get("/@bob").content.decode()


def test_tag_page_and_questions_page(client, alice, bob):
    tagged = actions.post_publish(author=alice, body="Tomatoes #Gardening")
    question = actions.post_publish(author=alice, body="Which tomato? #gardening", kind="question")
    answered = actions.post_publish(author=alice, body="Which bean?", kind="question")
    answer = actions.post_reply(author=bob, to=answered, body="Runner")
    actions.answer_accept(question=answered, answer=answer, by=alice)
    assert tagged.hashtags.get().get_absolute_url() == "/tags/gardening"
    _, html = page(client, "/tags/gardening")
    assert "Tomatoes" in html and "Which tomato?" in html and "/tags/gardening/feed.rss" in html
    assert client.get("/tags/GARDENING").status_code == 200
    assert client.get("/tags/%23%23").status_code == 404
    _, html = page(client, "/questions/")
    assert "Which tomato?" in html and "Which bean?" not in html
    actions.post_reply(author=bob, to=question, body="Cherry")
    _, html = page(client, "/questions/?unanswered=1")
    assert "Which tomato?" not in html


# --- Who sees what: 0 leaks --------------------------------------------------------------


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_truth_table_post_page_profile_and_tag(client, alice, viewers, visibility, relationship):  # noqa: F811
    viewer = viewers[relationship]
    post = actions.post_publish(author=alice, body=SECRET, visibility=visibility)
    expected = relationship in SEES[visibility]
    client_for(client, viewer)
    response = client.get(post.get_absolute_url())
    assert response.status_code == (200 if expected else 404)
    assert ("Secret plans" in response.content.decode()) is expected
    for path in ["/@alice", "/@alice/posts", "/tags/compost", f"{post.get_absolute_url()}/history"]:
        response = client.get(path)
        assert ("Secret plans" in response.content.decode()) is expected, path
        if path.endswith("/history"):
            assert response.status_code == (200 if expected else 404)
    response = client.get("/@alice/posts", HTTP_HX_REQUEST="true")
    assert ("Secret plans" in response.content.decode()) is expected


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_truth_table_replies_in_a_thread(client, alice, bob, viewers, visibility, relationship):  # noqa: F811
    """A reply as visible as `visibility` under a public root: shown to exactly its readers."""
    root = actions.post_publish(author=bob, body="Open to all")
    actions.post_reply(author=alice, to=root, body=SECRET, visibility=visibility)
    viewer = viewers[relationship]
    expected = relationship in SEES[visibility] or relationship == "connection"
    if relationship == "blocked":
        expected = False
    client_for(client, viewer)
    html = client.get(root.get_absolute_url()).content.decode()
    # bob, the root's author, is mentioned by the reply: he is the "connection" persona too.
    assert ("Secret plans" in html) is expected


# --- Query counts ------------------------------------------------------------------------


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def test_thread_page_queries_are_bounded(client, alice, bob, carol):
    root = actions.post_publish(author=alice, body="Root #tag", kind="question")
    client.force_login(carol)
    for i in range(3):
        actions.post_reply(author=bob, to=root, body=f"Answer {i} #tag")
    small = _count(client, root.get_absolute_url())
    for i in range(30):
        parent = actions.post_reply(author=make_person(f"p{i}"), to=root, body=f"More {i}")
        actions.post_reply(author=bob, to=parent, body=f"Under {i}")
        actions.helpful_mark(person=carol, post=parent)
    actions.used_it_add(person=bob, post=root, story="Used it", public=True)
    large = _count(client, root.get_absolute_url())
    assert large == small
    assert large <= 14  # session, viewer, thread_for (5), images, can_reply, stories, badge,
    # the viewer's marks of the focused post (bookmark, pin, muted thread: one query), and
    # whether they take part in the thread (one query, as they wrote none of its posts)…


def test_profile_listing_queries_are_bounded(client, alice, bob):
    """A page of plain posts, quotes and reposts: the same queries for 3 posts or a full page."""
    other = make_person("other")
    connection_create(person=alice, other=other, how_met="in_person")

    def quote_and_repost(i):
        post = actions.post_publish(author=other, body=f"Quotable {i}")
        actions.post_quote(author=alice, post=post, body=f"Quote {i} #y")
        actions.post_repost(person=alice, post=post)

    actions.post_publish(author=alice, body="Post #x")
    quote_and_repost(-1)
    client.force_login(bob)
    small = _count(client, "/@alice")
    for i in range(30):
        quote_and_repost(i)
    large = _count(client, "/@alice")
    assert large == small
    # session, viewer, person, card, standing, follow, posts_of, the reader's filters (the
    # "account" context), pinned posts, images, badge…
    assert large <= 18
    assert _count(client, "/@alice/posts") <= small


@override_settings(KITH_POST_MAX_CHARS=10)
def test_the_limit_comes_from_the_setting(client, alice):
    client.force_login(alice)
    assert 'data-limit="10"' in client.get("/").content.decode()
    response = client.post(
        "/posts/new",
        {
            "body": "x" * 11,
            "kind": "post",
            "visibility": "public",
            "reply_policy": "everyone",
            "quote_policy": "anyone",
        },
    )
    assert response.status_code == 400 and "At most 10 characters" in response.content.decode()
