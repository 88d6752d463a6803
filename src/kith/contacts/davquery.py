"""The filter of a CardDAV addressbook-query REPORT (RFC 6352 §10.5), applied to a card."""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

import vobject

from kith.contacts.davxml import DavError, card

COLLATIONS = {"i;unicode-casemap", "i;ascii-casemap", "i;octet"}
MATCH_TYPES = {"equals", "contains", "starts-with", "ends-with"}


@dataclass
class Line:
    """One property of a card: its name, parameters and value as text."""

    name: str
    value: str
    params: dict[str, list[str]] = field(default_factory=dict)


Matcher = Callable[[list[Line]], bool]


def _value_text(value) -> str:
    if isinstance(value, bytes):
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, vobject.vcard.Name):
        parts = [value.prefix, value.given, value.additional, value.family, value.suffix]
        return " ".join(p for p in parts if p)
    if isinstance(value, vobject.vcard.Address):
        parts = [value.street, value.city, value.region, value.code, value.country]
        return " ".join(p for p in parts if p)
    return str(value)


def card_lines(text: str) -> list[Line]:
    """Return the properties of the vCard in `text`."""
    component = vobject.readOne(text)
    return [
        Line(
            name=child.name.upper(),
            value=_value_text(child.value),
            params={k.upper(): list(v) for k, v in child.params.items()},
        )
        for child in component.getChildren()
    ]


def _fold(text: str, collation: str) -> str:
    if collation == "i;octet":
        return text
    if collation == "i;ascii-casemap":
        return "".join(c.lower() if c.isascii() else c for c in text)
    return unicodedata.normalize("NFKD", text).casefold()


def _text_match(element: ET.Element) -> Callable[[str], bool]:
    collation = element.get("collation", "i;unicode-casemap")
    if collation not in COLLATIONS:
        raise DavError(
            403,
            f"Collation {collation!r} is not supported; use one of {sorted(COLLATIONS)}.",
            precondition=card("supported-collation"),
        )
    match_type = element.get("match-type", "contains")
    if match_type not in MATCH_TYPES:
        raise DavError(400, f"match-type is one of {sorted(MATCH_TYPES)}.")
    negate = element.get("negate-condition", "no") == "yes"
    needle = _fold(element.text or "", collation)

    def matches(value: str) -> bool:
        value = _fold(value, collation)
        result = {
            "equals": value == needle,
            "contains": needle in value,
            "starts-with": value.startswith(needle),
            "ends-with": value.endswith(needle),
        }[match_type]
        return result != negate

    return matches


def _combine(tests: list[Callable[..., bool]], how: str) -> Callable[..., bool]:
    if how not in {"anyof", "allof"}:
        raise DavError(400, 'The test attribute is "anyof" or "allof".')
    combine = any if how == "anyof" else all
    return lambda *args: combine(test(*args) for test in tests)


def _param_filter(element: ET.Element) -> Callable[[Line], bool]:
    name = (element.get("name") or "").upper()
    if not name:
        raise DavError(400, "A param-filter needs a name.")
    if element.find(card("is-not-defined")) is not None:
        return lambda line: name not in line.params
    text_match = element.find(card("text-match"))
    if text_match is None:
        return lambda line: name in line.params
    matches = _text_match(text_match)
    return lambda line: any(matches(v) for v in line.params.get(name, []))


def _prop_filter(element: ET.Element) -> Matcher:
    name = (element.get("name") or "").upper()
    if not name:
        raise DavError(400, "A prop-filter needs a name.")

    def instances(lines: list[Line]) -> list[Line]:
        return [line for line in lines if line.name == name]

    if element.find(card("is-not-defined")) is not None:
        return lambda lines: not instances(lines)
    tests: list[Callable[[Line], bool]] = []
    for child in element:
        if child.tag == card("text-match"):
            matches = _text_match(child)
            tests.append(lambda line, matches=matches: matches(line.value))
        elif child.tag == card("param-filter"):
            tests.append(_param_filter(child))
    if not tests:
        return lambda lines: bool(instances(lines))
    test = _combine(tests, element.get("test", "anyof"))
    return lambda lines: any(test(line) for line in instances(lines))


def compile_filter(element: ET.Element | None) -> Matcher:
    """Return a function telling whether a card's lines pass the filter (all do, if none)."""
    if element is None:
        return lambda lines: True
    tests = [_prop_filter(child) for child in element if child.tag == card("prop-filter")]
    if not tests:
        return lambda lines: True
    return _combine(tests, element.get("test", "anyof"))
