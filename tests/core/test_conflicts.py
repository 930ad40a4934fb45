"""Optimistic locking under real concurrency (PostgreSQL): two colleagues save the same record
from the same read version at the same moment, 50 times. Exactly one edit wins, the other gets
the conflict (over the API: 409 with the German message), the record holds the winner's values
and its version rose by one; no update is lost. The sequential conflict tests (a stale version
after a save) live with the apps; these start both transactions at once, so that a missing row
lock would let both through. SQLite serialises every write and its in-memory test database is
not shared between threads, so they run only on PostgreSQL (``make test`` runs both)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from tests.api.conftest import ApiClient, german, token_for
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.models import Case, Client
from wegweiser.clients.services import case_update
from wegweiser.core.errors import ConflictError
from wegweiser.counselling.models import CounsellingSession
from wegweiser.counselling.services import session_record
from wegweiser.dataprotection.models import PersonRevision

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent transactions from threads and row locks",
    ),
]

PAIRS = 50


def at_once(first, second) -> list:
    """Both calls start at the same moment (barrier); results or raised exceptions."""
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - asserted by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_api_edits_of_a_person_lose_no_update(alice, bob, client_amina):
    apis = (ApiClient(token_for(alice)), ApiClient(token_for(bob)))
    url = f"/clients/{client_amina.uuid}"
    conflict = {"detail": german(ConflictError.message)}
    for n in range(PAIRS):
        version = Client.objects.get(pk=client_amina.pk).version
        phones = (f"0711 {n}-A", f"0711 {n}-B")
        responses = at_once(
            *(
                lambda api=api, body={"version": version, "phone": phone}: api.put(url, body)
                for api, phone in zip(apis, phones, strict=True)
            )
        )
        statuses = [r.status_code for r in responses]
        assert sorted(statuses) == [200, 409], (n, responses)
        winner = statuses.index(200)
        assert responses[1 - winner].json() == conflict
        stored = Client.objects.get(pk=client_amina.pk)
        assert (stored.phone, stored.version) == (phones[winner], version + 1)
    # every accepted edit kept its predecessor (Art. 16) and was logged, no more
    assert PersonRevision.objects.filter(client=client_amina).count() == PAIRS
    assert (
        AuditEntry.objects.filter(
            action="clients.client.updated", object_uuid=client_amina.uuid
        ).count()
        == PAIRS
    )


def test_concurrent_edits_of_a_case_file_lose_no_update(alice, bob, case):
    for n in range(PAIRS):
        version = Case.objects.get(pk=case.pk).version
        reasons = (f"Ausbildung bis {n} (Alice)", f"Sprachkurs bis {n} (Bob)")
        edits = [
            {"actor": actor, "version": version, "period_years": 4, "extension_reason": reason}
            for actor, reason in zip((alice, bob), reasons, strict=True)
        ]
        results = at_once(*(lambda edit=edit: case_update(case=case, **edit) for edit in edits))
        won = [isinstance(r, Case) for r in results]
        assert won.count(True) == 1, (n, results)
        assert isinstance(results[won.index(False)], ConflictError), (n, results)
        stored = Case.objects.get(pk=case.pk)
        assert (stored.extension_reason, stored.version) == (
            reasons[won.index(True)],
            version + 1,
        )
    assert (
        AuditEntry.objects.filter(action="clients.case.updated", object_uuid=case.uuid).count()
        == PAIRS
    )


def test_sessions_recorded_at_once_keep_the_case_count_current(alice, bob, case):
    Case.objects.filter(pk=case.pk).update(opened_on=dt.date(2025, 1, 1))
    case.refresh_from_db()
    for n in range(PAIRS):
        sessions = [
            {"actor": actor, "held_on": dt.date(2025, 2, 1) + dt.timedelta(days=2 * n + i)}
            for i, actor in enumerate((alice, bob))
        ]
        results = at_once(
            *(
                lambda s=s: session_record(case=case, duration_minutes=30, channel="phone", **s)
                for s in sessions
            )
        )
        assert all(isinstance(r, CounsellingSession) for r in results), (n, results)
    stored = Case.objects.get(pk=case.pk)
    held = list(CounsellingSession.objects.filter(case=case).values_list("held_on", flat=True))
    assert (stored.session_count, stored.last_session_on) == (len(held), max(held))
