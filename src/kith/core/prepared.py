"""Prepared queries: an ORM queryset compiled to SQL once, then run with other values.

Django compiles every queryset to SQL on every request (1–1.5 ms each, DESIGN.md §7), which is
most of a hot read path's time. A `Prepared` query is built by a function from placeholders
(`Prepared.id(n)`, `Prepared.ids(name, n)`, `Prepared.now()`), compiled once per database
alias and then executed with the real values put in place of the placeholders' parameters.
The SQL is the ORM's own, so a rule written as a queryset (the access rule in
`conversations.access`) stays the one rule: nothing is written twice by hand.

Placeholders are values no real row has (negative ids far below any id Kith makes, a
datetime in 1901), so they are recognised among the compiled parameters; `Prepared`
refuses to compile when a placeholder is missing or appears where it cannot be replaced.
Rows come back as tuples, through the same converters as `values_list()`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet

_BASE = -(2**62)
_NOW = dt.datetime(1901, 1, 1, 0, 0, 0, 123457, tzinfo=dt.UTC)
# Pads an id list to its compiled length: no row has id 0 (ids are positive).
FILLER = 0


class Prepared:
    """A queryset compiled once per database alias, run with values for its placeholders.

    `build(p)` returns the queryset; it asks `p` for its placeholders:

        latest = Prepared(lambda p: Entry.objects.filter(owner_id=p.id("owner"))
                          .values_list("id", "post_id")[:20])
        rows = latest.rows(owner=viewer.pk)

    An id list (`p.ids("ids", 40)`) is compiled with that many slots; `rows(ids=[...])`
    fills the missing slots with FILLER (and raises ValueError past the compiled length).
    """

    def __init__(
        self, build: Callable[[Prepared], QuerySet], *, strings: dict[str, str] | None = None
    ) -> None:
        """`strings`: {name: marker} for string values the query compares with: `build`
        uses the marker (a value no row holds) where the value goes."""
        self.build = build
        self._strings = {marker: name for name, marker in (strings or {}).items()}
        self._compiled: dict[str, tuple[str, list, list, list]] = {}
        self._lock = threading.Lock()
        self._slots: dict[Any, tuple[str, int | None]] = {}
        self._sizes: dict[str, int] = {}
        self._next = 0

    # --- placeholders (called by `build`) -------------------------------------------------
    def id(self, name: str) -> int:
        return self._slot(name, None)

    def ids(self, name: str, size: int) -> list[int]:
        self._sizes[name] = size
        return [self._slot(name, i) for i in range(size)]

    def now(self, name: str = "now") -> dt.datetime:
        self._slots[_NOW] = (name, None)
        return _NOW

    def _slot(self, name: str, index: int | None) -> int:
        self._next += 1
        value = _BASE - self._next
        self._slots[value] = (name, index)
        return value

    # --- compiling and running ------------------------------------------------------------
    def _compile(self, using: str):
        with self._lock:
            found = self._compiled.get(using)
            if found is not None:
                return found
            self._slots, self._sizes, self._next = {}, {}, 0
            queryset = self.build(self)
            compiler = queryset.query.get_compiler(using)
            sql, params = compiler.as_sql()
            connection = connections[using]
            now_forms = {_NOW, connection.ops.adapt_datetimefield_value(_NOW)}
            plan = []  # per parameter: (name, index, is_datetime) or None for a constant
            for param in params:
                if isinstance(param, int) and not isinstance(param, bool) and param in self._slots:
                    name, index = self._slots[param]
                    plan.append((name, index, False))
                elif isinstance(param, str) and param in self._strings:
                    plan.append((self._strings[param], None, False))
                elif isinstance(param, str | dt.datetime) and param in now_forms:
                    plan.append((self._slots[_NOW][0], None, True))
                else:
                    plan.append(None)
            wanted = {name for name, _ in self._slots.values()} | set(self._strings.values())
            placed = {step[0] for step in plan if step is not None}
            if wanted - placed:
                raise ValueError(f"placeholders not found in the SQL: {sorted(wanted - placed)}")
            fields = [column[0] for column in compiler.select[: compiler.col_count]]
            converters = sorted(compiler.get_converters(fields).items())
            found = (sql, list(params), plan, converters, dict(self._sizes))
            self._compiled[using] = found
            return found

    def rows(self, using: str = "default", **values) -> list[tuple]:
        """Run the query with `values` (by placeholder name); return its rows as tuples."""
        sql, params, plan, converters, sizes = self._compile(using)
        connection = connections[using]
        lists = {}
        for name, size in sizes.items():
            given = list(values[name])
            if len(given) > size:
                raise ValueError(f"{name}: {len(given)} values, compiled for {size}")
            lists[name] = given + [FILLER] * (size - len(given))
        final = list(params)
        for i, step in enumerate(plan):
            if step is None:
                continue
            name, index, is_datetime = step
            if index is not None:
                final[i] = lists[name][index]
            elif is_datetime:
                value = values[name]
                final[i] = (
                    value if isinstance(params[i], dt.datetime)
                    else connection.ops.adapt_datetimefield_value(value)
                )  # fmt: skip
            else:
                final[i] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(sql, final)
            found = cursor.fetchall()
        if not converters:
            return found
        return [self._convert(row, converters, connection) for row in found]

    @staticmethod
    def _convert(row: Sequence, converters: Iterable, connection) -> tuple:
        row = list(row)
        for index, (functions, expression) in converters:
            value = row[index]
            for function in functions:
                value = function(value, expression, connection)
            row[index] = value
        return tuple(row)


def instance(model, fields: Sequence[str], values: Sequence, using: str = "default"):
    """Return a `model` instance holding `values` for `fields` (attnames), as loaded from
    `using`, without `Model.__init__` (a tenth of its cost: hot pages build dozens). The
    fields left out are deferred: reading one loads it (a query), as with `.only()`."""
    from django.db.models.base import ModelState

    obj = model.__new__(model)
    obj.__dict__.update(zip(fields, values, strict=True))
    state = obj._state = ModelState()
    state.adding = False
    state.db = using
    return obj
