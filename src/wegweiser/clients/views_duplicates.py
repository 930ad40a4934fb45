"""Duplicates: the warning at intake, the merge of two case files, the county-wide report."""

from __future__ import annotations

import uuid as uuid_module

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_record
from wegweiser.clients import duplicates, rules, selectors
from wegweiser.clients.forms_duplicates import CaseMergeForm
from wegweiser.clients.models import Case
from wegweiser.clients.services_merge import case_merge as merge_service
from wegweiser.core.forms import call_service

# --- intake ----------------------------------------------------------------------------------


def intake_duplicates(user, form) -> list[duplicates.Candidate]:
    """For a valid client form: the likely duplicates the user has not confirmed away yet
    (empty: go on creating). A confirmation is remembered on the form for the audit entry."""
    data = form.cleaned_data
    found = duplicates.candidates(
        user=user,
        given_names=data.get("given_names") or "",
        family_name=data.get("family_name") or "",
        given_names_latin=data.get("given_names_latin") or "",
        family_name_latin=data.get("family_name_latin") or "",
        birth_date=data.get("birth_date") if data.get("birth_date_precision") == "full" else None,
        birth_year=data.get("birth_year") if data.get("birth_date_precision") == "year" else None,
        gender=data.get("gender") or "",
    )
    if not found:
        return []
    if data.get("not_a_duplicate"):
        form.confirmed_duplicates = found
        return []
    form.add_error(
        "not_a_duplicate",
        _("Please check the persons listed above and confirm that none of them is this person."),
    )
    audit_record(
        actor=user,
        action="clients.duplicates.warned",
        data={
            "likely": sum(1 for c in found if c.level == "likely"),
            "possible": sum(1 for c in found if c.level == "possible"),
            "not_visible": sum(1 for c in found if not c.visible),
        },
    )
    return found


def intake_confirmed(user, form, client) -> None:
    """The person was created although the form had warned of duplicates: on the record."""
    found = getattr(form, "confirmed_duplicates", None)
    if found:
        audit_record(
            actor=user,
            action="clients.duplicates.overridden",
            obj=client,
            client=client,
            data={"candidates": len(found), "best_score": found[0].score},
        )


# --- merge -----------------------------------------------------------------------------------


def case_merge(request, uuid):
    case, access = selectors.case_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    found = [
        c
        for c in duplicates.candidates_for_client(user=request.user, client=case.client)
        if c.editable and c.case is not None and c.case.pk != case.pk
    ]
    cases = {str(c.case.uuid): c for c in found}
    # Further case files of the same person (recorded twice as a case, not as a person).
    for other in Case.objects.filter(client=case.client).exclude(pk=case.pk):
        if str(other.uuid) not in cases and rules.case_access(request.user, other) is (
            rules.Access.EDIT
        ):
            cases[str(other.uuid)] = duplicates.Candidate(
                client=other.client,
                score=1.0,
                level="likely",
                reasons=["same_name"],
                case=other,
                visible=True,
                editable=True,
            )
    cases = {k: v for k, v in cases.items() if v.case.close_reason != "merged"}
    wanted = request.GET.get("mit", "")
    initial = {"version": case.version}
    try:
        if str(uuid_module.UUID(wanted)) in cases:
            initial["other"] = str(uuid_module.UUID(wanted))
    except ValueError:
        pass
    form = CaseMergeForm(
        request.POST or None,
        initial=initial,
        others=[(key, _merge_label(c)) for key, c in cases.items()],
    )
    if request.method == "POST" and form.is_valid():
        other = cases[form.cleaned_data["other"]].case
        if form.cleaned_data["stays"] == "this":
            source, target = other, case
            versions = {"target_version": form.cleaned_data["version"]}
        else:
            source, target = case, other
            versions = {"source_version": form.cleaned_data["version"]}
        result, ok = call_service(
            form, merge_service, actor=request.user, source=source, target=target, **versions
        )
        if ok:
            messages.success(
                request,
                _("The case file %(source)s has been merged into %(target)s.")
                % {"source": result.source.number, "target": result.target.number},
            )
            return redirect("clients:case_detail", uuid=result.target.uuid)
    return render(
        request,
        "clients/case_merge.html",
        {"case": case, "form": form, "candidates": list(cases.values()), "nav": "cases"},
    )


def _merge_label(candidate: duplicates.Candidate) -> str:
    client, case = candidate.client, candidate.case
    born = (
        client.birth_date.strftime("%d.%m.%Y")
        if client.birth_date
        else str(client.birth_year or "?")
    )
    return f"{case.number} · {client.full_name} · {born} · {case.responsible.display_name}"


# --- report ----------------------------------------------------------------------------------


def duplicate_report(request):
    user = request.user
    if not duplicates.can_view_report(user):
        raise PermissionDenied
    pairs = duplicates.report_pairs(user=user)
    audit_record(actor=user, action="clients.duplicates.report_viewed", data={"pairs": len(pairs)})
    return render(
        request,
        "clients/duplicate_report.html",
        {"pairs": pairs, "show_names": user.does_casework, "nav": "cases"},
    )
