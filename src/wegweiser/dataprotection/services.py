"""Writes and logged reads of the data protection features."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_case_event, audit_record
from wegweiser.dataprotection import auskunft, erasure, retention, rules
from wegweiser.dataprotection.models import (
    ErasureProposal,
    PersonRevision,
    ProposalStatus,
    Restriction,
    RetentionKind,
    RetentionRule,
)

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


@transaction.atomic
def retention_rule_set(*, actor, kind: str, months: int | None) -> RetentionRule:
    """Set how many months the county keeps data after its purpose ended."""
    if not rules.may_manage_retention(actor):
        raise PermissionDenied
    if kind not in RetentionKind.values or kind == RetentionKind.REQUEST:
        raise ValidationError({"kind": _("Please choose a rule.")})
    if months is None or not 1 <= months <= 240:
        raise ValidationError({"months": _("Please enter between 1 and 240 months.")})
    rule, _created = RetentionRule.objects.update_or_create(
        kreis_id=actor.kreis_id, kind=kind, defaults={"months": months, "changed_by": actor}
    )
    audit_record(
        actor=actor,
        action="dataprotection.retention.rule_set",
        obj=rule,
        data={"kind": kind, "months": months},
    )
    return rule


@transaction.atomic
def proposal_decide(
    *, actor, proposal: ErasureProposal, erase: bool, keep_reason: str = ""
) -> ErasureProposal:
    """Confirm the erasure of a proposal (the person or volunteer is anonymised now) or keep the
    data with a reason (for example a legal hold). A kept proposal can be erased later."""
    if proposal.kreis_id != actor.kreis_id:
        raise Http404
    if not rules.may_manage_retention(actor):
        raise PermissionDenied
    fresh = ErasureProposal.objects.select_for_update().get(pk=proposal.pk)
    if fresh.status == ProposalStatus.ERASED:
        raise ValidationError(_("This has already been erased."))
    keep_reason = (keep_reason or "").strip()
    if not erase and len(keep_reason) < 10:
        raise ValidationError(
            {"keep_reason": _("Please state why the data is kept (at least 10 characters).")}
        )
    if erase:
        if not retention.still_due(fresh, timezone.localdate()):
            raise ValidationError(
                _(
                    "This is no longer due for erasure (a new case file, session, consent or "
                    "restriction since the proposal). Please keep it or wait for the next run."
                )
            )
        if fresh.client_id:
            erasure.erase_person(actor=actor, client=fresh.client, reason=f"retention.{fresh.kind}")
        else:
            erasure.erase_volunteer(
                actor=actor, volunteer=fresh.volunteer, reason=f"retention.{fresh.kind}"
            )
    fresh.status = ProposalStatus.ERASED if erase else ProposalStatus.KEPT
    fresh.keep_reason = "" if erase else keep_reason
    fresh.decided_by = actor
    fresh.decided_at = timezone.now()
    fresh.full_clean()
    fresh.save()
    audit_record(
        actor=actor,
        action="dataprotection.retention.decided",
        obj=fresh,
        data={"kind": fresh.kind, "status": fresh.status},
    )
    return fresh


def retention_scan_all(today=None) -> dict[str, int]:
    """The nightly job: new proposals in every county (``manage.py daily``)."""
    from wegweiser.organisations.models import Kreis

    today = today or timezone.localdate()
    return {kreis.ags: retention.scan(kreis.pk, today) for kreis in Kreis.objects.order_by("ags")}


def person_revision_record(*, actor, client, previous: dict, changed: list[str]) -> PersonRevision:
    """Keep the values a change of personal data replaced (called by ``client_update`` inside
    its transaction, after its rights check)."""
    from wegweiser.dataprotection.records import jsonable

    revision = PersonRevision(
        kreis_id=client.kreis_id,
        client=client,
        changed_by=actor,
        previous={
            name: jsonable(getattr(previous[name], "pk", previous[name]))
            if not isinstance(previous[name], list)
            else [str(getattr(v, "code", v)) for v in previous[name]]
            for name in changed
        },
    )
    revision.save()
    return revision


@transaction.atomic
def erasure_request_record(*, actor, case) -> ErasureProposal:
    """The person asks for erasure (Art. 17 GDPR): the data protection officer records it as a
    proposal, which the county administration or the DPO confirms like any other. The person's
    case files must be closed first, and a restriction must be lifted."""
    from wegweiser.clients.models import Case
    from wegweiser.clients.rules import client_restricted

    if case.kreis_id != actor.kreis_id:
        raise Http404
    if not rules.is_dpo(actor):
        raise PermissionDenied
    if Case.objects.filter(client_id=case.client_id, closed_on__isnull=True).exists():
        raise ValidationError(
            _("Please have the case file closed first (reason: at the client's wish).")
        )
    if client_restricted(case.client_id):
        raise ValidationError(_("The processing is restricted; please lift the restriction first."))
    proposal = ErasureProposal.objects.select_for_update().filter(client_id=case.client_id).first()
    if proposal is not None and proposal.status == ProposalStatus.ERASED:
        raise ValidationError(_("This has already been erased."))
    if proposal is None:
        proposal = ErasureProposal(kreis_id=case.kreis_id, client_id=case.client_id)
    proposal.kind = RetentionKind.REQUEST
    proposal.status = ProposalStatus.PENDING
    proposal.due_since = timezone.localdate()
    proposal.keep_reason = ""
    proposal.decided_by = None
    proposal.decided_at = None
    proposal.full_clean()
    proposal.save()
    audit_case_event(actor=actor, action="dataprotection.erasure.requested", case=case)
    return proposal
