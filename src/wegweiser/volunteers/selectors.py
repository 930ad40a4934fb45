"""Every read of the volunteer register. Selectors take ``user=`` and return only what that user
may see (the rules live in volunteers.rules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from wegweiser.accounts.models import User
from wegweiser.accounts.roles import Role
from wegweiser.organisations.models import Municipality
from wegweiser.volunteers import rules
from wegweiser.volunteers.models import CheckKind, Volunteer, VolunteerCheck, VolunteerStatus

REMINDER_DAYS = 60


def _require_read(user) -> None:
    if not rules.can_read(user):
        raise PermissionDenied


def volunteer_list(
    *, user, status: str = "", language: str = "", municipality=None
) -> QuerySet[Volunteer]:
    _require_read(user)
    qs = Volunteer.objects.filter(rules.visible_q(user)).prefetch_related("municipalities")
    if status:
        qs = qs.filter(status=status)
    if language:
        qs = qs.filter(languages__icontains=f'"{language}"')
    if municipality is not None:
        qs = qs.filter(municipalities=municipality)
    return qs.order_by("family_name", "given_name", "pk")


def volunteer_get(*, user, uuid) -> tuple[Volunteer, rules.Access]:
    """The volunteer if the user may see them (another Kreis: 404)."""
    _require_read(user)
    try:
        volunteer = (
            Volunteer.objects.select_related("user")
            .prefetch_related(
                "municipalities",
                Prefetch("checks", queryset=VolunteerCheck.objects.select_related("recorded_by")),
                "qualifications__registration",
            )
            .get(uuid=uuid)
        )
    except (Volunteer.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    access = rules.access(user, volunteer)
    if access is rules.Access.NONE:
        raise Http404
    return volunteer, access


def municipalities(*, user) -> QuerySet[Municipality]:
    """Municipalities a volunteer of the user's Kreis can be active in."""
    return Municipality.objects.filter(kreis_id=user.kreis_id).order_by("name")


def volunteer_accounts(*, user, volunteer: Volunteer | None = None) -> QuerySet[User]:
    """Active user accounts with the volunteer role of the Kreis not yet linked to another
    volunteer."""
    qs = User.objects.filter(kreis_id=user.kreis_id, role=Role.VOLUNTEER, is_active=True).exclude(
        volunteer_profile__isnull=False
    )
    if volunteer is not None and volunteer.user_id:
        qs = qs | User.objects.filter(pk=volunteer.user_id)
    return qs.order_by("email")


@dataclass(frozen=True)
class Reminder:
    """A required check that needs attention: due soon, overdue, or never recorded."""

    volunteer: Volunteer
    kind: str
    due_on: dt.date | None  # None: missing

    @property
    def kind_label(self) -> str:
        return CheckKind(self.kind).label

    @property
    def missing(self) -> bool:
        return self.due_on is None

    def overdue(self, today: dt.date) -> bool:
        return self.due_on is not None and self.due_on < today


def checks_due(
    *,
    user,
    today: dt.date | None = None,
    within_days: int = REMINDER_DAYS,
    volunteer: Volunteer | None = None,
) -> list[Reminder]:
    """Reminders of required checks in the user's Kreis (or of one volunteer): certificates of
    conduct whose latest next due date is within ``within_days`` or past (volunteers who have
    not left), and active volunteers without a certificate of conduct or without a signed
    confidentiality undertaking. Missing checks first, then by due date."""
    _require_read(user)
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=within_days)
    volunteers = Volunteer.objects.filter(rules.visible_q(user)).exclude(
        status=VolunteerStatus.LEFT
    )
    if volunteer is not None:
        volunteers = volunteers.filter(pk=volunteer.pk)
    volunteers = {v.pk: v for v in volunteers}
    latest: dict[tuple[int, str], VolunteerCheck] = {}
    for check in VolunteerCheck.objects.filter(volunteer_id__in=list(volunteers)).order_by(
        "volunteer_id", "kind", "-issued_on", "-pk"
    ):
        latest.setdefault((check.volunteer_id, check.kind), check)
    missing: list[Reminder] = []
    due: list[Reminder] = []
    for pk, v in volunteers.items():
        for kind in CheckKind.values:
            check = latest.get((pk, kind))
            if check is None:
                if v.status == VolunteerStatus.ACTIVE:
                    missing.append(Reminder(volunteer=v, kind=kind, due_on=None))
            elif check.next_due_on is not None and check.next_due_on <= until:
                due.append(Reminder(volunteer=v, kind=kind, due_on=check.next_due_on))
    missing.sort(key=lambda r: (r.volunteer.family_name, r.volunteer.given_name, r.kind))
    due.sort(key=lambda r: (r.due_on, r.volunteer.family_name, r.volunteer.given_name))
    return missing + due


def checks_in_order(volunteer: Volunteer, today: dt.date | None = None) -> bool:
    """Whether a volunteer may accompany people: a certificate of conduct that is not overdue
    and a signed confidentiality undertaking."""
    today = today or timezone.localdate()
    checks = VolunteerCheck.objects.filter(volunteer=volunteer)
    return (
        checks.filter(kind=CheckKind.CONFIDENTIALITY).exists()
        and checks.filter(kind=CheckKind.CERTIFICATE_OF_CONDUCT, next_due_on__gte=today).exists()
    )
