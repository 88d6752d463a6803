"""`core.sql.id_list`: many ids bound as one parameter."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.core.sql import id_list
from kith.people.models import Person
from tests.conftest import make_person


@pytest.mark.django_db
def test_id_list_selects_exactly_the_given_ids_in_one_parameter():
    people = [make_person(f"idl{i}") for i in range(5)]
    wanted = {people[0].pk, people[3].pk, 10**15}  # one id matches nobody
    many = wanted | set(range(10**15 + 1, 10**15 + 40_000))  # above SQLite's 32,766 variables
    with CaptureQueriesContext(connection) as queries:
        found = set(Person.objects.filter(pk__in=id_list(many)).values_list("pk", flat=True))
    assert found == {people[0].pk, people[3].pk}
    assert len(queries) == 1
    assert not Person.objects.filter(pk__in=id_list([])).exists()
