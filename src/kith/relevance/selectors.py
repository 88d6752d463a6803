"""Suggestions: posts from outside your network on your interests, and people to meet.

Both read through the access modules: a suggested post comes from
`conversations.access.posts_by_ids` (what the viewer may see), a suggested person from
`people.access.people_visible_to`. Neither ever follows or connects anyone: a person
suggestion carries the way to meet them (an invitation, or an intro call first).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from kith.communities.selectors import removed_post_ids
from kith.conversations import access
from kith.conversations.models import Post, PostVisibility
from kith.people.access import people_visible_to
from kith.people.models import Interest, InvitationPolicy, Person
from kith.relationships.access import connected_ids, muted_ids
from kith.relationships.models import (
    Block,
    Connection,
    Follow,
    FollowStatus,
    Invitation,
    InvitationStatus,
)
from kith.relevance.interests import interest_vector
from kith.relevance.vectors import post_index

MIN_SCORE = 0.2  # cosine below this is not "on your interests"
SUGGESTIONS_MAX = 50
MUTUALS_SHOWN = 3


@dataclass
class SuggestedPost:
    post: Post
    score: float


@dataclass
class SuggestedPerson:
    person: Person
    shared_interests: list[str]
    mutual_count: int
    mutuals: list[Person] = field(default_factory=list)
    score: float = 0.0

    @property
    def way_to_meet(self) -> str:
        """Return "intro_call" if inviting them leads to an intro call first, else "invite"."""
        policy = self.person.invitation_policy
        if policy == InvitationPolicy.INTRO_CALL:
            return "intro_call"
        if policy == InvitationPolicy.FRIENDS_OF_FRIENDS and not self.mutual_count:
            return "intro_call"
        return "invite"


def _blocked_ids(person) -> set[int]:
    rows = Block.objects.filter(Q(blocker=person) | Q(blocked=person)).values_list(
        "blocker_id", "blocked_id"
    )
    return {a if b == person.pk else b for a, b in rows}


def _network_ids(person) -> set[int]:
    """Return the people whose posts already reach `person`, and those they keep out."""
    follows = Follow.objects.filter(
        follower=person, status=FollowStatus.ACTIVE, target_person__isnull=False
    ).values_list("target_person_id", flat=True)
    return (
        {person.pk}
        | connected_ids(person)
        | set(follows)
        | muted_ids(person)
        | _blocked_ids(person)
    )


def suggested_posts(viewer, *, limit: int = 20) -> list[SuggestedPost]:
    """Return recent public posts from outside `viewer`'s network on their interests.

    Best match first; none if `viewer` has no interests or helpful marks yet. Posts a
    moderator removed from their community are left out. Authors
    `viewer` is connected to, follows, mutes or blocked (or was blocked by) are left out;
    every post passes the one access rule.
    """
    limit = max(1, min(limit, SUGGESTIONS_MAX))
    query = interest_vector(viewer)
    if query is None:
        return []
    hits = post_index().search(
        query, k=limit * 4, exclude_authors=_network_ids(viewer), public_roots_only=True
    )
    hits = [hit for hit in hits if hit.score >= MIN_SCORE]
    visible = access.posts_by_ids(viewer, [hit.post_id for hit in hits])
    for pk in removed_post_ids(visible):  # removed from its community by a moderator
        del visible[pk]
    suggestions = []
    for hit in hits:
        post = visible.get(hit.post_id)
        if post is not None and post.visibility == PostVisibility.PUBLIC:
            suggestions.append(SuggestedPost(post=post, score=hit.score))
    return suggestions[:limit]


def _open_invitation_ids(person) -> set[int]:
    open_states = [InvitationStatus.PENDING, InvitationStatus.INTRO_OFFERED]
    rows = Invitation.objects.filter(
        Q(sender=person) | Q(recipient=person), status__in=open_states
    ).values_list("sender_id", "recipient_id")
    return {a if b == person.pk else b for a, b in rows}


def _dismissed_ids(person) -> set[int]:
    from kith.relevance.models import SuggestionDismissal

    rows = SuggestionDismissal.objects.filter(person=person).values_list("dismissed_id", flat=True)
    return set(rows)


def people_to_meet(viewer, *, limit: int = 10) -> list[SuggestedPerson]:
    """Return people `viewer` may want to meet: shared interests, connections of connections.

    Each mutual connection counts two, each
    shared interest one. Left out: `viewer`, their connections, anyone with an open
    invitation either way, people blocked either way or muted, people `viewer` dismissed
    (`actions.suggestion_dismiss`), and anyone `viewer` may not see. A fixed number of
    queries.
    """
    limit = max(1, min(limit, SUGGESTIONS_MAX))
    if viewer is None or not viewer.is_authenticated:
        return []
    mine = connected_ids(viewer)
    excluded = (
        {viewer.pk}
        | mine
        | _open_invitation_ids(viewer)
        | _blocked_ids(viewer)
        | muted_ids(viewer)
        | _dismissed_ids(viewer)
    )

    mutuals: dict[int, set[int]] = defaultdict(set)
    if mine:
        rows = Connection.objects.filter(
            Q(person_a_id__in=mine) | Q(person_b_id__in=mine)
        ).values_list("person_a_id", "person_b_id")
        for a, b in rows:
            for friend, other in ((a, b), (b, a)):
                if friend in mine and other not in excluded:
                    mutuals[other].add(friend)

    my_tags = list(Interest.objects.filter(person=viewer).values_list("tag", flat=True))
    shared: dict[int, list[str]] = defaultdict(list)
    if my_tags:
        rows = (
            Interest.objects.filter(tag__in=my_tags)
            .exclude(person_id__in=excluded)
            .values_list("person_id", "tag")
        )
        for person_id, tag in rows[:5000]:
            shared[person_id].append(tag)

    score = Counter()
    for person_id, friends in mutuals.items():
        score[person_id] += 2 * len(friends)
    for person_id, tags in shared.items():
        score[person_id] += len(tags)
    ranked = sorted(score, key=lambda pid: (-score[pid], pid))[: limit * 3]
    people = {p.pk: p for p in people_visible_to(viewer).filter(pk__in=ranked)}
    chosen = [pid for pid in ranked if pid in people][:limit]

    shown_mutuals = {f for pid in chosen for f in sorted(mutuals.get(pid, ()))[:MUTUALS_SHOWN]}
    friends = {p.pk: p for p in people_visible_to(viewer).filter(pk__in=shown_mutuals)}
    return [
        SuggestedPerson(
            person=people[pid],
            shared_interests=sorted(shared.get(pid, [])),
            mutual_count=len(mutuals.get(pid, ())),
            mutuals=[
                friends[f] for f in sorted(mutuals.get(pid, ()))[:MUTUALS_SHOWN] if f in friends
            ],
            score=float(score[pid]),
        )
        for pid in chosen
    ]
