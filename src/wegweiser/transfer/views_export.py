"""The export's pages: what is in it and the request (confidential notes only after a fresh
re-authentication), the job with its progress, the download, the county's recent exports."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from wegweiser.transfer import export, jobs
from wegweiser.transfer.models import RUNNING_STATES, ExportJob

RECENT = 20


def _require(request) -> None:
    if not export.can_export(request.user):
        raise PermissionDenied


def _job(request, uuid) -> ExportJob:
    _require(request)
    return get_object_or_404(ExportJob, uuid=uuid, kreis_id=request.user.kreis_id)


def _wants_confidential(request) -> bool:
    return request.method == "POST" and request.POST.get("include_confidential") == "on"


def _needs_password(request) -> bool:
    # Only someone who may export is asked (others get their 403 without a password prompt).
    return export.can_export(request.user) and _wants_confidential(request)


# The confidential notes leave only with a fresh password: the POST that asks for them is
# suspended, the password asked, and the POST resumed (allauth's re-authentication).
@reauthentication_required(enabled=_needs_password)
def export_home(request):
    _require(request)
    if request.method == "POST":
        job = export.export_request(
            actor=request.user, include_confidential=_wants_confidential(request)
        )
        jobs.enqueue(job)
        return redirect("transfer:export_detail", uuid=job.uuid)
    recent = ExportJob.objects.filter(kreis_id=request.user.kreis_id).select_related("created_by")[
        :RECENT
    ]
    return render(
        request,
        "transfer/export_home.html",
        {"jobs": recent, "nav": "transfer", "kreis": request.user.kreis},
    )


@require_GET
def export_detail(request, uuid):
    job = _job(request, uuid)
    context = {"job": job, "nav": "transfer", "stale": jobs.is_stale(job)}
    if job.state in RUNNING_STATES:
        context["progress"] = jobs.progress_shown(job)
    return render(request, "transfer/export_detail.html", context)


@require_GET
def export_progress(request, uuid):
    """The progress bar (htmx polls it every second); when the export has finished, the page
    reloads to show the download."""
    job = _job(request, uuid)
    if job.state not in RUNNING_STATES:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "transfer/_export_progress.html",
        {"job": job, "progress": jobs.progress_shown(job), "stale": jobs.is_stale(job)},
    )


@require_GET
def export_download(request, uuid):
    job = _job(request, uuid)
    try:
        path = export.export_download(actor=request.user, job=job)
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=job.file_name, content_type="application/zip"
    )
    response["Cache-Control"] = "no-store"
    return response
