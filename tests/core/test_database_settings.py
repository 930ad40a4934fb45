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


def options_of(**variables: str) -> dict:
    """``DATABASES["default"]["OPTIONS"]`` as the production settings build them."""
    env = {
        **os.environ,
        "WEGWEISER_DEBUG": "1",
        "DATABASE_URL": "postgres://wegweiser@db.internal:5432/wegweiser",
        "PYTHONPATH": str(SRC),
        **variables,
    }
    env.pop("WEGWEISER_TESTING", None)
    code = "import json; from wegweiser import settings as s; "
    code += "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


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
