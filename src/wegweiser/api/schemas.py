"""Input and output schemas of the API. Explicit fields only; public identifiers are UUIDs.

Choice fields are ``Literal`` types built from the model choices, so the OpenAPI schema lists the
allowed values; strings are length-bounded like their model fields, so over-long input is a 422.
Rules that need the database or the date of today stay in the services (one place per rule).
``confidential_note`` is accepted on input (write-only) and never part of any output schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django_countries import countries
from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints, ValidationInfo, field_validator

from wegweiser.api.queries import shown_case
from wegweiser.clients import choices
from wegweiser.clients.languages import LANGUAGES
from wegweiser.clients.models import NAME_MAX, Household
from wegweiser.core.validators import validate_single_line
from wegweiser.counselling.models import MAX_DURATION_MINUTES, NOTE_MAX, SUMMARY_MAX, Channel


def _literal(values) -> Any:
    return Literal[tuple(values)]  # type: ignore[valid-type]


def bounded_text(max_length: int, *, min_length: int = 0) -> Any:
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)
    ]


def single_line_text(value: str) -> str:
    """The model's validator, for a field the service validates under another name."""
    try:
        validate_single_line(value)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    return value


def _drop_default(schema: dict) -> None:
    schema.pop("default", None)


def _optional(**kwargs) -> Any:
    """An optional field of an update: leaving it out keeps the stored value. (The ``None``
    default is only the marker for "not sent"; it is hidden from the OpenAPI schema.)"""
    return Field(None, json_schema_extra=_drop_default, **kwargs)


GenderCode = _literal(choices.Gender.values)
PrecisionCode = _literal(choices.BirthDatePrecision.values)
ResidenceStatusCode = _literal(choices.ResidenceStatus.values)
AccommodationCode = _literal(choices.AccommodationPhase.values)
FieldOfActionCode = _literal(choices.FieldOfAction.values)
ChannelCode = _literal(Channel.values)
LanguageCode = _literal(code for code, _label in LANGUAGES)
LanguageOrEmpty = _literal(["", *(code for code, _label in LANGUAGES)])
CountryCode = _literal(code for code, _name in countries)

Name = bounded_text(NAME_MAX, min_length=1)
OptionalName = bounded_text(NAME_MAX)
Phone = bounded_text(40)
Email = bounded_text(254)
BirthYear = Annotated[int, Field(ge=1900, le=9999)]
Version = Annotated[
    int, Field(ge=1, le=2_147_483_647, description="Stand des Datensatzes (optimistisches Sperren)")
]
Nationalities = Annotated[
    list[CountryCode], Field(max_length=10, description="ISO-3166-Ländercodes")
]
Languages = Annotated[list[LanguageCode], Field(max_length=20, description="ISO-639-Sprachcodes")]

HouseholdLabel = Annotated[
    bounded_text(Household._meta.get_field("label").max_length), AfterValidator(single_line_text)
]

SEARCH_MAX = 200


class ErrorOut(Schema):
    detail: str = Field(..., description="Meldung auf Deutsch")


class ValidationErrorOut(ErrorOut):
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Meldungen je Feld; '__all__' für das Ganze"
    )


# --- clients ---------------------------------------------------------------------------------


# The error answers every route documents: reads and writes.
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class CaseOut(Schema):
    uuid: UUID
    number: str
    opened_on: dt.date
    period_ends_on: dt.date
    closed_on: dt.date | None
    responsible_name: str

    @staticmethod
    def resolve_responsible_name(obj) -> str:
        return obj.responsible.display_name


class ClientOut(Schema):
    uuid: UUID
    version: int
    given_names: str
    family_name: str
    given_names_latin: str
    family_name_latin: str
    birth_date: dt.date | None
    birth_year: int | None
    birth_date_precision: PrecisionCode
    gender: GenderCode
    nationalities: list[str] = Field(..., description="ISO-3166-Ländercodes")
    languages: list[str] = Field(..., description="ISO-639-Sprachcodes")
    interpreter_needed: bool
    interpreter_language: str
    phone: str
    email: str
    municipality: UUID | None
    arrival_date: dt.date | None
    residence_status: ResidenceStatusCode
    residence_valid_until: dt.date | None
    accommodation_phase: AccommodationCode
    accommodation_since: dt.date | None
    household: UUID | None
    case: CaseOut | None = Field(
        ..., description="Die offene (sonst die letzte) Fallakte, soweit Sie sie einsehen dürfen"
    )

    @staticmethod
    def resolve_nationalities(obj) -> list[str]:
        return [country.code for country in obj.nationalities]

    @staticmethod
    def resolve_languages(obj) -> list[str]:
        return [str(code) for code in (obj.languages or [])]

    @staticmethod
    def resolve_municipality(obj) -> UUID | None:
        return obj.municipality.uuid if obj.municipality_id else None

    @staticmethod
    def resolve_household(obj) -> UUID | None:
        return obj.household.uuid if obj.household_id else None

    @staticmethod
    def resolve_case(obj):
        return shown_case(obj)


class ClientFields(Schema):
    """Die Daten einer Person (Vorgaben beim Anlegen wie in der Oberfläche)."""

    given_names: Name = Field(..., description="Vornamen, wie von der Person geschrieben")
    family_name: Name = Field(..., description="Familienname, wie von der Person geschrieben")
    given_names_latin: OptionalName = Field(
        "", description="leer: wird aus den Vornamen umgeschrieben"
    )
    family_name_latin: OptionalName = Field(
        "", description="leer: wird aus dem Familiennamen umgeschrieben"
    )
    birth_date: dt.date | None = None
    birth_year: BirthYear | None = None
    birth_date_precision: PrecisionCode = choices.BirthDatePrecision.FULL.value
    gender: GenderCode = choices.Gender.UNKNOWN.value
    nationalities: Nationalities = []
    languages: Languages = []
    interpreter_needed: bool = False
    interpreter_language: LanguageOrEmpty = ""
    phone: Phone = ""
    email: Email = ""
    municipality: UUID | None = Field(None, description="Gemeinde Ihres Kreises")
    arrival_date: dt.date | None = None
    residence_status: ResidenceStatusCode = choices.ResidenceStatus.UNKNOWN.value
    residence_valid_until: dt.date | None = None
    accommodation_phase: AccommodationCode = choices.AccommodationPhase.UNKNOWN.value
    accommodation_since: dt.date | None = None


class ClientCreate(ClientFields):
    household: UUID | None = Field(None, description="Haushalt einer Person, die Sie sehen dürfen")
    new_household_label: HouseholdLabel = Field(
        "", description="Ohne household: die Person in einem neuen Haushalt dieses Namens anlegen"
    )
    open_case: bool = Field(
        True, description="Zugleich eine Fallakte eröffnen (Sie sind zuständig)"
    )
    opened_on: dt.date | None = Field(None, description="Eröffnungsdatum der Fallakte; leer: heute")

    @field_validator("new_household_label")
    @classmethod
    def _one_household(cls, label: str, info: ValidationInfo) -> str:
        if label and info.data.get("household"):
            raise ValueError(
                "Bitte geben Sie entweder einen Haushalt oder einen neuen Haushalt an."
            )
        return label


class ClientUpdate(Schema):
    """Änderungen einer Person: ``version`` ist Pflicht, nicht gesendete Felder bleiben
    unverändert."""

    version: Version
    given_names: Name = _optional()
    family_name: Name = _optional()
    given_names_latin: OptionalName = _optional(description="leer: wird neu umgeschrieben")
    family_name_latin: OptionalName = _optional(description="leer: wird neu umgeschrieben")
    birth_date: dt.date | None = _optional()
    birth_year: BirthYear | None = _optional()
    birth_date_precision: PrecisionCode = _optional()
    gender: GenderCode = _optional()
    nationalities: Nationalities = _optional()
    languages: Languages = _optional()
    interpreter_needed: bool = _optional()
    interpreter_language: LanguageOrEmpty = _optional()
    phone: Phone = _optional()
    email: Email = _optional()
    municipality: UUID | None = _optional()
    arrival_date: dt.date | None = _optional()
    residence_status: ResidenceStatusCode = _optional()
    residence_valid_until: dt.date | None = _optional()
    accommodation_phase: AccommodationCode = _optional()
    accommodation_since: dt.date | None = _optional()


class ClientSearch(Schema):
    q: str = Field(
        "",
        max_length=SEARCH_MAX,
        description="Suche nach Fallnummer, Geburtsdatum (TT.MM.JJJJ oder Jahr) oder Name in "
        "beliebiger Schreibweise",
    )

    @field_validator("q")
    @classmethod
    def single_line_text(cls, value: str) -> str:
        try:
            validate_single_line(value)
        except ValidationError:
            raise ValueError("Der Suchbegriff enthält unzulässige Steuerzeichen.") from None
        return value.strip()


# --- counselling sessions --------------------------------------------------------------------


class SessionCaseOut(Schema):
    uuid: UUID
    number: str


class SessionOut(Schema):
    uuid: UUID
    version: int
    case: SessionCaseOut
    client: UUID
    held_on: dt.date
    duration_minutes: int
    channel: ChannelCode
    interpreter_used: bool
    interpreter_language: str
    fields_of_action: list[str]
    summary: str
    counsellor_name: str
    members_present: list[UUID]

    @staticmethod
    def resolve_client(obj) -> UUID:
        return obj.case.client.uuid

    @staticmethod
    def resolve_fields_of_action(obj) -> list[str]:
        return [str(code) for code in (obj.fields_of_action or [])]

    @staticmethod
    def resolve_counsellor_name(obj) -> str:
        return obj.counsellor.display_name

    @staticmethod
    def resolve_members_present(obj) -> list[UUID]:
        return [member.uuid for member in obj.members_present.all()]


class SessionCreate(Schema):
    held_on: dt.date = Field(..., description="Datum des Gesprächs (nicht in der Zukunft)")
    duration_minutes: int = Field(
        ..., ge=1, le=MAX_DURATION_MINUTES, description="Dauer in Minuten"
    )
    channel: ChannelCode
    interpreter_used: bool = False
    interpreter_language: LanguageOrEmpty = ""
    fields_of_action: Annotated[
        list[FieldOfActionCode], Field(max_length=len(choices.FieldOfAction))
    ] = Field([], description="Handlungsfelder")
    summary: bounded_text(SUMMARY_MAX) = ""  # type: ignore[valid-type]
    confidential_note: bounded_text(NOTE_MAX) = Field(  # type: ignore[valid-type]
        "",
        description="Vertrauliche Notiz (besondere Kategorie personenbezogener Daten): wird "
        "verschlüsselt gespeichert und von der API nie ausgegeben.",
        json_schema_extra={"writeOnly": True},
    )
    members_present: Annotated[list[UUID], Field(max_length=30)] = Field(
        [], description="Anwesende Haushaltsmitglieder (UUIDs von Personen)"
    )


class SessionFilter(Schema):
    since: dt.date | None = Field(None, description="Gespräche ab diesem Tag (einschließlich)")
    until: dt.date | None = Field(None, description="Gespräche bis zu diesem Tag (einschließlich)")

    @field_validator("until")
    @classmethod
    def _not_before_since(cls, until: dt.date | None, info: ValidationInfo) -> dt.date | None:
        since = info.data.get("since")
        if since and until and until < since:
            raise ValueError("„until“ darf nicht vor „since“ liegen.")
        return until
