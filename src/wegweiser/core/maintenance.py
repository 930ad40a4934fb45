"""Upkeep of the database that no user action triggers (run by ``manage.py daily``)."""

from __future__ import annotations

from django.db import connections


def refresh_planner_statistics(using: str = "default") -> bool:
    """Give SQLite's query planner current statistics of the tables (``ANALYZE``).

    SQLite keeps none of its own: without them it reads every open case of a Kreis to find one
    manager's (the case list of a county with 125,000 persons took 45 ms instead of 15).
    PostgreSQL's autovacuum keeps its statistics itself, so nothing is done there. Returns
    whether statistics were refreshed."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
