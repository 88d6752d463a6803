"""What a live stream may replay: events whose post the person may still see.

Publishing already keeps a post's event from anyone outside its audience
(`kith.live.publish(..., post=)` uses `conversations.access.audience_among`); a replay may come
later, after a block, a visibility edit or a deletion, so it asks `visible_posts` again. A
"new post in your feed" event (`feed_entry`) is replayed only while that feed entry still
exists: an unfollow, a mute or a moderator's removal from a community withdrew it.
"""

from __future__ import annotations

from kith.live.broker import Event

FEED_ENTRY = "feed_entry"


def visible_only(person_id: int, events: list[Event]) -> list[Event]:
    """Drop replayed events whose post `person_id` may no longer see, and feed-entry events
    whose entry is gone (two queries at most)."""
    post_ids = {event.post_id for event in events if event.post_id is not None}
    if not post_ids:
        return events
    from kith.conversations.access import visible_posts
    from kith.feeds.models import FeedEntry
    from kith.people.models import Person

    viewer = Person.objects.filter(pk=person_id, is_active=True).first()
    seen = (
        set(visible_posts(viewer).filter(pk__in=post_ids).values_list("pk", flat=True))
        if viewer is not None
        else set()
    )
    entry_posts = {e.post_id for e in events if e.event == FEED_ENTRY and e.post_id in seen}
    in_feed = (
        set(
            FeedEntry.objects.filter(owner_id=person_id, post_id__in=entry_posts).values_list(
                "post_id", flat=True
            )
        )
        if entry_posts
        else set()
    )
    return [
        event
        for event in events
        if event.post_id is None
        or (event.post_id in seen and (event.event != FEED_ENTRY or event.post_id in in_feed))
    ]
