"""Capacity under concurrent bookings (PostgreSQL): N threads enrol or book at the same moment;
the row lock of the course/slot serialises them, so no place is lost and none double-booked.
SQLite serialises every write itself and its in-memory test database is not shared between
threads, so these tests run only on PostgreSQL (``make test`` runs both)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tests.directory.test_capacity import cases_of, make_course, make_slot
from wegweiser.directory import selectors, services
from wegweiser.directory.models import BookingStatus, Enrolment, EnrolmentStatus, SlotBooking

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent transactions from threads and row locks",
    ),
]

THREADS = 10


def run_concurrently(func, args_list):
    """Start every call at the same moment (barrier); collect results and errors."""
    from django.db import connections

    barrier = threading.Barrier(len(args_list))
    results: list = [None] * len(args_list)

    def worker(index, args):
        try:
            barrier.wait(timeout=30)
            results[index] = func(*args)
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, args)) for i, args in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_enrolments_fill_places_and_queue_the_rest(alice, coordinator, service):
    course = make_course(coordinator, service, places=3)
    cases = cases_of(alice, THREADS)
    results = run_concurrently(
        lambda case: services.course_enrol(actor=alice, course=course, case=case),
        [(case,) for case in cases],
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(Enrolment.objects.filter(course=course).values_list("status", flat=True))
    assert statuses.count(EnrolmentStatus.ENROLLED) == 3
    assert statuses.count(EnrolmentStatus.WAITING) == THREADS - 3
    waiting = selectors.course_participants(user=alice, course=course)["waiting"]
    assert [e.position for e in waiting] == list(range(1, THREADS - 2))
    assert [selectors.waiting_position(e) for e in waiting] == list(range(1, THREADS - 2))
    # the waiting list follows the order in which the requests got the lock
    assert [e.requested_at for e in waiting] == sorted(e.requested_at for e in waiting)
    enrolled = selectors.course_participants(user=alice, course=course)["enrolled"]
    assert max(e.requested_at for e in enrolled) <= min(e.requested_at for e in waiting)


def test_concurrent_withdrawals_offer_each_freed_place_once(alice, coordinator, service):
    course = make_course(coordinator, service, places=3)
    cases = cases_of(alice, 8)
    enrolments = [services.course_enrol(actor=alice, course=course, case=c) for c in cases]
    enrolled = [e for e in enrolments if e.status == EnrolmentStatus.ENROLLED]
    results = run_concurrently(
        lambda e: services.enrolment_end(actor=alice, enrolment=e, reason="Umzug"),
        [(e,) for e in enrolled],
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    offered = Enrolment.objects.filter(course=course, status=EnrolmentStatus.OFFERED)
    # exactly the first three of the waiting list are offered the three freed places
    assert sorted(offered.values_list("pk", flat=True)) == [e.pk for e in enrolments[3:6]]
    assert Enrolment.objects.filter(course=course, status=EnrolmentStatus.WAITING).count() == 2


def test_concurrent_slot_bookings_never_overbook(alice, coordinator, service):
    slot = make_slot(coordinator, service, capacity=3)
    cases = cases_of(alice, THREADS)
    results = run_concurrently(
        lambda case: services.slot_book(actor=alice, slot=slot, case=case),
        [(case,) for case in cases],
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == THREADS - 3
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert SlotBooking.objects.filter(slot=slot, status=BookingStatus.BOOKED).count() == 3


def test_concurrent_double_booking_of_one_case(alice, coordinator, service, case):
    slot = make_slot(
        coordinator, service, capacity=5, starts_at=timezone.now() + dt.timedelta(days=1)
    )
    results = run_concurrently(
        lambda: services.slot_book(actor=alice, slot=slot, case=case), [()] * 5
    )
    assert sum(1 for r in results if isinstance(r, SlotBooking)) == 1
    assert SlotBooking.objects.filter(slot=slot, case=case).count() == 1
