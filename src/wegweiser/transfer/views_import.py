"""The import's pages: upload, assignment of columns, dry run report with decisions, progress."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models.functions import Length
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wegweiser.accounts.models import User
from wegweiser.accounts.roles import CASEWORK_ROLES
from wegweiser.transfer import jobs, services
from wegweiser.transfer.fields import fields_of
from wegweiser.transfer.forms import MappingForm, ReadingForm, UploadForm
from wegweiser.transfer.models import (
    RUNNING_STATES,
    Entity,
    ImportJob,
    ImportMessage,
    JobState,
    MessageLevel,
)
from wegweiser.transfer.rules import can_transfer

MESSAGES_PER_PAGE = 100
DUPLICATES_SHOWN = 500


def _require(request) -> None:
    if not can_transfer(request.user):
        raise PermissionDenied


def _jobs(request):
    """The county's imports without their files (up to 50 MB each): ``has_file`` tells whether
    the file is still kept; it is read only where it is needed."""
    return (
        ImportJob.objects.filter(kreis_id=request.user.kreis_id)
        .defer("file_data")
        .annotate(file_length=Length("file_data"))
    )


def _job(request, uuid) -> ImportJob:
    _require(request)
    job = get_object_or_404(_jobs(request), uuid=uuid)
    job.has_file = bool(job.file_length)
    return job


def _responsibles(user):
    return User.objects.filter(
        kreis_id=user.kreis_id, role__in=list(CASEWORK_ROLES), is_active=True
    ).order_by("last_name", "first_name")


def import_list(request):
    _require(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_upload(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=upload.read(),
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("transfer:import_detail", uuid=job.uuid)
    recent = ImportJob.objects.filter(kreis_id=request.user.kreis_id).select_related("created_by")[
        :30
    ]
    return render(
        request,
        "transfer/import_list.html",
        {"form": form, "jobs": recent, "nav": "transfer"},
    )


def _mapping_context(request, job: ImportJob, form=None, reading_form=None) -> dict:
    if form is None:
        initial = {f"map_{key}": header for key, header in job.mapping.items()}
        if job.default_responsible_id:
            initial["default_responsible"] = job.default_responsible_id
        if job.template_id:
            initial["template_name"] = job.template.name
        form = MappingForm(
            kind=job.kind,
            headers=job.headers,
            responsibles=_responsibles(request.user),
            initial=initial,
        )
    if reading_form is None:
        reading_form = ReadingForm(
            sheets=job.reading.get("sheets") or [],
            initial={
                "sheet": job.reading.get("sheet", ""),
                "header_row": job.reading.get("header_row"),
            },
        )
    samples = job.reading.get("samples") or {}
    rows = []
    for f in fields_of(job.kind):
        bound = form[f"map_{f.key}"]
        rows.append({"field": f, "bound": bound, "sample": samples.get(bound.value() or "")})
    return {"mapping_form": form, "mapping_rows": rows, "reading_form": reading_form}


def import_detail(request, uuid):
    job = _job(request, uuid)
    context = {"job": job, "nav": "transfer", "stale": jobs.is_stale(job)}
    if job.state in RUNNING_STATES:
        context["progress"] = _progress(job)
    elif job.state in (JobState.UPLOADED, JobState.FAILED) and job.has_file:
        context.update(_mapping_context(request, job))
    elif job.state == JobState.CHECKED:
        context.update(_report_context(request, job))
        if request.GET.get("zuordnung") and job.has_file:
            context.update(_mapping_context(request, job))
        services.import_report_viewed(actor=request.user, job=job)
    if job.state in (JobState.CHECKED, JobState.DONE):
        context["summary_rows"] = _summary_rows(job.result or job.summary)
    return render(request, "transfer/import_detail.html", context)


def _summary_rows(summary: dict) -> list[dict]:
    rows = []
    for entity in Entity:
        create = (summary.get("create") or {}).get(entity.value, 0)
        update = (summary.get("update") or {}).get(entity.value, 0)
        unchanged = (summary.get("unchanged") or {}).get(entity.value, 0)
        if create or update or unchanged:
            rows.append(
                {"label": entity.label, "create": create, "update": update, "unchanged": unchanged}
            )
    return rows


def _report_context(request, job: ImportJob) -> dict:
    problems = ImportMessage.objects.filter(job=job).exclude(level=MessageLevel.DUPLICATE)
    page = Paginator(problems.order_by("row", "pk"), MESSAGES_PER_PAGE).get_page(
        request.GET.get("seite")
    )
    duplicates = list(
        ImportMessage.objects.filter(job=job, level=MessageLevel.DUPLICATE).order_by("row")[
            : DUPLICATES_SHOWN + 1
        ]
    )
    more = len(duplicates) > DUPLICATES_SHOWN
    return {
        "problems": page,
        "duplicates": duplicates[:DUPLICATES_SHOWN],
        "more_duplicates": more,
        "decisions": job.decisions,
    }


def _progress(job: ImportJob) -> dict:
    shown = jobs.progress_shown(job)
    # The rows of the file (the import reports its two passes over them as one total).
    total = shown["total"]
    rows = job.reading.get("rows") or (total if job.state == JobState.CHECKING else total // 2)
    return {**shown, "rows": rows}


def import_progress(request, uuid):
    """The progress bar (htmx polls it every second); when the job has finished, the page
    reloads to show the result."""
    job = _job(request, uuid)
    if job.state not in RUNNING_STATES:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "transfer/_import_progress.html",
        {"job": job, "progress": _progress(job), "stale": jobs.is_stale(job)},
    )


def _back(job: ImportJob):
    return redirect(reverse("transfer:import_detail", kwargs={"uuid": job.uuid}))


@require_POST
def import_reread(request, uuid):
    job = _job(request, uuid)
    form = ReadingForm(request.POST, sheets=job.reading.get("sheets") or [])
    if form.is_valid():
        try:
            services.import_reread(
                actor=request.user,
                job=job,
                sheet=form.cleaned_data.get("sheet") or "",
                header_row=form.cleaned_data.get("header_row"),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return _back(job)
    context = {"job": job, "nav": "transfer", "stale": False}
    context.update(_mapping_context(request, job, reading_form=form))
    return render(request, "transfer/import_detail.html", context, status=400)


@require_POST
def import_map(request, uuid):
    job = _job(request, uuid)
    form = MappingForm(
        request.POST,
        kind=job.kind,
        headers=job.headers,
        responsibles=_responsibles(request.user),
    )
    if form.is_valid():
        try:
            services.import_map(
                actor=request.user,
                job=job,
                mapping=form.mapping(),
                default_responsible=form.cleaned_data.get("default_responsible"),
                template_name=form.cleaned_data.get("template_name") or "",
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return _back(job)
    context = {"job": job, "nav": "transfer", "stale": False}
    context.update(_mapping_context(request, job, form=form))
    return render(request, "transfer/import_detail.html", context, status=400)


@require_POST
def import_start(request, uuid):
    job = _job(request, uuid)
    decisions = {
        key[len("decision-") :]: value
        for key, value in request.POST.items()
        if key.startswith("decision-") and value
    }
    try:
        services.import_start(
            actor=request.user,
            job=job,
            decisions=decisions,
            skip_refused=request.POST.get("skip_refused") == "on",
            default_decision=request.POST.get("default_decision", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(job)


@require_POST
def import_discard(request, uuid):
    job = _job(request, uuid)
    try:
        services.import_discard(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(job)
    messages.success(request, _("The import was discarded and its file deleted."))
    return redirect("transfer:import_list")


@require_POST
def import_restart(request, uuid):
    job = _job(request, uuid)
    try:
        services.import_restart(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(job)
