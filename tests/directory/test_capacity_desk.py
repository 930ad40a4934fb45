"""Offered course places on the desk ("Platzangebot – Antwort bis …") and the daily job that
lets unanswered offers expire and offers the freed places to the next person."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.directory.test_capacity import make_course
from tests.factories import make_client
from wegweiser.audit.models import AuditEntry
from wegweiser.directory import services
from wegweiser.directory.models import Enrolment, EnrolmentStatus
from wegweiser.directory.selectors import offers_awaiting_answer

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _desk(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("core:desk"))
    assert response.status_code == 200
    return response.content.decode()


def _full_course_with_waiting(alice, bob, coordinator, service):
    """A course with one place: Alice's person enrolled, Bob's person waiting."""
    course = make_course(coordinator, service, places=1, title="Deutsch 4U Mengen")
    first = make_client(alice, given_names="Amal", family_name="Haddad").cases.get()
    second = make_client(bob, given_names="Omar", family_name="Nasser").cases.get()
    enrolled = services.course_enrol(actor=alice, course=course, case=first)
    waiting = services.course_enrol(actor=bob, course=course, case=second)
    return course, enrolled, waiting


def test_offer_appears_on_the_desk_of_the_responsible_and_the_team_lead(
    client, alice, bob, lead, dora, coordinator, service, clock
):
    _course, enrolled, waiting = _full_course_with_waiting(alice, bob, coordinator, service)
    assert "Deutsch 4U Mengen" not in _desk(client, bob)  # waiting: nothing to answer yet
    services.enrolment_end(actor=alice, enrolment=enrolled)

    page = _desk(client, bob)
    assert "Platzangebot – Antwort bis 05.03.2026" in page  # answer_days=3 in make_course
    assert "Nasser" in page and "Deutsch 4U Mengen" in page
    case_page = reverse("directory:case_appointments", kwargs={"uuid": waiting.case.uuid})
    assert case_page in page
    assert "Deutsch 4U Mengen" in _desk(client, lead)
    assert "Deutsch 4U Mengen" not in _desk(client, alice)  # not her caseload
    assert "Deutsch 4U Mengen" not in _desk(client, dora)  # other team

    services.enrolment_answer_offer(actor=bob, enrolment=waiting, accept=True)
    assert "Deutsch 4U Mengen" not in _desk(client, bob)


def test_foreign_county_and_roles_without_case_work(charlie, coordinator):
    assert offers_awaiting_answer(user=charlie).count == 0
    assert offers_awaiting_answer(user=coordinator) is None


def test_daily_job_expires_offers_and_offers_the_place_to_the_next(
    client, alice, bob, coordinator, service, clock
):
    course, enrolled, waiting = _full_course_with_waiting(alice, bob, coordinator, service)
    third = make_client(bob, given_names="Lina", family_name="Sadi").cases.get()
    next_in_line = services.course_enrol(actor=bob, course=course, case=third)
    services.enrolment_end(actor=alice, enrolment=enrolled)

    out = StringIO()
    call_command("process_course_offers", stdout=out)  # nothing is due yet
    assert "abgelaufene Platzangebote: 0" in out.getvalue()
    assert Enrolment.objects.get(pk=waiting.pk).status == EnrolmentStatus.OFFERED

    clock.move_to(START + dt.timedelta(days=4))  # answer was due on 05.03.
    page = _desk(client, bob)
    assert "abgelaufen" in page  # the job has not run yet: shown as expired
    out = StringIO()
    call_command("process_course_offers", stdout=out)
    assert "abgelaufene Platzangebote: 1; neu angebotene Plätze: 1." in out.getvalue()
    assert Enrolment.objects.get(pk=waiting.pk).status == EnrolmentStatus.EXPIRED
    offered = Enrolment.objects.get(pk=next_in_line.pk)
    assert offered.status == EnrolmentStatus.OFFERED
    assert offered.answer_by == timezone.localdate() + dt.timedelta(days=3)
    entry = AuditEntry.objects.get(action="directory.enrolment.expired")
    assert entry.actor_id is None and entry.case_uuid == waiting.case.uuid

    out = StringIO()
    call_command("process_course_offers", stdout=out)  # a second run changes nothing
    assert "abgelaufene Platzangebote: 0; neu angebotene Plätze: 0." in out.getvalue()


def test_daily_job_leaves_ended_courses_alone(alice, bob, coordinator, service, clock):
    course, enrolled, waiting = _full_course_with_waiting(alice, bob, coordinator, service)
    services.enrolment_end(actor=alice, enrolment=enrolled)
    with time_machine.travel(
        dt.datetime.combine(course.ends_on, dt.time(12), dt.UTC) + dt.timedelta(days=1)
    ):
        run = services.process_all_course_offers()
    assert run.courses == 0
    assert Enrolment.objects.get(pk=waiting.pk).status == EnrolmentStatus.OFFERED
