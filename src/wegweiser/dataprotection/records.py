"""Everything Wegweiser holds about one person, found by walking the schema.

Starting from the person (``clients.Client``) and their case files, every row of every model
that points at a row already found is collected, until nothing new is found: consents, sessions,
plans with goals, steps and agreed versions, referrals with their events, contacts at authorities,
bookings and course places, tandems with the hours logged, support requests, the mentoring group
that accompanies them, recorded access reasons. Two links are followed the other way: the
household the person lives in (its address; not the other members), and the sessions of other
case files in which the person took part. New models are covered without touching this module;
``EXCLUDED`` names what is deliberately left out (derived figures, the volunteers' own data).

The walk is the basis of the Auskunft (Art. 15 GDPR). Values are read through the models, so
encrypted notes appear decrypted; other persons appear only as "another person".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

# Apps whose rows are never part of a person's record: the audit log is reported separately
# (who accessed the file), the statistics are derived counts, the rest hold no person data.
EXCLUDED_APPS = frozenset(
    {
        "admin",
        "auth",
        "contenttypes",
        "sessions",
        "account",
        "mfa",
        "usersessions",
        "accounts",
        "organisations",
        "audit",
        "statistics",
        "funding",
    }
)
# Rows that point at the person's data but are about somebody else (the members of a mentoring
# group are volunteers; their names are not the person's data).
EXCLUDED = frozenset({"volunteers.GroupMembership"})
# Fields that are never shown: internal search columns and bookkeeping.
HIDDEN_FIELDS = frozenset({"id", "name_tokens", "name_phonetic", "version", "kreis"})
# Links followed outwards from a found row (model label, field name).
OUTWARD = (("clients.Client", "household"), ("counselling.SessionAttendance", "session"))


@dataclass
class Section:
    """The rows of one kind (a model) with their fields, in a stable order."""

    label: str
    model_label: str
    rows: list[list[tuple[str, str, object]]] = field(default_factory=list)


def _models():
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in EXCLUDED_APPS or meta.label in EXCLUDED or meta.proxy:
            continue
        yield model


def collect_ids(client, *, outward=OUTWARD) -> dict[type[models.Model], set[int]]:
    """Primary keys of every row that belongs to the person, per model. ``outward`` names the
    links followed from a found row to the row it points at."""
    from wegweiser.clients.models import Client

    found: dict[type[models.Model], set[int]] = {Client: {client.pk}}
    links = [
        (model, f)
        for model in _models()
        for f in model._meta.concrete_fields
        if f.is_relation and f.many_to_one or (f.is_relation and f.one_to_one)
    ]
    outward = set(outward)
    changed = True
    while changed:
        changed = False
        for model, f in links:
            target = f.related_model
            if target not in found or model._meta.label == "clients.Client":
                continue  # other members of a household are not followed
            ids = set(
                model._default_manager.filter(**{f"{f.name}__in": found[target]}).values_list(
                    "pk", flat=True
                )
            )
            new = ids - found.get(model, set())
            if new:
                found.setdefault(model, set()).update(new)
                changed = True
        for model in list(found):
            for f in model._meta.concrete_fields:
                if (model._meta.label, f.name) not in outward:
                    continue
                ids = set(
                    model._default_manager.filter(pk__in=found[model])
                    .exclude(**{f"{f.name}__isnull": True})
                    .values_list(f.attname, flat=True)
                )
                new = ids - found.get(f.related_model, set())
                if new:
                    found.setdefault(f.related_model, set()).update(new)
                    changed = True
    return found


def _value(obj, f, person_pk: int) -> object:
    if f.is_relation:
        related_id = getattr(obj, f.attname)
        if related_id is None:
            return None
        if f.related_model._meta.label == "clients.Client" and related_id != person_pk:
            return _("another person")
        related = getattr(obj, f.name)
        if hasattr(related, "display_name"):
            return related.display_name
        return str(related)
    value = getattr(obj, f.name)
    if getattr(f, "multiple", False) or isinstance(value, (list, tuple)):
        # several countries, languages, fields of action
        return ", ".join(str(getattr(item, "name", item)) for item in value or ())
    if f.choices and value not in (None, ""):
        return getattr(obj, f"get_{f.name}_display")()
    return value


def sections(client) -> list[Section]:
    """The person's data as sections of labelled rows (German labels under the active
    language)."""
    found = collect_ids(client)
    result = []
    order = [m for m in _models() if m in found]
    for model in order:
        meta = model._meta
        fields = [
            f
            for f in meta.concrete_fields
            if f.name not in HIDDEN_FIELDS and not f.name.endswith("_ptr")
        ]
        m2m = [f for f in meta.many_to_many]
        section = Section(label=str(meta.verbose_name_plural), model_label=meta.label)
        queryset = model._default_manager.filter(pk__in=found[model]).order_by("pk")
        for obj in queryset:
            row = [(f.name, str(f.verbose_name), _value(obj, f, client.pk)) for f in fields]
            for f in m2m:
                values = [
                    _("another person")
                    if f.related_model._meta.label == "clients.Client" and r.pk != client.pk
                    else str(r)
                    for r in getattr(obj, f.name).all()
                ]
                row.append((f.name, str(f.verbose_name), ", ".join(values)))
            section.rows.append(row)
        result.append(section)
    return result


def jsonable(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, dict, str, int, float, bool)) or value is None:
        return value
    return str(value)
