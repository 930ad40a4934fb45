"""The authority's pages for applications: the status board, the application with its
pass-through list, a correction, a refusal, a grant (at most the amount applied for, the input
kept on errors), an instalment marked as paid, the proof of use with the figures under their
German labels, accepted or sent back; county users 403, another Land 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import german
from tests.factories import LandFactory, OrganisationFactory, UserFactory
from tests.funding.url_expectations import authority_objects
from wegweiser.accounts.roles import Role
from wegweiser.funding.models import ApplicationStatus, Payout, ProofStatus
from wegweiser.statistics.figures import label


@pytest.fixture
def objects(state_officer, coordinator, kreis, other_kreis):
    return authority_objects(state_officer, coordinator, kreis, other_kreis)


@pytest.fixture
def officer_client(client, state_officer):
    client.force_login(state_officer)
    return client


def test_status_board_shows_every_county(officer_client, objects, kreis, other_kreis):
    programme = objects["programme"]
    objects["granted"].payouts.filter(number=1).update(paid_on=timezone.localdate())
    response = officer_client.get(reverse("funding:status_board", kwargs={"uuid": programme.uuid}))
    page = response.content.decode()
    row = page.split(f'data-ags="{kreis.ags}"')[1].split("</tr>")[0]
    assert "100.000,00 €" in row  # frame
    assert row.count("90.000,00 €") == 2  # applied and granted
    assert "45.000,00 €" in row  # paid: one of two instalments
    assert str(ApplicationStatus.GRANTED.label) in row
    assert str(ProofStatus.SUBMITTED.label) in row
    other = page.split(f'data-ags="{other_kreis.ags}"')[1].split("</tr>")[0]
    assert "80.000,00 €" in other and str(ApplicationStatus.SUBMITTED.label) in other
    total = page.split('data-row="total"')[1].split("</tr>")[0]
    assert "180.000,00 €" in total and "170.000,00 €" in total
    assert "<caption" in page and 'scope="col"' in page


def test_application_detail(officer_client, objects):
    application = objects["granted"]
    page = officer_client.get(
        reverse("funding:application_detail", kwargs={"uuid": application.uuid})
    ).content.decode()
    assert "Caritas" in page and "40.000,00 €" in page
    assert "Zwei Integrationsmanagerinnen" in page
    assert reverse("funding:application_signed_form", kwargs={"uuid": application.uuid}) in page
    assert reverse("funding:grant_notice_pdf", kwargs={"uuid": application.uuid}) in page
    assert page.count('data-number="') == 2


def test_grant_up_to_the_amount_applied_for(officer_client, objects):
    application = objects["submitted"]
    url = reverse("funding:application_grant", kwargs={"uuid": application.uuid})
    page = officer_client.get(url).content.decode()
    assert 'value="80.000,00"' in page  # proposed: the amount applied for
    response = officer_client.post(
        url, {"amount": "80.000,01", "note": "Bitte Fristen beachten", "version": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert german("The grant cannot exceed the amount applied for.") in page
    assert 'value="80.000,01"' in page and "Bitte Fristen beachten" in page
    response = officer_client.post(
        url, {"amount": "75.000", "first_due": "01.02.2026", "note": "", "version": "1"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.GRANTED
    assert application.granted_amount == Decimal("75000.00")
    assert [p.due_on for p in application.payouts.all()] == [
        dt.date(2026, 2, 1),
        dt.date(2026, 8, 1),
    ]
    # decided: the forms lead back to the application
    assert officer_client.get(url).status_code == 302


def test_correction_and_refusal_need_a_note(officer_client, objects):
    application = objects["submitted"]
    url = reverse("funding:application_correction", kwargs={"uuid": application.uuid})
    response = officer_client.post(url, {"note": "", "version": "1"})
    assert response.status_code == 200
    response = officer_client.post(url, {"note": "Unterschrift fehlt", "version": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CORRECTION
    assert application.authority_note == "Unterschrift fehlt"
    # not submitted any more: no refusal
    url = reverse("funding:application_refuse", kwargs={"uuid": application.uuid})
    assert officer_client.post(url, {"note": "x", "version": "2"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CORRECTION

    application.status = ApplicationStatus.SUBMITTED
    application.save()
    response = officer_client.post(
        url, {"note": "Frist versäumt", "version": str(application.version)}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFUSED


def test_stale_version_is_a_conflict_with_the_input_kept(officer_client, objects):
    application = objects["submitted"]
    url = reverse("funding:application_correction", kwargs={"uuid": application.uuid})
    response = officer_client.post(url, {"note": "Bitte ergänzen", "version": "99"})
    assert response.status_code == 200
    assert "Bitte ergänzen" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_mark_an_instalment_paid(officer_client, objects):
    application = objects["granted"]
    url = reverse("funding:payout_paid", kwargs={"uuid": application.uuid, "number": 1})
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d.%m.%Y")
    response = officer_client.post(url, {"paid-paid_on": tomorrow})
    assert response.status_code == 200
    assert Payout.objects.get(application=application, number=1).paid_on is None
    today = timezone.localdate()
    response = officer_client.post(url, {"paid-paid_on": today.strftime("%d.%m.%Y")})
    assert response.status_code == 302
    assert Payout.objects.get(application=application, number=1).paid_on == today
    page = officer_client.get(response["Location"]).content.decode()
    assert today.strftime("%d.%m.%Y") in page
    paid = page.split('data-testid="paid-total"')[1].split("</td>")[0]
    assert "45.000,00 €" in paid
    missing = reverse("funding:payout_paid", kwargs={"uuid": application.uuid, "number": 9})
    assert officer_client.post(missing, {"paid-paid_on": "01.01.2026"}).status_code == 404


def test_proof_of_use_accept_or_correction(officer_client, objects):
    proof = objects["proof"]
    url = reverse("funding:proof_detail", kwargs={"uuid": proof.uuid})
    page = officer_client.get(url).content.decode()
    figures = page.split('data-testid="proof-figures"')[1].split("</table>")[0]
    assert label("persons") in figures and ">12<" in figures
    assert "85.000,00 €" in page  # spent
    decide = reverse("funding:proof_decide", kwargs={"uuid": proof.uuid})
    response = officer_client.post(decide, {"decision": "correction", "note": ""})
    assert response.status_code == 200
    assert german("Please say what needs to be corrected.") in response.content.decode()
    assert officer_client.post(decide, {"note": ""}).status_code == 400
    response = officer_client.post(decide, {"decision": "accept", "note": ""})
    assert response.status_code == 302
    proof.refresh_from_db()
    assert proof.status == ProofStatus.ACCEPTED


def test_county_roles_are_refused(client, coordinator, county_admin, objects):
    for user in (coordinator, county_admin):
        client.force_login(user)
        for name, obj in (
            ("status_board", objects["programme"]),
            ("application_detail", objects["granted"]),
            ("application_signed_form", objects["granted"]),
            ("proof_detail", objects["proof"]),
        ):
            assert (
                client.get(reverse(f"funding:{name}", kwargs={"uuid": obj.uuid})).status_code == 403
            )
        url = reverse("funding:application_grant", kwargs={"uuid": objects["submitted"].uuid})
        assert client.post(url, {"amount": "1", "version": "1"}).status_code == 403


def test_another_lands_officer_gets_404(client, objects):
    land = LandFactory(code="HE", name="Hessen")
    org = OrganisationFactory(kreis=None, land=land, kind="state_authority", name="RP Darmstadt")
    hessen = UserFactory(
        email="rp-he@example.org",
        team=None,
        organisation=org,
        kreis=None,
        land=land,
        role=Role.STATE_FUNDING_OFFICER,
    )
    client.force_login(hessen)
    for name, obj in (
        ("application_detail", objects["granted"]),
        ("application_signed_form", objects["granted"]),
        ("grant_notice_pdf", objects["granted"]),
        ("application_grant", objects["submitted"]),
        ("proof_detail", objects["proof"]),
        ("proof_narrative", objects["proof"]),
    ):
        assert client.get(reverse(f"funding:{name}", kwargs={"uuid": obj.uuid})).status_code == 404
    url = reverse("funding:proof_decide", kwargs={"uuid": objects["proof"].uuid})
    assert client.post(url, {"decision": "accept"}).status_code == 404
    url = reverse("funding:payout_paid", kwargs={"uuid": objects["granted"].uuid, "number": 1})
    assert client.post(url, {"paid-paid_on": "01.01.2026"}).status_code == 404
