"""Django's PostgreSQL backend with a health check that needs no round trip.

With persistent connections Django checks at the start of every request that the connection
still works (``CONN_HEALTH_CHECKS``), by sending ``SELECT 1`` and waiting for the answer: one
round trip on every page, about 5 % of the throughput of the mixed load (docs/benchmarks.md).

Here the check first asks the operating system whether anything has arrived on the idle
connection (``poll`` with no timeout). On an idle connection the server sends nothing unless it
closes it: a restarted or killed server, a terminated backend, a pooler that hung up. Nothing
readable: the connection is used as it is. Something readable (or an error of the socket): the
usual ``SELECT 1`` decides, and Django opens a new connection if it fails. What this cannot see
is a peer that vanished without closing (a cable pulled between two machines): there the first
query of the request fails, as it would have failed a moment after a successful ``SELECT 1``.

Timestamps with time zone are read by psycopg's compiled loader. Django registers a loader of its
own, written in Python, that parses the text and then sets the connection's time zone (2.8 µs a
value against 0.8 µs; a case page reads about 40). Where that zone is UTC (``USE_TZ`` with no
``TIME_ZONE`` for the database: Django sets the session's time zone to UTC), the loader here
lets the compiled one parse and sets the same zone, so the values are the same objects as
before. Django compares the loader's ``timezone`` when it opens a cursor and registers its own
where they differ, as before.
"""

from __future__ import annotations

import datetime as dt
import functools
import select

from django.db.backends.postgresql import base
from psycopg import adapt, adapters
from psycopg.pq import Format, TransactionStatus

_TIMESTAMPTZ = adapters.types["timestamptz"].oid
_COMPILED_LOADER = adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)  # psycopg's own (C if built)


class UtcTimestamptzLoader(adapt.Loader):
    """``timestamptz`` in text form, parsed by psycopg's loader, in UTC as Django's gives it."""

    timezone = dt.UTC  # what Django's create_cursor compares with its own zone

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._parse = _COMPILED_LOADER(oid, context).load

    def load(self, data):
        return self._parse(data).replace(tzinfo=dt.UTC)


@functools.lru_cache
def _with_compiled_timestamps(template: adapt.AdaptersMap) -> adapt.AdaptersMap:
    """Django's adapters of a connection, with the loader above for ``timestamptz``."""
    adapted = adapt.AdaptersMap(template)
    adapted.register_loader("timestamptz", UtcTimestamptzLoader)
    return adapted


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        context = params.get("context")
        if context is not None and self.timezone == dt.UTC:
            params["context"] = _with_compiled_timestamps(context)
        return params

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()  # in or after a failed transaction: ask the server
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            arrived = poller.poll(0)
        except (OSError, ValueError):
            arrived = True
        if arrived:
            return super().is_usable()
        return True
