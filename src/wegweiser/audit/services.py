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
    if kreis is None and obj is not None:
        kreis = getattr(obj, "kreis", None)
    if kreis is None and actor is not None:
        kreis = getattr(actor, "kreis", None)
    entry = AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=getattr(actor, "email", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_uuid=getattr(obj, "uuid", None) if obj is not None else None,
        kreis=kreis,
        client_uuid=getattr(client, "uuid", None),
        case_uuid=getattr(case, "uuid", None),
        ip=current_ip(),
        data=data or {},
    )
    entry.save()
    return entry


def audit_case_event(*, actor, action: str, case, obj=None, data: dict | None = None) -> AuditEntry:
    """An entry about a case file (and so about its person): shown on the case's timeline."""
    return audit_record(
        actor=actor, action=action, obj=obj or case, client=case.client, case=case, data=data
    )
