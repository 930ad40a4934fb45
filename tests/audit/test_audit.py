"""The audit log: append-only, filtered by the county administrator, redaction-ready."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from wegweiser.audit.models import AuditEntry


def test_the_application_refuses_to_change_or_delete_entries(alice, case):
    entry = AuditEntry.objects.filter(case_uuid=case.uuid).first()
    entry.action = "etwas.anderes"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database trigger exists on PostgreSQL"
)
def test_postgresql_refuses_update_and_delete(alice, case):
    entry = AuditEntry.objects.filter(case_uuid=case.uuid).first()
    for statement in (
        "UPDATE audit_auditentry SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, action=entry.action).exists()
    with pytest.raises(DatabaseError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_admin_filters_by_person_user_and_period(client, county_admin, alice, bob, case, session):
    from tests.factories import make_client

    other = make_client(bob, given_names="Omar", family_name="Yilmaz")
    client.force_login(county_admin)
    url = reverse("audit:log")
    page = client.post(url, {"person": "Haddad"})
    entries = list(page.context["page"])
    assert entries and all(e.client_uuid == case.client.uuid for e in entries)
    assert all(e.client_uuid != other.uuid for e in entries)
    by_bob = list(client.post(url, {"actor": bob.pk}).context["page"])
    assert by_bob and all(e.actor_id == bob.pk for e in by_bob)
    empty = client.post(url, {"since": "01.01.2000", "until": "31.12.2000"}).context["page"]
    assert len(empty) == 0


def test_audit_log_is_per_kreis(client, county_admin, charlie):
    from tests.factories import make_client

    make_client(charlie, given_names="Fremd", family_name="Kreis")
    client.force_login(county_admin)
    entries = list(client.get(reverse("audit:log")).context["page"])
    assert all(e.kreis_id == county_admin.kreis_id for e in entries)
    assert not any(e.actor_id == charlie.pk for e in entries)


def test_export_needs_reauthentication_and_is_logged(client, county_admin, case, password):
    client.post(reverse("account_login"), {"login": county_admin.email, "password": password})
    response = client.post(reverse("audit:export"), {"person": "Haddad"})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    client.post(reverse("account_reauthenticate"), {"password": password})
    response = client.post(reverse("audit:export"), {"person": "Haddad"})
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Zeit (UTC);Benutzer;Aktion")
    assert "clients.case.opened" in body
    exported = AuditEntry.objects.get(action="audit.log.exported", actor=county_admin)
    assert exported.data == {"filters": ["person"]}  # which filter, not the name searched for


def test_entries_carry_actor_ip_and_utc_time(client, alice, case):
    client.force_login(alice)
    client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid}), REMOTE_ADDR="192.0.2.7")
    entry = AuditEntry.objects.get(action="clients.case.viewed")
    assert entry.actor == alice and entry.ip == "192.0.2.7"
    assert entry.at.utcoffset().total_seconds() == 0
    assert entry.object_uuid == case.uuid and entry.client_uuid == case.client.uuid
