"""Pages of the offers with capacity: service detail, booking from a case, the case's list,
administration of slots and courses; names only for those who may see the case."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.directory.conftest import german
from tests.directory.test_capacity import make_course, make_slot
from wegweiser.directory.models import BookingStatus, Enrolment, SlotBooking


def test_service_detail_shows_slots_and_courses_with_free_places(
    client, alice, coordinator, service
):
    make_slot(coordinator, service, capacity=2)
    make_course(coordinator, service, places=12)
    login(client, alice)
    text = client.get(reverse("directory:service_detail", kwargs={"uuid": service.uuid}))
    text = text.content.decode()
    assert "Deutsch 4U" in text and "Beratungsraum 1" in text
    slots = text.split('data-testid="slots"', 1)[1].split("</ul>", 1)[0]
    courses = text.split('data-testid="courses"', 1)[1].split("</ul>", 1)[0]
    assert german("%(booked)s of %(capacity)s booked", booked=0, capacity=2) in slots
    assert (
        german(
            "%(taken)s of %(places)s places taken, %(waiting)s waiting",
            taken=0,
            places=12,
            waiting=0,
        )
        in courses
    )


def test_enrol_and_book_from_the_case(client, alice, coordinator, service, case):
    course = make_course(coordinator, service, places=1)
    slot = make_slot(coordinator, service)
    login(client, alice)
    url = reverse("directory:case_enrol", kwargs={"uuid": case.uuid})
    response = client.post(url, {"course": str(course.uuid)})
    assert response.status_code == 302
    assert Enrolment.objects.get(case=case).status == "enrolled"
    url = reverse("directory:case_book_slot", kwargs={"uuid": case.uuid})
    assert client.post(url, {"slot": str(slot.uuid)}).status_code == 302
    booking = SlotBooking.objects.get(case=case)
    page = client.get(reverse("directory:case_appointments", kwargs={"uuid": case.uuid}))
    text = page.content.decode()
    assert "Deutsch 4U" in text and service.name in text
    url = reverse("directory:booking_cancel", kwargs={"uuid": booking.uuid})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200  # reason required: the form shows the error
    assert client.post(url, {"reason": "Termin verschoben"}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_bad_slot_input_shows_german_messages(client, coordinator, service):
    login(client, coordinator)
    url = reverse("directory:slot_create", kwargs={"uuid": service.uuid})
    past = (timezone.localtime() - dt.timedelta(days=1)).strftime("%d.%m.%Y %H:%M")
    response = client.post(
        url, {"starts_at": past, "duration_minutes": 30, "capacity": 1, "place": ""}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert german("The appointment must lie in the future.") in text
    assert german("Please enter a place or mark the appointment as online.") in text


def test_course_page_shows_names_only_to_those_who_see_the_case(
    client, alice, lead, coordinator, service, case
):
    course = make_course(coordinator, service, places=1)
    client.force_login(alice)
    client.post(
        reverse("directory:case_enrol", kwargs={"uuid": case.uuid}), {"course": str(course.uuid)}
    )
    url = reverse("directory:course_detail", kwargs={"uuid": course.uuid})
    login(client, coordinator)
    text = client.get(url).content.decode()
    assert case.client.full_name not in text and case.number in text
    login(client, lead)
    assert case.client.full_name in client.get(url).content.decode()


def test_other_kreis_and_other_team_get_404(
    client, alice, charlie, dora, coordinator, service, case
):
    course = make_course(coordinator, service)
    slot = make_slot(coordinator, service)
    from wegweiser.directory import services

    enrolment = services.course_enrol(actor=alice, course=course, case=case)
    booking = services.slot_book(actor=alice, slot=slot, case=case)
    for user in (charlie, dora):
        login(client, user)
        for name, uuid in (
            ("enrolment_end", enrolment.uuid),
            ("booking_cancel", booking.uuid),
            ("case_appointments", case.uuid),
            ("case_enrol", case.uuid),
        ):
            assert (
                client.get(reverse(f"directory:{name}", kwargs={"uuid": uuid})).status_code == 404
            )
        assert (
            client.post(
                reverse("directory:enrolment_answer", kwargs={"uuid": enrolment.uuid}),
                {"accept": "1"},
            ).status_code
            == 404
        )
    login(client, charlie)
    for name, uuid in (("course_detail", course.uuid), ("slot_detail", slot.uuid)):
        assert client.get(reverse(f"directory:{name}", kwargs={"uuid": uuid})).status_code == 404
