"""The CardDAV protocol as clients speak it: discovery, PROPFIND, REPORTs, GET, refusals."""

from __future__ import annotations

import pytest
import vobject

from kith.people import actions as people_actions
from kith.relationships.actions.connections import connection_create, connection_remove
from tests.conftest import make_person

from .conftest import (
    BOOK,
    NS,
    PROPFIND_CARDS,
    card_href,
    multiget_body,
    prop,
    responses_by_href,
    sync_body,
    xml,
)

PRINCIPAL_PROPS = """<d:propfind xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
<d:prop><d:current-user-principal/><card:addressbook-home-set/><d:displayname/></d:prop>
</d:propfind>"""

BOOK_PROPS = """<d:propfind xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"
  xmlns:cs="http://calendarserver.org/ns/"><d:prop>
  <d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/><d:supported-report-set/>
  <d:current-user-privilege-set/><card:supported-address-data/><d:getcontenttype/>
  <d:owner/><d:unknown-thing/></d:prop></d:propfind>"""


def test_well_known_redirects_to_the_server(client):
    for path in ("/.well-known/carddav", "/.well-known/carddav/"):
        response = client.generic("PROPFIND", path)
        assert response.status_code == 301
        assert response["Location"] == "/dav/"


def test_discovery_from_root_to_address_book(alice_dav, bob):
    root = xml(alice_dav("PROPFIND", "/dav/", PRINCIPAL_PROPS, depth="0"))
    principal = root.findtext(
        "d:response/d:propstat/d:prop/d:current-user-principal/d:href", namespaces=NS
    )
    assert principal == "/dav/principals/alice/"

    found = xml(alice_dav("PROPFIND", principal, PRINCIPAL_PROPS, depth="0"))
    home = found.findtext(".//card:addressbook-home-set/d:href", namespaces=NS)
    assert home == "/dav/addressbooks/alice/"
    assert found.findtext(".//d:displayname", namespaces=NS) == "Alice"

    listing = responses_by_href(xml(alice_dav("PROPFIND", home, BOOK_PROPS, depth="1")))
    assert set(listing) == {home, BOOK}
    assert prop(listing[BOOK], "d:resourcetype/card:addressbook") is not None
    assert prop(listing[home], "d:resourcetype/card:addressbook") is None


def test_address_book_properties(alice_dav, bob):
    response = alice_dav("PROPFIND", BOOK, BOOK_PROPS, depth="0")
    assert response.status_code == 207
    (book,) = xml(response).findall("d:response", NS)
    assert prop(book, "d:displayname").text == "Kith connections"
    assert prop(book, "cs:getctag").text
    assert prop(book, "d:sync-token").text.startswith("http://testserver/dav/sync/")
    reports = {r.tag for r in prop(book, "d:supported-report-set").iter() if len(r) == 0}
    assert {f"{{{NS['card']}}}addressbook-multiget", "{DAV:}sync-collection"} <= reports
    privileges = {p.tag for p in prop(book, "d:current-user-privilege-set").iter()}
    assert "{DAV:}read" in privileges
    assert not privileges & {"{DAV:}write", "{DAV:}bind", "{DAV:}unbind", "{DAV:}all"}
    data_type = prop(book, "card:supported-address-data/card:address-data-type")
    assert (data_type.get("content-type"), data_type.get("version")) == ("text/vcard", "3.0")
    assert prop(book, "d:owner/d:href").text == "/dav/principals/alice/"
    assert prop(book, "d:unknown-thing", status=404) is not None
    assert prop(book, "d:getcontenttype", status=404) is not None


def test_depth_one_lists_every_card_with_etag(alice_dav, alice, bob):
    dora = make_person("dora")
    connection_create(person=alice, other=dora, how_met="call")
    listing = responses_by_href(xml(alice_dav("PROPFIND", BOOK, PROPFIND_CARDS, depth="1")))
    assert set(listing) == {BOOK, card_href(bob), card_href(dora)}
    for person in (bob, dora):
        entry = listing[card_href(person)]
        assert prop(entry, "d:getetag").text.startswith('"')
        assert prop(entry, "d:getcontenttype").text.startswith("text/vcard")
        assert len(prop(entry, "d:resourcetype")) == 0


def test_depth_infinity_and_allprop(alice_dav, bob):
    root = xml(alice_dav("PROPFIND", "/dav/", "", depth="infinity"))
    hrefs = set(responses_by_href(root))
    assert card_href(bob) in hrefs and "/dav/principals/alice/" in hrefs


def test_propname_lists_names_only(alice_dav, bob):
    body = '<d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>'
    root = xml(alice_dav("PROPFIND", card_href(bob), body, depth="0"))
    etag = root.find(".//d:getetag", NS)
    assert etag is not None and not (etag.text or "").strip()


def test_multiget_returns_cards_and_404_for_others(alice_dav, bob, carol):
    missing = f"{BOOK}{carol.pk}.vcf"
    root = xml(alice_dav("REPORT", BOOK, multiget_body(card_href(bob), missing, "/elsewhere")))
    found = responses_by_href(root)
    card = vobject.readOne(prop(found[card_href(bob)], "card:address-data").text)
    assert card.fn.value == "Bob"
    assert found[missing].findtext("d:status", namespaces=NS) == "HTTP/1.1 404 Not Found"
    assert found["/elsewhere"].findtext("d:status", namespaces=NS) == "HTTP/1.1 404 Not Found"


def test_get_card_with_etag_and_conditional_get(alice_dav, bob):
    response = alice_dav("GET", card_href(bob))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    etag = response["ETag"]
    assert vobject.readOne(response.content.decode()).fn.value == "Bob"
    assert alice_dav("GET", card_href(bob), if_none_match=etag).status_code == 304
    listing = responses_by_href(xml(alice_dav("PROPFIND", BOOK, PROPFIND_CARDS, depth="1")))
    assert prop(listing[card_href(bob)], "d:getetag").text == etag


def _sync(alice_dav, token=""):
    root = xml(alice_dav("REPORT", BOOK, sync_body(token)))
    return responses_by_href(root), root.findtext("d:sync-token", namespaces=NS)


def test_sync_collection_initial_then_incremental(alice_dav, alice, bob):
    changes, token = _sync(alice_dav)
    assert set(changes) == {card_href(bob)}

    changes, same = _sync(alice_dav, token)
    assert changes == {} and same == token

    dora = make_person("dora")
    connection_create(person=alice, other=dora, how_met="call")
    people_actions.person_update_profile(person=bob, display_name="Robert Bobson")
    changes, token2 = _sync(alice_dav, token)
    assert set(changes) == {card_href(bob), card_href(dora)}
    card = vobject.readOne(prop(changes[card_href(bob)], "card:address-data").text)
    assert card.fn.value == "Robert Bobson"
    assert (card.n.value.family, card.n.value.given) == ("Bobson", "Robert")

    connection_remove(person=dora, other=alice)
    changes, _ = _sync(alice_dav, token2)
    assert set(changes) == {card_href(dora)}
    assert changes[card_href(dora)].findtext("d:status", namespaces=NS).endswith("404 Not Found")

    # The old token still works and reports both changes since it.
    changes, _ = _sync(alice_dav, token)
    assert set(changes) == {card_href(bob), card_href(dora)}


@pytest.mark.parametrize(
    "token",
    ["nonsense", "http://testserver/dav/sync/1-1", "http://testserver/dav/sync/{book}-999999"],
)
def test_unknown_sync_token_is_the_valid_sync_token_error(alice_dav, bob, token):
    _, good = _sync(alice_dav)
    book_id = good.rsplit("/", 1)[1].split("-")[0]
    response = alice_dav("REPORT", BOOK, sync_body(token.format(book=book_id)))
    assert response.status_code == 403
    assert xml(response).find("d:valid-sync-token", NS) is not None


def test_sync_with_a_limit_is_truncated_with_507(alice_dav, alice, bob):
    for handle in ("dora", "eve", "finn"):
        connection_create(person=alice, other=make_person(handle), how_met="call")
    seen: set[str] = set()
    token = ""
    for _ in range(5):
        root = xml(alice_dav("REPORT", BOOK, sync_body(token, limit=2)))
        found = responses_by_href(root)
        token = root.findtext("d:sync-token", namespaces=NS)
        truncated = BOOK in found
        if truncated:
            assert found[BOOK].findtext("d:status", namespaces=NS).startswith("HTTP/1.1 507")
            assert found[BOOK].find("d:error/d:number-of-matches-within-limits", NS) is not None
        seen |= set(found) - {BOOK}
        if not truncated:
            break
    assert len(seen) == 4


def test_addressbook_query_filters(alice_dav, alice, bob):
    dora = make_person("dora")
    connection_create(person=alice, other=dora, how_met="call")
    body = """<card:addressbook-query xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
      <d:prop><d:getetag/></d:prop>
      <card:filter><card:prop-filter name="FN">
        <card:text-match match-type="starts-with">DOR</card:text-match>
      </card:prop-filter></card:filter></card:addressbook-query>"""
    found = responses_by_href(xml(alice_dav("REPORT", BOOK, body, depth="1")))
    assert set(found) == {card_href(dora)}
    bad = body.replace('match-type="starts-with"', 'collation="i;klingon"')
    response = alice_dav("REPORT", BOOK, bad)
    assert response.status_code == 403
    assert xml(response).find("card:supported-collation", NS) is not None


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PROPPATCH", "MKCOL", "MOVE", "COPY"])
def test_writes_are_refused(alice_dav, bob, method):
    response = alice_dav(method, card_href(bob), "BEGIN:VCARD\r\nEND:VCARD\r\n")
    assert response.status_code == 403
    assert b"read-only" in response.content


@pytest.mark.parametrize("method", ["POST", "LOCK", "PATCH"])
def test_other_methods_are_not_allowed(alice_dav, method):
    response = alice_dav(method, BOOK)
    assert response.status_code == 405
    assert "PROPFIND" in response["Allow"]


def test_options_advertises_carddav(client):
    response = client.options("/dav/")
    assert response.status_code == 200
    assert "addressbook" in response["DAV"]


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("<d:propfind xmlns:d='DAV:'><d:prop>", {}),
        ("<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", {}),
        ("<d:propfind xmlns:d='DAV:'><d:nothing/></d:propfind>", {}),
        ("<d:other xmlns:d='DAV:'/>", {}),
        (PROPFIND_CARDS, {"depth": "2"}),
        ("\xff\xfe garbage", {}),
    ],
)
def test_bad_propfind_is_a_clear_400(alice_dav, body, headers):
    response = alice_dav("PROPFIND", BOOK, body, **headers)
    assert response.status_code == 400, response.content
    assert response.content.strip()


@pytest.mark.parametrize(
    "body",
    [
        "",
        "<d:version-tree xmlns:d='DAV:'/>",
        "<d:sync-collection xmlns:d='DAV:'><d:sync-level>7</d:sync-level></d:sync-collection>",
        "<d:sync-collection xmlns:d='DAV:'><d:limit><d:nresults>-1</d:nresults></d:limit>"
        "</d:sync-collection>",
    ],
)
def test_bad_reports_are_clear_4xx(alice_dav, body):
    response = alice_dav("REPORT", BOOK, body)
    assert 400 <= response.status_code < 500, response.content


def test_report_on_a_card_is_refused(alice_dav, bob):
    response = alice_dav("REPORT", card_href(bob), sync_body())
    assert response.status_code == 403
    assert xml(response).find("d:supported-report", NS) is not None


@pytest.mark.parametrize(("length", "status"), [("abc", 400), (str(3 * 1024 * 1024), 413)])
def test_bad_content_length(client, alice, app_password_for, length, status):
    from .conftest import basic

    auth = basic("alice", app_password_for(alice))
    response = client.generic(
        "PROPFIND", BOOK, PROPFIND_CARDS, HTTP_AUTHORIZATION=auth, CONTENT_LENGTH=length
    )
    assert response.status_code == status


def test_queries_do_not_grow_with_the_address_book(
    alice_dav, alice, bob, django_assert_max_num_queries
):
    def count(method, body, **headers):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert alice_dav(method, BOOK, body, **headers).status_code == 207
        return len(queries)

    alice_dav("PROPFIND", BOOK, PROPFIND_CARDS, depth="1")  # builds the change log
    small = (count("PROPFIND", PROPFIND_CARDS, depth="1"), count("REPORT", sync_body()))
    for i in range(15):
        connection_create(person=alice, other=make_person(f"extra{i}"), how_met="call")
    alice_dav("PROPFIND", BOOK, PROPFIND_CARDS, depth="1")
    large = (count("PROPFIND", PROPFIND_CARDS, depth="1"), count("REPORT", sync_body()))
    assert small == large
    with django_assert_max_num_queries(10):
        alice_dav("PROPFIND", BOOK, PROPFIND_CARDS, depth="1")
