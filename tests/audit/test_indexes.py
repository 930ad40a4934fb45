"""The audit log, the table written most often, carries no index that another one makes
redundant (audit migration 0003): every index's columns are not the leading columns of another
index of the table. Lookups by actor and by county still have their index."""

from __future__ import annotations

import pytest
from django.db import connection

from wegweiser.audit.models import AuditEntry


@pytest.mark.django_db
def test_no_index_of_the_audit_log_is_the_start_of_another():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEntry._meta.db_table)
    indexes = {
        name: tuple(info["columns"])
        for name, info in constraints.items()
        if info["index"] and not info["primary_key"]
    }
    redundant = [
        (name, other)
        for name, columns in indexes.items()
        for other, longer in indexes.items()
        if other != name
        and len(longer) > len(columns)
        and longer[: len(columns)] == columns
        and not name.endswith("_like")
    ]
    assert redundant == []
    leading = {columns[0] for columns in indexes.values()}
    assert {"actor_id", "kreis_id", "at", "action", "client_uuid", "case_uuid"} <= leading
