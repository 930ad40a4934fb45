"""The printable overview of selected services for a client (PDF, German), read back."""

from __future__ import annotations

import io

from django.urls import reverse
from pypdf import PdfReader

from tests.conftest import login


def _text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_contains_the_selected_services_in_german(
    client, alice, service, state_service, foreign_service
):
    login(client, alice)
    response = client.post(
        reverse("directory:pdf"),
        {"angebot": [str(service.uuid), str(state_service.uuid), str(foreign_service.uuid)]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response)
    assert "Trauma-Sprechstunde" in text
    assert "Landesprogramm Sprachkurse" in text
    assert "Hauptstraße 1" in text
    assert "07581 200-30" in text
    # Charlie's Kreis's entry is not visible to Alice and so not printed
    assert "Sprachcafé Balingen" not in text
    # German labels (Django's own German for the language names; the rest from the catalogue)
    assert "Arabisch" in text and "Ukrainisch" in text


def test_pdf_without_selection_returns_to_the_list(client, alice):
    login(client, alice)
    response = client.post(reverse("directory:pdf"), {"angebot": ["kein-uuid"]})
    assert response.status_code == 302


def test_charlie_cannot_print_alices_entries(client, charlie, service):
    login(client, charlie)
    response = client.post(reverse("directory:pdf"), {"angebot": [str(service.uuid)]})
    assert response.status_code == 302  # nothing visible selected
    url = reverse("directory:service_detail", kwargs={"uuid": service.uuid})
    assert client.get(url).status_code == 404
