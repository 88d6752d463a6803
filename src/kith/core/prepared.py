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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
        self._compiled: dict[str, _Compiled] = {}
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
    def _compile(self, using: str) -> _Compiled:
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
            template = list(params)
            scalars: list[tuple[int, str, bool]] = []  # (position, name, is_datetime)
            lists: dict[str, list[int]] = {}  # name -> the positions of its slots, in order
            placed = set()
            for i, param in enumerate(params):
                if isinstance(param, int) and not isinstance(param, bool) and param in self._slots:
                    name, index = self._slots[param]
                    if index is None:
                        scalars.append((i, name, False))
                    else:
                        lists.setdefault(name, [0] * self._sizes[name])[index] = i
                        template[i] = FILLER
                    placed.add(name)
                elif isinstance(param, str) and param in self._strings:
                    scalars.append((i, self._strings[param], False))
                    placed.add(self._strings[param])
                elif isinstance(param, str | dt.datetime) and param in now_forms:
                    name = self._slots[_NOW][0]
                    # a datetime parameter stays one; a string one is adapted as the ORM does
                    scalars.append((i, name, not isinstance(param, dt.datetime)))
                    placed.add(name)
            wanted = {name for name, _ in self._slots.values()} | set(self._strings.values())
            if wanted - placed:
                raise ValueError(f"placeholders not found in the SQL: {sorted(wanted - placed)}")
            fields = [column[0] for column in compiler.select[: compiler.col_count]]
            converters = [
                (index, _converter(functions, expression, connection))
                for index, (functions, expression) in sorted(
                    compiler.get_converters(fields).items()
                )
            ]
            raw_sql = None
            if connection.vendor == "sqlite":  # what SQLiteCursorWrapper does on every execute
                from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

                raw_sql = FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
            found = _Compiled(sql, raw_sql, template, scalars, lists, converters)
            self._compiled[using] = found
            return found

    def rows(self, using: str = "default", **values) -> list[tuple]:
        """Run the query with `values` (by placeholder name); return its rows as tuples."""
        compiled = self._compile(using)
        connection = connections[using]
        final = compiled.template.copy()
        for name, positions in compiled.lists.items():
            given = values[name]
            if len(given) > len(positions):
                raise ValueError(f"{name}: {len(given)} values, compiled for {len(positions)}")
            for position, value in zip(positions, given, strict=False):
                final[position] = value
        for position, name, adapt in compiled.scalars:
            value = values[name]
            final[position] = connection.ops.adapt_datetimefield_value(value) if adapt else value
        if compiled.raw_sql is not None and not (
            connection.queries_logged or connection.execute_wrappers
        ):
            # SQLite, nobody counting or wrapping queries: straight to the driver, with the
            # SQL converted once (Django's cursor converts it with a regex on every call).
            connection.ensure_connection()
            connection.validate_no_broken_transaction()
            with connection.wrap_database_errors:
                found = connection.connection.execute(compiled.raw_sql, final).fetchall()
        else:
            with connection.cursor() as cursor:
                cursor.execute(compiled.sql, final)
                found = cursor.fetchall()
        converters = compiled.converters
        if not converters:
            return found
        converted = []
        for row in found:
            row = list(row)
            for index, convert in converters:
                row[index] = convert(row[index])
            converted.append(tuple(row))
        return converted


@dataclass(frozen=True)
class _Compiled:
    sql: str  # as the ORM wrote it (format style)
    raw_sql: str | None  # the same for the driver itself, where it differs (SQLite: qmark)
    template: list  # the parameters, FILLER in the id-list slots
    scalars: list[tuple[int, str, bool]]
    lists: dict[str, list[int]]
    converters: list[tuple[int, Callable[[Any], Any]]]  # (column, value -> value)


def _converter(functions: list, expression, connection) -> Callable[[Any], Any]:
    """Return one function doing what the ORM's converters of a column do to a value.

    SQLite's datetime and boolean columns (a feed page has hundreds of such values) get a
    shorter function with the same result; the rest call the ORM's converters in order."""
    from django.conf import settings

    if connection.vendor == "sqlite" and len(functions) == 1:
        from django.db.backends.sqlite3.operations import DatabaseOperations as SQLiteOperations

        function = getattr(functions[0], "__func__", None)
        if function is SQLiteOperations.convert_booleanfield_value:
            return lambda value: bool(value) if value in (1, 0) else value
        if function is SQLiteOperations.convert_datetimefield_value and settings.USE_TZ:
            return _sqlite_datetime(connection.timezone)

    def convert(value):
        for function in functions:
            value = function(value, expression, connection)
        return value

    return convert


def _sqlite_datetime(zone) -> Callable[[Any], Any]:
    """`convert_datetimefield_value` with USE_TZ: text to an aware datetime in `zone`."""
    from django.utils.dateparse import parse_datetime

    parse = dt.datetime.fromisoformat

    def convert(value):
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            try:
                value = parse(value)
            except ValueError:
                value = parse_datetime(value)
        if value.utcoffset() is None:
            return value.replace(tzinfo=zone)
        return value

    return convert


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
