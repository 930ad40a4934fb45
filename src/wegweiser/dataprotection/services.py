"""Writes and logged reads of the data protection features."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_case_event
from wegweiser.dataprotection import auskunft, rules

FORMATS = ("json", "pdf")


@transaction.atomic
def auskunft_export(*, actor, case, fmt: str, reference: str = "") -> tuple[bytes, str, str]:
    """The Auskunft about the person of ``case`` as JSON or PDF: (content, file name, MIME
    type). The export is logged on the person's file (and so appears in the next Auskunft)."""
    if case.kreis_id != actor.kreis_id:
        raise Http404
    if not rules.may_export(actor, case):
        raise PermissionDenied
    if fmt not in FORMATS:
        raise ValidationError(_("Please choose JSON or PDF."))
    reference = (reference or "").strip()
    if rules.is_dpo(actor) and len(reference) < 3:
        raise ValidationError(
            {"reference": _("Please enter the reference of the request (at least 3 characters).")}
        )
    audit_case_event(
        actor=actor,
        action="dataprotection.auskunft.exported",
        case=case,
        data={"format": fmt, "reference": bool(reference)},
    )
    data = auskunft.build(case.client)
    if fmt == "json":
        return auskunft.to_json(data), auskunft.file_name(case.client, "json"), "application/json"
    return (
        auskunft.to_pdf(data, reference=reference),
        auskunft.file_name(case.client, "pdf"),
        "application/pdf",
    )
