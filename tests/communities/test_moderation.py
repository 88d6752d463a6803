"""Moderation: removing posts, bans and mutes, the reports queue and the log; and the truth
table that only moderators (and owners) can moderate."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kith.communities import actions, selectors
from kith.communities.models import (
    LogAction,
    ModerationLogEntry,
    PostRemoval,
    Report,
    ReportStatus,
)
from tests.conftest import make_person


def test_a_removed_post_leaves_the_feed_and_the_record_stays(garden, max_, alice, mia, publish):
    post = publish(alice, "Buy my seeds", community="garden")
    assert [p.pk for p in selectors.community_feed(mia, garden)] == [post.pk]
    actions.post_remove(by=max_, post=post, reason="Advertising")
    assert list(selectors.community_feed(mia, garden)) == []
    assert selectors.community_member_ids(post) == set()
    removal = PostRemoval.objects.get(post=post)
    assert (removal.removed_by, removal.reason) == (max_, "Advertising")
    entry = ModerationLogEntry.objects.filter(community=garden).first()
    assert (entry.action, entry.post_id, entry.target) == (LogAction.REMOVE_POST, post.pk, alice)
    actions.post_remove(by=max_, post=post)  # twice is harmless
    assert PostRemoval.objects.count() == 1
    actions.post_restore(by=max_, post=post)
    assert [p.pk for p in selectors.community_feed(mia, garden)] == [post.pk]


def test_reports_queue(garden, max_, alice, mia, publish):
    post = publish(alice, "Questionable", community="garden")
    report = actions.report_create(by=mia, post=post, reason="Rude")
    assert actions.report_create(by=mia, post=post, reason="Again") == report  # one open each
    assert [r.pk for r in selectors.report_queue(max_, garden)] == [report.pk]
    assert selectors.report_queue(max_, garden)[0].visible_post == post
    actions.report_resolve(by=max_, report=report, dismiss=True)
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == (ReportStatus.DISMISSED, max_)
    assert selectors.report_queue(max_, garden) == []
    with pytest.raises(ValidationError, match="already closed"):
        actions.report_resolve(by=max_, report=report)


def test_resolving_by_removing_takes_the_post_out(garden, max_, alice, mia, publish):
    post = publish(alice, "Spam spam", community="garden")
    report = actions.report_create(by=mia, post=post, reason="Spam")
    actions.report_resolve(by=max_, report=report, remove=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED
    assert PostRemoval.objects.filter(post=post).exists()
    actions_logged = list(
        ModerationLogEntry.objects.filter(community=garden).values_list("action", flat=True)
    )
    assert actions_logged[:2] == [LogAction.RESOLVE_REPORT, LogAction.REMOVE_POST]


def test_reports_need_a_reason_and_membership(garden, alice, mia, carol, publish):
    post = publish(alice, "Hello", community="garden")
    with pytest.raises(ValidationError) as error:
        actions.report_create(by=mia, post=post, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.report_create(by=carol, post=post, reason="Bad")
    with pytest.raises(Http404):
        actions.report_create(by=mia, post=publish(alice, "Not in a community"), reason="Bad")
    assert not Report.objects.exists()


def test_a_report_of_a_post_the_reporter_cannot_see_is_missing(garden, alice, mia, publish):
    post = publish(alice, "Connections only", community="garden", visibility="connections")
    with pytest.raises(Http404):
        actions.report_create(by=mia, post=post, reason="Bad")


def test_moderators_do_not_see_reported_posts_hidden_from_them(garden, alice, bob, max_, publish):
    actions.community_join(person=bob, community=garden)
    post = publish(alice, "For connections", community="garden", visibility="connections")
    actions.report_create(by=bob, post=post, reason="Hmm")
    [report] = selectors.report_queue(max_, garden)
    assert report.visible_post is None


def test_moderators_cannot_ban_owners_or_each_other_only_owners_can(garden, olga, max_, mia):
    second = make_person("sam")
    actions.community_join(person=second, community=garden)
    actions.member_set_role(by=olga, community=garden, person=second, role="moderator")
    with pytest.raises(PermissionDenied, match="owner"):
        actions.member_ban(by=max_, community=garden, person=olga)
    with pytest.raises(PermissionDenied, match="Only an owner"):
        actions.member_mute(by=max_, community=garden, person=second)
    with pytest.raises(PermissionDenied, match="yourself"):
        actions.member_ban(by=max_, community=garden, person=max_)
    actions.member_ban(by=olga, community=garden, person=second)


def test_log_is_for_members(garden, olga, mia, carol):
    from kith.communities import permissions as perms

    actions.member_mute(by=olga, community=garden, person=mia, reason="Cool off", days=2)
    assert perms.can_read_log(mia, garden)
    assert not perms.can_read_log(carol, garden)
    assert not perms.can_read_log(None, garden)
    entries, _ = selectors.moderation_log(garden)
    assert entries[0].action == LogAction.MUTE and entries[0].until is not None


# --- Truth table: only moderators can moderate ------------------------------------------------

STANDINGS = ["anonymous", "stranger", "member", "requested", "banned", "moderator", "owner"]
MAY_MODERATE = {"moderator", "owner"}
MODERATION = ["remove_post", "ban", "mute", "approve", "invite", "resolve_report", "restore"]


@pytest.fixture
def standing(garden, olga, max_, mia, carol):
    requested = make_person("rhea")
    banned = make_person("ben")
    actions.community_update(by=olga, community=garden, policy="approval")
    actions.community_join(person=requested, community=garden)
    actions.community_update(by=olga, community=garden, policy="open")
    actions.community_join(person=banned, community=garden)
    actions.member_ban(by=olga, community=garden, person=banned)
    return {
        "anonymous": None,
        "stranger": carol,
        "member": mia,
        "requested": requested,
        "banned": banned,
        "moderator": max_,
        "owner": olga,
    }


def _attempt(name, *, by, garden, post, target, applicant, report):
    if name == "remove_post":
        actions.post_remove(by=by, post=post)
    elif name == "restore":
        actions.post_restore(by=by, post=post)
    elif name == "ban":
        actions.member_ban(by=by, community=garden, person=target)
    elif name == "mute":
        actions.member_mute(by=by, community=garden, person=target)
    elif name == "approve":
        actions.membership_approve(by=by, community=garden, person=applicant)
    elif name == "invite":
        actions.community_invite(by=by, community=garden, person=make_person("ivy"))
    elif name == "resolve_report":
        actions.report_resolve(by=by, report=report, dismiss=True)


@pytest.mark.parametrize("action", MODERATION)
@pytest.mark.parametrize("who", STANDINGS)
def test_only_moderators_can_moderate(garden, alice, standing, publish, who, action):
    post = publish(alice, "A post", community="garden")
    target = make_person("tess")
    actions.community_join(person=target, community=garden)
    report = actions.report_create(by=target, post=post, reason="Check")
    before = ModerationLogEntry.objects.count()
    call = {
        "by": standing[who],
        "garden": garden,
        "post": post,
        "target": target,
        "applicant": standing["requested"],
        "report": report,
    }
    if who in MAY_MODERATE:
        _attempt(action, **call)
        if action != "restore":
            assert ModerationLogEntry.objects.count() == before + 1
    else:
        with pytest.raises(PermissionDenied):
            _attempt(action, **call)
        assert ModerationLogEntry.objects.count() == before
        assert not PostRemoval.objects.exists()
        report.refresh_from_db()
        assert report.status == ReportStatus.OPEN
