"""The read-only CardDAV address book of a person's connections, at /dav/ (RFC 6352).

Resources, for the person `h` the app password belongs to:

    /dav/                                  root (current-user-principal)
    /dav/principals/h/                     the principal (addressbook-home-set)
    /dav/addressbooks/h/                   the address-book home
    /dav/addressbooks/h/connections/       the one address book
    /dav/addressbooks/h/connections/N.vcf  the card of person N

HTTP Basic with an app password only. Anybody else's URLs answer 404, like missing ones.
Writes are refused: cards change on Kith, by their owners. This module speaks the protocol;
what is in the book and what each card shows come from `contacts.actions` and `.access`.
"""

from __future__ import annotations

import base64
import binascii
import xml.etree.ElementTree as ET

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.http import http_date, quote_etag
from django.views.decorators.csrf import csrf_exempt

from kith.contacts import actions, davquery
from kith.contacts.access import address_book_changes
from kith.contacts.davprops import ALLPROP, props_response
from kith.contacts.davtree import Dav, Resource
from kith.contacts.davxml import (
    DavError,
    card,
    d,
    multistatus_response,
    parse_body,
    requested_props,
    status_response,
)
from kith.contacts.vcard import CONTENT_TYPE
from kith.core.ratelimit import Limit

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_MULTIGET_HREFS = 5000
READ_METHODS = {"GET", "HEAD", "PROPFIND", "REPORT", "OPTIONS"}
REFUSED_WRITES = {"PUT", "DELETE", "PROPPATCH", "MKCOL", "MOVE", "COPY"}
ALLOW = "OPTIONS, GET, HEAD, PROPFIND, REPORT"
REALM = 'Basic realm="Kith address book", charset="UTF-8"'


def _auth_limit() -> Limit:
    return Limit("carddav-auth", settings.KITH_LOGIN_ATTEMPTS, settings.KITH_LOGIN_WINDOW_SECONDS)


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _credentials(request) -> tuple[str, str] | None:
    scheme, _, encoded = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


def _authenticate(request):
    """Return the person the request's app password belongs to, or raise DavError 401/429."""
    limit, subject = _auth_limit(), f"ip:{_client_ip(request)}"
    if limit.is_exceeded(subject):
        raise DavError(
            429,
            "Too many failed sign-ins from this address; try again later.",
            headers={"Retry-After": str(limit.seconds_left())},
        )
    credentials = _credentials(request)
    person = None
    if credentials:
        username, password = credentials
        person = actions.app_password_authenticate(username=username, password=password)
    if person is None:
        if request.META.get("HTTP_AUTHORIZATION"):
            limit.hit(subject)
        raise DavError(
            401,
            "Sign in with your handle and an app password (Settings → Address book on Kith). "
            "Your login password does not work here.",
            headers={"WWW-Authenticate": REALM},
        )
    return person


# --- Methods ---------------------------------------------------------------------------------


def _depth(request, default: str) -> str:
    depth = request.META.get("HTTP_DEPTH", default).strip().lower()
    if depth not in {"0", "1", "infinity"}:
        raise DavError(400, "The Depth header is 0, 1 or infinity.")
    return depth


def propfind(dav: Dav, resource: Resource, body) -> HttpResponse:
    depth = _depth(dav.request, "infinity")
    tags, names_only = requested_props(body, ALLPROP)
    if body is not None and body.tag != d("propfind"):
        raise DavError(400, "A PROPFIND body is a DAV:propfind element.")
    resources, level = [resource], [resource]
    for _ in range({"0": 0, "1": 1, "infinity": 4}[depth]):
        level = [child for parent in level for child in dav.children(parent)]
        resources += level
    return multistatus_response(
        props_response(dav, r, tags, names_only=names_only) for r in resources
    )


def _report_props(body: ET.Element) -> list[str]:
    tags, _ = requested_props(body, [d("getetag"), card("address-data")])
    return tags


def multiget(dav: Dav, body: ET.Element) -> HttpResponse:
    tags = _report_props(body)
    requested = [href.text or "" for href in body.findall(d("href"))]
    if len(requested) > MAX_MULTIGET_HREFS:
        raise DavError(400, f"Ask for at most {MAX_MULTIGET_HREFS} cards at a time.")
    subjects = {href: dav.subject_from_href(href) for href in requested}
    view = actions.address_book_refresh(
        owner=dav.owner, subject_ids={s for s in subjects.values() if s is not None}
    )
    responses = []
    for href, subject_id in subjects.items():
        if subject_id in view.entries:
            resource = Resource("card", dav.card_href(subject_id), subject_id)
            responses.append(props_response(dav, resource, tags, view=view))
        else:
            responses.append(status_response(href, 404))
    return multistatus_response(responses)


def _positive_limit(body: ET.Element) -> int | None:
    nresults = body.find(f"{d('limit')}/{d('nresults')}")
    if nresults is None:
        nresults = body.find(f"{card('limit')}/{card('nresults')}")
    if nresults is None:
        return None
    text = (nresults.text or "").strip()
    if not text.isdigit() or int(text) < 1:
        raise DavError(400, "DAV:nresults is a positive whole number.")
    return int(text)


def sync_collection(dav: Dav, body: ET.Element) -> HttpResponse:
    level = (body.findtext(d("sync-level")) or "1").strip().lower()
    if level not in {"1", "infinite"}:
        raise DavError(400, "DAV:sync-level is 1 or infinite.")
    tags = _report_props(body)
    limit = _positive_limit(body)
    view = dav.view
    token = (body.findtext(d("sync-token")) or "").strip()
    since = dav.parse_sync_token(token) if token else None
    fetch = limit + 1 if limit is not None else None
    changes = address_book_changes(view.book, since=since, upto=view.sync_seq, limit=fetch)
    truncated = limit is not None and len(changes) > limit
    if truncated:
        changes = changes[:limit]
    responses = []
    for state in changes:
        if state.deleted or state.subject_id not in view.entries:
            responses.append(status_response(dav.card_href(state.subject_id), 404))
        else:
            resource = Resource("card", dav.card_href(state.subject_id), state.subject_id)
            responses.append(props_response(dav, resource, tags))
    new_seq = changes[-1].seq if truncated else view.sync_seq
    if truncated:
        responses.append(
            status_response(dav.book_href, 507, error=d("number-of-matches-within-limits"))
        )
    return multistatus_response(responses, sync_token=dav.sync_token(new_seq))


def addressbook_query(dav: Dav, body: ET.Element) -> HttpResponse:
    tags = _report_props(body)
    match = davquery.compile_filter(body.find(card("filter")))
    limit = _positive_limit(body)
    view = dav.view
    responses = []
    for entry, _state in view.cards():
        if limit is not None and len(responses) >= limit:
            responses.append(
                status_response(dav.book_href, 507, error=d("number-of-matches-within-limits"))
            )
            break
        if match(davquery.card_lines(dav.card_text(view, entry.person.pk))):
            resource = Resource("card", dav.card_href(entry.person.pk), entry.person.pk)
            responses.append(props_response(dav, resource, tags))
    return multistatus_response(responses)


REPORTS = {
    card("addressbook-multiget"): multiget,
    d("sync-collection"): sync_collection,
    card("addressbook-query"): addressbook_query,
}


def report(dav: Dav, resource: Resource, body) -> HttpResponse:
    if body is None:
        raise DavError(400, "A REPORT needs a body saying which report.")
    handler = REPORTS.get(body.tag)
    if handler is None or resource.kind != "book":
        raise DavError(
            403,
            "This resource does not support that report; the address book supports "
            "addressbook-multiget, addressbook-query and sync-collection.",
            precondition=d("supported-report"),
        )
    return handler(dav, body)


def get(dav: Dav, resource: Resource) -> HttpResponse:
    if resource.kind != "card":
        text = (
            "This is Kith's address book server (CardDAV). Add it to a contacts app with your "
            "handle and an app password: see Settings → Address book on Kith.\n"
        )
        return HttpResponse(text, content_type="text/plain; charset=utf-8")
    view = actions.address_book_refresh(owner=dav.owner, subject_ids=[resource.subject_id])
    if resource.subject_id not in view.entries:
        raise DavError(404, "Nothing here.")
    state = view.states[resource.subject_id]
    headers = {
        "ETag": state.etag,
        "Last-Modified": http_date(state.rev.timestamp()),
        "Cache-Control": "private, no-cache",
    }
    if_none_match = dav.request.META.get("HTTP_IF_NONE_MATCH", "")
    if state.etag in [quote_etag(t.strip()) for t in if_none_match.split(",")] or (
        if_none_match.strip() == "*"
    ):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(dav.card_text(view, resource.subject_id), content_type=CONTENT_TYPE)
    for name, value in headers.items():
        response[name] = value
    return response


def _options() -> HttpResponse:
    response = HttpResponse(status=200)
    response["Allow"] = ALLOW
    response["DAV"] = "1, 3, addressbook"
    return response


def _dispatch(request, path: str) -> HttpResponse:
    method = request.method.upper()
    if method == "OPTIONS":
        return _options()
    owner = _authenticate(request)
    if method not in READ_METHODS:
        if method in REFUSED_WRITES:
            raise DavError(
                403,
                "This address book is read-only: each person changes their own card on Kith.",
                precondition=d("need-privileges"),
            )
        raise DavError(405, f"{method} is not supported here.", headers={"Allow": ALLOW})
    length = (request.META.get("CONTENT_LENGTH") or "0").strip()
    if not length.isdigit():
        raise DavError(400, "The Content-Length header is not a number.")
    if int(length) > MAX_BODY_BYTES:
        raise DavError(413, f"Request bodies are limited to {MAX_BODY_BYTES} bytes.")
    dav = Dav(request, owner)
    resource = dav.resolve(path)
    if method in {"GET", "HEAD"}:
        return get(dav, resource)
    if resource.kind == "card" and resource.subject_id not in dav.view.entries:
        raise DavError(404, "Nothing here.")
    body = parse_body(request.body)
    if method == "PROPFIND":
        return propfind(dav, resource, body)
    return report(dav, resource, body)


@csrf_exempt
def dav_view(request, path: str = ""):
    """Answer a CardDAV request below /dav/."""
    try:
        return _dispatch(request, path or "")
    except DavError as error:
        return error.response()


@csrf_exempt
def well_known(request):
    """Point contacts apps that look for /.well-known/carddav at the server (RFC 6764)."""
    return HttpResponsePermanentRedirect(reverse("carddav_root"))
