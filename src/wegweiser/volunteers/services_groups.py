"""Every write of the mentoring groups (NesT: Neustart im Team). Each service runs in one
transaction, checks the actor's rights (volunteers.rules), validates, and writes the audit entry
(field names and codes, never values).

- The volunteer coordination (and county coordination) of the Kreis forms the group: name,
  members, commitments, period, start and end.
- Only the family's integration manager (who may edit the case) links the family, and only with
  the person's standing consent to passing contact data to volunteers.
- A group accompanies (status active) with at least ``MIN_MEMBERS`` current members, a linked
  family and a period; members of an accompanying group cannot drop below that number.
- A member (volunteer role) logs the hours they gave for the group.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wegweiser.audit.services import audit_case_event, audit_record
from wegweiser.clients import rules as case_rules
from wegweiser.core.services import apply_changes, lock_for_update
from wegweiser.volunteers import rules
from wegweiser.volunteers.models import (
    Activity,
    ActivityKind,
    CommitmentKind,
    GroupCommitment,
    GroupMembership,
    MentoringGroup,
    MentoringGroupStatus,
    Volunteer,
)
from wegweiser.volunteers.services_tandems import check_hours, record_activity

MIN_MEMBERS = 4
GROUP_FIELDS = ("name", "shared_note", "starts_on", "ends_on")
CENT = Decimal("0.01")


def _require_manage(actor, group: MentoringGroup) -> None:
    access = rules.access(actor, group)
    if access is rules.Access.NONE:
        if rules.can_read(actor):
            raise Http404
        raise PermissionDenied
    if access is not rules.Access.EDIT:
        raise PermissionDenied


def _refuse_ended(group: MentoringGroup) -> None:
    if group.status == MentoringGroupStatus.ENDED:
        raise ValidationError(_("This mentoring group has ended and can no longer be changed."))


def current_members(group: MentoringGroup):
    """The memberships of the group that have not ended."""
    return group.memberships.filter(left_on__isnull=True)


def _clean_period(group: MentoringGroup) -> None:
    errors = {}
    if group.status != MentoringGroupStatus.FORMING:
        if group.starts_on is None:
            errors["starts_on"] = _("A group that accompanies a family needs a start.")
        if group.ends_on is None:
            errors["ends_on"] = _("A group that accompanies a family needs an end.")
    if group.starts_on and group.ends_on and group.ends_on <= group.starts_on:
        errors["ends_on"] = _("The end of the accompaniment must be after its start.")
    if not errors and group.pk and (group.starts_on or group.ends_on):
        outside = Q(pk__in=[])
        if group.starts_on:
            outside |= Q(from_on__lt=group.starts_on)
        if group.ends_on:
            outside |= Q(until_on__gt=group.ends_on)
        if group.commitments.filter(outside).exists():
            errors["starts_on"] = _(
                "The period of the accompaniment must include the periods of the commitments."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def group_create(
    *,
    actor,
    name: str,
    shared_note: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> MentoringGroup:
    """Form a new mentoring group in the actor's Kreis (status: forming)."""
    if not rules.can_manage(actor):
        raise PermissionDenied
    group = MentoringGroup(
        kreis_id=actor.kreis_id,
        name=(name or "").strip(),
        shared_note=(shared_note or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    _clean_period(group)
    group.full_clean()
    group.save()
    audit_record(actor=actor, action="volunteers.group.created", obj=group)
    return group


@transaction.atomic
def group_update(*, actor, group: MentoringGroup, version: int | None, **fields) -> MentoringGroup:
    """Change name, note for the members and period (fields not given stay as they are);
    ``version`` guards against a concurrent save."""
    _require_manage(actor, group)
    unknown = set(fields) - set(GROUP_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    fresh = lock_for_update(group, expected_version=version)
    _refuse_ended(fresh)
    for name in ("name", "shared_note"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    changed = apply_changes(fresh, fields)
    _clean_period(fresh)
    fresh.full_clean()
    if changed:
        fresh.version += 1
        fresh.save()
        audit_record(
            actor=actor,
            action="volunteers.group.updated",
            obj=fresh,
            data={"fields": sorted(changed)},
        )
    return fresh


@transaction.atomic
def member_add(
    *,
    actor,
    group: MentoringGroup,
    volunteer: Volunteer,
    joined_on: dt.date | None,
    is_contact: bool = False,
) -> GroupMembership:
    """Add an active or paused volunteer of the Kreis to the group."""
    _require_manage(actor, group)
    fresh = lock_for_update(group, expected_version=None)
    _refuse_ended(fresh)
    errors = {}
    if volunteer.kreis_id != fresh.kreis_id:
        raise Http404
    if volunteer.status not in rules.VOLUNTEER_ACTIVE_STATUSES:
        errors["volunteer"] = _("Only an active or paused volunteer can join a group.")
    elif current_members(fresh).filter(volunteer=volunteer).exists():
        errors["volunteer"] = _("This volunteer is already a member of the group.")
    if joined_on is None:
        errors["joined_on"] = _("Please enter the date of joining.")
    elif joined_on > timezone.localdate():
        errors["joined_on"] = _("The date of joining cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    membership = GroupMembership(
        kreis_id=fresh.kreis_id,
        group=fresh,
        volunteer=volunteer,
        joined_on=joined_on,
        is_contact=bool(is_contact),
    )
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="volunteers.group.member_added",
        obj=fresh,
        data={"volunteer": str(volunteer.uuid), "contact": membership.is_contact},
    )
    return membership


@transaction.atomic
def member_remove(
    *, actor, membership: GroupMembership, left_on: dt.date | None
) -> GroupMembership:
    """A member leaves the group. An accompanying group keeps at least ``MIN_MEMBERS``."""
    _require_manage(actor, membership.group)
    group = lock_for_update(membership.group, expected_version=None)
    _refuse_ended(group)
    fresh = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if fresh.left_on is not None:
        raise ValidationError(_("This volunteer has already left the group."))
    if left_on is None:
        raise ValidationError({"left_on": _("Please enter the date of leaving.")})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The date of leaving cannot be in the future.")})
    if left_on < fresh.joined_on:
        raise ValidationError(
            {"left_on": _("The date of leaving cannot be before the date of joining.")}
        )
    count = current_members(group).count()
    if group.status == MentoringGroupStatus.ACTIVE and count - 1 < MIN_MEMBERS:
        raise ValidationError(
            ngettext(
                "A group that accompanies a family needs at least %(min)d member; "
                "please add a new member first.",
                "A group that accompanies a family needs at least %(min)d members; "
                "please add a new member first.",
                MIN_MEMBERS,
            )
            % {"min": MIN_MEMBERS}
        )
    fresh.left_on = left_on
    fresh.full_clean()
    fresh.save(update_fields=["left_on", "updated_at"])
    audit_record(
        actor=actor,
        action="volunteers.group.member_removed",
        obj=group,
        data={"volunteer": str(fresh.volunteer.uuid)},
    )
    return fresh


@transaction.atomic
def commitment_add(
    *,
    actor,
    group: MentoringGroup,
    kind: str,
    from_on: dt.date | None,
    until_on: dt.date | None,
    description: str = "",
    monthly_amount: Decimal | None = None,
) -> GroupCommitment:
    """Record what the group commits to for the family, for a period inside the group's."""
    _require_manage(actor, group)
    fresh = lock_for_update(group, expected_version=None)
    _refuse_ended(fresh)
    errors = {}
    if kind not in CommitmentKind.values:
        errors["kind"] = _("Please choose the kind of commitment.")
    elif kind == CommitmentKind.RENT and monthly_amount is None:
        errors["monthly_amount"] = _("Please enter the rent the group pays per month.")
    if monthly_amount is not None:
        if monthly_amount <= 0:
            errors["monthly_amount"] = _("The amount must be greater than zero.")
        else:
            monthly_amount = monthly_amount.quantize(CENT)
    if from_on is None:
        errors["from_on"] = _("Please enter the start of the commitment.")
    if until_on is None:
        errors["until_on"] = _("Please enter the end of the commitment.")
    if from_on and until_on:
        if until_on < from_on:
            errors["until_on"] = _("The end of the commitment cannot be before its start.")
        elif (fresh.starts_on and from_on < fresh.starts_on) or (
            fresh.ends_on and until_on > fresh.ends_on
        ):
            errors["from_on"] = _("The commitment must lie within the period of the accompaniment.")
    if errors:
        raise ValidationError(errors)
    commitment = GroupCommitment(
        kreis_id=fresh.kreis_id,
        group=fresh,
        kind=kind,
        description=(description or "").strip(),
        monthly_amount=monthly_amount,
        from_on=from_on,
        until_on=until_on,
        recorded_by=actor,
    )
    commitment.full_clean()
    commitment.save()
    audit_record(
        actor=actor,
        action="volunteers.group.commitment_added",
        obj=fresh,
        data={"kind": kind, "amount": monthly_amount is not None},
    )
    return commitment


@transaction.atomic
def group_link_family(*, actor, group: MentoringGroup, version: int | None, case) -> MentoringGroup:
    """The family's integration manager links the person of a case (with their household) to a
    forming group. Needs the person's standing consent to passing contact data to volunteers."""
    if rules.access(actor, group) is rules.Access.NONE:
        if rules.can_read(actor):
            raise Http404
        raise PermissionDenied
    case_rules.require_case_edit(actor, case)
    fresh = lock_for_update(group, expected_version=version)
    _refuse_ended(fresh)
    if fresh.status != MentoringGroupStatus.FORMING:
        raise ValidationError(_("The family can only be linked while the group is forming."))
    if not case.is_open:
        raise ValidationError({"case": _("Please choose an open case.")})
    if not rules.consent_stands(case):
        raise ValidationError(
            {
                "case": _(
                    "The person has not consented to passing contact data to volunteers. "
                    "Please record the consent in the case file first."
                )
            }
        )
    if fresh.case_id == case.pk:
        return fresh
    fresh.case = case
    fresh.version += 1
    fresh.full_clean()
    fresh.save()
    audit_case_event(
        actor=actor,
        action="volunteers.group.family_linked",
        case=case,
        obj=fresh,
    )
    return fresh


@transaction.atomic
def group_start(*, actor, group: MentoringGroup, version: int | None) -> MentoringGroup:
    """The group begins to accompany the family (forming -> active)."""
    _require_manage(actor, group)
    fresh = lock_for_update(group, expected_version=version)
    _refuse_ended(fresh)
    if fresh.status != MentoringGroupStatus.FORMING:
        raise ValidationError(_("The group already accompanies a family."))
    missing = []
    count = current_members(fresh).count()
    if count < MIN_MEMBERS:
        missing.append(
            ngettext(
                "At least %(min)d members are needed to start; the group has %(count)d member.",
                "At least %(min)d members are needed to start; the group has %(count)d members.",
                count,
            )
            % {"min": MIN_MEMBERS, "count": count}
        )
    if fresh.case_id is None:
        missing.append(
            _("The family has not been linked yet; their integration manager links them.")
        )
    elif not rules.consent_stands(fresh.case):
        missing.append(
            _("The family's consent to passing contact data to volunteers does not stand.")
        )
    if fresh.starts_on is None or fresh.ends_on is None:
        missing.append(_("Please enter the start and the end of the accompaniment first."))
    if missing:
        raise ValidationError(missing)
    fresh.status = MentoringGroupStatus.ACTIVE
    fresh.version += 1
    fresh.full_clean()
    fresh.save()
    audit_record(actor=actor, action="volunteers.group.started", obj=fresh, data={"members": count})
    return fresh


@transaction.atomic
def group_end(
    *, actor, group: MentoringGroup, version: int | None, ends_on: dt.date | None
) -> MentoringGroup:
    """The accompaniment ends on the given date (active -> ended)."""
    _require_manage(actor, group)
    fresh = lock_for_update(group, expected_version=version)
    _refuse_ended(fresh)
    if fresh.status != MentoringGroupStatus.ACTIVE:
        raise ValidationError(_("Only a group that accompanies a family can end."))
    if ends_on is None:
        raise ValidationError({"ends_on": _("Please enter the end of the accompaniment.")})
    if ends_on > timezone.localdate():
        raise ValidationError({"ends_on": _("The end cannot be in the future.")})
    if ends_on <= fresh.starts_on:
        raise ValidationError(
            {"ends_on": _("The end of the accompaniment must be after its start.")}
        )
    fresh.status = MentoringGroupStatus.ENDED
    fresh.ends_on = ends_on
    fresh.version += 1
    fresh.full_clean()
    fresh.save()
    audit_record(actor=actor, action="volunteers.group.ended", obj=fresh)
    return fresh


@transaction.atomic
def group_activity_log(
    *,
    actor,
    group: MentoringGroup,
    date: dt.date | None,
    hours: Decimal | None,
    note: str = "",
) -> Activity:
    """A member (volunteer role) logs the hours they gave for the group."""
    volunteer = rules.own_volunteer(actor)
    if volunteer is None:
        raise PermissionDenied
    membership = current_members(group).filter(volunteer=volunteer).first()
    if membership is None or group.kreis_id != volunteer.kreis_id:
        raise Http404
    _refuse_ended(group)
    check_hours(
        date,
        hours,
        not_before=membership.joined_on,
        before_message=_("The date cannot be before you joined the group."),
    )
    return record_activity(
        actor,
        volunteer,
        ActivityKind.MENTORING_GROUP,
        date,
        hours,
        note,
        audit_obj=group,
        group=group,
    )
