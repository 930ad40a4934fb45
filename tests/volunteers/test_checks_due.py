"""Reminders of required checks (checks_due) on a fixed clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.volunteers.conftest import german
from tests.volunteers.helpers import make_volunteer
from wegweiser.volunteers.models import CheckKind
from wegweiser.volunteers.selectors import checks_due
from wegweiser.volunteers.services import check_record, volunteer_set_status

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
NOON = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
COC = CheckKind.CERTIFICATE_OF_CONDUCT
CONF = CheckKind.CONFIDENTIALITY


def _active(actor, **fields):
    return make_volunteer(actor, status="active", **fields)


def _check(actor, v, kind, issued_on, next_due_on=None):
    return check_record(
        actor=actor, volunteer=v, kind=kind, issued_on=issued_on, next_due_on=next_due_on
    )


@time_machine.travel(NOON, tick=False)
def test_due_soon_overdue_and_missing(volunteer_coordinator):
    vc = volunteer_coordinator
    complete = _active(vc, given_name="Voll", family_name="Ständig")
    _check(vc, complete, COC, dt.date(2025, 1, 1))
    _check(vc, complete, CONF, dt.date(2025, 1, 1))
    soon = _active(vc, given_name="Bald", family_name="Fällig")
    _check(vc, soon, COC, dt.date(2021, 8, 1))  # due 01.08.2026: within 60 days
    _check(vc, soon, CONF, dt.date(2021, 8, 1))
    late = _active(vc, given_name="Schon", family_name="Überfällig")
    _check(vc, late, COC, dt.date(2021, 5, 1))  # due 01.05.2026: past
    _check(vc, late, CONF, dt.date(2021, 5, 1))
    later = _active(vc, given_name="Noch", family_name="Zeit")
    _check(vc, later, COC, dt.date(2021, 9, 1))  # due 01.09.2026: 78 days away
    _check(vc, later, CONF, dt.date(2021, 9, 1))
    missing = _active(vc, given_name="Ohne", family_name="Nachweis")
    interested = make_volunteer(vc, given_name="Nur", family_name="Interessiert")

    reminders = checks_due(user=vc, today=TODAY)
    got = [(r.volunteer.pk, r.kind, r.due_on) for r in reminders]
    assert got == [
        (missing.pk, COC, None),
        (missing.pk, CONF, None),
        (late.pk, COC, dt.date(2026, 5, 1)),
        (soon.pk, COC, dt.date(2026, 8, 1)),
    ]
    assert reminders[2].overdue(TODAY) and not reminders[3].overdue(TODAY)
    assert interested.pk not in {r.volunteer.pk for r in reminders}
    # A wider window also finds the later one; the default is 60 days.
    assert later.pk in {r.volunteer.pk for r in checks_due(user=vc, today=TODAY, within_days=90)}
    # Without an explicit date the selector uses the (frozen) clock.
    assert [(r.volunteer.pk, r.kind) for r in checks_due(user=vc)] == [g[:2] for g in got]


@time_machine.travel(NOON, tick=False)
def test_a_renewal_ends_the_reminder_and_leaving_too(volunteer_coordinator):
    vc = volunteer_coordinator
    v = _active(vc)
    _check(vc, v, CONF, dt.date(2024, 1, 1))
    _check(vc, v, COC, dt.date(2021, 5, 1))
    assert [r.kind for r in checks_due(user=vc, volunteer=v)] == [COC]
    _check(vc, v, COC, dt.date(2026, 6, 1))
    assert checks_due(user=vc, volunteer=v) == []
    _check(vc, v, COC, dt.date(2026, 6, 1), next_due_on=dt.date(2026, 7, 1))
    assert len(checks_due(user=vc, volunteer=v)) == 1
    volunteer_set_status(actor=vc, volunteer=v, version=1, status="left", left_on=TODAY)
    assert checks_due(user=vc, volunteer=v) == []


@time_machine.travel(NOON, tick=False)
def test_other_county_is_not_reminded(volunteer_coordinator, other_volunteer_coordinator):
    _active(volunteer_coordinator)
    assert checks_due(user=other_volunteer_coordinator) == []


@time_machine.travel(NOON, tick=False)
def test_desk_shows_checks_due_to_volunteer_coordination(client, volunteer_coordinator):
    v = _active(volunteer_coordinator, given_name="Ohne", family_name="Nachweis")
    client.force_login(volunteer_coordinator)
    response = client.get(reverse("core:desk"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="desk-volunteers-due"' in html
    assert german("Checks due") in html
    assert reverse("volunteers:volunteer_detail", kwargs={"uuid": v.uuid}) in html
    no_work = german(
        "Your role has no case work. Further functions for your role follow with later releases."
    )
    assert no_work not in html


def test_desk_of_other_roles_has_no_volunteer_section(client, alice, volunteer):
    for user in (alice, volunteer):
        client.force_login(user)
        assert (
            'data-testid="desk-volunteers-due"'
            not in client.get(reverse("core:desk")).content.decode()
        )
