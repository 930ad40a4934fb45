from __future__ import annotations

import csv
from functools import wraps

from allauth.account.decorators import reauthentication_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wegweiser.audit.forms import AuditFilterForm
from wegweiser.audit.selectors import audit_log
from wegweiser.audit.services import audit_record
from wegweiser.clients.models import Case
from wegweiser.clients.selectors import search_q


def _filtered(request):
    user = request.user
    if not user.reads_audit_log:
        raise PermissionDenied
    # Filters are sent by POST: a person's name never appears in URLs or server logs.
    form = AuditFilterForm(request.POST if request.method == "POST" else None, kreis=user.kreis)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"actor": data["actor"], "since": data["since"], "until": data["until"]}
        if data["person"]:
            # Any case of the Kreis: the log is about access, and shows no case content.
            cases = Case.objects.filter(kreis_id=user.kreis_id).filter(search_q(data["person"]))
            filters["client_uuids"] = list(cases.values_list("client__uuid", flat=True)[:200])
    return form, audit_log(user=user, **filters)


def log(request):
    form, entries = _filtered(request)
    page = Paginator(entries, 100).get_page(request.POST.get("seite"))
    return render(request, "audit/log.html", {"form": form, "page": page, "nav": "audit"})


def _audit_reader_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.reads_audit_log:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@_audit_reader_required
@require_POST
@reauthentication_required
def export(request):
    form, entries = _filtered(request)
    # Which filters were used, not their values (a person's name stays out of the log).
    used = sorted(name for name in form.fields if form.is_bound and form.data.get(name))
    audit_record(actor=request.user, action="audit.log.exported", data={"filters": used})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="protokoll-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "Zeit (UTC)",
            "Benutzer",
            "Aktion",
            "Objekttyp",
            "Objekt",
            "Person",
            "Fall",
            "IP",
            "Details",
        ]
    )
    for e in entries.iterator(chunk_size=2000):
        writer.writerow(
            [
                e.at.isoformat(),
                e.actor_label,
                e.action,
                e.object_type,
                e.object_uuid or "",
                e.client_uuid or "",
                e.case_uuid or "",
                e.ip or "",
                _safe(e.data),
            ]
        )
    return response


def _safe(data) -> str:
    """JSON details for CSV; a leading formula character is neutralised (CSV injection)."""
    import json

    text = json.dumps(data, ensure_ascii=False) if data else ""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
