"""Every read of the funding administration that a view or the API needs (house style: the
writes are in ``services.py``). Each selector takes ``user=`` and answers only what that user may
see: another Land's (or county's) objects are ``Http404``, a missing right ``PermissionDenied``
(both from ``funding.rules``).

Shared by the authority's and the county's views; the names are stable:
``programme_list``, ``programme_get``, ``latest_frame``, ``published_frame``, ``frame_rows``,
``status_board``, ``application_get``, ``proof_get``, ``proof_figure_rows``, ``payout_rows``,
``basis_list``, ``basis_get``, ``basis_rows``, ``reference_dates``, ``counties``,
``document_download``, ``download_recorded``, ``format_eur``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from django.http import Http404

from wegweiser.funding import rules
from wegweiser.funding.models import (
    Application,
    BasisDataset,
    BasisKind,
    FrameEntry,
    Payout,
    PlanningFrame,
    Programme,
    ProofOfUse,
)

HUNDRED = Decimal("100")


def format_amount(amount) -> str:
    """An amount in German notation without the currency: ``1.234.567,00`` (``None`` -> "–").
    The one formatter of money in the funding app (pages, messages, forms, files)."""
    if amount is None:
        return "–"
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{'.'.join(groups)},{cents}"


def format_eur(amount) -> str:
    """German money format: ``1.234.567,00 €`` (``None`` -> "–")."""
    return "–" if amount is None else f"{format_amount(amount)} €"


def _uuid_get(queryset, uuid):
    try:
        return queryset.get(uuid=uuid)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None


# --- programmes ---------------------------------------------------------------------------------


def programme_list(*, user):
    """The programmes of the user's Land; a county sees only those with a published frame."""
    rules.require_view(user)
    qs = Programme.objects.filter(land_id=user.land_id)
    if not rules.is_authority(user):
        qs = qs.exclude(status="draft")
    return qs.order_by("-year", "name")


def programme_get(*, user, uuid) -> Programme:
    rules.require_view(user)
    programme = _uuid_get(Programme.objects.select_related("previous"), uuid)
    rules.require_programme(user, programme)
    return programme


def previous_candidates(*, user, programme: Programme | None = None):
    """Programmes of the Land that can be the previous year's programme of ``programme``."""
    rules.require_authority(user)
    qs = Programme.objects.filter(land_id=user.land_id)
    if programme is not None:
        qs = qs.exclude(pk=programme.pk)
    return qs.order_by("-year", "name")


# --- basis data ---------------------------------------------------------------------------------


def basis_list(*, user, kind: str | None = None):
    rules.require_authority(user)
    qs = BasisDataset.objects.filter(land_id=user.land_id).select_related("uploaded_by")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "-version")


def basis_by_kind(*, user) -> list[dict]:
    """Every kind of basis data with its versions (newest first)."""
    datasets = list(basis_list(user=user))
    return [
        {"kind": kind, "label": label, "versions": [d for d in datasets if d.kind == kind]}
        for kind, label in BasisKind.choices
    ]


def basis_get(*, user, uuid) -> BasisDataset:
    rules.require_authority(user)
    dataset = _uuid_get(BasisDataset.objects.select_related("uploaded_by"), uuid)
    rules.require_authority(user, dataset.land_id)
    return dataset


def basis_rows(dataset: BasisDataset) -> list[dict]:
    """The rows of a dataset with the county names (AGS order), and the total."""
    from wegweiser.organisations.models import Kreis

    names = dict(
        Kreis.objects.filter(land_id=dataset.land_id, ags__in=list(dataset.values)).values_list(
            "ags", "name"
        )
    )
    return [
        {"ags": ags, "name": names.get(ags, ""), "value": Decimal(value)}
        for ags, value in sorted(dataset.values.items())
    ]


def reference_dates(*, user) -> list:
    """Reference dates of the shipped inhabitants figures of the user's Land (newest first)."""
    from wegweiser.organisations.models import Population

    rules.require_authority(user)
    return list(
        Population.objects.filter(kreis__land_id=user.land_id)
        .order_by("-reference_date")
        .values_list("reference_date", flat=True)
        .distinct()
    )


def counties(*, user, day=None):
    """The Kreise of the user's Land (valid on ``day`` if given), by name."""
    from wegweiser.organisations.models import Kreis

    rules.require_authority(user)
    qs = Kreis.objects.filter(land_id=user.land_id)
    if day is not None:
        qs = qs.valid_on(day)
    return qs.order_by("name")


# --- planning frames ----------------------------------------------------------------------------


def latest_frame(programme: Programme) -> PlanningFrame | None:
    return programme.frames.order_by("-computed_at", "-pk").first()


def published_frame(programme: Programme) -> PlanningFrame | None:
    return (
        programme.frames.filter(published_at__isnull=False).order_by("-published_at", "-pk").first()
    )


@dataclass
class FrameTable:
    rows: list[dict] = field(default_factory=list)
    total: Decimal = Decimal("0")
    previous_total: Decimal | None = None
    change: Decimal | None = None


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def frame_rows(frame: PlanningFrame) -> FrameTable:
    """A row per county (by name): amount, share of the total in %, previous year's amount,
    gain or loss in EUR and in % of the previous amount."""
    entries = list(
        FrameEntry.objects.filter(frame=frame).select_related("kreis").order_by("kreis__name")
    )
    total = sum((e.amount for e in entries), Decimal("0"))
    table = FrameTable(total=total)
    previous = [e.previous_amount for e in entries if e.previous_amount is not None]
    if previous:
        table.previous_total = sum(previous, Decimal("0"))
        table.change = total - table.previous_total
    for entry in entries:
        change = None if entry.previous_amount is None else entry.amount - entry.previous_amount
        table.rows.append(
            {
                "kreis": entry.kreis,
                "amount": entry.amount,
                "share": _percent(entry.amount, total),
                "previous": entry.previous_amount,
                "change": change,
                "change_percent": None
                if change is None
                else _percent(change, entry.previous_amount),
            }
        )
    return table


# --- applications -------------------------------------------------------------------------------


def application_get(*, user, uuid) -> Application:
    application = _uuid_get(
        Application.objects.select_related("programme", "kreis", "signed_form"), uuid
    )
    rules.require_application(user, application)
    return application


def application_of(*, user, programme: Programme, kreis_id: int) -> Application | None:
    rules.require_programme(user, programme)
    if not rules.is_authority(user) and kreis_id != user.kreis_id:
        raise Http404
    return Application.objects.filter(programme=programme, kreis_id=kreis_id).first()


def payout_rows(application: Application) -> list[Payout]:
    return list(application.payouts.order_by("number"))


def proof_get(*, user, uuid) -> ProofOfUse:
    proof = _uuid_get(
        ProofOfUse.objects.select_related(
            "application", "application__programme", "kreis", "narrative"
        ),
        uuid,
    )
    rules.require_application(user, proof.application)
    return proof


def proof_of(application: Application) -> ProofOfUse | None:
    return ProofOfUse.objects.filter(application=application).first()


def proof_figure_rows(proof: ProofOfUse) -> list[dict]:
    """The frozen figures of a proof of use with their German labels (aggregates only), in
    report order (the stored JSON keeps no order on PostgreSQL)."""
    from wegweiser.statistics import volunteer_figures
    from wegweiser.statistics.figures import DECIMAL_KEYS, KEYS, label

    figures = (proof.figures or {}).get("figures") or {}
    order = {key: index for index, key in enumerate([*KEYS, *volunteer_figures.KEYS])}
    decimal_keys = DECIMAL_KEYS | volunteer_figures.DECIMAL_KEYS
    rows = []
    for key in sorted(figures, key=lambda k: (order.get(k, len(order)), k)):
        value = figures[key]
        try:
            heading = label(key)
        except KeyError:
            heading = key
        if value is not None and key in decimal_keys:
            value = Decimal(value)
        rows.append({"key": key, "label": heading, "value": value})
    return rows


def proof_period(proof: ProofOfUse):
    import datetime as dt

    period = (proof.figures or {}).get("period") or []
    if len(period) != 2:
        return None
    return dt.date.fromisoformat(period[0]), dt.date.fromisoformat(period[1])


def status_board(*, user, programme: Programme) -> dict:
    """For the authority: every county of the programme (those of the published frame, else the
    Kreise valid at the start of the funding period) with its frame amount, the amount applied
    for, the status, the amount granted, paid and the status of the proof of use; plus totals."""
    from wegweiser.organisations.models import Kreis

    rules.require_authority(user, programme.land_id)
    frame = published_frame(programme)
    amounts: dict[int, Decimal] = {}
    if frame is not None:
        amounts = dict(FrameEntry.objects.filter(frame=frame).values_list("kreis_id", "amount"))
        kreise = list(Kreis.objects.filter(pk__in=amounts).order_by("name"))
    else:
        kreise = list(
            Kreis.objects.filter(land_id=programme.land_id)
            .valid_on(programme.period_start)
            .order_by("name")
        )
    applications = {
        a.kreis_id: a
        for a in Application.objects.filter(programme=programme).prefetch_related(
            Prefetch("payouts", queryset=Payout.objects.order_by("number"))
        )
    }
    proofs = {
        p.application_id: p
        for p in ProofOfUse.objects.filter(application__in=applications.values())
    }
    rows = []
    totals = {
        "frame": Decimal("0"),
        "applied": Decimal("0"),
        "granted": Decimal("0"),
        "paid": Decimal("0"),
    }
    for kreis in kreise:
        application = applications.get(kreis.pk)
        payouts = list(application.payouts.all()) if application else []
        paid = sum((p.amount for p in payouts if p.paid_on), Decimal("0"))
        proof = proofs.get(application.pk) if application else None
        row = {
            "kreis": kreis,
            "frame": amounts.get(kreis.pk),
            "application": application,
            "applied": application.amount
            if application and application.status != "draft"
            else None,
            "granted": application.granted_amount if application else None,
            "paid": paid if payouts else None,
            "payouts_paid": sum(1 for p in payouts if p.paid_on),
            "payouts": len(payouts),
            "proof": proof,
        }
        for key in ("frame", "applied", "granted", "paid"):
            if row[key] is not None:
                totals[key] += row[key]
        rows.append(row)
    counts = {
        "counties": len(rows),
        "applied": sum(1 for r in rows if r["applied"] is not None),
        "granted": sum(1 for r in rows if r["granted"] is not None),
        "paid": sum(1 for r in rows if r["payouts"] and r["payouts_paid"] == r["payouts"]),
        "proved": sum(1 for r in rows if r["proof"] and r["proof"].status == "accepted"),
    }
    return {"frame": frame, "rows": rows, "totals": totals, "counts": counts}


# --- downloads ----------------------------------------------------------------------------------


def download_recorded(*, user, action: str, obj, data: dict | None = None) -> None:
    """Every download of funding documents is audited (who, which object, what kind)."""
    from wegweiser.audit.services import audit_record

    audit_record(actor=user, action=action, obj=obj, data=data or {})


def document_download(*, user, application: Application, which: str):
    """The signed application form (``which="signed_form"``) or the narrative report of the
    proof of use (``"narrative"``) of a visible application; the access is audited."""
    rules.require_application(user, application)
    if which == "signed_form":
        document = application.signed_form
    elif which == "narrative":
        proof = proof_of(application)
        document = proof.narrative if proof is not None else None
    else:
        raise Http404
    if document is None:
        raise Http404
    download_recorded(
        user=user,
        action="funding.document.downloaded",
        obj=application,
        data={"document": which, "size": document.size},
    )
    return document
