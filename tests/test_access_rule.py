"""Who may see what is decided in access modules only: no surface fetches people by id."""

from __future__ import annotations

import pathlib
import re

SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / "kith"
BY_ID = re.compile(r"\b(Person|ContactField)\.objects\.(get|filter)\((pk|id)(__in)?=")


def test_people_and_fields_are_fetched_by_id_only_in_access_modules():
    offenders = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in SRC.rglob("*.py")
        if path.name != "access.py" and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if BY_ID.search(line)
    ]
    assert not offenders, "fetch by id outside an access module:\n" + "\n".join(offenders)


def test_profile_endpoints_make_a_bounded_number_of_queries(
    client, alice, bob, django_assert_max_num_queries
):
    from kith.people import actions

    for i in range(20):
        actions.contact_field_add(
            person=alice, kind="custom", label=f"L{i}", value="v", visibility="public"
        )
    client.force_login(bob)
    # session + person + relationship + fields + interests, whatever the card's size
    with django_assert_max_num_queries(6):
        assert client.get("/api/kith/v1/people/alice").status_code == 200
    # the page adds the follow/safety boxes: the standing (one query) and attention figures,
    # the first page of posts (one query when there are none; pinned in tests/web), the
    # pinned posts (one query when there are none) and the unread notifications badge in the
    # navigation (one query)
    with django_assert_max_num_queries(11):
        assert client.get("/@alice").status_code == 200
