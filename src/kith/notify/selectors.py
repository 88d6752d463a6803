"""Reading notifications: what a person may see of them, grouped, and how many are unread.

A notification about a post is shown only while its reader may see that post: the rule is
`conversations.access.visible_posts`, applied again at read time (a post made private,
an author blocked or deactivated after the notification was stored drops out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from kith.conversations.access import visible_posts
from kith.conversations.actions.common import snippet
from kith.conversations.models import PostKind
from kith.feeds.models import Notification, NotificationKind

# Kinds whose notifications about one post and community (or, for follows, about nothing)
# fold into one.
GROUPABLE = {
    NotificationKind.HELPFUL: "found your {thing} helpful",
    NotificationKind.USED_IT: "said how they used your {thing}",
    NotificationKind.REPOST: "reposted your {thing}",
    NotificationKind.QUOTE: "quoted your {thing}",
    NotificationKind.ACCEPTED_ANSWER: "accepted your answer",
    NotificationKind.FOLLOW: "followed you",
    NotificationKind.FOLLOW_REQUEST: "asked to follow you",
    NotificationKind.COMMUNITY_JOIN_REQUEST: "asked to join {community}",
    NotificationKind.COMMUNITY_NEW_REPORT: "reported a post in {community}",
}


def visible_notifications(person) -> QuerySet[Notification]:
    """Return `person`'s notifications that carry no post, or a post they may still see."""
    posts = visible_posts(person).filter(pk=OuterRef("post_id"))
    return Notification.objects.filter(recipient=person).filter(
        Q(post__isnull=True) | Exists(posts)
    )


def unread_count(person) -> int:
    """Return how many of `person`'s visible notifications are unread (one query)."""
    return visible_notifications(person).filter(read_at__isnull=True).count()


def unread_counts(person_ids) -> dict[int, int]:
    """Return `unread_count` for each of `person_ids` (what live events carry): one query
    for the people, then one count each, through the same read-time access check."""
    from kith.people.access import active_people

    ids = {int(pk) for pk in person_ids}
    counts = dict.fromkeys(ids, 0)
    for person in active_people(ids):
        counts[person.pk] = unread_count(person)
    return counts


@dataclass
class NotificationGroup:
    """Notifications of one kind about one post, close in time; newest first."""

    kind: str
    items: list[Notification] = field(default_factory=list)

    @property
    def latest(self) -> Notification:
        return self.items[0]

    @property
    def ids(self) -> list[int]:
        return [item.pk for item in self.items]

    @property
    def created_at(self) -> datetime:
        return self.latest.created_at

    @property
    def unread(self) -> bool:
        return any(item.read_at is None for item in self.items)

    @property
    def url(self) -> str:
        return self.latest.url

    @property
    def post_id(self) -> int | None:
        return self.latest.post_id

    @property
    def actors(self) -> list:
        seen, actors = set(), []
        for item in self.items:
            if item.actor_id and item.actor_id not in seen:
                seen.add(item.actor_id)
                actors.append(item.actor)
        return actors

    @property
    def text(self) -> str:
        actors = self.actors
        if len(self.items) == 1 or len(actors) < 2:
            return self.latest.text
        others = len(actors) - 1
        post = self.latest.post
        thing = "answer" if post is not None and post.kind == PostKind.ANSWER else "post"
        community = self.latest.community
        phrase = GROUPABLE[self.kind].format(
            thing=thing, community=community.name if community is not None else "a community"
        )
        text = f"{actors[0].display_name} and {others} other{'s' if others > 1 else ''} {phrase}"
        if post is not None:
            text += f": {snippet(post.body)}"
        return text


def _key(item: Notification):
    if item.kind not in GROUPABLE:
        return None
    return (item.kind, item.post_id, item.community_id)


def group_notifications(items: list[Notification], *, window: timedelta | None = None):
    """Fold `items` (newest first) into groups: same kind and post within `window`.

    A notification joins the open group of its key when it is no older than `window` before
    that group's newest item; kinds outside GROUPABLE are never folded.
    """
    if window is None:
        window = timedelta(hours=settings.KITH_NOTIFICATION_GROUP_HOURS)
    groups: list[NotificationGroup] = []
    open_groups: dict[tuple, NotificationGroup] = {}
    for item in items:
        key = _key(item)
        group = open_groups.get(key) if key is not None else None
        if group is not None and group.created_at - item.created_at <= window:
            group.items.append(item)
            continue
        group = NotificationGroup(kind=item.kind, items=[item])
        groups.append(group)
        if key is not None:
            open_groups[key] = group
    return groups


def notification_page(person, *, limit: int, max_id: int | None = None, unread_only=False):
    """Return (groups, next_max_id): up to `limit` groups of `person`'s notifications.

    One query: the newest notifications below `max_id`, with actor and post. A group cut at
    the page's edge continues on the next page.
    """
    items = visible_notifications(person).select_related("actor", "post", "community")
    if max_id:
        items = items.filter(pk__lt=max_id)
    if unread_only:
        items = items.filter(read_at__isnull=True)
    batch = limit * 5
    fetched = list(items.order_by("-id")[:batch])
    groups = group_notifications(fetched)
    if len(groups) > limit:
        # Cut at the newest item of the first group left out: older items of the groups
        # shown come back on the next page, as a continuation of their group.
        cutoff = groups[limit].latest.pk
        page = []
        for group in groups[:limit]:
            group.items = [item for item in group.items if item.pk > cutoff]
            page.append(group)
        return page, cutoff + 1
    if len(fetched) == batch:
        return groups, fetched[-1].pk
    return groups, None
