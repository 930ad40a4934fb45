"""Reads the API needs beyond the apps' selectors: the same selectors, shaped for the output
schemas (prefetched so that a page costs a fixed number of queries), and the lookups of
referenced objects by their public UUID within what the user may see.

Everything starts from a selector that filters by user (``client_queryset``, ``case_list``,
``session_list``); nothing here widens what a user may see.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import Prefetch, QuerySet

from wegweiser.api.errors import invalid
from wegweiser.clients.models import Case, Client, Household
from wegweiser.clients.selectors import case_list, client_get, client_queryset
from wegweiser.counselling.models import CounsellingSession
from wegweiser.organisations.models import Municipality


def _visible_cases(user) -> Prefetch:
    """The cases of each person that the user may list (for the ``case`` of the output)."""
    return Prefetch(
        "cases",
        queryset=case_list(user, status="all").order_by("-opened_on", "-pk"),
        to_attr="api_cases",
    )


def shown_case(client: Client) -> Case | None:
    """The open case if there is one, otherwise the latest (of those the user may see).
    ``api_cases`` is set by ``clients()`` (prefetched) or ``with_cases()``."""
    cases = client.api_cases
    for case in cases:
        if case.closed_on is None:
            return case
    return cases[0] if cases else None


def clients(user, *, query: str = "") -> QuerySet[Client]:
    qs = client_queryset(user)
    if query:
        # The search of the case list (case number, date of birth, name in any spelling).
        qs = qs.filter(pk__in=case_list(user, status="all", query=query).values("client_id"))
    return qs.prefetch_related(_visible_cases(user)).order_by(
        "family_name_latin", "given_names_latin", "pk"
    )


def client(user, uuid: UUID) -> Client:
    """One person the user may see (404 otherwise), with the cases the user may see."""
    return with_cases(user, client_get(user=user, uuid=uuid))


def with_cases(user, person: Client) -> Client:
    person.api_cases = list(
        case_list(user, status="all").filter(client=person).order_by("-opened_on", "-pk")
    )
    return person


def log_person_read(user, person: Client, *, part: str) -> None:
    """A read of a case file is logged (for the case shown; without one, for the person)."""
    from wegweiser.audit.services import audit_record
    from wegweiser.clients.services import case_viewed

    case = shown_case(person)
    if case is not None:
        case_viewed(actor=user, case=case, part=part)
    else:
        audit_record(
            actor=user,
            action="clients.client.viewed",
            obj=person,
            client=person,
            data={"part": part},
        )


def municipality(user, uuid: UUID | None) -> Municipality | None:
    if uuid is None:
        return None
    found = Municipality.objects.filter(uuid=uuid, kreis_id=user.kreis_id).first()
    if found is None:
        raise invalid(
            "municipality", "Unbekannte Gemeinde: Bitte wählen Sie eine Gemeinde Ihres Kreises."
        )
    return found


def household(user, uuid: UUID | None) -> Household | None:
    if uuid is None:
        return None
    found = Household.objects.filter(
        uuid=uuid,
        kreis_id=user.kreis_id,
        pk__in=client_queryset(user).filter(household__isnull=False).values("household_id"),
    ).first()
    if found is None:
        raise invalid("household", "Unbekannter Haushalt.")
    return found


def household_members(user, uuids: list[UUID]) -> list[Client]:
    wanted = list(dict.fromkeys(uuids))
    found = list(client_queryset(user).filter(uuid__in=wanted)) if wanted else []
    if len(found) != len(wanted):
        raise invalid("members_present", "Unbekannte Person unter den Anwesenden.")
    return found


def open_case(user, person: Client) -> Case:
    """The open case of the person in which the user may record sessions."""
    case = case_list(user, status="open").filter(client=person).first()
    if case is None:
        raise invalid(
            "__all__",
            "Für diese Person gibt es keine offene Fallakte, in der Sie Gespräche erfassen können.",
        )
    return case


def sessions(qs: QuerySet[CounsellingSession]) -> QuerySet[CounsellingSession]:
    """Sessions shaped for the output: case, person and counsellor joined, attendance prefetched."""
    return (
        qs.select_related("case", "case__client", "counsellor")
        .prefetch_related(Prefetch("members_present", queryset=Client.objects.only("pk", "uuid")))
        .order_by("-held_on", "-pk")
    )
