"""The entity schemas themselves: valid JSON Schema (draft 2020-12), and each one checked
against real entities by some contract test."""

from __future__ import annotations

import json
import pathlib
import re

import pytest
from jsonschema import Draft202012Validator

from tests.mastodon.schema import SCHEMAS, validator

TESTS = pathlib.Path(__file__).parent
# Reached only through other schemas.
NESTED = {"defs", "CustomEmoji", "Field"}


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.json")), ids=lambda p: p.stem)
def test_every_schema_is_valid(path):
    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith(f"/{path.name}")
    validator(path.stem)  # its references resolve


def test_every_entity_schema_is_checked_by_a_contract_test():
    used = set()
    for path in TESTS.glob("test_*.py"):
        used |= set(re.findall(r'check\(\s*"(\w+)"', path.read_text()))
    names = {path.stem for path in SCHEMAS.glob("*.json")}
    assert names - NESTED <= used, sorted(names - NESTED - used)


def test_a_schema_refuses_what_the_documentation_forbids():
    status = validator("Status")
    assert not status.is_valid({"id": 1})  # ids are strings, and most fields are missing
    account = validator("Account")
    assert not account.is_valid({"created_at": "2026-11-28T08:00:00Z"})  # no milliseconds
