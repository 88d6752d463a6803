"""A post's journey: one hand-built network whose every number is worked out below by hand.

alice posts a link that mentions mo. Her connection bob reposts it; dave (who follows bob)
reposts bob's repost; erin (who follows dave) reposts it from her feed, where dave's share
brought it. carol quotes it and gus (who follows carol) reposts the quote. hal reposts it,
ivy (who follows hal) reposts it from there, and then hal blocks alice; jo reposts it for her
connections only (alice is not one). fiona (who follows alice) and bob reply, alice answers
fiona, hal replied before blocking her; mo and bob mark it helpful, fiona tells how she used
it, hal marked it helpful before blocking. Its link is clicked four times on two days.

What alice may see, by hand:
- reposts: bob, dave, erin, ivy = 4 (hal blocked her, jo's is for jo's connections); quotes:
  carol = 1; 5 people; shares of quotes: gus = 1.
- tree: bob → dave → erin; carol → gus; ivy (she came through hal's, which alice may not
  see: under the post itself, via nobody).
- clicks: 4 in all; day 0: 1, day 1: 0, day 2: 3; news.example 2, direct 1, social.example 1.
- audiences (feeds of others the post reached): bob (connection), fiona (follow), mo
  (mention), dave (bob's repost), erin (dave's repost) = 5; ivy's came through hal's share.
- conversation: replies fiona 1 + bob 2 = 3 from 2 people, alice's 1, no answers; it became
  a conversation (alice answered fiona); helpful: mo, bob = 2; stories: fiona = 1.
- echo = 4 + 1 + 4 = 9 against conversation = 3 + 1 = 4: echoed more than discussed.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from kith.conversations import actions
from kith.conversations.actions.links import short_link_follow
from kith.conversations.models import Click, Post, ShortLink
from kith.feeds.models import FeedEntry
from kith.insights.journey import journey_for
from kith.insights.metrics import insights_for
from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.safety import block_create
from tests.conftest import make_person
from tests.conversations.conftest import fiona, mo  # noqa: F401 (fixtures)

BODY = "The glazing guide I promised, @mo: https://example.org/guide"


@pytest.fixture
def fanned(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def story(alice, bob, fiona, mo, fanned):  # noqa: F811
    dave, erin, carol, gus, hal, ivy, jo = (
        make_person(h) for h in ("dave", "erin", "carol", "gus", "hal", "ivy", "jo")
    )
    follow_create(follower=dave, target=bob)
    follow_create(follower=erin, target=dave)
    follow_create(follower=gus, target=carol)
    follow_create(follower=ivy, target=hal)
    post = fanned(actions.post_publish, author=alice, body=BODY)
    shares = {}
    shares["bob"] = fanned(actions.post_repost, person=bob, post=post)
    shares["dave"] = fanned(actions.post_repost, person=dave, post=shares["bob"])
    shares["erin"] = fanned(actions.post_repost, person=erin, post=post)
    shares["carol"] = fanned(actions.post_quote, author=carol, post=post, body="Bookmarked.")
    shares["gus"] = fanned(actions.post_repost, person=gus, post=shares["carol"])
    shares["hal"] = fanned(actions.post_repost, person=hal, post=post)
    shares["ivy"] = fanned(actions.post_repost, person=ivy, post=post)
    shares["jo"] = fanned(actions.post_repost, person=jo, post=post, visibility="connections")

    thanks = fanned(actions.post_reply, author=fiona, to=post, body="Thanks!")
    fanned(actions.post_reply, author=alice, to=thanks, body="Enjoy it")
    first = fanned(actions.post_reply, author=bob, to=post, body="Page 3 is gold")
    fanned(actions.post_reply, author=bob, to=first, body="And page 4")
    fanned(actions.post_reply, author=hal, to=post, body="Meh")
    actions.helpful_mark(person=mo, post=post)
    actions.helpful_mark(person=bob, post=post)
    actions.helpful_mark(person=hal, post=post)
    actions.used_it_add(person=fiona, post=post, story="I glazed my first bowl with it")
    block_create(blocker=hal, blocked=alice)

    code = ShortLink.objects.get(post=post).code
    day0 = (timezone.now() - timedelta(days=6)).date()
    clicks = [
        ("https://news.example/item?id=1", 0, 10),
        ("https://news.example/item?id=2", 2, 9),
        (None, 2, 23),
        ("https://social.example/@someone", 2, 0),
    ]
    for referrer, day, hour in clicks:
        short_link_follow(viewer=None, code=code, referrer=referrer)
        at = datetime(day0.year, day0.month, day0.day, hour, 10, tzinfo=UTC)
        Click.objects.filter(pk=Click.objects.latest("id").pk).update(
            clicked_at=at + timedelta(days=day)
        )
    return post, shares, day0


def _shape(nodes) -> list:
    return [(n["person"]["handle"], n["kind"], n["via"], _shape(n["children"])) for n in nodes]


def test_the_journey_worked_out_by_hand(alice, story):
    post, shares, day0 = story
    journey = journey_for(alice, post.pk)

    assert journey["summary"] == {
        "verdict": "echo",
        "echo": 9,
        "conversation": 4,
        "text": "Echoed more than discussed: 9 echoes (4 reposts, 1 quote, 4 link clicks) "
        "against 4 in conversation (3 replies, 1 story of how it was used).",
    }
    cascade = journey["cascade"]
    assert (cascade["reposts"], cascade["quotes"], cascade["people"]) == (4, 1, 5)
    assert (cascade["shares_of_quotes"], cascade["left_out"]) == (1, 0)
    assert _shape(cascade["tree"]) == [
        ("@bob", "repost", [], [("@dave", "repost", ["@bob"], [
            ("@erin", "repost", ["@dave", "@bob"], []),
        ])]),
        ("@carol", "quote", [], [("@gus", "repost", ["@carol"], [])]),
        ("@ivy", "repost", [], []),
    ]  # fmt: skip
    bob_node = cascade["tree"][0]
    assert bob_node["reached"] == 1 and bob_node["children"][0]["reached"] == 1
    assert cascade["tree"][1]["url"] == f"/@carol/{shares['carol'].pk}"

    day = lambda n: day0 + timedelta(days=n)  # noqa: E731
    assert journey["clicks"] == {
        "links": 1,
        "total": 4,
        "by_day": [
            {"day": day(0), "clicks": 1},
            {"day": day(1), "clicks": 0},
            {"day": day(2), "clicks": 3},
        ],
        "by_host": [
            {"host": "news.example", "clicks": 2},
            {"host": "", "clicks": 1},
            {"host": "social.example", "clicks": 1},
        ],
    }
    reached = {row["reason"]: row["people"] for row in journey["audiences"]["by_reason"]}
    assert journey["audiences"]["total"] == 5
    assert reached == {
        "connection": 1,
        "follow": 1,
        "repost": 2,
        "topic": 0,
        "community": 0,
        "mention": 1,
        "reply": 0,
        "question": 0,
    }
    assert journey["conversation"] == {
        "replies": 3,
        "participants": 2,
        "your_replies": 1,
        "answers": 0,
        "accepted_answer": None,
        "became_conversation": True,
        "helpful": 2,
        "stories": 1,
        "story_list": [
            {
                "person": {"handle": "@fiona", "name": "Fiona", "url": "/@fiona"},
                "story": "I glazed my first bowl with it",
            }
        ],
    }
    text = str(journey)
    for hidden in ("hal", "jo", "Meh"):
        assert hidden not in text


def test_the_verdict_is_the_dashboards(alice, story):
    post, _, _ = story
    journey = journey_for(alice, post.pk)
    [row] = [p for p in insights_for(alice)["echo"]["posts"] if p["id"] == str(post.pk)]
    assert (row["echo"], row["conversation"], row["verdict"]) == (9, 4, "echo")
    assert journey["summary"]["verdict"] == row["verdict"]
    assert (journey["summary"]["echo"], journey["summary"]["conversation"]) == (9, 4)


def test_a_share_remembers_whom_it_came_through(alice, bob, story):
    _, shares, _ = story
    via = {name: share.shared_via_id for name, share in shares.items()}
    assert via["bob"] is None and via["carol"] is None  # found it themselves
    assert via["dave"] == shares["bob"].pk  # reposted bob's repost
    assert via["erin"] == shares["dave"].pk  # from her feed, where dave's brought it
    assert via["gus"] is None  # followed carol: the quote came straight to him
    assert Post.objects.get(pk=shares["ivy"].pk).shared_via_id == shares["hal"].pk
    actions.post_unrepost(person=bob, post=shares["bob"].repost_of)
    assert Post.objects.get(pk=shares["dave"].pk).shared_via_id is None


def test_a_question_its_answers_and_the_accepted_one(alice, bob, carol, fanned):
    question = fanned(actions.post_publish, author=alice, body="Which clay?", kind="question")
    first = fanned(actions.post_reply, author=bob, to=question, body="Stoneware")
    fanned(actions.post_reply, author=carol, to=question, body="Porcelain")
    fanned(actions.answer_accept, question=question, answer=first, by=alice)
    journey = journey_for(alice, question.pk)
    talk = journey["conversation"]
    assert (talk["replies"], talk["participants"], talk["answers"]) == (2, 2, 2)
    assert talk["accepted_answer"] == {
        "id": str(first.pk),
        "url": f"/@bob/{first.pk}",
        "author": "@bob",
        "snippet": "Stoneware",
    }
    assert talk["became_conversation"] is False
    assert journey["summary"]["verdict"] == "conversation"
    assert journey["summary"]["text"] == (
        "Discussed: 2 in conversation (2 replies, 0 stories of how it was used) against "
        "0 echoes (0 reposts, 0 quotes, 0 link clicks)."
    )


def test_a_quiet_post(alice, fanned):
    post = fanned(actions.post_publish, author=alice, body="Nobody saw this")
    journey = journey_for(alice, post.pk)
    assert journey["summary"]["verdict"] == "quiet"
    assert journey["summary"]["text"].startswith("Quiet so far")
    assert journey["cascade"]["tree"] == [] and journey["clicks"]["links"] == 0
    assert journey["clicks"]["by_day"] == [] and journey["audiences"]["total"] == 0


# --- Only the author, on the web and in the API ----------------------------------------------


def test_only_the_author_opens_the_page(client, alice, bob, story):
    post, shares, _ = story
    url = f"/@alice/{post.pk}/journey"
    assert client.get(url).status_code == 302  # log in first
    client.force_login(bob)
    assert client.get(url).status_code == 404
    assert client.get(f"/@bob/{shares['bob'].pk}/journey").status_code == 404  # a repost
    client.force_login(alice)
    assert client.get(f"/@bob/{post.pk}/journey").status_code == 404  # wrong handle
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Echoed more than discussed: 9 echoes" in html
    assert 'data-testid="journey-tree"' in html and "reposted it via @dave via @bob" in html
    assert 'data-testid="journey-clicks-chart"' in html and "<svg" not in html  # an image
    assert f'<th scope="row">{story[2].isoformat()}</th><td>1</td>' in html
    assert "news.example" in html and "direct (no referrer)" in html
    assert "I glazed my first bowl with it" in html
    for hidden in ("@hal", "Hal", "@jo", "Meh"):
        assert hidden not in html
    actions.post_delete(post=post, by=alice)
    assert client.get(url).status_code == 404


def test_only_the_author_gets_the_api(api, token_for, alice, bob, story):
    post, _, day0 = story
    path = f"/posts/{post.pk}/journey"
    assert api("GET", path).status_code == 401
    assert api("GET", path, token=token_for(bob)).status_code == 404
    assert api("GET", "/posts/nonsense/journey", token=token_for(alice)).status_code == 404
    data = api("GET", path, token=token_for(alice)).json()
    assert data["summary"]["verdict"] == "echo" and data["summary"]["echo"] == 9
    assert data["clicks"]["by_day"][0] == {"day": day0.isoformat(), "clicks": 1}
    assert [n["person"]["handle"] for n in data["cascade"]["tree"]] == ["@bob", "@carol", "@ivy"]
    assert data["cascade"]["tree"][0]["children"][0]["children"][0]["via"] == ["@dave", "@bob"]
    assert "hal" not in str(data)


def test_the_journey_is_in_the_openapi_description(client):
    spec = client.get("/api/kith/openapi.json").json()
    operation = spec["paths"]["/api/kith/v1/posts/{post_id}/journey"]["get"]
    assert operation["summary"] == "The journey of my post"
    assert "JourneyOut" in spec["components"]["schemas"]


def test_links_to_the_journey(client, alice, bob, story):
    post, _, _ = story
    url = f"/@alice/{post.pk}/journey"
    client.force_login(alice)
    assert f'href="{url}"' in client.get(f"/@alice/{post.pk}").content.decode()
    assert f'href="{url}"' in client.get("/insights/echoed/").content.decode()
    assert f'href="{url}"' in client.get("/insights/").content.decode()
    client.force_login(bob)
    assert url not in client.get(f"/@alice/{post.pk}").content.decode()


def test_pinned_query_counts(client, api, token_for, alice, story, django_assert_num_queries):
    post, _, _ = story
    token = token_for(alice)
    client.force_login(alice)
    client.get(f"/@alice/{post.pk}/journey")  # warm the session
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(f"/@alice/{post.pk}/journey").status_code == 200
    with django_assert_num_queries(API_QUERIES):
        assert api("GET", f"/posts/{post.pk}/journey", token=token).status_code == 200


PAGE_QUERIES = 11
API_QUERIES = 10


def test_the_migration_fills_in_existing_shares_from_their_authors_feeds(alice, bob, fanned):
    from django.apps import apps

    backfill = importlib.import_module(
        "kith.conversations.migrations.0005_post_shared_via"
    ).backfill_shared_via
    dave, erin, hal = make_person("dave"), make_person("erin"), make_person("hal")
    follow_create(follower=dave, target=bob)
    follow_create(follower=erin, target=hal)
    post = fanned(actions.post_publish, author=alice, body="Worth sharing")
    bobs = fanned(actions.post_repost, person=bob, post=post)
    daves = fanned(actions.post_repost, person=dave, post=post)
    quote = fanned(actions.post_quote, author=dave, post=post, body="Indeed")
    early = fanned(actions.post_repost, person=erin, post=post)
    hals = fanned(actions.post_repost, person=hal, post=post)  # reaches erin after her share
    assert FeedEntry.objects.get(owner=erin, post=post).via_post_id == hals.pk
    Post.objects.filter(repost_of__isnull=False).update(shared_via=None)
    Post.objects.filter(pk=quote.pk).update(shared_via=None)
    backfill(apps, None)
    via = dict(Post.objects.exclude(shared_via=None).values_list("pk", "shared_via"))
    assert via == {daves.pk: bobs.pk, quote.pk: bobs.pk}  # erin's came before hal's
    assert early.pk not in via
