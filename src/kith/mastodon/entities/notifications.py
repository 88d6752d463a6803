"""Notification (v1) and grouped notifications (v2: GroupedNotificationsResults,
NotificationGroup) from Kith's notifications.

Kith kinds that Mastodon has a type for are mapped (`TYPES`); the others (invitations, intro
calls, contact-card changes, "used it", accepted answers, community events) have no Mastodon
type: they are left out of the Mastodon lists (`mastodon_kinds` is what an endpoint
filters on) and stay in Kith's own API and web. docs/mastodon.md has the table.
"""

from __future__ import annotations

from collections.abc import Iterable

from kith.conversations.access import posts_by_ids
from kith.feeds.models import Notification, NotificationKind
from kith.mastodon.entities.accounts import Accounts
from kith.mastodon.entities.common import iso
from kith.mastodon.entities.statuses import statuses

K = NotificationKind
TYPES: dict[str, str] = {
    K.MENTION: "mention",
    K.REPLY: "mention",  # a reply mentions the person it answers, as on Mastodon
    K.ANSWER: "mention",  # an answer is a reply to a question
    K.REPOST: "reblog",
    K.HELPFUL: "favourite",
    K.FOLLOW: "follow",
    K.CONNECTED: "follow",  # a connection is a follow both ways
    K.FOLLOW_REQUEST: "follow_request",
    K.QUOTE: "quote",
    K.EDIT: "update",
    K.POLL_ENDED: "poll",
}
TYPES_WITH_STATUS = {"mention", "status", "reblog", "favourite", "poll", "update", "quote"}
GROUPED_TYPES = {"favourite", "follow", "reblog"}
MASTODON_TYPES = sorted(set(TYPES.values()))


def notification_type(kind: str) -> str | None:
    """Return the Mastodon type of a Kith notification kind, or None if it has none."""
    return TYPES.get(kind)


def mastodon_kinds(types: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> list[str]:
    """Return the Kith kinds shown for Mastodon `types` (None: all) minus `exclude`
    (`types[]` and `exclude_types[]`); unknown types match nothing."""
    wanted = set(MASTODON_TYPES if types is None else types) - set(exclude)
    return [kind for kind, type_ in TYPES.items() if type_ in wanted]


def group_key(notification: Notification, type_: str) -> str:
    """Return Mastodon's group key: favourites and reblogs of one status, and follows, made
    within the same hour share one; anything else is `ungrouped-{id}`."""
    hour = int(notification.created_at.timestamp()) // 3600
    if type_ in ("favourite", "reblog") and notification.post_id is not None:
        return f"{type_}-{notification.post_id}-{hour}"
    if type_ == "follow":
        return f"follow-{hour}"
    return f"ungrouped-{notification.pk}"


class _Loaded:
    """The posts (through the access rule) and accounts a list of notifications shows:
    `items` are (notification, Mastodon type, account id) of those that can be shown."""

    def __init__(self, items: list[Notification], viewer) -> None:
        typed = []
        wanted_posts = set()
        for item in items:
            type_ = notification_type(item.kind)
            if type_ is None or (type_ in TYPES_WITH_STATUS and item.post_id is None):
                continue
            typed.append((item, type_))
            if type_ in TYPES_WITH_STATUS:
                wanted_posts.add(item.post_id)
        found = posts_by_ids(viewer, wanted_posts) if wanted_posts else {}
        shown = list(found.values())
        # A poll's end reaches its author from nobody: the account is theirs, as on Mastodon.
        actors = [
            (
                item,
                type_,
                item.actor_id
                or (
                    found[item.post_id].author_id
                    if type_ == "poll" and item.post_id in found
                    else None
                ),
            )
            for item, type_ in typed
        ]
        authors = [p.author_id for p in shown] + [
            p.repost_of.author_id for p in shown if p.repost_of_id
        ]
        people = [actor for _, _, actor in actors if actor is not None]
        self.people = Accounts(viewer).load(people + authors)
        self.statuses = (
            {
                int(s["id"]): s
                for s in statuses(shown, viewer, accounts=self.people, context="notifications")
            }
            if shown
            else {}
        )
        self.items = [
            (item, type_, actor)
            for item, type_, actor in actors
            if actor in self.people.bases
            and (type_ not in TYPES_WITH_STATUS or item.post_id in self.statuses)
        ]


def notifications(items: Iterable[Notification], viewer) -> list[dict]:
    """Return the v1 Notifications of `items` (the viewer's own, newest first), leaving out
    kinds without a Mastodon type and notifications whose post the viewer may no longer
    see. A fixed number of queries (13): the posts through the access rule (two, with
    their tags), their statuses (seven) and every account shown, loaded once (four)."""
    loaded = _Loaded(list(items), viewer)
    result = []
    for item, type_, actor in loaded.items:
        data = {
            "id": str(item.pk),
            "type": type_,
            "group_key": group_key(item, type_),
            "created_at": iso(item.created_at),
            "account": loaded.people.of(actor),
        }
        if type_ in TYPES_WITH_STATUS:
            data["status"] = loaded.statuses[item.post_id]
        result.append(data)
    return result


def grouped_notifications(
    items: Iterable[Notification], viewer, *, grouped_types: Iterable[str] | None = None
) -> dict:
    """Return the GroupedNotificationsResults (v2) of `items` (one page, newest first):
    groups by `group_key` (only `grouped_types`, default favourite, follow and reblog),
    with every account and status they name given once."""
    groupable = GROUPED_TYPES if grouped_types is None else GROUPED_TYPES & set(grouped_types)
    loaded = _Loaded(list(items), viewer)
    groups: dict[str, dict] = {}
    account_ids: list[int] = []
    status_ids: list[int] = []
    for item, type_, actor in loaded.items:
        key = group_key(item, type_) if type_ in groupable else f"ungrouped-{item.pk}"
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "group_key": key,
                "notifications_count": 0,
                "type": type_,
                "most_recent_notification_id": str(item.pk),
                "page_min_id": str(item.pk),
                "page_max_id": str(item.pk),
                "latest_page_notification_at": iso(item.created_at),
                "sample_account_ids": [],
            }
            if type_ in TYPES_WITH_STATUS:
                group["status_id"] = str(item.post_id)
                if item.post_id not in status_ids:
                    status_ids.append(item.post_id)
        group["notifications_count"] += 1
        group["page_min_id"] = str(min(int(group["page_min_id"]), item.pk))
        samples = group["sample_account_ids"]
        if str(actor) not in samples and len(samples) < 8:
            samples.append(str(actor))
        if actor not in account_ids:
            account_ids.append(actor)
    return {
        "accounts": [loaded.people.of(pk) for pk in account_ids],
        "statuses": [loaded.statuses[pk] for pk in status_ids],
        "notification_groups": list(groups.values()),
    }
