"""The authority's documents: the planning frame as XLSX (read back: one row per county, the sum
equals the budget) and as PDF (the county names and the total in German format), the grant
notice PDF with the amount and the instalments; every download audited."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.funding.url_expectations import authority_objects
from wegweiser.audit.models import AuditEntry


@pytest.fixture
def objects(state_officer, coordinator, kreis, other_kreis):
    return authority_objects(state_officer, coordinator, kreis, other_kreis)


@pytest.fixture
def officer_client(client, state_officer):
    client.force_login(state_officer)
    return client


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_frame_xlsx_sums_to_the_budget(officer_client, objects, kreis, other_kreis):
    programme = objects["programme"]
    response = officer_client.get(reverse("funding:frame_xlsx", kwargs={"uuid": programme.uuid}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] and row[2] and row[1])
    counties = [r for r in rows[header + 1 :] if r[0]]
    assert sorted(r[0] for r in counties) == sorted([kreis.ags, other_kreis.ags])
    assert {r[0]: Decimal(str(r[2])) for r in counties} == {
        kreis.ags: Decimal("100000"),
        other_kreis.ags: Decimal("80000"),
    }
    total_row = rows[-1]
    amounts = sum(Decimal(str(r[2])) for r in counties)
    assert amounts == Decimal(str(total_row[2])) == Decimal("180000")
    assert AuditEntry.objects.filter(action="funding.frame.exported", data__format="xlsx").exists()


def test_computed_frame_xlsx_equals_the_budget(officer_client, objects, kreis, other_kreis):
    """The draft's computed frame (refugees 1200:600 of 58 million, whole euros)."""
    draft = objects["draft"]
    response = officer_client.get(reverse("funding:frame_xlsx", kwargs={"uuid": draft.uuid}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] in (kreis.ags, other_kreis.ags)]
    assert len(rows) == 2
    assert sum(Decimal(str(r[2])) for r in rows) == draft.budget


def test_frame_pdf_names_the_counties_and_the_total(officer_client, objects, kreis, other_kreis):
    programme = objects["programme"]
    response = officer_client.get(reverse("funding:frame_pdf", kwargs={"uuid": programme.uuid}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response.content)
    assert kreis.name in text and other_kreis.name in text
    assert "180.000,00 €" in text  # the total
    assert "100.000,00 €" in text and "80.000,00 €" in text
    assert programme.name in text
    assert AuditEntry.objects.filter(action="funding.frame.exported", data__format="pdf").exists()


def test_grant_notice_pdf_holds_the_amount_and_instalments(officer_client, objects, kreis):
    application = objects["granted"]
    url = reverse("funding:grant_notice_pdf", kwargs={"uuid": application.uuid})
    response = officer_client.get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "90.000,00 €" in text
    assert "45.000,00 €" in text  # two instalments
    assert kreis.name in text and application.programme.name in text
    for payout in application.payouts.all():
        assert payout.due_on.strftime("%d.%m.%Y") in text
    assert AuditEntry.objects.filter(action="funding.grant_notice.downloaded").exists()
    # An application not (yet) granted has no notice.
    submitted = objects["submitted"]
    url = reverse("funding:grant_notice_pdf", kwargs={"uuid": submitted.uuid})
    assert officer_client.get(url).status_code == 404


def test_signed_form_and_narrative_downloads_are_audited(officer_client, objects):
    from tests.funding.conftest import PDF

    application = objects["granted"]
    response = officer_client.get(
        reverse("funding:application_signed_form", kwargs={"uuid": application.uuid})
    )
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="antrag.pdf"'
    response = officer_client.get(
        reverse("funding:proof_narrative", kwargs={"uuid": objects["proof"].uuid})
    )
    assert response.content == PDF
    assert response["Content-Disposition"] == 'attachment; filename="sachbericht.pdf"'
    documents = AuditEntry.objects.filter(action="funding.document.downloaded")
    assert sorted(e.data["document"] for e in documents) == ["narrative", "signed_form"]
    # An application without a signed form: nothing to download.
    url = reverse("funding:application_signed_form", kwargs={"uuid": objects["submitted"].uuid})
    assert officer_client.get(url).status_code == 404
