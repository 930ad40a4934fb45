"""Views of the case file: thin, they parse input, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.selectors import case_timeline_entries
from wegweiser.clients import rules, selectors, services, views_duplicates
from wegweiser.clients.forms import (
    AccessReasonForm,
    CaseCloseForm,
    CaseForm,
    ClientCreateForm,
    ClientForm,
    ConsentForm,
    ConsentWithdrawForm,
    SearchForm,
)
from wegweiser.clients.models import Household
from wegweiser.core.forms import call_service
from wegweiser.core.paging import parts_page
from wegweiser.counselling.selectors import session_rows, sessions_of_case

PAGE_SIZE = selectors.PAGE_ROWS
SEARCH_IDS = 500


def case_list(request):
    user = request.user
    if not (user.does_casework or user.has_county_overview):
        raise PermissionDenied
    # The search is sent by POST: names and dates of birth never appear in URLs, browser
    # histories or server logs.
    form = SearchForm(request.POST if request.method == "POST" else None)
    query, status = "", "open"
    if form.is_valid():
        query = form.cleaned_data["q"]
        status = form.cleaned_data["status"] or "open"
    number = request.POST.get("seite") or request.GET.get("seite")
    page = None
    if query:
        # A search finds few cases: their ids in one query, paged here (no COUNT beforehand).
        cases = selectors.case_list(user, status=status, query=query)
        found = list(cases.values_list("pk", flat=True)[: SEARCH_IDS + 1])
        if len(found) <= SEARCH_IDS:
            page = Paginator(found, PAGE_SIZE).get_page(number)
    if page is None:
        # The own cases and the team's other cases each from their index, in one query.
        parts = selectors.case_list_parts(user, status=status, query=query)
        page = parts_page(parts, number, PAGE_SIZE)
    page.object_list = selectors.case_rows(page.object_list)
    template = "clients/_case_table.html" if request.htmx else "clients/case_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query,
            "status": status,
            "nav": "cases",
            "show_names": user.does_casework,
        },
    )


def client_create(request):
    user = request.user
    if not rules.can_create_cases(user):
        raise PermissionDenied
    household = None
    if request.GET.get("haushalt"):
        household = _household_or_404(user, request.GET["haushalt"])
    form = ClientCreateForm(
        request.POST or None, kreis=user.kreis, initial={"opened_on": timezone.localdate()}
    )
    if household is not None:
        del form.fields["household_label"]
    else:
        del form.fields["open_case"]
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = views_duplicates.intake_duplicates(user, form)
    if request.method == "POST" and form.is_valid() and not duplicates:
        open_case = household is None or form.cleaned_data["open_case"]
        client, ok = call_service(
            form,
            services.client_create,
            actor=user,
            household=household,
            open_case=open_case,
            opened_on=form.cleaned_data["opened_on"],
            new_household_label=form.cleaned_data.get("household_label") or "",
            **form.service_fields(),
        )
        if ok:
            views_duplicates.intake_confirmed(user, form, client)
            if not open_case:
                messages.success(request, _("The household member has been added."))
                case = selectors.household_case(user, household)
            else:
                messages.success(request, _("The case file has been created."))
                case = client.cases.get(closed_on__isnull=True)
            return redirect("clients:case_detail", uuid=case.uuid)
    if not duplicates:
        form.fields.pop("not_a_duplicate", None)
    return render(
        request,
        "clients/client_form.html",
        {
            "form": form,
            "household": household,
            "nav": "new",
            "creating": True,
            "duplicates": duplicates,
        },
    )


def _household_or_404(user, uuid) -> Household:
    from django.http import Http404

    try:
        household = Household.objects.get(uuid=uuid, kreis_id=user.kreis_id)
    except (Household.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    if not selectors.client_queryset(user).filter(household=household).exists():
        raise Http404
    return household


def case_detail(request, uuid):
    user = request.user
    case, access = selectors.case_get(user=user, uuid=uuid)
    if access is rules.Access.NEEDS_REASON:
        return _access_reason(request, case)
    services.case_viewed(actor=user, case=case)
    client = case.client
    consents = selectors.consents_of(client)
    context = {
        "case": case,
        "client": client,
        "access": access,
        "can_edit": access is rules.Access.EDIT,
        "members": selectors.household_members(client),
        "consent": selectors.active_consent(client, consents),
        "consents": consents,
        "sessions": session_rows(case),
        "nav": "cases",
        "period_warning": _period_warning(case),
        "restricted": access is rules.Access.CONTENT and rules.is_restricted(case),
    }
    return render(request, "clients/case_detail.html", context)


def _period_warning(case) -> bool:
    if not case.is_open:
        return False
    days_left = (case.period_ends_on - timezone.localdate()).days
    return days_left <= case.kreis.period_warning_days


def _access_reason(request, case):
    form = AccessReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.case_access_reason_record,
            actor=request.user,
            case=case,
            reason=form.cleaned_data["reason"],
        )
        if ok:
            return redirect("clients:case_detail", uuid=case.uuid)
    return render(
        request, "clients/access_reason.html", {"case": case, "form": form, "nav": "cases"}
    )


def _editable_case(request, uuid):
    case, access = selectors.case_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    return case


def client_update(request, uuid):
    case = _editable_case(request, uuid)
    client = case.client
    form = ClientForm(request.POST or None, instance=client, kreis=request.user.kreis)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.client_update,
            actor=request.user,
            client=client,
            version=form.cleaned_data["version"],
            **form.service_fields(),
        )
        if ok:
            messages.success(request, _("The personal data have been saved."))
            return redirect("clients:case_detail", uuid=case.uuid)
    return render(request, "clients/client_form.html", {"form": form, "case": case, "nav": "cases"})


def case_update(request, uuid):
    case = _editable_case(request, uuid)
    initial = {
        "version": case.version,
        "responsible": case.responsible,
        "shared_with_team": case.shared_with_team,
        "period_years": case.period_years,
        "extension_reason": case.extension_reason,
    }
    form = CaseForm(request.POST or None, initial=initial, kreis=request.user.kreis)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.case_update,
            actor=request.user,
            case=case,
            version=form.cleaned_data["version"],
            responsible=form.cleaned_data["responsible"],
            shared_with_team=form.cleaned_data["shared_with_team"],
            period_years=form.cleaned_data["period_years"],
            extension_reason=form.cleaned_data["extension_reason"],
        )
        if ok:
            messages.success(request, _("The case has been saved."))
            return redirect("clients:case_detail", uuid=case.uuid)
    return render(request, "clients/case_form.html", {"form": form, "case": case, "nav": "cases"})


def case_close(request, uuid):
    case = _editable_case(request, uuid)
    form = CaseCloseForm(
        request.POST or None, initial={"version": case.version, "closed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form, services.case_close, actor=request.user, case=case, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("The case has been closed."))
            return redirect("clients:case_detail", uuid=case.uuid)
    return render(request, "clients/case_close.html", {"form": form, "case": case, "nav": "cases"})


def consent_create(request, uuid):
    case = _editable_case(request, uuid)
    form = ConsentForm(
        request.POST or None,
        initial={"given_on": timezone.localdate(), "covers_processing": True},
        kreis=case.kreis,
    )
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form, services.consent_record, actor=request.user, case=case, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("The consent has been recorded."))
            return redirect("clients:case_detail", uuid=case.uuid)
    return render(
        request, "clients/consent_form.html", {"form": form, "case": case, "nav": "cases"}
    )


def consent_withdraw(request, uuid, consent_uuid):
    from django.http import Http404

    case = _editable_case(request, uuid)
    consent = case.client.consents.filter(uuid=consent_uuid).first()
    if consent is None:
        raise Http404
    form = ConsentWithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.consent_withdraw,
            actor=request.user,
            case=case,
            consent=consent,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("The withdrawal has been recorded."))
            return redirect("clients:case_detail", uuid=case.uuid)
    return render(
        request,
        "clients/consent_withdraw.html",
        {"form": form, "case": case, "consent": consent, "nav": "cases"},
    )


def case_timeline(request, uuid):
    user = request.user
    case, access = selectors.case_get(user=user, uuid=uuid)
    if access is rules.Access.NEEDS_REASON:
        return redirect("clients:case_detail", uuid=case.uuid)
    services.case_viewed(actor=user, case=case, part="timeline")
    sessions = list(sessions_of_case(case))
    changes = case_timeline_entries(case)
    items = [
        {"kind": "session", "at": s.held_on, "sort": (s.held_on, 1, s.pk), "session": s}
        for s in sessions
    ]
    items += [
        {
            "kind": "change",
            "at": timezone.localtime(e.at).date(),
            "sort": (timezone.localtime(e.at).date(), 0, e.pk),
            "entry": e,
        }
        for e in changes
    ]
    items.sort(key=lambda item: item["sort"], reverse=True)
    return render(
        request,
        "clients/case_timeline.html",
        {
            "case": case,
            "client": case.client,
            "items": items,
            "consent": selectors.active_consent(case.client),
            "can_edit": access is rules.Access.EDIT,
            "nav": "cases",
        },
    )
