"""Expected status per role for the URLs of the directory app, merged into tests/test_url_matrix.py.

EXPECTED maps URL names to {role: status} tables built with tests.matrix (status, by_role,
case_content, case_edit). url_kwargs(world) creates the objects the URLs need and returns
{url name: kwargs for reverse()}; world holds "users" (role -> User; Alice owns the case),
"case" (Alice's open case), "session" and "consent".

Readers of the directory: case work, county coordination and administration of a Kreis, and
the state funding officer (state-wide entries). Editors: team lead, county coordination and
administration. An entry of Alice's Kreis is 404 for Charlie and the state officer.
"""

from __future__ import annotations

from tests.matrix import by_role, case_content, case_edit, status

READERS = {
    "alice",
    "bob",
    "dora",
    "lead",
    "coordinator",
    "county_admin",
    "charlie",
    "state_officer",
}
EDITORS = {"lead", "coordinator", "county_admin", "state_officer"}
IMPORTERS = {"coordinator", "county_admin", "state_officer"}


def _entry(ok: set[str]):
    """An entry of Alice's Kreis: no right at all 403; other Kreis or the state 404."""
    table = by_role(ok)
    table["charlie"] = 404
    table["state_officer"] = 404
    return table


EXPECTED: dict = {
    "directory:service_list": by_role(READERS),
    "directory:service_create": by_role(EDITORS),
    "directory:provider_create": by_role(EDITORS),
    "directory:import": by_role(IMPORTERS),
    "directory:export": by_role(READERS),
    "directory:pdf": status(405),  # POST only
    "directory:service_detail": _entry(READERS),
    "directory:service_update": _entry(EDITORS),
    "directory:service_deactivate": _entry(EDITORS),
    "directory:service_reactivate": status(405),  # POST only
    "directory:provider_update": _entry(EDITORS),
    # offers with capacity: administration follows the service, bookings the case
    "directory:slot_create": _entry(EDITORS),
    "directory:course_create": _entry(EDITORS),
    "directory:slot_detail": _entry(EDITORS),
    "directory:course_detail": _entry(EDITORS),
    "directory:booking_outcome": status(405),  # POST only
    "directory:course_process_offers": status(405),  # POST only
    "directory:enrolment_answer": status(405),  # POST only
    "directory:enrolment_attendance": status(405),  # POST only
    # a booking: the case's team cancels; the service's editors see it but may not cancel
    "directory:booking_cancel": {**case_edit(), "county_admin": 403},
    # an enrolment: the case's team withdraws; the course administration removes
    "directory:enrolment_end": {**case_content(), "county_admin": 200},
    "directory:case_appointments": {**case_content(), "coordinator": 302},
    "directory:case_book_slot": case_edit(),
    "directory:case_enrol": case_edit(),
}


def url_kwargs(world: dict) -> dict:
    import datetime as dt

    from django.utils import timezone

    from wegweiser.directory import services
    from wegweiser.directory.services import provider_create, service_create

    coordinator = world["users"]["coordinator"]
    provider = provider_create(actor=coordinator, name="Diakonie Matrix")
    service = service_create(actor=coordinator, provider=provider, name="Sprachcafé Matrix")
    entry = {"uuid": service.uuid}
    slot = services.slot_create(
        actor=coordinator,
        service=service,
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="Raum 1",
    )
    course = services.course_create(
        actor=coordinator,
        service=service,
        title="Deutsch 4U",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        places=1,
    )
    alice, case = world["users"]["alice"], world["case"]
    booking = services.slot_book(actor=alice, slot=slot, case=case)
    enrolment = services.course_enrol(actor=alice, course=course, case=case)
    return {
        "directory:slot_create": entry,
        "directory:course_create": entry,
        "directory:slot_detail": {"uuid": slot.uuid},
        "directory:course_detail": {"uuid": course.uuid},
        "directory:course_process_offers": {"uuid": course.uuid},
        "directory:booking_outcome": {"uuid": booking.uuid},
        "directory:booking_cancel": {"uuid": booking.uuid},
        "directory:enrolment_end": {"uuid": enrolment.uuid},
        "directory:enrolment_answer": {"uuid": enrolment.uuid},
        "directory:enrolment_attendance": {"uuid": enrolment.uuid},
        "directory:case_appointments": {"uuid": case.uuid},
        "directory:case_book_slot": {"uuid": case.uuid},
        "directory:case_enrol": {"uuid": case.uuid},
        "directory:service_detail": entry,
        "directory:service_update": entry,
        "directory:service_deactivate": entry,
        "directory:service_reactivate": entry,
        "directory:provider_update": {"uuid": provider.uuid},
    }
