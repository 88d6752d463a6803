"""The home feed's hot path (`selectors.latest_light`, `api.post_serializers.fragments_for`):
it returns exactly what the full path returns, its cached fragments never outlive the
change they show, and its query count is pinned."""

from __future__ import annotations

import io

import orjson
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from kith.api.post_serializers import JSON_OPTIONS, fragment_key
from kith.api.routes.feeds import _items_data
from kith.conversations import actions
from kith.conversations.actions.media import media_set_alt_text, media_upload
from kith.core.prepared import Prepared
from kith.feeds import selectors
from kith.feeds.actions import keyword_filter_add
from kith.people.actions.profile import person_update_profile
from kith.relationships.actions.safety import mute_create
from tests.conftest import make_person


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def feed(alice, bob, fanned):
    """bob's feed: alice's posts (one with an image), a question, a stranger's post alice
    shared, bob's own reply; bob marked one helpful and reposted one."""
    image = media_upload(owner=alice, data=_png(), alt_text="A pot")
    first = fanned(
        actions.post_publish, author=alice, body="Glaze *notes* #kiln", media_ids=[image.pk]
    )
    posts = [first] + [
        fanned(actions.post_publish, author=alice, body=f"Post {i} #pots") for i in range(4)
    ]
    fanned(actions.post_publish, author=alice, body="A question?", kind="question")
    writer = make_person("writer")
    theirs = fanned(actions.post_publish, author=writer, body="Something to share")
    fanned(actions.post_repost, person=alice, post=theirs)
    fanned(actions.post_reply, author=bob, to=posts[1], body="A reply")
    actions.helpful_mark(person=bob, post=posts[2])
    fanned(actions.post_repost, person=bob, post=posts[3])
    return {"posts": posts, "image": image, "writer": writer, "shared": theirs}


def _both(viewer, **options) -> tuple[list, list]:
    light = selectors.home_feed(viewer, light=True, **options)
    assert light.light
    full = selectors.home_feed(viewer, **options)
    assert not full.light
    assert light.next_max_id == full.next_max_id
    assert light.hidden == full.hidden

    def encoded(page):
        return orjson.loads(orjson.dumps(_items_data(viewer, page), option=JSON_OPTIONS))

    return encoded(light), encoded(full)


def test_light_path_returns_what_the_full_path_returns(bob, feed):
    light, full = _both(bob)
    assert len(light) >= 8
    assert light == full
    # and again, now from the cached fragments
    again, full = _both(bob)
    assert again == full == light
    # pages
    older, full_older = _both(bob, max_id=light[4]["entry_id"], limit=20)
    assert older == full_older and older


def test_light_path_with_filters_and_mutes(alice, bob, feed):
    keyword_filter_add(owner=bob, phrase="notes", action="warn")
    keyword_filter_add(owner=bob, phrase="Post 1", action="hide", whole_word=False)
    mute_create(muter=bob, muted=feed["writer"])
    light, full = _both(bob)
    assert light == full
    assert any(item["filtered"] == "notes" for item in light)
    assert not any(item["post"]["body"] == "Post 1 #pots" for item in light)


def test_a_page_with_a_quote_takes_the_full_path(alice, bob, feed, fanned):
    fanned(actions.post_quote, author=alice, post=feed["shared"], body="Look at this")
    page = selectors.home_feed(bob, light=True)
    assert not page.light
    assert any(item["post"]["quote"] for item in _items_data(bob, page))


def _shown(viewer, post) -> dict | None:
    page = selectors.home_feed(viewer, light=True)
    assert page.light
    for item in _items_data(viewer, page):
        for one in (item["post"], item["post"]["repost_of"]):
            if one is not None and one["id"] == str(post.pk):
                return one
    return None


def test_an_edit_is_never_served_stale(alice, bob, feed):
    post = feed["posts"][1]
    assert _shown(bob, post)["body"] == "Post 0 #pots"
    assert cache.get(fragment_key(post.pk, post.version)) is not None
    actions.post_edit(post=post, by=alice, body="Post 1, better #glaze")
    shown = _shown(bob, post)
    assert shown["body"] == "Post 1, better #glaze"
    assert shown["tags"] == ["glaze"]
    assert shown["edited_at"] is not None


def test_a_new_alt_text_is_never_served_stale(alice, bob, feed):
    post = feed["posts"][0]
    assert _shown(bob, post)["media"][0]["alt_text"] == "A pot"
    feed["image"].refresh_from_db()
    media_set_alt_text(media=feed["image"], by=alice, alt_text="A blue pot")
    assert _shown(bob, post)["media"][0]["alt_text"] == "A blue pot"


def test_a_deleted_post_leaves_the_page(alice, bob, feed):
    post = feed["posts"][1]
    assert _shown(bob, post) is not None
    actions.post_delete(post=post, by=alice)
    assert _shown(bob, post) is None


def test_a_visibility_change_shows_at_once(alice, bob, carol, feed, fanned):
    post = feed["posts"][1]
    assert _shown(bob, post)["visibility"] == "public"
    actions.post_set_visibility(post=post, by=alice, visibility="connections")
    assert _shown(bob, post)["visibility"] == "connections"


def test_counters_and_the_viewers_marks_are_fresh(alice, bob, carol, feed, fanned):
    post = feed["posts"][1]
    before = _shown(bob, post)
    assert before["counts"]["replies"] == 1
    assert before["viewer"]["helpful"] is False
    fanned(actions.post_reply, author=carol, to=post, body="Me too")
    actions.helpful_mark(person=bob, post=post)
    after = _shown(bob, post)
    assert after["counts"]["replies"] == 2
    assert after["counts"]["helpful"] == 1
    assert after["viewer"]["helpful"] is True


def test_an_authors_new_name_shows_at_once(alice, bob, feed):
    post = feed["posts"][1]
    assert _shown(bob, post)["author"]["display_name"] == "Alice"
    person_update_profile(person=alice, display_name="Alice Potter")
    assert _shown(bob, post)["author"]["display_name"] == "Alice Potter"


def test_the_api_serves_the_light_path_in_a_fixed_number_of_queries(
    client, alice, bob, fanned, feed, token_for
):
    token = token_for(bob)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/kith/v1/feed", headers=headers).status_code == 200  # warms the cache

    with CaptureQueriesContext(connection) as queries:
        client.get("/api/kith/v1/feed", headers=headers)
    small = len(queries)
    # token, filters, entries, posts (access rule), three for relevance (bob marked a post
    # helpful: he has an interest vector), reactions, reposts; the fragments are cached
    assert small == 9, "\n".join(q["sql"][:60] for q in queries.captured_queries)
    for i in range(12):
        fanned(actions.post_publish, author=alice, body=f"More {i}")
    client.get("/api/kith/v1/feed", headers=headers)
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/kith/v1/feed", headers=headers)
    assert len(queries) == small, [q["sql"][:80] for q in queries.captured_queries]


def test_prepared_queries_refuse_a_placeholder_they_cannot_place(db):
    from kith.conversations.models import Post

    prepared = Prepared(lambda p: (p.id("unused"), Post.objects.filter(pk=1))[1])
    with pytest.raises(ValueError, match="unused"):
        prepared.rows()
    listed = Prepared(lambda p: Post.objects.filter(pk__in=p.ids("ids", 2)).values_list("id"))
    with pytest.raises(ValueError, match="compiled for 2"):
        listed.rows(ids=[1, 2, 3])
    assert listed.rows(ids=[]) == []


def test_prepared_rows_are_the_orm_rows_on_either_path(alice, bob, feed):
    from kith.conversations.models import Post

    actions.post_delete(post=feed["posts"][4], by=alice)
    columns = ("id", "created_at", "deleted_at", "replies_closed", "quote_revoked", "kind")
    prepared = Prepared(
        lambda p: Post.objects.filter(author_id=p.id("author")).order_by("id").values_list(*columns)
    )
    expected = list(Post.objects.filter(author=alice).order_by("id").values_list(*columns))
    assert any(row[2] is not None for row in expected)  # a deletion time, and None elsewhere
    # straight to the driver (nobody counts queries) ...
    assert prepared.rows(author=alice.pk) == expected
    # ... and through Django's cursor while queries are counted
    with CaptureQueriesContext(connection) as queries:
        assert prepared.rows(author=alice.pk) == expected
    assert len(queries) == 1


def test_profile_urls_are_the_ones_reverse_gives(alice):
    from django.urls import get_script_prefix, reverse, set_script_prefix

    from kith.people.models import profile_url

    assert alice.get_absolute_url() == reverse("profile", kwargs={"handle": "alice"})
    assert profile_url("A.b_9") == reverse("profile", kwargs={"handle": "A.b_9"})
    before = get_script_prefix()
    set_script_prefix("/kith/")
    try:
        assert profile_url("alice") == reverse("profile", kwargs={"handle": "alice"})
        assert profile_url("alice").startswith("/kith/")
    finally:
        set_script_prefix(before)


def test_fragments_are_kept_per_process_by_id_and_version(alice, bob, feed):
    from kith.api import post_serializers

    post = feed["posts"][1]
    assert _shown(bob, post)["body"] == "Post 0 #pots"
    assert (post.pk, post.version) in post_serializers._local
    cache.clear()  # the shared cache forgets; this process still has it under the same key
    assert _shown(bob, post)["body"] == "Post 0 #pots"
    actions.post_edit(post=post, by=alice, body="Post 0, edited")
    post.refresh_from_db()
    assert _shown(bob, post)["body"] == "Post 0, edited"
    assert post_serializers._local[(post.pk, post.version)]["body"] == "Post 0, edited"
