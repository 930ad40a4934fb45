"""Every read of case work data. List selectors take ``user=`` and return only what that user
may see (tenant and role filtering live here, via clients.rules)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from wegweiser.clients import rules
from wegweiser.clients.models import Case, Client, Consent
from wegweiser.clients.names import phonetic_q, query_terms
from wegweiser.core.addresses import uuid_address
from wegweiser.core.prepared import ListOf, PreparedRead

CASE_NUMBER_RE = re.compile(r"^\d{4}-\d{1,6}$")
DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


# The person's names as copied onto the case (Case.sort_family_name), then the case.
CASE_LIST_ORDER = ("sort_family_name", "sort_given_names", "pk")


def _cases(user) -> QuerySet[Case]:
    return Case.objects.filter(rules.listable_q(user)).select_related(
        "client", "responsible", "team", "organisation"
    )


def _listed(qs: QuerySet[Case], user, status: str, query: str) -> QuerySet[Case]:
    """The cases of ``qs`` with that status and matching the search, in list order."""
    if status == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif status == "closed":
        qs = qs.filter(closed_on__isnull=False)
    if query:
        qs = qs.filter(search_q(query, by_person=user.does_casework, kreis_id=user.kreis_id))
    # The person's names as copied onto the case by the database (no join to sort a team's
    # thousands of cases; see Case.sort_family_name).
    return qs.order_by(*CASE_LIST_ORDER)


def case_list(user, *, status: str = "open", query: str = "") -> QuerySet[Case]:
    return _listed(_cases(user), user, status, query)


def case_list_parts(user, *, status: str = "open", query: str = "") -> list[QuerySet[Case]]:
    """``case_list`` as disjoint querysets (``rules.listable_parts``), each sorted like it: a
    page of a team's list reads the manager's own cases and the team's other cases each from
    its index (core.paging.parts_page), where ``case_list`` makes PostgreSQL fetch every row of
    both from the table."""
    return [
        _listed(Case.objects.filter(part), user, status, query)
        for part in rules.listable_parts(user)
    ]


def cases_in_order(ids, *, consent: bool = True) -> list[Case]:
    """The cases with these ids, in this order, with what a list row shows. A list page first
    sorts and pages the candidates' ids (narrow rows), then loads the 50 shown in full: for a
    team with thousands of shared cases this halves the database time of the page."""
    ids = list(ids)
    found = Case.objects.select_related("client", "responsible", "team", "organisation").in_bulk(
        ids
    )
    cases = [found[pk] for pk in ids if pk in found]
    return mark_consent(cases) if consent else cases


@dataclass(slots=True)
class CaseRow:
    """One row of the case list, with what it shows already as text: a list of 50 reads the
    columns it shows (no model objects) and formats them here, not in 400 template filters."""

    number: str
    url: str
    name: str
    latin_name: str  # empty when it reads as the name
    born: str
    responsible: str
    opened_on: str
    period_ends_on: str
    last_session_on: str
    is_open: bool
    has_consent: bool = False


_ROW_COLUMNS = (
    "pk",
    "uuid",
    "number",
    "client_id",
    "client__given_names",
    "client__family_name",
    "client__given_names_latin",
    "client__family_name_latin",
    "client__birth_date",
    "client__birth_year",
    "responsible__first_name",
    "responsible__last_name",
    "responsible__email",
    "opened_on",
    "period_ends_on",
    "last_session_on",
    "closed_on",
)


# A page of the case list. Its rows and their consents are read with statements compiled once for
# up to this many cases (core.prepared.ListOf); a longer list is read with the plain queryset.
PAGE_ROWS = 50

# A consent in force that covers the processing (the list's consent mark).
_COVERS_PROCESSING = Q(withdrawn_on__isnull=True, covers_processing=True)

_CASE_ROWS = PreparedRead(
    lambda ids: (
        Case.objects.filter(pk__in=ids)
        .annotate(
            has_consent=Exists(
                Consent.objects.filter(_COVERS_PROCESSING, client_id=OuterRef("client_id"))
            )
        )
        .values_list(*_ROW_COLUMNS, "has_consent")
    ),
    ids=ListOf(Case._meta.pk, PAGE_ROWS),
)
_CONSENTED = PreparedRead(
    lambda client_ids: Consent.objects.filter(
        _COVERS_PROCESSING, client_id__in=client_ids
    ).values_list("client_id", flat=True),
    client_ids=ListOf(Consent._meta.get_field("client"), PAGE_ROWS),
)


def _dmy(day: dt.date | None) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}" if day else ""


def case_rows(ids) -> list[CaseRow]:
    """The list rows of the cases with these ids, in this order (see ``cases_in_order``), with
    the consent mark: one query for the page, whatever the size of the county."""
    ids = list(ids)
    found = {row[0]: row for row in _CASE_ROWS.fetch(ids=ids)} if ids else {}
    # One reverse for the page: the case file's address differs only in the uuid.
    url = uuid_address("clients:case_detail")
    rows = []
    for pk in ids:
        if pk not in found:
            continue
        (
            _pk,
            uuid,
            number,
            _client_id,
            given,
            family,
            given_latin,
            family_latin,
            birth_date,
            birth_year,
            first,
            last,
            email,
            opened_on,
            period_ends_on,
            last_session_on,
            closed_on,
            has_consent,
        ) = found[pk]
        name = f"{given} {family}".strip()
        latin = f"{given_latin} {family_latin}".strip()
        rows.append(
            CaseRow(
                number=number,
                url=url(uuid),
                name=name,
                latin_name="" if latin == name else latin,
                born=_dmy(birth_date) or (str(birth_year) if birth_year else "—"),
                responsible=f"{first} {last}".strip() or email,
                opened_on=_dmy(opened_on),
                period_ends_on=_dmy(period_ends_on),
                last_session_on=_dmy(last_session_on) or "—",
                is_open=closed_on is None,
                has_consent=has_consent,
            )
        )
    return rows


def _clients_with_consent(client_ids) -> set[int]:
    client_ids = sorted(set(client_ids))
    return set(_CONSENTED.fetch(client_ids=client_ids)) if client_ids else set()


def _first_50(cases: QuerySet[Case]) -> list[Case]:
    return cases_in_order(cases.values_list("pk", flat=True)[:50], consent=False)


def mark_consent(cases) -> list[Case]:
    """Set ``has_consent`` on the cases of one page (one query for the page: as an annotation
    the planner checks the consents of every candidate row, not only of the 50 shown)."""
    cases = list(cases)
    with_consent = _clients_with_consent(case.client_id for case in cases)
    for case in cases:
        case.has_consent = case.client_id in with_consent
    return cases


def search_q(query: str, *, by_person: bool = True, kreis_id: int | None = None) -> Q:
    """Search cases by case number, or (``by_person``) by date of birth (dd.mm.yyyy or year) or
    name in any spelling. Who may search by person is the caller's decision: county
    coordination sees no names and searches by case number only. With the Kreis of the cases
    searched (``kreis_id``) the phonetic keys are looked up in their index (names.phonetic_q);
    the beginnings of name words use a trigram index on PostgreSQL (migration 0006)."""
    query = query.strip()
    if CASE_NUMBER_RE.match(query) or not by_person:
        return Q(number=query)
    match = DATE_RE.match(query)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            date = dt.date(year, month, day)
        except ValueError:
            return rules.NOTHING
        return Q(client__birth_date=date) | Q(
            client__birth_date__isnull=True, client__birth_year=year
        )
    if query.isdigit() and len(query) == 4:
        return Q(client__birth_year=int(query))
    condition = Q()
    terms = query_terms(query)
    if not terms:
        return rules.NOTHING
    for token, key in terms:
        term_q = Q(client__name_tokens__contains=f" {token}")
        if key and len(token) >= 3:
            if kreis_id:
                term_q |= phonetic_q([key], kreis_id=kreis_id, prefix="client__")
            else:
                term_q |= Q(client__name_phonetic__contains=f" {key} ")
        condition &= term_q
    return condition


def _case_with_person(uuid, kreis_id) -> QuerySet[Case]:
    return (
        Case.objects.select_related(
            "client",
            "client__household",
            "client__municipality",
            "responsible",
            "team",
            "organisation",
        )
        .annotate(**{rules.RESTRICTED_AT_READ: rules.restricted_exists()})
        .filter(uuid=uuid, kreis_id=kreis_id)
        .order_by()
    )


# Every case page and every change of a case reads it: compiled to SQL once (core.prepared).
_CASE_WITH_PERSON = PreparedRead(
    _case_with_person, uuid=Case._meta.get_field("uuid"), kreis_id=Case._meta.get_field("kreis")
)


def case_get(*, user, uuid) -> tuple[Case, rules.Access]:
    """The case with this id if the user may see it at all (else 404, as for a foreign Kreis)."""
    try:
        found = _CASE_WITH_PERSON.fetch(uuid=uuid, kreis_id=user.kreis_id)
    except (ValueError, ValidationError) as exc:
        raise Http404 from exc
    if not found:
        raise Http404
    case = found[0]
    case.kreis = user.kreis  # the same row, already loaded with the user
    access = rules.case_access(user, case)
    if access is rules.Access.NONE:
        raise Http404
    return case, access


def client_queryset(user) -> QuerySet[Client]:
    """Persons whose data the user may read: those with a case in the user's casework scope,
    and the members of their households."""
    visible_cases = Case.objects.filter(rules.casework_q(user))
    return Client.objects.filter(
        Q(Exists(visible_cases.filter(client_id=OuterRef("pk"))))
        | Q(
            household__isnull=False,
            household_id__in=visible_cases.filter(client__household__isnull=False).values(
                "client__household_id"
            ),
        )
    ).select_related("household", "municipality")


def client_get(*, user, uuid) -> Client:
    try:
        return client_queryset(user).get(uuid=uuid, kreis_id=user.kreis_id)
    except (Client.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def household_case(user, household) -> Case:
    """A case of the household the user may edit (where to go back after adding a member)."""
    case = (
        Case.objects.filter(rules.casework_q(user), client__household=household)
        .order_by("closed_on", "-opened_on")
        .first()
    )
    if case is None:
        raise Http404
    return case


_HOUSEHOLD_MEMBERS = PreparedRead(
    lambda household_id: Client.objects.filter(household_id=household_id).order_by(
        "birth_year", "pk"
    ),
    household_id=Client._meta.get_field("household"),
)


def household_members(client: Client) -> list[Client]:
    if not client.household_id:
        return [client]
    return _HOUSEHOLD_MEMBERS.fetch(household_id=client.household_id)


_CONSENTS = PreparedRead(
    lambda client_id: Consent.objects.filter(client_id=client_id),  # newest first (Meta)
    client_id=Consent._meta.get_field("client"),
)


def consents_of(client: Client) -> list[Consent]:
    """The person's consents, newest first, as ``client.consents.all()`` (compiled once: the
    case page reads them on every view)."""
    consents = _CONSENTS.fetch(client_id=client.pk)
    for consent in consents:
        consent.client = client
    return consents


def active_consent(client: Client, consents=None) -> Consent | None:
    for consent in client.consents.all() if consents is None else consents:
        if consent.withdrawn_on is None and consent.covers_processing:
            return consent
    return None


@dataclass
class Desk:
    caseload: list[Case]
    ending_soon: list[Case]
    without_session: list[Case]
    ending_count: int
    quiet_count: int
    caseload_count: int
    inactivity_weeks: int
    warning_days: int


def desk(*, user, today: dt.date | None = None) -> Desk | None:
    if not user.kreis_id or not (user.does_casework or user.has_county_overview):
        return None
    today = today or timezone.localdate()
    kreis = user.kreis
    open_cases = _cases(user).filter(closed_on__isnull=True)
    if user.does_casework:
        mine = (
            open_cases.filter(responsible=user)
            if user.role == "integration_manager"
            else open_cases
        )
    else:
        mine = open_cases
    warn_until = today + dt.timedelta(days=kreis.period_warning_days)
    quiet_since = today - dt.timedelta(weeks=kreis.inactivity_weeks)
    ending = open_cases.filter(period_ends_on__lte=warn_until).order_by("period_ends_on", "pk")
    quiet = open_cases.filter(
        Q(last_session_on__lt=quiet_since)
        | Q(last_session_on__isnull=True, opened_on__lt=quiet_since)
    ).order_by("last_session_on", "pk")
    return Desk(
        caseload=_first_50(mine.order_by(*CASE_LIST_ORDER)),
        ending_soon=_first_50(ending),
        without_session=_first_50(quiet),
        ending_count=ending.count(),
        quiet_count=quiet.count(),
        caseload_count=mine.count(),
        inactivity_weeks=kreis.inactivity_weeks,
        warning_days=kreis.period_warning_days,
    )
