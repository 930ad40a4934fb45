"""The volunteer's own pages ("Mein Engagement"): their tandems, support requests they can take
or took, logged hours. Only for users with the volunteer role linked to a volunteer of the
register; a tandem or request that is not theirs answers 404. Every read of a person's contact
data is audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wegweiser.audit.services import audit_record
from wegweiser.core.errors import ConflictError
from wegweiser.core.forms import call_service
from wegweiser.volunteers import rules, selectors_tandems, services_tandems
from wegweiser.volunteers.forms_tandems import DoneForm, HoursForm
from wegweiser.volunteers.models import Activity
from wegweiser.volunteers.selectors_groups import groups_of_volunteer
from wegweiser.volunteers.selectors_training import events_for_volunteer


def portal(request):
    user = request.user
    if user.role == "volunteer" and rules.own_volunteer(user) is None:
        return render(request, "volunteers/portal_unlinked.html", {"nav": "portal"})
    data = selectors_tandems.portal(user=user)
    return render(
        request,
        "volunteers/portal.html",
        {
            "portal": data,
            "groups": groups_of_volunteer(user=user),
            "events": events_for_volunteer(user=user),
            "nav": "portal",
        },
    )


def portal_tandem(request, uuid):
    user = request.user
    tandem, card, activities = selectors_tandems.own_tandem(user=user, uuid=uuid)
    form = HoursForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services_tandems.tandem_meeting_log,
            actor=user,
            tandem=tandem,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("Thank you! The meeting has been logged."))
            return redirect("volunteers:portal_tandem", uuid=tandem.uuid)
    if request.method == "GET":
        audit_record(actor=user, action="volunteers.tandem.viewed", obj=tandem)
    return render(
        request,
        "volunteers/portal_tandem.html",
        {
            "tandem": tandem,
            "card": card,
            "activities": activities,
            "total": sum((a.hours for a in activities), start=0),
            "form": form,
            "nav": "portal",
        },
    )


def portal_request(request, uuid):
    user = request.user
    view = selectors_tandems.own_request(user=user, uuid=uuid)
    if view.mine:
        audit_record(actor=user, action="volunteers.support_request.viewed", obj=view.request)
    return render(
        request,
        "volunteers/portal_request.html",
        {
            "view": view,
            "support_request": view.request,
            "today": timezone.localdate(),
            "nav": "portal",
        },
    )


def _run(http_request, service, /, **kwargs) -> bool:
    """Run a service behind a button; a refusal becomes an error message on the next page."""
    try:
        service(actor=http_request.user, **kwargs)
    except ConflictError as exc:
        messages.error(http_request, exc.message)
    except ValidationError as exc:
        messages.error(http_request, " ".join(exc.messages))
    else:
        return True
    return False


@require_POST
def portal_request_take(request, uuid):
    try:
        view = selectors_tandems.own_request(user=request.user, uuid=uuid)
    except Http404:
        if not selectors_tandems.request_closed_meanwhile(user=request.user, uuid=uuid):
            raise
        # Someone else was quicker (or the request was withdrawn) while the page was open.
        messages.error(request, _("This request is no longer open. Someone else has taken it."))
        return redirect("volunteers:portal")
    if not _run(request, services_tandems.support_request_take, request=view.request):
        return redirect("volunteers:portal")
    messages.success(
        request, _("Thank you! You have taken the request. Please get in touch with the person.")
    )
    return redirect("volunteers:portal_request", uuid=view.request.uuid)


@require_POST
def portal_request_release(request, uuid):
    user = request.user
    view = selectors_tandems.own_request(user=user, uuid=uuid)
    if not view.mine:
        raise PermissionDenied
    if _run(request, services_tandems.support_request_release, request=view.request):
        messages.success(request, _("You have given the request back. It is open again."))
    return redirect("volunteers:portal")


def portal_request_done(request, uuid):
    user = request.user
    view = selectors_tandems.own_request(user=user, uuid=uuid)
    if not view.mine:
        raise PermissionDenied
    form = DoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services_tandems.support_request_done,
            actor=user,
            request=view.request,
            **form.cleaned_data,
        )
        if ok:
            messages.success(
                request, _("Thank you! The request is done and your hours are logged.")
            )
            return redirect("volunteers:portal")
    return render(
        request,
        "volunteers/portal_request_done.html",
        {"form": form, "support_request": view.request, "nav": "portal"},
    )


@require_POST
def activity_cancel(request, uuid):
    user = request.user
    own = rules.own_volunteer(user)
    if own is None:
        raise PermissionDenied
    activity = (
        Activity.objects.filter(kreis_id=own.kreis_id, volunteer=own, uuid=uuid)
        .select_related("tandem")
        .first()
    )
    if activity is None:
        raise Http404
    if _run(request, services_tandems.activity_cancel, activity=activity):
        messages.success(request, _("The entry has been cancelled."))
    if activity.tandem_id:
        return redirect("volunteers:portal_tandem", uuid=activity.tandem.uuid)
    return redirect("volunteers:portal")
