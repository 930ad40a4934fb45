"""The funding authority's pages for programmes, basis data and the planning frame: the three
seed programmes configured through the form (by inhabitants, by refugees, a flat amount per
county), input kept on errors, a bad upload listing its rows and importing nothing, the shipped
reference data, compute, review, publish; another Land's objects are 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.api.conftest import german
from tests.factories import KreisFactory, LandFactory, OrganisationFactory, UserFactory
from tests.funding.conftest import make_programme
from wegweiser.accounts.roles import Role
from wegweiser.audit.models import AuditEntry
from wegweiser.funding import services
from wegweiser.funding.models import BasisDataset, FrameEntry, Programme, ProgrammeStatus


@pytest.fixture
def officer_client(client, state_officer):
    client.force_login(state_officer)
    return client


def upload(client, text: str, kind: str = "inhabitants", **extra):
    data = {
        "kind": kind,
        "reference_date": "31.12.2021",
        "source": "Statistisches Landesamt, Bevölkerungsstand 31.12.2021",
        "file": SimpleUploadedFile("einwohner.csv", text.encode("utf-8"), "text/csv"),
    }
    data.update(extra)
    return client.post(reverse("funding:basis_upload"), data)


def programme_data(**extra) -> dict:
    data = {
        "name": "Soforthilfe Ukraine",
        "year": "2022",
        "period_start": "01.04.2022",
        "period_end": "31.12.2022",
        "budget": "8.000.000,00",
        "purpose": "Soforthilfe für die Aufnahme Geflüchteter aus der Ukraine",
        "recipients": "Stadt- und Landkreise; Weitergabe an Gemeinden und freie Träger möglich",
        "application_deadline": "22.07.2022",
        "proof_deadline": "",
        "weight_inhabitants": "100",
        "weight_refugees": "",
        "flat_per_body": "",
        "per_post": "",
        "floor": "",
        "cap": "",
        "max_change": "",
        "previous": "",
        "rounding": "euro",
        "instalments": "1",
    }
    data.update(extra)
    return data


def test_soforthilfe_ukraine_by_inhabitants(officer_client, state_officer, kreis, other_kreis):
    response = upload(officer_client, "AGS;Einwohner\n08437;130.000\n08417;190.000\n")
    dataset = BasisDataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("funding:basis_detail", kwargs={"uuid": dataset.uuid})
    page = officer_client.get(response["Location"]).content.decode()
    assert "Zollernalbkreis" in page and "190.000" in page

    response = officer_client.post(
        reverse("funding:programme_create"), programme_data(basis=[dataset.pk])
    )
    programme = Programme.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert programme.budget == Decimal("8000000.00")
    assert programme.weights == {"inhabitants": "1"}
    assert programme.application_deadline == dt.date(2022, 7, 22)
    assert list(programme.basis.all()) == [dataset]

    response = officer_client.post(
        reverse("funding:frame_compute", kwargs={"uuid": programme.uuid})
    )
    assert response["Location"] == reverse("funding:frame_review", kwargs={"uuid": programme.uuid})
    page = officer_client.get(response["Location"]).content.decode()
    amounts = {e.kreis.ags: e.amount for e in FrameEntry.objects.select_related("kreis")}
    assert amounts == {"08437": Decimal("3250000.00"), "08417": Decimal("4750000.00")}
    assert "3.250.000,00 €" in page and "8.000.000,00 €" in page  # amount and total
    assert "<caption>" in page and 'scope="row"' in page
    assert page.count('data-testid="amount"') == 2

    frame = programme.frames.get()
    response = officer_client.post(
        reverse("funding:frame_publish", kwargs={"uuid": programme.uuid}), {"frame": frame.uuid}
    )
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.PUBLISHED
    assert AuditEntry.objects.filter(action="funding.frame.published").exists()
    # A published programme is not edited any more.
    response = officer_client.get(
        reverse("funding:programme_update", kwargs={"uuid": programme.uuid})
    )
    assert response.status_code == 302


def test_integrationsmanagement_by_refugees_and_recompute(
    officer_client, state_officer, kreis, other_kreis
):
    upload(
        officer_client,
        "ags,value\n08437,1200\n08417,600\n",
        kind="refugees",
        reference_date="31.12.2024",
        period_start="01.01.2024",
    )
    dataset = BasisDataset.objects.get()
    officer_client.post(
        reverse("funding:programme_create"),
        programme_data(
            name="Integrationsmanagement",
            year="2025",
            period_start="01.01.2025",
            period_end="31.12.2025",
            budget="58000000",
            weight_inhabitants="",
            weight_refugees="100",
            application_deadline="31.03.2025",
            instalments="2",
            basis=[dataset.pk],
        ),
    )
    programme = Programme.objects.get()
    assert programme.weights == {"refugees": "1"}
    url = reverse("funding:frame_compute", kwargs={"uuid": programme.uuid})
    officer_client.post(url)
    officer_client.post(url)  # computed again: the newest frame is reviewed
    assert programme.frames.count() == 2
    review = officer_client.get(reverse("funding:frame_review", kwargs={"uuid": programme.uuid}))
    page = review.content.decode()
    assert "38.666.667,00 €" in page and "58.000.000,00 €" in page
    # Only the latest computed frame can be published.
    oldest = programme.frames.order_by("computed_at", "pk").first()
    officer_client.post(
        reverse("funding:frame_publish", kwargs={"uuid": programme.uuid}), {"frame": oldest.uuid}
    )
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DRAFT


def test_wir_fallmanagement_flat_per_county(officer_client, state_officer, kreis, other_kreis):
    upload(officer_client, "ags;value\n08437;1\n08417;1\n", kind="posts")
    dataset = BasisDataset.objects.get()
    response = officer_client.post(
        reverse("funding:programme_create"),
        programme_data(
            name="WIR-Fallmanagement",
            year="2017",
            period_start="01.01.2017",
            period_end="31.12.2017",
            budget="100.000",
            weight_inhabitants="",
            flat_per_body="50.000,00",
            application_deadline="31.03.2017",
            basis=[dataset.pk],
        ),
    )
    assert response.status_code == 302
    programme = Programme.objects.get()
    assert programme.weights == {} and programme.flat_per_body == Decimal("50000.00")
    officer_client.post(reverse("funding:frame_compute", kwargs={"uuid": programme.uuid}))
    assert sorted(FrameEntry.objects.values_list("amount", flat=True)) == [
        Decimal("50000.00"),
        Decimal("50000.00"),
    ]


def test_form_keeps_the_input_on_errors(officer_client, state_officer, kreis):
    response = officer_client.post(
        reverse("funding:programme_create"),
        programme_data(weight_inhabitants="60", weight_refugees="30", budget="8.000.000,00"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert german("The shares by inhabitants and by refugees must add up to 100 %.") in page
    assert 'value="Soforthilfe Ukraine"' in page and 'value="8.000.000,00"' in page
    assert 'value="22.07.2022"' in page
    assert not Programme.objects.exists()

    # The service's own checks appear beside the form too (a budget not in whole euros).
    response = officer_client.post(
        reverse("funding:programme_create"), programme_data(budget="8.000.000,50")
    )
    assert response.status_code == 200
    assert not Programme.objects.exists()


def test_edit_a_draft_programme(officer_client, state_officer, kreis):
    programme = make_programme(state_officer)
    url = reverse("funding:programme_update", kwargs={"uuid": programme.uuid})
    page = officer_client.get(url).content.decode()
    assert 'value="58.000.000,00"' in page and 'value="100"' in page  # refugees 100 %
    response = officer_client.post(
        url,
        programme_data(
            name="Integrationsmanagement",
            year="2026",
            budget="60.000.000",
            weight_inhabitants="50",
            weight_refugees="50",
            version=str(programme.version),
        ),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.budget == Decimal("60000000.00")
    assert programme.weights == {"inhabitants": "0.5", "refugees": "0.5"}


def test_bad_upload_lists_the_rows_and_imports_nothing(officer_client, kreis, other_kreis):
    response = upload(officer_client, "ags;value\n08437;-5\n09999;12\n08437;abc\n")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="basis-problems"' in page
    problems = page.split('data-testid="basis-problems"')[1].split("</ul>")[0]
    assert problems.count("<li>") >= 3
    for row in ("2", "3", "4"):
        assert row in problems
    assert "08417" in page  # the missing county is named
    assert not BasisDataset.objects.exists()
    assert 'value="Statistisches Landesamt, Bevölkerungsstand 31.12.2021"' in page


def test_shipped_reference_data(officer_client, state_officer, kreis, other_kreis):
    from wegweiser.organisations.models import Population

    for k, inhabitants in ((kreis, 130873), (other_kreis, 188935)):
        Population.objects.create(
            ags=k.ags,
            kreis=k,
            reference_date=dt.date(2021, 12, 31),
            inhabitants=inhabitants,
            source="Statistisches Landesamt 31.12.2021",
        )
    page = officer_client.get(reverse("funding:basis_reference")).content.decode()
    assert "31.12.2021" in page
    response = officer_client.post(
        reverse("funding:basis_reference"), {"reference_date": "2021-12-31"}
    )
    dataset = BasisDataset.objects.get()
    assert response.status_code == 302
    assert dataset.kind == "inhabitants" and dataset.values == {
        "08437": "130873",
        "08417": "188935",
    }
    listing = officer_client.get(reverse("funding:basis_list")).content.decode()
    assert "Statistisches Landesamt 31.12.2021" in listing


def test_deadline_extension(officer_client, state_officer, kreis, programme):
    url = reverse("funding:deadline_extend", kwargs={"uuid": programme.uuid})
    response = officer_client.post(url, {"kreis": kreis.pk, "until": "01.03.2026", "reason": "x"})
    assert response.status_code == 200  # before the deadline: refused beside the field
    assert german("The new deadline must lie after the deadline.") in response.content.decode()
    response = officer_client.post(
        url, {"kreis": kreis.pk, "until": "15.04.2026", "reason": "Kreistagsbeschluss am 10.04."}
    )
    assert response.status_code == 302
    assert services.deadline_for(programme, kreis.pk) == dt.date(2026, 4, 15)
    detail = officer_client.get(response["Location"]).content.decode()
    assert "15.04.2026" in detail and "Kreistagsbeschluss" in detail


def test_programme_list_shows_only_the_own_land(officer_client, state_officer, kreis):
    make_programme(state_officer, name="Integrationsmanagement BW")
    other = _hessen_officer()
    make_programme(other, name="WIR-Fallmanagement Hessen")
    page = officer_client.get(reverse("funding:programme_list")).content.decode()
    assert "Integrationsmanagement BW" in page and "WIR-Fallmanagement" not in page
    assert "58.000.000,00 €" in page


def _hessen_officer():
    land = LandFactory(code="HE", name="Hessen")
    KreisFactory(land=land, ags="06411", name="Darmstadt")
    org = OrganisationFactory(kreis=None, land=land, kind="state_authority", name="RP Darmstadt")
    return UserFactory(
        email="rp-he@example.org",
        team=None,
        organisation=org,
        kreis=None,
        land=land,
        role=Role.STATE_FUNDING_OFFICER,
    )


def test_another_lands_objects_are_404(client, state_officer, kreis, programme):
    hessen = _hessen_officer()
    dataset = BasisDataset.objects.create(
        land_id=state_officer.land_id,
        kind="inhabitants",
        version=1,
        reference_date=dt.date(2021, 12, 31),
        source="x",
        values={kreis.ags: "1"},
        uploaded_by=state_officer,
    )
    client.force_login(hessen)
    for name in (
        "programme_detail",
        "programme_update",
        "frame_review",
        "frame_pdf",
        "frame_xlsx",
        "deadline_extend",
        "status_board",
    ):
        url = reverse(f"funding:{name}", kwargs={"uuid": programme.uuid})
        assert client.get(url).status_code == 404, name
    for name in ("frame_compute", "frame_publish"):
        url = reverse(f"funding:{name}", kwargs={"uuid": programme.uuid})
        assert client.post(url).status_code == 404, name
    assert (
        client.get(reverse("funding:basis_detail", kwargs={"uuid": dataset.uuid})).status_code
        == 404
    )
    # and the other way round
    he_programme = make_programme(hessen, name="WIR-Fallmanagement")
    client.force_login(state_officer)
    url = reverse("funding:programme_detail", kwargs={"uuid": he_programme.uuid})
    assert client.get(url).status_code == 404
