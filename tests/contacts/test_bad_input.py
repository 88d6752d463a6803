"""Whatever a client sends, the CardDAV server answers 2xx or a clear 4xx, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import BOOK

ELEMENTS = [
    "d:propfind", "d:prop", "d:allprop", "d:propname", "d:include", "d:getetag", "d:href",
    "d:sync-collection", "d:sync-token", "d:sync-level", "d:limit", "d:nresults",
    "card:addressbook-multiget", "card:addressbook-query", "card:filter", "card:prop-filter",
    "card:param-filter", "card:text-match", "card:is-not-defined", "card:address-data",
    "cs:getctag", "x:unknown",
]  # fmt: skip
ATTRIBUTES = ["name", "test", "match-type", "collation", "negate-condition", "content-type"]
TEXTS = ["", "1", "-3", "0", "FN", "anyof", "allof", "yes", "equals", "i;octet", "x" * 50,
         "http://testserver/dav/sync/1-1", BOOK, BOOK + "1.vcf", "9" * 40, "é\u0000"]  # fmt: skip


def _xml(depth: int = 0):
    """A strategy for small documents made of the elements DAV clients send."""
    leaf = st.sampled_from(TEXTS).map(lambda t: t.replace("\u0000", ""))

    def element(children):
        return st.tuples(
            st.sampled_from(ELEMENTS),
            st.dictionaries(st.sampled_from(ATTRIBUTES), st.sampled_from(TEXTS), max_size=2),
            st.lists(children, max_size=3),
            leaf,
        ).map(_render)

    return st.recursive(leaf, element, max_leaves=8)


def _render(parts) -> str:
    name, attributes, children, text = parts
    attrs = "".join(f' {k}="{v.replace(chr(0), "")}"' for k, v in attributes.items())
    return f"<{name}{attrs}>{text}{''.join(children)}</{name}>"


def _document(body: str) -> str:
    return (
        '<root xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" '
        'xmlns:cs="http://calendarserver.org/ns/" xmlns:x="urn:x">' + body + "</root>"
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=_xml(), method=st.sampled_from(["PROPFIND", "REPORT"]), strip_root=st.booleans())
def test_structured_nonsense_is_never_a_server_error(alice_dav, bob, body, method, strip_root):
    document = body if strip_root and body.startswith("<") else _document(body)
    response = alice_dav(method, BOOK, document, depth="1")
    assert response.status_code < 500, (document, response.content)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.binary(max_size=200), path=st.sampled_from(["/dav/", BOOK, BOOK + "5.vcf", "/dav/x/ü"])
)
def test_random_bytes_are_never_a_server_error(alice_dav, body, path):
    for method in ("PROPFIND", "REPORT", "GET"):
        assert alice_dav(method, path, body).status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/dav/addressbooks/alice/connections/99999999999999999999999.vcf",
        "/dav/addressbooks/alice/connections/0.vcf",
        "/dav/addressbooks/alice/connections/abc.vcf",
        "/dav/addressbooks/alice/connections/1.ics",
        "/dav/addressbooks/alice/connections/a/b/c",
        "/dav/addressbooks/%2e%2e/alice/",
        "/dav/../dav/principals/alice/",
    ],
)
def test_odd_paths_are_404(alice_dav, path):
    assert alice_dav("PROPFIND", path, "").status_code == 404
    assert alice_dav("GET", path).status_code == 404
