"""WebDAV XML: parsing request bodies safely and building multistatus and error responses
(RFC 4918 for WebDAV, RFC 6352 for CardDAV, RFC 6578 for sync)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from django.http import HttpResponse

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CALENDARSERVER = "http://calendarserver.org/ns/"
KITH = "urn:x-kith:dav"

ET.register_namespace("d", DAV)
ET.register_namespace("card", CARDDAV)
ET.register_namespace("cs", CALENDARSERVER)
ET.register_namespace("k", KITH)

XML_CONTENT_TYPE = "application/xml; charset=utf-8"
STATUS_TEXT = {
    200: "OK",
    403: "Forbidden",
    404: "Not Found",
    507: "Insufficient Storage",
}


def d(name: str) -> str:
    """Return the Clark name of a DAV: element."""
    return f"{{{DAV}}}{name}"


def card(name: str) -> str:
    """Return the Clark name of a CardDAV element."""
    return f"{{{CARDDAV}}}{name}"


def cs(name: str) -> str:
    """Return the Clark name of a CalendarServer element."""
    return f"{{{CALENDARSERVER}}}{name}"


class DavError(Exception):
    """An error answered to the client: a status, a message, and maybe a precondition element
    (RFC 4918 §16) that clients act on, such as DAV:valid-sync-token."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        precondition: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.precondition = precondition
        self.headers = headers or {}

    def response(self) -> HttpResponse:
        if self.precondition:
            error = ET.Element(d("error"))
            ET.SubElement(error, self.precondition)
            ET.SubElement(error, f"{{{KITH}}}message").text = self.message
            response = HttpResponse(
                serialize(error), status=self.status, content_type=XML_CONTENT_TYPE
            )
        else:
            response = HttpResponse(
                self.message + "\n", status=self.status, content_type="text/plain; charset=utf-8"
            )
        for name, value in self.headers.items():
            response[name] = value
        return response


def parse_body(body: bytes) -> ET.Element | None:
    """Return the root element of a request body (None if empty), or raise DavError 400."""
    if not body.strip():
        return None
    lowered = body.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        # WebDAV bodies never need a DTD; refusing one rules out entity-expansion attacks.
        raise DavError(400, "Document type declarations are not accepted in request bodies.")
    try:
        # Safe: no DTD reaches the parser (checked above), so no entities can be declared.
        return ET.fromstring(body)  # noqa: S314
    except ET.ParseError as error:
        raise DavError(400, f"The request body is not well-formed XML ({error}).") from None


def serialize(element: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def hrefs(*urls: str) -> list[ET.Element]:
    """Return DAV:href elements for `urls`."""
    elements = []
    for url in urls:
        href = ET.Element(d("href"))
        href.text = url
        elements.append(href)
    return elements


def status_line(status: int) -> str:
    return f"HTTP/1.1 {status} {STATUS_TEXT.get(status, '')}".rstrip()


def prop_response(href: str, found: Iterable[ET.Element], missing: Iterable[str]) -> ET.Element:
    """Return a DAV:response with one propstat of the properties found and one of those not."""
    response = ET.Element(d("response"))
    ET.SubElement(response, d("href")).text = href
    for elements, status in ((list(found), 200), ([ET.Element(t) for t in missing], 404)):
        if not elements:
            continue
        propstat = ET.SubElement(response, d("propstat"))
        prop = ET.SubElement(propstat, d("prop"))
        prop.extend(elements)
        ET.SubElement(propstat, d("status")).text = status_line(status)
    if len(response) == 1:  # a request for no properties: say the resource is there
        propstat = ET.SubElement(response, d("propstat"))
        ET.SubElement(propstat, d("prop"))
        ET.SubElement(propstat, d("status")).text = status_line(200)
    return response


def status_response(href: str, status: int, *, error: str | None = None) -> ET.Element:
    """Return a DAV:response carrying only a status (a removed or missing member)."""
    response = ET.Element(d("response"))
    ET.SubElement(response, d("href")).text = href
    ET.SubElement(response, d("status")).text = status_line(status)
    if error:
        ET.SubElement(ET.SubElement(response, d("error")), error)
    return response


def multistatus_response(
    responses: Iterable[ET.Element], *, sync_token: str | None = None
) -> HttpResponse:
    root = ET.Element(d("multistatus"))
    root.extend(responses)
    if sync_token is not None:
        ET.SubElement(root, d("sync-token")).text = sync_token
    return HttpResponse(serialize(root), status=207, content_type=XML_CONTENT_TYPE)


def requested_props(root: ET.Element | None, allprop: list[str]) -> tuple[list[str], bool]:
    """Return the property names a PROPFIND (or REPORT) asks for, and whether only names.

    No body, or DAV:allprop, means `allprop` (plus any DAV:include); DAV:propname asks for
    names only.
    """
    if root is None:
        return allprop, False
    if root.find(d("propname")) is not None:
        return allprop, True
    prop = root.find(d("prop"))
    if prop is not None:
        return [child.tag for child in prop], False
    if root.find(d("allprop")) is not None:
        include = root.find(d("include"))
        extra = [child.tag for child in include] if include is not None else []
        return allprop + [t for t in extra if t not in allprop], False
    raise DavError(400, "Say which properties to return: DAV:prop, DAV:allprop or DAV:propname.")
