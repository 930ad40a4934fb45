"""Views of the integration plan: thin, they parse input, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wegweiser.clients import rules
from wegweiser.clients import selectors as case_selectors
from wegweiser.clients.services import case_viewed
from wegweiser.core.errors import ConflictError
from wegweiser.core.forms import call_service
from wegweiser.plans import selectors, services
from wegweiser.plans.forms import AgreeForm, GoalForm, StatusForm, StepForm
from wegweiser.plans.models import Plan, StepStatus


def _plan_url(case):
    from django.urls import reverse

    return reverse("plans:plan_detail", kwargs={"uuid": case.uuid})


def _editable(access) -> None:
    if access is not rules.Access.EDIT:
        raise PermissionDenied


def _page_context(case, **extra) -> dict:
    return {
        "case": case,
        "client": case.client,
        "consent": case_selectors.active_consent(case.client),
        "can_edit": True,
        "nav": "cases",
        **extra,
    }


def plan_detail(request, uuid):
    user = request.user
    case, access = case_selectors.case_get(user=user, uuid=uuid)
    if access is rules.Access.NEEDS_REASON:
        return redirect("clients:case_detail", uuid=case.uuid)
    case_viewed(actor=user, case=case, part="plan")
    plan = selectors.plan_of_case(case)
    goals = selectors.goals_of_plan(plan)
    versions = list(selectors.versions_of_plan(plan))
    can_edit = access is rules.Access.EDIT and case.is_open
    return render(
        request,
        "plans/plan_detail.html",
        {
            "case": case,
            "client": case.client,
            "access": access,
            "can_edit": can_edit,
            "consent": case_selectors.active_consent(case.client),
            "plan": plan,
            "groups": selectors.group_by_field(goals),
            "progress": selectors.progress(goals),
            "versions": versions,
            "review_due": bool(
                plan and plan.next_review_on and plan.next_review_on <= timezone.localdate()
            ),
            "nav": "cases",
        },
    )


def goal_create(request, uuid):
    case, access = case_selectors.case_get(user=request.user, uuid=uuid)
    _editable(access)
    form = GoalForm(request.POST or None, initial={"priority": "medium", "status": "open"})
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form, services.goal_add, actor=request.user, case=case, **form.service_fields()
        )
        if ok:
            messages.success(request, _("The goal has been added."))
            return redirect(_plan_url(case))
    return render(request, "plans/goal_form.html", _page_context(case, form=form, creating=True))


def goal_update(request, uuid):
    goal, access = selectors.goal_get(user=request.user, uuid=uuid)
    _editable(access)
    case = goal.plan.case
    initial = {name: getattr(goal, name) for name in (*services.GOAL_FIELDS, "version")}
    form = GoalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.goal_update,
            actor=request.user,
            goal=goal,
            version=form.cleaned_data["version"],
            **form.service_fields(),
        )
        if ok:
            messages.success(request, _("The goal has been saved."))
            return redirect(_plan_url(case))
    return render(request, "plans/goal_form.html", _page_context(case, form=form, goal=goal))


def step_create(request, uuid):
    goal, access = selectors.goal_get(user=request.user, uuid=uuid)
    _editable(access)
    case = goal.plan.case
    form = StepForm(
        request.POST or None,
        services=selectors.services_for_steps(request.user),
        initial={"owner": "client", "status": "open"},
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form, services.step_add, actor=request.user, goal=goal, **form.service_fields()
        )
        if ok:
            messages.success(request, _("The step has been added."))
            return redirect(_plan_url(case))
    return render(
        request, "plans/step_form.html", _page_context(case, form=form, goal=goal, creating=True)
    )


def step_update(request, uuid):
    step, access = selectors.step_get(user=request.user, uuid=uuid)
    _editable(access)
    goal = step.goal
    case = goal.plan.case
    initial = {name: getattr(step, name) for name in (*services.STEP_FIELDS, "version")}
    form = StepForm(
        request.POST or None,
        services=selectors.services_for_steps(request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.step_update,
            actor=request.user,
            step=step,
            version=form.cleaned_data["version"],
            **form.service_fields(),
        )
        if ok:
            messages.success(request, _("The step has been saved."))
            return redirect(_plan_url(case))
    return render(
        request, "plans/step_form.html", _page_context(case, form=form, goal=goal, step=step)
    )


@require_POST
def step_status(request, uuid):
    """One click on the plan page: mark a step done (or open again)."""
    step, access = selectors.step_get(user=request.user, uuid=uuid)
    _editable(access)
    case = step.goal.plan.case
    form = StatusForm(request.POST)
    if not form.is_valid() or form.cleaned_data["status"] not in StepStatus.values:
        messages.error(request, _("The status could not be changed."))
        return redirect(_plan_url(case))
    from django.core.exceptions import ValidationError

    try:
        services.step_set_status(
            actor=request.user,
            step=step,
            version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
        )
    except ConflictError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The step has been saved."))
    return redirect(_plan_url(case))


def plan_agree(request, uuid):
    case, access = case_selectors.case_get(user=request.user, uuid=uuid)
    _editable(access)
    plan = selectors.plan_of_case(case) or Plan(case=case, kreis_id=case.kreis_id)
    form = AgreeForm(
        request.POST or None,
        initial={
            "version": plan.version,
            "agreed_on": timezone.localdate(),
            "review_interval_months": plan.review_interval_months,
        },
    )
    if request.method == "POST" and form.is_valid():
        if plan.pk is None:
            form.add_error(None, _("A plan without goals cannot be agreed."))
        else:
            _result, ok = call_service(
                form, services.plan_agree, actor=request.user, plan=plan, **form.cleaned_data
            )
            if ok:
                messages.success(request, _("The agreement has been recorded."))
                return redirect(_plan_url(case))
    goals = selectors.goals_of_plan(plan if plan.pk else None)
    return render(
        request,
        "plans/plan_agree.html",
        _page_context(case, form=form, plan=plan, groups=selectors.group_by_field(goals)),
    )


def plan_pdf(request, uuid):
    """The plan as a PDF for the client to sign."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    user = request.user
    case, access = case_selectors.case_get(user=user, uuid=uuid)
    if access is rules.Access.NEEDS_REASON:
        return redirect("clients:case_detail", uuid=case.uuid)
    case_viewed(actor=user, case=case, part="plan_pdf")
    plan = selectors.plan_of_case(case)
    goals = selectors.goals_of_plan(plan)
    versions = selectors.versions_of_plan(plan)
    html = render_to_string(
        "plans/plan_pdf.html",
        {
            "case": case,
            "client": case.client,
            "plan": plan,
            "groups": selectors.group_by_field(goals),
            "progress": selectors.progress(goals),
            "agreement": versions.first(),
            "printed_on": timezone.localdate(),
            "manager": case.responsible,
        },
        request=request,
    )
    # The template holds everything; no resource is fetched (no file, no network).
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="integrationsplan-{case.number}.pdf"'
    return response
