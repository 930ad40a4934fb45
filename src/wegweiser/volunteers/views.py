"""Views of the volunteer register: thin, they parse input, call one service or selector,
render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.core.forms import call_service
from wegweiser.statistics.rules import can_view_volunteer_figures
from wegweiser.volunteers import rules, selectors, services
from wegweiser.volunteers.forms import (
    CheckForm,
    FilterForm,
    QualificationForm,
    StatusForm,
    VolunteerForm,
)
from wegweiser.volunteers.selectors_tandems import tandems_of_volunteer

PAGE_SIZE = 50


def volunteer_list(request):
    user = request.user
    if not rules.can_read(user):
        raise PermissionDenied
    form = FilterForm(request.GET or None, municipalities=selectors.municipalities(user=user))
    filters: dict = {}
    if form.is_valid():
        filters = {
            "status": form.cleaned_data["status"],
            "language": form.cleaned_data["language"],
            "municipality": form.cleaned_data["municipality"],
        }
    page = Paginator(selectors.volunteer_list(user=user, **filters), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "volunteers/volunteer_list.html",
        {
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "query_string": query.urlencode(),
            "can_manage": rules.can_manage(user),
            "can_view_figures": can_view_volunteer_figures(user),
            "nav": "volunteers",
        },
    )


def volunteer_detail(request, uuid):
    volunteer, access = selectors.volunteer_get(user=request.user, uuid=uuid)
    return render(
        request,
        "volunteers/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "can_manage": access is rules.Access.EDIT,
            "reminders": selectors.checks_due(user=request.user, volunteer=volunteer),
            "tandems": tandems_of_volunteer(user=request.user, volunteer=volunteer),
            "today": timezone.localdate(),
            "nav": "volunteers",
        },
    )


def _form(request, instance=None):
    user = request.user
    return VolunteerForm(
        request.POST or None,
        instance=instance,
        municipalities=selectors.municipalities(user=user),
        accounts=selectors.volunteer_accounts(user=user, volunteer=instance),
    )


def volunteer_create(request):
    if not rules.can_manage(request.user):
        raise PermissionDenied
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        volunteer, ok = call_service(
            form, services.volunteer_create, actor=request.user, **form.service_fields()
        )
        if ok:
            messages.success(request, _("The volunteer has been added."))
            return redirect("volunteers:volunteer_detail", uuid=volunteer.uuid)
    return render(
        request,
        "volunteers/volunteer_form.html",
        {"form": form, "creating": True, "nav": "volunteers"},
    )


def _managed(request, uuid):
    volunteer, access = selectors.volunteer_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    return volunteer


def volunteer_update(request, uuid):
    volunteer = _managed(request, uuid)
    form = _form(request, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.volunteer_update,
            actor=request.user,
            volunteer=volunteer,
            version=form.cleaned_data["version"],
            **form.service_fields(),
        )
        if ok:
            messages.success(request, _("The volunteer has been saved."))
            return redirect("volunteers:volunteer_detail", uuid=volunteer.uuid)
    return render(
        request,
        "volunteers/volunteer_form.html",
        {"form": form, "volunteer": volunteer, "nav": "volunteers"},
    )


def volunteer_status(request, uuid):
    volunteer = _managed(request, uuid)
    form = StatusForm(
        request.POST or None,
        initial={
            "version": volunteer.version,
            "status": volunteer.status,
            "left_on": volunteer.left_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.volunteer_set_status,
            actor=request.user,
            volunteer=volunteer,
            version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
            left_on=form.cleaned_data["left_on"],
        )
        if ok:
            messages.success(request, _("The status has been saved."))
            return redirect("volunteers:volunteer_detail", uuid=volunteer.uuid)
    return render(
        request,
        "volunteers/volunteer_status.html",
        {"form": form, "volunteer": volunteer, "nav": "volunteers"},
    )


def check_create(request, uuid):
    volunteer = _managed(request, uuid)
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.check_record,
            actor=request.user,
            volunteer=volunteer,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("The check has been recorded."))
            return redirect("volunteers:volunteer_detail", uuid=volunteer.uuid)
    return render(
        request,
        "volunteers/check_form.html",
        {"form": form, "volunteer": volunteer, "nav": "volunteers"},
    )


def qualification_create(request, uuid):
    volunteer = _managed(request, uuid)
    form = QualificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.qualification_record,
            actor=request.user,
            volunteer=volunteer,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("The training has been recorded."))
            return redirect("volunteers:volunteer_detail", uuid=volunteer.uuid)
    return render(
        request,
        "volunteers/qualification_form.html",
        {"form": form, "volunteer": volunteer, "nav": "volunteers"},
    )
