"""Personas for communities: alice writes, olga owns the community "garden", max moderates
it and mia is a plain member; bob is alice's connection, carol a stranger, fiona follows
alice, mo is mentioned, blake is blocked by alice and bart blocked her."""

from __future__ import annotations

import pytest

from kith.communities import actions
from kith.conversations import actions as post_actions
from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.safety import block_create
from tests.conftest import make_person


@pytest.fixture
def fiona(db, alice):
    person = make_person("fiona")
    follow_create(follower=person, target=alice)
    return person


@pytest.fixture
def mo(db):
    return make_person("mo")


@pytest.fixture
def blake(db, alice):
    person = make_person("blake")
    block_create(blocker=alice, blocked=person)
    return person


@pytest.fixture
def bart(db, alice):
    person = make_person("bart")
    block_create(blocker=person, blocked=alice)
    return person


@pytest.fixture
def olga(db):
    return make_person("olga")


@pytest.fixture
def max_(db):
    return make_person("max")


@pytest.fixture
def mia(db):
    return make_person("mia")


@pytest.fixture
def garden(db, olga, max_, mia, alice):
    """An open community: olga owns it, max moderates, mia and alice are members."""
    community = actions.community_create(
        by=olga,
        slug="garden",
        name="Gardeners",
        description="Growing things together.",
        rules="Be kind\nNo spam",
    )
    for person in (max_, mia, alice):
        actions.community_join(person=person, community=community)
    actions.member_set_role(by=olga, community=community, person=max_, role="moderator")
    community.refresh_from_db()
    return community


@pytest.fixture
def publish(db):
    def make(author, body="Hello, world", **options):
        return post_actions.post_publish(author=author, body=body, **options)

    return make
