"""Cards parse back with vobject; ETags and REV change exactly when the card a reader sees
changes."""

from __future__ import annotations

import io
from datetime import UTC, timedelta

import pytest
import vobject
from django.utils import timezone
from PIL import Image

from kith.contacts.actions import address_book_refresh
from kith.contacts.vcard import card_text, card_uid
from kith.people import actions as people_actions
from kith.people.models import ContactField, FieldKind, Visibility

from .conftest import BOOK, NS, card_href, prop, responses_by_href, sync_body, xml


@pytest.fixture
def full_card(bob):
    """bob's card with one line of every kind, all visible to his connections."""
    lines = [
        (FieldKind.JOB_TITLE, "", "Head of Kilns"),
        (FieldKind.ORGANISATION, "", "Clay; Fire, & Co"),
        (FieldKind.LOCATION, "", "Frome, Somerset"),
        (FieldKind.PHONE, "", "+44 7700 900123"),
        (FieldKind.EMAIL, "", "bob@work.example"),
        (FieldKind.WEBSITE, "", "https://bob.example/"),
        (FieldKind.CUSTOM, "Mastodon", "@bob@social.example"),
    ]
    for kind, label, value in lines:
        people_actions.contact_field_add(
            person=bob, kind=kind, label=label, value=value, visibility=Visibility.CONNECTIONS
        )
    people_actions.person_update_profile(person=bob, display_name="Bob Potter", bio="I make pots.")
    return bob


def alice_view_of(alice, person):
    view = address_book_refresh(owner=alice)
    return view.entries[person.pk], view.states[person.pk]


def test_card_parses_back_with_every_field(alice, full_card):
    entry, state = alice_view_of(alice, full_card)
    text = card_text(entry, rev=state.rev)
    card = vobject.readOne(text)
    assert card.version.value == "3.0"
    assert card.uid.value == card_uid(full_card.pk) == f"kith-{full_card.pk}@testserver"
    assert card.fn.value == "Bob Potter"
    assert (card.n.value.family, card.n.value.given) == ("Potter", "Bob")
    assert card.nickname.value == "bob"
    assert card.title.value == "Head of Kilns"
    assert card.org.value == ["Clay; Fire, & Co"]
    assert card.adr.value.city == "Frome, Somerset"
    assert card.tel.value == "+44 7700 900123"
    assert card.email.value == "bob@work.example"
    urls = [line.value for line in card.contents["url"]]
    assert urls == ["https://bob.example/", "http://testserver/@bob"]
    (custom,) = card.contents["x-kith-field"]
    assert (custom.params["X-LABEL"], custom.value) == (["Mastodon"], "@bob@social.example")
    assert "I make pots." in card.note.value
    assert "Mastodon: @bob@social.example" in card.note.value
    assert "Met in person" in card.note.value
    assert card.rev.value == state.rev.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert "PHOTO" not in text
    assert "bob@example.com" not in text  # the account's email is never on the card
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_photo_is_embedded_as_jpeg_when_asked(alice, bob):
    image = Image.new("RGB", (500, 500), (200, 80, 20))
    data = io.BytesIO()
    image.save(data, format="PNG")
    people_actions.person_set_avatar(person=bob, data=data.getvalue())
    entry, state = alice_view_of(alice, bob)
    text = card_text(entry, rev=state.rev, photos=True)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    card = vobject.readOne(text)
    photo = Image.open(io.BytesIO(card.photo.value))
    assert (photo.format, photo.size) == ("JPEG", (256, 256))
    assert "PHOTO" not in card_text(entry, rev=state.rev, photos=False)


def test_uid_is_stable_across_changes(alice, bob):
    entry, state = alice_view_of(alice, bob)
    before = vobject.readOne(card_text(entry, rev=state.rev)).uid.value
    people_actions.person_update_profile(person=bob, display_name="Bobby")
    entry, state = alice_view_of(alice, bob)
    assert vobject.readOne(card_text(entry, rev=state.rev)).uid.value == before


def _etag_and_ctag(alice_dav, person):
    body = """<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop>
      <d:getetag/><cs:getctag/></d:prop></d:propfind>"""
    listing = responses_by_href(xml(alice_dav("PROPFIND", BOOK, body, depth="1")))
    return prop(listing[card_href(person)], "d:getetag").text, prop(
        listing[BOOK], "cs:getctag"
    ).text


def _only_me_value_edit(bob):
    field = people_actions.contact_field_add(
        person=bob, kind=FieldKind.LOCATION, value="Hidden Lane", visibility=Visibility.ONLY_ME
    )
    return lambda: people_actions.contact_field_update(field=field, value="Other Hidden Lane")


def test_invisible_changes_leave_etag_ctag_and_sync_alone(alice_dav, alice, bob):
    edit = _only_me_value_edit(bob)
    etag, ctag = _etag_and_ctag(alice_dav, bob)
    token = xml(alice_dav("REPORT", BOOK, sync_body())).findtext("d:sync-token", namespaces=NS)
    edit()
    people_actions.person_update_profile(person=bob, reading_capacity=42)
    assert _etag_and_ctag(alice_dav, bob) == (etag, ctag)
    root = xml(alice_dav("REPORT", BOOK, sync_body(token)))
    assert root.findall("d:response", NS) == []
    assert root.findtext("d:sync-token", namespaces=NS) == token


@pytest.mark.parametrize(
    "change",
    ["edit public", "switch to only me", "remove visible", "add visible", "rename", "avatar"],
)
def test_visible_changes_change_etag_and_ctag(alice_dav, alice, bob, change):
    field = people_actions.contact_field_add(
        person=bob, kind=FieldKind.ORGANISATION, value="Old Org", visibility=Visibility.PUBLIC
    )
    etag, ctag = _etag_and_ctag(alice_dav, bob)
    _, state = alice_view_of(alice, bob)
    rev_before = state.rev
    if change == "edit public":
        people_actions.contact_field_update(field=field, value="New Org")
    elif change == "switch to only me":
        people_actions.contact_field_update(field=field, visibility=Visibility.ONLY_ME)
    elif change == "remove visible":
        people_actions.contact_field_remove(field=field)
    elif change == "add visible":
        people_actions.contact_field_add(
            person=bob, kind=FieldKind.PHONE, value="+1 555 0100", visibility="connections"
        )
    elif change == "rename":
        people_actions.person_update_profile(person=bob, display_name="Roberta")
    else:
        image = Image.new("RGB", (64, 64))
        data = io.BytesIO()
        image.save(data, format="PNG")
        people_actions.person_set_avatar(person=bob, data=data.getvalue())
    new_etag, new_ctag = _etag_and_ctag(alice_dav, bob)
    assert new_etag != etag and new_ctag != ctag
    _, state = alice_view_of(alice, bob)
    assert state.rev >= rev_before


def test_rev_is_the_latest_visible_change(alice, bob):
    field = people_actions.contact_field_add(
        person=bob, kind=FieldKind.JOB_TITLE, value="Potter", visibility=Visibility.PUBLIC
    )
    _, state = alice_view_of(alice, bob)
    assert state.rev == max(field.updated_at, bob.updated_at)
    later = timezone.now() + timedelta(seconds=5)
    ContactField.objects.filter(pk=field.pk).update(updated_at=later - timedelta(seconds=10))
    field.refresh_from_db()
    people_actions.contact_field_update(field=field, value="Master Potter")
    field.refresh_from_db()
    _, state = alice_view_of(alice, bob)
    assert state.rev == field.updated_at
