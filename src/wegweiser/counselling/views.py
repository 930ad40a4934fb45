from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.clients import rules, selectors
from wegweiser.clients.services import case_viewed
from wegweiser.core.forms import call_service
from wegweiser.counselling import services
from wegweiser.counselling.forms import SessionForm
from wegweiser.counselling.selectors import session_get


def session_create(request, uuid):
    case, access = selectors.case_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    form = SessionForm(
        request.POST or None,
        case=case,
        initial={"held_on": timezone.localdate(), "channel": "in_person", "duration_minutes": 45},
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form, services.session_record, actor=request.user, case=case, **form.service_fields()
        )
        if ok:
            messages.success(request, _("The session has been recorded."))
            return redirect("clients:case_detail", uuid=case.uuid)
    return render(
        request,
        "counselling/session_form.html",
        {
            "form": form,
            "case": case,
            "creating": True,
            "consent": selectors.active_consent(case.client),
            "can_edit": True,
            "nav": "cases",
        },
    )


def session_update(request, uuid):
    session = session_get(user=request.user, uuid=uuid)
    case = session.case
    if rules.case_access(request.user, case) is not rules.Access.EDIT:
        raise PermissionDenied
    if request.method == "GET":
        # The form shows the confidential note: a read of the case file, logged like any other.
        case_viewed(actor=request.user, case=case, part="session")
    initial = {name: getattr(session, name) for name in (*services.SESSION_FIELDS, "version")}
    initial["members_present"] = list(session.members_present.all())
    form = SessionForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.session_update,
            actor=request.user,
            session=session,
            version=form.cleaned_data["version"],
            **form.service_fields(),
        )
        if ok:
            messages.success(request, _("The session has been saved."))
            return redirect("clients:case_detail", uuid=case.uuid)
    return render(
        request,
        "counselling/session_form.html",
        {
            "form": form,
            "case": case,
            "session": session,
            "consent": selectors.active_consent(case.client),
            "can_edit": True,
            "nav": "cases",
        },
    )
