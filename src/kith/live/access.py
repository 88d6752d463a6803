"""What a live stream may replay: events whose post the person may still see.

Publishing already keeps a post's event from anyone outside its audience
(`kith.live.publish(..., post=)` uses `conversations.access.audience_among`); a replay may come
later, after a block, a visibility edit or a deletion, so it asks `visible_posts` again.
"""

from __future__ import annotations

from kith.live.broker import Event


def visible_only(person_id: int, events: list[Event]) -> list[Event]:
    """Drop replayed events whose post `person_id` may no longer see (one query)."""
    post_ids = {event.post_id for event in events if event.post_id is not None}
    if not post_ids:
        return events
    from kith.conversations.access import visible_posts
    from kith.people.models import Person

    viewer = Person.objects.filter(pk=person_id, is_active=True).first()
    seen = (
        set(visible_posts(viewer).filter(pk__in=post_ids).values_list("pk", flat=True))
        if viewer is not None
        else set()
    )
    return [event for event in events if event.post_id is None or event.post_id in seen]
