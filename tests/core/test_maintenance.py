"""The daily job keeps SQLite's query planner informed; PostgreSQL does that itself."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.db import connection

from tests.factories import make_client


def _analysed_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchall():
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


def test_daily_gives_sqlite_planner_statistics(alice):
    make_client(alice)
    out = StringIO()
    call_command("daily", stdout=out)
    if connection.vendor == "sqlite":
        assert "Statistiken der Abfrageplanung aktualisiert (SQLite)." in out.getvalue()
        assert {"clients_case", "clients_client"} <= _analysed_tables()
    else:
        assert "Abfrageplanung" not in out.getvalue()
