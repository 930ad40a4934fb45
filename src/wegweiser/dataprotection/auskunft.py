"""The Auskunft (Art. 15 GDPR): everything held about a person as JSON and as a readable German
PDF, with who accessed their case files and when (from the audit log). Pure functions; the
service checks the rights and logs the export."""

from __future__ import annotations

import json

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from wegweiser.audit.models import AuditEntry
from wegweiser.dataprotection.records import jsonable, sections

FORMAT_VERSION = 1


def access_log(client) -> list[dict]:
    """Every audit entry about the person or one of their case files, oldest first: when, who
    (name and role at the time as recorded), what."""
    from wegweiser.clients.models import Case
    from wegweiser.core.templatetags.ww import action_label

    case_uuids = list(Case.objects.filter(client=client).values_list("uuid", flat=True))
    entries = (
        AuditEntry.objects.filter(Q(client_uuid=client.uuid) | Q(case_uuid__in=case_uuids))
        .select_related("actor")
        .order_by("at", "id")
    )
    return [
        {
            "at": timezone.localtime(e.at),
            "who": (e.actor.display_name if e.actor else "") or e.actor_label or "System",
            "role": e.actor.get_role_display() if e.actor else "",
            "action": action_label(e.action),
            "code": e.action,
            "part": (e.data or {}).get("part", ""),
        }
        for e in entries
    ]


def build(client) -> dict:
    """The Auskunft as one structure: the person's sections and the access log (German labels)."""
    with translation.override("de"):
        return {
            "created_at": timezone.localtime(),
            "kreis": str(client.kreis),
            "person": client.full_name,
            "sections": sections(client),
            "access_log": access_log(client),
        }


def to_json(data: dict) -> bytes:
    document = {
        "format": "wegweiser-auskunft",
        "version": FORMAT_VERSION,
        "created_at": jsonable(data["created_at"]),
        "kreis": data["kreis"],
        "person": data["person"],
        "data": {
            s.model_label: [
                {name: jsonable(value) for name, _label, value in row} for row in s.rows
            ]
            for s in data["sections"]
        },
        "labels": {
            s.model_label: {
                "section": s.label,
                "fields": {name: label for name, label, _v in (s.rows[0] if s.rows else [])},
            }
            for s in data["sections"]
        },
        "access_log": [
            {key: jsonable(value) for key, value in entry.items()} for entry in data["access_log"]
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def to_pdf(data: dict, *, reference: str = "") -> bytes:
    from weasyprint import HTML

    with translation.override("de"):
        html = render_to_string(
            "dataprotection/auskunft_pdf.html", {**data, "reference": reference}
        )
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url, *args, **kwargs):
    raise ValueError("external resources are not allowed")


def file_name(client, extension: str) -> str:
    return f"auskunft-{str(client.uuid)[:8]}-{timezone.localdate():%Y%m%d}.{extension}"
