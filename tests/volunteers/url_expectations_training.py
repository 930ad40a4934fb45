"""Expected status per role for the URLs of the training events, merged into
tests/test_url_matrix.py.

Volunteer and county coordination manage events, registrations, attendance and certificates;
integration managers and team leads read the events of their Kreis (403 on writes and on
certificates); the volunteer has their own page and downloads their own certificates; the data
protection officer, the county administrator and the state: 403. Charlie (an integration manager
of another Kreis) reads his own county's (empty) list, but an event, registration or volunteer of
Alice's Kreis does not exist for him (404). POST-only actions answer 405 to a GET.
"""

from __future__ import annotations

from tests.matrix import SAME_KREIS_CASEWORK, by_role, status

MANAGERS = {"coordinator", "volunteer_coordinator"}
READERS = SAME_KREIS_CASEWORK | MANAGERS


def _manage_one():
    return {**by_role(MANAGERS), "charlie": 404}


def _own_or_managed():
    return {**by_role(MANAGERS | {"volunteer"}), "charlie": 404}


EXPECTED: dict = {
    "volunteers:training_event_list": by_role(READERS | {"charlie"}),
    "volunteers:training_event_create": by_role(MANAGERS),
    "volunteers:training_event_detail": {**by_role(READERS), "charlie": 404},
    "volunteers:training_event_update": _manage_one(),
    "volunteers:training_event_cancel": _manage_one(),
    "volunteers:training_registration_create": _manage_one(),
    "volunteers:training_attendance": status(405),  # POST only
    "volunteers:training_registration_cancel": status(405),  # POST only
    "volunteers:training_certificate": _own_or_managed(),
    "volunteers:qualification_certificate": _manage_one(),
    "volunteers:qualification_certificate_download": _own_or_managed(),
    "volunteers:my_training": by_role({"volunteer"}),
    "volunteers:my_training_register": status(405),  # POST only
    "volunteers:my_training_cancel": status(405),  # POST only
}

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def url_kwargs(world: dict) -> dict:
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from tests.volunteers.helpers import make_volunteer
    from wegweiser.volunteers.models import TrainingEvent, Volunteer
    from wegweiser.volunteers.services_training import (
        attendance_record,
        event_create,
        qualification_certificate_attach,
        registration_add,
    )

    coordination = world["users"]["volunteer_coordinator"]
    account = world["users"]["volunteer"]
    # Another expectation module may have linked the volunteer-role user already.
    own = Volunteer.objects.filter(user=account).first() or make_volunteer(
        coordination, user=account, status="active", given_name="Lina", family_name="Lotsin"
    )
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    fields = {
        "place": "Landratsamt",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=3),
        "hours": Decimal("3"),
    }
    upcoming = event_create(actor=coordination, title="Interkulturelle Kompetenz", **fields)
    registration = registration_add(actor=coordination, event=upcoming, volunteer=own)
    past = event_create(actor=coordination, title="Asylrecht kompakt", **fields)
    attended = registration_add(actor=coordination, event=past, volunteer=own)
    now = timezone.now()
    TrainingEvent.objects.filter(pk=past.pk).update(
        starts_at=now - dt.timedelta(days=2), ends_at=now - dt.timedelta(days=2, hours=-3)
    )
    past.refresh_from_db()
    attendance_record(actor=coordination, event=past, attendance={str(attended.uuid): True})
    attended.refresh_from_db()
    qualification = qualification_certificate_attach(
        actor=coordination, qualification=attended.qualification, name="nachweis.pdf", content=PDF
    )
    event = {"uuid": upcoming.uuid}
    certificate = {"uuid": own.uuid, "q_uuid": qualification.uuid}
    return {
        "volunteers:training_event_detail": event,
        "volunteers:training_event_update": event,
        "volunteers:training_event_cancel": event,
        "volunteers:training_registration_create": event,
        "volunteers:training_attendance": event,
        "volunteers:training_registration_cancel": {"uuid": registration.uuid},
        "volunteers:training_certificate": {"uuid": attended.uuid},
        "volunteers:qualification_certificate": certificate,
        "volunteers:qualification_certificate_download": certificate,
        "volunteers:my_training_register": event,
        "volunteers:my_training_cancel": event,
    }
