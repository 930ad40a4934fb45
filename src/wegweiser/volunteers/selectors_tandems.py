"""Reads of tandems, support requests and hours: for the case's manager, for the volunteer
coordination, and for the volunteer themselves (the portal). Selectors take ``user=`` and return
only what that user may see.

What a volunteer sees of a person is built here and nowhere else (``PersonCard``): the first
names, and the phone, e-mail or address only where the manager chose to share them, and only
while the consent to passing contact data to volunteers stands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from wegweiser.clients import rules as case_rules
from wegweiser.clients.models import Case, Client
from wegweiser.volunteers import rules
from wegweiser.volunteers.models import (
    Activity,
    SupportRequest,
    SupportRequestStatus,
    Tandem,
    Volunteer,
    VolunteerStatus,
)
from wegweiser.volunteers.selectors import checks_in_order

SUGGESTION_LIMIT = 10


def _get(qs: QuerySet, uuid):
    try:
        return qs.get(uuid=uuid)
    except (qs.model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def _first_names(client: Client) -> str:
    if client.given_names_latin and client.given_names_latin != client.given_names:
        return f"{client.given_names_latin} ({client.given_names})"
    return client.given_names


@dataclass(frozen=True)
class PersonCard:
    """What a volunteer sees of the person they accompany."""

    first_names: str
    household_first_names: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    address: str = ""
    languages: list[str] = field(default_factory=list)


def person_card(
    case: Case,
    *,
    includes_household: bool = False,
    share_phone: bool = True,
    share_email: bool = False,
    share_address: bool = False,
) -> PersonCard:
    client = case.client
    household = client.household
    others = []
    if includes_household and household is not None:
        others = [
            _first_names(m)
            for m in household.members.exclude(pk=client.pk).order_by("birth_year", "pk")
        ]
    address = ""
    if share_address:
        municipality = client.municipality or (household.municipality if household else None)
        if household is not None and household.street:
            address = ", ".join(
                p
                for p in (household.street, f"{household.postal_code} {municipality or ''}")
                if p.strip()
            )
        elif municipality is not None:
            address = str(municipality)
    return PersonCard(
        first_names=_first_names(client),
        household_first_names=others,
        phone=client.phone if share_phone else "",
        email=client.email if share_email else "",
        address=address,
        languages=list(client.languages),
    )


def tandem_card(tandem: Tandem) -> PersonCard:
    return person_card(
        tandem.case,
        includes_household=tandem.includes_household,
        share_phone=tandem.share_phone,
        share_email=tandem.share_email,
        share_address=tandem.share_address,
    )


# --- The case's side ---------------------------------------------------------------------------


def tandems_of_case(*, user, case: Case) -> QuerySet[Tandem]:
    if case_rules.case_access(user, case) not in (
        case_rules.Access.CONTENT,
        case_rules.Access.EDIT,
    ):
        raise Http404
    return (
        Tandem.objects.filter(kreis_id=case.kreis_id, case=case)
        .select_related("volunteer")
        .annotate(
            hours=Sum("activities__hours", filter=Q(activities__cancelled_at__isnull=True)),
            meetings=Count("activities", filter=Q(activities__cancelled_at__isnull=True)),
        )
        .order_by("ended_on", "-started_on", "-pk")
    )


def requests_of_case(*, user, case: Case) -> QuerySet[SupportRequest]:
    if case_rules.case_access(user, case) not in (
        case_rules.Access.CONTENT,
        case_rules.Access.EDIT,
    ):
        raise Http404
    return (
        SupportRequest.objects.filter(kreis_id=case.kreis_id, case=case)
        .select_related("taken_by", "municipality")
        .annotate(hours=Sum("activities__hours", filter=Q(activities__cancelled_at__isnull=True)))
        .order_by("-needed_on", "-pk")
    )


def groups_of_case(*, user, case: Case):
    """Mentoring groups that accompany the person of the case (with their member count)."""
    from wegweiser.volunteers.models import MentoringGroup

    if case_rules.case_access(user, case) not in (
        case_rules.Access.CONTENT,
        case_rules.Access.EDIT,
    ):
        raise Http404
    return (
        MentoringGroup.objects.filter(kreis_id=case.kreis_id, case=case)
        .annotate(members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("name", "pk")
    )


def tandem_for_case_editor(*, user, uuid) -> Tandem:
    """A tandem whose case the user may change (else 404 / 403)."""
    tandem = _get(
        Tandem.objects.filter(kreis_id=user.kreis_id).select_related(
            "volunteer", "case", "case__client"
        ),
        uuid,
    )
    access = case_rules.case_access(user, tandem.case)
    if access is case_rules.Access.EDIT:
        return tandem
    if access is not case_rules.Access.NONE or (
        rules.can_manage(user) and user.kreis_id == tandem.kreis_id
    ):
        raise PermissionDenied
    raise Http404


def tandem_for_ending(*, user, uuid) -> Tandem:
    """A tandem the user may end: the case's editors and the volunteer coordination."""
    tandem = _get(
        Tandem.objects.filter(kreis_id=user.kreis_id).select_related(
            "volunteer", "case", "case__client"
        ),
        uuid,
    )
    access = case_rules.case_access(user, tandem.case)
    if access is case_rules.Access.EDIT or rules.can_manage(user):
        return tandem
    if access is not case_rules.Access.NONE or rules.can_read(user):
        raise PermissionDenied
    raise Http404


def request_for_case_editor(*, user, uuid) -> SupportRequest:
    request = _get(
        SupportRequest.objects.filter(kreis_id=user.kreis_id).select_related("case", "taken_by"),
        uuid,
    )
    access = case_rules.case_access(user, request.case)
    if access is case_rules.Access.EDIT:
        return request
    if access is not case_rules.Access.NONE:
        raise PermissionDenied
    raise Http404


@dataclass(frozen=True)
class Suggestion:
    volunteer: Volunteer
    score: int
    languages: list[str]
    same_municipality: bool
    fields: list[str]
    running_tandems: int
    checks_ok: bool


def _goal_fields(case: Case) -> set[str]:
    from wegweiser.plans.models import Goal, GoalStatus

    return set(
        Goal.objects.filter(plan__case=case)
        .filter(status__in=[GoalStatus.OPEN, GoalStatus.IN_PROGRESS])
        .values_list("field_of_action", flat=True)
    )


def suggestions(*, user, case: Case, limit: int = SUGGESTION_LIMIT) -> list[Suggestion]:
    """Active volunteers of the Kreis ranked for the person of the case: a shared language
    (other than German: 3 points; German only: 1), the person's municipality among the
    volunteer's (2 points; a volunteer without municipalities: 1), each field of action of an
    open goal of the plan that the volunteer is interested in (1 point, at most 3). Volunteers
    whose checks are not in order come last (they cannot be chosen); ties go to fewer running
    tandems, then the name."""
    if case_rules.case_access(user, case) is not case_rules.Access.EDIT:
        raise PermissionDenied
    client = case.client
    wanted_languages = set(client.languages)
    if client.interpreter_language:
        wanted_languages.add(client.interpreter_language)
    municipality_id = client.municipality_id or (
        client.household.municipality_id if client.household_id else None
    )
    goal_fields = _goal_fields(case)
    volunteers = (
        Volunteer.objects.filter(kreis_id=case.kreis_id, status=VolunteerStatus.ACTIVE)
        .prefetch_related("municipalities")
        .annotate(running=Count("tandems", filter=Q(tandems__ended_on__isnull=True)))
        .exclude(tandems__case=case, tandems__ended_on__isnull=True)
    )
    ranked = []
    for v in volunteers:
        shared = sorted(wanted_languages & set(v.languages))
        score = 0
        if any(code != "de" for code in shared):
            score += 3
        elif shared:
            score += 1
        municipality_ids = {m.pk for m in v.municipalities.all()}
        same = municipality_id is not None and municipality_id in municipality_ids
        if same:
            score += 2
        elif not municipality_ids:
            score += 1
        fields = [f for f in v.fields_of_action if f in goal_fields]
        score += min(len(fields), 3)
        ok = checks_in_order(v)
        ranked.append(
            Suggestion(
                volunteer=v,
                score=score,
                languages=shared,
                same_municipality=same,
                fields=fields,
                running_tandems=v.running,
                checks_ok=ok,
            )
        )
    ranked.sort(
        key=lambda s: (
            not s.checks_ok,
            -s.score,
            s.running_tandems,
            s.volunteer.family_name,
            s.volunteer.given_name,
        )
    )
    return ranked[:limit]


# --- The volunteer coordination's side ---------------------------------------------------------


def tandems_of_volunteer(*, user, volunteer: Volunteer) -> QuerySet[Tandem]:
    """The volunteer's tandems for the register (case number and manager, no person data)."""
    if rules.access(user, volunteer) is rules.Access.NONE:
        raise Http404
    return (
        Tandem.objects.filter(kreis_id=volunteer.kreis_id, volunteer=volunteer)
        .select_related("case", "case__responsible")
        .annotate(hours=Sum("activities__hours", filter=Q(activities__cancelled_at__isnull=True)))
        .order_by("ended_on", "-started_on", "-pk")
    )


def support_request_list(*, user, status: str = "") -> QuerySet[SupportRequest]:
    """Support requests of the Kreis for the coordination (what, when, who took it; never the
    person); for case workers the requests of the cases they may see."""
    if not rules.can_read(user):
        raise PermissionDenied
    qs = SupportRequest.objects.filter(kreis_id=user.kreis_id)
    if not rules.can_manage(user):
        qs = qs.filter(case__in=Case.objects.filter(case_rules.casework_q(user)))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("taken_by", "municipality", "case").order_by(
        "status", "needed_on", "pk"
    )


# --- The volunteer's own view (portal) ---------------------------------------------------------


def _own(user) -> Volunteer:
    own = rules.own_volunteer(user)
    if own is None:
        raise PermissionDenied
    return own


def _visible_tandems(own: Volunteer) -> QuerySet[Tandem]:
    return (
        Tandem.objects.filter(kreis_id=own.kreis_id, volunteer=own, ended_on__isnull=True)
        .filter(rules.consent_stands_q())
        .select_related("case", "case__client", "case__client__household", "case__responsible")
    )


def _suitable_open(own: Volunteer, today: dt.date) -> QuerySet[SupportRequest]:
    qs = SupportRequest.objects.filter(
        kreis_id=own.kreis_id, status=SupportRequestStatus.OPEN, needed_on__gte=today
    ).filter(rules.consent_stands_q())
    languages = list(own.languages)
    return qs.filter(Q(language="") | Q(language__in=languages))


@dataclass(frozen=True)
class TandemItem:
    tandem: Tandem
    card: PersonCard


@dataclass(frozen=True)
class Portal:
    volunteer: Volunteer
    tandems: list[TandemItem]
    taken: list[SupportRequest]
    open_requests: list[SupportRequest]
    checks_ok: bool
    hours_this_year: Decimal


def portal(*, user, today: dt.date | None = None) -> Portal:
    """Everything a volunteer sees on their start page."""
    own = _own(user)
    today = today or timezone.localdate()
    tandems = [TandemItem(t, tandem_card(t)) for t in _visible_tandems(own)]
    taken = list(
        SupportRequest.objects.filter(
            kreis_id=own.kreis_id, taken_by=own, status=SupportRequestStatus.TAKEN
        )
        .filter(rules.consent_stands_q())
        .select_related("municipality")
        .order_by("needed_on", "time_from", "pk")
    )
    ok = checks_in_order(own, today)
    open_requests = (
        list(_suitable_open(own, today).select_related("municipality")[:50]) if ok else []
    )
    mine = {m.pk for m in own.municipalities.all()}
    if mine:
        open_requests.sort(key=lambda r: (r.municipality_id not in mine, r.needed_on, r.pk))
    hours = Activity.objects.filter(
        volunteer=own, cancelled_at__isnull=True, date__year=today.year
    ).aggregate(total=Sum("hours"))["total"] or Decimal("0")
    return Portal(
        volunteer=own,
        tandems=tandems,
        taken=taken,
        open_requests=open_requests,
        checks_ok=ok,
        hours_this_year=hours,
    )


def own_tandem(*, user, uuid) -> tuple[Tandem, PersonCard, QuerySet[Activity]]:
    """One of the volunteer's running tandems with consent (anything else: 404)."""
    own = _own(user)
    tandem = _get(_visible_tandems(own), uuid)
    activities = tandem.activities.filter(cancelled_at__isnull=True).order_by("-date", "-pk")
    return tandem, tandem_card(tandem), activities


@dataclass(frozen=True)
class RequestView:
    request: SupportRequest
    mine: bool
    card: PersonCard | None  # only for the volunteer who took it


def own_request(*, user, uuid) -> RequestView:
    """A support request as the volunteer sees it: an open one they are suitable for (without
    the person), or one they took (with the person's first name and phone)."""
    own = _own(user)
    today = timezone.localdate()
    visible = SupportRequest.objects.filter(kreis_id=own.kreis_id).filter(rules.consent_stands_q())
    request = _get(
        visible.filter(taken_by=own, status__in=[SupportRequestStatus.TAKEN])
        | (_suitable_open(own, today) if checks_in_order(own, today) else visible.none()),
        uuid,
    )
    if request.taken_by_id == own.pk:
        return RequestView(request, True, person_card(request.case))
    return RequestView(request, False, None)


def request_closed_meanwhile(*, user, uuid) -> bool:
    """Whether a request of the volunteer's Kreis that they cannot see (any more) exists and is
    no longer open: it was taken by someone else or withdrawn while their page was open."""
    own = _own(user)
    try:
        return (
            SupportRequest.objects.filter(kreis_id=own.kreis_id, uuid=uuid)
            .exclude(status=SupportRequestStatus.OPEN)
            .exists()
        )
    except (ValueError, ValidationError):
        return False
