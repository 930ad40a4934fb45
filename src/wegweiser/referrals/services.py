"""Every write of referrals and contacts at authorities. Each service runs in one transaction,
checks the actor's rights on the case (as for the case file), validates, keeps the status
history and writes the audit entry."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_case_event
from wegweiser.clients.models import Case, Client
from wegweiser.clients.services import _require_edit
from wegweiser.core.services import apply_changes, lock_for_update
from wegweiser.counselling.models import CounsellingSession
from wegweiser.directory.models import Service
from wegweiser.plans.models import Goal
from wegweiser.referrals.models import (
    CLOSING_STATUSES,
    OPEN_STATUSES,
    AuthorityContact,
    AuthorityKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
from wegweiser.referrals.rules import referral_consent

# Status changes of an open referral: forwards, and back from an appointment to "agreed" when
# the appointment falls through. Closing (successful, not successful, cancelled) is
# referral_close.
NEXT_STATUSES = {
    ReferralStatus.PROPOSED: {ReferralStatus.AGREED, ReferralStatus.APPOINTMENT_MADE},
    ReferralStatus.AGREED: {ReferralStatus.APPOINTMENT_MADE, ReferralStatus.ATTENDED},
    ReferralStatus.APPOINTMENT_MADE: {ReferralStatus.AGREED, ReferralStatus.ATTENDED},
    ReferralStatus.ATTENDED: set(),
}
# Statuses that involve the service in the person's affairs (data are passed on).
SHARING_STATUSES = {
    ReferralStatus.AGREED,
    ReferralStatus.APPOINTMENT_MADE,
    ReferralStatus.ATTENDED,
}
UPDATE_FIELDS = ("status", "follow_up_on", "appointment_on", "outcome")
CONTACT_FIELDS = (
    "kind",
    "office_name",
    "contact_person",
    "phone",
    "email",
    "reference_number",
    "notes",
)


def no_consent_message() -> str:
    return _(
        "No consent of the person to passing data to services is recorded (or it has been "
        "withdrawn). Without it only an anonymous referral can be recorded."
    )


def _check_service(case: Case, service: Service | None) -> None:
    from wegweiser.referrals.selectors import services_for_referral

    if service is not None and not services_for_referral(case.kreis).filter(pk=service.pk).exists():
        raise ValidationError({"service": _("Please choose an active service of the directory.")})


def _check_dates(
    *,
    case: Case,
    referred_on: dt.date | None,
    follow_up_on: dt.date | None,
    appointment_on: dt.date | None,
    status: str,
) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if referred_on is None:
        errors["referred_on"] = _("Please enter the date of the referral.")
    elif referred_on > today:
        errors["referred_on"] = _("The referral date cannot be in the future.")
    elif referred_on < case.opened_on:
        errors["referred_on"] = _(
            "The referral cannot be before the case was opened (%(date)s)."
        ) % {"date": case.opened_on.strftime("%d.%m.%Y")}
    if follow_up_on is None:
        errors["follow_up_on"] = _("Please enter when you will follow up the referral.")
    elif referred_on and follow_up_on < referred_on:
        errors["follow_up_on"] = _("The follow-up cannot be before the referral.")
    if status == ReferralStatus.APPOINTMENT_MADE and appointment_on is None:
        errors["appointment_on"] = _("Please enter the date of the appointment.")
    elif appointment_on and referred_on and appointment_on < referred_on:
        errors["appointment_on"] = _("The appointment cannot be before the referral.")
    if errors:
        raise ValidationError(errors)


def _event(referral: Referral, actor) -> None:
    ReferralEvent.objects.create(
        kreis_id=referral.kreis_id,
        referral=referral,
        actor=actor,
        status=referral.status,
        follow_up_on=referral.follow_up_on,
        appointment_on=referral.appointment_on,
    )


@transaction.atomic
def referral_create(
    *,
    actor,
    case: Case,
    reason: str,
    referred_on: dt.date,
    follow_up_on: dt.date | None,
    service: Service | None = None,
    service_name: str = "",
    status: str = ReferralStatus.PROPOSED,
    appointment_on: dt.date | None = None,
    anonymous: bool = False,
    session: CounsellingSession | None = None,
    goal: Goal | None = None,
) -> Referral:
    """Record a referral of the case's person. Without the person's consent to passing data to
    services, only an anonymous referral (no personal data to the service) is accepted."""
    _require_edit(actor, case)
    if not case.is_open:
        raise ValidationError(_("Referrals can only be recorded on an open case."))
    if session is not None and session.case_id != case.pk:
        raise Http404
    if goal is not None and goal.plan.case_id != case.pk:
        raise Http404
    service_name = (service_name or "").strip()
    if service is not None and service_name:
        raise ValidationError(
            {"service_name": _("Choose a service of the directory or name another one, not both.")}
        )
    if service is None and not service_name:
        raise ValidationError(
            {"service": _("Please choose a service of the directory or name another service.")}
        )
    _check_service(case, service)
    if status not in OPEN_STATUSES:
        raise ValidationError({"status": _("Please choose the status of the referral.")})
    _check_dates(
        case=case,
        referred_on=referred_on,
        follow_up_on=follow_up_on,
        appointment_on=appointment_on,
        status=status,
    )
    if (
        not anonymous
        and referral_consent(case.client, service=service, service_name=service_name) is None
    ):
        raise ValidationError({"anonymous": no_consent_message()})
    referral = Referral(
        kreis_id=case.kreis_id,
        case=case,
        session=session,
        goal=goal,
        service=service,
        service_name=service_name,
        reason=(reason or "").strip(),
        referred_on=referred_on,
        status=status,
        appointment_on=appointment_on,
        follow_up_on=follow_up_on,
        anonymous=anonymous,
        created_by=actor,
    )
    referral.full_clean()
    referral.save()
    _event(referral, actor)
    audit_case_event(
        actor=actor,
        action="referrals.referral.created",
        case=case,
        obj=referral,
        data={"status": status, "anonymous": anonymous, "directory": service is not None},
    )
    return referral


@transaction.atomic
def referral_update(
    *,
    actor,
    referral: Referral,
    version: int | None,
    **changes,
) -> Referral:
    """Move an open referral on: ``status``, ``appointment_on``, ``follow_up_on`` (the next
    follow-up) and ``outcome`` (notes so far); fields not given stay as they are. A withdrawn
    consent stops a referral with personal data: it can then only be closed."""
    case = referral.case
    _require_edit(actor, case)
    fresh = lock_for_update(referral, expected_version=version)
    if not fresh.is_open:
        raise ValidationError(_("This referral is closed and cannot be changed."))
    unknown = set(changes) - set(UPDATE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    values = {name: changes.get(name, getattr(fresh, name)) for name in UPDATE_FIELDS}
    values["outcome"] = (values["outcome"] or "").strip()
    status = values["status"] or fresh.status
    values["status"] = status
    if status != fresh.status and status not in NEXT_STATUSES[ReferralStatus(fresh.status)]:
        if status in CLOSING_STATUSES:
            raise ValidationError({"status": _("Please close the referral to record its result.")})
        raise ValidationError(
            {
                "status": _("The status cannot change from “%(old)s” to “%(new)s”.")
                % {
                    "old": ReferralStatus(fresh.status).label,
                    "new": ReferralStatus(status).label
                    if status in ReferralStatus.values
                    else status,
                }
            }
        )
    if (
        status != fresh.status
        and status in SHARING_STATUSES
        and not fresh.anonymous
        and referral_consent(case.client, service=fresh.service, service_name=fresh.service_name)
        is None
    ):
        raise ValidationError(
            {
                "status": _(
                    "The person's consent to passing data to services is no longer recorded: "
                    "this referral can only be closed (for example as cancelled)."
                )
            }
        )
    _check_dates(
        case=case,
        referred_on=fresh.referred_on,
        follow_up_on=values["follow_up_on"],
        appointment_on=values["appointment_on"],
        status=status,
    )
    changed = apply_changes(fresh, values)
    if changed:
        fresh.version += 1
        fresh.full_clean()
        fresh.save()
        if {"status", "follow_up_on", "appointment_on"} & set(changed):
            _event(fresh, actor)
        audit_case_event(
            actor=actor,
            action="referrals.referral.updated",
            case=case,
            obj=fresh,
            data={"fields": sorted(changed), "status": status},
        )
    return fresh


@transaction.atomic
def referral_close(
    *,
    actor,
    referral: Referral,
    version: int | None,
    status: str,
    closed_on: dt.date,
    outcome: str,
) -> Referral:
    """Close a referral with its result (successful, not successful, cancelled) and outcome."""
    case = referral.case
    _require_edit(actor, case)
    fresh = lock_for_update(referral, expected_version=version)
    if not fresh.is_open:
        raise ValidationError(_("This referral is already closed."))
    errors: dict[str, str] = {}
    if status not in CLOSING_STATUSES:
        errors["status"] = _("Please choose the result of the referral.")
    elif status == ReferralStatus.SUCCESSFUL and fresh.status != ReferralStatus.ATTENDED:
        errors["status"] = _(
            "A referral can be closed as successful only after the person attended the service."
        )
    if closed_on is None:
        errors["closed_on"] = _("Please enter the closing date.")
    elif closed_on > timezone.localdate():
        errors["closed_on"] = _("The closing date cannot be in the future.")
    elif closed_on < fresh.referred_on:
        errors["closed_on"] = _("The closing date cannot be before the referral.")
    outcome = (outcome or "").strip()
    if not outcome:
        errors["outcome"] = _("Please describe the outcome.")
    if errors:
        raise ValidationError(errors)
    fresh.status = status
    fresh.closed_on = closed_on
    fresh.outcome = outcome
    fresh.version += 1
    fresh.full_clean()
    fresh.save()
    _event(fresh, actor)
    audit_case_event(
        actor=actor,
        action="referrals.referral.closed",
        case=case,
        obj=fresh,
        data={"status": status},
    )
    return fresh


def _clean_contact_values(fields: dict) -> dict:
    values = {name: fields[name] for name in CONTACT_FIELDS if name in fields}
    for name in CONTACT_FIELDS:
        if name != "kind" and name in values:
            values[name] = (values[name] or "").strip()
    return values


def _check_contact(contact: AuthorityContact) -> None:
    if contact.kind not in AuthorityKind.values:
        raise ValidationError({"kind": _("Please choose the authority.")})
    duplicate = (
        AuthorityContact.objects.filter(
            kreis_id=contact.kreis_id,
            client_id=contact.client_id,
            kind=contact.kind,
            office_name=contact.office_name,
        )
        .filter(~Q(pk=contact.pk) if contact.pk else Q())
        .exists()
    )
    if duplicate:
        raise ValidationError(
            {"office_name": _("A contact at this office is already recorded for the person.")}
        )


@transaction.atomic
def authority_contact_create(*, actor, case: Case, **fields) -> AuthorityContact:
    _require_edit(actor, case)
    client: Client = case.client
    contact = AuthorityContact(
        kreis_id=case.kreis_id, client=client, **_clean_contact_values(fields)
    )
    _check_contact(contact)
    contact.full_clean()
    contact.save()
    audit_case_event(
        actor=actor,
        action="referrals.authority_contact.created",
        case=case,
        obj=contact,
        data={"kind": contact.kind},
    )
    return contact


@transaction.atomic
def authority_contact_update(
    *, actor, case: Case, contact: AuthorityContact, version: int | None, **fields
) -> AuthorityContact:
    _require_edit(actor, case)
    if contact.client_id != case.client_id:
        raise Http404
    fresh = lock_for_update(contact, expected_version=version)
    changed = apply_changes(fresh, _clean_contact_values(fields))
    if changed:
        _check_contact(fresh)
        fresh.version += 1
        fresh.full_clean()
        fresh.save()
        audit_case_event(
            actor=actor,
            action="referrals.authority_contact.updated",
            case=case,
            obj=fresh,
            data={"fields": sorted(changed)},
        )
    return fresh
