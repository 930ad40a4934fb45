"""The county's pages of the funding administration: the programmes with the county's frame and
deadline, the application (draft, refused submission above the frame or after the deadline,
correction), pass-through after the grant and the proof of use with the figures from the case
work. The county administration reads along; another county's application is 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from tests.api.conftest import german
from tests.conftest import login
from tests.factories import OrganisationFactory, UserFactory, make_client, make_session
from tests.funding.conftest import PDF, make_programme
from wegweiser.accounts.roles import Role
from wegweiser.audit.models import AuditEntry
from wegweiser.funding import services
from wegweiser.funding.models import Application, ApplicationStatus, Payout, ProofOfUse
from wegweiser.organisations.models import Organisation

IN_TIME = dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC)
LATE = dt.datetime(2026, 4, 2, 10, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(IN_TIME, tick=False) as traveller:
        yield traveller


@pytest.fixture
def caritas(kreis):
    return Organisation.objects.create(
        kreis=kreis, land=kreis.land, kind=Organisation.Kind.PROVIDER, name="Caritas Sigmaringen"
    )


@pytest.fixture
def foreign_coordinator(charlie):
    """The coordination of Charlie's county."""
    return UserFactory(
        email="koord-zak@example.org",
        team=None,
        organisation=charlie.organisation,
        role=Role.COUNTY_COORDINATOR,
    )


def form_url(programme):
    return reverse("funding:county_application_form", kwargs={"uuid": programme.uuid})


def detail_url(application):
    return reverse("funding:county_application_detail", kwargs={"uuid": application.uuid})


def form_data(amount="90.000,00", action="save", version="", **extra):
    data = {
        "version": version,
        "amount": amount,
        "posts": "1,5",
        "planned_uses": "Zwei Integrationsmanagerinnen, Dolmetschkosten",
        "signed_form": SimpleUploadedFile("antrag.pdf", PDF, content_type="application/pdf"),
        "weitergabe-TOTAL_FORMS": "5",
        "weitergabe-INITIAL_FORMS": "0",
        "weitergabe-MIN_NUM_FORMS": "0",
        "weitergabe-MAX_NUM_FORMS": "50",
        "action": action,
    }
    data.update(extra)
    return data


def apply(coordinator, programme, amount="90000.00", **extra):
    values = {
        "amount": Decimal(amount),
        "posts": Decimal("1.5"),
        "planned_uses": "Integrationsmanagement",
        "pass_throughs": [{"organisation": None, "recipient_name": "Caritas", "planned": "40000"}],
        "signed_form": services.document_store(
            actor=coordinator,
            land_id=coordinator.land_id,
            kreis_id=coordinator.kreis_id,
            name="antrag.pdf",
            content=PDF,
        ),
    }
    values.update(extra)
    return services.application_save(actor=coordinator, programme=programme, **values)


def granted(coordinator, state_officer, programme, amount="85000.00"):
    application = apply(coordinator, programme)
    application = services.application_submit(
        actor=coordinator, application=application, version=application.version
    )
    return services.application_grant(
        actor=state_officer,
        application=application,
        version=application.version,
        amount=Decimal(amount),
        first_due=dt.date(2026, 4, 1),
    )


# --- the programmes -----------------------------------------------------------------------------


def test_home_shows_published_programmes_with_frame_deadline_and_status(
    client, coordinator, state_officer, kreis, programme, clock
):
    draft = make_programme(state_officer, name="Noch im Entwurf")
    services.deadline_extend(
        actor=state_officer,
        programme=programme,
        kreis=kreis,
        until=dt.date(2026, 4, 15),
        reason="Kreistagsbeschluss",
    )
    login(client, coordinator)
    page = client.get(reverse("funding:county_home")).content.decode()
    assert "Integrationsmanagement 2026" in page
    assert draft.name not in page
    assert "100.000,00" in page  # the county's own amount, German format
    assert "80.000,00" not in page  # not the other county's
    assert "15.04.2026" in page and "31.03.2026" in page  # extension and original deadline
    assert form_url(programme) in page
    apply(coordinator, programme)
    page = client.get(reverse("funding:county_home")).content.decode()
    assert detail_url(Application.objects.get()) in page


def test_funding_home_sends_the_county_to_its_page(client, county_admin, programme):
    login(client, county_admin)
    response = client.get(reverse("funding:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("funding:county_home")
    page = client.get(reverse("funding:county_home")).content.decode()
    assert "100.000,00" in page
    assert form_url(programme) not in page  # the administration does not apply


# --- the application ----------------------------------------------------------------------------


def test_save_a_draft_with_decimal_comma_pass_through_and_upload(
    client, coordinator, programme, caritas, clock
):
    login(client, coordinator)
    page = client.get(form_url(programme)).content.decode()
    assert "100.000,00" in page  # the frame is shown beside the amount
    assert caritas.name in page  # recipients: providers and municipalities of the county
    response = client.post(
        form_url(programme),
        form_data(
            **{
                "weitergabe-0-organisation": str(caritas.uuid),
                "weitergabe-0-planned": "40.000,50",
                "weitergabe-1-recipient_name": "Stadt Pfullendorf",
                "weitergabe-1-planned": "10000",
            }
        ),
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(application)
    assert application.status == ApplicationStatus.DRAFT
    assert application.amount == Decimal("90000.00")
    assert application.posts == Decimal("1.50")
    assert application.signed_form.content_type == "application/pdf"
    rows = {p.recipient_name: p for p in application.pass_throughs.all()}
    assert rows["Caritas Sigmaringen"].organisation == caritas
    assert rows["Caritas Sigmaringen"].planned == Decimal("40000.50")
    assert rows["Stadt Pfullendorf"].planned == Decimal("10000.00")
    # editing again shows the rows and keeps the form
    page = client.get(form_url(programme)).content.decode()
    assert "40000,50" in page or "40.000,50" in page
    assert "Stadt Pfullendorf" in page


def test_submit_within_frame_and_deadline(client, coordinator, programme, clock):
    login(client, coordinator)
    response = client.post(form_url(programme), form_data(action="submit"))
    assert response.status_code == 302
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
    # submitted: no more editing, the form page leads to the application
    response = client.get(form_url(programme))
    assert response["Location"] == detail_url(Application.objects.get())


def test_above_the_frame_saves_the_draft_but_does_not_submit(client, coordinator, programme, clock):
    login(client, coordinator)
    response = client.post(form_url(programme), form_data(amount="100.000,01", action="submit"))
    assert response.status_code == 200
    text = response.content.decode()
    expected = german("The amount exceeds your county's planning frame of %(limit)s EUR.") % {
        "limit": "100.000,00"
    }
    assert escape(expected) in text
    application = Application.objects.get()
    assert application.status == ApplicationStatus.DRAFT
    assert application.amount == Decimal("100000.01")
    # the page carries the new version: correcting the amount and submitting works at once
    response = client.post(
        form_url(programme),
        form_data(amount="99.000,00", action="submit", version=str(application.version)),
    )
    assert response.status_code == 302
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED


def test_after_the_deadline_saves_the_draft_but_does_not_submit(client, coordinator, programme):
    login(client, coordinator)
    with time_machine.travel(LATE, tick=False):
        response = client.post(form_url(programme), form_data(action="submit"))
    assert response.status_code == 200
    expected = german(
        "The application deadline (%(date)s) has passed. The funding authority can "
        "extend it for your county."
    ) % {"date": "31.03.2026"}
    assert escape(expected) in response.content.decode()
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def test_submit_without_signed_form_is_refused(client, coordinator, programme, clock):
    login(client, coordinator)
    data = form_data(action="submit")
    del data["signed_form"]
    response = client.post(form_url(programme), data)
    assert response.status_code == 200
    assert german("Please upload the signed application form.") in response.content.decode()
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def test_upload_must_be_pdf_or_image(client, coordinator, programme, clock):
    login(client, coordinator)
    data = form_data(signed_form=SimpleUploadedFile("antrag.exe", b"MZ\x90\x00"))
    response = client.post(form_url(programme), data)
    assert response.status_code == 200
    assert german("Please upload a PDF, PNG or JPEG file.") in response.content.decode()
    assert not Application.objects.exists()


def test_pass_through_above_the_amount_is_refused(client, coordinator, programme, clock):
    login(client, coordinator)
    data = form_data(
        amount="50.000,00",
        **{"weitergabe-0-recipient_name": "Caritas", "weitergabe-0-planned": "60.000,00"},
    )
    response = client.post(form_url(programme), data)
    assert response.status_code == 200
    expected = german("The amounts passed on (%(passed)s EUR) exceed the amount applied for.") % {
        "passed": "60000.00"
    }
    assert escape(expected) in response.content.decode()
    assert not Application.objects.exists()


def test_submit_button_on_the_detail_page(client, coordinator, programme, clock):
    application = apply(coordinator, programme)
    login(client, coordinator)
    url = reverse("funding:county_application_submit", kwargs={"uuid": application.uuid})
    response = client.post(url, {"version": application.version})
    assert response["Location"] == detail_url(application)
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED


def test_submit_button_after_the_deadline_shows_the_message(client, coordinator, programme):
    with time_machine.travel(LATE, tick=False):
        application = apply(coordinator, programme)
        login(client, coordinator)
        url = reverse("funding:county_application_submit", kwargs={"uuid": application.uuid})
        response = client.post(url, {"version": application.version}, follow=True)
    assert "31.03.2026" in response.content.decode()
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def test_correction_shows_the_note_and_can_be_resubmitted(
    client, coordinator, state_officer, programme, clock
):
    application = apply(coordinator, programme)
    application = services.application_submit(
        actor=coordinator, application=application, version=application.version
    )
    services.application_request_correction(
        actor=state_officer,
        application=application,
        version=application.version,
        note="Bitte die Stellenanteile belegen.",
    )
    application.refresh_from_db()
    login(client, coordinator)
    assert (
        "Bitte die Stellenanteile belegen." in client.get(detail_url(application)).content.decode()
    )
    page = client.get(form_url(programme)).content.decode()
    assert "Bitte die Stellenanteile belegen." in page
    data = form_data(action="submit", version=str(application.version), posts="2")
    del data["signed_form"]  # the form uploaded before is kept
    response = client.post(form_url(programme), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.posts == Decimal("2.00")


def test_county_admin_reads_but_does_not_write(client, coordinator, county_admin, programme, clock):
    application = apply(coordinator, programme)
    login(client, county_admin)
    page = client.get(detail_url(application))
    assert page.status_code == 200
    assert form_url(programme) not in page.content.decode()
    assert client.get(form_url(programme)).status_code == 403
    assert client.post(form_url(programme), form_data()).status_code == 403
    url = reverse("funding:county_application_submit", kwargs={"uuid": application.uuid})
    assert client.post(url, {"version": application.version}).status_code == 403
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def test_another_county_never_sees_the_application(
    client, coordinator, foreign_coordinator, programme, clock
):
    application = apply(coordinator, programme)
    document = application.signed_form
    login(client, foreign_coordinator)
    for name in ("county_application_detail", "county_pass_through", "county_proof"):
        url = reverse(f"funding:{name}", kwargs={"uuid": application.uuid})
        assert client.get(url).status_code == 404, url
        if name != "county_application_detail":  # GET only
            assert client.post(url, {"spent": "1"}).status_code == 404, url
    url = reverse("funding:county_application_submit", kwargs={"uuid": application.uuid})
    assert client.post(url).status_code == 404
    url = reverse("funding:county_document", kwargs={"uuid": document.uuid})
    assert client.get(url).status_code == 404
    # its own home lists the programme with its own frame, not Alice's county's application
    page = client.get(reverse("funding:county_home")).content.decode()
    assert "80.000,00" in page
    assert detail_url(application) not in page


def test_draft_programme_is_404_for_the_county(client, coordinator, state_officer):
    draft = make_programme(state_officer)
    login(client, coordinator)
    assert client.get(form_url(draft)).status_code == 404


def test_document_download(client, coordinator, county_admin, programme, clock):
    application = apply(coordinator, programme)
    login(client, county_admin)
    url = reverse("funding:county_document", kwargs={"uuid": application.signed_form.uuid})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == PDF
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.filter(action="funding.document.downloaded").latest("pk")
    assert entry.actor_id == county_admin.pk


# --- after the grant ----------------------------------------------------------------------------


def test_grant_payouts_and_pass_through(client, coordinator, state_officer, programme, clock):
    application = granted(coordinator, state_officer, programme)
    first = Payout.objects.get(application=application, number=1)
    services.payout_mark_paid(actor=state_officer, payout=first, paid_on=dt.date(2026, 3, 10))
    login(client, coordinator)
    page = client.get(detail_url(application)).content.decode()
    assert "85.000,00" in page  # granted
    assert "42.500,00" in page  # instalments
    assert "01.04.2026" in page and "01.10.2026" in page  # due dates
    assert "10.03.2026" in page  # paid on
    row = application.pass_throughs.get()
    url = reverse("funding:county_pass_through", kwargs={"uuid": application.uuid})
    assert client.get(url).status_code == 200
    response = client.post(url, {f"paid_{row.pk}": "30.000,00"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.paid == Decimal("30000.00")


def test_pass_through_over_the_granted_amount_is_refused(
    client, coordinator, state_officer, programme, clock
):
    application = granted(coordinator, state_officer, programme)
    row = application.pass_throughs.get()
    login(client, coordinator)
    url = reverse("funding:county_pass_through", kwargs={"uuid": application.uuid})
    response = client.post(url, {f"paid_{row.pk}": "85.000,01"})
    assert response.status_code == 200
    assert german("More would be passed on than was granted.") in response.content.decode()
    row.refresh_from_db()
    assert row.paid == Decimal("0")


def test_pass_through_and_proof_wait_for_the_grant(client, coordinator, programme, clock):
    application = apply(coordinator, programme)
    login(client, coordinator)
    for name in ("county_pass_through", "county_proof"):
        url = reverse(f"funding:{name}", kwargs={"uuid": application.uuid})
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == detail_url(application)


def test_proof_shows_the_figures_of_the_case_work_and_computes_the_reclaim(
    client, alice, coordinator, county_admin, state_officer, programme, clock
):
    application = granted(coordinator, state_officer, programme)
    first = Payout.objects.get(application=application, number=1)
    services.payout_mark_paid(actor=state_officer, payout=first, paid_on=dt.date(2026, 3, 10))
    case = make_client(alice, opened_on=dt.date(2026, 2, 1)).cases.get()
    make_session(alice, case, held_on=dt.date(2026, 3, 2))
    make_session(alice, case, held_on=dt.date(2026, 3, 3))
    login(client, coordinator)
    url = reverse("funding:county_proof", kwargs={"uuid": application.uuid})
    page = client.get(url).content.decode()
    from wegweiser.statistics.figures import label

    # the figures from the case work, with their German headings, before anything is typed
    assert f'data-key="persons"><th scope="row" class="kern-table__cell">{label("persons")}' in page
    assert 'data-key="sessions"' in page
    sessions_row = page.split('data-key="sessions"')[1].split("</tr>")[0]
    assert ">2</td>" in sessions_row
    assert "01.01.2026" in page and "31.12.2026" in page
    assert "42.500,00" in page  # paid out so far
    response = client.post(
        url,
        {
            "spent": "40.000,00",
            "narrative": SimpleUploadedFile("bericht.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    proof = ProofOfUse.objects.get()
    assert proof.reclaim == Decimal("2500.00")
    assert proof.figures["figures"]["sessions"] == 2
    login(client, county_admin)
    page = client.get(detail_url(application)).content.decode()
    assert "2.500,00" in page  # the reclaim
    assert 'data-key="sessions"' in page  # the frozen figures
    assert client.get(url).status_code == 403  # the administration reads only


def test_proof_needs_the_report(client, coordinator, state_officer, programme, clock):
    application = granted(coordinator, state_officer, programme)
    login(client, coordinator)
    url = reverse("funding:county_proof", kwargs={"uuid": application.uuid})
    response = client.post(url, {"spent": "10.000,00"})
    assert response.status_code == 200
    assert german("Please upload the narrative report.") in response.content.decode()
    response = client.post(
        url,
        {
            "spent": "90.000,00",
            "narrative": SimpleUploadedFile("bericht.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert german("More was spent than granted; please check the amount.") in (
        response.content.decode()
    )
    assert not ProofOfUse.objects.exists()


def test_other_roles_get_403(client, alice, state_officer, coordinator, programme, clock):
    application = apply(coordinator, programme)
    for user in (alice, state_officer):
        login(client, user)
        assert client.get(reverse("funding:county_home")).status_code == 403
        assert client.get(detail_url(application)).status_code == 403
        assert client.get(form_url(programme)).status_code == 403


def test_recipient_of_another_county_cannot_be_chosen(
    client, coordinator, other_kreis, programme, clock
):
    foreign = OrganisationFactory(
        kreis=other_kreis, kind=Organisation.Kind.PROVIDER, name="Diakonie Zollernalb"
    )
    login(client, coordinator)
    assert foreign.name not in client.get(form_url(programme)).content.decode()
    data = form_data(
        **{"weitergabe-0-organisation": str(foreign.uuid), "weitergabe-0-planned": "1000"}
    )
    response = client.post(form_url(programme), data)
    assert response.status_code == 200
    assert not Application.objects.exists()
