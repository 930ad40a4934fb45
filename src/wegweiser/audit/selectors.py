"""Reads of the audit log: the county's log for administrators, a case's changes for the
timeline."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from wegweiser.audit.models import AuditEntry

# Actions shown on a case's timeline (changes, not reads or logins).
TIMELINE_PREFIXES = (
    "clients.case.opened",
    "clients.case.updated",
    "clients.case.closed",
    "clients.client.created",
    "clients.client.updated",
    "clients.consent.",
    "counselling.session.updated",
    "plans.",
    "referrals.",
)


def case_timeline_entries(case) -> QuerySet[AuditEntry]:
    prefix_q = Q()
    for prefix in TIMELINE_PREFIXES:
        prefix_q |= Q(action__startswith=prefix)
    return (
        AuditEntry.objects.filter(kreis_id=case.kreis_id)
        .filter(Q(case_uuid=case.uuid) | Q(client_uuid=case.client.uuid, case_uuid__isnull=True))
        .filter(prefix_q)
        .select_related("actor")
        .order_by("-at", "-pk")
    )


def audit_log(
    *,
    user,
    actor=None,
    client_uuids=None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    action: str = "",
) -> QuerySet[AuditEntry]:
    if not (user.reads_audit_log and user.kreis_id):
        raise PermissionDenied
    qs = AuditEntry.objects.filter(kreis_id=user.kreis_id).select_related("actor")
    if actor is not None:
        qs = qs.filter(actor=actor)
    if client_uuids is not None:
        qs = qs.filter(client_uuid__in=client_uuids)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    if action:
        qs = qs.filter(action__startswith=action)
    return qs.order_by("-at", "-pk")
