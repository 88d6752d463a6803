"""Who may see a message thread and its attachments: its participants, no one else.

Missing and forbidden look the same (Http404) on every surface, so a thread's existence is
never revealed to a non-participant.
"""

from __future__ import annotations

from django.http import Http404

from kith.core.ids import parse_id
from kith.messaging.models import Participant


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def access_thread(viewer, thread_id) -> Participant:
    """Return `viewer`'s participation in thread `thread_id` (with the thread), else 404."""
    thread_id = parse_id(thread_id)
    if not thread_id or not _signed_in(viewer):
        raise Http404("No such conversation.")
    participant = (
        Participant.objects.select_related("thread")
        .filter(thread_id=thread_id, person=viewer)
        .first()
    )
    if participant is None:
        raise Http404("No such conversation.")
    return participant


def may_see_attachment(viewer, media) -> bool:
    """Whether `viewer` takes part in the thread whose message carries image `media`."""
    if not _signed_in(viewer):
        return False
    return Participant.objects.filter(
        thread__messages__attachments__media=media, person=viewer
    ).exists()
