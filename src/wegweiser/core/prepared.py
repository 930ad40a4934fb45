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
class _Compiled:
    queryset: QuerySet
    compiler: Any
    sql: str
    params: tuple
    slots: dict[str, tuple[Field, tuple[int, ...]]]


class PreparedRead:
    """``PreparedRead(build, uuid=Case._meta.get_field("uuid"), kreis_id=...)``: ``build(**values)``
    returns the queryset for those values; ``fetch(**values)`` returns its rows as a list."""

    def __init__(self, build: Callable[..., QuerySet], **fields: Field):
        self.build = build
        self.fields = fields
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
        if compiled is None:
            return list(self.build(**values).using(using))
        connection = connections[using]
        params = list(compiled.params)
        for name, (field, positions) in compiled.slots.items():
            value = field.get_db_prep_value(values[name], connection, prepared=False)
            for position in positions:
                params[position] = value
        bound = (compiled.sql, tuple(params))
        compiler = copy.copy(compiled.compiler)
        # this thread's connection (the compiler was made in whichever thread read first)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: bound
        queryset = compiled.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def _compile(self, using: str) -> _Compiled | None:
        connection = connections[using]
        markers = {
            name: _marker(field, index) for index, (name, field) in enumerate(self.fields.items())
        }
        if any(marker is None for marker in markers.values()):
            return None
        queryset = self.build(**markers).using(using)
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):
            return None
        params = tuple(params)
        slots = {}
        taken: set[int] = set()
        for name, field in self.fields.items():
            value = field.get_db_prep_value(markers[name], connection, prepared=False)
            positions = tuple(i for i, param in enumerate(params) if param == value)
            if not positions or any(i in taken for i in positions):
                return None  # the value does not go in as given: build the queryset each time
            taken.update(positions)
            slots[name] = (field, positions)
        return _Compiled(queryset, compiler, sql, params, slots)


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
