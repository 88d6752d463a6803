"""People you may want to meet: shared interests and connections of connections, never a follow."""

from __future__ import annotations

from kith.people.actions import person_update_profile
from kith.people.models import InvitationPolicy
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.invitations import invitation_send
from kith.relationships.actions.safety import block_create
from kith.relationships.models import Follow
from kith.relevance.selectors import people_to_meet
from tests.conftest import make_person
from tests.relevance.conftest import set_interests


def handles(viewer) -> list[str]:
    return [s.person.handle for s in people_to_meet(viewer)]


def test_connections_of_connections_come_with_their_mutual_friends(alice, bob):
    dana = make_person("dana")
    connection_create(person=bob, other=dana, how_met="in_person")
    [suggestion] = people_to_meet(alice)
    assert suggestion.person == dana
    assert suggestion.mutual_count == 1 and suggestion.mutuals == [bob]
    assert suggestion.way_to_meet == "invite"


def test_shared_interests_count_and_more_mutuals_rank_higher(alice, bob, carol):
    dana, erin = make_person("dana"), make_person("erin")
    connection_create(person=alice, other=carol, how_met="in_person")
    for friend in (bob, carol):
        connection_create(person=friend, other=dana, how_met="in_person")
    set_interests(alice, "pottery", "tea")
    set_interests(erin, "tea", "pottery", "chess")
    suggestions = people_to_meet(alice)
    assert [s.person.handle for s in suggestions] == ["dana", "erin"]
    assert suggestions[0].mutual_count == 2
    assert suggestions[1].shared_interests == ["pottery", "tea"]


def test_left_out_self_connections_open_invitations_blocks_and_inactive(alice, bob):
    blocked, blocker, invited, inviter, gone = (
        make_person(h) for h in ("blocked", "blocker", "invited", "inviter", "gone")
    )
    set_interests(alice, "tea")
    for person in (bob, blocked, blocker, invited, inviter, gone):
        set_interests(person, "tea")
    block_create(blocker=alice, blocked=blocked)
    block_create(blocker=blocker, blocked=alice)
    invitation_send(sender=alice, recipient=invited, how_known="in_person")
    invitation_send(sender=inviter, recipient=alice, how_known="in_person")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert handles(alice) == []
    unconfirmed = make_person("newbie", confirmed=False)
    set_interests(unconfirmed, "tea")
    assert handles(alice) == []


def test_suggestions_lead_to_an_invitation_or_an_intro_call_and_never_follow(alice, carol):
    set_interests(alice, "tea")
    set_interests(carol, "tea")
    person_update_profile(person=carol, invitation_policy=InvitationPolicy.INTRO_CALL)
    [suggestion] = people_to_meet(alice)
    assert suggestion.way_to_meet == "intro_call"
    assert not Follow.objects.exists()


def test_anonymous_gets_nothing(db):
    assert people_to_meet(None) == []


def test_a_dismissed_person_is_not_suggested_again(alice, bob):
    import pytest
    from django.core.exceptions import ValidationError

    from kith.relevance.actions import suggestion_dismiss

    dana, erin = make_person("dana"), make_person("erin")
    for person in (dana, erin):
        connection_create(person=bob, other=person, how_met="in_person")
    assert handles(alice) == ["dana", "erin"]
    suggestion_dismiss(person=alice, dismissed=dana)
    suggestion_dismiss(person=alice, dismissed=dana)  # idempotent
    assert handles(alice) == ["erin"]
    assert "alice" in handles(dana)  # only alice's suggestions change
    with pytest.raises(ValidationError):
        suggestion_dismiss(person=alice, dismissed=alice)
