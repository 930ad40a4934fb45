"""What the county's export holds: one ``EntitySpec`` per file pair (``<name>.jsonl`` and
``<name>.csv``), its columns in order and where each value comes from (docs/export.md describes
every column in German).

Each entity is read with one query (``values_list`` of exactly the columns it needs, following
foreign keys by joins, streamed in chunks): no query per row, memory bounded whatever the size.
The few values that need a second source (a volunteer's municipalities, the counties a service
serves) are read once per export into small dictionaries.

The first columns of persons, sessions, goals and referrals are exactly the keys of
``transfer.fields`` (the import's catalogue), in that order, so an export imports again without
assigning columns; further columns follow them.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable

from django.db.models import OuterRef, QuerySet, Subquery

from wegweiser.transfer.fields import GOAL_FIELDS, PERSON_FIELDS, REFERRAL_FIELDS, SESSION_FIELDS

# Value kinds (how a value is written: JSON type, CSV text).
TEXT = "text"  # JSON string, CSV as it is
ID = "id"  # UUID as text
CODE = "code"  # the code of a choice
DATE = "date"  # ISO YYYY-MM-DD
DATETIME = "datetime"  # ISO 8601 in UTC
TIME = "time"  # HH:MM
BOOL = "bool"  # JSON true/false, CSV ja/nein
INT = "int"
DECIMAL = "decimal"  # JSON string of the exact decimal ("12.5"), CSV with a decimal comma
LIST = "list"  # JSON array of strings, CSV joined with ", "
JSON = "json"  # JSON object/array, CSV as JSON text


@dataclasses.dataclass(frozen=True)
class Col:
    key: str
    path: str | None  # ORM path read with values_list; None: computed by the entity's ``fill``
    kind: str = TEXT
    out: bool = True  # False: read only to compute other columns


@dataclasses.dataclass
class Context:
    kreis_id: int
    include_confidential: bool
    # Filled lazily by the entities that need them.
    cache: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class EntitySpec:
    name: str
    columns: tuple[Col, ...]
    queryset: Callable[[Context], QuerySet]
    fill: Callable[[Context, dict], None] | None = None
    order_by: tuple[str, ...] = ("pk",)
    counter: Callable[[Context], int] | None = None

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns if c.out]

    @property
    def read(self) -> list[Col]:
        return [c for c in self.columns if c.path]

    def rows(self, ctx: Context, *, chunk_size: int = 2000):
        """The entity's records as dicts (output keys only), streamed."""
        read = self.read
        paths = [c.path for c in read]
        names = [c.key for c in read]
        qs = self.queryset(ctx).order_by(*self.order_by).values_list(*paths)
        hidden = [c.key for c in self.columns if not c.out]
        for values in qs.iterator(chunk_size=chunk_size):
            row = dict(zip(names, values, strict=True))
            if self.fill is not None:
                self.fill(ctx, row)
            for key in hidden:
                row.pop(key, None)
            yield row

    def count(self, ctx: Context) -> int:
        if self.counter is not None:
            return self.counter(ctx)
        return self.queryset(ctx).count()


def _keys(fields) -> list[str]:
    return [f.key for f in fields]


def _municipality(row: dict, prefix: str = "municipality") -> None:
    """A municipality by its AGS, by its name when it has none."""
    ags = row.pop(f"{prefix}__ags", None)
    name = row.pop(f"{prefix}__name", None)
    row[prefix] = ags or name or None


def _municipality_cols(key: str, path: str) -> tuple[Col, ...]:
    return (
        Col(key, None),
        Col(f"{key}__ags", f"{path}__ags", out=False),
        Col(f"{key}__name", f"{path}__name", out=False),
    )


def _split_countries(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    return [str(v) for v in value]


# --- persons and households ---------------------------------------------------------------------


def _persons_qs(ctx: Context) -> QuerySet:
    from wegweiser.clients.models import Client, Consent

    # The date of the person's standing consent to processing (the newest not withdrawn).
    consent = (
        Consent.objects.filter(
            kreis_id=ctx.kreis_id,
            client_id=OuterRef("pk"),
            covers_processing=True,
            withdrawn_on__isnull=True,
        )
        .order_by("-given_on", "-pk")
        .values("given_on")[:1]
    )
    return Client.objects.filter(kreis_id=ctx.kreis_id).annotate(consent_given_on=Subquery(consent))


def _count_persons(ctx: Context) -> int:
    """One record per case file, and one per person without any."""
    from wegweiser.clients.models import Case, Client

    cases = Case.objects.filter(kreis_id=ctx.kreis_id).count()
    without = Client.objects.filter(kreis_id=ctx.kreis_id, cases__isnull=True).count()
    return cases + without


def _fill_person(ctx: Context, row: dict) -> None:
    _municipality(row)
    row["nationalities"] = _split_countries(row["nationalities"])
    if row["case_id"] is None:  # a person without a case file: the case columns stay empty
        row["case_shared_with_team"] = None
        row["case_period_years"] = None


# The catalogue's person columns and where they come from.
_PERSON_SOURCE = {
    "person_id": ("uuid", ID),
    "household_id": ("household__uuid", ID),
    "household_label": ("household__label", TEXT),
    "given_names": ("given_names", TEXT),
    "family_name": ("family_name", TEXT),
    "given_names_latin": ("given_names_latin", TEXT),
    "family_name_latin": ("family_name_latin", TEXT),
    "birth_date": ("birth_date", DATE),
    "birth_year": ("birth_year", INT),
    "gender": ("gender", CODE),
    "nationalities": ("nationalities", LIST),
    "languages": ("languages", LIST),
    "interpreter_needed": ("interpreter_needed", BOOL),
    "interpreter_language": ("interpreter_language", CODE),
    "phone": ("phone", TEXT),
    "email": ("email", TEXT),
    "arrival_date": ("arrival_date", DATE),
    "residence_status": ("residence_status", CODE),
    "residence_valid_until": ("residence_valid_until", DATE),
    "accommodation_phase": ("accommodation_phase", CODE),
    "accommodation_since": ("accommodation_since", DATE),
    "case_id": ("cases__uuid", ID),
    "case_number": ("cases__number", TEXT),
    "case_opened_on": ("cases__opened_on", DATE),
    "responsible": ("cases__responsible__email", TEXT),
    "case_closed_on": ("cases__closed_on", DATE),
    "close_reason": ("cases__close_reason", CODE),
    "consent_given_on": ("consent_given_on", DATE),
}


def _catalogue_cols(fields, source: dict) -> tuple[Col, ...]:
    cols: list[Col] = []
    for key in _keys(fields):
        if key == "municipality":
            cols.extend(_municipality_cols("municipality", "municipality"))
        elif key == "confidential_note":
            cols.append(Col(key, None))
        elif key == "service":
            cols.append(Col(key, None))
        else:
            path, kind = source[key]
            cols.append(Col(key, path, kind))
    return tuple(cols)


PERSONS = EntitySpec(
    "persons",
    (
        *_catalogue_cols(PERSON_FIELDS, _PERSON_SOURCE),
        Col("birth_date_precision", "birth_date_precision", CODE),
        Col("case_period_years", "cases__period_years", INT),
        Col("case_period_ends_on", "cases__period_ends_on", DATE),
        Col("case_extension_reason", "cases__extension_reason", TEXT),
        Col("case_shared_with_team", "cases__shared_with_team", BOOL),
        Col("case_team", "cases__team__name", TEXT),
        Col("case_organisation", "cases__organisation__name", TEXT),
        Col("created_at", "created_at", DATETIME),
        Col("case_created_at", "cases__created_at", DATETIME),
    ),
    _persons_qs,
    _fill_person,
    order_by=("pk", "cases__opened_on", "cases__pk"),
    counter=_count_persons,
)


def _households_qs(ctx: Context) -> QuerySet:
    from wegweiser.clients.models import Household

    return Household.objects.filter(kreis_id=ctx.kreis_id)


HOUSEHOLDS = EntitySpec(
    "households",
    (
        Col("household_id", "uuid", ID),
        Col("household_label", "label"),
        Col("street", "street"),
        Col("postal_code", "postal_code"),
        *_municipality_cols("municipality", "municipality"),
        Col("created_at", "created_at", DATETIME),
    ),
    _households_qs,
    lambda ctx, row: _municipality(row),
)


def _consents_qs(ctx: Context) -> QuerySet:
    from wegweiser.clients.models import Consent

    return Consent.objects.filter(kreis_id=ctx.kreis_id)


def _fill_consent(ctx: Context, row: dict) -> None:
    name = row.pop("recipient_name")
    row["referral_recipient"] = row["referral_recipient"] or name or None


CONSENTS = EntitySpec(
    "consents",
    (
        Col("consent_id", "uuid", ID),
        Col("person_id", "client__uuid", ID),
        Col("given_on", "given_on", DATE),
        Col("covers_processing", "covers_processing", BOOL),
        Col("covers_referral", "covers_referral", BOOL),
        Col("covers_volunteer", "covers_volunteer", BOOL),
        Col("referral_recipient", "referral_recipient__name"),
        Col("recipient_name", "referral_recipient_name", out=False),
        Col("referral_recipient_id", "referral_recipient__uuid", ID),
        Col("form", "form", CODE),
        Col("witness", "witness"),
        Col("withdrawn_on", "withdrawn_on", DATE),
        Col("recorded_by", "recorded_by__email"),
        Col("created_at", "created_at", DATETIME),
    ),
    _consents_qs,
    _fill_consent,
)


def _contacts_qs(ctx: Context) -> QuerySet:
    from wegweiser.referrals.models import AuthorityContact

    return AuthorityContact.objects.filter(kreis_id=ctx.kreis_id)


AUTHORITY_CONTACTS = EntitySpec(
    "authority_contacts",
    (
        Col("contact_id", "uuid", ID),
        Col("person_id", "client__uuid", ID),
        Col("kind", "kind", CODE),
        Col("office_name", "office_name"),
        Col("contact_person", "contact_person"),
        Col("phone", "phone"),
        Col("email", "email"),
        Col("reference_number", "reference_number"),
        Col("notes", "notes"),
    ),
    _contacts_qs,
)


# --- counselling sessions -----------------------------------------------------------------------

_SESSION_SOURCE = {
    "session_id": ("uuid", ID),
    "case_id": ("case__uuid", ID),
    "case_number": ("case__number", TEXT),
    "person_id": ("case__client__uuid", ID),
    "held_on": ("held_on", DATE),
    "duration_minutes": ("duration_minutes", INT),
    "channel": ("channel", CODE),
    "interpreter_used": ("interpreter_used", BOOL),
    "interpreter_language": ("interpreter_language", CODE),
    "fields_of_action": ("fields_of_action", LIST),
    "summary": ("summary", TEXT),
    "counsellor": ("counsellor__email", TEXT),
}


def _sessions_qs(ctx: Context) -> QuerySet:
    from wegweiser.counselling.models import CounsellingSession

    return CounsellingSession.objects.filter(kreis_id=ctx.kreis_id)


def _session_columns(include_confidential: bool) -> tuple[Col, ...]:
    cols = []
    for col in _catalogue_cols(SESSION_FIELDS, _SESSION_SOURCE):
        if col.key == "confidential_note" and include_confidential:
            col = Col("confidential_note", "confidential_note")
        cols.append(col)
    return (
        *cols,
        Col("created_at", "created_at", DATETIME),
    )


def _fill_session(ctx: Context, row: dict) -> None:
    # Without the confidential notes the column is there and empty (the notes are not read).
    row.setdefault("confidential_note", None)


SESSIONS = EntitySpec("sessions", _session_columns(False), _sessions_qs, _fill_session)
SESSIONS_CONFIDENTIAL = dataclasses.replace(SESSIONS, columns=_session_columns(True))


def _attendance_qs(ctx: Context) -> QuerySet:
    from wegweiser.counselling.models import SessionAttendance

    return SessionAttendance.objects.filter(kreis_id=ctx.kreis_id)


SESSION_ATTENDANCE = EntitySpec(
    "session_attendance",
    (
        Col("session_id", "session__uuid", ID),
        Col("person_id", "client__uuid", ID),
    ),
    _attendance_qs,
)


# --- integration plans --------------------------------------------------------------------------


def _plans_qs(ctx: Context) -> QuerySet:
    from wegweiser.plans.models import Plan

    return Plan.objects.filter(kreis_id=ctx.kreis_id)


PLANS = EntitySpec(
    "plans",
    (
        Col("plan_id", "uuid", ID),
        Col("case_id", "case__uuid", ID),
        Col("review_interval_months", "review_interval_months", INT),
        Col("next_review_on", "next_review_on", DATE),
        Col("created_at", "created_at", DATETIME),
    ),
    _plans_qs,
)


def _plan_versions_qs(ctx: Context) -> QuerySet:
    from wegweiser.plans.models import PlanVersion

    return PlanVersion.objects.filter(kreis_id=ctx.kreis_id)


PLAN_VERSIONS = EntitySpec(
    "plan_versions",
    (
        Col("plan_version_id", "uuid", ID),
        Col("plan_id", "plan__uuid", ID),
        Col("case_id", "plan__case__uuid", ID),
        Col("number", "number", INT),
        Col("agreed_on", "agreed_on", DATE),
        Col("agreement_form", "agreement_form", CODE),
        Col("agreed_by", "agreed_by__email"),
        Col("snapshot", "snapshot", JSON),
        Col("changes", "changes", JSON),
    ),
    _plan_versions_qs,
    order_by=("plan_id", "number"),
)

_GOAL_SOURCE = {
    "goal_id": ("uuid", ID),
    "case_id": ("plan__case__uuid", ID),
    "case_number": ("plan__case__number", TEXT),
    "person_id": ("plan__case__client__uuid", ID),
    "field_of_action": ("field_of_action", CODE),
    "text": ("text", TEXT),
    "target_date": ("target_date", DATE),
    "priority": ("priority", CODE),
    "status": ("status", CODE),
    "reached_on": ("reached_on", DATE),
}


def _goals_qs(ctx: Context) -> QuerySet:
    from wegweiser.plans.models import Goal

    return Goal.objects.filter(kreis_id=ctx.kreis_id)


GOALS = EntitySpec(
    "goals",
    (
        *_catalogue_cols(GOAL_FIELDS, _GOAL_SOURCE),
        Col("plan_id", "plan__uuid", ID),
        Col("agreed_on", "agreed_on", DATE),
        Col("position", "position", INT),
        Col("created_at", "created_at", DATETIME),
    ),
    _goals_qs,
)


def _steps_qs(ctx: Context) -> QuerySet:
    from wegweiser.plans.models import Step

    return Step.objects.filter(kreis_id=ctx.kreis_id)


STEPS = EntitySpec(
    "steps",
    (
        Col("step_id", "uuid", ID),
        Col("goal_id", "goal__uuid", ID),
        Col("case_id", "goal__plan__case__uuid", ID),
        Col("text", "text"),
        Col("owner", "owner", CODE),
        Col("service", "service__name"),
        Col("service_id", "service__uuid", ID),
        Col("due_on", "due_on", DATE),
        Col("status", "status", CODE),
        Col("position", "position", INT),
        Col("created_at", "created_at", DATETIME),
    ),
    _steps_qs,
)


# --- referrals ----------------------------------------------------------------------------------

_REFERRAL_SOURCE = {
    "referral_id": ("uuid", ID),
    "case_id": ("case__uuid", ID),
    "case_number": ("case__number", TEXT),
    "person_id": ("case__client__uuid", ID),
    "referred_on": ("referred_on", DATE),
    "status": ("status", CODE),
    "appointment_on": ("appointment_on", DATE),
    "follow_up_on": ("follow_up_on", DATE),
    "outcome": ("outcome", TEXT),
    "closed_on": ("closed_on", DATE),
}


def _referrals_qs(ctx: Context) -> QuerySet:
    from wegweiser.referrals.models import Referral

    return Referral.objects.filter(kreis_id=ctx.kreis_id)


def _fill_referral(ctx: Context, row: dict) -> None:
    # The service of the directory by its name, else the service named in free text.
    row["service"] = row.pop("service__name") or row.pop("service_name") or None
    row.pop("service_name", None)


REFERRALS = EntitySpec(
    "referrals",
    (
        *_catalogue_cols(REFERRAL_FIELDS, _REFERRAL_SOURCE),
        Col("service__name", "service__name", out=False),
        Col("service_name", "service_name", out=False),
        Col("service_id", "service__uuid", ID),
        Col("reason", "reason"),
        Col("session_id", "session__uuid", ID),
        Col("goal_id", "goal__uuid", ID),
        Col("anonymous", "anonymous", BOOL),
        Col("created_by", "created_by__email"),
        Col("created_at", "created_at", DATETIME),
    ),
    _referrals_qs,
    _fill_referral,
)


def _events_qs(ctx: Context) -> QuerySet:
    from wegweiser.referrals.models import ReferralEvent

    return ReferralEvent.objects.filter(kreis_id=ctx.kreis_id)


REFERRAL_EVENTS = EntitySpec(
    "referral_events",
    (
        Col("referral_id", "referral__uuid", ID),
        Col("at", "at", DATETIME),
        Col("actor", "actor__email"),
        Col("status", "status", CODE),
        Col("follow_up_on", "follow_up_on", DATE),
        Col("appointment_on", "appointment_on", DATE),
    ),
    _events_qs,
    order_by=("referral_id", "at", "pk"),
)


# --- the county's organisation ------------------------------------------------------------------


def _users_qs(ctx: Context) -> QuerySet:
    from wegweiser.accounts.models import User

    return User.objects.filter(kreis_id=ctx.kreis_id)


USERS = EntitySpec(
    "users",
    (
        Col("email", "email"),
        Col("first_name", "first_name"),
        Col("last_name", "last_name"),
        Col("role", "role", CODE),
        Col("team", "team__name"),
        Col("organisation", "organisation__name"),
        Col("full_time_equivalent", "full_time_equivalent", DECIMAL),
        Col("is_active", "is_active", BOOL),
    ),
    _users_qs,
)


def _teams_qs(ctx: Context) -> QuerySet:
    from wegweiser.organisations.models import Team

    return Team.objects.filter(kreis_id=ctx.kreis_id)


TEAMS = EntitySpec(
    "teams",
    (
        Col("team_id", "uuid", ID),
        Col("name", "name"),
        Col("organisation", "organisation__name"),
        Col("organisation_kind", "organisation__kind", CODE),
    ),
    _teams_qs,
)


def _municipalities_qs(ctx: Context) -> QuerySet:
    from wegweiser.organisations.models import Municipality

    return Municipality.objects.filter(kreis_id=ctx.kreis_id)


MUNICIPALITIES = EntitySpec(
    "municipalities",
    (Col("municipality_id", "uuid", ID), Col("name", "name"), Col("ags", "ags")),
    _municipalities_qs,
)


# --- directory ----------------------------------------------------------------------------------


def _providers_qs(ctx: Context) -> QuerySet:
    from wegweiser.directory.models import ServiceProvider

    return ServiceProvider.objects.filter(kreis_id=ctx.kreis_id)


SERVICE_PROVIDERS = EntitySpec(
    "service_providers",
    (
        Col("provider_id", "uuid", ID),
        Col("name", "name"),
        Col("description", "description"),
        Col("email", "email"),
        Col("website", "website"),
        Col("phone", "phone"),
        Col("external_id", "external_id"),
    ),
    _providers_qs,
)


def _services_qs(ctx: Context) -> QuerySet:
    from wegweiser.directory.models import Service

    return Service.objects.filter(kreis_id=ctx.kreis_id)


def _counties_served(ctx: Context) -> dict[int, list[str]]:
    if "counties_served" not in ctx.cache:
        from wegweiser.directory.models import Service

        through = Service.counties_served.through
        found: dict[int, list[str]] = defaultdict(list)
        for service_id, ags in (
            through.objects.filter(service__kreis_id=ctx.kreis_id)
            .order_by("kreis__ags")
            .values_list("service_id", "kreis__ags")
        ):
            found[service_id].append(ags)
        ctx.cache["counties_served"] = found
    return ctx.cache["counties_served"]


def _fill_service(ctx: Context, row: dict) -> None:
    _municipality(row)
    row["counties_served"] = _counties_served(ctx).get(row.pop("pk"), [])


SERVICES = EntitySpec(
    "services",
    (
        Col("pk", "pk", out=False),
        Col("service_id", "uuid", ID),
        Col("name", "name"),
        Col("provider_id", "provider__uuid", ID),
        Col("provider", "provider__name"),
        Col("kind", "kind", CODE),
        Col("description", "description"),
        Col("fields_of_action", "fields_of_action", LIST),
        Col("languages", "languages", LIST),
        Col("street", "street"),
        Col("postal_code", "postal_code"),
        Col("city", "city"),
        *_municipality_cols("municipality", "municipality"),
        Col("contact_name", "contact_name"),
        Col("phone", "phone"),
        Col("email", "email"),
        Col("website", "website"),
        Col("opening_hours", "opening_hours"),
        Col("by_appointment_only", "by_appointment_only", BOOL),
        Col("accessibility", "accessibility"),
        Col("costs", "costs"),
        Col("eligibility", "eligibility"),
        Col("counties_served", None, LIST),
        Col("is_active", "is_active", BOOL),
        Col("external_id", "external_id"),
    ),
    _services_qs,
    _fill_service,
)


# --- volunteers ---------------------------------------------------------------------------------


def _volunteer_municipalities(ctx: Context) -> dict[int, list[str]]:
    if "volunteer_municipalities" not in ctx.cache:
        from wegweiser.volunteers.models import VolunteerMunicipality

        found: dict[int, list[str]] = defaultdict(list)
        for volunteer_id, ags, name in (
            VolunteerMunicipality.objects.filter(kreis_id=ctx.kreis_id)
            .order_by("municipality__name")
            .values_list("volunteer_id", "municipality__ags", "municipality__name")
        ):
            found[volunteer_id].append(ags or name)
        ctx.cache["volunteer_municipalities"] = found
    return ctx.cache["volunteer_municipalities"]


def _volunteers_qs(ctx: Context) -> QuerySet:
    from wegweiser.volunteers.models import Volunteer

    return Volunteer.objects.filter(kreis_id=ctx.kreis_id)


def _fill_volunteer(ctx: Context, row: dict) -> None:
    row["municipalities"] = _volunteer_municipalities(ctx).get(row.pop("pk"), [])


VOLUNTEERS = EntitySpec(
    "volunteers",
    (
        Col("pk", "pk", out=False),
        Col("volunteer_id", "uuid", ID),
        Col("given_name", "given_name"),
        Col("family_name", "family_name"),
        Col("phone", "phone"),
        Col("email", "email"),
        Col("languages", "languages", LIST),
        Col("skills", "skills"),
        Col("availability", "availability"),
        Col("municipalities", None, LIST),
        Col("fields_of_action", "fields_of_action", LIST),
        Col("status", "status", CODE),
        Col("left_on", "left_on", DATE),
        Col("user", "user__email"),
        Col("created_at", "created_at", DATETIME),
    ),
    _volunteers_qs,
    _fill_volunteer,
)


def _model_qs(path: str):
    def queryset(ctx: Context) -> QuerySet:
        import importlib

        module, name = path.rsplit(".", 1)
        model = getattr(importlib.import_module(module), name)
        return model.objects.filter(kreis_id=ctx.kreis_id)

    return queryset


VOLUNTEER_CHECKS = EntitySpec(
    "volunteer_checks",
    (
        Col("check_id", "uuid", ID),
        Col("volunteer_id", "volunteer__uuid", ID),
        Col("kind", "kind", CODE),
        Col("issued_on", "issued_on", DATE),
        Col("next_due_on", "next_due_on", DATE),
    ),
    _model_qs("wegweiser.volunteers.models.VolunteerCheck"),
)

QUALIFICATIONS = EntitySpec(
    "qualifications",
    (
        Col("qualification_id", "uuid", ID),
        Col("volunteer_id", "volunteer__uuid", ID),
        Col("title", "title"),
        Col("attended_on", "attended_on", DATE),
        Col("provider", "provider"),
        Col("hours", "hours", DECIMAL),
    ),
    _model_qs("wegweiser.volunteers.models.Qualification"),
)

TRAININGS = EntitySpec(
    "trainings",
    (
        Col("training_id", "uuid", ID),
        Col("title", "title"),
        Col("description", "description"),
        Col("provider", "provider"),
        Col("place", "place"),
        Col("starts_at", "starts_at", DATETIME),
        Col("ends_at", "ends_at", DATETIME),
        Col("hours", "hours", DECIMAL),
        Col("capacity", "capacity", INT),
        Col("registration_until", "registration_until", DATE),
        Col("cancelled_at", "cancelled_at", DATETIME),
    ),
    _model_qs("wegweiser.volunteers.models.TrainingEvent"),
)

TRAINING_REGISTRATIONS = EntitySpec(
    "training_registrations",
    (
        Col("registration_id", "uuid", ID),
        Col("training_id", "event__uuid", ID),
        Col("volunteer_id", "volunteer__uuid", ID),
        Col("cancelled_at", "cancelled_at", DATETIME),
        Col("attended", "attended", BOOL),
    ),
    _model_qs("wegweiser.volunteers.models.TrainingRegistration"),
)

TANDEMS = EntitySpec(
    "tandems",
    (
        Col("tandem_id", "uuid", ID),
        Col("volunteer_id", "volunteer__uuid", ID),
        Col("case_id", "case__uuid", ID),
        Col("person_id", "case__client__uuid", ID),
        Col("includes_household", "includes_household", BOOL),
        Col("share_phone", "share_phone", BOOL),
        Col("share_email", "share_email", BOOL),
        Col("share_address", "share_address", BOOL),
        Col("shared_note", "shared_note"),
        Col("started_on", "started_on", DATE),
        Col("ended_on", "ended_on", DATE),
        Col("end_reason", "end_reason", CODE),
    ),
    _model_qs("wegweiser.volunteers.models.Tandem"),
)

MENTORING_GROUPS = EntitySpec(
    "mentoring_groups",
    (
        Col("group_id", "uuid", ID),
        Col("name", "name"),
        Col("case_id", "case__uuid", ID),
        Col("person_id", "case__client__uuid", ID),
        Col("status", "status", CODE),
        Col("starts_on", "starts_on", DATE),
        Col("ends_on", "ends_on", DATE),
        Col("shared_note", "shared_note"),
    ),
    _model_qs("wegweiser.volunteers.models.MentoringGroup"),
)

GROUP_MEMBERSHIPS = EntitySpec(
    "group_memberships",
    (
        Col("group_id", "group__uuid", ID),
        Col("volunteer_id", "volunteer__uuid", ID),
        Col("is_contact", "is_contact", BOOL),
        Col("joined_on", "joined_on", DATE),
        Col("left_on", "left_on", DATE),
    ),
    _model_qs("wegweiser.volunteers.models.GroupMembership"),
)

GROUP_COMMITMENTS = EntitySpec(
    "group_commitments",
    (
        Col("group_id", "group__uuid", ID),
        Col("kind", "kind", CODE),
        Col("description", "description"),
        Col("monthly_amount", "monthly_amount", DECIMAL),
        Col("from_on", "from_on", DATE),
        Col("until_on", "until_on", DATE),
    ),
    _model_qs("wegweiser.volunteers.models.GroupCommitment"),
)

SUPPORT_REQUESTS = EntitySpec(
    "support_requests",
    (
        Col("request_id", "uuid", ID),
        Col("case_id", "case__uuid", ID),
        Col("person_id", "case__client__uuid", ID),
        Col("title", "title"),
        Col("description", "description"),
        Col("field_of_action", "field_of_action", CODE),
        Col("language", "language", CODE),
        *_municipality_cols("municipality", "municipality"),
        Col("place", "place"),
        Col("needed_on", "needed_on", DATE),
        Col("time_from", "time_from", TIME),
        Col("time_until", "time_until", TIME),
        Col("status", "status", CODE),
        Col("taken_by", "taken_by__uuid", ID),
        Col("taken_at", "taken_at", DATETIME),
        Col("closed_at", "closed_at", DATETIME),
        Col("cancel_reason", "cancel_reason"),
    ),
    _model_qs("wegweiser.volunteers.models.SupportRequest"),
    lambda ctx, row: _municipality(row),
)

ACTIVITIES = EntitySpec(
    "activities",
    (
        Col("activity_id", "uuid", ID),
        Col("volunteer_id", "volunteer__uuid", ID),
        Col("kind", "kind", CODE),
        Col("tandem_id", "tandem__uuid", ID),
        Col("request_id", "support_request__uuid", ID),
        Col("group_id", "group__uuid", ID),
        Col("date", "date", DATE),
        Col("hours", "hours", DECIMAL),
        Col("note", "note"),
        Col("cancelled_at", "cancelled_at", DATETIME),
    ),
    _model_qs("wegweiser.volunteers.models.Activity"),
)


def entities(*, include_confidential: bool) -> list[EntitySpec]:
    """Every entity of the export, in the order of the files in the ZIP."""
    return [
        HOUSEHOLDS,
        PERSONS,
        CONSENTS,
        AUTHORITY_CONTACTS,
        SESSIONS_CONFIDENTIAL if include_confidential else SESSIONS,
        SESSION_ATTENDANCE,
        PLANS,
        PLAN_VERSIONS,
        GOALS,
        STEPS,
        REFERRALS,
        REFERRAL_EVENTS,
        USERS,
        TEAMS,
        MUNICIPALITIES,
        SERVICE_PROVIDERS,
        SERVICES,
        VOLUNTEERS,
        VOLUNTEER_CHECKS,
        QUALIFICATIONS,
        TRAININGS,
        TRAINING_REGISTRATIONS,
        TANDEMS,
        MENTORING_GROUPS,
        GROUP_MEMBERSHIPS,
        GROUP_COMMITMENTS,
        SUPPORT_REQUESTS,
        ACTIVITIES,
    ]
