"""Offers with capacity: courses with places, waiting list and offers of freed places;
consultation slots with booking, cancellation and outcome; rights; German messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tests.directory.conftest import german
from tests.factories import make_client
from wegweiser.audit.models import AuditEntry
from wegweiser.directory import selectors, services
from wegweiser.directory.models import BookingStatus, Enrolment, EnrolmentStatus, SlotBooking


def make_course(actor, service, places=2, **extra):
    today = timezone.localdate()
    values = {
        "title": "Deutsch 4U",
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=60),
        "places": places,
        "answer_days": 3,
    }
    values.update(extra)
    return services.course_create(actor=actor, service=service, **values)


def make_slot(actor, service, capacity=1, **extra):
    values = {
        "starts_at": timezone.now() + dt.timedelta(days=2),
        "duration_minutes": 45,
        "place": "Beratungsraum 1",
        "capacity": capacity,
    }
    values.update(extra)
    return services.slot_create(actor=actor, service=service, **values)


def cases_of(actor, n):
    names = ["Amal", "Bashir", "Chiara", "Dalia", "Emir", "Farah", "Gül", "Hamid", "Irina", "Jamal"]
    return [
        make_client(actor, given_names=names[i % 10], family_name=f"Test{i}").cases.get()
        for i in range(n)
    ]


@pytest.fixture
def course(coordinator, service):
    return make_course(coordinator, service, places=2)


@pytest.fixture
def slot(coordinator, service):
    return make_slot(coordinator, service)


# --- courses -----------------------------------------------------------------------------------


def test_full_course_puts_the_next_on_the_waiting_list_in_order(alice, course):
    a, b, c, d = cases_of(alice, 4)
    first = services.course_enrol(actor=alice, course=course, case=a)
    second = services.course_enrol(actor=alice, course=course, case=b)
    third = services.course_enrol(actor=alice, course=course, case=c)
    fourth = services.course_enrol(actor=alice, course=course, case=d)
    assert [first.status, second.status] == [EnrolmentStatus.ENROLLED] * 2
    assert [third.status, fourth.status] == [EnrolmentStatus.WAITING] * 2
    assert selectors.waiting_position(third) == 1
    assert selectors.waiting_position(fourth) == 2
    actions = set(AuditEntry.objects.filter(case_uuid=c.uuid).values_list("action", flat=True))
    assert "directory.enrolment.waiting" in actions


def test_same_person_cannot_register_twice(alice, course, case):
    services.course_enrol(actor=alice, course=course, case=case)
    with pytest.raises(ValidationError) as exc:
        services.course_enrol(actor=alice, course=course, case=case)
    assert exc.value.messages == [german("This person is already registered for this course.")]


def test_withdrawal_offers_the_place_to_the_first_waiting_then_accept(alice, course):
    a, b, c, d = cases_of(alice, 4)
    first = services.course_enrol(actor=alice, course=course, case=a)
    services.course_enrol(actor=alice, course=course, case=b)
    third = services.course_enrol(actor=alice, course=course, case=c)
    fourth = services.course_enrol(actor=alice, course=course, case=d)
    services.enrolment_end(actor=alice, enrolment=first, reason="Umzug")
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == EnrolmentStatus.OFFERED
    assert third.answer_by == timezone.localdate() + dt.timedelta(days=3)
    assert fourth.status == EnrolmentStatus.WAITING
    assert selectors.waiting_position(fourth) == 1
    # an offered place counts as taken: a new request waits
    e = cases_of(alice, 5)[-1]
    assert services.course_enrol(actor=alice, course=course, case=e).status == "waiting"
    accepted = services.enrolment_answer_offer(actor=alice, enrolment=third, accept=True)
    assert accepted.status == EnrolmentStatus.ENROLLED
    assert Enrolment.objects.filter(course=course, status="enrolled").count() == 2


def test_decline_offers_the_next(alice, course):
    a, b, c, d = cases_of(alice, 4)
    first = services.course_enrol(actor=alice, course=course, case=a)
    services.course_enrol(actor=alice, course=course, case=b)
    third = services.course_enrol(actor=alice, course=course, case=c)
    fourth = services.course_enrol(actor=alice, course=course, case=d)
    services.enrolment_end(actor=alice, enrolment=first)
    services.enrolment_answer_offer(actor=alice, enrolment=third, accept=False)
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == EnrolmentStatus.DECLINED
    assert fourth.status == EnrolmentStatus.OFFERED


def test_expired_offer_goes_to_the_next(alice, course):
    a, b, c, d = cases_of(alice, 4)
    first = services.course_enrol(actor=alice, course=course, case=a)
    services.course_enrol(actor=alice, course=course, case=b)
    third = services.course_enrol(actor=alice, course=course, case=c)
    fourth = services.course_enrol(actor=alice, course=course, case=d)
    services.enrolment_end(actor=alice, enrolment=first)
    later = timezone.now() + dt.timedelta(days=5)
    with pytest.raises(ValidationError) as exc:
        services.enrolment_answer_offer(actor=alice, enrolment=third, accept=True, now=later)
    assert exc.value.messages == [german("The time to answer this offer has passed.")]
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == EnrolmentStatus.EXPIRED
    assert fourth.status == EnrolmentStatus.OFFERED


def test_course_process_offers_expires_and_offers(alice, course):
    a, b, c, d = cases_of(alice, 4)
    first = services.course_enrol(actor=alice, course=course, case=a)
    services.course_enrol(actor=alice, course=course, case=b)
    third = services.course_enrol(actor=alice, course=course, case=c)
    fourth = services.course_enrol(actor=alice, course=course, case=d)
    services.enrolment_end(actor=alice, enrolment=first)
    later = timezone.now() + dt.timedelta(days=4)
    assert services.course_process_offers(course=course, now=later) == 1
    assert Enrolment.objects.get(pk=third.pk).status == EnrolmentStatus.EXPIRED
    assert Enrolment.objects.get(pk=fourth.pk).status == EnrolmentStatus.OFFERED


def test_removal_by_the_administration_needs_a_reason(alice, coordinator, course, case):
    enrolment = services.course_enrol(actor=alice, course=course, case=case)
    with pytest.raises(ValidationError) as exc:
        services.enrolment_end(actor=coordinator, enrolment=enrolment)
    assert exc.value.message_dict["reason"] == [
        german("Please give a reason for removing the person.")
    ]
    ended = services.enrolment_end(actor=coordinator, enrolment=enrolment, reason="Dreimal gefehlt")
    assert ended.status == EnrolmentStatus.REMOVED


def test_attendance_per_course_date(alice, coordinator, course, case):
    enrolment = services.course_enrol(actor=alice, course=course, case=case)
    today = timezone.localdate()
    services.enrolment_record_attendance(actor=coordinator, enrolment=enrolment, on=today)
    enrolment.refresh_from_db()
    assert enrolment.attended_dates == [today.isoformat()]
    with pytest.raises(ValidationError) as exc:
        services.enrolment_record_attendance(
            actor=coordinator, enrolment=enrolment, on=today - dt.timedelta(days=1)
        )
    assert exc.value.message_dict["on"] == [german("The date must lie within the course period.")]
    with pytest.raises(PermissionDenied):
        services.enrolment_record_attendance(actor=alice, enrolment=enrolment, on=today)


def test_course_input_errors_in_german(coordinator, service):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.course_create(
            actor=coordinator,
            service=service,
            title="Deutsch 4U",
            starts_on=today,
            ends_on=today - dt.timedelta(days=1),
            places=0,
        )
    assert exc.value.message_dict["ends_on"] == [german("The course cannot end before it starts.")]
    assert exc.value.message_dict["places"] == [german("A course needs at least one place.")]


# --- rights --------------------------------------------------------------------------------------


def test_only_editors_of_the_service_administer(alice, charlie, service):
    with pytest.raises(PermissionDenied):
        make_course(alice, service)
    with pytest.raises(Http404):
        make_course(charlie, service)
    with pytest.raises(PermissionDenied):
        make_slot(alice, service)


def test_bookings_only_for_cases_the_actor_may_edit(
    alice, dora, charlie, coordinator, course, slot, case, foreign_service, foreign_coordinator
):
    with pytest.raises(Http404):
        services.course_enrol(actor=dora, course=course, case=case)
    with pytest.raises(Http404):
        services.course_enrol(actor=charlie, course=course, case=case)
    with pytest.raises(Http404):
        services.slot_book(actor=dora, slot=slot, case=case)
    # the coordinator sees the case only with a reason and may never book for it
    with pytest.raises(PermissionDenied):
        services.course_enrol(actor=coordinator, course=course, case=case)
    with pytest.raises(PermissionDenied):
        services.slot_book(actor=coordinator, slot=slot, case=case)
    # a course of another Kreis is invisible to Alice
    foreign_course = make_course(foreign_coordinator, foreign_service)
    with pytest.raises(Http404):
        services.course_enrol(actor=alice, course=foreign_course, case=case)
    enrolment = services.course_enrol(actor=alice, course=course, case=case)
    with pytest.raises(Http404):
        services.enrolment_end(actor=dora, enrolment=enrolment)
    with pytest.raises(Http404):
        selectors.enrolment_get(user=charlie, uuid=enrolment.uuid)


def test_names_only_for_users_who_may_see_the_case(alice, coordinator, course, case):
    services.course_enrol(actor=alice, course=course, case=case)
    rows = selectors.course_participants(user=coordinator, course=course)["enrolled"]
    assert [r.show_name for r in rows] == [False]
    rows = selectors.course_participants(user=alice, course=course)["enrolled"]
    assert [r.show_name for r in rows] == [True]


# --- consultation slots -----------------------------------------------------------------------


def test_slot_booking_cancellation_frees_the_slot(alice, bob, slot, case):
    other = cases_of(alice, 1)[0]
    booking = services.slot_book(actor=alice, slot=slot, case=case)
    assert booking.status == BookingStatus.BOOKED
    with pytest.raises(ValidationError) as exc:
        services.slot_book(actor=alice, slot=slot, case=other)
    assert exc.value.messages == [german("This appointment is fully booked.")]
    with pytest.raises(ValidationError) as exc:
        services.booking_cancel(actor=bob, booking=booking, reason=" ")
    assert exc.value.message_dict["reason"] == [
        german("Please give a reason for the cancellation.")
    ]
    cancelled = services.booking_cancel(actor=bob, booking=booking, reason="Krank")
    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancel_reason) == (
        BookingStatus.CANCELLED,
        bob,
        "Krank",
    )
    assert cancelled.cancelled_at is not None
    assert services.slot_book(actor=alice, slot=slot, case=other).status == "booked"
    # the cancelled case may book again (the partial unique constraint ignores cancellations)
    slot.capacity = 2
    slot.save()
    assert services.slot_book(actor=alice, slot=slot, case=case).status == "booked"
    assert "directory.booking.cancelled" in AuditEntry.objects.filter(
        case_uuid=case.uuid
    ).values_list("action", flat=True)


def test_outcome_only_after_the_slot_time(alice, coordinator, slot, case):
    booking = services.slot_book(actor=alice, slot=slot, case=case)
    with pytest.raises(ValidationError) as exc:
        services.booking_record_outcome(actor=coordinator, booking=booking, attended=False)
    assert exc.value.messages == [german("Attendance can be recorded only after the appointment.")]
    later = slot.starts_at + dt.timedelta(hours=1)
    done = services.booking_record_outcome(
        actor=coordinator, booking=booking, attended=False, now=later
    )
    assert done.status == BookingStatus.NO_SHOW
    done = services.booking_record_outcome(actor=alice, booking=booking, attended=True, now=later)
    assert done.status == BookingStatus.ATTENDED


def test_slot_input_errors_in_german(coordinator, service):
    with pytest.raises(ValidationError) as exc:
        make_slot(
            coordinator,
            service,
            starts_at=timezone.now() - dt.timedelta(hours=1),
            place="",
            capacity=0,
        )
    errors = exc.value.message_dict
    assert errors["starts_at"] == [german("The appointment must lie in the future.")]
    assert errors["place"] == [german("Please enter a place or mark the appointment as online.")]
    assert errors["capacity"] == [
        german("At least one person must be able to book the appointment.")
    ]


def test_past_slot_cannot_be_booked(alice, slot, case):
    later = slot.starts_at + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as exc:
        services.slot_book(actor=alice, slot=slot, case=case, now=later)
    assert exc.value.messages == [
        german("This appointment has already begun and can no longer be booked.")
    ]


def test_one_active_booking_per_case_is_a_database_constraint(alice, slot, case):
    from django.db import IntegrityError, transaction

    booking = services.slot_book(actor=alice, slot=slot, case=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        SlotBooking.objects.create(
            kreis=booking.kreis, slot=slot, case=case, booked_at=timezone.now()
        )
