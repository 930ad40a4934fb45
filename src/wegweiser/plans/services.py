"""Every write of integration plans: goals, steps, agreed versions. Rights are those of the case
(only who may edit the case file changes its plan); every write is audited with the case."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_case_event
from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.models import Case
from wegweiser.clients.services import _require_edit
from wegweiser.core.dates import add_months
from wegweiser.core.services import apply_changes, lock_for_update
from wegweiser.plans.models import (
    AgreementForm,
    Goal,
    GoalStatus,
    Plan,
    PlanVersion,
    Priority,
    Step,
    StepOwner,
    StepStatus,
)
from wegweiser.statistics import outcomes

GOAL_FIELDS = ("field_of_action", "text", "target_date", "priority", "status", "reached_on")
STEP_FIELDS = ("text", "owner", "service", "due_on", "status")
REVIEW_MONTHS_MIN = 1
REVIEW_MONTHS_MAX = 24


def _require_open_edit(actor, case: Case) -> None:
    _require_edit(actor, case)
    if not case.is_open:
        raise ValidationError(_("The plan of a closed case cannot be changed."))


def _touch(plan: Plan) -> None:
    """Any change of goals or steps changes the plan: an agreement prepared on an older state
    then conflicts instead of silently covering goals its author has not seen."""
    Plan.objects.filter(pk=plan.pk).update(version=F("version") + 1, updated_at=timezone.now())


@transaction.atomic
def plan_get_or_create(*, actor, case: Case) -> Plan:
    _require_open_edit(actor, case)
    plan = Plan.objects.select_for_update().filter(case=case).first()
    if plan is not None:
        return plan
    plan = Plan(
        kreis_id=case.kreis_id, case=case, review_interval_months=county_review_months(case)
    )
    plan.full_clean()
    plan.save()
    audit_case_event(actor=actor, action="plans.plan.created", case=case, obj=plan)
    return plan


def county_review_months(case: Case) -> int:
    """The county's review interval for new plans (Kreis setting, default three months)."""
    return case.kreis.plan_review_months


def _clean_text(value) -> str:
    return (value or "").strip()


def _check_goal(goal: Goal) -> None:
    errors: dict[str, str] = {}
    if not goal.text:
        errors["text"] = _("Please describe the goal.")
    if goal.field_of_action not in FieldOfAction.values:
        errors["field_of_action"] = _("Please choose a field of action.")
    if goal.priority not in Priority.values:
        errors["priority"] = _("Please choose a priority.")
    if goal.status not in GoalStatus.values:
        errors["status"] = _("Please choose a status.")
    today = timezone.localdate()
    if goal.status == GoalStatus.REACHED:
        if goal.reached_on is None:
            goal.reached_on = today
        elif goal.reached_on > today:
            errors["reached_on"] = _("The date cannot be in the future.")
    else:
        goal.reached_on = None
    if errors:
        raise ValidationError(errors)
    goal.full_clean()


@transaction.atomic
def goal_add(
    *,
    actor,
    case: Case,
    field_of_action: str,
    text: str,
    target_date: dt.date | None = None,
    priority: str = Priority.MEDIUM,
    status: str = GoalStatus.OPEN,
    reached_on: dt.date | None = None,
) -> Goal:
    plan = plan_get_or_create(actor=actor, case=case)
    position = (plan.goals.aggregate(m=Max("position"))["m"] or 0) + 1
    goal = Goal(
        kreis_id=plan.kreis_id,
        plan=plan,
        field_of_action=field_of_action,
        text=_clean_text(text),
        target_date=target_date,
        priority=priority,
        status=status,
        reached_on=reached_on,
        position=position,
    )
    _check_goal(goal)
    goal.save()
    _touch(plan)
    outcomes.refresh_client(case.client)
    audit_case_event(
        actor=actor,
        action="plans.goal.added",
        case=case,
        obj=goal,
        data={"field_of_action": field_of_action},
    )
    return goal


@transaction.atomic
def goal_update(*, actor, goal: Goal, version: int | None, **fields) -> Goal:
    case = goal.plan.case
    _require_open_edit(actor, case)
    fresh = lock_for_update(goal, expected_version=version)
    changes = {k: v for k, v in fields.items() if k in GOAL_FIELDS}
    if "text" in changes:
        changes["text"] = _clean_text(changes["text"])
    changed = apply_changes(fresh, changes)
    before_reached = fresh.reached_on
    _check_goal(fresh)
    if fresh.reached_on != before_reached and "reached_on" not in changed:
        changed.append("reached_on")
    if changed:
        fresh.version += 1
        fresh.save()
        _touch(goal.plan)
        if {"status", "reached_on", "field_of_action"} & set(changed):
            outcomes.refresh_client(case.client)
        audit_case_event(
            actor=actor,
            action="plans.goal.updated",
            case=case,
            obj=fresh,
            data={"fields": sorted(changed), "status": fresh.status},
        )
    return fresh


def goal_set_status(
    *, actor, goal: Goal, version: int | None, status: str, reached_on: dt.date | None = None
) -> Goal:
    return goal_update(
        actor=actor, goal=goal, version=version, status=status, reached_on=reached_on
    )


def _check_step(actor, step: Step) -> None:
    from wegweiser.plans.selectors import services_for_steps

    errors: dict[str, str] = {}
    if not step.text:
        errors["text"] = _("Please describe the step.")
    if step.owner not in StepOwner.values:
        errors["owner"] = _("Please choose who does this step.")
    if step.status not in StepStatus.values:
        errors["status"] = _("Please choose a status.")
    if step.owner != StepOwner.SERVICE:
        step.service = None
    elif (
        step.service is not None
        and not services_for_steps(actor).filter(pk=step.service.pk).exists()
    ):
        errors["service"] = _("Please choose a service of the directory of your county.")
    if errors:
        raise ValidationError(errors)
    step.full_clean()


@transaction.atomic
def step_add(
    *,
    actor,
    goal: Goal,
    text: str,
    owner: str,
    service=None,
    due_on: dt.date | None = None,
    status: str = StepStatus.OPEN,
) -> Step:
    case = goal.plan.case
    _require_open_edit(actor, case)
    position = (goal.steps.aggregate(m=Max("position"))["m"] or 0) + 1
    step = Step(
        kreis_id=goal.kreis_id,
        goal=goal,
        text=_clean_text(text),
        owner=owner,
        service=service,
        due_on=due_on,
        status=status,
        position=position,
    )
    _check_step(actor, step)
    step.save()
    _touch(goal.plan)
    audit_case_event(
        actor=actor, action="plans.step.added", case=case, obj=step, data={"owner": owner}
    )
    return step


@transaction.atomic
def step_update(*, actor, step: Step, version: int | None, **fields) -> Step:
    case = step.goal.plan.case
    _require_open_edit(actor, case)
    fresh = lock_for_update(step, expected_version=version)
    changes = {k: v for k, v in fields.items() if k in STEP_FIELDS}
    if "text" in changes:
        changes["text"] = _clean_text(changes["text"])
    before_service = fresh.service_id
    changed = apply_changes(fresh, changes)
    _check_step(actor, fresh)
    changed = [c for c in changed if c != "service"]
    if fresh.service_id != before_service:
        changed.append("service")
    if changed:
        fresh.version += 1
        fresh.save()
        _touch(step.goal.plan)
        audit_case_event(
            actor=actor,
            action="plans.step.updated",
            case=case,
            obj=fresh,
            data={"fields": sorted(changed), "status": fresh.status},
        )
    return fresh


def step_set_status(*, actor, step: Step, version: int | None, status: str) -> Step:
    return step_update(actor=actor, step=step, version=version, status=status)


# --- agreed versions -----------------------------------------------------------------------


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def plan_snapshot(plan: Plan) -> dict:
    """The plan's goals and steps as plain data (kept unchanged in the agreed version)."""
    goals = Goal.objects.filter(plan=plan).prefetch_related("steps", "steps__service")
    return {
        "goals": [
            {
                "uuid": str(g.uuid),
                "field_of_action": g.field_of_action,
                "text": g.text,
                "target_date": _iso(g.target_date),
                "priority": g.priority,
                "status": g.status,
                "reached_on": _iso(g.reached_on),
                "steps": [
                    {
                        "uuid": str(s.uuid),
                        "text": s.text,
                        "owner": s.owner,
                        "service": s.service.name if s.service else None,
                        "due_on": _iso(s.due_on),
                        "status": s.status,
                    }
                    for s in g.steps.all()
                ],
            }
            for g in goals
        ]
    }


_GOAL_COMPARED = ("field_of_action", "text", "target_date", "priority", "status", "reached_on")
_STEP_COMPARED = ("text", "owner", "service", "due_on", "status")


def plan_changes(previous: dict | None, current: dict) -> list[dict]:
    """What changed between two snapshots: goals and steps added, removed or changed (with the
    names of the changed fields). Each entry names the goal (and step) by its text."""
    before = {g["uuid"]: g for g in (previous or {}).get("goals", [])}
    changes: list[dict] = []
    for goal in current.get("goals", []):
        old = before.pop(goal["uuid"], None)
        if old is None:
            changes.append({"kind": "goal_added", "goal": goal["text"]})
            changes.extend(
                {"kind": "step_added", "goal": goal["text"], "step": s["text"]}
                for s in goal["steps"]
            )
            continue
        fields = [f for f in _GOAL_COMPARED if old.get(f) != goal.get(f)]
        if fields:
            changes.append(
                {"kind": "goal_changed", "goal": goal["text"], "fields": fields}
                | ({"status": goal["status"]} if "status" in fields else {})
            )
        old_steps = {s["uuid"]: s for s in old.get("steps", [])}
        for step in goal["steps"]:
            old_step = old_steps.pop(step["uuid"], None)
            if old_step is None:
                changes.append({"kind": "step_added", "goal": goal["text"], "step": step["text"]})
                continue
            fields = [f for f in _STEP_COMPARED if old_step.get(f) != step.get(f)]
            if fields:
                changes.append(
                    {
                        "kind": "step_changed",
                        "goal": goal["text"],
                        "step": step["text"],
                        "fields": fields,
                    }
                    | ({"status": step["status"]} if "status" in fields else {})
                )
        changes.extend(
            {"kind": "step_removed", "goal": goal["text"], "step": s["text"]}
            for s in old_steps.values()
        )
    changes.extend({"kind": "goal_removed", "goal": g["text"]} for g in before.values())
    return changes


@transaction.atomic
def plan_agree(
    *,
    actor,
    plan: Plan,
    version: int | None,
    agreed_on: dt.date,
    agreement_form: str,
    review_interval_months: int | None = None,
) -> PlanVersion:
    """Record the client's agreement to the current plan: a new version with a snapshot and what
    changed since the previous one; the next review falls due after the review interval."""
    case = plan.case
    _require_open_edit(actor, case)
    fresh = lock_for_update(plan, expected_version=version)
    errors: dict[str, str] = {}
    if agreed_on is None:
        errors["agreed_on"] = _("Please enter the date of the agreement.")
    elif agreed_on > timezone.localdate():
        errors["agreed_on"] = _("The date cannot be in the future.")
    elif agreed_on < case.opened_on:
        errors["agreed_on"] = _(
            "The agreement cannot be before the case was opened (%(date)s)."
        ) % {"date": case.opened_on.strftime("%d.%m.%Y")}
    if agreement_form not in AgreementForm.values:
        errors["agreement_form"] = _("Please choose how the client agreed.")
    if review_interval_months is not None and not (
        REVIEW_MONTHS_MIN <= review_interval_months <= REVIEW_MONTHS_MAX
    ):
        errors["review_interval_months"] = _(
            "The review interval must be between %(min)d and %(max)d months."
        ) % {"min": REVIEW_MONTHS_MIN, "max": REVIEW_MONTHS_MAX}
    if errors:
        raise ValidationError(errors)
    snapshot = plan_snapshot(fresh)
    if not snapshot["goals"]:
        raise ValidationError(_("A plan without goals cannot be agreed."))
    last = PlanVersion.objects.filter(plan=fresh).order_by("-number").first()
    if last is not None and agreed_on < last.agreed_on:
        raise ValidationError(
            {
                "agreed_on": _("The agreement cannot be before the previous one (%(date)s).")
                % {"date": last.agreed_on.strftime("%d.%m.%Y")}
            }
        )
    changes = plan_changes(last.snapshot if last else None, snapshot)
    if last is not None and not changes:
        # A review without changes is still recorded: the client confirmed the plan again.
        changes = [{"kind": "confirmed"}]
    entry = PlanVersion(
        kreis_id=fresh.kreis_id,
        plan=fresh,
        number=(last.number + 1) if last else 1,
        agreed_on=agreed_on,
        agreement_form=agreement_form,
        snapshot=snapshot,
        changes=changes,
        agreed_by=actor,
    )
    entry.full_clean()
    entry.save()
    Goal.objects.filter(plan=fresh, agreed_on__isnull=True).update(agreed_on=agreed_on)
    if review_interval_months is not None:
        fresh.review_interval_months = review_interval_months
    fresh.next_review_on = add_months(agreed_on, fresh.review_interval_months)
    fresh.version += 1
    fresh.full_clean()
    fresh.save()
    audit_case_event(
        actor=actor,
        action="plans.plan.agreed",
        case=case,
        obj=entry,
        data={
            "number": entry.number,
            "form": agreement_form,
            "changes": len([c for c in changes if c["kind"] != "confirmed"]),
        },
    )
    return entry
