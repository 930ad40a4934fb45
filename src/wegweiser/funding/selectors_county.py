"""Reads of the county side of the funding administration and of the funding API. Every read
takes ``user=`` and answers only what that user may see (the rules live in funding.rules):

- the authority: the programmes of its Land (drafts included) and every application of them;
- a county (coordination and administration): the published programmes of its Land and its own
  applications. Another county's application does not exist for it (404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from wegweiser.funding import rules, services
from wegweiser.funding.models import (
    Application,
    DeadlineExtension,
    Document,
    FrameEntry,
    PlanningFrame,
    Programme,
    ProgrammeStatus,
)
from wegweiser.organisations.models import Organisation

RECIPIENT_KINDS = (Organisation.Kind.PROVIDER, Organisation.Kind.MUNICIPALITY)


def require_county(user) -> None:
    """The county pages are for the county coordination and administration only."""
    if not rules.is_county(user):
        raise PermissionDenied


# --- programmes ---------------------------------------------------------------------------------


def programme_list(*, user) -> QuerySet[Programme]:
    rules.require_view(user)
    qs = Programme.objects.filter(land_id=user.land_id)
    if not rules.is_authority(user):
        qs = qs.exclude(status=ProgrammeStatus.DRAFT)
    return qs.order_by("-year", "name", "pk")


def programme_get(*, user, uuid) -> Programme:
    programme = Programme.objects.filter(uuid=uuid).first()
    rules.require_view(user)
    if programme is None:
        raise Http404
    rules.require_programme(user, programme)
    return programme


def published_frame(programme) -> PlanningFrame | None:
    return (
        programme.frames.filter(published_at__isnull=False).order_by("-published_at", "-pk").first()
    )


def frame_entries(frame: PlanningFrame) -> list[FrameEntry]:
    return list(frame.entries.select_related("kreis").order_by("kreis__name"))


@dataclass
class CountyProgramme:
    """A programme as the county sees it: its amount, its deadline, its application."""

    programme: Programme
    frame_amount: Decimal | None
    deadline: dt.date
    extended: bool
    application: Application | None

    @property
    def open(self) -> bool:
        return self.programme.status == ProgrammeStatus.PUBLISHED


def county_programme(*, user, programme: Programme) -> CountyProgramme:
    deadline = services.deadline_for(programme, user.kreis_id)
    return CountyProgramme(
        programme=programme,
        frame_amount=services.frame_amount(programme, user.kreis_id),
        deadline=deadline,
        extended=deadline != programme.application_deadline,
        application=Application.objects.filter(programme=programme, kreis_id=user.kreis_id)
        .select_related("signed_form")
        .first(),
    )


def county_programmes(*, user) -> list[CountyProgramme]:
    """The published (and closed) programmes of the county's Land with its frame amount, its
    deadline (an extension for the county included) and its application."""
    require_county(user)
    return [county_programme(user=user, programme=p) for p in programme_list(user=user)]


def extension_for(programme, kreis_id: int) -> DeadlineExtension | None:
    return DeadlineExtension.objects.filter(programme=programme, kreis_id=kreis_id).first()


# --- applications -------------------------------------------------------------------------------


def application_list(*, user, programme: Programme | None = None, status: str = "") -> QuerySet:
    """Authority: every submitted application of its Land (a draft is the county's own until it
    is submitted); county: its own."""
    rules.require_view(user)
    qs = Application.objects.filter(programme__land_id=user.land_id)
    if rules.is_authority(user):
        qs = qs.exclude(status="draft")
    else:
        qs = qs.filter(kreis_id=user.kreis_id)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("programme", "kreis", "signed_form").order_by(
        "-programme__year", "programme__name", "kreis__name", "pk"
    )


def application_get(*, user, uuid) -> Application:
    rules.require_view(user)
    application = (
        Application.objects.filter(uuid=uuid)
        .select_related("programme", "kreis", "signed_form")
        .first()
    )
    if application is None:
        raise Http404
    rules.require_application(user, application)
    return application


def county_application_get(*, user, uuid) -> Application:
    """An application of the user's own county (county pages)."""
    require_county(user)
    return application_get(user=user, uuid=uuid)


def recipients(*, user) -> QuerySet[Organisation]:
    """Organisations of the county funds can be passed on to: providers and municipalities."""
    return Organisation.objects.filter(
        kreis_id=user.kreis_id, kind__in=RECIPIENT_KINDS, is_active=True
    ).order_by("name")


def document_get(*, user, uuid) -> Document:
    """A document of the own county (signed form, narrative report)."""
    require_county(user)
    document = Document.objects.filter(uuid=uuid, kreis_id=user.kreis_id).first()
    if document is None:
        raise Http404
    return document


# --- proof of use -------------------------------------------------------------------------------


@dataclass
class FigureRow:
    key: str
    label: str
    value: object


def figure_rows(snapshot: dict) -> list[FigureRow]:
    """The figures of a proof of use (``services.proof_figures`` or the frozen snapshot) as rows
    with German headings, in report order; figures that are zero or empty are left out."""
    from wegweiser.statistics import volunteer_figures
    from wegweiser.statistics.figures import KEYS, label

    figures = (snapshot or {}).get("figures") or {}
    order = {key: index for index, key in enumerate([*KEYS, *volunteer_figures.KEYS])}
    rows = []
    for key in sorted(figures, key=lambda k: (order.get(k, len(order)), k)):
        value = figures[key]
        if value in (None, "", 0) or (isinstance(value, str) and Decimal(value) == 0):
            continue
        try:
            heading = label(key)
        except KeyError:
            heading = key
        rows.append(FigureRow(key=key, label=heading, value=value))
    return rows


def snapshot_period(snapshot: dict) -> tuple[dt.date, dt.date] | None:
    period = (snapshot or {}).get("period")
    if not period:
        return None
    return dt.date.fromisoformat(period[0]), dt.date.fromisoformat(period[1])
