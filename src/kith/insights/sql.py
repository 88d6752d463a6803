"""Date arithmetic the metrics do in the database, the same on SQLite and PostgreSQL.

Grouping by week and measuring response times happen in SQL, so that a metric over 100,000
interactions reads a few hundred aggregated rows, not 100,000 datetimes.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connections
from django.db.models import F, FloatField, Func, IntegerField, QuerySet, Value

WEEK_SECONDS = 7 * 24 * 3600


class Epoch(Func):
    """Seconds since 1970-01-01 UTC of a datetime column, as a float."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float", **extra
        )


class _FloorWeek(Func):
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # CAST truncates towards zero; the offset makes it a floor for weeks before `since`.
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(%(expressions)s + 100000 AS INTEGER) - 100000)",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="FLOOR(%(expressions)s)::integer", **extra
        )


def week_index(field: str, since: datetime) -> Func:
    """Return the week of `field` counted from `since` (0 is the window's first week)."""
    seconds = Epoch(F(field)) - Value(since.timestamp(), output_field=FloatField())
    return _FloorWeek(seconds / Value(float(WEEK_SECONDS), output_field=FloatField()))


def epoch(field: str) -> Func:
    return Epoch(F(field))


def fetch(qs: QuerySet) -> list[tuple]:
    """Return the rows of `qs` (a values() query of numbers) as plain tuples.

    The metrics read tens of thousands of aggregated numbers: Django's per-value converters
    would cost more than the query.
    """
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
