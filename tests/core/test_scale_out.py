"""The scale-out rule (docs/skalierung.md): every county-owned table carries its county, every
unique constraint includes it, and every row has the county of the county-owned rows it points
to, so that PostgreSQL partitioning or Citus distribution by ``kreis_id`` stays possible.

The classification lives in ``wegweiser.core.scaleout``; a new model fails here until it is
county-owned by these rules or listed there with a reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection, models
from django.db.models import F

from tests import test_url_matrix
from wegweiser.core.models import CountyOneToOneField
from wegweiser.core.scaleout import (
    LOG_MODELS,
    REFERENCE_MODELS,
    county_owned_models,
    is_county_owned,
    kreis_field,
    wegweiser_models,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "skalierung.md"
world = test_url_matrix.world  # the fixture: objects of every app in Alice's county


def _label(model) -> str:
    return model._meta.label


def _relations(model):
    """The model's foreign keys and one-to-one fields (many-to-many ones appear as the foreign
    keys of their through tables, which ``wegweiser_models`` lists too)."""
    return [f for f in model._meta.concrete_fields if f.is_relation]


def _db_unique_fields(model) -> list[models.Field]:
    """Fields with a unique index of their own in the database (not the primary key)."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.unique and not f.primary_key and not isinstance(f, CountyOneToOneField)
    ]


def _unique_constraints(model) -> list[models.UniqueConstraint]:
    return [c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]


# --- the classification ------------------------------------------------------------------------


def test_every_listed_model_exists():
    labels = {_label(m) for m in wegweiser_models()}
    unknown = sorted((set(REFERENCE_MODELS) | set(LOG_MODELS)) - labels)
    assert not unknown, f"core.scaleout lists models that do not exist: {unknown}"
    assert not set(REFERENCE_MODELS) & set(LOG_MODELS)


def test_every_model_is_county_owned_or_listed():
    problems = []
    for model in county_owned_models():
        field = kreis_field(model)
        if field is None:
            problems.append(
                f"{_label(model)}: no foreign key 'kreis' to organisations.Kreis. Add it (a "
                "county-owned table carries its county) or list the model with a reason in "
                "wegweiser.core.scaleout (REFERENCE_MODELS or LOG_MODELS)."
            )
        elif field.null:
            problems.append(f"{_label(model)}.kreis may be empty; a county-owned row has a county.")
    assert not problems, "\n".join(problems)


def test_unique_constraints_of_county_owned_models_include_the_county():
    problems = []
    for model in county_owned_models():
        for field in _db_unique_fields(model):
            problems.append(
                f"{_label(model)}.{field.name} is unique on its own; make it "
                f"UniqueConstraint(fields=['{field.name}', 'kreis']) (CountyOneToOneField for a "
                "one-to-one relation, CountyModel for the uuid)."
            )
        for constraint in _unique_constraints(model):
            if constraint.expressions or "kreis" not in constraint.fields:
                problems.append(
                    f"{_label(model)}: unique constraint {constraint.name} "
                    f"{list(constraint.fields)} does not include 'kreis'."
                )
        if model._meta.unique_together:
            problems.append(f"{_label(model)}: use UniqueConstraint instead of unique_together.")
    assert not problems, "\n".join(problems)


def test_county_one_to_one_fields_are_unique_per_county():
    """A ``CountyOneToOneField`` has no unique index of its own: the model must declare the
    constraint that keeps the relation one-to-one."""
    problems = []
    for model in wegweiser_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, CountyOneToOneField):
                continue
            if not any(
                list(c.fields) == [field.name, "kreis"] and c.condition is None
                for c in _unique_constraints(model)
            ):
                problems.append(
                    f"{_label(model)}.{field.name}: declare an unconditional "
                    f"UniqueConstraint(fields=['{field.name}', 'kreis'])."
                )
    assert not problems, "\n".join(problems)


def test_county_owned_models_with_a_public_id_keep_it_unique_per_county():
    problems = []
    for model in county_owned_models():
        if not any(f.name == "uuid" for f in model._meta.concrete_fields):
            continue
        if not any(list(c.fields) == ["uuid", "kreis"] for c in _unique_constraints(model)):
            problems.append(
                f"{_label(model)}: the uuid is not unique per county. A 'class Meta' that does "
                "not derive from CountyModel.Meta drops the inherited constraint."
            )
    assert not problems, "\n".join(problems)


def test_reference_tables_point_only_to_reference_tables():
    """Citus checks no foreign key from a reference table to a distributed one."""
    problems = [
        f"{_label(model)}.{field.name} -> {_label(field.related_model)}"
        for model in wegweiser_models()
        if _label(model) in REFERENCE_MODELS
        for field in _relations(model)
        if field.db_constraint and is_county_owned(field.related_model)
    ]
    assert not problems, (
        "Reference tables with foreign keys to county-owned tables (make the target a reference "
        "table too, or the source county-owned):\n" + "\n".join(problems)
    )


def test_logs_have_no_foreign_key_constraints():
    problems = [
        f"{_label(model)}.{field.name}"
        for model in wegweiser_models()
        for field in _relations(model)
        if field.db_constraint
        and (_label(model) in LOG_MODELS or _label(field.related_model) in LOG_MODELS)
    ]
    assert not problems, f"Foreign key constraints to or from a log: {problems}"


@pytest.mark.django_db
def test_the_database_has_no_unique_index_without_the_county():
    """What the migrations really created (also a unique index from raw SQL)."""
    problems = []
    with connection.cursor() as cursor:
        for model in county_owned_models():
            table = model._meta.db_table
            kreis_column = model._meta.get_field("kreis").column
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                if info["unique"] and not info["primary_key"]:
                    if kreis_column not in (info["columns"] or []):
                        problems.append(f"{table}: {name} {info['columns']}")
    assert not problems, "Unique indexes without kreis_id:\n" + "\n".join(problems)


def test_the_documentation_lists_the_same_tables():
    """docs/skalierung.md names every table (in backticks) in the section of its class."""
    text = DOC.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S))
    apps = {m._meta.app_label for m in wegweiser_models()}

    def tables(heading: str) -> set[str]:
        names = set(re.findall(r"`([a-z_]+)`", sections[heading]))
        return {name for name in names if name.split("_")[0] in apps}

    def expected(condition) -> set[str]:
        return {m._meta.db_table for m in wegweiser_models() if condition(_label(m))}

    classes = {
        "Kreiseigene Tabellen": lambda label: label not in {*REFERENCE_MODELS, *LOG_MODELS},
        "Referenztabellen": lambda label: label in REFERENCE_MODELS,
        "Protokoll": lambda label: label in LOG_MODELS,
    }
    for heading, condition in classes.items():
        documented, actual = tables(heading), expected(condition)
        assert documented == actual, (
            f"docs/skalierung.md, section {heading!r}: missing {sorted(actual - documented)}, "
            f"not of this class {sorted(documented - actual)}"
        )


# --- the data: every row has the county of the rows it points to --------------------------------


def county_relations() -> list[tuple[type[models.Model], models.Field]]:
    """Every foreign key between two county-owned tables."""
    return [
        (model, field)
        for model in county_owned_models()
        for field in _relations(model)
        if field.name != "kreis" and is_county_owned(field.related_model)
    ]


def mismatches(model, field) -> int:
    """Rows of ``model`` whose county differs from the county of the row ``field`` points to."""
    return (
        model._base_manager.filter(**{f"{field.name}__isnull": False})
        .exclude(kreis_id=F(f"{field.name}__kreis_id"))
        .count()
    )


@pytest.fixture
def two_counties(world, kreis, other_kreis, settings, monkeypatch):
    """Two counties with data written by the services: in Alice's, the objects of every app
    that the role x URL matrix builds (tests/test_url_matrix.py); in Charlie's, the demo data
    (``wegweiser.core.demo``, small)."""
    from io import StringIO

    from django.core.management import call_command

    from wegweiser.core import demo

    settings.DEBUG = True
    call_command("load_reference_data", stdout=StringIO())
    monkeypatch.setattr(demo, "KREIS_AGS", other_kreis.ags)
    demo.demo_data_load(clients=6)
    return kreis, other_kreis


def test_every_row_has_the_county_of_the_rows_it_points_to(two_counties):
    from wegweiser.organisations.models import Kreis

    relations = county_relations()
    assert relations, "no relation between county-owned tables found"
    problems = [
        f"{_label(model)}.{field.name}: {n} rows with another county than their "
        f"{_label(field.related_model)}"
        for model, field in relations
        if (n := mismatches(model, field))
    ]
    # One-to-one relations are unique per county only: their target must be of the same county
    # too, also where it is a reference table (a volunteer's login).
    for model in wegweiser_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, CountyOneToOneField) and (n := mismatches(model, field)):
                problems.append(f"{_label(model)}.{field.name}: {n} rows of another county")
    assert not problems, "\n".join(problems)

    # Both counties have data, so the check compares something (and it does fail: below).
    populated = [(m, f) for m, f in relations if m._base_manager.exclude(**{f.name: None}).exists()]
    counties = {
        kreis_id
        for model, _field in populated
        for kreis_id in model._base_manager.values_list("kreis_id", flat=True).distinct()
    }
    assert len(counties) == 2 and len(populated) >= len(relations) // 2, (
        f"only {len(populated)} of {len(relations)} relations have rows"
    )
    from wegweiser.plans.models import Goal

    goal = Goal.objects.order_by("pk").first()
    other = Kreis.objects.exclude(pk=goal.kreis_id).get(pk__in=counties)
    Goal.objects.filter(pk=goal.pk).update(kreis=other)
    assert mismatches(Goal, Goal._meta.get_field("plan")) == 1
