"""What a column of an imported file can mean: per kind of file the Wegweiser fields, their type
and the column headers that are assigned to them without asking (German spreadsheet habits and
the column names of Wegweiser's own export, so that an export imports as it is).

This catalogue is the contract between the import (``transfer.importer``), the mapping page and
the export (``transfer.export``): the export's CSV files of persons, sessions, goals and
referrals carry exactly these keys as headers.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from wegweiser.transfer.models import ImportKind


class T:
    """Value types (``transfer.values`` parses them)."""

    ID = "id"  # an identifier from the source, kept as text
    TEXT = "text"
    DATE = "date"  # dd.mm.yyyy, d.m.yy, yyyy-mm-dd, Excel serial date, date cells
    YEAR = "year"
    INT = "int"  # also "45,0", "1.234"
    BOOL = "bool"  # ja/nein, x/leer, 1/0, wahr/falsch, true/false
    CHOICE = "choice"  # a code or the German label of one of ``choices``
    CHOICES = "choices"  # several of ``choices``, separated by , ; / or line breaks
    COUNTRIES = "countries"  # ISO codes or German/English country names, several
    LANGUAGES = "languages"  # ISO 639-1 codes or German language names, several
    EMAIL = "email"
    USER = "user"  # e-mail address of a user of the county
    MUNICIPALITY = "municipality"  # name or AGS of a municipality of the county
    SERVICE = "service"  # name of a service of the directory (else kept as free text)


@dataclasses.dataclass(frozen=True)
class Field:
    key: str
    label: object  # lazy German label
    type: str
    required: bool = False
    # Column headers (compared without case, spaces, dots, hyphens, umlauts folded) that are
    # assigned to this field automatically.
    aliases: tuple[str, ...] = ()
    # For CHOICE/CHOICES: the model's TextChoices (codes and labels are both accepted).
    choices: object = None
    help: object = ""


def _choices(path: str):
    module, name = path.rsplit(".", 1)
    return (module, name)


PERSON_FIELDS = (
    Field(
        "person_id",
        _("ID of the person in the source"),
        T.ID,
        aliases=(
            "person_id",
            "personen-id",
            "personennr",
            "person nr",
            "lfd nr",
            "lfdnr",
            "id",
            "klienten-id",
            "klientennr",
            "kundennummer",
        ),
        help=_("Keeps the import repeatable: the same ID updates the same person."),
    ),
    Field(
        "household_id",
        _("household (ID or name in the source)"),
        T.ID,
        aliases=(
            "household_id",
            "haushalt",
            "haushalts-id",
            "haushaltsnr",
            "familie",
            "familien-id",
            "bedarfsgemeinschaft",
            "bg-nummer",
        ),
        help=_("Persons with the same value are put into one household."),
    ),
    Field(
        "household_label",
        _("household name"),
        T.TEXT,
        aliases=("household_label", "haushaltsname", "familienname haushalt"),
    ),
    Field(
        "given_names",
        _("given names"),
        T.TEXT,
        required=True,
        aliases=("given_names", "vorname", "vornamen", "first name", "given name"),
    ),
    Field(
        "family_name",
        _("family name"),
        T.TEXT,
        required=True,
        aliases=("family_name", "nachname", "familienname", "name", "last name", "surname"),
    ),
    Field(
        "given_names_latin",
        _("given names (Latin script)"),
        T.TEXT,
        aliases=("given_names_latin", "vorname lateinisch", "vorname (lateinisch)"),
    ),
    Field(
        "family_name_latin",
        _("family name (Latin script)"),
        T.TEXT,
        aliases=("family_name_latin", "nachname lateinisch", "nachname (lateinisch)"),
    ),
    Field(
        "birth_date",
        _("date of birth"),
        T.DATE,
        aliases=(
            "birth_date",
            "geburtsdatum",
            "geb datum",
            "gebdatum",
            "geboren am",
            "geb am",
            "date of birth",
        ),
    ),
    Field(
        "birth_year", _("year of birth"), T.YEAR, aliases=("birth_year", "geburtsjahr", "jahrgang")
    ),
    Field(
        "gender",
        _("gender"),
        T.CHOICE,
        choices=_choices("wegweiser.clients.choices.Gender"),
        aliases=("gender", "geschlecht", "m/w/d"),
    ),
    Field(
        "nationalities",
        _("nationalities"),
        T.COUNTRIES,
        aliases=(
            "nationalities",
            "staatsangehorigkeit",
            "staatsangehoerigkeit",
            "nationalitat",
            "nationalitaet",
            "herkunftsland",
            "herkunft",
        ),
    ),
    Field(
        "languages",
        _("languages"),
        T.LANGUAGES,
        aliases=("languages", "sprachen", "sprache", "muttersprache"),
    ),
    Field(
        "interpreter_needed",
        _("needs an interpreter"),
        T.BOOL,
        aliases=("interpreter_needed", "dolmetscher notig", "dolmetscher noetig", "dolmetscher"),
    ),
    Field(
        "interpreter_language",
        _("interpreter language"),
        T.LANGUAGES,
        aliases=("interpreter_language", "dolmetschersprache"),
    ),
    Field("phone", _("phone"), T.TEXT, aliases=("phone", "telefon", "tel", "handy", "mobil")),
    Field("email", _("e-mail"), T.EMAIL, aliases=("email", "e-mail", "mail")),
    Field(
        "municipality",
        _("municipality"),
        T.MUNICIPALITY,
        aliases=("municipality", "gemeinde", "wohnort", "ort", "stadt/gemeinde"),
    ),
    Field(
        "arrival_date",
        _("arrival in Germany"),
        T.DATE,
        aliases=("arrival_date", "einreise", "einreisedatum", "ankunft", "einreise am"),
    ),
    Field(
        "residence_status",
        _("residence status"),
        T.CHOICE,
        choices=_choices("wegweiser.clients.choices.ResidenceStatus"),
        aliases=("residence_status", "aufenthaltsstatus", "aufenthaltstitel", "status"),
    ),
    Field(
        "residence_valid_until",
        _("residence permit valid until"),
        T.DATE,
        aliases=("residence_valid_until", "gultig bis", "gueltig bis", "aufenthalt bis"),
    ),
    Field(
        "accommodation_phase",
        _("accommodation"),
        T.CHOICE,
        choices=_choices("wegweiser.clients.choices.AccommodationPhase"),
        aliases=("accommodation_phase", "unterbringung", "wohnform"),
    ),
    Field(
        "accommodation_since",
        _("in this accommodation since"),
        T.DATE,
        aliases=("accommodation_since", "unterbringung seit", "wohnt dort seit"),
    ),
    Field(
        "case_id",
        _("ID of the case file in the source"),
        T.ID,
        aliases=("case_id", "fall-id", "fallnr", "fallnummer intern"),
        help=_("Only needed when a person has several case files in the file."),
    ),
    Field(
        "case_number",
        _("case number"),
        T.TEXT,
        aliases=("case_number", "aktenzeichen", "az", "fallnummer"),
    ),
    Field(
        "case_opened_on",
        _("case opened on"),
        T.DATE,
        required=True,
        aliases=(
            "case_opened_on",
            "beginn",
            "beratungsbeginn",
            "fall eroffnet",
            "fall eroeffnet",
            "aufnahme",
            "aufnahmedatum",
            "erstkontakt",
        ),
    ),
    Field(
        "responsible",
        _("responsible (e-mail of the user)"),
        T.USER,
        aliases=(
            "responsible",
            "zustandig",
            "zustaendig",
            "integrationsmanager",
            "integrationsmanagerin",
            "fallverantwortlich",
            "bearbeiter",
        ),
    ),
    Field(
        "case_closed_on",
        _("case closed on"),
        T.DATE,
        aliases=("case_closed_on", "ende", "beratungsende", "abgeschlossen am", "fall beendet"),
    ),
    Field(
        "close_reason",
        _("reason for closing"),
        T.CHOICE,
        choices=_choices("wegweiser.clients.choices.CloseReason"),
        aliases=("close_reason", "abschlussgrund", "grund beendigung"),
    ),
    Field(
        "consent_given_on",
        _("consent to processing given on"),
        T.DATE,
        aliases=(
            "consent_given_on",
            "einwilligung",
            "einwilligung am",
            "datenschutzerklarung",
            "datenschutzerklaerung",
        ),
    ),
)

# Sessions, goals and referrals name their case file by one of these (first found wins):
# the case's ID in the source, its case number, or the person's ID (then the person's open
# case file, else the newest).
CASE_LINK_FIELDS = (
    Field(
        "case_id",
        _("ID of the case file in the source"),
        T.ID,
        aliases=("case_id", "fall-id", "fallnr"),
    ),
    Field(
        "case_number",
        _("case number"),
        T.TEXT,
        aliases=("case_number", "aktenzeichen", "az", "fallnummer"),
    ),
    Field(
        "person_id",
        _("ID of the person in the source"),
        T.ID,
        aliases=("person_id", "personen-id", "personennr", "klienten-id", "klientennr"),
    ),
)

SESSION_FIELDS = (
    Field(
        "session_id",
        _("ID of the session in the source"),
        T.ID,
        aliases=("session_id", "beratungs-id", "lfd nr", "lfdnr", "id"),
    ),
    *CASE_LINK_FIELDS,
    Field(
        "held_on",
        _("date"),
        T.DATE,
        required=True,
        aliases=("held_on", "datum", "beratungsdatum", "termin", "kontakt am"),
    ),
    Field(
        "duration_minutes",
        _("duration (minutes)"),
        T.INT,
        required=True,
        aliases=("duration_minutes", "dauer", "dauer (min)", "dauer in minuten", "minuten"),
    ),
    Field(
        "channel",
        _("channel"),
        T.CHOICE,
        choices=_choices("wegweiser.counselling.models.Channel"),
        required=True,
        aliases=("channel", "kontaktart", "art", "form", "beratungsform"),
    ),
    Field(
        "interpreter_used",
        _("with interpreter"),
        T.BOOL,
        aliases=("interpreter_used", "mit dolmetscher", "dolmetscher"),
    ),
    Field(
        "interpreter_language",
        _("interpreter language"),
        T.LANGUAGES,
        aliases=("interpreter_language", "dolmetschersprache"),
    ),
    Field(
        "fields_of_action",
        _("fields of action"),
        T.CHOICES,
        choices=_choices("wegweiser.clients.choices.FieldOfAction"),
        aliases=("fields_of_action", "handlungsfelder", "handlungsfeld", "themen", "thema"),
    ),
    Field(
        "summary",
        _("summary"),
        T.TEXT,
        aliases=("summary", "inhalt", "zusammenfassung", "notiz", "bemerkung"),
    ),
    Field(
        "confidential_note",
        _("confidential note"),
        T.TEXT,
        aliases=("confidential_note", "vertrauliche notiz", "vertraulich"),
    ),
    Field(
        "counsellor",
        _("counsellor (e-mail of the user)"),
        T.USER,
        aliases=(
            "counsellor",
            "berater",
            "beraterin",
            "integrationsmanager",
            "integrationsmanagerin",
            "bearbeiter",
        ),
    ),
)

GOAL_FIELDS = (
    Field(
        "goal_id",
        _("ID of the goal in the source"),
        T.ID,
        aliases=("goal_id", "ziel-id", "lfd nr", "id"),
    ),
    *CASE_LINK_FIELDS,
    Field(
        "field_of_action",
        _("field of action"),
        T.CHOICE,
        required=True,
        choices=_choices("wegweiser.clients.choices.FieldOfAction"),
        aliases=("field_of_action", "handlungsfeld"),
    ),
    Field(
        "text",
        _("goal"),
        T.TEXT,
        required=True,
        aliases=("text", "ziel", "zielbeschreibung", "vereinbartes ziel"),
    ),
    Field(
        "target_date",
        _("target date"),
        T.DATE,
        aliases=("target_date", "zieldatum", "bis wann", "frist"),
    ),
    Field(
        "priority",
        _("priority"),
        T.CHOICE,
        choices=_choices("wegweiser.plans.models.Priority"),
        aliases=("priority", "prioritat", "prioritaet"),
    ),
    Field(
        "status",
        _("status"),
        T.CHOICE,
        choices=_choices("wegweiser.plans.models.GoalStatus"),
        aliases=("status", "stand", "zielerreichung"),
    ),
    Field("reached_on", _("reached on"), T.DATE, aliases=("reached_on", "erreicht am")),
)

REFERRAL_FIELDS = (
    Field(
        "referral_id",
        _("ID of the referral in the source"),
        T.ID,
        aliases=("referral_id", "vermittlungs-id", "lfd nr", "id"),
    ),
    *CASE_LINK_FIELDS,
    Field(
        "service",
        _("service (name in the directory)"),
        T.SERVICE,
        required=True,
        aliases=("service", "stelle", "angebot", "vermittelt an", "einrichtung", "dienst"),
    ),
    Field(
        "referred_on",
        _("referred on"),
        T.DATE,
        required=True,
        aliases=("referred_on", "vermittelt am", "datum", "vermittlungsdatum"),
    ),
    Field(
        "status",
        _("status"),
        T.CHOICE,
        choices=_choices("wegweiser.referrals.models.ReferralStatus"),
        aliases=("status", "stand", "ergebnis"),
    ),
    Field(
        "appointment_on",
        _("appointment on"),
        T.DATE,
        aliases=("appointment_on", "termin", "termin am"),
    ),
    Field(
        "follow_up_on",
        _("follow up on"),
        T.DATE,
        aliases=("follow_up_on", "wiedervorlage", "nachfassen am"),
    ),
    Field("outcome", _("outcome"), T.TEXT, aliases=("outcome", "ergebnis text", "bemerkung")),
    Field(
        "closed_on",
        _("closed on"),
        T.DATE,
        aliases=("closed_on", "abgeschlossen am", "erledigt am"),
    ),
)

FIELDS = {
    ImportKind.PERSONS: PERSON_FIELDS,
    ImportKind.SESSIONS: SESSION_FIELDS,
    ImportKind.GOALS: GOAL_FIELDS,
    ImportKind.REFERRALS: REFERRAL_FIELDS,
}


def fields_of(kind: str) -> tuple[Field, ...]:
    return FIELDS[ImportKind(kind)]


def field(kind: str, key: str) -> Field:
    for f in fields_of(kind):
        if f.key == key:
            return f
    raise KeyError(key)


def choices_of(f: Field):
    """The TextChoices class of a CHOICE/CHOICES field."""
    import importlib

    module, name = f.choices
    return getattr(importlib.import_module(module), name)


def normalise_header(text: str) -> str:
    """Header text compared for the automatic assignment: lower case, umlauts folded, accents
    dropped, dots/hyphens/underscores/brackets as spaces, runs of spaces as one."""
    text = str(text or "").strip().lower()
    text = text.replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[._\-()/:]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def guess_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """{field key: header} for the headers that match a field's key or alias; each header is
    used once, the first field that claims it wins (fields in catalogue order)."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for f in fields_of(kind):
        for alias in (f.key, *f.aliases):
            header = by_norm.get(normalise_header(alias))
            if header is not None and header not in used:
                mapping[f.key] = header
                used.add(header)
                break
    return mapping
