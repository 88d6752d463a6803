"""Small SQL helpers that the ORM lacks."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection
from django.db.models.expressions import RawSQL


def id_list(ids: Iterable[int]) -> RawSQL:
    """Return a subquery of `ids` bound as ONE parameter: `Q(pk__in=id_list(ids))`.

    `pk__in=[…]` binds one parameter per id, which Django prepares one by one (≈ 50 ms for
    10,000 ids) and SQLite caps per query; a JSON array (SQLite's `json_each`) or an array
    (PostgreSQL's `unnest`) is one parameter, whatever the number of ids.
    """
    values = sorted({int(i) for i in ids})
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (values,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(values),))
