"""Every read of referrals and contacts at authorities. Lists start from what the user may see
(``clients.rules``); one object outside it answers 404, as for a foreign Kreis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from wegweiser.accounts.roles import Role
from wegweiser.clients import rules
from wegweiser.counselling.models import CounsellingSession
from wegweiser.directory.models import Service
from wegweiser.plans.models import Goal
from wegweiser.referrals.models import AuthorityContact, Referral

DESK_LIMIT = 20


def _with_relations(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    return qs.select_related(
        "case", "case__client", "service", "service__provider", "session", "goal"
    )


def referrals_of_case(case) -> QuerySet[Referral]:
    """The referrals of a case the caller has already checked (``case_get``)."""
    return _with_relations(Referral.objects.filter(case=case, kreis_id=case.kreis_id)).order_by(
        "closed_on", "-referred_on", "-pk"
    )


def referral_list(user) -> QuerySet[Referral]:
    """Referrals of every case whose content the user sees by role."""
    return _with_relations(Referral.objects.filter(rules.casework_q(user, "case__")))


def referral_get(*, user, uuid) -> tuple[Referral, rules.Access]:
    try:
        referral = _with_relations(Referral.objects).get(uuid=uuid, kreis_id=user.kreis_id)
    except (Referral.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    access = rules.case_access(user, referral.case)
    if access is rules.Access.NONE:
        raise Http404
    return referral, access


def referral_events(referral: Referral):
    return referral.events.select_related("actor").order_by("at", "pk")


def session_get(*, user, uuid) -> tuple[CounsellingSession, rules.Access]:
    try:
        session = CounsellingSession.objects.select_related(
            "case", "case__client", "case__kreis"
        ).get(uuid=uuid, kreis_id=user.kreis_id)
    except (CounsellingSession.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    access = rules.case_access(user, session.case)
    if access is rules.Access.NONE:
        raise Http404
    return session, access


def goal_get(*, user, uuid) -> tuple[Goal, rules.Access]:
    try:
        goal = Goal.objects.select_related(
            "plan", "plan__case", "plan__case__client", "plan__case__kreis"
        ).get(uuid=uuid, kreis_id=user.kreis_id)
    except (Goal.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    access = rules.case_access(user, goal.plan.case)
    if access is rules.Access.NONE:
        raise Http404
    return goal, access


def services_for_referral(kreis) -> QuerySet[Service]:
    """Active services of the directory a manager of this Kreis can refer to: the county's own,
    the state-wide ones of its Land, and those of other counties that serve this one."""
    serves = Service.counties_served.through.objects.filter(
        service_id=OuterRef("pk"), kreis_id=kreis.pk
    )
    return (
        Service.objects.filter(is_active=True)
        .filter(
            Q(kreis_id=kreis.pk) | Q(kreis__isnull=True, land_id=kreis.land_id) | Q(Exists(serves))
        )
        .select_related("provider")
        .order_by("name", "pk")
    )


def authority_contacts_of(client) -> QuerySet[AuthorityContact]:
    return AuthorityContact.objects.filter(client=client, kreis_id=client.kreis_id).order_by(
        "kind", "office_name", "pk"
    )


def authority_contact_get(*, user, uuid):
    """A contact and the case of its person through which the user sees it (404 otherwise)."""
    from wegweiser.clients.models import Case

    try:
        contact = AuthorityContact.objects.select_related("client").get(
            uuid=uuid, kreis_id=user.kreis_id
        )
    except (AuthorityContact.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    case = (
        Case.objects.filter(rules.listable_q(user), client_id=contact.client_id)
        .select_related("client", "kreis")
        .order_by("closed_on", "-opened_on")
        .first()
    )
    if case is None:
        raise Http404
    return contact, case


@dataclass
class Overdue:
    referrals: list[Referral]
    count: int
    team: bool


def overdue_follow_ups(*, user, today: dt.date | None = None) -> Overdue | None:
    """Open referrals whose follow-up date has passed: of the own caseload for an integration
    manager, of the team for a team lead. Two queries (the oldest rows and the count), whatever
    the number."""
    if not (user.is_authenticated and user.kreis_id and user.does_casework):
        return None
    today = today or timezone.localdate()
    qs = Referral.objects.filter(
        rules.casework_q(user, "case__"),
        kreis_id=user.kreis_id,
        closed_on__isnull=True,
        follow_up_on__lt=today,
    )
    team = user.role == Role.TEAM_LEAD
    if not team:
        qs = qs.filter(case__responsible_id=user.pk)
    rows = list(
        qs.select_related("case", "case__client", "case__responsible", "service").order_by(
            "follow_up_on", "pk"
        )[:DESK_LIMIT]
    )
    return Overdue(referrals=rows, count=qs.count(), team=team)
