"""Writes and logged reads of the data protection features."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_case_event
from wegweiser.dataprotection import auskunft, rules
from wegweiser.dataprotection.models import Restriction

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


@transaction.atomic
def restriction_set(*, actor, case, reason: str, requested_on) -> Restriction:
    """Restrict the processing of the person's data (Art. 18 GDPR) on their request."""
    if case.kreis_id != actor.kreis_id:
        raise Http404
    if not rules.may_restrict(actor, case):
        raise PermissionDenied
    reason = (reason or "").strip()
    errors = {}
    if len(reason) < 10:
        errors["reason"] = _("Please state the reason in at least 10 characters.")
    if requested_on is None:
        errors["requested_on"] = _("Please enter the date of the request.")
    elif requested_on > timezone.localdate():
        errors["requested_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    if Restriction.objects.filter(client_id=case.client_id, lifted_at__isnull=True).exists():
        raise ValidationError(_("The processing of this person's data is already restricted."))
    restriction = Restriction(
        kreis_id=case.kreis_id,
        client_id=case.client_id,
        reason=reason,
        requested_on=requested_on,
        set_by=actor,
    )
    restriction.full_clean()
    restriction.save()
    audit_case_event(actor=actor, action="dataprotection.restriction.set", case=case)
    return restriction


@transaction.atomic
def restriction_lift(*, actor, case) -> Restriction:
    """Lift the standing restriction of the person of ``case`` (data protection officer)."""
    if case.kreis_id != actor.kreis_id:
        raise Http404
    if not rules.may_lift(actor, case):
        raise PermissionDenied
    restriction = (
        Restriction.objects.select_for_update()
        .filter(client_id=case.client_id, lifted_at__isnull=True)
        .first()
    )
    if restriction is None:
        raise ValidationError(_("The processing of this person's data is not restricted."))
    restriction.lifted_at = timezone.now()
    restriction.lifted_by = actor
    restriction.save(update_fields=["lifted_at", "lifted_by", "updated_at"])
    audit_case_event(actor=actor, action="dataprotection.restriction.lifted", case=case)
    return restriction
