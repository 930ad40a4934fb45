"""Rules of the plan services that no page shows directly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wegweiser.clients.services import case_close
from wegweiser.plans.services import add_months, goal_add, plan_changes, plan_snapshot


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 15), 3, dt.date(2026, 4, 15)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),
        (dt.date(2026, 10, 31), 12, dt.date(2027, 10, 31)),
    ],
)
def test_review_date_is_the_same_day_months_later(day, months, expected):
    assert add_months(day, months) == expected


def test_the_plan_of_a_closed_case_cannot_be_changed(alice, case, goal):
    case_close(
        actor=alice,
        case=case,
        version=case.version,
        closed_on=timezone.localdate(),
        close_reason="moved_away",
    )
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        goal_add(actor=alice, case=case, field_of_action="work", text="Arbeit")


def test_only_editors_write(coordinator, dora, case):
    with pytest.raises(PermissionDenied):
        goal_add(actor=coordinator, case=case, field_of_action="work", text="Arbeit")
    from django.http import Http404

    with pytest.raises(Http404):
        goal_add(actor=dora, case=case, field_of_action="work", text="Arbeit")


def test_changes_name_removed_and_changed_items(plan):
    before = plan_snapshot(plan)
    after = {"goals": [dict(before["goals"][0], priority="high", steps=[])]}
    kinds = [c["kind"] for c in plan_changes(before, after)]
    assert kinds == ["goal_changed", "step_removed", "step_removed", "goal_removed"]
    assert plan_changes(before, before) == []
