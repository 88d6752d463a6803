"""The invitation policy: one function decides, for every surface, what an invitation meets."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db import connection as db_connection

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


_TABLE = Connection._meta.db_table
# Names come from the model's metadata, never from input: not an injection vector.
_FRIENDS = (
    f"SELECT person_b_id AS friend FROM {_TABLE} WHERE person_a_id = %s "  # noqa: S608
    f"UNION ALL SELECT person_a_id FROM {_TABLE} WHERE person_b_id = %s"
)
_SHARE_A_CONNECTION = (
    f"SELECT 1 FROM ({_FRIENDS}) AS of_a JOIN ({_FRIENDS}) AS of_b "  # noqa: S608
    "ON of_a.friend = of_b.friend LIMIT 1"
)


def share_a_connection(a_id: int, b_id: int) -> bool:
    """Return whether two people have a connection in common (one query on two indexes)."""
    with db_connection.cursor() as cursor:
        cursor.execute(_SHARE_A_CONNECTION, [a_id, a_id, b_id, b_id])
        return cursor.fetchone() is not None


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
