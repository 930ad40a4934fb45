"""Erasure of a person: their data is anonymised everywhere, and the counts stay.

Every row that belongs to the person is found by the same walk over the schema as the Auskunft
(``records.collect_ids``; the household only when nobody else lives in it; sessions of other
people's case files are not touched, the person's attendance there stays as a count). In every
such row:

- free text, names, contact data and search columns are emptied (a required field gets
  "gelöscht"), encrypted notes too, JSON (plan snapshots, lists) is emptied;
- codes (every field with choices), numbers, flags, the dates of the case work (sessions,
  consent, opening and closing) and every link stay, so the figures and rollups count as before;
- of the person themselves, what the figures group by stays coarse: gender, year of birth,
  nationalities, residence status, the month of arrival; the date of birth goes, as do the
  municipality and every name.

Audit entries about the person are redacted, never deleted: their codes, times and actors stay,
any other text in their data is replaced. Rows are changed with queryset updates, so no service
side effect (versions, rollups, audit per field) runs; the erasure writes one audit entry of its
own, without personal data. Decision record 0010.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from wegweiser.audit.models import AuditEntry
from wegweiser.audit.services import audit_record
from wegweiser.dataprotection.records import collect_ids

ERASED = "gelöscht"
# What stays of the person for the figures (besides codes, numbers, flags and links).
PERSON_KEEPS = frozenset({"birth_year", "nationalities", "arrival_date"})
# Dates that identify: emptied wherever they stand.
IDENTIFYING_DATES = frozenset({("clients.Client", "birth_date")})
# Identifiers that are not personal and must stay unique (the case number).
KEPT = frozenset({("clients.Case", "number")})
# Bookkeeping that is neither personal nor free text.
NEVER_TOUCHED = frozenset({"id", "uuid", "kreis", "created_at", "updated_at", "version"})
# A value in audit data that is a code (kept): letters, digits, dots, dashes, underscores.
_CODE = re.compile(r"^[A-Za-z0-9_.:-]{0,64}$")
REDACTED = "[entfernt]"


@dataclass
class ErasureReport:
    rows: dict[str, int] = field(default_factory=dict)
    audit_entries: int = 0


def _constrained_fields(model) -> set[str]:
    """Fields named in the model's check constraints (an empty value might break them)."""
    names: set[str] = set()

    def walk(node):
        for child in getattr(node, "children", ()):
            if isinstance(child, tuple):
                names.add(child[0].split("__")[0])
            else:
                walk(child)

    for constraint in model._meta.constraints:
        condition = getattr(constraint, "condition", None)
        if isinstance(constraint, models.CheckConstraint) and condition is not None:
            walk(condition)
    return names


def _erased_value(f: models.Field, constrained: set[str]):
    if isinstance(f, models.JSONField):
        default = f.get_default()
        return type(default)() if isinstance(default, (list, dict)) else None
    if isinstance(f, (models.CharField, models.TextField)):
        if f.blank and f.name not in constrained:
            return ""
        return ERASED[: f.max_length or None]
    return None


def _changes(model, label: str) -> dict[str, object]:
    changes = {}
    constrained = _constrained_fields(model)
    for f in model._meta.concrete_fields:
        if f.is_relation and f.null and f.related_model._meta.label == "organisations.Municipality":
            changes[f.name] = None  # where the person lives or meets
            continue
        if f.name in NEVER_TOUCHED or f.primary_key or f.is_relation or (label, f.name) in KEPT:
            continue
        if (label, f.name) in IDENTIFYING_DATES:
            changes[f.name] = None
            continue
        if label == "clients.Client" and f.name in PERSON_KEEPS:
            continue
        if f.choices and not getattr(f, "multiple", False):
            continue  # a code (status, channel, gender, ...)
        if isinstance(f, (models.CharField, models.TextField, models.JSONField)):
            changes[f.name] = _erased_value(f, constrained)
    return changes


def _household_alone(client) -> bool:
    from wegweiser.clients.models import Client

    if client.household_id is None:
        return False
    # Members erased before count as gone: the last one to be erased takes the household along.
    others = (
        Client.objects.filter(household_id=client.household_id)
        .exclude(pk=client.pk)
        .exclude(given_names=ERASED, family_name=ERASED)
    )
    return not others.exists()


def _redact_audit(client, case_uuids) -> int:
    entries = AuditEntry.objects.filter(Q(client_uuid=client.uuid) | Q(case_uuid__in=case_uuids))
    count = 0
    if connection.vendor == "postgresql":
        # The append-only trigger (audit/sql.py) lets this transaction redact, nothing else.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL wegweiser.audit_redaction = 'on'")
    for entry in entries.only("pk", "data").iterator():
        data = entry.data or {}
        redacted = {
            key: value if not isinstance(value, str) or _CODE.match(value) else REDACTED
            for key, value in data.items()
        }
        # Entries are immutable through the model; redaction is the one permitted change.
        AuditEntry.objects.filter(pk=entry.pk).update(data={**redacted, "redacted": True})
        count += 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL wegweiser.audit_redaction = 'off'")
    return count


@transaction.atomic
def erase_person(*, actor, client, reason: str) -> ErasureReport:
    """Anonymise the person everywhere (see the module docstring). ``reason`` is a code such as
    ``retention.case_closed``."""
    from wegweiser.clients.models import Case, Client

    outward = (("clients.Client", "household"),) if _household_alone(client) else ()
    found = collect_ids(client, outward=outward)
    case_uuids = list(Case.objects.filter(client=client).values_list("uuid", flat=True))
    report = ErasureReport()
    for model, ids in found.items():
        label = model._meta.label
        changes = _changes(model, label)
        if model is Client:
            changes["given_names"] = ERASED
            changes["family_name"] = ERASED
            if client.arrival_date:
                changes["arrival_date"] = client.arrival_date.replace(day=1)
        if changes:
            model._default_manager.filter(pk__in=ids).update(**changes)
        report.rows[label] = len(ids)
    report.audit_entries = _redact_audit(client, case_uuids)
    audit_record(
        actor=actor,
        action="dataprotection.person.erased",
        obj=client,
        client=client,
        data={"reason": reason, "rows": sum(report.rows.values())},
    )
    return report


@transaction.atomic
def erase_volunteer(*, actor, volunteer, reason: str) -> ErasureReport:
    """Anonymise a volunteer who left: the profile, the checks' and training's free text, the
    uploaded certificates, the notes of their logged hours, their user account. What they did
    (tandems, hours, training attended) stays as counts."""
    from wegweiser.accounts.models import User
    from wegweiser.funding.models import Document
    from wegweiser.volunteers.models import Activity, Qualification, Volunteer

    report = ErasureReport()
    changes = _changes(Volunteer, "volunteers.Volunteer")
    changes.update(given_name=ERASED, family_name=ERASED)
    Volunteer.objects.filter(pk=volunteer.pk).update(**changes)
    volunteer.municipalities.clear()
    report.rows["volunteers.Volunteer"] = 1
    certificates = list(
        Qualification.objects.filter(volunteer=volunteer, certificate__isnull=False).values_list(
            "certificate_id", flat=True
        )
    )
    Document.objects.filter(pk__in=certificates).update(name=ERASED, content=b"", size=0, sha256="")
    report.rows["funding.Document"] = len(certificates)
    report.rows["volunteers.Activity"] = Activity.objects.filter(volunteer=volunteer).update(
        note=""
    )
    if volunteer.user_id:
        from allauth.account.models import EmailAddress

        from wegweiser.accounts.models import ApiToken
        from wegweiser.accounts.services import end_sessions

        user = User.objects.get(pk=volunteer.user_id)
        User.objects.filter(pk=user.pk).update(
            first_name=ERASED,
            last_name="",
            email=f"geloescht-{volunteer.uuid}@invalid.example",
            is_active=False,
        )
        EmailAddress.objects.filter(user_id=user.pk).delete()
        ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        end_sessions(user)
        report.rows["accounts.User"] = 1
    audit_record(
        actor=actor,
        action="dataprotection.volunteer.erased",
        obj=volunteer,
        data={"reason": reason, "rows": sum(report.rows.values())},
    )
    return report
