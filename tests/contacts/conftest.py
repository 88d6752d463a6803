"""Helpers for the contacts tests: app passwords and a small CardDAV client on Django's."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest

from kith.contacts.actions import app_password_create

DAV = "DAV:"
CARD = "urn:ietf:params:xml:ns:carddav"
CS = "http://calendarserver.org/ns/"
NS = {"d": DAV, "card": CARD, "cs": CS}


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture
def app_password_for(db):
    """Return a function giving a live app password's plaintext for a person."""

    def make(person, name: str = "phone") -> str:
        return app_password_create(person=person, name=name)[1]

    return make


@pytest.fixture
def dav(client):
    """dav(method, path, username=..., password=..., body=..., **headers) -> response."""

    def call(method, path, *, username=None, password=None, body="", headers=None):
        extra = {}
        if username is not None:
            extra["HTTP_AUTHORIZATION"] = basic(username, password)
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        data = body.encode() if isinstance(body, str) else body
        return client.generic(method, path, data, content_type="application/xml", **extra)

    return call


@pytest.fixture
def alice_dav(dav, alice, app_password_for):
    """A CardDAV client signed in as alice with an app password."""
    password = app_password_for(alice)

    def call(method, path, body="", **headers):
        return dav(method, path, username="alice", password=password, body=body, headers=headers)

    return call


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("application/xml"), response.content
    return ET.fromstring(response.content)


def responses_by_href(root: ET.Element) -> dict[str, ET.Element]:
    return {r.findtext("d:href", namespaces=NS): r for r in root.findall("d:response", NS)}


def prop(response_element: ET.Element, name: str, status: int = 200):
    """Return the element of property `name` (e.g. "d:getetag") in the propstat of `status`."""
    for propstat in response_element.findall("d:propstat", NS):
        if f" {status} " in propstat.findtext("d:status", namespaces=NS) + " ":
            found = propstat.find(f"d:prop/{name}", NS)
            if found is not None:
                return found
    return None


PROPFIND_CARDS = """<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:">
<d:prop><d:resourcetype/><d:getetag/><d:getcontenttype/></d:prop></d:propfind>"""


def multiget_body(*hrefs: str) -> str:
    refs = "".join(f"<d:href>{h}</d:href>" for h in hrefs)
    return (
        '<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">'
        f"<d:prop><d:getetag/><card:address-data/></d:prop>{refs}</card:addressbook-multiget>"
    )


def sync_body(token: str = "", limit: int | None = None) -> str:
    limit_xml = f"<d:limit><d:nresults>{limit}</d:nresults></d:limit>" if limit else ""
    return (
        '<d:sync-collection xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">'
        f"<d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>{limit_xml}"
        "<d:prop><d:getetag/><card:address-data/></d:prop></d:sync-collection>"
    )


BOOK = "/dav/addressbooks/alice/connections/"


def card_href(person) -> str:
    return f"{BOOK}{person.pk}.vcf"
