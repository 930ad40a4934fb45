"""The funding API: programmes with the planning frame, applications (list, read, create/update
the draft, submit) with German 422s, money as strings, 401 without a token, and a county never
sees another county's application."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.api.conftest import ApiClient, german, token_for
from tests.factories import UserFactory
from tests.funding.conftest import PDF, make_programme
from wegweiser.accounts.roles import Role
from wegweiser.api.routes_funding import MSG_RECIPIENT, MSG_SIGNED_FORM
from wegweiser.funding import services
from wegweiser.funding.models import Application, ApplicationStatus, Payout
from wegweiser.organisations.models import Organisation

IN_TIME = dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(IN_TIME, tick=False) as traveller:
        yield traveller


@pytest.fixture
def api_as(db):
    """``api_as(user)``: a client with a fresh API token of that user."""
    return lambda user: ApiClient(token_for(user))


@pytest.fixture
def anonymous_api(db):
    return ApiClient(None)


@pytest.fixture
def foreign_coordinator(charlie):
    return UserFactory(
        email="koord-zak@example.org",
        team=None,
        organisation=charlie.organisation,
        role=Role.COUNTY_COORDINATOR,
    )


@pytest.fixture
def caritas(kreis):
    return Organisation.objects.create(
        kreis=kreis, land=kreis.land, kind=Organisation.Kind.PROVIDER, name="Caritas Sigmaringen"
    )


BODY = {
    "amount": "90000.00",
    "posts": "1.5",
    "planned_uses": "Zwei Integrationsmanagerinnen",
    "pass_throughs": [{"recipient_name": "Stadt Pfullendorf", "planned": "10000.00"}],
}


def upload_signed_form(coordinator, application):
    """What the user interface does: the signed form is an upload there."""
    document = services.document_store(
        actor=coordinator,
        land_id=coordinator.land_id,
        kreis_id=coordinator.kreis_id,
        name="antrag.pdf",
        content=PDF,
    )
    Application.objects.filter(pk=application.pk).update(signed_form=document)


def test_every_operation_needs_a_token(anonymous_api, programme):
    uuid = programme.uuid
    for path in (
        "/funding/programmes",
        f"/funding/programmes/{uuid}",
        "/funding/applications",
        f"/funding/applications/{uuid}",
    ):
        assert anonymous_api.get(path).status_code == 401, path
    assert anonymous_api.post(f"/funding/programmes/{uuid}/application", BODY).status_code == 401
    assert anonymous_api.post(f"/funding/applications/{uuid}/submit", {}).status_code == 401


def test_programmes_for_county_and_authority(api_as, coordinator, state_officer, programme):
    draft = make_programme(state_officer, name="Soforthilfe", year=2027)
    county = api_as(coordinator).get("/funding/programmes").json()
    assert [p["uuid"] for p in county["items"]] == [str(programme.uuid)]
    item = county["items"][0]
    assert item["budget"] == "58000000.00"  # money as a string with two decimals
    assert item["own_amount"] == "100000.00"
    assert item["own_deadline"] == "2026-03-31"
    authority = api_as(state_officer).get("/funding/programmes").json()
    assert {p["uuid"] for p in authority["items"]} == {str(programme.uuid), str(draft.uuid)}
    assert authority["items"][0]["own_amount"] is None
    # a draft does not exist for the county
    assert api_as(coordinator).get(f"/funding/programmes/{draft.uuid}").status_code == 404
    assert api_as(state_officer).get(f"/funding/programmes/{draft.uuid}").status_code == 200


def test_programme_with_the_published_frame_of_every_county(api_as, coordinator, programme):
    body = api_as(coordinator).get(f"/funding/programmes/{programme.uuid}").json()
    frame = body["frame"]
    assert frame["total"] == "180000.00"
    amounts = {e["county"]["ags"]: e["amount"] for e in frame["entries"]}
    assert amounts == {"08437": "100000.00", "08417": "80000.00"}


def test_other_roles_are_refused(api_as, alice, programme):
    api = api_as(alice)
    assert api.get("/funding/programmes").status_code == 403
    assert api.get(f"/funding/programmes/{programme.uuid}").status_code == 403
    assert api.get("/funding/applications").status_code == 403


def test_create_update_and_submit(api_as, coordinator, caritas, programme, clock):
    api = api_as(coordinator)
    body = {
        **BODY,
        "pass_throughs": [
            {"organisation": str(caritas.uuid), "planned": "40000.50"},
            {"recipient_name": "Stadt Pfullendorf", "planned": 10000},
        ],
    }
    response = api.post(f"/funding/programmes/{programme.uuid}/application", body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "draft"
    assert created["amount"] == "90000.00"
    assert created["posts"] == "1.50"
    assert created["signed_form_uploaded"] is False
    assert {p["recipient_name"]: p["planned"] for p in created["pass_throughs"]} == {
        "Caritas Sigmaringen": "40000.50",
        "Stadt Pfullendorf": "10000.00",
    }
    # update: 200, with the version
    response = api.post(
        f"/funding/programmes/{programme.uuid}/application",
        {**BODY, "amount": "95000.00", "version": created["version"]},
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated["amount"] == "95000.00"
    # an outdated version is a conflict
    response = api.post(
        f"/funding/programmes/{programme.uuid}/application",
        {**BODY, "version": created["version"]},
    )
    assert response.status_code == 409
    # submitting without the signed form: 422 that says to upload it in the UI
    uuid = updated["uuid"]
    response = api.post(f"/funding/applications/{uuid}/submit", {})
    assert response.status_code == 422
    assert response.json()["errors"] == {"signed_form": [MSG_SIGNED_FORM]}
    upload_signed_form(coordinator, Application.objects.get())
    response = api.post(f"/funding/applications/{uuid}/submit", {"version": updated["version"]})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
    # submitted: no more changes
    response = api.post(f"/funding/programmes/{programme.uuid}/application", BODY)
    assert response.status_code == 422
    assert response.json()["detail"] == german(
        "The application has been submitted and cannot be changed."
    )


def test_above_the_frame_is_a_german_422_and_keeps_the_draft(api_as, coordinator, programme, clock):
    api = api_as(coordinator)
    created = api.post(
        f"/funding/programmes/{programme.uuid}/application", {**BODY, "amount": "100000.01"}
    ).json()
    upload_signed_form(coordinator, Application.objects.get())
    response = api.post(f"/funding/applications/{created['uuid']}/submit", {})
    assert response.status_code == 422
    assert response.json()["errors"]["amount"] == [
        german("The amount exceeds your county's planning frame of %(limit)s EUR.")
        % {"limit": "100.000,00"}
    ]
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def test_after_the_deadline_is_a_german_422(api_as, coordinator, programme):
    api = api_as(coordinator)
    with time_machine.travel(dt.datetime(2026, 4, 2, 10, tzinfo=dt.UTC), tick=False):
        created = api.post(f"/funding/programmes/{programme.uuid}/application", BODY).json()
        upload_signed_form(coordinator, Application.objects.get())
        response = api.post(f"/funding/applications/{created['uuid']}/submit", {})
    assert response.status_code == 422
    assert response.json()["detail"] == german(
        "The application deadline (%(date)s) has passed. The funding authority can "
        "extend it for your county."
    ) % {"date": "31.03.2026"}
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def test_input_errors_are_german(api_as, coordinator, other_kreis, programme, clock):
    api = api_as(coordinator)
    url = f"/funding/programmes/{programme.uuid}/application"
    response = api.post(url, {**BODY, "amount": "-1"})
    assert response.status_code == 422
    assert response.json()["errors"]["amount"] == ["Der Wert muss mindestens 0 sein."]
    response = api.post(url, {**BODY, "planned_uses": ""})
    assert response.status_code == 422
    assert response.json()["errors"]["planned_uses"] == [
        german("Please describe the planned uses.")
    ]
    response = api.post(
        url, {**BODY, "pass_throughs": [{"recipient_name": "Caritas", "planned": "95000"}]}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["pass_throughs"] == [
        german("The amounts passed on (%(passed)s EUR) exceed the amount applied for.")
        % {"passed": "95000.00"}
    ]
    foreign = Organisation.objects.create(
        kreis=other_kreis, land=other_kreis.land, kind="provider", name="Diakonie Zollernalb"
    )
    response = api.post(
        url, {**BODY, "pass_throughs": [{"organisation": str(foreign.uuid), "planned": "1"}]}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"pass_throughs.0.organisation": [MSG_RECIPIENT]}
    assert not Application.objects.exists()


def test_county_admin_reads_but_does_not_write(api_as, coordinator, county_admin, programme):
    created = (
        api_as(coordinator).post(f"/funding/programmes/{programme.uuid}/application", BODY).json()
    )
    api = api_as(county_admin)
    assert api.get(f"/funding/applications/{created['uuid']}").status_code == 200
    assert api.get("/funding/applications").json()["count"] == 1
    response = api.post(f"/funding/programmes/{programme.uuid}/application", BODY)
    assert response.status_code == 403
    assert response.json()["detail"] == "Keine Berechtigung für diese Aktion."
    assert api.post(f"/funding/applications/{created['uuid']}/submit", {}).status_code == 403


def test_a_county_never_sees_another_countys_application(
    api_as, coordinator, foreign_coordinator, programme
):
    created = (
        api_as(coordinator).post(f"/funding/programmes/{programme.uuid}/application", BODY).json()
    )
    api = api_as(foreign_coordinator)
    assert api.get(f"/funding/applications/{created['uuid']}").status_code == 404
    assert api.post(f"/funding/applications/{created['uuid']}/submit", {}).status_code == 404
    assert api.get("/funding/applications").json() == {"items": [], "count": 0}
    # its own programme view shows its own amount
    item = api.get("/funding/programmes").json()["items"][0]
    assert item["own_amount"] == "80000.00"


def test_authority_lists_and_filters_and_reads_the_whole_cycle(
    api_as, coordinator, foreign_coordinator, state_officer, programme, clock
):
    own = api_as(coordinator).post(f"/funding/programmes/{programme.uuid}/application", BODY).json()
    api_as(foreign_coordinator).post(
        f"/funding/programmes/{programme.uuid}/application", {**BODY, "amount": "70000.00"}
    )
    application = Application.objects.get(uuid=own["uuid"])
    upload_signed_form(coordinator, application)
    application = services.application_submit(
        actor=coordinator, application=application, version=None
    )
    application = services.application_grant(
        actor=state_officer,
        application=application,
        version=None,
        amount=Decimal("85000.00"),
        first_due=dt.date(2026, 4, 1),
    )
    services.payout_mark_paid(
        actor=state_officer,
        payout=Payout.objects.get(application=application, number=1),
        paid_on=dt.date(2026, 3, 10),
    )
    api = api_as(state_officer)
    # the other county's draft is its own until submitted
    assert api.get("/funding/applications").json()["count"] == 1
    granted = api.get("/funding/applications", status="granted").json()
    assert [a["uuid"] for a in granted["items"]] == [own["uuid"]]
    other = make_programme(state_officer, name="Anderes")
    assert api.get("/funding/applications", programme=str(other.uuid)).json()["count"] == 0
    response = api.get("/funding/applications", status="unbekannt")
    assert response.status_code == 422
    body = api.get(f"/funding/applications/{own['uuid']}").json()
    assert body["status"] == "granted"
    assert body["granted_amount"] == "85000.00"
    assert [(p["amount"], p["due_on"], p["paid_on"]) for p in body["payouts"]] == [
        ("42500.00", "2026-04-01", "2026-03-10"),
        ("42500.00", "2026-10-01", None),
    ]
    assert body["paid_total"] == "42500.00"
    assert body["proof"] is None
    # the authority decides, it does not apply
    response = api.post(f"/funding/programmes/{programme.uuid}/application", BODY)
    assert response.status_code == 403


def test_proof_status_in_the_application(api_as, coordinator, state_officer, programme, clock):
    created = (
        api_as(coordinator).post(f"/funding/programmes/{programme.uuid}/application", BODY).json()
    )
    application = Application.objects.get(uuid=created["uuid"])
    upload_signed_form(coordinator, application)
    application = services.application_submit(
        actor=coordinator, application=application, version=None
    )
    application = services.application_grant(
        actor=state_officer, application=application, version=None, amount=Decimal("80000.00")
    )
    for payout in Payout.objects.filter(application=application):
        services.payout_mark_paid(actor=state_officer, payout=payout, paid_on=dt.date(2026, 3, 10))
    report = services.document_store(
        actor=coordinator,
        land_id=coordinator.land_id,
        kreis_id=coordinator.kreis_id,
        name="bericht.pdf",
        content=PDF,
    )
    services.proof_submit(
        actor=coordinator, application=application, spent=Decimal("75000"), narrative=report
    )
    proof = api_as(coordinator).get(f"/funding/applications/{created['uuid']}").json()["proof"]
    assert proof["status"] == "submitted"
    assert proof["spent"] == "75000.00"
    assert proof["reclaim"] == "5000.00"
    assert proof["narrative_uploaded"] is True


def test_unknown_ids_are_404(api_as, coordinator, programme):
    api = api_as(coordinator)
    unknown = "00000000-0000-4000-8000-000000000000"
    assert api.get(f"/funding/programmes/{unknown}").status_code == 404
    assert api.get(f"/funding/applications/{unknown}").status_code == 404
    assert api.get("/funding/applications", programme=unknown).status_code == 404
    assert api.get("/funding/programmes/kein-uuid").status_code == 422
