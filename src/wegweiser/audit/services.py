"""Writing to the audit log. Every service calls ``audit_record`` inside its transaction."""

from __future__ import annotations

from typing import Any

from wegweiser.audit.models import AuditEntry
from wegweiser.core.context import current_ip


def audit_record(
    *,
    actor,
    action: str,
    obj: Any = None,
    kreis=None,
    client=None,
    case=None,
    data: dict | None = None,
) -> AuditEntry:
    """Append one entry. ``data`` holds field names and codes, never personal data values."""
    entry = _entry(
        actor=actor,
        action=action,
        obj=obj,
        kreis_id=_kreis_id(kreis, obj, actor),
        client=client,
        case=case,
        ip=current_ip(),
        data=data,
    )
    entry.save()
    return entry


def _kreis_id(kreis, obj, actor) -> int | None:
    """The county of the entry: the one given, else the object's, else the actor's. Read from the
    ``kreis_id`` column (loading the county row for it would cost a query per write)."""
    if kreis is not None:
        return kreis.pk
    for source in (obj, actor):
        kreis_id = getattr(source, "kreis_id", None) if source is not None else None
        if kreis_id is not None:
            return kreis_id
    return None


def _entry(*, actor, action, obj, kreis_id, client, case, ip, data) -> AuditEntry:
    return AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=getattr(actor, "email", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_uuid=getattr(obj, "uuid", None) if obj is not None else None,
        kreis_id=kreis_id,
        client_uuid=getattr(client, "uuid", None),
        case_uuid=getattr(case, "uuid", None),
        ip=ip,
        data=data or {},
    )


def audit_case_event(*, actor, action: str, case, obj=None, data: dict | None = None) -> AuditEntry:
    """An entry about a case file (and so about its person): shown on the case's timeline."""
    return audit_record(
        actor=actor, action=action, obj=obj or case, client=case.client, case=case, data=data
    )


def audit_case_views(*, actor, cases_and_clients, part: str) -> int:
    """One "case viewed" entry per (case, person) in one insert: a list page that shows many
    persons (the API's person list) logs each of them without a query per person. A person
    without a visible case is logged as "person viewed"."""
    ip = current_ip()
    entries = [
        _entry(
            actor=actor,
            action="clients.case.viewed" if case is not None else "clients.client.viewed",
            obj=case if case is not None else client,
            kreis_id=client.kreis_id,
            client=client,
            case=case,
            ip=ip,
            data={"part": part},
        )
        for case, client in cases_and_clients
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)
