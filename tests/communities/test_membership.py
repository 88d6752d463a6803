"""Communities through their actions: creating, joining by each policy, leaving, roles,
and who may post in them (posts, replies, quotes)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kith.communities import actions
from kith.communities.models import (
    Community,
    LogAction,
    Membership,
    MembershipStatus,
    ModerationLogEntry,
    Role,
)
from kith.conversations import actions as post_actions
from kith.conversations.models import Post


def status_of(community, person):
    row = Membership.objects.filter(community=community, person=person).first()
    return row.status if row else None


def test_create_makes_the_creator_owner_and_logs_it(olga):
    community = actions.community_create(by=olga, slug="Bread", name="Bakers", rules="One\n\n Two ")
    assert community.slug == "bread"
    assert community.rule_list == ["One", "Two"]
    assert community.members_count == 1
    row = Membership.objects.get(community=community, person=olga)
    assert (row.role, row.status) == (Role.OWNER, MembershipStatus.ACTIVE)
    assert ModerationLogEntry.objects.get(community=community).action == LogAction.CREATE


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"slug": "", "name": "X"}, "slug"),
        ({"slug": "-bad", "name": "X"}, "slug"),
        ({"slug": "new", "name": "X"}, "slug"),
        ({"slug": "a" * 41, "name": "X"}, "slug"),
        ({"slug": "ok", "name": "  "}, "name"),
        ({"slug": "ok", "name": "X" * 81}, "name"),
        ({"slug": "ok", "name": "X", "policy": "secret"}, "policy"),
        ({"slug": "ok", "name": "X", "rules": "r" * 5001}, "rules"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(olga, fields, field):
    with pytest.raises(ValidationError) as error:
        actions.community_create(by=olga, **fields)
    assert field in error.value.message_dict
    assert not Community.objects.exists()
    assert not Membership.objects.exists()


def test_a_taken_slug_is_refused(olga, carol):
    actions.community_create(by=olga, slug="garden", name="Gardeners")
    with pytest.raises(ValidationError) as error:
        actions.community_create(by=carol, slug="Garden", name="Other")
    assert error.value.message_dict == {"slug": ["This address is taken."]}


def test_open_community_join_and_leave(garden, carol):
    actions.community_join(person=carol, community=garden)
    assert status_of(garden, carol) == MembershipStatus.ACTIVE
    garden.refresh_from_db()
    assert garden.members_count == 5
    actions.community_join(person=carol, community=garden)  # twice is harmless
    actions.community_leave(person=carol, community=garden)
    assert status_of(garden, carol) is None
    garden.refresh_from_db()
    assert garden.members_count == 4


def test_approval_community_needs_a_moderator(olga, carol, max_):
    community = actions.community_create(by=olga, slug="c", name="C", policy="approval")
    actions.community_join(person=carol, community=community)
    assert status_of(community, carol) == MembershipStatus.REQUESTED
    with pytest.raises(PermissionDenied):
        actions.membership_approve(by=max_, community=community, person=carol)
    actions.membership_approve(by=olga, community=community, person=carol)
    assert status_of(community, carol) == MembershipStatus.ACTIVE
    with pytest.raises(ValidationError):
        actions.membership_approve(by=olga, community=community, person=carol)
    log = ModerationLogEntry.objects.filter(community=community, action=LogAction.APPROVE)
    assert log.get().target == carol


def test_a_request_can_be_declined_and_asked_again(olga, carol):
    community = actions.community_create(by=olga, slug="c", name="C", policy="approval")
    actions.community_join(person=carol, community=community)
    actions.membership_reject(by=olga, community=community, person=carol)
    assert status_of(community, carol) is None
    actions.community_join(person=carol, community=community)
    assert status_of(community, carol) == MembershipStatus.REQUESTED


def test_invitation_only(olga, carol, mia):
    community = actions.community_create(by=olga, slug="c", name="C", policy="invitation")
    with pytest.raises(ValidationError, match="invitation only"):
        actions.community_join(person=carol, community=community)
    assert status_of(community, carol) is None
    with pytest.raises(PermissionDenied):
        actions.community_invite(by=mia, community=community, person=carol)
    actions.community_invite(by=olga, community=community, person=carol)
    assert status_of(community, carol) == MembershipStatus.INVITED
    actions.community_join(person=carol, community=community)
    assert status_of(community, carol) == MembershipStatus.ACTIVE
    with pytest.raises(ValidationError, match="already a member"):
        actions.community_invite(by=olga, community=community, person=carol)


def test_the_last_owner_cannot_leave(garden, olga, mia):
    with pytest.raises(ValidationError, match="another member an owner"):
        actions.community_leave(person=olga, community=garden)
    actions.member_set_role(by=olga, community=garden, person=mia, role="owner")
    actions.community_leave(person=olga, community=garden)
    assert status_of(garden, olga) is None


def test_only_owners_change_roles_and_settings(garden, max_, mia):
    with pytest.raises(PermissionDenied):
        actions.member_set_role(by=max_, community=garden, person=mia, role="moderator")
    with pytest.raises(PermissionDenied):
        actions.community_update(by=max_, community=garden, name="Mine")
    with pytest.raises(ValidationError):
        actions.member_set_role(by=garden.created_by, community=garden, person=mia, role="king")


def test_settings_change_is_logged(garden, olga):
    actions.community_update(by=olga, community=garden, rules="Only kindness", policy="approval")
    garden.refresh_from_db()
    assert (garden.rules, garden.policy) == ("Only kindness", "approval")
    entry = ModerationLogEntry.objects.filter(community=garden).first()
    assert (entry.action, entry.reason) == (LogAction.UPDATE, "rules, policy")
    with pytest.raises(ValidationError):
        actions.community_update(by=olga, community=garden, name="")


# --- Posting in a community -------------------------------------------------------------------


def test_members_post_in_the_community_and_replies_inherit_it(garden, alice, mia, publish):
    post = publish(alice, "Tomatoes?", kind="question", community="garden")
    assert post.community_id == garden.pk
    reply = post_actions.post_reply(author=mia, to=post, body="Water them")
    assert reply.community_id == garden.pk
    deeper = post_actions.post_reply(author=alice, to=reply, body="Thanks")
    assert deeper.community_id == garden.pk


def test_non_members_cannot_post_or_reply_in_a_community(garden, alice, carol, publish):
    with pytest.raises(ValidationError) as error:
        publish(carol, "Hi", community="garden")
    assert error.value.message_dict == {"community": ["Join Gardeners to post in it."]}
    post = publish(alice, "Hello garden", community=garden)
    with pytest.raises(ValidationError, match="Join Gardeners"):
        post_actions.post_reply(author=carol, to=post, body="Me too")
    assert Post.objects.filter(author=carol).count() == 0


def test_an_unknown_community_is_a_clear_error(alice, publish):
    with pytest.raises(ValidationError) as error:
        publish(alice, "Hi", community="nowhere")
    assert error.value.message_dict == {"community": ["No such community."]}


def test_a_quote_may_go_to_a_community_and_a_repost_has_none(garden, alice, mia, publish):
    post = publish(alice, "Original", community="garden")
    quote = post_actions.post_quote(author=mia, post=post, body="Look", community="garden")
    assert quote.community_id == garden.pk
    repost = post_actions.post_repost(person=mia, post=post)
    assert repost.community_id is None


def test_banned_members_cannot_post_reply_or_join(garden, olga, alice, mia, publish):
    post = publish(alice, "Hello", community="garden")
    actions.member_ban(by=olga, community=garden, person=mia, reason="Spam")
    with pytest.raises(ValidationError, match="banned"):
        publish(mia, "Back", community="garden")
    with pytest.raises(ValidationError, match="banned"):
        post_actions.post_reply(author=mia, to=post, body="Back")
    with pytest.raises(ValidationError, match="banned"):
        actions.community_join(person=mia, community=garden)
    actions.community_leave(person=mia, community=garden)  # leaving keeps the ban
    assert status_of(garden, mia) == MembershipStatus.BANNED
    actions.member_unban(by=olga, community=garden, person=mia)
    actions.community_join(person=mia, community=garden)
    assert status_of(garden, mia) == MembershipStatus.ACTIVE


def test_a_ban_with_a_duration_ends_by_itself(garden, olga, mia, publish):
    from datetime import timedelta

    from django.utils import timezone

    row = actions.member_ban(by=olga, community=garden, person=mia, days=3)
    assert row.banned_until > timezone.now() + timedelta(days=2)
    Membership.objects.filter(pk=row.pk).update(banned_until=timezone.now() - timedelta(seconds=1))
    actions.community_join(person=mia, community=garden)
    assert publish(mia, "I'm back", community="garden").community_id == garden.pk


def test_muted_members_stay_but_cannot_post(garden, max_, mia, publish):
    actions.member_mute(by=max_, community=garden, person=mia, days=1)
    with pytest.raises(ValidationError, match="muted"):
        publish(mia, "Hi", community="garden")
    assert status_of(garden, mia) == MembershipStatus.ACTIVE
    actions.member_unmute(by=max_, community=garden, person=mia)
    publish(mia, "Hi", community="garden")


@pytest.mark.parametrize("days", [0, -1, 4000, "soon"])
def test_bad_durations_are_refused(garden, olga, mia, days):
    with pytest.raises(ValidationError) as error:
        actions.member_ban(by=olga, community=garden, person=mia, days=days)
    assert "days" in error.value.message_dict
    assert status_of(garden, mia) == MembershipStatus.ACTIVE
