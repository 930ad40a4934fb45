"""Retention: the nightly job proposes what is due by the county's rules; nothing is erased
until the county administration or the DPO confirms; kept data needs a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_client, make_session
from tests.volunteers.helpers import make_volunteer
from wegweiser.clients.models import Client
from wegweiser.clients.services import case_close, consent_record
from wegweiser.dataprotection import retention
from wegweiser.dataprotection.erasure import ERASED
from wegweiser.dataprotection.models import ErasureProposal, ProposalStatus
from wegweiser.dataprotection.services import (
    proposal_decide,
    restriction_set,
    retention_rule_set,
)
from wegweiser.volunteers.models import Volunteer
from wegweiser.volunteers.services import volunteer_set_status

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


def _closed(alice, given, closed_on):
    person = make_client(alice, given_names=given, opened_on=closed_on - dt.timedelta(days=200))
    case = person.cases.get()
    make_session(alice, case, held_on=closed_on - dt.timedelta(days=100))
    consent_record(
        actor=alice, case=case, given_on=closed_on - dt.timedelta(days=150), form="signed"
    )
    case.refresh_from_db()
    case_close(
        actor=alice, case=case, version=case.version, closed_on=closed_on, close_reason="other"
    )
    return person


def test_due_by_the_rules(alice, kreis, volunteer_coordinator):
    old = _closed(alice, "Alt", dt.date(2023, 6, 30))  # 3 years + ago
    recent = _closed(alice, "Neu", dt.date(2025, 1, 31))
    unconfirmed = make_client(alice, given_names="Ohne", opened_on=dt.date(2026, 3, 1))
    fresh_intake = make_client(alice, given_names="Frisch", opened_on=dt.date(2026, 9, 1))
    left = make_volunteer(volunteer_coordinator, status="active")
    volunteer_set_status(
        actor=volunteer_coordinator,
        volunteer=left,
        version=left.version,
        status="left",
        left_on=dt.date(2025, 10, 1),
    )
    due = {(d.kind, d.client_id or d.volunteer_id) for d in retention.due(kreis.pk, TODAY)}
    assert ("case_closed", old.pk) in due
    assert ("unconfirmed_intake", unconfirmed.pk) in due
    assert ("volunteer_left", left.pk) in due
    assert not {recent.pk, fresh_intake.pk} & {pk for _kind, pk in due}
    # The county's own rule: closed case files kept for 12 months only.
    from tests.factories import UserFactory
    from wegweiser.accounts.roles import Role

    admin = UserFactory(organisation=alice.organisation, team=None, role=Role.COUNTY_ADMIN)
    retention_rule_set(actor=admin, kind="case_closed", months=12)
    due = {d.client_id for d in retention.due(kreis.pk, TODAY)}
    assert recent.pk in due


def test_scan_is_idempotent_and_never_erases(alice, kreis):
    person = _closed(alice, "Alt", dt.date(2023, 6, 30))
    assert retention.scan(kreis.pk, TODAY) == 1
    assert retention.scan(kreis.pk, TODAY) == 0
    person.refresh_from_db()
    assert person.given_names == "Alt"


def test_restricted_persons_are_never_proposed(alice, kreis):
    person = _closed(alice, "Alt", dt.date(2023, 6, 30))
    restriction_set(
        actor=alice,
        case=person.cases.get(),
        reason="Die Person bestreitet die Richtigkeit.",
        requested_on=TODAY,
    )
    assert retention.due(kreis.pk, TODAY) == []


def test_confirming_erases_and_keeping_needs_a_reason(alice, dpo, kreis, volunteer_coordinator):
    person = _closed(alice, "Alt", dt.date(2023, 6, 30))
    other = _closed(alice, "Bleibt", dt.date(2023, 5, 31))
    retention.scan(kreis.pk, TODAY)
    first = ErasureProposal.objects.get(client=person)
    second = ErasureProposal.objects.get(client=other)
    with pytest.raises(PermissionDenied):
        proposal_decide(actor=alice, proposal=first, erase=True)
    proposal_decide(actor=dpo, proposal=first, erase=True)
    assert Client.objects.get(pk=person.pk).given_names == ERASED
    with pytest.raises(ValidationError):
        proposal_decide(actor=dpo, proposal=second, erase=False, keep_reason="kurz")
    kept = proposal_decide(
        actor=dpo, proposal=second, erase=False, keep_reason="Klageverfahren beim Sozialgericht"
    )
    assert kept.status == ProposalStatus.KEPT
    assert Client.objects.get(pk=other.pk).given_names == "Bleibt"
    assert retention.scan(kreis.pk, TODAY) == 0  # a kept one is not proposed again


def test_volunteer_erasure(volunteer_coordinator, dpo, kreis, volunteer):
    left = make_volunteer(volunteer_coordinator, status="active", user=volunteer)
    volunteer_set_status(
        actor=volunteer_coordinator,
        volunteer=left,
        version=left.version,
        status="left",
        left_on=dt.date(2025, 1, 31),
    )
    retention.scan(kreis.pk, TODAY)
    proposal_decide(actor=dpo, proposal=ErasureProposal.objects.get(volunteer=left), erase=True)
    erased = Volunteer.objects.get(pk=left.pk)
    assert (erased.given_name, erased.phone, erased.email) == (ERASED, "", "")
    volunteer.refresh_from_db()
    assert not volunteer.is_active and "lotsin" not in volunteer.email


def test_daily_job_makes_proposals(alice, kreis, capsys, monkeypatch):
    _closed(alice, "Alt", dt.date(2023, 6, 30))
    call_command("daily")
    assert ErasureProposal.objects.filter(kreis=kreis, status="pending").count() == 1
    assert "Löschvorschläge: 1" in capsys.readouterr().out


def test_pages(client, alice, county_admin, kreis, password):
    person = _closed(alice, "Alt", dt.date(2023, 6, 30))
    retention.scan(kreis.pk, TODAY)
    proposal = ErasureProposal.objects.get(client=person)
    client.force_login(county_admin)
    page = client.get(reverse("dataprotection:retention"))
    assert page.status_code == 200
    html = page.content.decode()
    assert person.cases.get().number in html and "Alt" not in html
    decide = reverse("dataprotection:retention_decide")
    # Erasing needs a fresh password first.
    response = client.post(decide, {"proposals": [proposal.uuid], "action": "erase"})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    client.post(reverse("account_reauthenticate"), {"password": password})
    response = client.post(decide, {"proposals": [proposal.uuid], "action": "erase"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ERASED
    rules = client.post(
        reverse("dataprotection:retention"),
        {"case_closed": "48", "volunteer_left": "12", "unconfirmed_intake": "6"},
    )
    assert rules.status_code == 302
    assert retention.months_by_kind(kreis.pk)["case_closed"] == 48


def test_confirming_checks_again(alice, dpo, kreis):
    """A new case file since the nightly run: the proposal is no longer due."""
    from wegweiser.clients.services import case_open

    person = _closed(alice, "Alt", dt.date(2023, 6, 30))
    retention.scan(kreis.pk, TODAY)
    proposal = ErasureProposal.objects.get(client=person)
    case_open(actor=alice, client=person, opened_on=TODAY)
    with pytest.raises(ValidationError):
        proposal_decide(actor=dpo, proposal=proposal, erase=True)
    assert Client.objects.get(pk=person.pk).given_names == "Alt"


def test_erasure_on_request(client, alice, dpo, kreis, password):
    from wegweiser.dataprotection.services import erasure_request_record

    person = make_client(alice, given_names="Antrag", opened_on=dt.date(2026, 1, 5))
    case = person.cases.get()
    with pytest.raises(ValidationError):
        erasure_request_record(actor=dpo, case=case)  # the case file is still open
    with pytest.raises(PermissionDenied):
        erasure_request_record(actor=alice, case=case)
    case_close(
        actor=alice, case=case, version=case.version, closed_on=TODAY, close_reason="client_wish"
    )
    client.force_login(dpo)
    response = client.post(reverse("dataprotection:erasure_request", kwargs={"uuid": case.uuid}))
    assert response.status_code == 302
    proposal = ErasureProposal.objects.get(client=person)
    assert proposal.kind == "request" and proposal.status == ProposalStatus.PENDING
    proposal_decide(actor=dpo, proposal=proposal, erase=True)
    assert Client.objects.get(pk=person.pk).given_names == ERASED


def test_failed_logins_are_logged(client, alice):
    from wegweiser.audit.models import AuditEntry

    client.post(reverse("account_login"), {"login": alice.email, "password": "falsch"})
    client.post(reverse("account_login"), {"login": "niemand@example.org", "password": "x"})
    entries = AuditEntry.objects.filter(action="accounts.user.login_failed")
    assert list(entries.values_list("object_uuid", flat=True)) == [alice.uuid]
