"""Community pages through the Django test client: list, create, join and leave (htmx), the
feed and questions (visibility × viewer, 0 leaks), members and moderation, reports, log,
settings, the compose box's community, and the follow button of a tag page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.communities import actions
from kith.communities.models import (
    Community,
    Membership,
    MembershipStatus,
    PostRemoval,
    Report,
    TopicFollow,
)
from kith.conversations.models import Post
from tests.conversations.visibility_cases import CASES, SEES, client_for

SECRET = "Secret compost plans @mo"


def text(response) -> str:
    return response.content.decode()


def test_list_create_and_page(client, olga):
    client.force_login(olga)
    assert client.get("/c/new").status_code == 200
    bad = client.post("/c/new", {"slug": "Not ok!", "name": "", "policy": "open"})
    assert bad.status_code == 400
    assert "This field is required." in text(bad)
    assert not Community.objects.exists()
    created = client.post(
        "/c/new",
        {
            "slug": "bread",
            "name": "Bakers",
            "description": "Dough",
            "rules": "Be kind\nShare",
            "policy": "open",
        },
    )
    assert created.status_code == 302 and created["Location"] == "/c/bread"
    page = text(client.get("/c/bread"))
    assert "Bakers" in page and "<li>Be kind</li>" in page
    assert 'href="/c/bread/settings"' in page and 'href="/c/bread/moderation"' in page
    listing = text(client.get("/c/"))
    assert 'href="/c/bread"' in listing
    assert 'href="/c/"' in listing  # the navigation links the list
    assert client.get("/c/nothing").status_code == 404


def test_join_and_leave_with_htmx(client, garden, carol):
    client.force_login(carol)
    joined = client.post("/c/garden/join", HTTP_HX_REQUEST="true")
    assert joined.status_code == 200
    assert 'data-testid="community-leave"' in text(joined)
    assert Membership.objects.get(community=garden, person=carol).status == "active"
    left = client.post("/c/garden/leave", HTTP_HX_REQUEST="true")
    assert 'data-testid="community-join"' in text(left)
    assert not Membership.objects.filter(community=garden, person=carol).exists()


def test_banned_people_see_why_and_cannot_join(client, garden, olga, carol):
    actions.member_ban(by=olga, community=garden, person=carol)
    client.force_login(carol)
    response = client.post("/c/garden/join", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "You are banned from Gardeners." in text(response)


def test_compose_offers_ones_communities_and_posts_in_one(client, garden, alice, carol):
    client.force_login(alice)
    page = text(client.get("/posts/new?community=garden"))
    assert '<option value="garden" selected>Gardeners</option>' in page
    response = client.post(
        "/posts/new",
        {
            "body": "Compost question",
            "kind": "question",
            "visibility": "public",
            "reply_policy": "everyone",
            "quote_policy": "anyone",
            "community": "garden",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(author=alice)
    assert post.community == garden
    feed = text(client.get("/c/garden"))
    assert "Compost question" in feed and 'data-testid="post-community"' in feed
    assert "Compost question" in text(client.get("/c/garden/questions?unanswered=1"))
    client.force_login(carol)
    assert '<select name="community"' not in text(client.get("/posts/new"))
    refused = client.post(
        "/posts/new",
        {
            "body": "Sneaking in",
            "kind": "post",
            "visibility": "public",
            "reply_policy": "everyone",
            "quote_policy": "anyone",
            "community": "garden",
        },
    )
    assert refused.status_code == 400
    assert not Post.objects.filter(author=carol).exists()


def test_thread_page_refuses_replies_from_non_members(client, garden, alice, carol, publish):
    post = publish(alice, "In the garden", community="garden")
    client.force_login(carol)
    page = text(client.get(post.get_absolute_url()))
    assert "Join Gardeners to post in it." in page
    response = client.post(f"{post.get_absolute_url()}/reply", {"body": "Hi"})
    assert response.status_code == 400
    assert not Post.objects.filter(author=carol).exists()


@pytest.fixture
def readers(alice, bob, carol, fiona, mo, blake):
    return {
        "anonymous": None,
        "stranger": carol,
        "follower": fiona,
        "connection": bob,
        "mentioned": mo,
        "blocked": blake,
        "author": alice,
    }


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_community_feed_truth_table(client, garden, alice, readers, visibility, relationship):
    from kith.conversations import actions as post_actions

    post_actions.post_publish(
        author=alice, body=SECRET, kind="question", visibility=visibility, community=garden
    )
    client = client_for(client, readers[relationship])
    expected = relationship in SEES[visibility]
    for path in ("/c/garden", "/c/garden/questions", "/c/garden/questions?unanswered=1"):
        response = client.get(path)
        assert response.status_code == 200
        assert ("Secret compost plans" in text(response)) is expected, path


def test_report_remove_and_log(client, garden, alice, mia, max_, publish):
    post = publish(alice, "Buy my seeds", community="garden")
    client.force_login(mia)
    assert 'data-testid="community-report"' in text(client.get(post.get_absolute_url()))
    empty = client.post(f"/c/garden/posts/{post.pk}/report", {"reason": ""})
    assert empty.status_code == 400
    reported = client.post(f"/c/garden/posts/{post.pk}/report", {"reason": "Advertising"})
    assert reported.status_code == 302
    assert client.get("/c/garden/moderation").status_code == 403
    client.force_login(max_)
    queue = text(client.get("/c/garden/moderation"))
    assert "Advertising" in queue and "Buy my seeds" in queue
    report = Report.objects.get()
    removed = client.post(f"/c/garden/reports/{report.pk}/remove")
    assert removed.status_code == 302
    assert PostRemoval.objects.filter(post=post).exists()
    assert "Buy my seeds" not in text(client.get("/c/garden"))
    client.force_login(mia)
    log = text(client.get("/c/garden/log"))
    assert "removed a post" in log and "resolved a report" in log


def test_the_log_is_for_members(client, garden, carol):
    client.force_login(carol)
    assert client.get("/c/garden/log").status_code == 403


def test_moderators_remove_from_the_post_page(client, garden, alice, max_, mia, publish):
    post = publish(alice, "Off topic", community="garden")
    client.force_login(mia)
    assert 'data-testid="community-remove"' not in text(client.get(post.get_absolute_url()))
    assert client.post(f"/c/garden/posts/{post.pk}/remove", {"reason": "x"}).status_code == 403
    client.force_login(max_)
    assert 'data-testid="community-remove"' in text(client.get(post.get_absolute_url()))
    response = client.post(f"/c/garden/posts/{post.pk}/remove", {"reason": "Off topic"})
    assert response.status_code == 302
    assert PostRemoval.objects.get(post=post).reason == "Off topic"


def test_members_page_and_moderation_of_members(client, garden, olga, mia, carol):
    client.force_login(carol)
    members = text(client.get("/c/garden/members"))
    assert "@mia" in members and 'data-testid="ban"' not in members
    assert client.get("/c/garden/members?status=banned").status_code == 403
    assert client.post("/c/garden/members/@mia/ban", {"days": "2"}).status_code == 403
    client.force_login(olga)
    bad = client.post("/c/garden/members/@mia/ban", {"days": "0", "reason": "x"})
    assert bad.status_code == 400 and "Between 1 and" in text(bad)
    assert Membership.objects.get(community=garden, person=mia).status == "active"
    assert client.post("/c/garden/members/@mia/mute", {"days": "2"}).status_code == 302
    assert Membership.objects.get(community=garden, person=mia).is_muted()
    assert client.post("/c/garden/members/@mia/ban", {"reason": "Spam"}).status_code == 302
    assert Membership.objects.get(community=garden, person=mia).status == "banned"
    assert "@mia" in text(client.get("/c/garden/members?status=banned"))
    client.post("/c/garden/members/@mia/unban")
    assert not Membership.objects.filter(community=garden, person=mia).exists()
    client.post("/c/garden/invite", {"handle": "@carol"})
    assert Membership.objects.get(community=garden, person=carol).status == "invited"


def test_approval_from_the_members_page(client, garden, olga, carol):
    actions.community_update(by=olga, community=garden, policy="approval")
    client.force_login(carol)
    client.post("/c/garden/join")
    assert Membership.objects.get(person=carol).status == MembershipStatus.REQUESTED
    client.force_login(olga)
    assert "@carol" in text(client.get("/c/garden/members?status=requested"))
    client.post("/c/garden/members/@carol/approve", {"next_status": "requested"})
    assert Membership.objects.get(person=carol).status == MembershipStatus.ACTIVE


def test_settings_are_for_owners(client, garden, olga, max_):
    client.force_login(max_)
    assert client.get("/c/garden/settings").status_code == 403
    client.force_login(olga)
    assert client.get("/c/garden/settings").status_code == 200
    bad = client.post("/c/garden/settings", {"name": "", "policy": "open"})
    assert bad.status_code == 400
    saved = client.post(
        "/c/garden/settings",
        {"name": "Growers", "policy": "approval", "rules": "", "description": ""},
    )
    assert saved.status_code == 302
    garden.refresh_from_db()
    assert (garden.name, garden.policy) == ("Growers", "approval")


def test_follow_a_tag_from_its_page(client, alice):
    assert "Log in to follow #compost" in text(client.get("/tags/compost"))
    client.force_login(alice)
    page = text(client.get("/tags/compost"))
    assert 'data-testid="tag-follow"' in page
    followed = client.post("/tags/compost/follow", HTTP_HX_REQUEST="true")
    assert 'data-testid="tag-unfollow"' in text(followed) and "1 follower" in text(followed)
    assert TopicFollow.objects.filter(person=alice, hashtag__name="compost").exists()
    unfollowed = client.post("/tags/Compost/unfollow")
    assert unfollowed.status_code == 302
    assert not TopicFollow.objects.exists()
    assert client.post("/tags/12/follow").status_code == 404


def test_community_page_query_count_is_pinned(client, garden, alice, mia, publish):
    client.force_login(mia)

    def measure(n):
        for i in range(n):
            publish(alice, f"#tag {i}", community="garden", kind="question")
        with CaptureQueriesContext(connection) as context:
            assert client.get("/c/garden").status_code == 200
        return len(context)

    assert measure(1) == measure(10)


def test_named_topic_pages(client, alice, carol, publish):
    assert "No named topics yet." in text(client.get("/topics/"))
    client.force_login(carol)
    bad = client.post("/topics/new", {"slug": "bread", "name": "Bread", "tags": "12 !!"})
    assert bad.status_code == 400 and "Not a hashtag" in text(bad)
    created = client.post(
        "/topics/new", {"slug": "bread", "name": "Bread", "tags": "#sourdough, levain"}
    )
    assert created.status_code == 302 and created["Location"] == "/topics/bread"
    shown = publish(alice, "My #levain rose")
    hidden = publish(alice, "My #sourdough secret", visibility="connections")
    page = text(client.get("/topics/bread"))
    assert "My" in page and f'id="post-{shown.pk}"' in page and f'id="post-{hidden.pk}"' not in page
    assert 'data-testid="topic-unfollow"' in page  # naming a topic follows it
    unfollowed = client.post("/topics/bread/unfollow", HTTP_HX_REQUEST="true")
    assert 'data-testid="topic-follow"' in text(unfollowed)
    assert not TopicFollow.objects.exists()
    assert "Bread" in text(client.get("/topics/"))
    assert client.get("/topics/nothing").status_code == 404
