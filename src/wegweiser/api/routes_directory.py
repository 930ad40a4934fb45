"""API routes of the directory app (registered in api/api.py): services with the same rules as
the UI, and the directory of a county in Open Referral HSDS 3.0 for other systems.

The HSDS endpoint needs a token like every other endpoint (decision 0005): the entries are
public information, but the API is no anonymous service; a municipal app uses a token of a user
of its county."""

import json
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StringConstraints, field_validator

from wegweiser.api.pagination import PageNumber
from wegweiser.api.schemas import WRITE_ERRORS, FieldOfActionCode, LanguageCode
from wegweiser.core.validators import validate_single_line
from wegweiser.directory import hsds, rules, selectors
from wegweiser.directory.models import Service, ServiceKind
from wegweiser.organisations.models import Kreis

router = Router(tags=["Angebote"])

READ = WRITE_ERRORS  # reading the directory can be refused (403) by role
KindCode = Literal[tuple(ServiceKind.values)]  # type: ignore[valid-type]


class ServiceSearch(Schema):
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = Field(
        "", description="Freitext (Name, Beschreibung, Anbieter, Ort)"
    )
    field_of_action: FieldOfActionCode | None = Field(None, description="Handlungsfeld")
    language: LanguageCode | None = Field(None, description="Gesprochene Sprache (ISO 639)")

    @field_validator("q")
    @classmethod
    def _single_line(cls, value: str) -> str:
        try:
            validate_single_line(value)
        except ValidationError:
            raise ValueError("Der Suchbegriff enthält unzulässige Steuerzeichen.") from None
        return value


class ProviderRef(Schema):
    uuid: UUID
    name: str


class ServiceOut(Schema):
    uuid: UUID
    name: str
    kind: KindCode
    provider: ProviderRef
    description: str
    fields_of_action: list[str]
    languages: list[str]
    street: str
    postal_code: str
    city: str
    municipality: str | None = Field(None, description="Gemeinde (Name)")
    contact_name: str
    phone: str
    email: str
    website: str
    opening_hours: str
    by_appointment_only: bool
    accessibility: str
    costs: str
    eligibility: str
    counties_served: list[str] = Field(..., description="Amtliche Schlüssel (AGS) der Kreise")
    state_wide: bool = Field(..., description="Landesweites Angebot")
    is_active: bool

    @staticmethod
    def resolve_municipality(obj: Service) -> str | None:
        return obj.municipality.name if obj.municipality_id else None

    @staticmethod
    def resolve_counties_served(obj: Service) -> list[str]:
        return sorted(k.ags for k in obj.counties_served.all())

    @staticmethod
    def resolve_state_wide(obj: Service) -> bool:
        return obj.kreis_id is None


class HsdsOut(Schema):
    """An HSDS 3.0 tabular data package with the rows inline (see docs/hsds.md)."""

    name: str
    title: str
    profile: str
    created: str
    hsds_version: str
    resources: list[dict[str, Any]]


@router.get(
    "/directory/services",
    response={200: list[ServiceOut], **READ},
    summary="Angebote auflisten",
    operation_id="directory_services_list",
)
@paginate(PageNumber)
def services_list(request, filters: Query[ServiceSearch]):
    """Die aktiven Angebote Ihres Kreises und die landesweiten Angebote Ihres Landes (50 je
    Seite), optional gefiltert."""
    return selectors.service_list(
        user=request.auth,
        query=filters.q,
        field_of_action=filters.field_of_action or "",
        language=filters.language or "",
    ).prefetch_related("counties_served")


@router.get(
    "/directory/services/{uuid}",
    response={200: ServiceOut, **READ},
    summary="Angebot lesen",
    operation_id="directory_services_read",
)
def services_read(request, uuid: UUID):
    service, _access = selectors.service_get(user=request.auth, uuid=uuid)
    return service


@router.get(
    "/directory/{ags}/hsds",
    response={200: HsdsOut, **READ},
    summary="Angebote eines Kreises im Format HSDS 3.0",
    operation_id="directory_hsds",
)
def directory_hsds(request, ags: Annotated[str, StringConstraints(pattern=r"^\d{5,8}$")]):
    """Die aktiven Angebote eines Kreises und die landesweiten Angebote seines Landes als
    Open-Referral-HSDS-3.0-Datenpaket (Tabellen mit den Zeilen in ``data``). Lesbar für
    Ihren eigenen Kreis (Landesbehörde: die Kreise Ihres Landes)."""
    user = request.auth
    if not rules.can_read(user):
        raise Http404
    kreis = Kreis.objects.filter(ags=ags).select_related("land").first()
    if kreis is None or kreis.land_id != user.land_id:
        raise Http404
    if not user.is_state_user and kreis.pk != user.kreis_id:
        raise Http404
    providers, services = selectors.export_scope(user=user, kreis=kreis)
    tables = hsds.export_tables(providers, services)
    package = json.loads(
        hsds.to_json(tables, name=f"wegweiser-angebote-{kreis.ags}", title=str(kreis))
    )
    return package
