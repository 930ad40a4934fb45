"""The Auskunft (Art. 15 GDPR): all data about a person as JSON and as a German PDF, including who
accessed the case file; the export itself is logged; only the case's editors and the data
protection officer may produce it."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import make_client, make_session
from tests.volunteers.helpers import linked_volunteer, volunteer_consent
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.services import case_viewed
from wegweiser.dataprotection.services import auskunft_export
from wegweiser.plans.services import goal_add
from wegweiser.referrals.services import referral_create
from wegweiser.volunteers.services_tandems import tandem_create

pytestmark = pytest.mark.django_db

NOTE = "Schlafstörungen seit der Flucht, Termin Traumaambulanz vereinbart"
GOAL = "Deutsch auf B1-Niveau sprechen"


@pytest.fixture
def family(alice):
    """Amina and her brother Karim in one household; Amina with a full case file."""
    amina = make_client(alice, new_household_label="Familie Haddad", phone="0176 5550123")
    karim = make_client(
        alice,
        given_names="Karim",
        family_name="Haddad",
        household=amina.household,
        phone="0151 999",
    )
    case = amina.cases.get()
    make_session(alice, case, summary="Erstgespräch Wohnungssuche", confidential_note=NOTE)
    goal = goal_add(actor=alice, case=case, field_of_action="language", text=GOAL)
    referral_create(
        actor=alice,
        case=case,
        reason="Integrationskurs",
        referred_on=dt.date.today(),
        follow_up_on=dt.date.today() + dt.timedelta(days=14),
        service_name="VHS Sigmaringen",
        goal=goal,
        anonymous=True,
    )
    return amina, karim, case


def test_json_holds_every_part_of_the_file_and_nothing_of_others(
    alice, bob, family, volunteer_coordinator, volunteer
):
    amina, karim, case = family
    volunteer_consent(alice, case)
    lina = linked_volunteer(volunteer_coordinator, volunteer)
    tandem_create(actor=alice, case=case, volunteer=lina, started_on=dt.date.today())
    case_viewed(actor=bob, case=case)
    content, name, mime = auskunft_export(actor=alice, case=case, fmt="json")
    assert mime == "application/json" and name.endswith(".json")
    document = json.loads(content)
    text = content.decode()
    data = document["data"]
    assert data["clients.Client"][0]["given_names"] == "Amina"
    assert data["clients.Household"][0]["label"] == "Familie Haddad"
    assert NOTE in text  # confidential notes are the person's data too (decrypted)
    assert GOAL in text and "VHS Sigmaringen" in text
    assert "volunteers.Tandem" in data and "consents" not in data
    assert len(data["clients.Consent"]) == 1
    # Nothing of the brother but his existence.
    assert "Karim" not in text and "0151 999" not in text
    assert not any("name_phonetic" in row for row in data["clients.Client"])
    # Who accessed the file: Bob's opening, and the export itself.
    log = document["access_log"]
    assert any(e["code"] == "clients.case.viewed" and "Bob" in e["who"] for e in log)
    assert log[-1]["code"] == "dataprotection.auskunft.exported"
    assert document["labels"]["clients.Client"]["fields"]["given_names"].startswith("Vornamen")


def test_pdf_is_german_and_readable(alice, family):
    amina, _karim, case = family
    content, name, mime = auskunft_export(actor=alice, case=case, fmt="pdf")
    assert mime == "application/pdf" and name.endswith(".pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Auskunft" in text and "Amina" in text
    assert "Erstgespräch Wohnungssuche" in text
    assert "Wer hat auf Ihre Daten zugegriffen" in text
    assert "Karim" not in text


def test_the_export_is_logged(alice, family):
    _amina, _karim, case = family
    before = AuditEntry.objects.filter(action="dataprotection.auskunft.exported").count()
    auskunft_export(actor=alice, case=case, fmt="json")
    entry = AuditEntry.objects.filter(action="dataprotection.auskunft.exported").latest("id")
    assert before == 0 and entry.case_uuid == case.uuid and entry.data["format"] == "json"


def test_who_may_produce_it(alice, bob, dora, coordinator, dpo, charlie, family):
    _amina, _karim, case = family
    auskunft_export(actor=bob, case=case, fmt="json")  # same team, may edit
    for actor, error in ((dora, PermissionDenied), (coordinator, PermissionDenied)):
        with pytest.raises(error):
            auskunft_export(actor=actor, case=case, fmt="json")
    with pytest.raises(Http404):
        auskunft_export(actor=charlie, case=case, fmt="json")
    with pytest.raises(ValidationError) as info:
        auskunft_export(actor=dpo, case=case, fmt="pdf")
    assert "reference" in info.value.message_dict
    content, _name, _mime = auskunft_export(
        actor=dpo, case=case, fmt="pdf", reference="DS-2026-017"
    )
    assert b"%PDF" in content[:8]


def test_dpo_finds_the_person_by_case_number(client, dpo, family, password):
    _amina, _karim, case = family
    client.force_login(dpo)
    response = client.get(reverse("dataprotection:auskunft_find"), {"number": case.number})
    assert response.status_code == 302
    assert response["Location"] == reverse("dataprotection:auskunft", kwargs={"uuid": case.uuid})
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Amina" not in page.content.decode()
    missing = client.get(reverse("dataprotection:auskunft_find"), {"number": "1999-9999"})
    assert "Es gibt keinen Fall mit dieser Nummer" in missing.content.decode() or (
        "There is no case with this number" in missing.content.decode()
    )
    # The download needs a fresh password.
    first = client.post(response["Location"], {"fmt": "json", "reference": "DS-2026-017"})
    assert first.status_code == 302 and "reauthenticate" in first["Location"]
    client.post(reverse("account_reauthenticate"), {"password": password})
    download = client.post(response["Location"], {"fmt": "json", "reference": "DS-2026-017"})
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "no-store"


def test_rectification_keeps_the_history(alice, family):
    from wegweiser.clients.services import client_update
    from wegweiser.dataprotection.models import PersonRevision

    amina, _karim, case = family
    client_update(actor=alice, client=amina, version=amina.version, phone="0151 1234567")
    revision = PersonRevision.objects.get(client=amina)
    assert revision.previous == {"phone": "0176 5550123"}
    assert revision.changed_by == alice
    content, _name, _mime = auskunft_export(actor=alice, case=case, fmt="json")
    document = json.loads(content)
    assert document["data"]["dataprotection.PersonRevision"][0]["previous"] == {
        "phone": "0176 5550123"
    }
    assert document["data"]["clients.Client"][0]["phone"] == "0151 1234567"
