"""Date arithmetic the metrics do in the database, the same on SQLite and PostgreSQL.

Grouping by week and measuring response times happen in SQL, so that a metric over 100,000
interactions reads a few hundred aggregated rows, not 100,000 datetimes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from django.db import connections
from django.db.models import F, FloatField, Func, IntegerField, Value

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


# --- Queries compiled once --------------------------------------------------------------------
# Building and compiling the insights' ORM queries costs about as much as running some of them
# (tens of querysets, each with the access rule). Each is built once per database alias for a
# stand-in person and window, whose values no real row or window has; later runs put the real
# values in place of the stand-ins' parameters. The SQL stays the ORM's own, access rule
# included (`conversations.access.visible_q`).
_ME = -(2**62) - 7919
_SINCE = datetime(1901, 3, 4, 5, 6, 7, 123457, tzinfo=UTC)
_UNTIL = datetime(1901, 9, 8, 7, 6, 5, 432109, tzinfo=UTC)
_compiled: dict[tuple[str, str], tuple[str, list, list]] = {}
_lock = threading.Lock()


def stand_in():
    """Return the stand-in person the queries are compiled for (not saved)."""
    from kith.people.models import Person

    return Person(pk=_ME, is_active=True)


def _compile(key: str, build: Callable, using: str) -> tuple[str, list, list]:
    found = _compiled.get((using, key))
    if found is not None:
        return found
    with _lock:
        qs = build(stand_in(), _SINCE, _UNTIL)
        sql, params = qs.query.get_compiler(using).as_sql()
        ops = connections[using].ops
        forms = {
            "since": {ops.adapt_datetimefield_value(_SINCE), _SINCE},
            "until": {ops.adapt_datetimefield_value(_UNTIL), _UNTIL},
        }
        plan = []
        for param in params:
            if isinstance(param, int) and not isinstance(param, bool) and param == _ME:
                plan.append("me")
            elif isinstance(param, float) and param == _SINCE.timestamp():
                plan.append("since_epoch")
            elif isinstance(param, str | datetime) and param in forms["since"]:
                plan.append("since")
            elif isinstance(param, str | datetime) and param in forms["until"]:
                plan.append("until")
            else:
                if str(_ME) in str(param) or "1901-" in str(param):
                    raise ValueError(f"{key}: a stand-in value in a parameter: {param!r}")
                plan.append(None)
        found = (sql, list(params), plan)
        _compiled[(using, key)] = found
        return found


def run(key: str, build: Callable, me, since: datetime, until: datetime) -> list[tuple]:
    """Return the rows of `build(me, since, until)` (a values_list() query of numbers).

    `key` names the query; `build` must give the same SQL for every person and window
    (their values only appear as parameters).
    """
    from django.db import router

    using = router.db_for_read(type(me))
    sql, params, plan = _compile(key, build, using)
    connection = connections[using]
    values = {
        "me": me.pk,
        "since_epoch": since.timestamp(),
        "since": since,
        "until": until,
    }
    final = []
    for param, step in zip(params, plan, strict=True):
        if step is None:
            final.append(param)
        elif step in ("since", "until") and not isinstance(param, datetime):
            final.append(connection.ops.adapt_datetimefield_value(values[step]))
        else:
            final.append(values[step])
    with connection.cursor() as cursor:
        cursor.execute(sql, final)
        return cursor.fetchall()
