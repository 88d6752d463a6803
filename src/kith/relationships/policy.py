"""The invitation policy: one function decides, for every surface, what an invitation meets."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Q

from kith.people.models import InvitationPolicy
from kith.relationships.models import Connection, HowMet

MET_WAYS = frozenset({HowMet.IN_PERSON, HowMet.CALL})


class Outcome(enum.Enum):
    ALLOW = "allow"  # the invitation waits for the recipient's answer
    INTRO_CALL = "intro_call"  # it is answered at once with an intro-call offer
    REFUSE = "refuse"  # it cannot be sent


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: str = ""


def share_a_connection(a_id: int, b_id: int) -> bool:
    """Return whether two people have a connection in common."""
    friends_of_a = set(
        Connection.objects.filter(person_a_id=a_id).values_list("person_b_id", flat=True)
    ) | set(Connection.objects.filter(person_b_id=a_id).values_list("person_a_id", flat=True))
    if not friends_of_a:
        return False
    return Connection.objects.filter(
        Q(person_a_id=b_id, person_b_id__in=friends_of_a)
        | Q(person_b_id=b_id, person_a_id__in=friends_of_a)
    ).exists()


def evaluate_policy(*, sender, recipient, how_known: str) -> Decision:
    """Return what `recipient`'s invitation policy makes of an invitation from `sender`."""
    policy = recipient.invitation_policy
    name = recipient.display_name
    if policy == InvitationPolicy.ANYONE:
        return Decision(Outcome.ALLOW)
    if policy == InvitationPolicy.MET:
        if how_known in MET_WAYS:
            return Decision(Outcome.ALLOW)
        return Decision(
            Outcome.REFUSE,
            f"{name} accepts invitations only from people they have met in person or "
            "talked with on a call.",
        )
    if policy == InvitationPolicy.INTRO_CALL:
        return Decision(Outcome.INTRO_CALL, f"{name} meets new people on a short call first.")
    if policy == InvitationPolicy.FRIENDS_OF_FRIENDS:
        if share_a_connection(sender.pk, recipient.pk):
            return Decision(Outcome.ALLOW)
        return Decision(
            Outcome.INTRO_CALL,
            f"{name} connects directly only with connections of connections; "
            "others are offered a short call first.",
        )
    return Decision(Outcome.ALLOW)
