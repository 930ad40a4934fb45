"""Views of tandems and support requests from the case's side (the integration manager) and the
coordination's list of support requests. Thin: parse input, call one service or selector."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.clients import rules as case_rules
from wegweiser.clients.selectors import case_get
from wegweiser.clients.services import case_viewed
from wegweiser.core.forms import call_service
from wegweiser.volunteers import rules, selectors_tandems, services_tandems
from wegweiser.volunteers.forms_tandems import (
    CancelRequestForm,
    SharingForm,
    SupportRequestForm,
    TandemEndForm,
    TandemForm,
)
from wegweiser.volunteers.models import SupportRequestStatus, Volunteer
from wegweiser.volunteers.selectors import municipalities


def case_volunteering(request, uuid):
    """Volunteers for the person of a case: tandems, support requests, and how to add them."""
    user = request.user
    case, access = case_get(user=user, uuid=uuid)
    if access is case_rules.Access.NEEDS_REASON:
        return redirect("clients:case_detail", uuid=case.uuid)
    case_viewed(actor=user, case=case, part="volunteers")
    return render(
        request,
        "volunteers/case_volunteering.html",
        {
            "case": case,
            "can_edit": access is case_rules.Access.EDIT and case.is_open,
            "consent": rules.consent_stands(case),
            "tandems": selectors_tandems.tandems_of_case(user=user, case=case),
            "requests": selectors_tandems.requests_of_case(user=user, case=case),
            "groups": selectors_tandems.groups_of_case(user=user, case=case),
            "nav": "cases",
        },
    )


def _editable_case(request, uuid):
    case, access = case_get(user=request.user, uuid=uuid)
    if access is not case_rules.Access.EDIT:
        raise PermissionDenied
    return case


def tandem_create(request, uuid):
    case = _editable_case(request, uuid)
    ranked = selectors_tandems.suggestions(user=request.user, case=case)
    choosable = Volunteer.objects.filter(pk__in=[s.volunteer.pk for s in ranked if s.checks_ok])
    form = TandemForm(
        request.POST or None,
        volunteers=choosable,
        has_household=bool(case.client.household_id),
        initial={"started_on": timezone.localdate(), "share_phone": True},
    )
    if request.method == "POST" and form.is_valid():
        _tandem, ok = call_service(
            form,
            services_tandems.tandem_create,
            actor=request.user,
            case=case,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("The tandem has been set up."))
            return redirect("volunteers:case_volunteering", uuid=case.uuid)
    return render(
        request,
        "volunteers/tandem_create.html",
        {
            "case": case,
            "form": form,
            "suggestions": ranked,
            "consent": rules.consent_stands(case),
            "nav": "cases",
        },
    )


def tandem_update(request, uuid):
    tandem = selectors_tandems.tandem_for_case_editor(user=request.user, uuid=uuid)
    form = SharingForm(
        request.POST or None,
        has_household=bool(tandem.case.client.household_id),
        initial={
            "version": tandem.version,
            "includes_household": tandem.includes_household,
            "share_phone": tandem.share_phone,
            "share_email": tandem.share_email,
            "share_address": tandem.share_address,
            "shared_note": tandem.shared_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        _result, ok = call_service(
            form,
            services_tandems.tandem_update,
            actor=request.user,
            tandem=tandem,
            version=version,
            **data,
        )
        if ok:
            messages.success(request, _("The tandem has been saved."))
            return redirect("volunteers:case_volunteering", uuid=tandem.case.uuid)
    return render(
        request,
        "volunteers/tandem_update.html",
        {"form": form, "tandem": tandem, "case": tandem.case, "nav": "cases"},
    )


def tandem_end(request, uuid):
    user = request.user
    tandem = selectors_tandems.tandem_for_ending(user=user, uuid=uuid)
    from_case = case_rules.case_access(user, tandem.case) is case_rules.Access.EDIT
    form = TandemEndForm(
        request.POST or None,
        initial={"version": tandem.version, "ended_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services_tandems.tandem_end,
            actor=user,
            tandem=tandem,
            version=form.cleaned_data["version"],
            ended_on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["reason"],
        )
        if ok:
            messages.success(request, _("The tandem has been ended."))
            if from_case:
                return redirect("volunteers:case_volunteering", uuid=tandem.case.uuid)
            return redirect("volunteers:volunteer_detail", uuid=tandem.volunteer.uuid)
    return render(
        request,
        "volunteers/tandem_end.html",
        {"form": form, "tandem": tandem, "from_case": from_case, "nav": "volunteers"},
    )


def support_request_create(request, uuid):
    case = _editable_case(request, uuid)
    client = case.client
    form = SupportRequestForm(
        request.POST or None,
        municipalities=municipalities(user=request.user),
        initial={
            "municipality": client.municipality.uuid if client.municipality_id else None,
            "language": next((code for code in client.languages if code != "de"), ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services_tandems.support_request_create,
            actor=request.user,
            case=case,
            **form.cleaned_data,
        )
        if ok:
            messages.success(
                request, _("The request has been posted. Suitable volunteers can now take it.")
            )
            return redirect("volunteers:case_volunteering", uuid=case.uuid)
    return render(
        request,
        "volunteers/support_request_form.html",
        {"form": form, "case": case, "consent": rules.consent_stands(case), "nav": "cases"},
    )


def support_request_cancel(request, uuid):
    support_request = selectors_tandems.request_for_case_editor(user=request.user, uuid=uuid)
    form = CancelRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services_tandems.support_request_cancel,
            actor=request.user,
            request=support_request,
            reason=form.cleaned_data["reason"],
        )
        if ok:
            messages.success(request, _("The request has been withdrawn."))
            return redirect("volunteers:case_volunteering", uuid=support_request.case.uuid)
    return render(
        request,
        "volunteers/support_request_cancel.html",
        {
            "form": form,
            "support_request": support_request,
            "case": support_request.case,
            "nav": "cases",
        },
    )


def support_request_list(request):
    user = request.user
    status = request.GET.get("status", "")
    if status not in SupportRequestStatus.values:
        status = ""
    return render(
        request,
        "volunteers/support_request_list.html",
        {
            "requests": selectors_tandems.support_request_list(user=user, status=status)[:200],
            "status": status,
            "statuses": SupportRequestStatus.choices,
            "coordinating": rules.can_manage(user),
            "nav": "volunteers",
        },
    )
