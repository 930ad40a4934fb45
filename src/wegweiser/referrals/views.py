"""Views of referrals and contacts at authorities: thin, the rules are in services/selectors.
Rights exactly as for the case file: not visible 404, visible without the right to edit 403."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.clients import rules
from wegweiser.clients import selectors as case_selectors
from wegweiser.core.forms import call_service
from wegweiser.referrals import selectors, services
from wegweiser.referrals.forms import (
    AuthorityContactForm,
    ReferralCloseForm,
    ReferralForm,
    ReferralUpdateForm,
)
from wegweiser.referrals.models import ReferralStatus
from wegweiser.referrals.rules import referral_consent

FOLLOW_UP_DAYS = 14


def _case_context(case, *, can_edit: bool = True) -> dict:
    return {
        "case": case,
        "consent": case_selectors.active_consent(case.client),
        "referral_consent": referral_consent(case.client),
        "can_edit": can_edit,
        "nav": "cases",
    }


def referral_list(request, uuid):
    """The referrals of a case and the person's contacts at authorities."""
    case, access = case_selectors.case_get(user=request.user, uuid=uuid)
    if access is rules.Access.NEEDS_REASON:
        return redirect("clients:case_detail", uuid=case.uuid)
    context = _case_context(case, can_edit=access is rules.Access.EDIT)
    context.update(
        referrals=list(selectors.referrals_of_case(case)),
        contacts=list(selectors.authority_contacts_of(case.client)),
        today=timezone.localdate(),
    )
    return render(request, "referrals/referral_list.html", context)


def _editable_case(request, uuid):
    case, access = case_selectors.case_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    return case


def _create(request, case, *, session=None, goal=None):
    today = timezone.localdate()
    has_consent = referral_consent(case.client) is not None
    initial = {
        "referred_on": session.held_on if session else today,
        "follow_up_on": today + dt.timedelta(days=FOLLOW_UP_DAYS),
        "status": ReferralStatus.PROPOSED,
        "anonymous": not has_consent,
    }
    if goal is not None:
        initial["reason"] = goal.text
    form = ReferralForm(
        request.POST or None,
        initial=initial,
        services=selectors.services_for_referral(case.kreis),
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.referral_create,
            actor=request.user,
            case=case,
            session=session,
            goal=goal,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("The referral has been recorded."))
            return redirect("referrals:referral_list", uuid=case.uuid)
    context = _case_context(case)
    context.update(form=form, session=session, goal=goal)
    return render(request, "referrals/referral_form.html", context)


def referral_create(request, uuid):
    return _create(request, _editable_case(request, uuid))


def referral_create_from_session(request, uuid):
    session, access = selectors.session_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    return _create(request, session.case, session=session)


def referral_create_from_goal(request, uuid):
    goal, access = selectors.goal_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    return _create(request, goal.plan.case, goal=goal)


def _editable_referral(request, uuid):
    referral, access = selectors.referral_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    return referral


def _closed(request, referral):
    messages.info(request, _("This referral is closed and cannot be changed."))
    return redirect("referrals:referral_list", uuid=referral.case.uuid)


def referral_update(request, uuid):
    referral = _editable_referral(request, uuid)
    if not referral.is_open:
        return _closed(request, referral)
    case = referral.case
    form = ReferralUpdateForm(
        request.POST or None,
        initial={
            "version": referral.version,
            "status": referral.status,
            "appointment_on": referral.appointment_on,
            "follow_up_on": referral.follow_up_on,
            "outcome": referral.outcome,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        _result, ok = call_service(
            form,
            services.referral_update,
            actor=request.user,
            referral=referral,
            version=version,
            **data,
        )
        if ok:
            messages.success(request, _("The referral has been saved."))
            return redirect("referrals:referral_list", uuid=case.uuid)
    context = _case_context(case)
    context.update(form=form, referral=referral, events=list(selectors.referral_events(referral)))
    return render(request, "referrals/referral_update.html", context)


def referral_close(request, uuid):
    referral = _editable_referral(request, uuid)
    if not referral.is_open:
        return _closed(request, referral)
    case = referral.case
    form = ReferralCloseForm(
        request.POST or None,
        initial={
            "version": referral.version,
            "closed_on": timezone.localdate(),
            "outcome": referral.outcome,
        },
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.referral_close,
            actor=request.user,
            referral=referral,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("The referral has been closed."))
            return redirect("referrals:referral_list", uuid=case.uuid)
    context = _case_context(case)
    context.update(form=form, referral=referral)
    return render(request, "referrals/referral_close.html", context)


def authority_contact_create(request, uuid):
    case = _editable_case(request, uuid)
    form = AuthorityContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.authority_contact_create,
            actor=request.user,
            case=case,
            **form.service_fields(),
        )
        if ok:
            messages.success(request, _("The contact at the authority has been saved."))
            return redirect("referrals:referral_list", uuid=case.uuid)
    context = _case_context(case)
    context.update(form=form, creating=True)
    return render(request, "referrals/authority_contact_form.html", context)


def authority_contact_update(request, uuid):
    contact, case = selectors.authority_contact_get(user=request.user, uuid=uuid)
    if rules.case_access(request.user, case) is not rules.Access.EDIT:
        raise PermissionDenied
    initial = {name: getattr(contact, name) for name in services.CONTACT_FIELDS}
    initial["version"] = contact.version
    form = AuthorityContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.authority_contact_update,
            actor=request.user,
            case=case,
            contact=contact,
            version=form.cleaned_data["version"],
            **form.service_fields(),
        )
        if ok:
            messages.success(request, _("The contact at the authority has been saved."))
            return redirect("referrals:referral_list", uuid=case.uuid)
    context = _case_context(case)
    context.update(form=form, contact=contact)
    return render(request, "referrals/authority_contact_form.html", context)
