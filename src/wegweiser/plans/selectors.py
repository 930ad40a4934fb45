"""Every read of integration plans. The rights are those of the case (clients.rules): a goal or
step of a case the user may not see answers 404, like the case itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from wegweiser.clients import rules
from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.models import Case
from wegweiser.directory.models import Service
from wegweiser.plans.models import Goal, GoalStatus, Plan, PlanVersion, Step, StepStatus


def plan_of_case(case: Case) -> Plan | None:
    return Plan.objects.filter(case=case, kreis_id=case.kreis_id).first()


def goals_of_plan(plan: Plan | None) -> list[Goal]:
    """Goals with their steps (and the steps' services) in two queries."""
    if plan is None:
        return []
    return list(
        Goal.objects.filter(plan=plan, kreis_id=plan.kreis_id).prefetch_related(
            Prefetch("steps", queryset=Step.objects.select_related("service"))
        )
    )


@dataclass
class FieldGroup:
    code: str
    label: str
    goals: list[Goal] = field(default_factory=list)


@dataclass
class Progress:
    goals_total: int
    goals_reached: int
    steps_total: int
    steps_done: int

    @property
    def percent(self) -> int:
        return round(100 * self.goals_reached / self.goals_total) if self.goals_total else 0


def group_by_field(goals: list[Goal]) -> list[FieldGroup]:
    """Goals per field of action, in the order of the fields; per goal the step counts."""
    groups = {code: FieldGroup(code, str(label)) for code, label in FieldOfAction.choices}
    for goal in goals:
        steps = [s for s in goal.steps.all() if s.status != StepStatus.DROPPED]
        goal.steps_total = len(steps)
        goal.steps_done = sum(1 for s in steps if s.status == StepStatus.DONE)
        groups[goal.field_of_action].goals.append(goal)
    return [g for g in groups.values() if g.goals]


def progress(goals: list[Goal]) -> Progress:
    counted = [g for g in goals if g.status != GoalStatus.DROPPED]
    steps = [s for g in counted for s in g.steps.all() if s.status != StepStatus.DROPPED]
    return Progress(
        goals_total=len(counted),
        goals_reached=sum(1 for g in counted if g.status == GoalStatus.REACHED),
        steps_total=len(steps),
        steps_done=sum(1 for s in steps if s.status == StepStatus.DONE),
    )


def versions_of_plan(plan: Plan | None) -> QuerySet[PlanVersion]:
    if plan is None:
        return PlanVersion.objects.none()
    return PlanVersion.objects.filter(plan=plan, kreis_id=plan.kreis_id).select_related("agreed_by")


def _case_checked(user, case: Case) -> rules.Access:
    access = rules.case_access(user, case)
    if access is rules.Access.NONE:
        raise Http404
    return access


def goal_get(*, user, uuid) -> tuple[Goal, rules.Access]:
    try:
        goal = Goal.objects.select_related(
            "plan", "plan__case", "plan__case__client", "plan__case__kreis"
        ).get(uuid=uuid, kreis_id=user.kreis_id)
    except (Goal.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    return goal, _case_checked(user, goal.plan.case)


def step_get(*, user, uuid) -> tuple[Step, rules.Access]:
    try:
        step = Step.objects.select_related(
            "goal", "goal__plan", "goal__plan__case", "goal__plan__case__client", "service"
        ).get(uuid=uuid, kreis_id=user.kreis_id)
    except (Step.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    return step, _case_checked(user, step.goal.plan.case)


def services_for_steps(user) -> QuerySet[Service]:
    """Directory services a step may name: active, of the user's Kreis or state-wide (no Kreis)
    in the user's Land."""
    if not user.is_authenticated or not user.kreis_id:
        return Service.objects.none()
    return (
        Service.objects.filter(is_active=True)
        .filter(Q(kreis_id=user.kreis_id) | Q(kreis__isnull=True, land_id=user.kreis.land_id))
        .order_by("name", "pk")
    )


def reviews_due(*, user, today: dt.date | None = None, limit: int = 50) -> list[Plan]:
    """Plans of open cases in the user's caseload whose review is due (one query)."""
    today = today or timezone.localdate()
    return list(
        Plan.objects.filter(
            rules.casework_q(user, "case__"),
            next_review_on__lte=today,
            case__closed_on__isnull=True,
        )
        .select_related("case", "case__client")
        .order_by("next_review_on", "pk")[:limit]
    )
