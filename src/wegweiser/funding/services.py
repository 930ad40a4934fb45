"""Every write of the funding administration. Keyword-only, one transaction each, rights from
funding.rules, an audit entry per step (codes and amounts, never personal data). Money is Decimal.

The order of a programme: the authority creates it, loads basis data, computes and publishes the
planning frame; counties apply up to their frame before the deadline (or an extension), the
authority asks for corrections, grants (payouts in instalments) or refuses; the county records
pass-through to providers and submits the proof of use (figures from the case work, money spent,
narrative report); unspent money gives the reclaim."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_record
from wegweiser.core.dates import add_months
from wegweiser.core.services import lock_for_update
from wegweiser.funding import allocation, rules
from wegweiser.funding.models import (
    Application,
    ApplicationStatus,
    DeadlineExtension,
    Document,
    FrameEntry,
    PassThrough,
    Payout,
    ProgrammeStatus,
    ProofOfUse,
    ProofStatus,
)
from wegweiser.funding.selectors import format_amount

CENT = Decimal("0.01")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# File types accepted for signed forms and reports, recognised by their first bytes.
_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def _money(value) -> Decimal:
    if value is None:
        raise ValidationError(_("Please enter an amount."))
    amount = Decimal(value)
    if amount < 0:
        raise ValidationError(_("An amount cannot be negative."))
    if amount != amount.quantize(CENT):
        raise ValidationError(_("Amounts are given in euros and cents."))
    return amount.quantize(CENT)


# --- documents --------------------------------------------------------------------------------


def document_store(*, actor, land_id: int, kreis_id: int | None, name: str, content: bytes):
    """Keep an uploaded PDF, PNG or JPEG (at most 10 MB)."""
    if not content:
        raise ValidationError(_("The file is empty."))
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    content_type = next((t for sig, t in _SIGNATURES.items() if content.startswith(sig)), None)
    if content_type is None:
        raise ValidationError(_("Please upload a PDF, PNG or JPEG file."))
    document = Document(
        land_id=land_id,
        kreis_id=kreis_id,
        name=(name or "dokument").replace("\n", " ")[:200],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=actor,
    )
    document.full_clean()
    document.save()
    audit_record(
        actor=actor,
        action="funding.document.uploaded",
        obj=document,
        data={"size": len(content), "type": content_type},
    )
    return document


# --- applications -----------------------------------------------------------------------------


def frame_amount(programme, kreis_id: int) -> Decimal | None:
    """The county's amount in the published planning frame of the programme."""
    entry = (
        FrameEntry.objects.filter(
            frame__programme=programme, frame__published_at__isnull=False, kreis_id=kreis_id
        )
        .order_by("-frame__published_at")
        .first()
    )
    return entry.amount if entry else None


def deadline_for(programme, kreis_id: int) -> dt.date:
    extension = DeadlineExtension.objects.filter(programme=programme, kreis_id=kreis_id).first()
    if extension is not None and extension.until > programme.application_deadline:
        return extension.until
    return programme.application_deadline


@transaction.atomic
def application_save(
    *,
    actor,
    programme,
    amount,
    posts,
    planned_uses: str,
    pass_throughs: list[dict] | None = None,
    signed_form: Document | None = None,
    version: int | None = None,
) -> Application:
    """Create or change the county's application while it is a draft or sent back for
    correction. ``pass_throughs``: ``[{"organisation": Organisation|None, "recipient_name": str,
    "planned": Decimal}]`` replaces the list."""
    if not rules.can_apply(actor):
        raise PermissionDenied
    rules.require_programme(actor, programme)
    if programme.status != ProgrammeStatus.PUBLISHED:
        raise ValidationError(_("This programme accepts no applications."))
    existing = Application.objects.filter(programme=programme, kreis_id=actor.kreis_id).first()
    if existing is not None:
        application = lock_for_update(existing, expected_version=version)
        if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.CORRECTION):
            raise ValidationError(_("The application has been submitted and cannot be changed."))
        application.version += 1
    else:
        application = Application(programme=programme, kreis_id=actor.kreis_id)
    errors = {}
    try:
        application.amount = _money(amount)
    except ValidationError as exc:
        errors["amount"] = exc.messages[0]
    try:
        application.posts = Decimal(posts or 0).quantize(CENT)
        if application.posts < 0 or application.posts > 1000:
            raise ValueError
    except (ValueError, ArithmeticError):
        errors["posts"] = _("Please enter the posts as a number between 0 and 1000.")
    application.planned_uses = (planned_uses or "").strip()
    if not application.planned_uses:
        errors["planned_uses"] = _("Please describe the planned uses.")
    if signed_form is not None:
        application.signed_form = signed_form
    rows = pass_throughs or []
    total_passed = Decimal("0")
    for index, row in enumerate(rows, start=1):
        if not (row.get("recipient_name") or "").strip() and row.get("organisation") is None:
            errors.setdefault(
                "pass_throughs", _("Row %(n)s: please name the recipient.") % {"n": index}
            )
        try:
            total_passed += _money(row.get("planned"))
        except ValidationError as exc:
            errors.setdefault(
                "pass_throughs",
                _("Row %(n)s: %(message)s") % {"n": index, "message": exc.messages[0]},
            )
    if "amount" not in errors and total_passed > application.amount:
        errors["pass_throughs"] = _(
            "The amounts passed on (%(passed)s EUR) exceed the amount applied for."
        ) % {"passed": f"{total_passed:.2f}"}
    if errors:
        raise ValidationError(errors)
    application.full_clean()
    application.save()
    PassThrough.objects.filter(application=application).delete()
    PassThrough.objects.bulk_create(
        [
            PassThrough(
                kreis_id=application.kreis_id,
                application=application,
                organisation=row.get("organisation"),
                recipient_name=(
                    (row.get("recipient_name") or "").strip() or str(row.get("organisation"))
                )[:200],
                planned=_money(row.get("planned")),
            )
            for row in rows
        ]
    )
    audit_record(
        actor=actor,
        action="funding.application.saved",
        obj=application,
        data={"amount": str(application.amount), "pass_throughs": len(rows)},
    )
    return application


@transaction.atomic
def application_submit(
    *, actor, application: Application, version: int | None, today: dt.date | None = None
) -> Application:
    rules.require_application(actor, application, edit=True)
    fresh = lock_for_update(application, expected_version=version)
    today = today or timezone.localdate()
    programme = fresh.programme
    if fresh.status not in (ApplicationStatus.DRAFT, ApplicationStatus.CORRECTION):
        raise ValidationError(_("The application has already been submitted."))
    deadline = deadline_for(programme, fresh.kreis_id)
    if today > deadline:
        raise ValidationError(
            _(
                "The application deadline (%(date)s) has passed. The funding authority can "
                "extend it for your county."
            )
            % {"date": deadline.strftime("%d.%m.%Y")}
        )
    limit = frame_amount(programme, fresh.kreis_id)
    if limit is None:
        raise ValidationError(_("There is no published planning frame for your county."))
    if fresh.amount > limit:
        raise ValidationError(
            {
                "amount": _("The amount exceeds your county's planning frame of %(limit)s EUR.")
                % {"limit": format_amount(limit)}
            }
        )
    if fresh.signed_form_id is None:
        raise ValidationError({"signed_form": _("Please upload the signed application form.")})
    fresh.status = ApplicationStatus.SUBMITTED
    fresh.submitted_at = timezone.now()
    fresh.submitted_by = actor
    fresh.version += 1
    fresh.save()
    audit_record(
        actor=actor,
        action="funding.application.submitted",
        obj=fresh,
        data={"amount": str(fresh.amount)},
    )
    return fresh


@transaction.atomic
def deadline_extend(*, actor, programme, kreis, until: dt.date, reason: str):
    rules.require_authority(actor, programme.land_id)
    if kreis.land_id != programme.land_id:
        raise ValidationError(_("The county does not belong to the programme's state."))
    if until is None or until <= programme.application_deadline:
        raise ValidationError({"until": _("The new deadline must lie after the deadline.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give a reason.")})
    extension, _created = DeadlineExtension.objects.update_or_create(
        programme=programme,
        kreis=kreis,
        defaults={"until": until, "reason": reason.strip(), "granted_by": actor},
    )
    audit_record(
        actor=actor,
        action="funding.deadline.extended",
        obj=programme,
        kreis=kreis,
        data={"until": until.isoformat()},
    )
    return extension


def _decide(actor, application: Application, version: int | None) -> Application:
    rules.require_authority(actor, application.programme.land_id)
    fresh = lock_for_update(application, expected_version=version)
    if fresh.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be decided."))
    return fresh


@transaction.atomic
def application_request_correction(
    *, actor, application: Application, version: int | None, note: str
) -> Application:
    fresh = _decide(actor, application, version)
    if not (note or "").strip():
        raise ValidationError({"note": _("Please say what needs to be corrected.")})
    fresh.status = ApplicationStatus.CORRECTION
    fresh.authority_note = note.strip()
    fresh.version += 1
    fresh.save()
    audit_record(actor=actor, action="funding.application.correction", obj=fresh)
    return fresh


@transaction.atomic
def application_refuse(
    *, actor, application: Application, version: int | None, note: str
) -> Application:
    fresh = _decide(actor, application, version)
    if not (note or "").strip():
        raise ValidationError({"note": _("Please give the reasons for the refusal.")})
    fresh.status = ApplicationStatus.REFUSED
    fresh.authority_note = note.strip()
    fresh.decided_at = timezone.now()
    fresh.decided_by = actor
    fresh.version += 1
    fresh.save()
    audit_record(actor=actor, action="funding.application.refused", obj=fresh)
    return fresh


def instalments(amount: Decimal, count: int) -> list[Decimal]:
    """Equal instalments in cents; the last takes what the division leaves."""
    share = (amount / count).quantize(CENT, rounding=ROUND_DOWN)
    parts = [share] * (count - 1)
    parts.append(amount - share * (count - 1))
    return parts


@transaction.atomic
def application_grant(
    *,
    actor,
    application: Application,
    version: int | None,
    amount,
    note: str = "",
    first_due: dt.date | None = None,
) -> Application:
    """Grant (up to the amount applied for) and plan the payouts in the programme's number of
    instalments, spread over the funding period."""
    fresh = _decide(actor, application, version)
    granted = _money(amount)
    if granted <= 0:
        raise ValidationError({"amount": _("A grant needs an amount above zero.")})
    if granted > fresh.amount:
        raise ValidationError({"amount": _("The grant cannot exceed the amount applied for.")})
    programme = fresh.programme
    fresh.status = ApplicationStatus.GRANTED
    fresh.granted_amount = granted
    fresh.authority_note = (note or "").strip()
    fresh.decided_at = timezone.now()
    fresh.decided_by = actor
    fresh.version += 1
    fresh.save()
    count = programme.instalments
    start = first_due or max(programme.period_start, timezone.localdate())
    # Equal steps over the funding period, none due after its end (a late grant pays the rest
    # on the last day of the period).
    months = (
        (programme.period_end.year - programme.period_start.year) * 12
        + programme.period_end.month
        - programme.period_start.month
        + 1
    )
    step = max(months // count, 1)
    Payout.objects.bulk_create(
        [
            Payout(
                kreis_id=fresh.kreis_id,
                application=fresh,
                number=n,
                amount=part,
                due_on=max(start, min(add_months(start, (n - 1) * step), programme.period_end)),
            )
            for n, part in enumerate(instalments(granted, count), start=1)
        ]
    )
    audit_record(
        actor=actor,
        action="funding.application.granted",
        obj=fresh,
        data={"amount": str(granted), "instalments": count},
    )
    return fresh


@transaction.atomic
def payout_mark_paid(*, actor, payout: Payout, paid_on: dt.date) -> Payout:
    rules.require_authority(actor, payout.application.programme.land_id)
    fresh = Payout.objects.select_for_update().get(pk=payout.pk)
    if fresh.paid_on is not None:
        raise ValidationError(_("This instalment has already been paid."))
    if paid_on is None or paid_on > timezone.localdate():
        raise ValidationError(
            {"paid_on": _("Please enter the date of payment (not in the future).")}
        )
    fresh.paid_on = paid_on
    fresh.paid_by = actor
    fresh.save()
    audit_record(
        actor=actor,
        action="funding.payout.paid",
        obj=fresh.application,
        data={"number": fresh.number, "amount": str(fresh.amount)},
    )
    return fresh


@transaction.atomic
def pass_through_record(*, actor, pass_through: PassThrough, paid) -> PassThrough:
    """The county records what it has passed on to a provider so far."""
    rules.require_application(actor, pass_through.application, edit=True)
    if pass_through.application.status != ApplicationStatus.GRANTED:
        raise ValidationError(_("Funds can be passed on once the application has been granted."))
    fresh = PassThrough.objects.select_for_update().get(pk=pass_through.pk)
    fresh.paid = _money(paid)
    others = PassThrough.objects.filter(application=fresh.application).exclude(pk=fresh.pk)
    total = fresh.paid + sum((p.paid for p in others), Decimal("0"))
    if total > fresh.application.granted_amount:
        raise ValidationError({"paid": _("More would be passed on than was granted.")})
    fresh.save()
    audit_record(
        actor=actor,
        action="funding.pass_through.recorded",
        obj=fresh.application,
        data={"paid": str(fresh.paid)},
    )
    return fresh


def paid_total(application: Application) -> Decimal:
    return sum((p.amount for p in application.payouts.filter(paid_on__isnull=False)), Decimal("0"))


def proof_figures(application: Application) -> dict:
    """The key figures of the county for the funding period: from the case work and from the
    volunteer programme (``statistics.volunteer_figures``; its keys follow those of the case
    work in the same flat mapping)."""
    from wegweiser.statistics import volunteer_figures
    from wegweiser.statistics.figures import Period, Unit, compute

    programme = application.programme
    period = Period.months(programme.period_start, programme.period_end)
    unit = Unit("county", application.kreis_id)
    figures = compute(unit, period)[None]
    figures.update(volunteer_figures.compute(unit, period)[None])
    return {
        "period": [period.start.isoformat(), period.end.isoformat()],
        "figures": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in figures.items()},
    }


@transaction.atomic
def proof_submit(
    *, actor, application: Application, spent, narrative: Document | None
) -> ProofOfUse:
    """The proof of use: the figures of the funding period are taken from the case work and
    frozen; unspent money of what was paid out is to be paid back (reclaim)."""
    rules.require_application(actor, application, edit=True)
    fresh = Application.objects.select_for_update().get(pk=application.pk)
    if fresh.status != ApplicationStatus.GRANTED:
        raise ValidationError(_("A proof of use belongs to a granted application."))
    existing = ProofOfUse.objects.filter(application=fresh).first()
    if existing is not None and existing.status != ProofStatus.CORRECTION:
        raise ValidationError(_("The proof of use has already been submitted."))
    spent_amount = _money(spent)
    if spent_amount > (fresh.granted_amount or 0):
        raise ValidationError({"spent": _("More was spent than granted; please check the amount.")})
    if narrative is None and (existing is None or existing.narrative_id is None):
        raise ValidationError({"narrative": _("Please upload the narrative report.")})
    proof = existing or ProofOfUse(application=fresh, kreis_id=fresh.kreis_id)
    proof.spent = spent_amount
    proof.figures = proof_figures(fresh)
    if narrative is not None:
        proof.narrative = narrative
    proof.reclaim = max(paid_total(fresh) - spent_amount, Decimal("0"))
    proof.status = ProofStatus.SUBMITTED
    proof.submitted_at = timezone.now()
    proof.submitted_by = actor
    proof.full_clean()
    proof.save()
    audit_record(
        actor=actor,
        action="funding.proof.submitted",
        obj=fresh,
        data={"spent": str(spent_amount), "reclaim": str(proof.reclaim)},
    )
    return proof


@transaction.atomic
def proof_decide(*, actor, proof: ProofOfUse, accept: bool, note: str = "") -> ProofOfUse:
    rules.require_authority(actor, proof.application.programme.land_id)
    fresh = ProofOfUse.objects.select_for_update().get(pk=proof.pk)
    if fresh.status != ProofStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted proof of use can be decided."))
    if not accept and not (note or "").strip():
        raise ValidationError({"note": _("Please say what needs to be corrected.")})
    fresh.status = ProofStatus.ACCEPTED if accept else ProofStatus.CORRECTION
    fresh.authority_note = (note or "").strip()
    fresh.save()
    audit_record(
        actor=actor,
        action="funding.proof.accepted" if accept else "funding.proof.correction",
        obj=fresh.application,
        data={"reclaim": str(fresh.reclaim)},
    )
    return fresh


# --- programmes, basis data, planning frames ------------------------------------------------


def _allocation_error(exc) -> ValidationError:
    return ValidationError(exc.user_message())


def rule_of(programme) -> allocation.Rule:
    """The allocation rule of a programme (``AllocationError`` if it cannot be allocated)."""
    return allocation.Rule(
        budget=programme.budget,
        rounding=programme.rounding,
        weights={k: Decimal(str(v)) for k, v in (programme.weights or {}).items()},
        flat_per_body=programme.flat_per_body or Decimal("0"),
        per_post=programme.per_post,
        floor=programme.floor,
        cap=programme.cap,
        max_change=programme.max_change,
    )


PROGRAMME_FIELDS = (
    "name",
    "year",
    "period_start",
    "period_end",
    "budget",
    "purpose",
    "recipients",
    "application_deadline",
    "proof_deadline",
    "weights",
    "flat_per_body",
    "per_post",
    "floor",
    "cap",
    "max_change",
    "rounding",
    "previous",
    "instalments",
)


@transaction.atomic
def programme_save(*, actor, programme=None, basis=None, **fields):
    """Create or change a programme while it is a draft (its frame not yet published). The
    allocation key is checked at once, so that a programme that cannot be allocated is never
    saved."""
    from wegweiser.funding.models import Programme

    rules.require_authority(actor, programme.land_id if programme else None)
    if programme is not None:
        programme = lock_for_update(programme, expected_version=fields.pop("version", None))
        if programme.status != ProgrammeStatus.DRAFT:
            raise ValidationError(_("A published programme cannot be changed."))
        programme.version += 1
    else:
        fields.pop("version", None)
        programme = Programme(land_id=actor.land_id, created_by=actor)
    for name in PROGRAMME_FIELDS:
        if name in fields:
            setattr(programme, name, fields[name])
    if programme.previous_id and programme.previous.land_id != actor.land_id:
        raise ValidationError({"previous": _("Unknown programme.")})
    errors = {}
    if programme.period_start and programme.period_end:
        if programme.period_end < programme.period_start:
            errors["period_end"] = _("The funding period cannot end before it starts.")
    if programme.max_change is not None and programme.previous_id is None:
        errors["max_change"] = _("A change limit needs the previous year's programme.")
    if errors:
        raise ValidationError(errors)
    try:
        rule_of(programme)
    except allocation.AllocationError as exc:
        raise _allocation_error(exc) from None
    programme.full_clean()
    programme.save()
    if basis is not None:
        foreign = [b for b in basis if b.land_id != actor.land_id]
        if foreign:
            raise ValidationError({"basis": _("Unknown basis data.")})
        programme.basis.set(basis)
    audit_record(
        actor=actor,
        action="funding.programme.saved",
        obj=programme,
        data={"budget": str(programme.budget), "year": programme.year},
    )
    return programme


def _known_ags(land_id: int, day: dt.date) -> dict[str, object]:
    from wegweiser.organisations.models import Kreis

    return {k.ags: k for k in Kreis.objects.filter(land_id=land_id).valid_on(day)}


def _next_version(land_id: int, kind: str) -> int:
    from django.db.models import Max

    from wegweiser.funding.models import BasisDataset

    return (
        BasisDataset.objects.filter(land_id=land_id, kind=kind).aggregate(m=Max("version"))["m"]
        or 0
    ) + 1


@transaction.atomic
def basis_upload(
    *,
    actor,
    kind: str,
    reference_date: dt.date,
    source: str,
    data: bytes,
    file_name: str = "",
    period_start: dt.date | None = None,
):
    """A new version of basis data from a CSV or XLSX upload: every county of the Land valid at
    the reference date, nothing else; a bad file imports nothing (``BasisError`` lists rows)."""
    from wegweiser.funding.basis import parse_basis
    from wegweiser.funding.models import BasisDataset, BasisKind

    rules.require_authority(actor)
    errors = {}
    if kind not in BasisKind.values:
        errors["kind"] = _("Please choose the kind of basis data.")
    if reference_date is None:
        errors["reference_date"] = _("Please enter the reference date.")
    if not (source or "").strip():
        errors["source"] = _("Please name the source of the figures.")
    if period_start is not None and reference_date is not None and period_start > reference_date:
        errors["period_start"] = _("The reference period cannot start after it ends.")
    if errors:
        raise ValidationError(errors)
    known = _known_ags(actor.land_id, reference_date)
    parsed = parse_basis(data, known_ags=set(known), filename=file_name or None)
    dataset = BasisDataset(
        land_id=actor.land_id,
        kind=kind,
        version=_next_version(actor.land_id, kind),
        reference_date=reference_date,
        period_start=period_start,
        source=source.strip(),
        file_name=(file_name or "")[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        values={ags: str(value) for ags, value in parsed.values.items()},
        uploaded_by=actor,
    )
    dataset.full_clean()
    dataset.save()
    audit_record(
        actor=actor,
        action="funding.basis.uploaded",
        obj=dataset,
        data={"kind": kind, "version": dataset.version, "rows": parsed.rows},
    )
    return dataset


@transaction.atomic
def basis_from_reference(*, actor, reference_date: dt.date):
    """Basis data "inhabitants" from the shipped reference data (Statistisches Landesamt /
    Destatis) of the counties of the own Land at the reference date."""
    from wegweiser.funding.models import BasisDataset, BasisKind
    from wegweiser.organisations.models import Population

    rules.require_authority(actor)
    known = _known_ags(actor.land_id, reference_date)
    rows = list(
        Population.objects.filter(
            kreis__land_id=actor.land_id, reference_date=reference_date
        ).select_related("kreis")
    )
    values = {p.kreis.ags: str(p.inhabitants) for p in rows if p.kreis.ags in known}
    missing = sorted(set(known) - set(values))
    if not rows or missing:
        raise ValidationError(
            _("The reference data hold no inhabitants of every county on %(date)s.")
            % {"date": reference_date.strftime("%d.%m.%Y")}
        )
    dataset = BasisDataset.objects.create(
        land_id=actor.land_id,
        kind=BasisKind.INHABITANTS,
        version=_next_version(actor.land_id, BasisKind.INHABITANTS),
        reference_date=reference_date,
        source=rows[0].source[:300],
        values=values,
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action="funding.basis.loaded",
        obj=dataset,
        data={"kind": "inhabitants", "version": dataset.version},
    )
    return dataset


def _previous_amounts(programme) -> dict[str, Decimal] | None:
    if programme.previous_id is None:
        return None
    entries = FrameEntry.objects.filter(
        frame__programme_id=programme.previous_id, frame__published_at__isnull=False
    ).select_related("kreis", "frame")
    latest: dict[str, tuple] = {}
    for entry in entries:
        current = latest.get(entry.kreis.ags)
        if current is None or entry.frame.published_at > current[0]:
            latest[entry.kreis.ags] = (entry.frame.published_at, entry.amount)
    return {ags: amount for ags, (_when, amount) in latest.items()} or None


@transaction.atomic
def frame_compute(*, actor, programme):
    """Compute the planning frame of a draft programme from its basis data (the same code path
    as ``manage.py allocate``); it can be reviewed and computed again until it is published."""
    from wegweiser.funding.models import PlanningFrame

    rules.require_authority(actor, programme.land_id)
    programme = lock_for_update(programme, expected_version=None)
    if programme.status != ProgrammeStatus.DRAFT:
        raise ValidationError(_("The planning frame of this programme is already published."))
    datasets = list(programme.basis.all())
    bases: dict[str, dict[str, Decimal]] = {}
    for dataset in datasets:
        bases[dataset.kind] = dataset.decimal_values()
    if not bases:
        raise ValidationError(_("Please choose the basis data of the allocation first."))
    kreise = _known_ags(programme.land_id, programme.period_start)
    unknown = sorted(set().union(*[set(v) for v in bases.values()]) - set(kreise))
    if unknown:
        raise ValidationError(
            _("The basis data name counties that do not exist on %(date)s: %(ags)s.")
            % {"date": programme.period_start.strftime("%d.%m.%Y"), "ags": ", ".join(unknown)}
        )
    previous = _previous_amounts(programme)
    try:
        result = allocation.allocate(rule_of(programme), bases, previous=previous)
    except allocation.AllocationError as exc:
        raise _allocation_error(exc) from None
    frame = PlanningFrame.objects.create(
        programme=programme, computed_by=actor, trace=list(result.trace)
    )
    FrameEntry.objects.bulk_create(
        [
            FrameEntry(
                frame=frame,
                kreis=kreise[ags],
                amount=amount,
                exact=result.exact[ags].quantize(Decimal("0.0000000001")),
                previous_amount=(previous or {}).get(ags),
            )
            for ags, amount in result.amounts.items()
        ]
    )
    audit_record(
        actor=actor,
        action="funding.frame.computed",
        obj=programme,
        data={"bodies": len(result.amounts), "total": str(result.total)},
    )
    return frame


@transaction.atomic
def frame_publish(*, actor, frame):
    """Publish the reviewed planning frame: the counties see it and can apply."""
    rules.require_authority(actor, frame.programme.land_id)
    programme = lock_for_update(frame.programme, expected_version=None)
    if programme.status != ProgrammeStatus.DRAFT:
        raise ValidationError(_("The planning frame of this programme is already published."))
    latest = programme.frames.order_by("-computed_at", "-pk").first()
    if latest is None or latest.pk != frame.pk:
        raise ValidationError(_("Only the latest computed planning frame can be published."))
    frame.published_at = timezone.now()
    frame.published_by = actor
    frame.save()
    programme.status = ProgrammeStatus.PUBLISHED
    programme.version += 1
    programme.save()
    audit_record(actor=actor, action="funding.frame.published", obj=programme)
    return frame
