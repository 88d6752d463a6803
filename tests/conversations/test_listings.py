"""Listings: a person's posts, a tag, unanswered questions; paged by id, bounded queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.conversations import actions
from kith.conversations.selectors import posts_of, tagged_posts, unanswered_questions
from kith.relationships.actions.safety import mute_create


def _walk(fetch):
    """Return every post of a listing, page by page, and the number of pages."""
    seen, max_id, pages = [], None, 0
    while True:
        page = fetch(max_id)
        pages += 1
        seen.extend(page.posts)
        if page.next_max_id is None:
            return seen, pages
        max_id = page.next_max_id


def test_a_persons_posts_as_each_viewer_sees_them(alice, bob, carol, publish):
    public = publish(alice, "public")
    connections = publish(alice, "connections", visibility="connections")
    reply = actions.post_reply(author=alice, to=publish(bob, "bob's"), body="reply")
    repost = actions.post_repost(person=alice, post=publish(carol, "carol's"))
    assert [p.pk for p in posts_of(carol, alice)] == [repost.pk, public.pk]
    assert [p.pk for p in posts_of(bob, alice)] == [repost.pk, connections.pk, public.pk]
    assert [p.pk for p in posts_of(None, alice, include_reposts=False)] == [public.pk]
    assert reply.pk in [p.pk for p in posts_of(bob, alice, include_replies=True)]


def test_paging_by_max_id(alice, carol, publish):
    made = [publish(alice, f"post {i}") for i in range(7)]
    seen, pages = _walk(lambda max_id: posts_of(carol, alice, max_id=max_id, limit=3))
    assert [p.pk for p in seen] == [p.pk for p in reversed(made)] and pages == 3
    assert posts_of(carol, alice, max_id="junk", limit=3).posts  # a bad max_id is ignored


def test_a_tag(alice, bob, carol, publish):
    first = publish(alice, "#Compost tips")
    publish(alice, "#compost for connections", visibility="connections")
    theirs = publish(bob, "more #COMPOST")
    publish(bob, "nothing here")
    assert [p.pk for p in tagged_posts(carol, "compost")] == [theirs.pk, first.pk]
    assert [p.pk for p in tagged_posts(carol, "#Compost")] == [theirs.pk, first.pk]
    mute_create(muter=carol, muted=bob)
    assert [p.pk for p in tagged_posts(carol, "compost")] == [first.pk]
    assert tagged_posts(carol, "no such tag!").posts == []


def test_unanswered_questions(alice, bob, carol, publish):
    open_one = publish(alice, "Open?", kind="question")
    answered = publish(alice, "Answered?", kind="question")
    answer = actions.post_reply(author=bob, to=answered, body="Yes")
    actions.answer_accept(question=answered, answer=answer, by=alice)
    replied = publish(bob, "Replied but open?", kind="question")
    actions.post_reply(author=alice, to=replied, body="Maybe")
    publish(alice, "not a question")
    assert [p.pk for p in unanswered_questions(carol)] == [replied.pk, open_one.pk]
    assert [p.pk for p in unanswered_questions(carol, without_answers=True)] == [open_one.pk]


def _listing_queries(fetch) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        page = fetch()
        for post in page.posts:
            shown = post.repost_of or post
            shown.author.handle, post.author.handle, list(shown.hashtags.all())
            post.viewer_reactions, post.quote_state
            if post.quote_of_id:
                post.quote_of.author.handle
    return len(queries), len(page.posts)


def test_listings_take_a_fixed_number_of_queries(alice, bob, carol, publish):
    def fill(n):
        for i in range(n):
            post = publish(bob, f"#tag post {i}", kind="question" if i % 2 else "post")
            actions.helpful_mark(person=carol, post=post)
            actions.post_repost(person=bob, post=publish(alice, f"#tag shared {i}"))
            actions.post_quote(author=bob, post=post, body=f"#tag quoting {i}")

    listings = {
        "person": lambda: posts_of(carol, bob, limit=40),
        "tag": lambda: tagged_posts(carol, "tag", limit=40),
        "questions": lambda: unanswered_questions(carol, limit=40),
    }
    fill(2)
    small = {name: _listing_queries(fetch) for name, fetch in listings.items()}
    fill(12)
    large = {name: _listing_queries(fetch) for name, fetch in listings.items()}
    for name in listings:
        assert large[name][1] > small[name][1], name
        # posts, tags of posts and of reposted originals, reactions, reposts, quoted posts
        assert large[name][0] == small[name][0] <= 6, (name, small[name], large[name])
