"""Reads whose SQL is compiled once per process: for the few queries every page runs.

Django builds and compiles a queryset to SQL on every request. For the case page's query (the
case with its person, household, municipality, manager, team and provider: 98 columns) that
took 2.5 ms of the page's 13, three times as long as PostgreSQL took to run it. A
``PreparedRead`` compiles its queryset once per database alias with marker values in place of
the parameters, remembers where the markers ended up among the SQL parameters, and on later
calls puts the converted values there and runs the same SQL: the rows become model instances as
with the queryset itself (Django's own iterable, select_related included).

The compiled SQL lives as long as the process: after a migration the server is restarted
(docs/betrieb.md). Only for querysets whose shape does not depend on the values (filters by
equality on the given fields; no ``IN`` lists, no branches in the builder). Should a marker not
be found exactly where its value goes (a value that changes the shape, or a Django that compiles
differently), the read falls back to building the queryset on every call: slower, never wrong.
Each parameter has a marker of its own. Tests compare the results and the SQL with the plain
queryset's, also with ids that differ between parameters and from another thread.

A list of values (``pk__in=ids``) has a shape of its own for every length; ``ListOf(field,
size)`` compiles it once with ``size`` markers, and a shorter list is filled up by repeating its
last value (``IN (1, 2, 2, 2)`` finds what ``IN (1, 2)`` finds). An empty or longer list is read
with the plain queryset. The converters Django applies to the columns of a row (from the
database's types to Python's) are looked up once with the compiled statement as well.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Field, Model, QuerySet

# Values of the field's type that no parameter of these queries has by chance, one for each
# parameter of a read; within the range of a small integer column (Django turns a comparison with
# a value out of the column's range into "no rows" without SQL).
_INT_MARKER = -32_001  # then -32_002, ... for the next parameters
_POSITIVE_INT_MARKER = 32_001


@dataclass(frozen=True)
class ListOf:
    """A parameter that is a list of up to ``size`` values of ``field``'s type."""

    field: Field
    size: int


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet
    compiler: Any
    sql: str
    params: tuple
    # (parameter name, index in its list or None, field, positions among the SQL parameters)
    slots: tuple[tuple[str, int | None, Field, tuple[int, ...]], ...]
    converters: dict


class PreparedRead:
    """``PreparedRead(build, uuid=Case._meta.get_field("uuid"), kreis_id=...)``: ``build(**values)``
    returns the queryset for those values; ``fetch(**values)`` returns its rows as a list."""

    def __init__(self, build: Callable[..., QuerySet], **fields: Field | ListOf):
        self.build = build
        self.fields = fields
        self._lists = {name: f.size for name, f in fields.items() if isinstance(f, ListOf)}
        self._compiled: dict[str, _Compiled | None] = {}
        self._lock = threading.Lock()

    def fetch(self, *, using: str = "default", **values) -> list[Model]:
        if values.keys() != self.fields.keys():
            raise TypeError(f"fetch() needs exactly {sorted(self.fields)}")
        compiled = self._compiled.get(using, _MISSING)
        if compiled is _MISSING:
            with self._lock:
                compiled = self._compiled.get(using, _MISSING)
                if compiled is _MISSING:
                    compiled = self._compiled[using] = self._compile(using)
        if self._lists:
            values = {n: list(v) if n in self._lists else v for n, v in values.items()}
        if compiled is None or not self._fits(values):
            return list(self.build(**values).using(using))
        connection = connections[using]
        params = list(compiled.params)
        for name, index, field, positions in compiled.slots:
            given = values[name]
            if index is not None:
                given = given[index] if index < len(given) else given[-1]
            value = field.get_db_prep_value(given, connection, prepared=False)
            for position in positions:
                params[position] = value
        bound = (compiled.sql, tuple(params))
        compiler = copy.copy(compiled.compiler)
        # this thread's connection (the compiler was made in whichever thread read first)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: bound
        compiler.get_converters = lambda expressions: compiled.converters
        queryset = compiled.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def _fits(self, values) -> bool:
        """Whether every list has between one and its compiled number of values."""
        for name, size in self._lists.items():
            count = len(values[name])
            if not 0 < count <= size:
                return False
        return True

    def _compile(self, using: str) -> _Compiled | None:
        connection = connections[using]
        wanted = []  # (name, index in the list or None, field, marker)
        for name, field in self.fields.items():
            if isinstance(field, ListOf):
                for index in range(field.size):
                    wanted.append((name, index, field.field, _marker(field.field, len(wanted))))
            else:
                wanted.append((name, None, field, _marker(field, len(wanted))))
        if any(marker is None for *_rest, marker in wanted):
            return None
        markers = {name: [] for name in self._lists}
        for name, index, _field, marker in wanted:
            if index is None:
                markers[name] = marker
            else:
                markers[name].append(marker)
        queryset = self.build(**markers).using(using)
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):
            return None
        params = tuple(params)
        slots = []
        taken: set[int] = set()
        for name, index, field, marker in wanted:
            value = field.get_db_prep_value(marker, connection, prepared=False)
            positions = tuple(i for i, param in enumerate(params) if param == value)
            if not positions or any(i in taken for i in positions):
                return None  # the value does not go in as given: build the queryset each time
            taken.update(positions)
            slots.append((name, index, field, positions))
        columns = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
        converters = compiler.get_converters(columns)
        return _Compiled(queryset, compiler, sql, params, tuple(slots), converters)


_MISSING = object()


def _marker(field: Field, index: int):
    """The marker value of the read's ``index``-th parameter."""
    target = getattr(field, "target_field", field)  # a foreign key: its target's type
    kind = target.get_internal_type()
    if kind == "UUIDField":
        return uuid.UUID(f"7e57ab1e-0000-4000-8000-{index:012d}")
    if kind.startswith("Positive"):
        return _POSITIVE_INT_MARKER + index
    if kind.endswith(("AutoField", "IntegerField")):
        return _INT_MARKER - index
    return None
