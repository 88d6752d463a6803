"""feeds 0007: every KeywordFilter becomes a filter with that one keyword, none lost, and the
way back makes them one-phrase filters again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("feeds", "0006_notification_poll_ended")]
AFTER = [("feeds", "0007_filters_v2")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_keyword_filters_become_filters_and_back():
    from tests.conftest import make_person

    alice, bob = make_person("alice"), make_person("bob")
    try:
        old = _migrate(BEFORE)
        KeywordFilter = old.get_model("feeds", "KeywordFilter")
        later = timezone.now() + timedelta(days=1)
        rows = [
            KeywordFilter.objects.create(owner_id=alice.pk, phrase="election", action="hide"),
            KeywordFilter.objects.create(
                owner_id=alice.pk, phrase="cats", whole_word=False, expires_at=later
            ),
            KeywordFilter.objects.create(owner_id=bob.pk, phrase="finale", action="warn"),
        ]
        new = _migrate(AFTER)
        Filter = new.get_model("feeds", "Filter")
        FilterKeyword = new.get_model("feeds", "FilterKeyword")
        assert Filter.objects.count() == 3 and FilterKeyword.objects.count() == 3
        for row in rows:
            found = Filter.objects.get(pk=row.pk)
            keyword = FilterKeyword.objects.get(filter=found)
            assert (found.owner_id, found.title, found.action) == (
                row.owner_id,
                row.phrase,
                row.action,
            )
            assert found.expires_at == row.expires_at and found.created_at == row.created_at
            assert found.contexts == ["home", "notifications", "public", "thread", "account"]
            assert (keyword.pk, keyword.keyword, keyword.whole_word) == (
                row.pk,
                row.phrase,
                row.whole_word,
            )
        two = Filter.objects.create(owner_id=bob.pk, title="TV", contexts=["home"])
        FilterKeyword.objects.create(filter=two, keyword="season", whole_word=True)
        back = _migrate(BEFORE)
        phrases = back.get_model("feeds", "KeywordFilter").objects.values_list("owner_id", "phrase")
        assert sorted(phrases) == sorted(
            [(alice.pk, "election"), (alice.pk, "cats"), (bob.pk, "finale"), (bob.pk, "season")]
        )
    finally:
        _migrate(AFTER)
