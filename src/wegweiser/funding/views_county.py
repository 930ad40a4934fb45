"""Views of a county in the funding administration: the programmes open to it, its application
(draft, submission, correction), pass-through to providers and the proof of use. Thin: the rules
live in funding.rules and funding.services, the reads in funding.selectors_county.

The county coordination writes; the county administration reads along (403 on every write);
everyone else 403; another county's application 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wegweiser.core.errors import ConflictError
from wegweiser.core.forms import call_service
from wegweiser.funding import rules, services
from wegweiser.funding import selectors_county as selectors
from wegweiser.funding.forms_county import (
    UPLOAD_HINT,
    ApplicationForm,
    PaidForm,
    PassThroughFormSet,
    ProofForm,
)
from wegweiser.funding.models import ApplicationStatus, ProgrammeStatus, ProofStatus

EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.CORRECTION)
NAV = "funding"


def _require_apply(user) -> None:
    if not rules.can_apply(user):
        raise PermissionDenied


def _store(user, upload, field: str):
    """Keep an uploaded file (PDF/PNG/JPEG up to 10 MB); its errors belong to ``field``."""
    if upload is None:
        return None
    if upload.size > services.MAX_DOCUMENT_BYTES:
        raise ValidationError({field: _("The file is larger than 10 MB.")})
    try:
        return services.document_store(
            actor=user,
            land_id=user.land_id,
            kreis_id=user.kreis_id,
            name=upload.name,
            content=upload.read(),
        )
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


@require_GET
def county_home(request):
    rows = selectors.county_programmes(user=request.user)
    return render(
        request,
        "funding/county_home.html",
        {"rows": rows, "can_apply": rules.can_apply(request.user), "nav": NAV},
    )


# --- the application ----------------------------------------------------------------------------


def _save_application(*, actor, programme, form, rows, upload):
    with transaction.atomic():
        signed_form = _store(actor, upload, "signed_form")
        return services.application_save(
            actor=actor,
            programme=programme,
            amount=form.cleaned_data["amount"],
            posts=form.cleaned_data["posts"],
            planned_uses=form.cleaned_data["planned_uses"],
            pass_throughs=rows,
            signed_form=signed_form,
            version=form.cleaned_data.get("version"),
        )


def county_application_form(request, uuid):
    """Create or change the county's application (programme ``uuid``); "submit" saves first,
    so that a refused submission (deadline, frame, form missing) keeps the draft."""
    user = request.user
    selectors.require_county(user)
    programme = selectors.programme_get(user=user, uuid=uuid)
    _require_apply(user)
    current = selectors.county_programme(user=user, programme=programme)
    application = current.application
    if application is not None and application.status not in EDITABLE:
        return redirect("funding:county_application_detail", uuid=application.uuid)
    if programme.status != ProgrammeStatus.PUBLISHED:
        messages.info(request, _("This programme accepts no applications."))
        return redirect("funding:county_home")
    initial = {}
    rows_initial = []
    if application is not None:
        initial = {
            "version": application.version,
            "amount": application.amount,
            "posts": application.posts,
            "planned_uses": application.planned_uses,
        }
        rows_initial = [
            {
                "organisation": p.organisation,
                "recipient_name": "" if p.organisation_id else p.recipient_name,
                "planned": p.planned,
            }
            for p in application.pass_throughs.select_related("organisation")
        ]
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        frame_amount=current.frame_amount,
        has_signed_form=bool(application and application.signed_form_id),
    )
    formset = PassThroughFormSet(
        request.POST or None,
        initial=rows_initial,
        prefix="weitergabe",
        form_kwargs={"recipients": selectors.recipients(user=user)},
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [row for row in (f.row() for f in formset) if row is not None]
        saved, ok = call_service(
            form,
            _save_application,
            actor=user,
            programme=programme,
            form=form,
            rows=rows,
            upload=form.cleaned_data.get("signed_form"),
        )
        if ok and request.POST.get("action") != "submit":
            messages.success(request, _("The draft of the application has been saved."))
            return redirect("funding:county_application_detail", uuid=saved.uuid)
        if ok:
            _submitted, submitted = call_service(
                form,
                services.application_submit,
                actor=user,
                application=saved,
                version=saved.version,
            )
            if submitted:
                messages.success(request, _("The application has been submitted."))
                return redirect("funding:county_application_detail", uuid=saved.uuid)
            # The draft is saved: the page goes on with its new version.
            form.data = form.data.copy()
            form.data["version"] = str(saved.version)
            if saved.signed_form_id:
                form.fields["signed_form"].help_text = _(
                    "A signed form has been uploaded; a new file replaces it. %(hint)s"
                ) % {"hint": UPLOAD_HINT}
            form.add_error(
                None, _("The draft has been saved, but the application was not submitted.")
            )
            application = saved
    return render(
        request,
        "funding/county_application_form.html",
        {
            "form": form,
            "formset": formset,
            "programme": programme,
            "current": current,
            "application": application,
            "extension": selectors.extension_for(programme, user.kreis_id),
            "nav": NAV,
        },
    )


@require_GET
def county_application_detail(request, uuid):
    user = request.user
    application = selectors.county_application_get(user=user, uuid=uuid)
    can_apply = rules.can_apply(user)
    granted = application.status == ApplicationStatus.GRANTED
    proof = getattr(application, "proof", None) if granted else None
    return render(
        request,
        "funding/county_application_detail.html",
        {
            "application": application,
            "programme": application.programme,
            "current": selectors.county_programme(user=user, programme=application.programme),
            "pass_throughs": application.pass_throughs.select_related("organisation"),
            "payouts": application.payouts.all(),
            "paid_total": services.paid_total(application),
            "proof": proof,
            "proof_rows": selectors.figure_rows(proof.figures) if proof else [],
            "editable": can_apply and application.status in EDITABLE,
            "can_record": can_apply and granted,
            "can_prove": can_apply
            and granted
            and (proof is None or proof.status == ProofStatus.CORRECTION),
            "nav": NAV,
        },
    )


@require_POST
def county_application_submit(request, uuid):
    user = request.user
    application = selectors.county_application_get(user=user, uuid=uuid)
    _require_apply(user)
    try:
        services.application_submit(
            actor=user, application=application, version=_int(request.POST.get("version"))
        )
    except ConflictError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The application has been submitted."))
    return redirect("funding:county_application_detail", uuid=application.uuid)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- after the grant ----------------------------------------------------------------------------


def _granted(request, uuid):
    """The county's granted application for a write of the coordination (else back to it)."""
    user = request.user
    application = selectors.county_application_get(user=user, uuid=uuid)
    _require_apply(user)
    if application.status != ApplicationStatus.GRANTED:
        messages.info(request, _("This is possible once the application has been granted."))
        return application, redirect("funding:county_application_detail", uuid=application.uuid)
    return application, None


def _record_all(*, actor, changes):
    """Record every changed amount, or none of them."""
    with transaction.atomic():
        for pass_through, paid in changes:
            try:
                services.pass_through_record(actor=actor, pass_through=pass_through, paid=paid)
            except ValidationError as exc:
                field = f"paid_{pass_through.pk}"
                found = exc.message_dict.get("paid") if hasattr(exc, "error_dict") else None
                raise ValidationError({field: found or exc.messages}) from None


def county_pass_through(request, uuid):
    """The amounts the county has passed on to each recipient so far."""
    application, refused = _granted(request, uuid)
    if refused:
        return refused
    rows = application.pass_throughs.select_related("organisation")
    form = PaidForm(request.POST or None, pass_throughs=rows)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(form, _record_all, actor=request.user, changes=form.changes())
        if ok:
            messages.success(request, _("The amounts passed on have been recorded."))
            return redirect("funding:county_application_detail", uuid=application.uuid)
    return render(
        request,
        "funding/county_pass_through.html",
        {"form": form, "application": application, "programme": application.programme, "nav": NAV},
    )


def _submit_proof(*, actor, application, spent, upload):
    with transaction.atomic():
        narrative = _store(actor, upload, "narrative")
        return services.proof_submit(
            actor=actor, application=application, spent=spent, narrative=narrative
        )


def county_proof(request, uuid):
    """The proof of use: the figures of the funding period come from the case work (shown before
    submitting, nothing to type), the county enters the money spent and uploads its report."""
    application, refused = _granted(request, uuid)
    if refused:
        return refused
    proof = getattr(application, "proof", None)
    if proof is not None and proof.status != ProofStatus.CORRECTION:
        messages.info(request, _("The proof of use has already been submitted."))
        return redirect("funding:county_application_detail", uuid=application.uuid)
    form = ProofForm(
        request.POST or None,
        request.FILES or None,
        initial={"spent": proof.spent} if proof else {},
        has_narrative=bool(proof and proof.narrative_id),
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            _submit_proof,
            actor=request.user,
            application=application,
            spent=form.cleaned_data["spent"],
            upload=form.cleaned_data.get("narrative"),
        )
        if ok:
            messages.success(request, _("The proof of use has been submitted."))
            return redirect("funding:county_application_detail", uuid=application.uuid)
    snapshot = services.proof_figures(application)
    return render(
        request,
        "funding/county_proof.html",
        {
            "form": form,
            "application": application,
            "programme": application.programme,
            "proof": proof,
            "paid_total": services.paid_total(application),
            "figure_rows": selectors.figure_rows(snapshot),
            "period": selectors.snapshot_period(snapshot),
            "nav": NAV,
        },
    )


@require_GET
def county_document(request, uuid):
    """A document of the own county (the signed form, the narrative report) for download."""
    document = selectors.document_get(user=request.user, uuid=uuid)
    from wegweiser.funding.selectors import download_recorded

    download_recorded(
        user=request.user,
        action="funding.document.downloaded",
        obj=document,
        data={"size": document.size},
    )
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Cache-Control"] = "no-store"
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
    response["Content-Disposition"] = (
        f'attachment; filename="dokument-{document.uuid}.{extension[document.content_type]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
