"""Views of the data protection features. Thin: parse input, call one service, answer."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wegweiser.clients import rules as case_rules
from wegweiser.clients.models import Case
from wegweiser.core.forms import call_service
from wegweiser.dataprotection import retention as retention_rules
from wegweiser.dataprotection import rules, selectors, services
from wegweiser.dataprotection.forms import (
    AuskunftForm,
    CaseNumberForm,
    DecideForm,
    RestrictionForm,
    RetentionRulesForm,
)
from wegweiser.dataprotection.models import ErasureProposal, ProposalStatus, Restriction


def auskunft_find(request):
    """The data protection officer finds the person by case number."""
    if not rules.is_dpo(request.user):
        raise PermissionDenied
    form = CaseNumberForm(request.GET or None)
    if form.is_valid():
        case = (
            Case.objects.filter(
                kreis_id=request.user.kreis_id, number=form.cleaned_data["number"].strip()
            )
            .only("uuid")
            .first()
        )
        if case is not None:
            return redirect("dataprotection:auskunft", uuid=case.uuid)
        form.add_error("number", _no_case())
    return render(
        request, "dataprotection/auskunft_find.html", {"form": form, "nav": "dataprotection"}
    )


def _no_case():

    return _("There is no case with this number in your county.")


def _case(request, uuid, allowed=rules.may_export) -> Case:
    case = (
        Case.objects.select_related("client", "responsible")
        .filter(kreis_id=request.user.kreis_id, uuid=uuid)
        .first()
    )
    if case is None:
        raise Http404
    if not allowed(request.user, case):
        if case_rules.case_access(request.user, case) is case_rules.Access.NONE:
            raise Http404
        raise PermissionDenied
    return case


@reauthentication_required(allow_get=True)
def auskunft(request, uuid):
    """Produce the Auskunft about the person of a case (JSON or PDF download)."""
    case = _case(request, uuid)
    form = AuskunftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result, ok = call_service(
            form,
            services.auskunft_export,
            actor=request.user,
            case=case,
            fmt=form.cleaned_data["fmt"],
            reference=form.cleaned_data["reference"],
        )
        if ok:
            content, name, mime = result
            response = HttpResponse(content, content_type=mime)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "dataprotection/auskunft.html",
        {
            "case": case,
            "form": form,
            "dpo": rules.is_dpo(request.user),
            "nav": "dataprotection" if rules.is_dpo(request.user) else "cases",
        },
    )


def restriction(request, uuid):
    """Restrict the processing of the person's data (Art. 18), or see the standing restriction."""
    case = _case(request, uuid, allowed=_may_see_restriction)
    standing = (
        Restriction.objects.filter(client_id=case.client_id, lifted_at__isnull=True)
        .select_related("set_by")
        .first()
    )
    form = RestrictionForm(request.POST or None, initial={"requested_on": timezone.localdate()})
    if request.method == "POST" and standing is None and form.is_valid():
        _result, ok = call_service(
            form, services.restriction_set, actor=request.user, case=case, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("The processing of the person's data is now restricted."))
            return redirect("dataprotection:restriction", uuid=case.uuid)
    return render(
        request,
        "dataprotection/restriction.html",
        {
            "case": case,
            "form": form,
            "standing": standing,
            "may_set": rules.may_restrict(request.user, case),
            "may_lift": rules.may_lift(request.user, case),
            "nav": "dataprotection" if rules.is_dpo(request.user) else "cases",
        },
    )


def _may_see_restriction(user, case) -> bool:
    return rules.may_restrict(user, case) or rules.may_export(user, case)


@require_POST
def restriction_lift(request, uuid):
    case = _case(request, uuid, allowed=rules.may_lift)
    try:
        services.restriction_lift(actor=request.user, case=case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The restriction has been lifted."))
    return redirect("dataprotection:restriction", uuid=case.uuid)


def _retention_manager(request):
    if not rules.may_manage_retention(request.user):
        raise PermissionDenied


def retention(request):
    """Erasure proposals of the county (found by the nightly job) and its retention rules."""
    _retention_manager(request)
    kreis_id = request.user.kreis_id
    months = retention_rules.months_by_kind(kreis_id)
    form = RetentionRulesForm(request.POST or None, months=months)
    if request.method == "POST" and form.is_valid():
        for kind, value in form.cleaned_data.items():
            if value != months[kind]:
                _result, ok = call_service(
                    form, services.retention_rule_set, actor=request.user, kind=kind, months=value
                )
                if not ok:
                    break
        else:
            messages.success(request, _("The retention periods have been saved."))
            return redirect("dataprotection:retention")
    return render(
        request,
        "dataprotection/retention.html",
        {
            "form": form,
            "pending": selectors.proposals(kreis_id=kreis_id, status=ProposalStatus.PENDING),
            "kept": selectors.proposals(kreis_id=kreis_id, status=ProposalStatus.KEPT),
            "nav": "dataprotection",
        },
    )


@require_POST
@reauthentication_required
def retention_decide(request):
    """Erase (or keep) the chosen proposals; erasing is irreversible, so it needs a fresh
    password."""
    _retention_manager(request)
    queryset = ErasureProposal.objects.filter(kreis_id=request.user.kreis_id).exclude(
        status=ProposalStatus.ERASED
    )
    form = DecideForm(request.POST, queryset=queryset)
    erase = request.POST.get("action") == "erase"
    if not form.is_valid():
        messages.error(request, _("Please choose at least one entry."))
        return redirect("dataprotection:retention")
    done = 0
    for proposal in form.cleaned_data["proposals"]:
        try:
            services.proposal_decide(
                actor=request.user,
                proposal=proposal,
                erase=erase,
                keep_reason=form.cleaned_data["keep_reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            break
        done += 1
    if done:
        messages.success(
            request,
            (_("Erased: %(n)s.") if erase else _("Kept: %(n)s.")) % {"n": done},
        )
    return redirect("dataprotection:retention")


@require_POST
def erasure_request(request, uuid):
    """The data protection officer records the person's request for erasure (Art. 17)."""
    case = _case(request, uuid, allowed=rules.may_lift)
    try:
        services.erasure_request_record(actor=request.user, case=case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("dataprotection:restriction", uuid=case.uuid)
    messages.success(
        request,
        _("The request for erasure is recorded; confirm it under “Retention and erasure”."),
    )
    return redirect("dataprotection:retention")
