"""Markers: `GET /api/v1/markers?timeline[]=home&timeline[]=notifications`, `POST /api/v1/markers`.

A marker is stored per person and timeline (`mastodon.Marker`), its version counting saves.
The notifications marker and Kith's own "mark notifications read" agree:
- saving it marks Kith's notifications up to `last_read_id` read
  (`feeds.notifications_mark_read`), so the web page and Kith's API show them read;
- reading it answers the further of the saved position and Kith's read state (the newest
  notification below which everything is read), so marking all read on the web moves it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from ninja import Query, Router, Schema

from kith.feeds.actions import notifications_mark_read
from kith.feeds.models import Notification
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.models import Marker
from kith.mastodon.pagination import cursor
from kith.mastodon.parser import Params

router = Router(tags=["markers"])
TIMELINES = ("home", "notifications")


class MarkersQuery(Schema):
    timeline: list[str] = []


class Position(Schema):
    last_read_id: str | int | None = None


class MarkersIn(Schema):
    home: Position | None = None
    notifications: Position | None = None


def _kith_read_up_to(person) -> tuple[int, object] | None:
    """The newest notification of `person` below which (and at which) all are read."""
    mine = Notification.objects.filter(recipient=person)
    oldest_unread = mine.filter(read_at__isnull=True).aggregate(m=Min("pk"))["m"]
    read = mine.filter(read_at__isnull=False)
    if oldest_unread is not None:
        read = read.filter(pk__lt=oldest_unread)
    found = read.aggregate(pk=Max("pk"), at=Max("read_at"))
    return (found["pk"], found["at"]) if found["pk"] is not None else None


def _values(person, timelines) -> dict[str, entities.MarkerValue]:
    stored = {m.timeline: m for m in Marker.objects.filter(person=person, timeline__in=timelines)}
    values = {
        name: entities.MarkerValue(m.last_read_id, m.version, m.updated_at)
        for name, m in stored.items()
    }
    if "notifications" in timelines:
        kith = _kith_read_up_to(person)
        current = values.get("notifications")
        if kith is not None and (current is None or kith[0] > current.last_read_id):
            version = current.version if current is not None else 0
            values["notifications"] = entities.MarkerValue(kith[0], version, kith[1])
    return values


@router.get("/markers", auth=mastodon_auth("read:statuses"), response=dict)
def markers_get(request, params: Query[MarkersQuery]):
    """Unknown timeline names are ignored, as Mastodon does."""
    wanted = [t for t in TIMELINES if t in params.timeline]
    return entities.markers(_values(request.auth, wanted)) if wanted else {}


@router.post("/markers", auth=mastodon_auth("write:statuses"), response=dict)
def markers_save(request, params: Params[MarkersIn]):
    person = request.auth
    given = {}
    for name in TIMELINES:
        position = getattr(params, name)
        if position is not None and position.last_read_id not in (None, ""):
            given[name] = cursor(position.last_read_id, f"{name}[last_read_id]")
    now = timezone.now()
    with transaction.atomic():
        for name, last_read_id in given.items():
            updated = Marker.objects.filter(person=person, timeline=name).update(
                last_read_id=last_read_id, version=F("version") + 1, updated_at=now
            )
            if not updated:
                Marker.objects.create(
                    person=person,
                    timeline=name,
                    last_read_id=last_read_id,
                    version=1,
                    updated_at=now,
                )
            if name == "notifications":
                ids = list(
                    Notification.objects.filter(
                        recipient=person, read_at__isnull=True, pk__lte=last_read_id
                    ).values_list("pk", flat=True)
                )
                if ids:
                    notifications_mark_read(person=person, ids=ids)
    return entities.markers(_values(person, list(given)))
