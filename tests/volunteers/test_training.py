"""Training events (Qualifizierung): places and the closed registration, the volunteer
registering themselves (and nobody else), attendance adding the training to the profile, the
uploaded certificate (PDF, PNG or JPEG only), the generated certificate of attendance read back,
another Kreis (404) and missing rights (403), German messages."""

from __future__ import annotations

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import UserFactory
from tests.volunteers.conftest import german
from tests.volunteers.helpers import make_volunteer
from wegweiser.accounts.roles import Role
from wegweiser.audit.models import AuditEntry
from wegweiser.core.errors import ConflictError
from wegweiser.volunteers.models import Qualification, TrainingEvent, TrainingRegistration
from wegweiser.volunteers.services_training import (
    attendance_record,
    event_cancel,
    event_create,
    event_update,
    qualification_certificate_attach,
    registration_add,
    registration_cancel,
)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
TITLE = "Erste Hilfe für Lotsinnen und Lotsen"


def make_event(actor, **fields) -> TrainingEvent:
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    values = {
        "title": TITLE,
        "place": "Landratsamt, Raum 104",
        "provider": "DRK Kreisverband",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=3),
        "hours": Decimal("3"),
        "description": "Notfälle im Alltag",
    }
    values.update(fields)
    return event_create(actor=actor, **values)


def start_now(event: TrainingEvent) -> TrainingEvent:
    """Move the event into the past (it started an hour ago)."""
    now = timezone.now()
    TrainingEvent.objects.filter(pk=event.pk).update(
        starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1)
    )
    event.refresh_from_db()
    return event


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def messages_of(exc) -> list[str]:
    return [m for messages in exc.value.message_dict.values() for m in messages]


@pytest.fixture
def own(volunteer_coordinator, volunteer):
    """The Volunteer of the volunteer-role user."""
    return make_volunteer(
        volunteer_coordinator,
        user=volunteer,
        status="active",
        given_name="Lina",
        family_name="Lotsin",
    )


@pytest.fixture
def hanna(volunteer_coordinator):
    return make_volunteer(volunteer_coordinator, status="active")


pytestmark = pytest.mark.django_db


# --- places and the closed registration ---------------------------------------------------------


def test_places_count_uncancelled_registrations(volunteer_coordinator, hanna, own):
    event = make_event(volunteer_coordinator, capacity=1)
    first = registration_add(actor=volunteer_coordinator, event=event, volunteer=hanna)
    with pytest.raises(ValidationError) as exc:
        registration_add(actor=volunteer_coordinator, event=event, volunteer=own)
    assert messages_of(exc) == [german("This training event is fully booked.")]
    registration_cancel(actor=volunteer_coordinator, registration=first)
    registration_add(actor=volunteer_coordinator, event=event, volunteer=own)
    assert TrainingRegistration.objects.filter(event=event, cancelled_at__isnull=True).count() == 1


def test_registration_is_refused_when_closed_started_cancelled_or_twice(
    volunteer_coordinator, hanna
):
    closed = make_event(
        volunteer_coordinator, registration_until=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as exc:
        registration_add(actor=volunteer_coordinator, event=closed, volunteer=hanna)
    assert messages_of(exc) == [german("Registration for this training event has closed.")]

    started = start_now(make_event(volunteer_coordinator))
    with pytest.raises(ValidationError) as exc:
        registration_add(actor=volunteer_coordinator, event=started, volunteer=hanna)
    assert messages_of(exc) == [german("This training event has already started.")]

    cancelled = make_event(volunteer_coordinator)
    event_cancel(actor=volunteer_coordinator, event=cancelled, version=cancelled.version)
    with pytest.raises(ValidationError) as exc:
        registration_add(actor=volunteer_coordinator, event=cancelled, volunteer=hanna)
    assert messages_of(exc) == [german("This training event has been cancelled.")]

    event = make_event(volunteer_coordinator)
    registration_add(actor=volunteer_coordinator, event=event, volunteer=hanna)
    with pytest.raises(ValidationError) as exc:
        registration_add(actor=volunteer_coordinator, event=event, volunteer=hanna)
    assert "volunteer" in exc.value.message_dict


def test_registration_until_is_the_last_day(volunteer_coordinator, hanna):
    today = timezone.localdate()
    event = make_event(volunteer_coordinator, registration_until=today)
    assert registration_add(actor=volunteer_coordinator, event=event, volunteer=hanna)
    with pytest.raises(ValidationError) as exc:
        make_event(volunteer_coordinator, registration_until=today + dt.timedelta(days=30))
    assert "registration_until" in exc.value.message_dict


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent transactions"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_overbook(volunteer_coordinator):
    from django.db import connections

    event = make_event(volunteer_coordinator, capacity=2)
    people = [
        make_volunteer(volunteer_coordinator, given_name=f"V{i}", family_name="Test")
        for i in range(6)
    ]
    barrier = threading.Barrier(len(people))
    results: list = [None] * len(people)

    def worker(index, person):
        try:
            barrier.wait(timeout=30)
            results[index] = registration_add(
                actor=volunteer_coordinator, event=event, volunteer=person
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(isinstance(r, TrainingRegistration) for r in results) == 2
    assert sum(isinstance(r, ValidationError) for r in results) == 4, results
    assert TrainingRegistration.objects.filter(event=event).count() == 2


# --- the volunteer's own registration -----------------------------------------------------------


def test_volunteer_registers_themselves_but_nobody_else(
    volunteer_coordinator, volunteer, own, hanna
):
    event = make_event(volunteer_coordinator)
    registration = registration_add(actor=volunteer, event=event, volunteer=own)
    assert registration.registered_by == volunteer
    entry = AuditEntry.objects.get(action="volunteers.training.registered")
    assert entry.data["by_self"] is True
    assert "Lotsin" not in str(entry.data)
    with pytest.raises(PermissionDenied):
        registration_add(actor=volunteer, event=event, volunteer=hanna)
    other = registration_add(actor=volunteer_coordinator, event=event, volunteer=hanna)
    with pytest.raises(Http404):
        registration_cancel(actor=volunteer, registration=other)


def test_volunteer_without_profile_cannot_register(volunteer_coordinator, volunteer, hanna):
    event = make_event(volunteer_coordinator)
    with pytest.raises(PermissionDenied):
        registration_add(actor=volunteer, event=event, volunteer=hanna)


def test_portal_register_and_cancel(client, volunteer_coordinator, volunteer, own):
    event = make_event(volunteer_coordinator, capacity=3)
    client.force_login(volunteer)
    page = client.get(reverse("volunteers:my_training")).content.decode()
    assert TITLE in page
    assert reverse("volunteers:my_training_register", kwargs={"uuid": event.uuid}) in page
    response = client.post(reverse("volunteers:my_training_register", kwargs={"uuid": event.uuid}))
    assert response.status_code == 302
    assert TrainingRegistration.objects.filter(event=event, volunteer=own).exists()
    page = client.get(reverse("volunteers:my_training")).content.decode()
    assert reverse("volunteers:my_training_cancel", kwargs={"uuid": event.uuid}) in page
    assert german("You are registered for the training event.") in page
    client.post(reverse("volunteers:my_training_cancel", kwargs={"uuid": event.uuid}))
    assert not TrainingRegistration.objects.filter(
        event=event, volunteer=own, cancelled_at__isnull=True
    ).exists()


def test_portal_shows_a_full_event_and_the_refusal(
    client, volunteer_coordinator, volunteer, own, hanna
):
    event = make_event(volunteer_coordinator, capacity=1)
    registration_add(actor=volunteer_coordinator, event=event, volunteer=hanna)
    client.force_login(volunteer)
    page = client.get(reverse("volunteers:my_training")).content.decode()
    assert reverse("volunteers:my_training_register", kwargs={"uuid": event.uuid}) not in page
    response = client.post(
        reverse("volunteers:my_training_register", kwargs={"uuid": event.uuid}), follow=True
    )
    assert german("This training event is fully booked.") in response.content.decode()


def test_volunteer_cancels_only_before_the_start(volunteer_coordinator, volunteer, own):
    event = make_event(volunteer_coordinator)
    registration = registration_add(actor=volunteer, event=event, volunteer=own)
    start_now(event)
    with pytest.raises(ValidationError):
        registration_cancel(actor=volunteer, registration=registration)
    registration_cancel(actor=volunteer_coordinator, registration=registration)
    registration.refresh_from_db()
    assert registration.cancelled_at is not None


def test_portal_of_another_kreis_event_is_404(client, volunteer, own, other_volunteer_coordinator):
    foreign = make_event(other_volunteer_coordinator)
    client.force_login(volunteer)
    response = client.post(
        reverse("volunteers:my_training_register", kwargs={"uuid": foreign.uuid})
    )
    assert response.status_code == 404
    assert TITLE not in client.get(reverse("volunteers:my_training")).content.decode()


# --- attendance ---------------------------------------------------------------------------------


def test_attendance_adds_and_removes_the_qualification(volunteer_coordinator, hanna, own):
    event = make_event(volunteer_coordinator)
    attended = registration_add(actor=volunteer_coordinator, event=event, volunteer=hanna)
    absent = registration_add(actor=volunteer_coordinator, event=event, volunteer=own)
    with pytest.raises(ValidationError) as exc:
        attendance_record(actor=volunteer_coordinator, event=event, attendance={})
    assert messages_of(exc) == [
        german("Attendance can be recorded once the training event has started.")
    ]
    start_now(event)
    attendance_record(
        actor=volunteer_coordinator,
        event=event,
        attendance={str(attended.uuid): True, str(absent.uuid): False},
    )
    attended.refresh_from_db()
    q = attended.qualification
    assert attended.attended is True
    assert (q.volunteer, q.title, q.provider, q.hours) == (
        hanna,
        TITLE,
        "DRK Kreisverband",
        Decimal("3.0"),
    )
    assert q.attended_on == timezone.localtime(event.starts_at).date()
    assert not Qualification.objects.filter(volunteer=own).exists()
    # Unchanged: nothing new; withdrawn: the qualification goes.
    attendance_record(
        actor=volunteer_coordinator, event=event, attendance={str(attended.uuid): True}
    )
    assert Qualification.objects.filter(volunteer=hanna).count() == 1
    attendance_record(
        actor=volunteer_coordinator, event=event, attendance={str(attended.uuid): False}
    )
    attended.refresh_from_db()
    assert attended.attended is False and attended.qualification is None
    assert not Qualification.objects.filter(volunteer=hanna).exists()
    # Attended again, with an uploaded certificate: the attendance can no longer be withdrawn.
    attendance_record(
        actor=volunteer_coordinator, event=event, attendance={str(attended.uuid): True}
    )
    attended.refresh_from_db()
    qualification_certificate_attach(
        actor=volunteer_coordinator, qualification=attended.qualification, name="x.pdf", content=PDF
    )
    with pytest.raises(ValidationError):
        attendance_record(
            actor=volunteer_coordinator, event=event, attendance={str(attended.uuid): False}
        )
    assert Qualification.objects.filter(volunteer=hanna).count() == 1
    assert AuditEntry.objects.filter(action="volunteers.training.attendance_recorded").count() == 3


def test_attendance_on_the_page(client, volunteer_coordinator, hanna):
    event = make_event(volunteer_coordinator)
    registration = registration_add(actor=volunteer_coordinator, event=event, volunteer=hanna)
    start_now(event)
    client.force_login(volunteer_coordinator)
    detail = reverse("volunteers:training_event_detail", kwargs={"uuid": event.uuid})
    page = client.get(detail).content.decode()
    assert f'name="{registration.uuid}"' in page
    response = client.post(
        reverse("volunteers:training_attendance", kwargs={"uuid": event.uuid}),
        {str(registration.uuid): "1"},
    )
    assert response.status_code == 302
    html = client.get(reverse("volunteers:volunteer_detail", kwargs={"uuid": hanna.uuid}))
    html = html.content.decode()
    assert TITLE in html
    registration.refresh_from_db()
    assert reverse("volunteers:training_certificate", kwargs={"uuid": registration.uuid}) in html


# --- events -------------------------------------------------------------------------------------


def test_create_event_on_the_page_in_german_format(client, volunteer_coordinator):
    client.force_login(volunteer_coordinator)
    day = timezone.localdate() + dt.timedelta(days=14)
    data = {
        "title": TITLE,
        "place": "Bürgerhaus",
        "starts_at": f"{day:%d.%m.%Y} 09:00",
        "ends_at": f"{day:%d.%m.%Y} 12:30",
        "hours": "3,5",
        "capacity": "12",
        "registration_until": f"{day - dt.timedelta(days=3):%d.%m.%Y}",
    }
    response = client.post(reverse("volunteers:training_event_create"), data)
    assert response.status_code == 302
    event = TrainingEvent.objects.get()
    assert event.hours == Decimal("3.5")
    assert timezone.localtime(event.starts_at).hour == 9
    response = client.post(
        reverse("volunteers:training_event_create"), {**data, "ends_at": data["starts_at"]}
    )
    assert response.status_code == 200
    assert german("The end must be after the start.") in response.content.decode()
    listing = client.get(reverse("volunteers:training_event_list")).content.decode()
    assert TITLE in listing


def test_update_keeps_places_for_registrations_and_checks_the_version(
    volunteer_coordinator, hanna, own
):
    event = make_event(volunteer_coordinator)
    registration_add(actor=volunteer_coordinator, event=event, volunteer=hanna)
    registration_add(actor=volunteer_coordinator, event=event, volunteer=own)
    with pytest.raises(ValidationError) as exc:
        event_update(actor=volunteer_coordinator, event=event, version=1, capacity=1)
    assert messages_of(exc) == [
        german(
            "%(count)s volunteers are registered; please enter at least as many places.",
        )
        % {"count": 2}
    ]
    event = event_update(actor=volunteer_coordinator, event=event, version=1, place="Aula")
    assert event.version == 2
    with pytest.raises(ConflictError):
        event_update(actor=volunteer_coordinator, event=event, version=1, place="Mensa")


def test_cancel_on_the_page(client, volunteer_coordinator, hanna):
    event = make_event(volunteer_coordinator)
    client.force_login(volunteer_coordinator)
    url = reverse("volunteers:training_event_cancel", kwargs={"uuid": event.uuid})
    assert client.get(url).status_code == 200
    assert client.post(url, {"version": event.version}).status_code == 302
    event.refresh_from_db()
    assert event.cancelled_at is not None
    assert AuditEntry.objects.filter(action="volunteers.training_event.cancelled").exists()


def test_registration_on_the_page_and_its_cancellation(client, volunteer_coordinator, hanna):
    event = make_event(volunteer_coordinator)
    client.force_login(volunteer_coordinator)
    url = reverse("volunteers:training_registration_create", kwargs={"uuid": event.uuid})
    assert "Hanna Berger" in client.get(url).content.decode()
    assert client.post(url, {"volunteer": str(hanna.uuid)}).status_code == 302
    registration = TrainingRegistration.objects.get(event=event, volunteer=hanna)
    response = client.post(
        reverse("volunteers:training_registration_cancel", kwargs={"uuid": registration.uuid})
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.cancelled_at is not None


# --- certificates -------------------------------------------------------------------------------


def _attended(volunteer_coordinator, person) -> TrainingRegistration:
    event = make_event(volunteer_coordinator)
    registration = registration_add(actor=volunteer_coordinator, event=event, volunteer=person)
    start_now(event)
    attendance_record(
        actor=volunteer_coordinator, event=event, attendance={str(registration.uuid): True}
    )
    registration.refresh_from_db()
    return registration


def test_certificate_upload_refuses_other_files(client, volunteer_coordinator, hanna):
    registration = _attended(volunteer_coordinator, hanna)
    q = registration.qualification
    client.force_login(volunteer_coordinator)
    url = reverse(
        "volunteers:qualification_certificate", kwargs={"uuid": hanna.uuid, "q_uuid": q.uuid}
    )
    response = client.post(
        url, {"file": SimpleUploadedFile("nachweis.txt", b"just text", "text/plain")}
    )
    assert response.status_code == 200
    assert german("Please upload a PDF, PNG or JPEG file.") in response.content.decode()
    q.refresh_from_db()
    assert q.certificate is None
    response = client.post(
        url, {"file": SimpleUploadedFile("nachweis.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.certificate.content_type == "application/pdf"
    entry = AuditEntry.objects.get(action="volunteers.qualification.certificate_attached")
    assert "nachweis" not in str(entry.data)
    download = client.get(
        reverse(
            "volunteers:qualification_certificate_download",
            kwargs={"uuid": hanna.uuid, "q_uuid": q.uuid},
        )
    )
    assert download.status_code == 200 and bytes(download.content) == PDF
    assert AuditEntry.objects.filter(
        action="volunteers.qualification.certificate_downloaded"
    ).exists()


def test_certificate_upload_needs_a_manager(alice, volunteer, own, volunteer_coordinator):
    registration = _attended(volunteer_coordinator, own)
    for actor in (alice, volunteer):
        with pytest.raises(PermissionDenied):
            qualification_certificate_attach(
                actor=actor, qualification=registration.qualification, name="x.pdf", content=PDF
            )


def test_generated_certificate_names_the_volunteer_and_the_training(
    client, volunteer_coordinator, volunteer, own, alice
):
    registration = _attended(volunteer_coordinator, own)
    url = reverse("volunteers:training_certificate", kwargs={"uuid": registration.uuid})
    client.force_login(volunteer_coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Lina Lotsin" in text
    assert TITLE in text
    assert "Landkreis Sigmaringen" in text
    assert timezone.localtime(registration.event.starts_at).strftime("%d.%m.%Y") in text
    entry = AuditEntry.objects.get(action="volunteers.training.certificate_downloaded")
    assert entry.actor == volunteer_coordinator and "Lotsin" not in str(entry.data)
    # The volunteer themselves, from their page.
    client.force_login(volunteer)
    page = client.get(reverse("volunteers:my_training")).content.decode()
    assert url in page
    assert client.get(url).status_code == 200
    # An integration manager reads the register but not the certificates.
    client.force_login(alice)
    assert client.get(url).status_code == 403


def test_no_certificate_without_attendance(client, volunteer_coordinator, volunteer, own):
    event = make_event(volunteer_coordinator)
    registration = registration_add(actor=volunteer, event=event, volunteer=own)
    client.force_login(volunteer)
    url = reverse("volunteers:training_certificate", kwargs={"uuid": registration.uuid})
    assert client.get(url).status_code == 404


def test_another_volunteer_gets_404_for_a_certificate(client, volunteer_coordinator, hanna, office):
    registration = _attended(volunteer_coordinator, hanna)
    other_user = UserFactory(role=Role.VOLUNTEER, team=None, organisation=office)
    make_volunteer(volunteer_coordinator, user=other_user, status="active", given_name="Otto")
    client.force_login(other_user)
    url = reverse("volunteers:training_certificate", kwargs={"uuid": registration.uuid})
    assert client.get(url).status_code == 404


# --- another Kreis and missing rights -----------------------------------------------------------


def test_another_kreis_gets_404(client, volunteer_coordinator, other_volunteer_coordinator, hanna):
    event = make_event(volunteer_coordinator)
    registration = _attended(volunteer_coordinator, hanna)
    q = registration.qualification
    client.force_login(other_volunteer_coordinator)
    for url in [
        reverse("volunteers:training_event_detail", kwargs={"uuid": event.uuid}),
        reverse("volunteers:training_event_update", kwargs={"uuid": event.uuid}),
        reverse("volunteers:training_event_cancel", kwargs={"uuid": event.uuid}),
        reverse("volunteers:training_registration_create", kwargs={"uuid": event.uuid}),
        reverse("volunteers:training_certificate", kwargs={"uuid": registration.uuid}),
        reverse(
            "volunteers:qualification_certificate", kwargs={"uuid": hanna.uuid, "q_uuid": q.uuid}
        ),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("volunteers:training_attendance", kwargs={"uuid": event.uuid}),
        reverse("volunteers:training_registration_cancel", kwargs={"uuid": registration.uuid}),
    ]:
        assert client.post(url).status_code == 404, url
    assert TITLE not in client.get(reverse("volunteers:training_event_list")).content.decode()
    with pytest.raises(Http404):
        registration_add(actor=other_volunteer_coordinator, event=event, volunteer=hanna)
    with pytest.raises(Http404):
        event_cancel(actor=other_volunteer_coordinator, event=event, version=event.version)


def test_missing_rights_are_403(
    client, volunteer_coordinator, alice, volunteer, own, state_officer
):
    event = make_event(volunteer_coordinator)
    # An integration manager reads the events of the Kreis but does not change them.
    client.force_login(alice)
    assert client.get(reverse("volunteers:training_event_list")).status_code == 200
    assert (
        client.get(
            reverse("volunteers:training_event_detail", kwargs={"uuid": event.uuid})
        ).status_code
        == 200
    )
    assert client.get(reverse("volunteers:training_event_create")).status_code == 403
    assert (
        client.get(
            reverse("volunteers:training_event_update", kwargs={"uuid": event.uuid})
        ).status_code
        == 403
    )
    assert client.get(reverse("volunteers:my_training")).status_code == 403
    with pytest.raises(PermissionDenied):
        event_create(
            actor=alice,
            title="x",
            place="y",
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            hours=Decimal(1),
        )
    # The volunteer has their own page, not the coordination's.
    client.force_login(volunteer)
    assert client.get(reverse("volunteers:training_event_list")).status_code == 403
    assert client.get(reverse("volunteers:my_training")).status_code == 200
    client.force_login(state_officer)
    assert client.get(reverse("volunteers:training_event_list")).status_code == 403
