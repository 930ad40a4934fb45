"""Slots, courses, bookings and course registrations through the API: the same capacity rules,
waiting list and rights as in the UI; German messages; reads of a person logged."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.api.conftest import api_as, german  # noqa: F401
from tests.directory.test_capacity import cases_of, make_course, make_slot
from wegweiser.audit.models import AuditEntry
from wegweiser.directory.models import Enrolment, SlotBooking


@pytest.fixture
def slot(coordinator, service):
    return make_slot(coordinator, service, capacity=1)


@pytest.fixture
def course(coordinator, service):
    return make_course(coordinator, service, places=1)


def test_book_a_slot_until_it_is_full(api_as, alice, case, slot):  # noqa: F811
    api = api_as(alice)
    listed = api.get("/directory/slots", bookable="true").json()
    assert [(s["uuid"], s["free"]) for s in listed["items"]] == [(str(slot.uuid), 1)]

    response = api.post(f"/clients/{case.client.uuid}/bookings", {"slot": str(slot.uuid)})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "booked"
    assert body["client"] == str(case.client.uuid)
    assert body["slot"]["service"]["name"] == "Trauma-Sprechstunde"

    assert api.get("/directory/slots", bookable="true").json()["items"] == []
    assert api.get("/directory/slots").json()["items"][0]["free"] == 0
    other = cases_of(alice, 1)[0]
    response = api.post(f"/clients/{other.client.uuid}/bookings", {"slot": str(slot.uuid)})
    assert response.status_code == 422
    assert response.json()["detail"] == german("This appointment is fully booked.")
    assert SlotBooking.objects.filter(slot=slot).count() == 1


def test_cancel_frees_the_place_and_outcome_only_after_the_time(api_as, alice, case, slot):  # noqa: F811
    api = api_as(alice)
    booking = api.post(f"/clients/{case.client.uuid}/bookings", {"slot": str(slot.uuid)}).json()
    early = api.post(f"/bookings/{booking['uuid']}/outcome", {"attended": True})
    assert early.status_code == 422
    assert early.json()["detail"] == german(
        "Attendance can be recorded only after the appointment."
    )
    assert api.post(f"/bookings/{booking['uuid']}/cancel", {"reason": ""}).status_code == 422
    cancelled = api.post(f"/bookings/{booking['uuid']}/cancel", {"reason": "Krank"})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "Krank"
    assert api.get("/directory/slots", bookable="true").json()["count"] == 1


def test_no_show_after_the_appointment(api_as, alice, case, slot):  # noqa: F811
    api = api_as(alice)
    booking = api.post(f"/clients/{case.client.uuid}/bookings", {"slot": str(slot.uuid)}).json()
    with time_machine.travel(slot.starts_at + dt.timedelta(hours=1)):
        response = api.post(f"/bookings/{booking['uuid']}/outcome", {"attended": False})
    assert response.status_code == 200
    assert response.json()["status"] == "no_show"


def test_waiting_list_offer_and_acceptance(api_as, alice, case, course):  # noqa: F811
    api = api_as(alice)
    second = cases_of(alice, 1)[0]
    first = api.post(f"/clients/{case.client.uuid}/enrolments", {"course": str(course.uuid)})
    assert first.json()["status"] == "enrolled"
    waiting = api.post(f"/clients/{second.client.uuid}/enrolments", {"course": str(course.uuid)})
    assert waiting.status_code == 201
    assert waiting.json()["status"] == "waiting"
    assert waiting.json()["waiting_position"] == 1
    listed = api.get("/directory/courses").json()["items"]
    assert [(c["free"], c["waiting"]) for c in listed] == [(0, 1)]

    ended = api.post(f"/enrolments/{first.json()['uuid']}/end", {})
    assert ended.json()["status"] == "withdrawn"
    offered = api.get(f"/clients/{second.client.uuid}/enrolments").json()["items"][0]
    assert offered["status"] == "offered"
    assert offered["answer_by"] == (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    accepted = api.post(f"/enrolments/{offered['uuid']}/answer", {"accept": True})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "enrolled"
    assert AuditEntry.objects.filter(
        action="clients.case.viewed", case_uuid=second.uuid, data__part="api_enrolments"
    ).exists()


def test_an_expired_offer_cannot_be_accepted(api_as, alice, case, course):  # noqa: F811
    api = api_as(alice)
    second = cases_of(alice, 1)[0]
    first = api.post(f"/clients/{case.client.uuid}/enrolments", {"course": str(course.uuid)})
    api.post(f"/clients/{second.client.uuid}/enrolments", {"course": str(course.uuid)})
    api.post(f"/enrolments/{first.json()['uuid']}/end", {})
    offer = Enrolment.objects.get(case=second)
    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        response = api.post(f"/enrolments/{offer.uuid}/answer", {"accept": True})
    assert response.status_code == 422
    assert response.json()["detail"] == german("The time to answer this offer has passed.")
    offer.refresh_from_db()
    assert offer.status == "expired"


def test_course_administration_sees_no_person(api_as, alice, coordinator, case, course):  # noqa: F811
    enrolled = api_as(alice).post(
        f"/clients/{case.client.uuid}/enrolments", {"course": str(course.uuid)}
    )
    api = api_as(coordinator)
    refused = api.post(f"/enrolments/{enrolled.json()['uuid']}/end", {"reason": ""})
    assert refused.status_code == 422
    removed = api.post(f"/enrolments/{enrolled.json()['uuid']}/end", {"reason": "Nie erschienen"})
    assert removed.status_code == 200
    assert removed.json()["status"] == "removed"
    assert removed.json()["client"] is None
    assert removed.json()["case"] is None


def test_foreign_county_gets_404(api_as, alice, charlie, case, slot, course):  # noqa: F811
    booking = api_as(alice).post(f"/clients/{case.client.uuid}/bookings", {"slot": str(slot.uuid)})
    api = api_as(charlie)
    assert api.get("/directory/slots").json()["count"] == 0
    assert api.get("/directory/courses").json()["count"] == 0
    assert api.get(f"/clients/{case.client.uuid}/bookings").status_code == 404
    assert (
        api.post(f"/bookings/{booking.json()['uuid']}/cancel", {"reason": "x"}).status_code == 404
    )
    own = cases_of(charlie, 1)[0]
    response = api.post(f"/clients/{own.client.uuid}/bookings", {"slot": str(slot.uuid)})
    assert response.status_code == 422
    assert response.json()["errors"]["slot"] == ["Unbekannter Termin."]
    response = api.post(f"/clients/{own.client.uuid}/enrolments", {"course": str(course.uuid)})
    assert response.json()["errors"]["course"] == ["Unbekannter Kurs."]


def test_reading_a_colleagues_person_is_404_and_bad_input_422(api_as, dora, case, slot):  # noqa: F811
    api = api_as(dora)
    assert api.get(f"/clients/{case.client.uuid}/enrolments").status_code == 404
    assert api.get("/directory/slots", service="nope").status_code == 422
    assert api.post(f"/clients/{case.client.uuid}/bookings", {}).status_code == 422
