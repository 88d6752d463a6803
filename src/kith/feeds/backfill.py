"""Backfill: the feed of a reader coming back after `KITH_FEED_INACTIVE_DAYS` away.

The fan-out skipped them while they were away; on their return each recent post that could
have reached them is planned again by the fan-out itself (`fanout.plan(post, only=...)`),
so they get exactly the entries, reasons and scores it would have written: the people they
follow and know, their topics and communities, mentions, replies to them and the questions
routed to them. This module only finds the candidate posts; the rules stay in `fanout`.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from kith.feeds import fanout
from kith.feeds.models import AnswerOffer, FeedState

BACKFILL_DAYS = 30
BACKFILL_POSTS = 300


def candidate_posts(person, *, since) -> QuerySet:
    """Return the posts since `since` that `person` may see and that the fan-out could have
    brought them, for any of its reasons (one query when evaluated)."""
    from kith.communities.models import Membership, MembershipStatus, TopicFollow
    from kith.conversations.access import visible_posts
    from kith.conversations.models import Mention, PostHashtag, PostKind
    from kith.relationships.models import Connection, Follow, FollowStatus

    known = Follow.objects.filter(
        follower=person, status=FollowStatus.ACTIVE, target_person__isnull=False
    ).values("target_person_id")
    connected_a = Connection.objects.filter(person_b=person).values("person_a_id")
    connected_b = Connection.objects.filter(person_a=person).values("person_b_id")
    follows = TopicFollow.objects.filter(person=person)
    tags = PostHashtag.objects.filter(
        Q(hashtag_id__in=follows.exclude(hashtag=None).values("hashtag_id"))
        | Q(hashtag__topics__in=follows.exclude(topic=None).values("topic_id"))
    ).values("post_id")
    communities = Membership.objects.filter(person=person, status=MembershipStatus.ACTIVE).values(
        "community_id"
    )
    offered = AnswerOffer.objects.filter(person=person).values("tag")
    questions = PostHashtag.objects.filter(hashtag__name__in=offered).values("post_id")
    reasons = (
        Q(author_id__in=known)
        | Q(author_id__in=connected_a)
        | Q(author_id__in=connected_b)
        | Q(pk__in=Mention.objects.filter(person=person).values("post_id"))
        | Q(in_reply_to__author=person)
        | Q(in_reply_to__isnull=True, repost_of__isnull=True, pk__in=tags)
        | Q(in_reply_to__isnull=True, repost_of__isnull=True, community_id__in=communities)
        | Q(kind=PostKind.QUESTION, in_reply_to__isnull=True, pk__in=questions)
    )
    return visible_posts(person).filter(reasons, created_at__gte=since).exclude(author=person)


def feed_backfill(*, person, now=None) -> int:
    """Fill `person`'s feed with what the fan-out would have given them in the last
    `BACKFILL_DAYS` days (at most `BACKFILL_POSTS` posts, newest kept); idempotent.

    Return how many entries were new.
    """
    now = now or timezone.now()
    since = now - timedelta(days=BACKFILL_DAYS)
    posts = list(
        candidate_posts(person, since=since)
        .select_related("author", "repost_of", "repost_of__author", "in_reply_to", "community")
        .order_by("-id")[:BACKFILL_POSTS]
    )
    written = 0
    only = {person.pk}
    for post in reversed(posts):  # oldest first: the first repost of a post wins, as live
        shown, chosen, extra = fanout.plan(post, now=now, only=only)
        if chosen:
            written += fanout.write(post, shown, chosen, extra, now=now)
    FeedState.objects.filter(person=person).update(backfilled_at=now)
    return written
