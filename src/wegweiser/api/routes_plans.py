"""Integration plans: goals and steps of a case (registered in api/api.py). Thin: parse, call one
selector or service. The rights are those of the case (plans.services/selectors,
clients.rules): who may not see the case gets 404, who may only read it 403 on writes."""

import datetime as dt
from uuid import UUID

from django.db.models import Prefetch
from django.http import Http404
from ninja import Router, Schema
from ninja.responses import Status

from wegweiser.api.errors import invalid
from wegweiser.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    FieldOfActionCode,
    Version,
    _literal,
    _optional,
    bounded_text,
)
from wegweiser.clients import rules
from wegweiser.clients.selectors import case_get
from wegweiser.clients.services import case_viewed
from wegweiser.plans import selectors, services
from wegweiser.plans.models import Goal, GoalStatus, Priority, Step, StepOwner, StepStatus

router = Router(tags=["Integrationspläne"])

READ = READ_ERRORS
WRITE = WRITE_ERRORS

PriorityCode = _literal(Priority.values)
GoalStatusCode = _literal(GoalStatus.values)
StepOwnerCode = _literal(StepOwner.values)
StepStatusCode = _literal(StepStatus.values)
GoalText = bounded_text(2000, min_length=1)
StepText = bounded_text(1000, min_length=1)


class StepOut(Schema):
    uuid: UUID
    version: int
    text: str
    owner: StepOwnerCode
    service: UUID | None
    due_on: dt.date | None
    status: StepStatusCode

    @staticmethod
    def resolve_service(obj) -> UUID | None:
        return obj.service.uuid if obj.service_id else None


class GoalOut(Schema):
    uuid: UUID
    version: int
    field_of_action: FieldOfActionCode
    text: str
    target_date: dt.date | None
    priority: PriorityCode
    status: GoalStatusCode
    reached_on: dt.date | None
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())


class PlanOut(Schema):
    case: UUID
    version: int | None
    review_interval_months: int | None
    next_review_on: dt.date | None
    agreed_versions: int
    goals: list[GoalOut]


class GoalCreate(Schema):
    field_of_action: FieldOfActionCode
    text: GoalText
    target_date: dt.date | None = None
    priority: PriorityCode = Priority.MEDIUM.value


class GoalUpdate(Schema):
    """Änderungen eines Ziels: ``version`` ist Pflicht, nicht gesendete Felder bleiben
    unverändert. Bei Status ``reached`` ohne ``reached_on`` gilt das heutige Datum."""

    version: Version
    field_of_action: FieldOfActionCode = _optional()
    text: GoalText = _optional()
    target_date: dt.date | None = _optional()
    priority: PriorityCode = _optional()
    status: GoalStatusCode = _optional()
    reached_on: dt.date | None = _optional()


class StepCreate(Schema):
    text: StepText
    owner: StepOwnerCode
    service: UUID | None = None
    due_on: dt.date | None = None


class StepUpdate(Schema):
    """Änderungen eines Schritts: ``version`` ist Pflicht, nicht gesendete Felder bleiben
    unverändert."""

    version: Version
    text: StepText = _optional()
    owner: StepOwnerCode = _optional()
    service: UUID | None = _optional()
    due_on: dt.date | None = _optional()
    status: StepStatusCode = _optional()


def _readable_case(user, uuid):
    case, access = case_get(user=user, uuid=uuid)
    if access is rules.Access.NEEDS_REASON:
        raise Http404  # a file opened only with a reason recorded in the application
    return case


def _readable_goal(user, uuid):
    goal, access = selectors.goal_get(user=user, uuid=uuid)
    if access is rules.Access.NEEDS_REASON:
        raise Http404
    return goal


def _service(user, uuid: UUID | None):
    if uuid is None:
        return None
    service = selectors.services_for_steps(user).filter(uuid=uuid).first()
    if service is None:
        raise invalid("service", "Dieses Angebot ist im Verzeichnis Ihres Kreises nicht bekannt.")
    return service


def _goal_out(goal) -> Goal:
    """The goal as the output shows it: steps and their services in one more query each."""
    return Goal.objects.prefetch_related(
        Prefetch("steps", queryset=Step.objects.select_related("service"))
    ).get(pk=goal.pk)


@router.get(
    "/cases/{uuid}/plan",
    response={200: PlanOut, **READ},
    summary="Integrationsplan eines Falls lesen",
    operation_id="plans_read",
)
def plans_read(request, uuid: UUID):
    """Der Integrationsplan des Falls mit Zielen und Schritten (leer, solange keiner angelegt
    ist). Der Abruf wird im Protokoll festgehalten."""
    user = request.auth
    case = _readable_case(user, uuid)
    case_viewed(actor=user, case=case, part="api_plan")
    plan = selectors.plan_of_case(case)
    return {
        "case": case.uuid,
        "version": plan.version if plan else None,
        "review_interval_months": plan.review_interval_months if plan else None,
        "next_review_on": plan.next_review_on if plan else None,
        "agreed_versions": selectors.versions_of_plan(plan).count(),
        "goals": selectors.goals_of_plan(plan),
    }


@router.get(
    "/cases/{uuid}/plan/goals",
    response={200: list[GoalOut], **READ},
    summary="Ziele eines Falls",
    operation_id="plans_goals_list",
)
def plans_goals_list(request, uuid: UUID):
    """Die Ziele des Integrationsplans mit ihren Schritten. Der Abruf wird protokolliert."""
    user = request.auth
    case = _readable_case(user, uuid)
    case_viewed(actor=user, case=case, part="api_plan")
    return selectors.goals_of_plan(selectors.plan_of_case(case))


@router.get(
    "/plan-goals/{uuid}",
    response={200: GoalOut, **READ},
    summary="Ziel lesen",
    operation_id="plans_goals_read",
)
def plans_goals_read(request, uuid: UUID):
    """Ein Ziel mit seinen Schritten. Der Abruf wird protokolliert."""
    user = request.auth
    goal = _readable_goal(user, uuid)
    case_viewed(actor=user, case=goal.plan.case, part="api_plan")
    return _goal_out(goal)


@router.get(
    "/plan-goals/{uuid}/steps",
    response={200: list[StepOut], **READ},
    summary="Schritte eines Ziels",
    operation_id="plans_steps_list",
)
def plans_steps_list(request, uuid: UUID):
    """Die Schritte eines Ziels. Der Abruf wird protokolliert."""
    user = request.auth
    goal = _readable_goal(user, uuid)
    case_viewed(actor=user, case=goal.plan.case, part="api_plan")
    return list(_goal_out(goal).steps.all())


@router.get(
    "/plan-steps/{uuid}",
    response={200: StepOut, **READ},
    summary="Schritt lesen",
    operation_id="plans_steps_read",
)
def plans_steps_read(request, uuid: UUID):
    """Ein Schritt. Der Abruf wird protokolliert."""
    user = request.auth
    step, access = selectors.step_get(user=user, uuid=uuid)
    if access is rules.Access.NEEDS_REASON:
        raise Http404
    case_viewed(actor=user, case=step.goal.plan.case, part="api_plan")
    return step


@router.post(
    "/cases/{uuid}/plan/goals",
    response={201: GoalOut, **WRITE},
    summary="Ziel anlegen",
    operation_id="plans_goals_create",
)
def plans_goals_create(request, uuid: UUID, payload: GoalCreate):
    """Legt ein Ziel im Integrationsplan des Falls an (der Plan entsteht dabei, falls nötig)."""
    user = request.auth
    case, _access = case_get(user=user, uuid=uuid)
    goal = services.goal_add(actor=user, case=case, **payload.model_dump())
    return Status(201, _goal_out(goal))


@router.put(
    "/plan-goals/{uuid}",
    response={200: GoalOut, 409: ErrorOut, **WRITE},
    summary="Ziel ändern (auch Status)",
    operation_id="plans_goals_update",
)
def plans_goals_update(request, uuid: UUID, payload: GoalUpdate):
    """Ändert ein Ziel. Hat jemand anderes es inzwischen geändert, antwortet die API mit 409."""
    user = request.auth
    goal, _access = selectors.goal_get(user=user, uuid=uuid)
    fields = payload.model_dump(exclude_unset=True)
    version = fields.pop("version")
    goal = services.goal_update(actor=user, goal=goal, version=version, **fields)
    return _goal_out(goal)


@router.post(
    "/plan-goals/{uuid}/steps",
    response={201: StepOut, **WRITE},
    summary="Schritt anlegen",
    operation_id="plans_steps_create",
)
def plans_steps_create(request, uuid: UUID, payload: StepCreate):
    """Legt einen Schritt zu einem Ziel an: wer (Klient/in, Integrationsmanager/in, ein Angebot
    des Verzeichnisses) macht was bis wann."""
    user = request.auth
    goal, _access = selectors.goal_get(user=user, uuid=uuid)
    fields = payload.model_dump()
    fields["service"] = _service(user, fields["service"])
    step = services.step_add(actor=user, goal=goal, **fields)
    return Status(201, step)


@router.put(
    "/plan-steps/{uuid}",
    response={200: StepOut, 409: ErrorOut, **WRITE},
    summary="Schritt ändern (auch Status)",
    operation_id="plans_steps_update",
)
def plans_steps_update(request, uuid: UUID, payload: StepUpdate):
    """Ändert einen Schritt. Hat jemand anderes ihn inzwischen geändert, antwortet die API mit
    409."""
    user = request.auth
    step, _access = selectors.step_get(user=user, uuid=uuid)
    fields = payload.model_dump(exclude_unset=True)
    version = fields.pop("version")
    if "service" in fields:
        fields["service"] = _service(user, fields["service"])
    step = services.step_update(actor=user, step=step, version=version, **fields)
    return step
