"""The access review page and its exports (data-protection officer, county administrator)."""

from __future__ import annotations

from functools import wraps

from allauth.account.decorators import reauthentication_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from wegweiser.audit import access_review_files as files
from wegweiser.audit.access_review import (
    BURST_CASES,
    BURST_MINUTES,
    NIGHT_FROM,
    NIGHT_UNTIL,
    access_review,
    default_period,
)
from wegweiser.audit.forms_review import AccessReviewForm
from wegweiser.audit.services import audit_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PER_PAGE = 200


def _audit_reader_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.reads_audit_log:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _review(request):
    """The review for the filter sent (POST keeps even the user filter out of URLs and logs);
    without a valid filter, the last 30 days of everyone."""
    user = request.user
    form = AccessReviewForm(request.POST if request.method == "POST" else None, kreis=user.kreis)
    if form.is_valid():
        data = form.cleaned_data
        review = access_review(
            user=user,
            since=data["since"],
            until=data["until"],
            actor=data["actor"],
            only_flagged=data["only_flagged"],
        )
    else:
        since, until = default_period()
        if not form.is_bound:
            form = AccessReviewForm(initial={"since": since, "until": until}, kreis=user.kreis)
        review = access_review(user=user, since=since, until=until)
    return form, review


@_audit_reader_required
@require_http_methods(["GET", "POST"])
def access_review_page(request):
    form, review = _review(request)
    return _render(request, form, review)


def _render(request, form, review, status=200):
    page = Paginator(review.rows, ROWS_PER_PAGE).get_page(request.POST.get("seite"))
    context = {
        "form": form,
        "review": review,
        "page": page,
        "burst_cases": BURST_CASES,
        "burst_minutes": BURST_MINUTES,
        "night_from": NIGHT_FROM,
        "night_until": NIGHT_UNTIL,
        "nav": "audit",
    }
    return render(request, "audit/access_review.html", context, status=status)


def _export(request, fmt: str):
    form, review = _review(request)
    if form.is_bound and not form.is_valid():
        # A wrong filter exports nothing: the page shows what to correct.
        return _render(request, form, review, status=400)
    # The period and which filters were used; no user, no case (the log holds no personal data).
    used = sorted(
        name for name in ("actor", "only_flagged") if form.is_bound and form.cleaned_data.get(name)
    )
    audit_record(
        actor=request.user,
        action="audit.access_review.exported",
        data={
            "format": fmt,
            "since": review.since.isoformat(),
            "until": review.until.isoformat(),
            "filters": used,
        },
    )
    if fmt == "csv":
        response = HttpResponse(files.review_csv(review), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(files.review_xlsx(review), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{files.filename(review, fmt)}"'
    return response


@_audit_reader_required
@require_POST
@reauthentication_required
def access_review_csv(request):
    return _export(request, "csv")


@_audit_reader_required
@require_POST
@reauthentication_required
def access_review_xlsx(request):
    return _export(request, "xlsx")
