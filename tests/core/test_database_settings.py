"""PostgreSQL plans a statement the application repeats once per connection (prepared
statements; they can be switched off for a connection pooler that does not keep them) and with
costs for a working set in memory (core.apps)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from wegweiser.clients.models import Case

SRC = Path(__file__).resolve().parents[2] / "src"


def settings_value(expression: str, **variables: str):
    """``expression`` (JSON) over the settings module as the production settings build it."""
    env = {
        **os.environ,
        "WEGWEISER_DEBUG": "1",
        "DATABASE_URL": "postgres://wegweiser@db.internal:5432/wegweiser",
        "PYTHONPATH": str(SRC),
        **variables,
    }
    env.pop("WEGWEISER_TESTING", None)
    code = f"import json; from wegweiser import settings as s; print(json.dumps({expression}))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def options_of(**variables: str) -> dict:
    """``DATABASES["default"]["OPTIONS"]`` as the production settings build them."""
    return settings_value("s.DATABASES['default'].get('OPTIONS', {})", **variables)


def test_prepared_statements_can_be_switched_off():
    default = options_of()
    assert default["server_side_binding"] is True and default["prepare_threshold"] == 5
    assert options_of(WEGWEISER_DB_PREPARE_THRESHOLD="0") == {}


@pytest.mark.skipif("os.environ.get('DATABASE_URL', '') == ''", reason="PostgreSQL only")
def test_a_repeated_statement_is_prepared_once_per_connection(case):
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
    for _ in range(6):
        assert Case.objects.filter(uuid=case.uuid, kreis_id=case.kreis_id).get() == case
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "clients_case" WHERE ("clients_case"."kreis_id" = $1 AND %uuid" = $2)%'],
        )
        assert cursor.fetchone()[0] == 1


# --- the health check without a round trip (core/pgbackend) -----------------------------------


def test_postgresql_uses_the_backend_with_the_quiet_health_check():
    databases = settings_value(
        "{a: (d['ENGINE'], d['CONN_HEALTH_CHECKS']) for a, d in s.DATABASES.items()}",
        DATABASE_REPLICA_URL="postgres://wegweiser@replica.internal:5432/wegweiser",
    )
    assert databases == {
        "default": ["wegweiser.core.pgbackend", True],
        "replica": ["wegweiser.core.pgbackend", True],
    }


@pytest.mark.skipif("os.environ.get('DATABASE_URL', '') == ''", reason="PostgreSQL only")
@pytest.mark.django_db
def test_a_closed_connection_is_found_and_replaced_without_asking_a_live_one(monkeypatch):
    """A live idle connection passes the check without ``SELECT 1``; one whose server process
    was terminated (as by a restart of PostgreSQL) fails it, and the next request's first query
    runs on a new connection instead of failing."""
    import time

    from django.db import connections
    from django.db.backends.postgresql import base

    asked = []
    original = base.DatabaseWrapper.is_usable

    def select_one(self):
        asked.append(self)
        return original(self)

    monkeypatch.setattr(base.DatabaseWrapper, "is_usable", select_one)
    other = connections.create_connection("default")
    try:
        other.ensure_connection()
        assert other.is_usable() and asked == []
        # A transaction that failed (left open by broken code): the server is asked, and says no.
        import psycopg

        other.connection.autocommit = False
        with pytest.raises(psycopg.errors.DivisionByZero), other.connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
        assert not other.is_usable() and len(asked) == 1
        other.connection.rollback()
        other.connection.autocommit = True
        assert other.is_usable() and len(asked) == 1
        pid = other.connection.info.backend_pid
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while other.is_usable() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not other.is_usable()
        assert asked, "the terminated connection was judged without SELECT 1"
        # As at the start of a request (Django's request_started signal).
        other.close_if_unusable_or_obsolete()
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != pid
    finally:
        other.close()


@pytest.mark.skipif("os.environ.get('DATABASE_URL', '') == ''", reason="PostgreSQL only")
@pytest.mark.django_db
def test_timestamps_are_read_as_django_reads_them(alice):
    """``timestamptz`` through psycopg's compiled loader (core/pgbackend): the same values, in
    UTC, to the microsecond, as Django's own loader gives; also at the edges of the range."""
    import datetime as dt

    from django.db.backends.postgresql.psycopg_any import BaseTzLoader
    from psycopg.pq import Format

    from wegweiser.core.pgbackend.base import UtcTimestamptzLoader

    connection.ensure_connection()
    oid = connection.connection.adapters.types["timestamptz"].oid
    assert connection.connection.adapters.get_loader(oid, Format.TEXT) is UtcTimestamptzLoader

    class Djangos(BaseTzLoader):
        timezone = dt.UTC

    texts = [
        "2026-11-25 04:29:26.123456+00",
        "2026-03-29 01:00:00+00",
        "0001-01-01 00:00:00+00",
        "9999-12-31 23:59:59.999999+00",
        "1970-01-01 00:00:00.5+00",
    ]
    with connection.cursor() as cursor:
        for text in texts:
            cursor.execute("SELECT %s::timestamptz, %s::timestamptz::text", [text, text])
            value, as_text = cursor.fetchone()
            expected = Djangos(oid, connection.connection).load(as_text.encode())
            assert value == expected and value.tzinfo is dt.UTC and expected.tzinfo is dt.UTC
            assert value.microsecond == expected.microsecond
    alice.refresh_from_db()
    assert alice.date_joined.tzinfo is dt.UTC


def test_the_wsgi_application_leaves_its_loaded_objects_to_reference_counting():
    """A server process that loads ``wegweiser.wsgi`` freezes the objects of the loaded
    application out of the cyclic collector and collects the youngest generation after 20,000
    new objects instead of 700 (docs/entwicklung.md)."""
    env = {**os.environ, "WEGWEISER_DEBUG": "1", "PYTHONPATH": str(SRC)}
    env.pop("WEGWEISER_TESTING", None)
    env.pop("DATABASE_URL", None)
    code = (
        "import gc, json; import wegweiser.wsgi as w; "
        "print(json.dumps([gc.get_threshold()[0], gc.get_freeze_count() > 10000, "
        "callable(w.application)]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [20_000, True, True]
