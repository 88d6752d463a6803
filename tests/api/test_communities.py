"""Communities and topics in the native API: every endpoint, bad input (4xx with a message),
the truth table for the community feed and questions, and pinned query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.api.community_schemas import CommunityOut, LogEntryOut, MemberOut, ReportOut
from kith.api.post_schemas import PostOut
from kith.api.routes.topics import TagOut, TopicOut
from kith.communities import actions
from kith.communities.models import Membership, PostRemoval, Report
from kith.conversations import actions as post_actions
from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.safety import block_create
from tests.conftest import make_person


@pytest.fixture
def olga(db):
    return make_person("olga")


@pytest.fixture
def garden(db, olga, alice):
    community = actions.community_create(by=olga, slug="garden", name="Gardeners")
    actions.community_join(person=alice, community=community)
    return community


def test_create_get_and_list(api, token_for, olga):
    token = token_for(olga)
    created = api(
        "post",
        "/communities",
        token=token,
        json={"slug": "bread", "name": "Bakers", "rules": "Be kind\nShare recipes"},
    )
    assert created.status_code == 201, created.content
    data = CommunityOut(**created.json()).model_dump()
    assert data["rules"] == ["Be kind", "Share recipes"]
    assert data["viewer"] == {
        "status": "active",
        "role": "owner",
        "muted_until": None,
        "can_post": True,
        "can_join": False,
        "can_moderate": True,
        "can_manage": True,
    }
    anonymous = api("get", "/communities/bread").json()
    assert anonymous["viewer"]["status"] is None and not anonymous["viewer"]["can_post"]
    assert [c["slug"] for c in api("get", "/communities?q=bak").json()] == ["bread"]
    assert api("get", "/communities?q=zzz").json() == []
    assert api("get", "/communities/nope").status_code == 404


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"slug": "x y", "name": "N"}, 422),
        ({"slug": "ok", "name": ""}, 422),
        ({"slug": "ok", "name": "N", "policy": "closed"}, 422),
        ({"slug": "ok", "name": "N", "extra": 1}, 422),
        ({"name": "N"}, 422),
    ],
)
def test_bad_input_is_422_with_a_message(api, token_for, olga, payload, status):
    response = api("post", "/communities", token=token_for(olga), json=payload)
    assert response.status_code == status
    assert response.json()["detail"]


def test_creating_needs_a_token(api):
    assert api("post", "/communities", json={"slug": "a", "name": "A"}).status_code == 401


def test_join_leave_and_approval(api, token_for, olga, carol, garden):
    token = token_for(carol)
    joined = api("post", "/communities/garden/join", token=token).json()
    assert joined["viewer"]["status"] == "active" and joined["members_count"] == 3
    left = api("post", "/communities/garden/leave", token=token).json()
    assert left["viewer"]["status"] is None
    owner = token_for(olga)
    api("patch", "/communities/garden", token=owner, json={"policy": "approval"})
    asked = api("post", "/communities/garden/join", token=token).json()
    assert asked["viewer"]["status"] == "requested"
    requests = api("get", "/communities/garden/members?status=requested", token=owner).json()
    assert [m["person"]["handle"] for m in requests] == ["carol"]
    assert (
        api("get", "/communities/garden/members?status=requested", token=token).status_code == 403
    )
    approved = api("post", "/communities/garden/members/carol/approve", token=owner)
    assert MemberOut(**approved.json()).status == "active"
    members = api("get", "/communities/garden/members").json()
    assert {m["person"]["handle"] for m in members} == {"olga", "alice", "carol"}


def test_settings_are_for_owners(api, token_for, alice, garden):
    response = api("patch", "/communities/garden", token=token_for(alice), json={"name": "Mine"})
    assert response.status_code == 403
    assert response.json() == {
        "error": "forbidden",
        "detail": "Only the owners of Gardeners can do that.",
    }


def test_posting_in_a_community(api, token_for, alice, carol, garden):
    created = api(
        "post",
        "/posts",
        token=token_for(alice),
        json={"body": "Where to buy seeds?", "kind": "question", "community": "garden"},
    )
    assert created.status_code == 201, created.content
    assert PostOut(**created.json()).community == "garden"
    post_id = created.json()["id"]
    refused = api(
        "post", "/posts", token=token_for(carol), json={"body": "Hi", "community": "garden"}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == {"community": ["Join Gardeners to post in it."]}
    reply = api("post", f"/posts/{post_id}/replies", token=token_for(carol), json={"body": "x"})
    assert reply.status_code == 422
    actions.community_join(person=carol, community=garden)
    reply = api("post", f"/posts/{post_id}/replies", token=token_for(carol), json={"body": "x"})
    assert reply.status_code == 201 and reply.json()["community"] == "garden"
    quote = api(
        "post",
        f"/posts/{post_id}/quotes",
        token=token_for(carol),
        json={"body": "Good question", "community": "nowhere"},
    )
    assert quote.status_code == 422
    assert quote.json()["detail"] == {"community": ["No such community."]}
    feed = api("get", "/communities/garden/posts").json()
    assert [p["id"] for p in feed] == [post_id]
    questions = api("get", "/communities/garden/questions?without_answers=true").json()
    assert questions == []
    assert [p["id"] for p in api("get", "/communities/garden/questions").json()] == [post_id]


def test_moderation_through_the_api(api, token_for, olga, alice, carol, garden):
    actions.community_join(person=carol, community=garden)
    post = post_actions.post_publish(author=alice, body="Buy now!", community=garden)
    reporter = token_for(carol)
    owner = token_for(olga)
    created = api(
        "post",
        "/communities/garden/reports",
        token=reporter,
        json={"post_id": str(post.pk), "reason": "Spam"},
    )
    assert created.status_code == 201, created.content
    assert ReportOut(**created.json()).post.id == str(post.pk)
    assert api("get", "/communities/garden/reports", token=reporter).status_code == 403
    queue = api("get", "/communities/garden/reports", token=owner).json()
    assert [r["reason"] for r in queue] == ["Spam"]
    report_id = queue[0]["id"]
    resolved = api(
        "post",
        f"/communities/garden/reports/{report_id}/resolve",
        token=owner,
        json={"outcome": "removed"},
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert PostRemoval.objects.filter(post=post).exists()
    assert api("get", "/communities/garden/posts").json() == []
    again = api(
        "post",
        f"/communities/garden/reports/{report_id}/resolve",
        token=owner,
        json={"outcome": "dismissed"},
    )
    assert again.status_code == 422
    restored = api("post", f"/communities/garden/posts/{post.pk}/restore", token=owner)
    assert restored.status_code == 204
    assert len(api("get", "/communities/garden/posts").json()) == 1
    banned = api(
        "post",
        "/communities/garden/members/carol/ban",
        token=owner,
        json={"reason": "Spam", "days": 7},
    )
    assert banned.status_code == 200 and banned.json()["status"] == "banned"
    refused = api("post", "/communities/garden/join", token=reporter)
    assert refused.status_code == 422
    log = api("get", "/communities/garden/log", token=token_for(alice)).json()
    assert [LogEntryOut(**e).action for e in log][:3] == ["ban", "restore_post", "resolve_report"]
    assert api("get", "/communities/garden/log", token=reporter).status_code == 403
    bad = api("post", "/communities/garden/members/alice/mute", token=owner, json={"days": 0})
    assert bad.status_code == 422 and "days" in bad.json()["detail"]
    forbidden = api(
        "post",
        f"/communities/garden/posts/{post.pk}/remove",
        token=token_for(alice),
        json={"reason": ""},
    )
    assert forbidden.status_code == 403


def test_roles_and_invitations(api, token_for, olga, alice, carol, garden):
    owner = token_for(olga)
    role = api(
        "post", "/communities/garden/members/alice/role", token=owner, json={"role": "moderator"}
    )
    assert role.json()["role"] == "moderator"
    api("patch", "/communities/garden", token=owner, json={"policy": "invitation"})
    assert api("post", "/communities/garden/join", token=token_for(carol)).status_code == 422
    invited = api(
        "post", "/communities/garden/invitations", token=token_for(alice), json={"handle": "carol"}
    )
    assert invited.json()["status"] == "invited"
    joined = api("post", "/communities/garden/join", token=token_for(carol)).json()
    assert joined["viewer"]["status"] == "active"
    missing = api("post", "/communities/garden/invitations", token=owner, json={"handle": "nobody"})
    assert missing.status_code == 404


# --- Truth table: the community feed and questions never show what the viewer may not see ---

SEES = {
    "public": {"anonymous", "stranger", "follower", "connection", "blocked_none", "author"},
    "followers": {"follower", "connection", "author"},
    "connections": {"connection", "author"},
    "mentioned": {"author"},
}
VIEWERS = ["anonymous", "stranger", "follower", "connection", "blocked", "blocker", "author"]


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("visibility", list(SEES))
def test_feed_truth_table(api, token_for, alice, bob, carol, garden, visibility, who):
    fiona = make_person("fiona")
    follow_create(follower=fiona, target=alice)
    blake = make_person("blake")
    block_create(blocker=alice, blocked=blake)
    bart = make_person("bart")
    block_create(blocker=bart, blocked=alice)
    people = {"stranger": carol, "follower": fiona, "connection": bob, "blocked": blake}
    people.update({"blocker": bart, "author": alice, "anonymous": None})
    post = post_actions.post_publish(
        author=alice, body="Q?", kind="question", visibility=visibility, community=garden
    )
    viewer = people[who]
    token = token_for(viewer) if viewer is not None else None
    expected = [str(post.pk)] if who in SEES[visibility] else []
    for path in ("/communities/garden/posts", "/communities/garden/questions"):
        response = api("get", path, token=token)
        assert response.status_code == 200
        assert [p["id"] for p in response.json()] == expected


def test_feed_endpoints_take_a_fixed_number_of_queries(api, token_for, alice, bob, garden):
    token = token_for(bob)

    def measure(n):
        for i in range(n):
            post = post_actions.post_publish(
                author=alice, body=f"#q {i}?", kind="question", community=garden
            )
            post_actions.helpful_mark(person=bob, post=post)
            post_actions.post_quote(author=alice, post=post, body="quoting", community=garden)
        counts = {}
        api("get", "/communities/garden", token=token)  # the token's last use is now recorded
        for path in (
            "/communities/garden/posts?limit=40",
            "/communities/garden/questions?limit=40",
        ):
            with CaptureQueriesContext(connection) as context:
                assert api("get", path, token=token).status_code == 200
            counts[path] = len(context)
        return counts

    few = measure(1)
    many = measure(10)
    assert few == many
    # token, community, posts, tags, reactions, reposts, (quoted posts), images
    assert many == {
        "/communities/garden/posts?limit=40": 8,
        "/communities/garden/questions?limit=40": 7,
    }


# --- Topics -----------------------------------------------------------------------------------


def test_follow_a_tag(api, token_for, carol):
    token = token_for(carol)
    followed = api("post", "/topics/tags/Compost/follow", token=token)
    assert followed.status_code == 200
    assert TagOut(**followed.json()).model_dump() == {
        "tag": "compost",
        "url": "/tags/compost",
        "following": True,
        "followers_count": 1,
    }
    assert api("get", "/topics/followed", token=token).json() == {"tags": ["compost"], "topics": []}
    assert api("get", "/topics/tags/compost").json()["following"] is False
    unfollowed = api("delete", "/topics/tags/compost/follow", token=token).json()
    assert unfollowed["following"] is False and unfollowed["followers_count"] == 0
    assert api("post", "/topics/tags/12/follow", token=token).status_code == 422
    assert api("post", "/topics/tags/compost/follow").status_code == 401


def test_named_topics(api, token_for, alice, carol):
    token = token_for(carol)
    created = api(
        "post",
        "/topics",
        token=token,
        json={"slug": "bread", "name": "Bread", "tags": ["sourdough", "#Levain"]},
    )
    assert created.status_code == 201, created.content
    assert TopicOut(**created.json()).tags == ["levain", "sourdough"]
    assert (
        api("post", "/topics", token=token, json={"slug": "x", "name": "X", "tags": []}).status_code
        == 422
    )
    assert api("post", "/topics/bread/follow", token=token).json()["following"] is True
    post = post_actions.post_publish(author=alice, body="My #levain")
    hidden = post_actions.post_publish(author=alice, body="My #levain", visibility="connections")
    assert [p["id"] for p in api("get", "/topics/bread/posts", token=token).json()] == [
        str(post.pk)
    ]
    assert hidden.pk
    assert api("get", "/topics/followed", token=token).json()["topics"][0]["slug"] == "bread"
    assert api("delete", "/topics/bread/follow", token=token).json()["following"] is False
    assert api("get", "/topics/none").status_code == 404
    assert [t["slug"] for t in api("get", "/topics").json()] == ["bread"]
    assert Membership.objects.count() == 0 and Report.objects.count() == 0


def test_community_list_takes_a_fixed_number_of_queries(api, token_for, olga, alice):
    token = token_for(alice)

    def measure(n):
        for i in range(n):
            community = actions.community_create(by=olga, slug=f"c{n}-{i}", name=f"C {n} {i}")
            actions.community_join(person=alice, community=community)
        api("get", "/communities", token=token)  # the token's last use is now recorded
        with CaptureQueriesContext(connection) as context:
            response = api("get", "/communities", token=token)
        assert all(c["viewer"]["status"] == "active" for c in response.json())
        return len(context)

    assert measure(1) == measure(8) == 3  # token, communities, your memberships in them
