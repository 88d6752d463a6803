"""Conversations in the native API: every endpoint, bad input, the visibility truth table
and pinned query counts.

alice writes; bob is her connection, carol a stranger, fiona follows her, mo is mentioned,
blake is blocked by her and bart blocked her.
"""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from kith.api.post_schemas import EditOut, PostOut, StoryOut, ThreadOut
from kith.conversations import actions
from kith.conversations.models import Post, PostEdit, Reaction
from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.safety import block_create
from tests.conftest import make_person


@pytest.fixture
def fiona(db, alice):
    person = make_person("fiona")
    follow_create(follower=person, target=alice)
    return person


@pytest.fixture
def mo(db):
    return make_person("mo")


@pytest.fixture
def blake(db, alice):
    person = make_person("blake")
    block_create(blocker=alice, blocked=person)
    return person


@pytest.fixture
def bart(db, alice):
    person = make_person("bart")
    block_create(blocker=person, blocked=alice)
    return person


@pytest.fixture
def tokens(alice, bob, carol, token_for):
    """Return a function giving (and keeping) a token per person."""
    made = {}

    def token(person):
        if person is None:
            return None
        if person.pk not in made:
            made[person.pk] = token_for(person)
        return made[person.pk]

    return token


def publish(author, body="Hello, world", **options) -> Post:
    return actions.post_publish(author=author, body=body, **options)


def ok(response, status: int = 200):
    assert response.status_code == status, response.content
    return response.json()


def error(response, status: int, code: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == code and "detail" in body, body
    return body


# --- Publishing and reading ---------------------------------------------------------------------


def test_publish_and_get_a_post(api, alice, carol, tokens):
    created = ok(
        api(
            "POST",
            "/posts",
            token=tokens(alice),
            json={"body": "Hello *you* #pottery", "content_warning": "cw", "language": "en"},
        ),
        201,
    )
    PostOut.model_validate(created)
    assert created["html"] == "<p>Hello <em>you</em> " + created["html"].split("</em> ", 1)[1]
    assert created["tags"] == ["pottery"] and created["kind"] == "post"
    assert created["author"]["handle"] == "alice" and isinstance(created["id"], str)
    assert created["viewer"] == {"helpful": False, "used": False, "reposted": False}
    fetched = ok(api("GET", f"/posts/{created['id']}"))  # anonymous
    assert fetched["body"] == "Hello *you* #pottery" and fetched["quote"] is None
    assert ok(api("GET", f"/posts/{created['id']}", token=tokens(carol)))["id"] == created["id"]


def test_publish_a_question_and_list_it_unanswered(api, alice, bob, tokens):
    question = ok(
        api("POST", "/posts", token=tokens(alice), json={"body": "Kiln?", "kind": "question"}),
        201,
    )
    assert question["kind"] == "question" and question["answered"] is False
    listed = ok(api("GET", "/questions/unanswered", token=tokens(bob)))
    assert [q["id"] for q in listed] == [question["id"]]
    answer = ok(
        api("POST", f"/posts/{question['id']}/replies", token=tokens(bob), json={"body": "Yes"}),
        201,
    )
    assert answer["kind"] == "answer" and answer["in_reply_to_id"] == question["id"]
    assert [q["id"] for q in ok(api("GET", "/questions/unanswered?without_answers=true"))] == []
    accepted = ok(
        api(
            "PUT",
            f"/posts/{question['id']}/accepted-answer",
            token=tokens(alice),
            json={"answer_id": answer["id"]},
        )
    )
    assert accepted["accepted_answer_id"] == answer["id"] and accepted["answered"] is True
    assert ok(api("GET", "/questions/unanswered")) == []
    # only the asker accepts; nothing changes
    error(
        api(
            "PUT",
            f"/posts/{question['id']}/accepted-answer",
            token=tokens(bob),
            json={"answer_id": answer["id"]},
        ),
        422,
        "invalid",
    )
    unaccepted = ok(api("DELETE", f"/posts/{question['id']}/accepted-answer", token=tokens(alice)))
    assert unaccepted["accepted_answer_id"] is None
    assert [q["id"] for q in ok(api("GET", "/questions/unanswered"))] == [question["id"]]


def test_edit_and_history(api, alice, bob, tokens):
    post = publish(alice, "First #one")
    edited = ok(
        api("PATCH", f"/posts/{post.pk}", token=tokens(alice), json={"body": "Second #two"})
    )
    assert edited["body"] == "Second #two" and edited["edited_at"] and edited["tags"] == ["two"]
    assert edited["version"] == 2
    history = ok(api("GET", f"/posts/{post.pk}/history"))
    [EditOut.model_validate(h) for h in history]
    assert [(h["version"], h["body"]) for h in history] == [(1, "First #one")]
    # someone else's post: refused, nothing written
    error(api("PATCH", f"/posts/{post.pk}", token=tokens(bob), json={"body": "x"}), 422, "invalid")
    assert PostEdit.objects.count() == 1


def test_delete_leaves_a_tombstone(api, alice, bob, tokens):
    post = publish(alice, "To go")
    reply = actions.post_reply(author=bob, to=post, body="Reply stays")
    assert api("DELETE", f"/posts/{post.pk}", token=tokens(bob)).status_code == 422
    assert api("DELETE", f"/posts/{post.pk}", token=tokens(alice)).status_code == 204
    assert api("DELETE", f"/posts/{post.pk}", token=tokens(alice)).status_code == 204  # again
    tomb = ok(api("GET", f"/posts/{post.pk}"))
    assert tomb["deleted"] is True and tomb["body"] == tomb["html"] == "" and tomb["tags"] == []
    thread = ok(api("GET", f"/posts/{reply.pk}/context"))
    assert [(r["post"]["id"], r["post"]["deleted"]) for r in thread["rows"]] == [
        (str(post.pk), True),
        (str(reply.pk), False),
    ]
    error(
        api("POST", f"/posts/{post.pk}/replies", token=tokens(bob), json={"body": "hi"}),
        422,
        "invalid",
    )


def test_thread_rows_and_continue(api, alice, bob, tokens):
    root = publish(alice, "Root")
    parent = root
    chain = []
    for depth in range(8):
        parent = actions.post_reply(
            author=bob if depth % 2 == 0 else alice, to=parent, body=f"d{depth}"
        )
        chain.append(parent)
    thread = ok(api("GET", f"/posts/{chain[2].pk}/context", token=tokens(bob)))
    ThreadOut.model_validate(thread)
    assert thread["focus_id"] == str(chain[2].pk)
    rows = thread["rows"]
    assert [r["depth"] for r in rows] == list(range(7))
    assert rows[-1]["continues"] is True
    below = ok(api("GET", f"/posts/{root.pk}/context?below={rows[-1]['post']['id']}"))
    assert [r["post"]["id"] for r in below["rows"]] == [str(p.pk) for p in chain[5:]]


def test_replies_close_and_open(api, alice, bob, carol, tokens):
    post = publish(alice, "Discuss")
    closed = ok(api("POST", f"/posts/{post.pk}/close-replies", token=tokens(alice)))
    assert closed["replies_closed"] is True
    before = Post.objects.count()
    body = error(
        api("POST", f"/posts/{post.pk}/replies", token=tokens(carol), json={"body": "Hi"}),
        422,
        "invalid",
    )
    assert "closed" in str(body["detail"])
    assert Post.objects.count() == before
    error(api("POST", f"/posts/{post.pk}/open-replies", token=tokens(bob)), 422, "invalid")
    assert (
        ok(api("POST", f"/posts/{post.pk}/open-replies", token=tokens(alice)))["replies_closed"]
        is False
    )
    ok(api("POST", f"/posts/{post.pk}/replies", token=tokens(carol), json={"body": "Hi"}), 201)


def test_reply_rule_connections_only(api, alice, bob, carol, tokens):
    post = publish(alice, "Friends only answer", reply_policy="connections")
    error(
        api("POST", f"/posts/{post.pk}/replies", token=tokens(carol), json={"body": "Me?"}),
        422,
        "invalid",
    )
    reply = ok(
        api("POST", f"/posts/{post.pk}/replies", token=tokens(bob), json={"body": "Me"}), 201
    )
    assert reply["visibility"] == "public"


def test_repost_and_unrepost(api, alice, bob, carol, tokens):
    post = publish(alice, "Share me")
    repost = ok(api("POST", f"/posts/{post.pk}/repost", token=tokens(bob)))
    assert repost["repost_of"]["id"] == str(post.pk) and repost["body"] == ""
    assert repost["repost_of"]["viewer"]["reposted"] is True
    assert ok(api("POST", f"/posts/{post.pk}/repost", token=tokens(bob)))["id"] == repost["id"]
    seen = ok(api("GET", f"/posts/{post.pk}", token=tokens(bob)))
    assert seen["viewer"]["reposted"] is True and seen["counts"]["reposts"] == 1
    listed = ok(api("GET", "/people/bob/posts", token=tokens(carol)))
    assert [p["id"] for p in listed] == [repost["id"]]
    original = ok(api("DELETE", f"/posts/{post.pk}/repost", token=tokens(bob)))
    assert original["id"] == str(post.pk) and original["viewer"]["reposted"] is False
    assert original["counts"]["reposts"] == 0
    with_visibility = api(
        "POST", f"/posts/{post.pk}/repost", token=tokens(bob), json={"visibility": "connections"}
    )
    assert ok(with_visibility)["visibility"] == "connections"
    error(
        api("POST", f"/posts/{post.pk}/repost", token=tokens(carol), json={"visibility": "nope"}),
        422,
        "invalid_request",
    )


def test_repost_of_a_non_public_post_is_refused(api, alice, bob, tokens):
    post = publish(alice, "Just us", visibility="connections")
    before = Post.objects.count()
    error(api("POST", f"/posts/{post.pk}/repost", token=tokens(bob)), 422, "invalid")
    assert Post.objects.count() == before


def test_quote_and_revoke(api, alice, bob, carol, tokens):
    post = publish(alice, "Quotable")
    quote = ok(
        api("POST", f"/posts/{post.pk}/quotes", token=tokens(bob), json={"body": "So true"}), 201
    )
    assert quote["quote"]["state"] == "shown" and quote["quote"]["post"]["id"] == str(post.pk)
    assert quote["quote"]["post"]["body"] == "Quotable"
    error(api("POST", f"/posts/{quote['id']}/revoke-quote", token=tokens(carol)), 422, "invalid")
    revoked = ok(api("POST", f"/posts/{quote['id']}/revoke-quote", token=tokens(alice)))
    assert revoked["quote"] == {"id": None, "state": "removed_by_author", "post": None}
    seen = ok(api("GET", f"/posts/{quote['id']}", token=tokens(carol)))
    assert seen["quote"]["state"] == "removed_by_author" and "Quotable" not in str(seen)


@pytest.mark.parametrize(
    ("options", "who"),
    [({"quote_policy": "nobody"}, "bob"), ({"quote_policy": "connections"}, "carol"),
     ({"visibility": "followers"}, "bob")],
)  # fmt: skip
def test_quote_against_policy_is_refused(api, alice, bob, carol, tokens, options, who):
    post = publish(alice, "Mine", **options)
    person = {"bob": bob, "carol": carol}[who]
    before = Post.objects.count()
    error(
        api("POST", f"/posts/{post.pk}/quotes", token=tokens(person), json={"body": "Ha"}),
        422,
        "invalid",
    )
    assert Post.objects.count() == before


def test_quote_of_a_post_the_reader_cannot_see(api, alice, bob, carol, tokens):
    hidden = publish(alice, "Connections only, but quotable?", visibility="connections")
    post = publish(alice, "Public")
    quote = actions.post_quote(author=bob, post=post, body="quoting")
    actions.post_delete(post=post, by=alice)
    seen = ok(api("GET", f"/posts/{quote.pk}", token=tokens(carol)))
    assert seen["quote"] == {"id": None, "state": "unavailable", "post": None}
    assert str(hidden.pk) not in str(seen)


def test_helpful_and_used_it(api, alice, bob, carol, tokens):
    post = publish(alice, "Tip: glaze thin")
    marked = ok(api("POST", f"/posts/{post.pk}/helpful", token=tokens(bob)))
    assert marked["viewer"]["helpful"] is True and marked["counts"]["helpful"] == 1
    error(api("POST", f"/posts/{post.pk}/helpful", token=tokens(alice)), 422, "invalid")
    unmarked = ok(api("DELETE", f"/posts/{post.pk}/helpful", token=tokens(bob)))
    assert unmarked["viewer"]["helpful"] is False and unmarked["counts"]["helpful"] == 0

    story = ok(
        api("PUT", f"/posts/{post.pk}/used", token=tokens(bob), json={"story": "Glazed 3 pots"})
    )
    StoryOut.model_validate(story)
    assert story["public"] is False and story["person"]["handle"] == "bob"
    ok(
        api(
            "PUT",
            f"/posts/{post.pk}/used",
            token=tokens(carol),
            json={"story": "Told a friend", "public": True},
        )
    )
    assert ok(api("GET", f"/posts/{post.pk}", token=tokens(bob)))["viewer"]["used"] is True

    def stories(token=None):
        return [s["story"] for s in ok(api("GET", f"/posts/{post.pk}/stories", token=token))]

    assert stories(tokens(alice)) == ["Told a friend", "Glazed 3 pots"]  # the author reads all
    assert stories(tokens(bob)) == ["Told a friend", "Glazed 3 pots"]  # public + own
    assert stories(tokens(carol)) == ["Told a friend"]
    assert stories() == ["Told a friend"]
    page = api("GET", f"/posts/{post.pk}/stories?limit=1", token=tokens(alice))
    assert [s["story"] for s in ok(page)] == ["Told a friend"] and 'rel="next"' in page["Link"]
    next_url = page["Link"].split(">")[0].lstrip("<").replace("http://testserver/api/kith/v1", "")
    assert [s["story"] for s in ok(api("GET", next_url, token=tokens(alice)))] == ["Glazed 3 pots"]

    error(
        api("PUT", f"/posts/{post.pk}/used", token=tokens(bob), json={"story": "  "}),
        422,
        "invalid",
    )
    removed = ok(api("DELETE", f"/posts/{post.pk}/used", token=tokens(bob)))
    assert removed["viewer"]["used"] is False and removed["counts"]["used"] == 1
    assert stories(tokens(alice)) == ["Told a friend"]


def test_tag_posts_and_person_posts_page_with_max_id(api, alice, carol, tokens):
    posts = [publish(alice, f"#kilns number {i}") for i in range(5)]
    reply = actions.post_reply(author=alice, to=posts[0], body="#kilns a reply")
    newest_first = [str(p.pk) for p in reversed(posts)]
    first = api("GET", "/tags/Kilns/posts?limit=2")
    assert [p["id"] for p in ok(first)] == [str(reply.pk), *newest_first[:1]]
    assert first["Link"].startswith("<http://testserver/api/kith/v1/tags/Kilns/posts?")
    assert f"max_id={newest_first[0]}" in first["Link"]
    mine = api("GET", "/people/alice/posts?limit=3", token=tokens(carol))
    assert [p["id"] for p in ok(mine)] == newest_first[:3]
    rest = api("GET", f"/people/alice/posts?limit=3&max_id={newest_first[2]}")
    assert [p["id"] for p in ok(rest)] == newest_first[3:] and "Link" not in rest
    with_replies = ok(api("GET", "/people/alice/posts?replies=true&limit=1000"))
    assert len(with_replies) == 6
    error(api("GET", "/people/nobody/posts"), 404, "not_found")
    assert ok(api("GET", "/tags/no%20such%20tag/posts")) == []


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "status", "code", "field"),
    [
        ({"body": ""}, 422, "invalid", "body"),
        ({"body": "   \n "}, 422, "invalid", "body"),
        ({"body": "x" * 5001}, 422, "invalid", "body"),
        ({"body": "x" * 200_000}, 422, "invalid_request", "body"),
        ({"body": "ok", "kind": "answer"}, 422, "invalid_request", "kind"),
        ({"body": "ok", "kind": "poll"}, 422, "invalid_request", "kind"),
        ({"body": "ok", "visibility": "secret"}, 422, "invalid_request", "visibility"),
        ({"body": "ok", "reply_policy": "nobody"}, 422, "invalid_request", "reply_policy"),
        ({"body": "ok", "content_warning": "w" * 201}, 422, "invalid", "content_warning"),
        ({"body": "ok", "language": "not a language"}, 422, "invalid", "language"),
        ({"body": "ok", "author": "bob"}, 422, "invalid_request", "author"),
        ({}, 422, "invalid_request", "body"),
    ],
)
def test_bad_posts_are_refused_and_nothing_is_written(
    api, alice, tokens, payload, status, code, field
):
    body = error(api("POST", "/posts", token=tokens(alice), json=payload), status, code)
    assert field in str(body["detail"])
    assert Post.objects.count() == 0


def test_not_json_is_refused(api, alice, tokens, client):
    response = client.post(
        "/api/kith/v1/posts",
        data="body=hi",
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {tokens(alice)}"},
    )
    error(response, 400, "bad_request")
    assert Post.objects.count() == 0


def test_writes_need_a_token(api, alice):
    post = publish(alice)
    error(api("POST", "/posts", json={"body": "hi"}), 401, "unauthorized")
    for method, path in [
        ("POST", f"/posts/{post.pk}/replies"),
        ("POST", f"/posts/{post.pk}/repost"),
        ("POST", f"/posts/{post.pk}/helpful"),
        ("DELETE", f"/posts/{post.pk}"),
        ("PATCH", f"/posts/{post.pk}"),
    ]:
        error(api(method, path, json={"body": "hi"}), 401, "unauthorized")
    assert Post.objects.count() == 1 and Reaction.objects.count() == 0


def test_javascript_links_are_rendered_safely(api, alice, tokens):
    body = '[click](javascript:alert(1)) <script>alert(2)</script> <a href="javascript:x">a</a>'
    created = ok(api("POST", "/posts", token=tokens(alice), json={"body": body}), 201)
    html = created["html"].lower()
    # markdown links to javascript: are not links; raw HTML is shown as text, escaped
    assert '<a href="javascript' not in html and "<script" not in html
    assert "&lt;script&gt;" in html and 'href="' not in html.replace("&lt;a href=", "")
    assert ok(api("GET", f"/posts/{created['id']}"))["html"] == created["html"]


@pytest.mark.parametrize(
    "raw", ["0", "abc", "-1", "99999999999999999999", "9" * 300, "12345678901234567"]
)
def test_unknown_or_oversized_ids_are_404(api, alice, tokens, raw):
    for method, path in [
        ("GET", f"/posts/{raw}"),
        ("GET", f"/posts/{raw}/context"),
        ("GET", f"/posts/{raw}/history"),
        ("GET", f"/posts/{raw}/stories"),
        ("POST", f"/posts/{raw}/helpful"),
        ("POST", f"/posts/{raw}/repost"),
        ("DELETE", f"/posts/{raw}"),
    ]:
        error(api(method, path, token=tokens(alice)), 404, "not_found")
    error(
        api("POST", f"/posts/{raw}/replies", token=tokens(alice), json={"body": "x"}),
        404,
        "not_found",
    )
    assert Post.objects.count() == 0


@pytest.mark.parametrize("raw", ["abc", "-5", "99999999999999999999", "1" * 30])
def test_bad_max_id_is_422(api, alice, raw):
    error(api("GET", f"/people/alice/posts?max_id={raw}"), 422, "invalid_request")
    error(api("GET", f"/tags/x/posts?max_id={raw}"), 422, "invalid_request")


def test_limit_is_capped(api, alice, settings):
    settings.KITH_API_PAGE_MAX = 3
    for i in range(5):
        publish(alice, f"#many {i}")
    assert len(ok(api("GET", "/tags/many/posts?limit=1000"))) == 3
    error(api("GET", "/tags/many/posts?limit=0"), 422, "invalid_request")


def test_reply_to_an_invisible_post_is_404(api, alice, carol, tokens):
    post = publish(alice, "Connections only", visibility="connections")
    missing = api("POST", f"/posts/{post.pk}/replies", token=tokens(carol), json={"body": "Hi"})
    error(missing, 404, "not_found")
    absent = api("POST", f"/posts/{post.pk + 1}/replies", token=tokens(carol), json={"body": "Hi"})
    assert absent.json() == missing.json()  # forbidden reads exactly like missing
    assert Post.objects.count() == 1
    error(
        api("PUT", f"/posts/{post.pk}/used", token=tokens(carol), json={"story": "x"}),
        404,
        "not_found",
    )


def test_accepting_an_invisible_or_unrelated_answer(api, alice, bob, carol, tokens):
    question = publish(alice, "Q?", kind="question")
    other = publish(bob, "Not an answer")
    hidden = publish(bob, "Secret", visibility="mentioned")
    path = f"/posts/{question.pk}/accepted-answer"
    error(
        api("PUT", path, token=tokens(alice), json={"answer_id": str(hidden.pk)}), 404, "not_found"
    )
    error(api("PUT", path, token=tokens(alice), json={"answer_id": str(other.pk)}), 422, "invalid")
    error(
        api("PUT", path, token=tokens(alice), json={"answer_id": "x" * 41}), 422, "invalid_request"
    )


# --- Who sees what: visibility × viewer, through every read -----------------------------------

VIEWERS = [
    "anonymous",
    "stranger",
    "follower",
    "connection",
    "mentioned",
    "blocked",
    "blocker",
    "author",
]
SEES = {
    "public": {"anonymous", "stranger", "follower", "connection", "mentioned", "author"},
    "followers": {"follower", "connection", "mentioned", "author"},
    "connections": {"connection", "mentioned", "author"},
    "mentioned": {"mentioned", "author"},
}
SECRET = "Secret plans for the allotment #allotment @mo"


@pytest.fixture
def viewers(alice, bob, carol, fiona, mo, blake, bart):
    return {
        "anonymous": None,
        "stranger": carol,
        "follower": fiona,
        "connection": bob,
        "mentioned": mo,
        "blocked": blake,
        "blocker": bart,
        "author": alice,
    }


def _leaks(response, post: Post) -> bool:
    text = response.content.decode()
    return str(post.pk) in text or "Secret plans" in text


@pytest.mark.parametrize("viewer_name", VIEWERS)
@pytest.mark.parametrize("visibility", list(SEES))
def test_truth_table(api, alice, viewers, tokens, visibility, viewer_name):
    viewer = viewers[viewer_name]
    token = tokens(viewer)
    root = publish(alice, "A public start #allotment")
    post = actions.post_reply(author=alice, to=root, body=SECRET, visibility=visibility)
    expected = viewer_name in SEES[visibility]

    got = api("GET", f"/posts/{post.pk}", token=token)
    thread = api("GET", f"/posts/{post.pk}/context", token=token)
    if expected:
        assert ok(got)["body"] == SECRET
        assert str(post.pk) in [r["post"]["id"] for r in ok(thread)["rows"]]
    else:
        assert got.json() == api("GET", f"/posts/{post.pk + 1}", token=token).json()
        error(got, 404, "not_found")
        error(thread, 404, "not_found")

    # The thread from the public first post: the reply is there or not a trace of it.
    from_root = api("GET", f"/posts/{root.pk}/context", token=token)
    if from_root.status_code == 200:
        assert (str(post.pk) in [r["post"]["id"] for r in from_root.json()["rows"]]) is expected
    else:
        assert viewer_name in {"blocked", "blocker"}
    if not expected:
        assert not _leaks(from_root, post)

    person = api("GET", "/people/alice/posts?replies=true", token=token)
    tag = api("GET", "/tags/allotment/posts", token=token)
    for listing in (person, tag):
        if expected:
            assert str(post.pk) in [p["id"] for p in ok(listing)]
        else:
            assert listing.status_code in (200, 404) and not _leaks(listing, post)
    if viewer_name == "blocked":
        error(person, 404, "not_found")
    if viewer_name in {"blocked", "blocker"}:
        assert ok(tag) == [] and person.status_code in (200, 404)


def test_blocked_people_see_no_stories_and_cannot_react(api, alice, bob, blake, tokens):
    post = publish(alice, "Public")
    actions.used_it_add(person=bob, post=post, story="bob's public story", public=True)
    error(api("GET", f"/posts/{post.pk}/stories", token=tokens(blake)), 404, "not_found")
    error(api("POST", f"/posts/{post.pk}/helpful", token=tokens(blake)), 404, "not_found")
    assert Reaction.objects.filter(kind="helpful").count() == 0


# --- Query counts: bounded whatever the size ----------------------------------------------------


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200, response.content
    return len(queries)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _grow(alice, bob, carol, root, n: int) -> None:
    """Add `n` rounds of replies, questions, reposts, quotes and reactions."""
    for i in range(n):
        reply = actions.post_reply(author=bob, to=root, body=f"#pin reply {i}")
        actions.post_reply(author=carol, to=reply, body=f"deeper {i}", visibility="mentioned")
        actions.helpful_mark(person=carol, post=reply)
        question = publish(bob, f"#pin question {i}?", kind="question")
        quote = actions.post_quote(author=bob, post=question, body=f"#pin quoting {i}")
        image = actions.media_upload(owner=alice, data=_png(), alt_text=f"picture {i}")
        shared = actions.post_publish(author=alice, body=f"#pin shared {i}", media_ids=[image.pk])
        actions.post_repost(person=bob, post=shared)
        actions.post_repost(person=bob, post=quote) if i % 2 else None
        actions.used_it_add(person=carol, post=question, story=f"used {i}", public=True)


def test_list_and_thread_endpoints_take_a_fixed_number_of_queries(api, alice, bob, carol, tokens):
    token = tokens(carol)
    root = publish(alice, "#pin Root")
    question = publish(alice, "#pin Q?", kind="question")
    for i in range(25):
        actions.used_it_add(person=make_person(f"user{i}"), post=question, story="s", public=True)
    calls = {
        "thread": lambda: api("GET", f"/posts/{root.pk}/context", token=token),
        "person": lambda: api("GET", "/people/bob/posts?limit=100&replies=true", token=token),
        "tag": lambda: api("GET", "/tags/pin/posts?limit=100", token=token),
        "questions": lambda: api("GET", "/questions/unanswered?limit=100", token=token),
        "stories": lambda: api("GET", f"/posts/{question.pk}/stories?limit=100", token=token),
        "post": lambda: api("GET", f"/posts/{root.pk}", token=token),
        "anonymous tag": lambda: api("GET", "/tags/pin/posts?limit=100"),
    }
    _grow(alice, bob, carol, root, 2)
    api("GET", "/me", token=token)  # stamps the token's last use (once a minute) out of the way
    small = {name: _queries(call) for name, call in calls.items()}
    _grow(alice, bob, carol, root, 8)
    large = {name: _queries(call) for name, call in calls.items()}
    assert large == small
    # The token (1), then the read: posts, tags of posts and of reposted originals, the
    # viewer's reactions and reposts, quoted posts, images (+ the person, the thread's ids,
    # quotes inside reposts where they occur). Pinned: a change here is a change to look at.
    assert small == {
        "thread": 9,
        "person": 11,
        "tag": 7,
        "questions": 6,
        "stories": 4,
        "post": 8,
        "anonymous tag": 4,
    }
