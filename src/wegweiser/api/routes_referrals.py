"""Referrals (Verweisungen) of a person through the API. Thin: the rights (as for the case
file), the consent rule and the status flow live in referrals.services/selectors."""

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator

from wegweiser.api import queries
from wegweiser.api.errors import invalid
from wegweiser.api.pagination import PageNumber
from wegweiser.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    bounded_text,
    single_line_text,
)
from wegweiser.clients import rules
from wegweiser.clients.selectors import client_get
from wegweiser.clients.services import case_viewed
from wegweiser.counselling.models import CounsellingSession
from wegweiser.plans.models import Goal
from wegweiser.referrals import selectors, services
from wegweiser.referrals.models import (
    CLOSING_STATUSES,
    OPEN_STATUSES,
    OUTCOME_MAX,
    REASON_MAX,
    Referral,
    ReferralStatus,
)

router = Router(tags=["Verweisungen"])

READ = READ_ERRORS
WRITE = WRITE_ERRORS

StatusCode = Literal[tuple(ReferralStatus.values)]  # type: ignore[valid-type]
OpenStatusCode = Literal[tuple(s.value for s in OPEN_STATUSES)]  # type: ignore[valid-type]


ServiceName = Annotated[bounded_text(200), AfterValidator(single_line_text)]
Version = Annotated[
    int, Field(ge=1, le=2_147_483_647, description="Stand des Datensatzes (optimistisches Sperren)")
]


class ReferralOut(Schema):
    uuid: UUID
    version: int
    case: UUID
    client: UUID
    session: UUID | None
    goal: UUID | None
    service: UUID | None = Field(None, description="Angebot aus dem Verzeichnis")
    service_name: str = Field(..., description="Name des Angebots (aus dem Verzeichnis oder frei)")
    reason: str
    referred_on: dt.date
    status: StatusCode
    appointment_on: dt.date | None
    follow_up_on: dt.date | None
    outcome: str
    closed_on: dt.date | None
    anonymous: bool = Field(..., description="Anonyme Verweisung: keine Daten an das Angebot")

    @staticmethod
    def resolve_case(obj) -> UUID:
        return obj.case.uuid

    @staticmethod
    def resolve_client(obj) -> UUID:
        return obj.case.client.uuid

    @staticmethod
    def resolve_session(obj) -> UUID | None:
        return obj.session.uuid if obj.session_id else None

    @staticmethod
    def resolve_goal(obj) -> UUID | None:
        return obj.goal.uuid if obj.goal_id else None

    @staticmethod
    def resolve_service(obj) -> UUID | None:
        return obj.service.uuid if obj.service_id else None

    @staticmethod
    def resolve_service_name(obj) -> str:
        return obj.service_label


class ReferralCreate(Schema):
    service: UUID | None = Field(None, description="Angebot aus dem Verzeichnis (UUID)")
    service_name: ServiceName = Field("", description="Oder: ein anderes Angebot (freier Text)")
    reason: bounded_text(REASON_MAX, min_length=1)  # type: ignore[valid-type]
    referred_on: dt.date = Field(..., description="Datum der Verweisung (nicht in der Zukunft)")
    follow_up_on: dt.date = Field(..., description="Wann nachgefasst wird")
    status: OpenStatusCode = "proposed"
    appointment_on: dt.date | None = None
    anonymous: bool = Field(
        False,
        description="Anonyme Verweisung: das Angebot erhält keine personenbezogenen Daten. "
        "Ohne Einwilligung in die Weitergabe an Angebote ist nur sie möglich.",
    )
    session: UUID | None = Field(None, description="Aus diesem Beratungsgespräch (UUID)")
    goal: UUID | None = Field(None, description="Zu diesem Ziel des Integrationsplans (UUID)")


class ReferralUpdate(Schema):
    version: Version
    status: StatusCode | None = Field(
        None,
        description="Neuer Status. successful, not_successful und cancelled schließen die "
        "Verweisung ab (dann ist outcome Pflicht).",
    )
    appointment_on: dt.date | None = None
    follow_up_on: dt.date | None = None
    outcome: bounded_text(OUTCOME_MAX) | None = None  # type: ignore[valid-type]
    closed_on: dt.date | None = Field(None, description="Abschlussdatum (Standard: heute)")


def _shaped(qs):
    return qs.select_related("case", "case__client", "service", "session", "goal").order_by(
        "-referred_on", "-pk"
    )


@router.get(
    "/clients/{uuid}/referrals",
    response={200: list[ReferralOut], **READ},
    summary="Verweisungen einer Person",
    operation_id="clients_referrals_list",
)
@paginate(PageNumber)
def clients_referrals_list(request, uuid: UUID):
    """Die Verweisungen in den Fallakten der Person, die Sie einsehen dürfen (neueste zuerst).
    Der Abruf wird im Protokoll festgehalten."""
    user = request.auth
    person = queries.client(user, uuid)
    queries.log_person_read(user, person, part="api_referrals")
    return _shaped(selectors.referral_list(user).filter(case__client=person))


def _session(case, uuid: UUID | None):
    if uuid is None:
        return None
    found = CounsellingSession.objects.filter(uuid=uuid, case=case, kreis_id=case.kreis_id).first()
    if found is None:
        raise invalid("session", "Unbekanntes Beratungsgespräch dieser Fallakte.")
    return found


def _goal(case, uuid: UUID | None):
    if uuid is None:
        return None
    found = (
        Goal.objects.filter(uuid=uuid, plan__case=case, kreis_id=case.kreis_id)
        .select_related("plan")
        .first()
    )
    if found is None:
        raise invalid("goal", "Unbekanntes Ziel im Integrationsplan dieser Fallakte.")
    return found


def _service(case, uuid: UUID | None):
    if uuid is None:
        return None
    found = selectors.services_for_referral(case.kreis).filter(uuid=uuid).first()
    if found is None:
        raise invalid("service", "Unbekanntes Angebot: Bitte wählen Sie ein aktives Angebot.")
    return found


@router.post(
    "/clients/{uuid}/referrals",
    response={201: ReferralOut, **WRITE},
    summary="Verweisung erfassen",
    operation_id="clients_referrals_create",
)
def clients_referrals_create(request, uuid: UUID, payload: ReferralCreate):
    """Erfasst eine Verweisung in der offenen Fallakte der Person. Ohne Einwilligung der Person
    in die Weitergabe von Daten an Angebote ist nur eine anonyme Verweisung möglich."""
    user = request.auth
    person = client_get(user=user, uuid=uuid)
    case = queries.open_case(user, person)
    fields = payload.model_dump()
    fields["service"] = _service(case, fields.pop("service"))
    fields["session"] = _session(case, fields.pop("session"))
    fields["goal"] = _goal(case, fields.pop("goal"))
    referral = services.referral_create(actor=user, case=case, **fields)
    return Status(201, _shaped(Referral.objects).get(pk=referral.pk))


@router.get(
    "/referrals/{uuid}",
    response={200: ReferralOut, **READ},
    summary="Verweisung lesen",
    operation_id="referrals_read",
)
def referrals_read(request, uuid: UUID):
    """Liest eine Verweisung. Der Abruf wird im Protokoll festgehalten."""
    user = request.auth
    referral, access = selectors.referral_get(user=user, uuid=uuid)
    if access not in (rules.Access.CONTENT, rules.Access.EDIT):
        raise Http404  # county coordination: no case content through the API (as for persons)
    case_viewed(actor=user, case=referral.case, part="api_referral")
    return referral


@router.put(
    "/referrals/{uuid}",
    response={200: ReferralOut, 409: ErrorOut, **WRITE},
    summary="Verweisung fortschreiben oder abschließen",
    operation_id="referrals_update",
)
def referrals_update(request, uuid: UUID, payload: ReferralUpdate):
    """Schreibt Status, Termin, Wiedervorlage und Ergebnis fort; ein abschließender Status
    (successful, not_successful, cancelled) schließt die Verweisung mit ``outcome`` ab.
    ``version`` ist Pflicht; hat jemand anderes die Verweisung inzwischen geändert, antwortet
    die API mit 409. Nicht gesendete Felder bleiben unverändert."""
    user = request.auth
    referral, _access = selectors.referral_get(user=user, uuid=uuid)
    fields = payload.model_dump(exclude_unset=True)
    version = fields.pop("version")
    closed_on = fields.pop("closed_on", None)
    if fields.get("status") in CLOSING_STATUSES:
        referral = services.referral_close(
            actor=user,
            referral=referral,
            version=version,
            status=fields["status"],
            closed_on=closed_on or timezone.localdate(),
            outcome=fields.get("outcome") or "",
        )
    else:
        if fields.get("status", "") is None:
            fields.pop("status")
        referral = services.referral_update(
            actor=user, referral=referral, version=version, **fields
        )
    return _shaped(Referral.objects).get(pk=referral.pk)
