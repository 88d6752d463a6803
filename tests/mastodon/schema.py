"""The JSON schemas of Mastodon's entities (tests/mastodon/schemas, written from
docs.joinmastodon.org) and a check of an entity against one of them, as it goes on the wire."""

from __future__ import annotations

import json
import pathlib
from functools import cache

import orjson
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = pathlib.Path(__file__).parent / "schemas"
BASE = "https://kith.invalid/mastodon/"


@cache
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        contents = json.loads(path.read_text())
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    return Draft202012Validator(schema, registry=_registry())


def wire(data):
    """Return `data` as a client receives it (encoded by orjson, as the API sends it)."""
    from kith.api.post_serializers import JSON_OPTIONS

    return orjson.loads(orjson.dumps(data, option=JSON_OPTIONS))


def check(name: str, data) -> dict:
    """Assert that `data` (one entity) matches schema `name`; return it as sent."""
    sent = wire(data)
    errors = sorted(validator(name).iter_errors(sent), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    return sent
