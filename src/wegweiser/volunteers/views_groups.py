"""Views of the mentoring groups: thin, they parse input, call one service or selector, render.

Coordination pages under /ehrenamt/gruppen/, the family linking page for the family's integration
manager, and the member's page under /ehrenamt/mein/gruppen/<uuid>/."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_record
from wegweiser.core.forms import call_service
from wegweiser.volunteers import rules
from wegweiser.volunteers import selectors_groups as selectors
from wegweiser.volunteers import services_groups as services
from wegweiser.volunteers.forms_groups import (
    ActivityForm,
    CommitmentForm,
    EndForm,
    FamilyForm,
    GroupForm,
    MemberAddForm,
    MemberRemoveForm,
    VersionForm,
)
from wegweiser.volunteers.models import MentoringGroupStatus


def group_list(request):
    user = request.user
    if not rules.can_read(user):
        raise PermissionDenied
    return render(
        request,
        "volunteers/group_list.html",
        {
            "groups": selectors.group_list(user=user),
            "can_manage": rules.can_manage(user),
            "nav": "volunteers",
        },
    )


def group_create(request):
    if not rules.can_manage(request.user):
        raise PermissionDenied
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group, ok = call_service(
            form, services.group_create, actor=request.user, **form.service_fields()
        )
        if ok:
            messages.success(request, _("The mentoring group has been created."))
            return redirect("volunteers:group_detail", uuid=group.uuid)
    return render(
        request,
        "volunteers/group_form.html",
        {"form": form, "creating": True, "nav": "volunteers"},
    )


def group_detail(request, uuid):
    user = request.user
    group, access = selectors.group_get(user=user, uuid=uuid)
    memberships = list(group.memberships.all())
    return render(
        request,
        "volunteers/group_detail.html",
        {
            "group": group,
            "can_manage": access is rules.Access.EDIT,
            "can_link": user.does_casework and group.status == MentoringGroupStatus.FORMING,
            "members": [m for m in memberships if m.left_on is None],
            "former_members": [m for m in memberships if m.left_on is not None],
            "commitments": list(group.commitments.all()),
            "hours": selectors.group_hours(group),
            "case": selectors.group_case(user=user, group=group),
            "consent_stands": selectors.family_consent_stands(group),
            "min_members": services.MIN_MEMBERS,
            "nav": "volunteers",
        },
    )


def _managed(request, uuid):
    group, access = selectors.group_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    return group


def _back(group):
    return redirect("volunteers:group_detail", uuid=group.uuid)


def group_update(request, uuid):
    group = _managed(request, uuid)
    form = GroupForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.group_update,
            actor=request.user,
            group=group,
            version=form.cleaned_data["version"],
            **form.service_fields(),
        )
        if ok:
            messages.success(request, _("The mentoring group has been saved."))
            return _back(group)
    return render(
        request,
        "volunteers/group_form.html",
        {"form": form, "group": group, "nav": "volunteers"},
    )


def group_member_add(request, uuid):
    group = _managed(request, uuid)
    form = MemberAddForm(
        request.POST or None, volunteers=selectors.candidate_volunteers(group=group)
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form, services.member_add, actor=request.user, group=group, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("The member has been added."))
            return _back(group)
    return render(
        request,
        "volunteers/group_member_form.html",
        {"form": form, "group": group, "nav": "volunteers"},
    )


def group_member_remove(request, uuid, member_uuid):
    group = _managed(request, uuid)
    membership = selectors.membership_get(group=group, uuid=member_uuid)
    form = MemberRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.member_remove,
            actor=request.user,
            membership=membership,
            left_on=form.cleaned_data["left_on"],
        )
        if ok:
            messages.success(request, _("The member has left the group."))
            return _back(group)
    return render(
        request,
        "volunteers/group_member_remove.html",
        {"form": form, "group": group, "membership": membership, "nav": "volunteers"},
    )


def group_commitment_add(request, uuid):
    group = _managed(request, uuid)
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form, services.commitment_add, actor=request.user, group=group, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("The commitment has been recorded."))
            return _back(group)
    return render(
        request,
        "volunteers/group_commitment_form.html",
        {"form": form, "group": group, "nav": "volunteers"},
    )


def group_start(request, uuid):
    group = _managed(request, uuid)
    form = VersionForm(request.POST or None, initial={"version": group.version})
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.group_start,
            actor=request.user,
            group=group,
            version=form.cleaned_data["version"],
        )
        if ok:
            messages.success(request, _("The group now accompanies the family."))
            return _back(group)
    return render(
        request,
        "volunteers/group_start.html",
        {
            "form": form,
            "group": group,
            "min_members": services.MIN_MEMBERS,
            "nav": "volunteers",
        },
    )


def group_end(request, uuid):
    group = _managed(request, uuid)
    form = EndForm(request.POST or None, initial={"version": group.version})
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.group_end,
            actor=request.user,
            group=group,
            version=form.cleaned_data["version"],
            ends_on=form.cleaned_data["ends_on"],
        )
        if ok:
            messages.success(request, _("The accompaniment has ended."))
            return _back(group)
    return render(
        request,
        "volunteers/group_end.html",
        {"form": form, "group": group, "nav": "volunteers"},
    )


def group_family(request, uuid):
    """The family's integration manager links the family: a choice among the manager's own open
    cases only."""
    user = request.user
    group, _access = selectors.group_get(user=user, uuid=uuid)
    if not user.does_casework:
        raise PermissionDenied
    form = FamilyForm(
        request.POST or None,
        cases=selectors.linkable_cases(user=user),
        initial={"version": group.version},
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.group_link_family,
            actor=user,
            group=group,
            version=form.cleaned_data["version"],
            case=form.cleaned_data["case"],
        )
        if ok:
            messages.success(request, _("The family has been linked to the group."))
            return _back(group)
    return render(
        request,
        "volunteers/group_family.html",
        {"form": form, "group": group, "nav": "volunteers"},
    )


def portal_group(request, uuid):
    """A member's view of their group, with a form to log the hours they gave."""
    view = selectors.member_group_get(user=request.user, uuid=uuid)
    form = ActivityForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.group_activity_log,
            actor=request.user,
            group=view.group,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("Your hours have been recorded. Thank you!"))
            return redirect("volunteers:portal_group", uuid=view.group.uuid)
    if request.method == "GET" and view.family is not None:
        # The member reads the family's first names and phone: logged like a tandem's card.
        audit_record(actor=request.user, action="volunteers.group.viewed", obj=view.group)
    return render(
        request,
        "volunteers/group_member_view.html",
        {"view": view, "group": view.group, "form": form, "nav": "portal"},
    )
