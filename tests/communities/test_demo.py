"""The demo network has communities with members, a moderator and questions, and topic
follows; a second demo network gets communities of its own."""

from __future__ import annotations

from kith.communities.models import Community, Membership, TopicFollow
from kith.conversations.models import Post


def test_the_demo_has_communities(db):
    from kith.demo import load_demo

    result = load_demo(people=12, seed=3)
    assert result.posts == Post.objects.count()
    assert set(Community.objects.values_list("slug", flat=True)) == {"makers", "learning-circle"}
    for community in Community.objects.all():
        assert Membership.objects.filter(community=community, role="owner").count() == 1
        assert Membership.objects.filter(community=community, role="moderator").count() == 1
        assert (
            community.members_count
            == Membership.objects.filter(community=community, status="active").count()
        )
    assert Post.objects.filter(community__isnull=False, kind="question").exists()
    assert TopicFollow.objects.exists()
    load_demo(people=5, seed=4)
    assert Community.objects.filter(slug="makers-2").exists()
