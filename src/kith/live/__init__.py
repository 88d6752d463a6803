"""Live updates: `publish(person_ids, event, data)` and the server-sent events stream.

Call `publish` wherever something new happens for people (a notification, a message, a feed
entry): it waits for the surrounding transaction to commit, so a stream never announces what
a rollback undid. Pass `post=` when the event carries a post: only those of `person_ids` who
may see it receive the event, and a replay checks again (`kith.conversations.access`).

Event names in use: `notification`, `message`, `feed_entry`, `filters_changed` (the person's
filters changed: Mastodon apps reload them); the stream itself sends `resync` when a client
missed events and should reload.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["publish", "publish_each"]


def publish(person_ids: Iterable[int], event: str, data: Any, *, post=None) -> None:
    """Send `event` with JSON `data` to the live streams of `person_ids`, on commit."""
    publish_each({int(pid): data for pid in person_ids}, event, post=post)


def publish_each(payloads: dict[int, Any], event: str, *, post=None) -> None:
    """Send `event` to each person id of `payloads` with their own JSON data, on commit.

    With `post`, only those who may see the post receive it (one access check for all).
    """
    import orjson
    from django.db import transaction

    items = {int(pid): orjson.dumps(data).decode() for pid, data in payloads.items()}
    if not items:
        return

    def send() -> None:
        from kith.live.broker import get_broker

        recipients = set(items)
        if post is not None:
            from kith.conversations.access import audience_among

            recipients = set() if post.is_deleted else audience_among(post, recipients)
        chosen = [(pid, items[pid]) for pid in sorted(recipients)]
        if chosen:
            get_broker().publish_items(chosen, event, post.pk if post is not None else None)

    transaction.on_commit(send, robust=True)
