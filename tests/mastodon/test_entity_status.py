"""Status, MediaAttachment, Status::Mention, Status::Tag, Quote, QuoteApproval: the shape the
documentation gives (schemas/) and what each field says, from real posts."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from kith.conversations import actions
from kith.conversations.access import annotate_light, light_posts_by_ids
from kith.conversations.actions.media import media_upload
from kith.feeds.actions import filter_create, filter_status_add, keyword_filter_add
from kith.mastodon import entities
from kith.relationships.actions.follows import follow_create
from tests.conftest import make_person
from tests.mastodon.conftest import load, png
from tests.mastodon.schema import check

MASTODON_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def one(viewer, post) -> dict:
    found = entities.statuses(load(viewer, post), viewer)
    assert len(found) == 1
    return check("Status", found[0])


@pytest.fixture
def rich(alice, bob, mo):
    described = media_upload(owner=alice, data=png(), alt_text="A blue pot")
    bare = media_upload(owner=alice, data=png(800, 600))
    return actions.post_publish(
        author=alice,
        body="Glaze *notes* for @bob and @mo #Kiln #pots",
        content_warning="Long read",
        language="en",
        media_ids=[described.pk, bare.pk],
    )


def test_a_post_reads_as_a_status_field_for_field(bob, rich):
    data = one(bob, rich)
    assert data["id"] == str(rich.pk)
    assert data["content"] == rich.html and "<em>notes</em>" in data["content"]
    assert data["url"] == data["uri"] == f"{settings.BASE_URL}/@alice/{rich.pk}"
    assert MASTODON_TIME.match(data["created_at"]) and data["edited_at"] is None
    assert data["spoiler_text"] == "Long read" and data["sensitive"] is True
    assert data["language"] == "en" and data["visibility"] == "public"
    assert data["account"]["acct"] == "alice" and data["account"]["id"] == str(rich.author_id)
    assert [m["acct"] for m in data["mentions"]] == ["bob", "mo"]
    assert data["mentions"][0]["url"] == f"{settings.BASE_URL}/@bob"
    assert sorted(t["name"] for t in data["tags"]) == ["kiln", "pots"]
    assert all(t["url"].startswith(f"{settings.BASE_URL}/tags/") for t in data["tags"])
    assert data["card"] is None and data["poll"] is None and data["reblog"] is None
    assert data["quote"] is None
    assert data["replies_count"] == data["reblogs_count"] == data["favourites_count"] == 0
    assert data["favourited"] is data["reblogged"] is data["bookmarked"] is False
    assert data["filtered"] == [] and "pinned" not in data  # not bob's post
    assert data["kith"]["kind"] == "post" and data["kith"]["visibility"] == "public"


def test_media_attachments_with_and_without_a_description(bob, rich):
    described, bare = (check("MediaAttachment", m) for m in one(bob, rich)["media_attachments"])
    assert described["description"] == "A blue pot" and bare["description"] is None
    assert described["type"] == "image" and described["remote_url"] is None
    assert described["url"].startswith(f"{settings.BASE_URL}/media/posts/")
    assert bare["meta"]["original"] == {
        "width": 800, "height": 600, "size": "800x600", "aspect": 800 / 600
    }  # fmt: skip
    for mention in one(bob, rich)["mentions"]:
        check("Mention", mention)
    for tag in one(bob, rich)["tags"]:
        check("StatusTag", tag)


def test_the_author_sees_pinned_and_anonymous_viewers_no_viewer_flags(alice, rich):
    own = one(alice, rich)
    assert own["pinned"] is False
    anonymous = one(None, rich)
    for flag in ("favourited", "reblogged", "muted", "bookmarked", "pinned", "filtered"):
        assert flag not in anonymous
    assert anonymous["account"]["kith"]["connected"] is False


def test_a_reply_names_the_post_and_the_account_it_answers(alice, bob, rich):
    reply = actions.post_reply(author=bob, to=rich, body="Thanks!")
    data = one(alice, reply)
    assert data["in_reply_to_id"] == str(rich.pk)
    assert data["in_reply_to_account_id"] == str(alice.pk)
    rich.refresh_from_db()
    assert one(alice, rich)["replies_count"] == 1


def test_favourite_is_helpful_and_reblog_is_repost(alice, bob, rich):
    actions.helpful_mark(person=bob, post=rich)
    actions.post_repost(person=bob, post=rich)
    rich.refresh_from_db()
    data = one(bob, rich)
    assert data["favourited"] is True and data["favourites_count"] == 1
    assert data["reblogged"] is True and data["reblogs_count"] == 1
    assert one(alice, rich)["favourited"] is False


def test_a_reblog_wraps_the_original(alice, bob, carol, rich):
    repost = actions.post_repost(person=carol, post=rich)
    data = one(bob, repost)
    assert data["id"] == str(repost.pk) and data["account"]["acct"] == "carol"
    assert data["content"] == "" and data["media_attachments"] == []
    original = check("Status", data["reblog"])
    assert original["id"] == str(rich.pk) and original["account"]["acct"] == "alice"
    assert original["content"] == rich.html and len(original["media_attachments"]) == 2
    assert data["kith"]["kind"] == "repost"


def test_a_reblog_whose_original_was_deleted_is_left_out(alice, bob, carol, rich):
    repost = actions.post_repost(person=carol, post=rich)
    loaded = load(bob, repost)  # loaded before the deletion, shown after it
    actions.post_delete(post=rich, by=alice)
    assert entities.statuses(loaded, bob) == []
    assert load(bob, repost) == []


def test_a_reblog_of_a_post_the_viewer_may_no_longer_see_does_not_leak(alice, bob, carol):
    original = actions.post_publish(author=alice, body="Only for my connections, later")
    repost = actions.post_repost(person=carol, post=original)
    reader = make_person("dana")
    follow_create(follower=reader, target=carol)
    actions.post_set_visibility(post=original, by=alice, visibility="connections")
    shown = entities.statuses(load(reader, repost), reader)
    assert shown == []
    assert "Only for my connections" not in str(shown)
    # bob, her connection, still sees it inside the reblog
    assert one(bob, repost)["reblog"]["id"] == str(original.pk)


@pytest.mark.parametrize(
    ("kith", "mastodon"),
    [
        ("public", "public"),
        ("followers", "private"),
        ("connections", "private"),
        ("mentioned", "direct"),
    ],
)
def test_visibility_mapping(alice, bob, kith, mastodon):
    post = actions.post_publish(author=alice, body="Hello @bob", visibility=kith)
    data = one(bob, post)
    assert data["visibility"] == mastodon and data["kith"]["visibility"] == kith
    assert entities.mastodon_visibility(kith) == mastodon


def test_visibilities_from_mastodon():
    assert entities.kith_visibility("public") == "public"
    assert entities.kith_visibility("unlisted") == "public"
    assert entities.kith_visibility("private") == "followers"
    assert entities.kith_visibility("direct") == "mentioned"
    assert entities.kith_visibility("limited") is None


def test_a_quote_shows_the_quoted_status(alice, bob, carol):
    quoted = actions.post_publish(author=carol, body="Worth quoting")
    quote = actions.post_quote(author=alice, post=quoted, body="So true")
    data = one(bob, quote)
    check("Quote", data["quote"])
    assert data["quote"]["state"] == "accepted"
    assert data["quote"]["quoted_status"]["id"] == str(quoted.pk)
    assert data["quote"]["quoted_status"]["account"]["acct"] == "carol"
    actions.quote_revoke(quote=quote, by=carol)
    revoked = one(bob, quote)["quote"]
    assert revoked == {"state": "revoked", "quoted_status": None}


def test_a_quote_of_a_post_the_viewer_cannot_see_is_unauthorized(alice, bob, carol):
    quoted = actions.post_publish(author=carol, body="Secret soon")
    quote = actions.post_quote(author=alice, post=quoted, body="Look")
    actions.post_delete(post=quoted, by=carol)
    data = one(bob, quote)
    assert data["quote"] == {"state": "unauthorized", "quoted_status": None}
    assert "Secret soon" not in str(data)


def test_a_quote_inside_a_quote_is_shallow(alice, bob, carol):
    first = actions.post_publish(author=carol, body="First")
    second = actions.post_quote(author=bob, post=first, body="Second")
    third = actions.post_quote(author=alice, post=second, body="Third")
    data = one(carol, third)
    inner = data["quote"]["quoted_status"]
    assert inner["id"] == str(second.pk)
    assert check("ShallowQuote", inner["quote"]) == {
        "state": "accepted",
        "quoted_status_id": str(first.pk),
    }


def test_quote_approval_follows_the_quote_policy(alice, bob, carol):
    anyone = actions.post_publish(author=alice, body="Quote me")
    friends = actions.post_publish(author=alice, body="Friends only", quote_policy="connections")
    nobody = actions.post_publish(author=alice, body="No", quote_policy="nobody")
    private = actions.post_publish(author=alice, body="Private", visibility="followers")
    follow_create(follower=carol, target=alice)
    assert check("QuoteApproval", one(carol, anyone)["quote_approval"]) == {
        "automatic": ["public"], "manual": [], "current_user": "automatic"
    }  # fmt: skip
    assert one(carol, friends)["quote_approval"]["current_user"] == "denied"
    assert one(bob, friends)["quote_approval"]["current_user"] == "automatic"
    assert one(bob, friends)["quote_approval"]["automatic"] == ["unsupported_policy"]
    assert one(bob, nobody)["quote_approval"]["current_user"] == "denied"
    assert one(bob, private)["quote_approval"]["automatic"] == []
    assert one(alice, nobody)["quote_approval"]["current_user"] == "automatic"
    assert one(None, anyone)["quote_approval"]["current_user"] == "denied"


def test_questions_answers_and_used_it_in_the_kith_extension(alice, bob):
    question = actions.post_publish(author=alice, body="Which clay?", kind="question")
    answer = actions.post_reply(author=bob, to=question, body="Stoneware")
    actions.answer_accept(question=question, answer=answer, by=alice)
    actions.used_it_add(person=bob, post=question, story="Tried it")
    question.refresh_from_db()
    kith = one(bob, question)["kith"]
    assert kith["kind"] == "question" and kith["answered"] is True
    assert kith["accepted_answer_id"] == str(answer.pk)
    assert kith["used_count"] == 1 and kith["viewer"] == {"helpful": False, "used": True}
    assert one(alice, answer)["kith"]["kind"] == "answer"


def test_filtered_names_every_keyword_filter_the_status_matches(alice, bob, rich):
    keyword_filter_add(owner=bob, phrase="glaze", action="warn")
    keyword_filter_add(owner=bob, phrase="kiln", action="hide")
    keyword_filter_add(owner=bob, phrase="raku")
    filtered = one(bob, rich)["filtered"]
    assert sorted(r["filter"]["title"] for r in filtered) == ["glaze", "kiln"]
    for result in filtered:
        check("FilterResult", result)
        assert result["keyword_matches"] == [result["filter"]["title"]]
        assert result["status_matches"] is None
    assert one(alice, rich)["filtered"] == []


def test_filtered_names_the_keywords_and_statuses_matched_in_the_context(alice, bob, rich):
    """A filter of several keywords lists the ones the status matched; a filter naming the
    status lists it in `status_matches`; `context` keeps the filters that apply there."""
    filter_create(
        owner=bob,
        title="Ceramics",
        contexts=["public"],
        keywords=[("glaze", True), ("kiln", True), ("raku", True)],
    )
    named = filter_create(owner=bob, title="That one", contexts=["thread"], action="hide")
    filter_status_add(filter=named, post=rich)
    post = load(bob, rich)[0]
    everything = {r["filter"]["title"]: r for r in entities.statuses([post], bob)[0]["filtered"]}
    assert sorted(everything["Ceramics"]["keyword_matches"]) == ["glaze", "kiln"]
    assert everything["Ceramics"]["status_matches"] is None
    assert everything["That one"]["keyword_matches"] is None
    assert everything["That one"]["status_matches"] == [str(rich.pk)]
    for result in everything.values():
        check("FilterResult", result)
    in_public = entities.statuses([post], bob, context="public")[0]["filtered"]
    assert [r["filter"]["title"] for r in in_public] == ["Ceramics"]
    assert entities.statuses([post], bob, context="home")[0]["filtered"] == []


def test_an_edit_shows_at_once_through_the_cache(alice, bob, rich):
    assert "Glaze" in one(bob, rich)["content"]
    edited = actions.post_edit(post=rich, by=alice, body="Fired at cone 6 #kiln")
    data = one(bob, edited)
    assert "cone 6" in data["content"] and data["edited_at"] is not None
    assert [t["name"] for t in data["tags"]] == ["kiln"] and data["mentions"] == []


def test_light_posts_read_exactly_as_full_ones(alice, bob, carol, rich):
    repost = actions.post_repost(person=carol, post=rich)
    reply = actions.post_reply(author=bob, to=rich, body="Nice @alice")
    actions.helpful_mark(person=bob, post=rich)
    posts = [repost, reply, rich]
    full = entities.statuses(load(bob, *posts), bob)
    light = light_posts_by_ids(bob, [p.pk for p in posts])
    light = annotate_light(bob, [light[p.pk] for p in posts])
    assert entities.statuses(light, bob) == full
