"""Which tables belong to a county and which are shared: the scale-out plan in code.

Every table of the ``wegweiser`` apps is one of

- **county-owned** (not listed here): it has a non-null foreign key ``kreis`` to
  ``organisations.Kreis``, every unique constraint includes ``kreis``, and every row has the
  county of the county-owned rows it points to. Such a table can be partitioned by ``kreis_id``
  (PostgreSQL) or distributed by it (Citus) and co-located with the others;
- a **reference table** (``REFERENCE_MODELS``): small, read by every county, kept whole on every
  node (Citus ``create_reference_table``), not partitioned. Reference tables point only to
  reference tables (Citus cannot check a foreign key from a reference to a distributed table);
- a **log** (``LOG_MODELS``): large and append-only, with rows of counties and of the state, no
  foreign key constraints in or out; partitioned by time and distributed by its own key.

``tests/core/test_scale_out.py`` fails for a model that is in no class or breaks its rules, and
``docs/skalierung.md`` lists the same tables (the test compares them).
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

REFERENCE_MODELS: dict[str, str] = {
    "organisations.Land": "the federal states: a handful of rows, read everywhere",
    "organisations.Kreis": "the counties themselves: the key that the other tables are split by",
    "organisations.Organisation": (
        "county offices and providers, and state authorities without a county (kreis NULL)"
    ),
    "organisations.Team": "a few teams per county; users (a reference table) point to them",
    "organisations.Municipality": (
        "the municipalities of a county; services (a reference table) point to them"
    ),
    "accounts.User": (
        "staff of every level: state staff and operators have no county (kreis NULL); every "
        "county-owned table points to users"
    ),
    "accounts.User_groups": "Django's group links of users (unused, kept by AbstractUser)",
    "accounts.User_user_permissions": "Django's permission links of users (unused)",
    "accounts.LoginSession": "login sessions, looked up by session key before any county is known",
    "accounts.ApiToken": "API tokens, looked up by hash before any county is known",
    "directory.ServiceProvider": (
        "providers of the directory; state-wide entries have no county (kreis NULL)"
    ),
    "directory.Service": "services of the directory; state-wide entries have no county",
    "directory.Service_counties_served": "the counties a service serves",
    "directory.ConsultationSlot": "consultation hours of a service, booked from every county",
    "directory.Course": "courses of a service, with registrations from every county",
    "funding.Document": (
        "uploaded files of counties and of the state authority (kreis NULL), attached to "
        "applications, proofs of use and volunteer qualifications"
    ),
    "funding.BasisDataset": "the state's basis data for allocation keys",
    "funding.Programme": "the state's funding programmes",
    "funding.Programme_basis": "the basis data a programme is allocated by",
    "funding.PlanningFrame": "the state's planning frames (their amounts per county are not)",
}

LOG_MODELS: dict[str, str] = {
    "audit.AuditEntry": (
        "the append-only audit log: the largest table, with entries of state users and jobs "
        "without a county (kreis NULL) and no foreign key constraints (db_constraint=False)"
    ),
}


def wegweiser_models(*, include_auto_created: bool = True) -> list[type[models.Model]]:
    """Every concrete model of the ``wegweiser`` apps, with the tables Django creates for
    many-to-many fields."""
    return [
        model
        for model in apps.get_models(include_auto_created=include_auto_created)
        if model._meta.app_config.name.startswith("wegweiser.")
    ]


def kreis_field(model: type[models.Model]) -> models.ForeignKey | None:
    """The model's foreign key ``kreis`` to ``organisations.Kreis`` (None if it has none)."""
    try:
        field = model._meta.get_field("kreis")
    except Exception:  # noqa: BLE001 - FieldDoesNotExist
        return None
    if not field.many_to_one or field.related_model._meta.label != "organisations.Kreis":
        return None
    return field


def is_county_owned(model: type[models.Model]) -> bool:
    """County-owned: a table of the ``wegweiser`` apps that is neither a reference table nor a
    log (the tables of Django and its libraries are no county's)."""
    label = model._meta.label
    return (
        model._meta.app_config.name.startswith("wegweiser.")
        and label not in REFERENCE_MODELS
        and label not in LOG_MODELS
    )


def county_owned_models() -> list[type[models.Model]]:
    return [model for model in wegweiser_models() if is_county_owned(model)]
