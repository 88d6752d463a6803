"""/api/v1/instance, /api/v2/instance and their parts, from the server's real settings and data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

import kith
from kith.conversations.actions.posts import post_publish
from kith.conversations.models import Post
from kith.mastodon.models import ServerRule
from kith.mastodon.routes.instance import weekly_activity
from tests.conftest import make_person
from tests.mastodon.oauth_helpers import bearer, user_token
from tests.mastodon.schema import check


def get(path: str, **extra):
    response = Client().get(path, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def test_v2_instance(alice, settings):
    settings.KITH_POST_MAX_CHARS = 1234
    settings.KITH_CONTACT_EMAIL = "admin@kith.example"
    ServerRule.objects.create(text="Be kind", hint="Assume good faith", position=1)
    ServerRule.objects.create(text="No spam", position=0)
    data = get("/api/v2/instance")
    assert data["version"] == f"4.3.0 (compatible; Kith {kith.__version__})"
    assert re.match(r"^(\d+)\.(\d+)\.(\d+)", data["version"]).groups() == ("4", "3", "0")
    assert data["domain"] == "testserver"
    statuses = data["configuration"]["statuses"]
    assert statuses["max_characters"] == 1234
    assert statuses["max_media_attachments"] == 4
    media = data["configuration"]["media_attachments"]
    assert "image/webp" in media["supported_mime_types"]
    assert media["image_size_limit"] == settings.KITH_MEDIA_MAX_BYTES
    assert data["configuration"]["polls"] == {
        "max_options": 4,
        "max_characters_per_option": 50,
        "min_expiration": 300,
        "max_expiration": 2629746,
    }
    assert data["configuration"]["urls"]["streaming"] == "ws://testserver"
    assert data["registrations"]["enabled"] is True
    assert data["contact"]["email"] == "admin@kith.example"
    assert [r["text"] for r in data["rules"]] == ["No spam", "Be kind"]
    assert data["rules"][1]["hint"] == "Assume good faith"
    assert all(isinstance(r["id"], str) for r in data["rules"])


def test_v1_instance_counts_real_data(alice, bob):
    post_publish(author=alice, body="Hello")
    post = post_publish(author=bob, body="Bye")
    Post.objects.filter(pk=post.pk).update(deleted_at=timezone.now())
    data = get("/api/v1/instance")
    assert data["uri"] == "testserver"
    assert data["stats"] == {"user_count": 2, "status_count": 1, "domain_count": 0}
    assert data["urls"] == {"streaming_api": "ws://testserver"}
    assert data["version"].startswith("4.3.0 (compatible; Kith ")
    assert data["registrations"] is True
    assert data["configuration"]["statuses"]["max_characters"] > 0


def test_active_month_counts_people_who_signed_in(alice, bob):
    type(alice).objects.filter(pk=alice.pk).update(last_login=timezone.now())
    type(bob).objects.filter(pk=bob.pk).update(last_login=timezone.now() - dt.timedelta(days=40))
    assert get("/api/v2/instance")["usage"]["users"]["active_month"] == 1


def test_activity_per_week(alice, bob):
    now = timezone.now()
    post_publish(author=alice, body="one")
    post_publish(author=alice, body="two")
    old = post_publish(author=bob, body="three")
    Post.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(weeks=2))
    weeks = weekly_activity(now)
    assert len(weeks) == 12
    assert weeks[0]["statuses"] == "2" and weeks[0]["logins"] == "1"
    assert weeks[0]["registrations"] == "2"
    assert weeks[2]["statuses"] == "1"
    assert int(weeks[0]["week"]) - int(weeks[1]["week"]) == 7 * 86400
    assert get("/api/v1/instance/activity")[0]["statuses"] == "2"


@pytest.mark.parametrize("path", ["/api/v1/instance/peers", "/api/v1/custom_emojis"])
def test_lists_kith_has_nothing_for_are_empty(db, path):
    assert get(path) == []


@pytest.mark.parametrize("path", ["/api/v1/endorsements", "/api/v1/announcements"])
def test_lists_of_ones_own_need_a_token(alice, path):
    assert Client().get(path).status_code == 401
    assert get(path, **bearer(user_token(alice))) == []


def test_rules_and_extended_description(db):
    assert get("/api/v1/instance/rules") == []
    empty = get("/api/v1/instance/extended_description")
    assert empty["content"].startswith("<p>")
    ServerRule.objects.create(text="Be <kind>")
    data = get("/api/v1/instance/extended_description")
    assert "<li>Be &lt;kind&gt;</li>" in data["content"]
    assert data["updated_at"].endswith("Z")
    assert get("/api/v1/instance/rules")[0]["text"] == "Be <kind>"


def test_instance_is_public_and_ignores_tokens_as_mastodon_does(db):
    assert Client().get("/api/v2/instance").status_code == 200
    assert Client().get("/api/v2/instance", **bearer("revoked-or-unknown")).status_code == 200


def test_contact_account_is_the_first_administrator(alice, staff):
    data = get("/api/v2/instance")
    assert check("Account", data["contact"]["account"])["username"] == "staff"
    assert get("/api/v1/instance")["contact_account"]["acct"] == "staff"


def test_no_administrator_no_contact_account(alice):
    assert get("/api/v2/instance")["contact"]["account"] is None


def test_people_count_excludes_deactivated(alice):
    gone = make_person("gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert get("/api/v1/instance")["stats"]["user_count"] == 1
