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
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
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
