"""The Conversations ranking: the score of a feed entry and its parts (docs/ranking.md).

Plain numbers in, numbers out: the same function scores the ranked candidates and explains
each entry ("why am I seeing this") in both modes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

KNOWN_REPLY = 0.8
KNOWN_REPLIES_MAX = 5
ANSWER = 0.5
ANSWERS_MAX = 4
ANSWERED = 1.0
HELPFUL = 0.7
USED = 1.0
FRESH = 4.0
HALF_LIFE_HOURS = 12.0
RELEVANCE = 2.0


@dataclass(frozen=True)
class Score:
    relationship: float
    conversation: float
    value: float
    interest: float
    freshness: float
    broadcasting: float

    @property
    def total(self) -> float:
        return round(
            self.relationship
            + self.conversation
            + self.value
            + self.interest
            + self.freshness
            + self.broadcasting,
            3,
        )

    def parts(self) -> dict[str, float]:
        """Return the named parts and the total, rounded, for people and the API."""
        return {
            "relationship": round(self.relationship, 2),
            "conversation": round(self.conversation, 2),
            "value": round(self.value, 2),
            "interest": round(self.interest, 2),
            "freshness": round(self.freshness, 2),
            "broadcasting": round(self.broadcasting, 2),
            "total": round(self.total, 2),
        }


def score(
    *,
    relationship: float,
    interest: float,
    author: float,
    known_replies: int,
    is_question: bool,
    replies: int,
    answered: bool,
    helpful: int,
    used: int,
    created_at: datetime,
    now: datetime,
    relevance: float | None = None,
) -> Score:
    """Return the score of one entry. `relevance` (0–1, from `kith.relevance` when installed)
    replaces the stored interest overlap when given."""
    conversation = KNOWN_REPLY * min(known_replies, KNOWN_REPLIES_MAX)
    if is_question:
        conversation += ANSWER * min(replies, ANSWERS_MAX) + (ANSWERED if answered else 0.0)
    value = HELPFUL * math.log2(1 + helpful) + USED * math.log2(1 + used)
    hours = max(0.0, (now - created_at).total_seconds() / 3600)
    freshness = FRESH * 0.5 ** (hours / HALF_LIFE_HOURS)
    if relevance is not None:
        interest = RELEVANCE * max(0.0, min(1.0, relevance))
    return Score(relationship, conversation, value, interest, freshness, author)
