"""The printable plan: a real PDF that contains the goals, steps and signature lines."""

from __future__ import annotations

import io

from django.urls import reverse
from pypdf import PdfReader

from wegweiser.audit.models import AuditEntry


def _text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_plan_pdf_contains_goals_steps_and_signature_lines(client, alice, plan):
    client.force_login(alice)
    response = client.get(reverse("plans:plan_pdf", kwargs={"uuid": plan.case.uuid}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "Amina" not in response["Content-Disposition"]  # no names in file names
    text = " ".join(_text(response).split())
    for expected in (
        "Deutsch auf B1-Niveau",
        "Anerkennung des Berufsabschlusses",
        "Anmeldung zum Integrationskurs",
        "Amina Haddad",
        plan.case.number,
        "Sprache",  # the field of action, in German
    ):
        assert expected in text, expected
    assert text.lower().count("signature") + text.lower().count("unterschrift") >= 2
    assert AuditEntry.objects.filter(
        action="clients.case.viewed", actor=alice, data__part="plan_pdf"
    ).exists()


def test_charlie_gets_no_pdf(client, charlie, dora, plan):
    for user in (charlie, dora):
        client.force_login(user)
        url = reverse("plans:plan_pdf", kwargs={"uuid": plan.case.uuid})
        assert client.get(url).status_code == 404
