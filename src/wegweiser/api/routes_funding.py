"""Funding programmes, planning frames and applications through the API (tag "Förderung"). Thin:
the rules live in funding.rules and funding.services, the reads in funding.selectors_county.

- The state's funding authority reads every programme of its Land (drafts included) and every
  submitted application of them (a county's draft stays its own); the counties read the
  published programmes of their Land and their own applications (another county's: 404).
- The published planning frame lists every county's amount, for the counties too: it is
  published within the Land's administration anyway (the "kreisscharfe Mittelverteilung").
- The county coordination creates and changes its draft and submits it. The signed form is an
  upload of the user interface; the API does not take files.
- Money is a string with two decimals (``"85000.00"``), never a JSON number that a client could
  read as a binary float; amounts may be sent as strings (recommended) or numbers."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator

from wegweiser.api.errors import invalid
from wegweiser.api.pagination import PageNumber
from wegweiser.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    bounded_text,
    single_line_text,
)
from wegweiser.funding import rules, services
from wegweiser.funding import selectors_county as selectors
from wegweiser.funding.models import (
    Application,
    ApplicationStatus,
    ProgrammeStatus,
    ProofStatus,
)

router = Router(tags=["Förderung"])

MSG_SIGNED_FORM = (
    "Das unterschriebene Antragsformular fehlt. Bitte laden Sie es zuerst in der Oberfläche "
    "hoch (Förderung › Antrag bearbeiten); die API nimmt keine Dateien an."
)
MSG_RECIPIENT = (
    "Unbekannter Empfänger: Bitte wählen Sie einen Träger oder eine Kommune Ihres Kreises."
)

ProgrammeStatusCode = Literal[tuple(ProgrammeStatus.values)]  # type: ignore[valid-type]
ApplicationStatusCode = Literal[tuple(ApplicationStatus.values)]  # type: ignore[valid-type]
ProofStatusCode = Literal[tuple(ProofStatus.values)]  # type: ignore[valid-type]

MoneyOut = Annotated[
    str,
    Field(
        pattern=r"^\d+\.\d{2}$",
        examples=["85000.00"],
        description="Betrag in Euro als Zeichenkette mit zwei Nachkommastellen",
    ),
]
MoneyIn = Annotated[
    Decimal,
    Field(
        ge=0,
        max_digits=14,
        decimal_places=2,
        examples=["85000.00"],
        description="Betrag in Euro mit höchstens zwei Nachkommastellen, am besten als "
        'Zeichenkette ("85000.00")',
    ),
]
Posts = Annotated[
    Decimal,
    Field(
        ge=0,
        le=1000,
        max_digits=6,
        decimal_places=2,
        examples=["1.5"],
        description="Stellen (Vollzeitäquivalente)",
    ),
]
RecipientName = Annotated[bounded_text(200), AfterValidator(single_line_text)]
Version = Annotated[
    int, Field(ge=1, le=2_147_483_647, description="Stand des Datensatzes (optimistisches Sperren)")
]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class CountyOut(Schema):
    ags: str
    name: str


def _county(kreis) -> CountyOut:
    return CountyOut(ags=kreis.ags, name=str(kreis))


class ProgrammeOut(Schema):
    uuid: UUID
    name: str
    year: int
    period_start: dt.date
    period_end: dt.date
    budget: MoneyOut
    purpose: str
    recipients: str
    application_deadline: dt.date
    proof_deadline: dt.date | None
    instalments: int
    status: ProgrammeStatusCode
    own_amount: MoneyOut | None = Field(
        None, description="Für einen Kreis: sein Betrag im veröffentlichten Planungsrahmen"
    )
    own_deadline: dt.date | None = Field(
        None, description="Für einen Kreis: seine Antragsfrist (mit einer Verlängerung)"
    )


class FrameEntryOut(Schema):
    county: CountyOut
    amount: MoneyOut
    previous_amount: MoneyOut | None = Field(None, description="Betrag des Vorjahres")


class FrameOut(Schema):
    published_at: dt.datetime
    total: MoneyOut
    entries: list[FrameEntryOut]


class ProgrammeDetailOut(ProgrammeOut):
    frame: FrameOut | None = Field(
        None, description="Der veröffentlichte Planungsrahmen: alle Kreise mit ihren Beträgen"
    )


def _programme(user, programme, detail: bool = False):
    values = {
        "uuid": programme.uuid,
        "name": programme.name,
        "year": programme.year,
        "period_start": programme.period_start,
        "period_end": programme.period_end,
        "budget": _money(programme.budget),
        "purpose": programme.purpose,
        "recipients": programme.recipients,
        "application_deadline": programme.application_deadline,
        "proof_deadline": programme.proof_deadline,
        "instalments": programme.instalments,
        "status": programme.status,
    }
    if rules.is_county(user):
        values["own_amount"] = _money(services.frame_amount(programme, user.kreis_id))
        values["own_deadline"] = services.deadline_for(programme, user.kreis_id)
    if not detail:
        return ProgrammeOut(**values)
    frame = selectors.published_frame(programme)
    if frame is not None:
        entries = selectors.frame_entries(frame)
        values["frame"] = FrameOut(
            published_at=frame.published_at,
            total=_money(sum((e.amount for e in entries), Decimal("0"))),
            entries=[
                FrameEntryOut(
                    county=_county(e.kreis),
                    amount=_money(e.amount),
                    previous_amount=_money(e.previous_amount),
                )
                for e in entries
            ],
        )
    return ProgrammeDetailOut(**values)


class PassThroughOut(Schema):
    recipient_name: str
    organisation: UUID | None = Field(None, description="Träger oder Kommune des Kreises")
    planned: MoneyOut
    paid: MoneyOut = Field(..., description="Bisher weitergegeben")


class PayoutOut(Schema):
    number: int
    amount: MoneyOut
    due_on: dt.date
    paid_on: dt.date | None


class ProofOut(Schema):
    status: ProofStatusCode
    spent: MoneyOut
    reclaim: MoneyOut = Field(..., description="Rückforderung: ausgezahlt, aber nicht verwendet")
    submitted_at: dt.datetime
    narrative_uploaded: bool


class ApplicationOut(Schema):
    uuid: UUID
    version: int
    programme: UUID
    county: CountyOut
    status: ApplicationStatusCode
    amount: MoneyOut
    posts: str = Field(..., examples=["1.50"], description="Stellen (Vollzeitäquivalente)")
    granted_amount: MoneyOut | None
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None


class ApplicationDetailOut(ApplicationOut):
    planned_uses: str
    signed_form_uploaded: bool
    authority_note: str = Field(..., description="Hinweis der Förderstelle (z. B. Nachbesserung)")
    pass_throughs: list[PassThroughOut]
    payouts: list[PayoutOut]
    paid_total: MoneyOut = Field(..., description="Bisher ausgezahlt")
    proof: ProofOut | None = Field(None, description="Verwendungsnachweis")


def _application(application: Application, detail: bool = False):
    values = {
        "uuid": application.uuid,
        "version": application.version,
        "programme": application.programme.uuid,
        "county": _county(application.kreis),
        "status": application.status,
        "amount": _money(application.amount),
        "posts": f"{application.posts:.2f}",
        "granted_amount": _money(application.granted_amount),
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
    }
    if not detail:
        return ApplicationOut(**values)
    proof = getattr(application, "proof", None)
    return ApplicationDetailOut(
        **values,
        planned_uses=application.planned_uses,
        signed_form_uploaded=application.signed_form_id is not None,
        authority_note=application.authority_note,
        pass_throughs=[
            PassThroughOut(
                recipient_name=p.recipient_name,
                organisation=p.organisation.uuid if p.organisation_id else None,
                planned=_money(p.planned),
                paid=_money(p.paid),
            )
            for p in application.pass_throughs.select_related("organisation")
        ],
        payouts=[
            PayoutOut(number=p.number, amount=_money(p.amount), due_on=p.due_on, paid_on=p.paid_on)
            for p in application.payouts.all()
        ],
        paid_total=_money(services.paid_total(application)),
        proof=ProofOut(
            status=proof.status,
            spent=_money(proof.spent),
            reclaim=_money(proof.reclaim),
            submitted_at=proof.submitted_at,
            narrative_uploaded=proof.narrative_id is not None,
        )
        if proof is not None
        else None,
    )


class _Page:
    """A queryset for the pagination whose page is turned into output schemas (only the page)."""

    def __init__(self, queryset, shape):
        self.queryset, self.shape = queryset, shape

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list:
        return [self.shape(obj) for obj in self.queryset[window]]


def _reload(application: Application) -> Application:
    return Application.objects.select_related("programme", "kreis", "signed_form").get(
        pk=application.pk
    )


# --- programmes ---------------------------------------------------------------------------------


@router.get(
    "/funding/programmes",
    response={200: list[ProgrammeOut], **READ_ERRORS, 403: ErrorOut},
    summary="Förderprogramme",
    operation_id="funding_programmes_list",
)
@paginate(PageNumber)
def funding_programmes_list(request):
    """Die Förderprogramme des eigenen Landes: für die Förderstelle alle (auch Entwürfe), für
    einen Kreis die mit veröffentlichtem Planungsrahmen, jeweils mit seinem Betrag und seiner
    Antragsfrist. Beträge als Zeichenkette mit zwei Nachkommastellen ("85000.00")."""
    user = request.auth
    return _Page(selectors.programme_list(user=user), lambda p: _programme(user, p))


@router.get(
    "/funding/programmes/{uuid}",
    response={200: ProgrammeDetailOut, **READ_ERRORS, 403: ErrorOut},
    summary="Förderprogramm mit Planungsrahmen",
    operation_id="funding_programmes_read",
)
def funding_programmes_read(request, uuid: UUID):
    """Ein Förderprogramm mit dem veröffentlichten Planungsrahmen: alle Kreise des Landes mit
    ihren Beträgen und der Summe (der Planungsrahmen ist innerhalb der Verwaltung des Landes
    öffentlich, auch für die Kreise)."""
    user = request.auth
    return _programme(user, selectors.programme_get(user=user, uuid=uuid), detail=True)


# --- applications -------------------------------------------------------------------------------


class ApplicationFilter(Schema):
    programme: UUID | None = Field(None, description="Nur Anträge zu diesem Programm")
    status: ApplicationStatusCode | None = Field(None, description="Nur Anträge in diesem Status")


@router.get(
    "/funding/applications",
    response={200: list[ApplicationOut], **READ_ERRORS, 403: ErrorOut},
    summary="Anträge",
    operation_id="funding_applications_list",
)
@paginate(PageNumber)
def funding_applications_list(request, filters: Query[ApplicationFilter]):
    """Die Anträge: für die Förderstelle alle des Landes, für einen Kreis die eigenen; optional
    nach Programm und Status gefiltert."""
    user = request.auth
    programme = None
    if filters.programme is not None:
        programme = selectors.programme_get(user=user, uuid=filters.programme)
    qs = selectors.application_list(user=user, programme=programme, status=filters.status or "")
    return _Page(qs, _application)


@router.get(
    "/funding/applications/{uuid}",
    response={200: ApplicationDetailOut, **READ_ERRORS, 403: ErrorOut},
    summary="Antrag lesen",
    operation_id="funding_applications_read",
)
def funding_applications_read(request, uuid: UUID):
    """Ein Antrag mit Status, Beträgen, Weitergaben, Auszahlungen und dem Stand des
    Verwendungsnachweises."""
    return _application(selectors.application_get(user=request.auth, uuid=uuid), detail=True)


class PassThroughIn(Schema):
    organisation: UUID | None = Field(
        None, description="Träger oder Kommune des Kreises (UUID); sonst recipient_name"
    )
    recipient_name: RecipientName = Field("", description="Oder: Name des Empfängers")
    planned: MoneyIn


class ApplicationIn(Schema):
    version: Version | None = Field(
        None,
        description="Stand des Antrags beim Ändern (sonst 409, wenn er inzwischen geändert wurde)",
    )
    amount: MoneyIn
    posts: Posts = Decimal("0")
    planned_uses: bounded_text(4000)  # type: ignore[valid-type]
    pass_throughs: list[PassThroughIn] = Field(
        default_factory=list,
        max_length=50,
        description="Weitergabe an Träger und Kommunen; ersetzt die bisherige Liste",
    )


class SubmitIn(Schema):
    version: Version | None = None


@router.post(
    "/funding/programmes/{uuid}/application",
    response={200: ApplicationDetailOut, 201: ApplicationDetailOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="Antrag anlegen oder ändern (Entwurf)",
    operation_id="funding_application_save",
)
def funding_application_save(request, uuid: UUID, payload: ApplicationIn):
    """Legt den Antrag des eigenen Kreises zu diesem Programm als Entwurf an oder ändert ihn
    (auch nach einer Bitte um Nachbesserung); nur für die Kreis-Koordination. Antwortet 201,
    wenn der Antrag neu ist, sonst 200. Das unterschriebene Antragsformular wird in der
    Oberfläche hochgeladen."""
    user = request.auth
    programme = selectors.programme_get(user=user, uuid=uuid)
    if not rules.can_apply(user):
        raise PermissionDenied
    recipients = {o.uuid: o for o in selectors.recipients(user=user)}
    rows = []
    for index, row in enumerate(payload.pass_throughs):
        organisation = None
        if row.organisation is not None:
            organisation = recipients.get(row.organisation)
            if organisation is None:
                raise invalid(f"pass_throughs.{index}.organisation", MSG_RECIPIENT)
        rows.append(
            {
                "organisation": organisation,
                "recipient_name": row.recipient_name,
                "planned": row.planned,
            }
        )
    existed = Application.objects.filter(programme=programme, kreis_id=user.kreis_id).exists()
    application = services.application_save(
        actor=user,
        programme=programme,
        amount=payload.amount,
        posts=payload.posts,
        planned_uses=payload.planned_uses,
        pass_throughs=rows,
        version=payload.version,
    )
    out = _application(_reload(application), detail=True)
    return out if existed else Status(201, out)


@router.post(
    "/funding/applications/{uuid}/submit",
    response={200: ApplicationDetailOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="Antrag einreichen",
    operation_id="funding_application_submit",
)
def funding_application_submit(request, uuid: UUID, payload: SubmitIn):
    """Reicht den Antrag des eigenen Kreises bei der Förderstelle ein: bis zur Antragsfrist (oder
    ihrer Verlängerung für den Kreis), höchstens in Höhe des Planungsrahmens, mit dem
    unterschriebenen Antragsformular, das zuvor in der Oberfläche hochgeladen wurde. Sonst 422
    mit der Meldung; der Entwurf bleibt erhalten."""
    user = request.auth
    application = selectors.application_get(user=user, uuid=uuid)
    try:
        submitted = services.application_submit(
            actor=user, application=application, version=payload.version
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "signed_form" in exc.error_dict:
            raise invalid("signed_form", MSG_SIGNED_FORM) from None
        raise
    return _application(_reload(submitted), detail=True)
