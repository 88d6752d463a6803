"""`/api/v1/markers`: saved per person and timeline; the notifications marker and Kith's own
"mark notifications read" agree."""

from __future__ import annotations

import pytest
from django.test import Client

from kith.feeds.actions import notifications_mark_read, notify
from kith.feeds.models import Notification, NotificationKind
from kith.mastodon.models import Marker
from tests.mastodon.oauth_helpers import bearer, user_token
from tests.mastodon.schema import check

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(alice):
    client = Client()
    client.defaults.update(bearer(user_token(alice, scope="read write")))
    return client


def notes(alice, bob, n=3):
    return [
        notify(recipient=alice, kind=NotificationKind.FOLLOW, actor=bob, text=f"{i}")
        for i in range(n)
    ]


def test_save_and_read_markers(app, alice):
    assert app.get("/api/v1/markers?timeline[]=home").json() == {}
    saved = app.post("/api/v1/markers", {"home[last_read_id]": "123"})
    assert saved.status_code == 200
    home = check("Marker", saved.json())["home"]
    assert (home["last_read_id"], home["version"]) == ("123", 1)
    again = app.post(
        "/api/v1/markers", {"home": {"last_read_id": "456"}}, content_type="application/json"
    ).json()
    assert (again["home"]["last_read_id"], again["home"]["version"]) == ("456", 2)
    both = app.get("/api/v1/markers?timeline[]=home&timeline[]=notifications&timeline[]=x")
    assert set(both.json()) == {"home"}
    assert Marker.objects.filter(person=alice).count() == 1


def test_bad_input_writes_nothing(app, alice):
    bad = app.post("/api/v1/markers", {"home[last_read_id]": "abc"})
    assert bad.status_code == 422 and bad.json()["error"].startswith("Validation failed")
    bad = app.post(
        "/api/v1/markers",
        {"home": {"last_read_id": "1"}, "notifications": {"last_read_id": "x"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert not Marker.objects.filter(person=alice).exists()


def test_the_notifications_marker_and_kith_read_state_agree(app, alice, bob):
    first, second, third = notes(alice, bob)
    app.post("/api/v1/markers", {"notifications[last_read_id]": str(second.pk)})
    read = set(
        Notification.objects.filter(recipient=alice, read_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert read == {first.pk, second.pk}
    assert app.get("/api/v1/notifications/unread_count").json() == {"count": 1}
    # "Mark all read" on Kith's page moves the marker forward
    notifications_mark_read(person=alice)
    marker = app.get("/api/v1/markers?timeline[]=notifications").json()["notifications"]
    assert marker["last_read_id"] == str(third.pk)


def test_scopes(alice):
    client = Client()
    client.defaults.update(bearer(user_token(alice, scope="read")))
    assert client.get("/api/v1/markers?timeline[]=home").status_code == 200
    refused = client.post("/api/v1/markers", {"home[last_read_id]": "1"})
    assert refused.status_code == 403
    assert not Marker.objects.exists()
    assert Client().get("/api/v1/markers").status_code == 401
