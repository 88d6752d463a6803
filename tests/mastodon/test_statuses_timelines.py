"""Timelines on the Mastodon API: home (through the feed's hot path), public, tag, list; their
pagination, Link headers, pinned query counts and the visibility truth table."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kith.conversations import actions
from kith.feeds.actions import fan_out_post, person_list_add, person_list_create
from kith.relationships.actions.follows import follow_create
from tests.conversations.visibility_cases import CASES, SEES
from tests.mastodon.conftest import png
from tests.mastodon.oauth_helpers import bearer, user_token


def _publish(author, body="Hello", **options):
    post = actions.post_publish(author=author, body=body, **options)
    fan_out_post(post=post)
    return post


def _ids(answer) -> list[str]:
    assert answer.status_code == 200, answer.content
    return [s["id"] for s in answer.json()]


def test_home_timeline_pages_with_link_headers(alice, bob):
    posts = [_publish(bob, f"Post {i}") for i in range(5)]
    token = user_token(alice, scope="read")
    client = Client()
    first = client.get("/api/v1/timelines/home?limit=2", **bearer(token))
    assert _ids(first) == [str(posts[4].pk), str(posts[3].pk)]
    link = first["Link"]
    next_url = re.search(r'<([^>]+)>; rel="next"', link).group(1)
    assert f"max_id={posts[3].pk}" in next_url
    second = client.get(next_url.replace("http://testserver", ""), **bearer(token))
    assert _ids(second) == [str(posts[2].pk), str(posts[1].pk)]
    since = client.get(f"/api/v1/timelines/home?since_id={posts[2].pk}", **bearer(token))
    assert _ids(since) == [str(posts[4].pk), str(posts[3].pk)]
    bad = client.get("/api/v1/timelines/home?max_id=abc", **bearer(token))
    assert bad.status_code == 422 and "max_id" in bad.json()["error"]
    assert client.get("/api/v1/timelines/home").status_code == 401


def test_home_timeline_shows_reblogs_media_and_counts(alice, bob, carol):
    follow_create(follower=alice, target=carol)
    media = actions.media_upload(owner=bob, data=png())
    post = _publish(bob, "With an image", media_ids=[media.pk])
    actions.helpful_mark(person=carol, post=post)
    repost = actions.post_repost(person=carol, post=post)
    fan_out_post(post=repost)
    token = user_token(alice, scope="read:statuses")
    data = Client().get("/api/v1/timelines/home", **bearer(token)).json()
    first = data[0]
    shown = first["reblog"] or first
    assert shown["id"] == str(post.pk)
    assert shown["media_attachments"][0]["id"] == str(media.pk)
    assert shown["favourites_count"] == 1 and shown["reblogs_count"] == 1


def _home_queries(person, token) -> int:
    client = Client()
    client.get("/api/v1/timelines/home", **bearer(token))  # warm caches
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/api/v1/timelines/home", **bearer(token))
    assert answer.status_code == 200
    return len(queries)


def test_home_timeline_query_count_is_pinned(alice, bob, carol):
    token = user_token(alice, scope="read")
    for i in range(3):
        _publish(bob, f"Post {i}", media_ids=[actions.media_upload(owner=bob, data=png()).pk])
    few = _home_queries(alice, token)
    for i in range(17):
        _publish(bob if i % 2 else alice, f"More {i}")
    assert _home_queries(alice, token) == few
    assert few <= 14, few


def test_public_timeline(alice, bob, carol):
    public = _publish(alice, "Public")
    _publish(alice, "Followers", visibility="followers")
    reply = actions.post_reply(author=bob, to=public, body="A reply")
    media = _publish(bob, "Image", media_ids=[actions.media_upload(owner=bob, data=png()).pk])
    client = Client()
    ids = _ids(client.get("/api/v1/timelines/public"))
    assert ids == [str(media.pk), str(public.pk)]
    assert str(reply.pk) not in ids
    assert _ids(client.get("/api/v1/timelines/public?only_media=true")) == [str(media.pk)]
    assert _ids(client.get("/api/v1/timelines/public?remote=true")) == []
    assert _ids(client.get("/api/v1/timelines/public?local=true")) == [
        str(media.pk),
        str(public.pk),
    ]
    page = client.get("/api/v1/timelines/public?limit=1")
    assert _ids(page) == [str(media.pk)] and 'rel="next"' in page["Link"]
    newer = client.get(f"/api/v1/timelines/public?min_id={public.pk}")
    assert _ids(newer) == [str(media.pk)]


def test_public_timeline_query_count_is_pinned(alice, bob):
    token = user_token(alice, scope="read")
    _publish(bob, "one")
    client = Client()
    client.get("/api/v1/timelines/public", **bearer(token))
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/timelines/public", **bearer(token))
    for i in range(10):
        _publish(bob, f"more {i} #tag", media_ids=[actions.media_upload(owner=bob, data=png()).pk])
    client.get("/api/v1/timelines/public", **bearer(token))
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/timelines/public", **bearer(token))
    assert len(many) == len(few)


def test_tag_timeline(alice, bob):
    cats = _publish(alice, "#cats")
    both = _publish(bob, "#cats #dogs")
    dogs = _publish(bob, "#dogs only")
    _publish(alice, "#cats privately", visibility="followers")
    client = Client()
    assert _ids(client.get("/api/v1/timelines/tag/cats")) == [str(both.pk), str(cats.pk)]
    assert _ids(client.get("/api/v1/timelines/tag/Cats?any[]=dogs")) == [
        str(dogs.pk),
        str(both.pk),
        str(cats.pk),
    ]
    assert _ids(client.get("/api/v1/timelines/tag/cats?all[]=dogs")) == [str(both.pk)]
    assert _ids(client.get("/api/v1/timelines/tag/cats?none[]=dogs")) == [str(cats.pk)]
    assert _ids(client.get("/api/v1/timelines/tag/%20")) == []


def test_list_timeline(alice, bob, carol):
    person_list = person_list_create(owner=alice, name="Friends")
    person_list_add(person_list=person_list, person=bob)
    post = _publish(bob, "On the list")
    _publish(carol, "Not on it")
    token = user_token(alice, scope="read")
    client = Client()
    assert _ids(client.get(f"/api/v1/timelines/list/{person_list.pk}", **bearer(token))) == [
        str(post.pk)
    ]
    carols = user_token(carol, scope="read")
    other = client.get(f"/api/v1/timelines/list/{person_list.pk}", **bearer(carols))
    assert other.status_code == 404 and other.json() == {"error": "Record not found"}


def test_min_id_is_the_page_just_above_it_on_home_and_list_timelines(alice, bob):
    """Mastodon's `min_id`: the `limit` items right after it (not the newest), newest first,
    so an app reading up from where it stopped misses nothing; `since_id` gives the newest."""
    person_list = person_list_create(owner=alice, name="Friends")
    person_list_add(person_list=person_list, person=bob)
    posts = [_publish(bob, f"Post {i}") for i in range(6)]
    token = user_token(alice, scope="read")
    client = Client()
    for path in ("/api/v1/timelines/home", f"/api/v1/timelines/list/{person_list.pk}"):
        above = client.get(path, {"min_id": posts[1].pk, "limit": 2}, **bearer(token))
        assert _ids(above) == [str(posts[3].pk), str(posts[2].pk)], path
        link = above["Link"]
        assert f"min_id={posts[3].pk}" in link and f"max_id={posts[2].pk}" in link
        prev_url = re.search(r'<([^>]+)>; rel="prev"', link).group(1)
        newer = client.get(prev_url.replace("http://testserver", ""), **bearer(token))
        assert _ids(newer) == [str(posts[5].pk), str(posts[4].pk)], path
        top = client.get(path, {"min_id": posts[4].pk, "limit": 2}, **bearer(token))
        assert _ids(top) == [str(posts[5].pk)]
        assert _ids(client.get(path, {"min_id": posts[5].pk}, **bearer(token))) == []
        since = client.get(path, {"since_id": posts[1].pk, "limit": 2}, **bearer(token))
        assert _ids(since) == [str(posts[5].pk), str(posts[4].pk)], path
        both = client.get(
            path, {"min_id": posts[0].pk, "max_id": posts[3].pk, "limit": 5}, **bearer(token)
        )
        assert _ids(both) == [str(posts[2].pk), str(posts[1].pk)], path


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_truth_table_timelines(visibility, relationship, viewers, alice):
    """A post shows in the public and tag timelines, and in reblogged_by/favourited_by
    answers, only to those who may see it."""
    viewer = viewers[relationship]
    post = actions.post_publish(author=alice, body="Truth #table @mo", visibility=visibility)
    client = Client()
    headers = bearer(user_token(viewer, scope="read")) if viewer is not None else {}
    sees = relationship in SEES[visibility]
    got = client.get(f"/api/v1/statuses/{post.pk}", **headers)
    assert (got.status_code == 200) is sees
    context = client.get(f"/api/v1/statuses/{post.pk}/context", **headers)
    assert (context.status_code == 200) is sees
    tagged = _ids(client.get("/api/v1/timelines/tag/table", **headers))
    public = _ids(client.get("/api/v1/timelines/public", **headers))
    in_public = visibility == "public" and sees
    assert (str(post.pk) in tagged) is in_public
    assert (str(post.pk) in public) is in_public
    many = _ids(client.get(f"/api/v1/statuses?id[]={post.pk}", **headers))
    assert (many == [str(post.pk)]) is sees
