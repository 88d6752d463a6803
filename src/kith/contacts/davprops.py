"""WebDAV and CardDAV properties of the resources in the DAV tree (RFC 4918, 6352, 6578)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.utils.http import http_date

from kith.contacts.davtree import Dav, Resource
from kith.contacts.davxml import card, cs, d, prop_response
from kith.contacts.vcard import CONTENT_TYPE

ALLPROP = [
    d("resourcetype"),
    d("displayname"),
    d("getetag"),
    d("getcontenttype"),
    d("getlastmodified"),
    d("getcontentlength"),
]


def _element(tag: str, text: str | None = None, children: list[ET.Element] | None = None):
    element = ET.Element(tag)
    element.text = text
    element.extend(children or [])
    return element


def _href_prop(tag: str, href: str) -> ET.Element:
    return _element(tag, children=[_element(d("href"), href)])


def _privileges() -> list[ET.Element]:
    names = [d("read"), d("read-current-user-privilege-set")]
    return [_element(d("privilege"), children=[_element(name)]) for name in names]


def _reports(resource: Resource) -> list[ET.Element]:
    if resource.kind != "book":
        return []
    names = [card("addressbook-multiget"), card("addressbook-query"), d("sync-collection")]
    return [
        _element(d("supported-report"), children=[_element(d("report"), children=[_element(n)])])
        for n in names
    ]


def prop_value(dav: Dav, resource: Resource, tag: str, view=None) -> ET.Element | None:
    """Return property `tag` of `resource` as an element, or None if it has none."""
    kind = resource.kind
    if tag == d("current-user-principal"):
        return _href_prop(tag, dav.principal_href)
    if tag == d("principal-collection-set"):
        return _href_prop(tag, f"{dav.root}principals/")
    if tag == d("resourcetype"):
        types = [] if kind == "card" else [_element(d("collection"))]
        if kind == "principal":
            types.append(_element(d("principal")))
        if kind == "book":
            types.append(_element(card("addressbook")))
        return _element(tag, children=types)
    if tag == d("supported-report-set") and kind != "card":
        return _element(tag, children=_reports(resource))
    if tag == d("current-user-privilege-set"):
        return _element(tag, children=_privileges())
    if tag == d("owner") and kind in {"principal", "home", "book", "card"}:
        return _href_prop(tag, dav.principal_href)
    if tag == d("displayname"):
        names = {
            "root": "Kith",
            "principal": dav.owner.display_name,
            "home": "Address books",
            "book": "Kith connections",
        }
        if kind in names:
            return _element(tag, names[kind])
        if kind == "card":
            return _element(
                tag, (view or dav.view).entries[resource.subject_id].person.display_name
            )
        return None
    if kind == "principal":
        if tag == d("principal-URL"):
            return _href_prop(tag, dav.principal_href)
        if tag == card("addressbook-home-set"):
            return _href_prop(tag, dav.home_href)
        return None
    if kind == "book":
        return _book_prop(dav, tag)
    if kind == "card":
        return _card_prop(dav, view or dav.view, resource.subject_id, tag)
    return None


def _book_prop(dav: Dav, tag: str) -> ET.Element | None:
    if tag == cs("getctag"):
        return _element(tag, f"{dav.view.book.pk}-{dav.view.sync_seq}")
    if tag == d("sync-token"):
        return _element(tag, dav.sync_token(dav.view.sync_seq))
    if tag == card("addressbook-description"):
        return _element(tag, "Contact cards of your connections on Kith, as they share them.")
    if tag == card("supported-address-data"):
        data_type = _element(card("address-data-type"))
        data_type.set("content-type", "text/vcard")
        data_type.set("version", "3.0")
        return _element(tag, children=[data_type])
    if tag == card("max-resource-size"):
        return _element(tag, str(1024 * 1024))
    return None


def _card_prop(dav: Dav, view, subject_id: int, tag: str) -> ET.Element | None:
    state = view.states[subject_id]
    if tag == d("getetag"):
        return _element(tag, state.etag)
    if tag == d("getcontenttype"):
        return _element(tag, CONTENT_TYPE)
    if tag == d("getlastmodified"):
        return _element(tag, http_date(state.rev.timestamp()))
    if tag == d("getcontentlength"):
        return _element(tag, str(len(dav.card_text(view, subject_id).encode())))
    if tag == card("address-data"):
        return _element(tag, dav.card_text(view, subject_id))
    return None


def props_response(dav: Dav, resource: Resource, tags: list[str], *, names_only=False, view=None):
    found, missing = [], []
    for tag in tags:
        value = prop_value(dav, resource, tag, view)
        if value is None:
            missing.append(tag)
        else:
            if names_only:
                value = ET.Element(tag)
            found.append(value)
    if names_only:
        missing = []
    return prop_response(resource.href, found, missing)
