"""Every write of the volunteer register. Each service runs in one transaction, checks the
actor's rights (volunteers.rules), validates, and writes the audit entry (field names and codes,
never values)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.accounts.roles import Role
from wegweiser.audit.services import audit_record
from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import LANGUAGES
from wegweiser.core.services import apply_changes, lock_for_update
from wegweiser.organisations.models import Municipality
from wegweiser.volunteers import rules
from wegweiser.volunteers.models import (
    CheckKind,
    Qualification,
    Volunteer,
    VolunteerCheck,
    VolunteerStatus,
)

VOLUNTEER_FIELDS = (
    "given_name",
    "family_name",
    "phone",
    "email",
    "languages",
    "skills",
    "availability",
    "fields_of_action",
    "user",
)
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGES)
# How long an extended certificate of conduct counts, unless the coordinator enters another date.
CERTIFICATE_VALID_YEARS = 5
# Statuses a volunteer can be created with (leaving needs a date: volunteer_set_status).
INITIAL_STATUSES = (VolunteerStatus.INTERESTED, VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED)


def _require_manage(actor, volunteer: Volunteer) -> None:
    access = rules.access(actor, volunteer)
    if access is rules.Access.NONE:
        if rules.can_read(actor):
            raise Http404
        raise PermissionDenied
    if access is not rules.Access.EDIT:
        raise PermissionDenied


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February: 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _clean_volunteer(volunteer: Volunteer) -> None:
    errors = {}
    volunteer.given_name = (volunteer.given_name or "").strip()
    volunteer.family_name = (volunteer.family_name or "").strip()
    volunteer.skills = (volunteer.skills or "").strip()
    volunteer.availability = (volunteer.availability or "").strip()
    if not isinstance(volunteer.fields_of_action, list) or any(
        f not in FieldOfAction.values for f in volunteer.fields_of_action
    ):
        errors["fields_of_action"] = _("Please choose only fields of action from the list.")
    if not isinstance(volunteer.languages, list) or any(
        code not in LANGUAGE_CODES for code in volunteer.languages
    ):
        errors["languages"] = _("Please choose only languages from the list.")
    account = volunteer.user
    if account is not None:
        if account.role != Role.VOLUNTEER or account.kreis_id != volunteer.kreis_id:
            errors["user"] = _(
                "Please choose a user account with the volunteer role of your county."
            )
        elif Volunteer.objects.filter(user=account).exclude(pk=volunteer.pk).exists():
            errors["user"] = _("This user account already belongs to another volunteer.")
    if errors:
        raise ValidationError(errors)
    # A stable order, so that an unchanged selection is no change.
    volunteer.fields_of_action = [
        f for f in FieldOfAction.values if f in volunteer.fields_of_action
    ]
    volunteer.languages = sorted(set(volunteer.languages))


def _municipality_ids(volunteer: Volunteer, municipalities) -> list[int]:
    ids = sorted({m.pk for m in municipalities})
    valid = set(
        Municipality.objects.filter(kreis_id=volunteer.kreis_id, pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    if len(valid) != len(ids):
        raise ValidationError({"municipalities": _("Please choose municipalities of your county.")})
    return ids


@transaction.atomic
def volunteer_create(
    *,
    actor,
    given_name: str,
    family_name: str,
    municipalities=(),
    status: str = VolunteerStatus.INTERESTED,
    **fields,
) -> Volunteer:
    """Add a volunteer to the register of the actor's Kreis."""
    if not rules.can_manage(actor):
        raise PermissionDenied
    unknown = set(fields) - set(VOLUNTEER_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    if status not in INITIAL_STATUSES:
        raise ValidationError({"status": _("Please choose the status of the volunteer.")})
    volunteer = Volunteer(
        kreis_id=actor.kreis_id,
        given_name=given_name,
        family_name=family_name,
        status=status,
        created_by=actor,
        **fields,
    )
    _clean_volunteer(volunteer)
    ids = _municipality_ids(volunteer, municipalities)
    volunteer.full_clean()
    volunteer.save()
    volunteer.municipalities.set(ids)
    audit_record(
        actor=actor,
        action="volunteers.volunteer.created",
        obj=volunteer,
        data={"status": status, "account": volunteer.user_id is not None},
    )
    return volunteer


@transaction.atomic
def volunteer_update(
    *,
    actor,
    volunteer: Volunteer,
    version: int | None,
    municipalities=None,
    **fields,
) -> Volunteer:
    """Change the profile (fields not given stay as they are); ``version`` guards against a
    concurrent save."""
    _require_manage(actor, volunteer)
    unknown = set(fields) - set(VOLUNTEER_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    fresh = lock_for_update(volunteer, expected_version=version)
    old_ids = sorted(fresh.municipalities.values_list("pk", flat=True))
    before = {name: getattr(fresh, name) for name in VOLUNTEER_FIELDS}
    apply_changes(fresh, fields)
    _clean_volunteer(fresh)
    changed = [name for name in VOLUNTEER_FIELDS if getattr(fresh, name) != before[name]]
    new_ids = old_ids if municipalities is None else _municipality_ids(fresh, municipalities)
    if new_ids != old_ids:
        changed.append("municipalities")
    fresh.full_clean()
    if changed:
        fresh.version += 1
        fresh.save()
        fresh.municipalities.set(new_ids)
        audit_record(
            actor=actor,
            action="volunteers.volunteer.updated",
            obj=fresh,
            data={"fields": sorted(changed)},
        )
    return fresh


@transaction.atomic
def volunteer_set_status(
    *,
    actor,
    volunteer: Volunteer,
    version: int | None,
    status: str,
    left_on: dt.date | None = None,
) -> Volunteer:
    """Set the status; leaving needs the date of leaving (any other status clears it)."""
    _require_manage(actor, volunteer)
    fresh = lock_for_update(volunteer, expected_version=version)
    if status not in VolunteerStatus.values:
        raise ValidationError({"status": _("Please choose the status of the volunteer.")})
    if status == VolunteerStatus.LEFT:
        if left_on is None:
            raise ValidationError({"left_on": _("Please enter the date the volunteer left.")})
        if left_on > timezone.localdate():
            raise ValidationError({"left_on": _("The date of leaving cannot be in the future.")})
    else:
        left_on = None
    changed = apply_changes(fresh, {"status": status, "left_on": left_on})
    if changed:
        fresh.version += 1
        fresh.full_clean()
        fresh.save()
        audit_record(
            actor=actor,
            action="volunteers.volunteer.status_set",
            obj=fresh,
            data={"status": status, "fields": sorted(changed)},
        )
        if status == VolunteerStatus.LEFT:
            from wegweiser.volunteers.services_tandems import volunteer_left

            volunteer_left(actor=actor, volunteer=fresh, left_on=left_on)
    return fresh


@transaction.atomic
def check_record(
    *,
    actor,
    volunteer: Volunteer,
    kind: str,
    issued_on: dt.date | None,
    next_due_on: dt.date | None = None,
) -> VolunteerCheck:
    """Record a required check: an extended certificate of conduct (issued on; next due on,
    by default five years later) or a signed confidentiality undertaking (signed on)."""
    _require_manage(actor, volunteer)
    if kind not in CheckKind.values:
        raise ValidationError({"kind": _("Please choose the kind of check.")})
    errors = {}
    if issued_on is None:
        errors["issued_on"] = _("Please enter the date of issue or signature.")
    elif issued_on > timezone.localdate():
        errors["issued_on"] = _("The date of issue or signature cannot be in the future.")
    if kind == CheckKind.CERTIFICATE_OF_CONDUCT:
        if issued_on is not None and next_due_on is None:
            next_due_on = add_years(issued_on, CERTIFICATE_VALID_YEARS)
        elif issued_on is not None and next_due_on <= issued_on:
            errors["next_due_on"] = _("The next due date must be after the date of issue.")
    elif next_due_on is not None:
        errors["next_due_on"] = _("A confidentiality undertaking has no due date.")
    if errors:
        raise ValidationError(errors)
    check = VolunteerCheck(
        kreis_id=volunteer.kreis_id,
        volunteer=volunteer,
        kind=kind,
        issued_on=issued_on,
        next_due_on=next_due_on,
        recorded_by=actor,
    )
    check.full_clean()
    check.save()
    audit_record(
        actor=actor,
        action="volunteers.check.recorded",
        obj=check,
        data={"kind": kind, "volunteer": str(volunteer.uuid)},
    )
    return check


@transaction.atomic
def qualification_record(
    *,
    actor,
    volunteer: Volunteer,
    title: str,
    attended_on: dt.date | None,
    provider: str = "",
    hours: Decimal | None = None,
) -> Qualification:
    """Record training the volunteer attended."""
    _require_manage(actor, volunteer)
    if attended_on is not None and attended_on > timezone.localdate():
        raise ValidationError(
            {"attended_on": _("The date of the training cannot be in the future.")}
        )
    qualification = Qualification(
        kreis_id=volunteer.kreis_id,
        volunteer=volunteer,
        title=(title or "").strip(),
        attended_on=attended_on,
        provider=(provider or "").strip(),
        hours=hours,
        recorded_by=actor,
    )
    qualification.full_clean()
    qualification.save()
    audit_record(
        actor=actor,
        action="volunteers.qualification.recorded",
        obj=qualification,
        data={"volunteer": str(volunteer.uuid), "hours": str(hours) if hours else ""},
    )
    return qualification
