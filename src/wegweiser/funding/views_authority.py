"""Views of the state's funding authority (Fördermittelstelle): programmes, basis data, planning
frames, deadline extensions, the status board, decisions on applications, payouts and the check
of the proof of use. Thin: the reads are in ``funding.selectors``, the writes in
``funding.services``, the rights in ``funding.rules`` (another Land's objects are 404, every
other role 403)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wegweiser.core.forms import add_service_errors, call_service
from wegweiser.funding import pdf, rules, selectors, services, xlsx
from wegweiser.funding.basis import BasisError
from wegweiser.funding.forms_authority import (
    BasisReferenceForm,
    BasisUploadForm,
    ExtensionForm,
    GrantForm,
    NoteForm,
    PaidForm,
    ProgrammeForm,
    ProofDecisionForm,
)
from wegweiser.funding.models import ApplicationStatus, BasisKind, ProgrammeStatus, ProofStatus

NAV = "funding"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _authority(request):
    rules.require_authority(request.user)
    return request.user


def _programme(request, uuid):
    _authority(request)
    return selectors.programme_get(user=request.user, uuid=uuid)


def _application(request, uuid):
    _authority(request)
    return selectors.application_get(user=request.user, uuid=uuid)


def _file(content: bytes, content_type: str, name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _error_message(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- programmes ---------------------------------------------------------------------------------


@require_GET
def programme_list(request):
    user = _authority(request)
    return render(
        request,
        "funding/authority_programme_list.html",
        {"programmes": selectors.programme_list(user=user), "nav": NAV},
    )


def _programme_form(request, programme=None):
    user = request.user
    return ProgrammeForm(
        request.POST or None,
        instance=programme,
        previous_qs=selectors.previous_candidates(user=user, programme=programme),
        basis_qs=selectors.basis_list(user=user),
    )


def programme_create(request):
    user = _authority(request)
    form = _programme_form(request)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        programme, ok = call_service(
            form,
            services.programme_save,
            actor=user,
            basis=list(form.cleaned_data["basis"]),
            **fields,
        )
        if ok:
            messages.success(request, _("The programme has been created."))
            return redirect("funding:programme_detail", uuid=programme.uuid)
    return render(request, "funding/authority_programme_form.html", {"form": form, "nav": NAV})


def programme_update(request, uuid):
    programme = _programme(request, uuid)
    if programme.status != ProgrammeStatus.DRAFT:
        messages.error(request, _("A published programme cannot be changed."))
        return redirect("funding:programme_detail", uuid=programme.uuid)
    form = _programme_form(request, programme)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.programme_save,
            actor=request.user,
            programme=programme,
            basis=list(form.cleaned_data["basis"]),
            **form.service_fields(),
        )
        if ok:
            messages.success(request, _("The programme has been saved."))
            return redirect("funding:programme_detail", uuid=programme.uuid)
    return render(
        request,
        "funding/authority_programme_form.html",
        {"form": form, "programme": programme, "nav": NAV},
    )


@require_GET
def programme_detail(request, uuid):
    programme = _programme(request, uuid)
    weights = [
        {"label": BasisKind(kind).label, "percent": Decimal(str(share)) * 100}
        for kind, share in (programme.weights or {}).items()
        if kind in BasisKind.values
    ]
    return render(
        request,
        "funding/authority_programme_detail.html",
        {
            "programme": programme,
            "weights": weights,
            "max_change_percent": None
            if programme.max_change is None
            else programme.max_change * 100,
            "basis": list(programme.basis.all()),
            "frame": selectors.latest_frame(programme),
            "published": selectors.published_frame(programme),
            "extensions": programme.extensions.select_related("kreis").order_by("kreis__name"),
            "nav": NAV,
        },
    )


# --- basis data ---------------------------------------------------------------------------------


@require_GET
def basis_list(request):
    user = _authority(request)
    return render(
        request,
        "funding/authority_basis_list.html",
        {
            "kinds": selectors.basis_by_kind(user=user),
            "has_reference": bool(selectors.reference_dates(user=user)),
            "nav": NAV,
        },
    )


def basis_upload(request):
    user = _authority(request)
    form = BasisUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            dataset = services.basis_upload(
                actor=user,
                kind=data["kind"],
                reference_date=data["reference_date"],
                period_start=data["period_start"],
                source=data["source"],
                data=upload.read(),
                file_name=upload.name,
            )
        except BasisError as exc:
            problems = list(exc.messages)
            form.add_error("file", _("The file has errors; nothing has been imported."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The basis data have been imported as version %(version)s.")
                % {"version": dataset.version},
            )
            return redirect("funding:basis_detail", uuid=dataset.uuid)
    return render(
        request,
        "funding/authority_basis_upload.html",
        {"form": form, "problems": problems, "nav": NAV},
    )


def basis_reference(request):
    user = _authority(request)
    form = BasisReferenceForm(request.POST or None, dates=selectors.reference_dates(user=user))
    if request.method == "POST" and form.is_valid():
        dataset, ok = call_service(
            form,
            services.basis_from_reference,
            actor=user,
            reference_date=dt.date.fromisoformat(form.cleaned_data["reference_date"]),
        )
        if ok:
            messages.success(
                request,
                _("The inhabitants of the reference data have been taken as version %(version)s.")
                % {"version": dataset.version},
            )
            return redirect("funding:basis_detail", uuid=dataset.uuid)
    return render(request, "funding/authority_basis_reference.html", {"form": form, "nav": NAV})


@require_GET
def basis_detail(request, uuid):
    _authority(request)
    dataset = selectors.basis_get(user=request.user, uuid=uuid)
    rows = selectors.basis_rows(dataset)
    return render(
        request,
        "funding/authority_basis_detail.html",
        {
            "dataset": dataset,
            "rows": rows,
            "total": sum((r["value"] for r in rows), Decimal("0")),
            "nav": NAV,
        },
    )


# --- planning frame -----------------------------------------------------------------------------


@require_GET
def frame_review(request, uuid):
    programme = _programme(request, uuid)
    frame = selectors.published_frame(programme) or selectors.latest_frame(programme)
    return render(
        request,
        "funding/authority_frame.html",
        {
            "programme": programme,
            "frame": frame,
            "table": selectors.frame_rows(frame) if frame else None,
            "draft": programme.status == ProgrammeStatus.DRAFT,
            "nav": NAV,
        },
    )


@require_POST
def frame_compute(request, uuid):
    programme = _programme(request, uuid)
    try:
        services.frame_compute(actor=request.user, programme=programme)
    except ValidationError as exc:
        _error_message(request, exc)
        return redirect("funding:programme_detail", uuid=programme.uuid)
    messages.success(request, _("The planning frame has been computed. Please review it."))
    return redirect("funding:frame_review", uuid=programme.uuid)


@require_POST
def frame_publish(request, uuid):
    programme = _programme(request, uuid)
    frame = selectors.latest_frame(programme)
    if frame is None or str(frame.uuid) != request.POST.get("frame", ""):
        messages.error(request, _("Only the latest computed planning frame can be published."))
        return redirect("funding:frame_review", uuid=programme.uuid)
    try:
        services.frame_publish(actor=request.user, frame=frame)
    except ValidationError as exc:
        _error_message(request, exc)
    else:
        messages.success(
            request, _("The planning frame has been published; the counties can apply now.")
        )
    return redirect("funding:frame_review", uuid=programme.uuid)


def _frame_for_file(request, uuid):
    programme = _programme(request, uuid)
    frame = selectors.published_frame(programme) or selectors.latest_frame(programme)
    if frame is None:
        raise Http404
    return programme, frame


@require_GET
def frame_pdf(request, uuid):
    programme, frame = _frame_for_file(request, uuid)
    content = pdf.frame_pdf(programme, frame)
    selectors.download_recorded(
        user=request.user, action="funding.frame.exported", obj=programme, data={"format": "pdf"}
    )
    return _file(content, "application/pdf", pdf.frame_file_name(programme, "pdf"))


@require_GET
def frame_xlsx(request, uuid):
    programme, frame = _frame_for_file(request, uuid)
    content = xlsx.frame_xlsx(programme, frame)
    selectors.download_recorded(
        user=request.user, action="funding.frame.exported", obj=programme, data={"format": "xlsx"}
    )
    return _file(content, XLSX, pdf.frame_file_name(programme, "xlsx"))


def deadline_extend(request, uuid):
    programme = _programme(request, uuid)
    form = ExtensionForm(
        request.POST or None,
        counties=selectors.counties(user=request.user, day=programme.period_start),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _result, ok = call_service(
            form,
            services.deadline_extend,
            actor=request.user,
            programme=programme,
            kreis=data["kreis"],
            until=data["until"],
            reason=data["reason"],
        )
        if ok:
            messages.success(
                request,
                _("The deadline for %(county)s has been extended to %(date)s.")
                % {"county": data["kreis"].name, "date": data["until"].strftime("%d.%m.%Y")},
            )
            return redirect("funding:programme_detail", uuid=programme.uuid)
    return render(
        request,
        "funding/authority_extension_form.html",
        {"form": form, "programme": programme, "nav": NAV},
    )


# --- applications -------------------------------------------------------------------------------


@require_GET
def status_board(request, uuid):
    programme = _programme(request, uuid)
    board = selectors.status_board(user=request.user, programme=programme)
    return render(
        request,
        "funding/authority_status_board.html",
        {"programme": programme, "board": board, "nav": NAV},
    )


def _application_context(request, application, **forms) -> dict:
    proof = selectors.proof_of(application)
    submitted = application.status == ApplicationStatus.SUBMITTED
    context = {
        "application": application,
        "programme": application.programme,
        "frame_amount": services.frame_amount(application.programme, application.kreis_id),
        "deadline": services.deadline_for(application.programme, application.kreis_id),
        "pass_throughs": list(application.pass_throughs.all()),
        "payouts": selectors.payout_rows(application),
        "paid": services.paid_total(application),
        "proof": proof,
        "submitted": submitted,
        "paid_form": PaidForm(prefix="paid"),
        "nav": NAV,
    }
    context.update(forms)
    return context


@require_GET
def application_detail(request, uuid):
    application = _application(request, uuid)
    return render(
        request,
        "funding/authority_application_detail.html",
        _application_context(request, application),
    )


@require_GET
def application_signed_form(request, uuid):
    application = _application(request, uuid)
    document = selectors.document_download(
        user=request.user, application=application, which="signed_form"
    )
    return _file(bytes(document.content), document.content_type, _download_name(document))


def _download_name(document) -> str:
    name = (
        "".join(c for c in document.name if c.isascii() and (c.isalnum() or c in "._-")).strip(".")
        or "dokument"
    )
    return name[:120]


def _decision(request, application, *, service, form_class, template, success, initial=None):
    """A decision form on a submitted application (correction, refusal, grant)."""
    if application.status != ApplicationStatus.SUBMITTED:
        messages.error(request, _("Only a submitted application can be decided."))
        return redirect("funding:application_detail", uuid=application.uuid)
    form = form_class(
        request.POST or None, initial={"version": application.version, **(initial or {})}
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form, service, actor=request.user, application=application, **form.cleaned_data
        )
        if ok:
            messages.success(request, success)
            return redirect("funding:application_detail", uuid=application.uuid)
    return render(
        request,
        template,
        {
            "form": form,
            "application": application,
            "programme": application.programme,
            "nav": NAV,
        },
    )


def application_correction(request, uuid):
    return _decision(
        request,
        _application(request, uuid),
        service=services.application_request_correction,
        form_class=NoteForm,
        template="funding/authority_application_correction.html",
        success=_("The county has been asked to correct the application."),
    )


def application_refuse(request, uuid):
    return _decision(
        request,
        _application(request, uuid),
        service=services.application_refuse,
        form_class=NoteForm,
        template="funding/authority_application_refuse.html",
        success=_("The application has been refused."),
    )


def application_grant(request, uuid):
    application = _application(request, uuid)
    return _decision(
        request,
        application,
        service=services.application_grant,
        form_class=GrantForm,
        template="funding/authority_application_grant.html",
        success=_("The application has been granted; the grant notice is ready."),
        initial={"amount": application.amount},
    )


@require_GET
def grant_notice_pdf(request, uuid):
    application = _application(request, uuid)
    if application.status != ApplicationStatus.GRANTED:
        raise Http404
    content = pdf.grant_notice_pdf(application)
    selectors.download_recorded(
        user=request.user, action="funding.grant_notice.downloaded", obj=application
    )
    return _file(content, "application/pdf", pdf.grant_notice_file_name(application))


@require_POST
def payout_paid(request, uuid, number: int):
    application = _application(request, uuid)
    payout = application.payouts.filter(number=number).first()
    if payout is None:
        raise Http404
    form = PaidForm(request.POST, prefix="paid")
    if form.is_valid():
        _result, ok = call_service(
            form,
            services.payout_mark_paid,
            actor=request.user,
            payout=payout,
            paid_on=form.cleaned_data["paid_on"],
        )
        if ok:
            messages.success(
                request, _("Instalment %(number)s has been marked as paid.") % {"number": number}
            )
            return redirect("funding:application_detail", uuid=application.uuid)
    context = _application_context(request, application, paid_form=form)
    context["paid_number"] = number
    return render(request, "funding/authority_application_detail.html", context)


# --- proof of use -------------------------------------------------------------------------------


def _proof_context(request, proof, form=None) -> dict:
    return {
        "proof": proof,
        "application": proof.application,
        "programme": proof.application.programme,
        "figures": selectors.proof_figure_rows(proof),
        "period": selectors.proof_period(proof),
        "paid": services.paid_total(proof.application),
        "form": form or ProofDecisionForm(),
        "decidable": proof.status == ProofStatus.SUBMITTED,
        "nav": NAV,
    }


@require_GET
def proof_detail(request, uuid):
    _authority(request)
    proof = selectors.proof_get(user=request.user, uuid=uuid)
    return render(request, "funding/authority_proof_detail.html", _proof_context(request, proof))


@require_GET
def proof_narrative(request, uuid):
    _authority(request)
    proof = selectors.proof_get(user=request.user, uuid=uuid)
    document = selectors.document_download(
        user=request.user, application=proof.application, which="narrative"
    )
    return _file(bytes(document.content), document.content_type, _download_name(document))


@require_POST
def proof_decide(request, uuid):
    _authority(request)
    proof = selectors.proof_get(user=request.user, uuid=uuid)
    decision = request.POST.get("decision")
    if decision not in ("accept", "correction"):
        return HttpResponseBadRequest()
    form = ProofDecisionForm(request.POST)
    if form.is_valid():
        accept = decision == "accept"
        _result, ok = call_service(
            form,
            services.proof_decide,
            actor=request.user,
            proof=proof,
            accept=accept,
            note=form.cleaned_data["note"],
        )
        if ok:
            messages.success(
                request,
                _("The proof of use has been accepted.")
                if accept
                else _("The county has been asked to correct the proof of use."),
            )
            return redirect("funding:proof_detail", uuid=proof.uuid)
    return render(
        request, "funding/authority_proof_detail.html", _proof_context(request, proof, form)
    )
