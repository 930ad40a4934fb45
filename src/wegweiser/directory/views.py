"""Views of the directory: thin, they parse input, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wegweiser.core.forms import call_service
from wegweiser.directory import hsds, pdf, rules, selectors, services
from wegweiser.directory.forms import (
    DeactivateForm,
    FilterForm,
    ImportForm,
    ProviderForm,
    ServiceForm,
)

PAGE_SIZE = 50


def service_list(request):
    user = request.user
    if not rules.can_read(user):
        raise PermissionDenied
    # Services are no personal data: the filters are sent by GET, so a search can be bookmarked.
    form = FilterForm(request.GET or None, municipalities=selectors.municipalities(user=user))
    filters: dict = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"],
            "field_of_action": data["field_of_action"],
            "language": data["language"],
            "municipality": data["municipality"],
            "include_inactive": data["inactive"] and rules.can_edit(user),
        }
    page = Paginator(selectors.service_list(user=user, **filters), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    if not rules.can_edit(user):
        form.fields.pop("inactive")
    query = request.GET.copy()
    query.pop("seite", None)
    context = {
        "form": form,
        "page": page,
        "filtered": any(filters.values()),
        "query_string": query.urlencode(),
        "can_edit": rules.can_edit(user),
        "can_import": rules.can_import(user),
        "nav": "directory",
    }
    template = "directory/_service_table.html" if request.htmx else "directory/service_list.html"
    return render(request, template, context)


def service_detail(request, uuid):
    service, access = selectors.service_get(user=request.user, uuid=uuid)
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "can_edit": access is rules.Access.EDIT,
            "provider_access_edit": rules.access(request.user, service.provider)
            is rules.Access.EDIT,
            "nav": "directory",
        },
    )


def _service_form(request, instance=None):
    user = request.user
    return ServiceForm(
        request.POST or None,
        instance=instance,
        providers=selectors.provider_list(user=user, editable=True),
        municipalities=selectors.municipalities(user=user),
        counties=selectors.counties(user=user),
    )


def service_create(request):
    if not rules.can_edit(request.user):
        raise PermissionDenied
    form = _service_form(request)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        service, ok = call_service(form, services.service_create, actor=request.user, **fields)
        if ok:
            messages.success(request, _("The service has been created."))
            return redirect("directory:service_detail", uuid=service.uuid)
    return render(
        request,
        "directory/service_form.html",
        {"form": form, "creating": True, "nav": "directory"},
    )


def _editable_service(request, uuid):
    service, access = selectors.service_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    return service


def service_update(request, uuid):
    service = _editable_service(request, uuid)
    form = _service_form(request, instance=service)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        _result, ok = call_service(
            form,
            services.service_update,
            actor=request.user,
            service=service,
            version=form.cleaned_data["version"],
            **fields,
        )
        if ok:
            messages.success(request, _("The service has been saved."))
            return redirect("directory:service_detail", uuid=service.uuid)
    return render(
        request,
        "directory/service_form.html",
        {"form": form, "service": service, "nav": "directory"},
    )


def service_deactivate(request, uuid):
    service = _editable_service(request, uuid)
    form = DeactivateForm(request.POST or None, initial={"version": service.version})
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.service_set_active,
            actor=request.user,
            service=service,
            version=form.cleaned_data["version"],
            active=False,
        )
        if ok:
            messages.success(request, _("The service has been deactivated."))
            return redirect("directory:service_detail", uuid=service.uuid)
    return render(
        request,
        "directory/service_deactivate.html",
        {"form": form, "service": service, "nav": "directory"},
    )


@require_POST
def service_reactivate(request, uuid):
    service = _editable_service(request, uuid)
    try:
        services.service_set_active(actor=request.user, service=service, version=None, active=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The service has been reactivated."))
    return redirect("directory:service_detail", uuid=service.uuid)


def provider_create(request):
    if not rules.can_edit(request.user):
        raise PermissionDenied
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider, ok = call_service(
            form, services.provider_create, actor=request.user, **form.service_fields()
        )
        if ok:
            messages.success(request, _("The provider has been created."))
            return redirect("directory:service_create")
    return render(
        request,
        "directory/provider_form.html",
        {"form": form, "creating": True, "nav": "directory"},
    )


def provider_update(request, uuid):
    provider, access = selectors.provider_get(user=request.user, uuid=uuid)
    if access is not rules.Access.EDIT:
        raise PermissionDenied
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        _result, ok = call_service(
            form,
            services.provider_update,
            actor=request.user,
            provider=provider,
            version=form.cleaned_data["version"],
            **form.service_fields(),
        )
        if ok:
            messages.success(request, _("The provider has been saved."))
            return redirect("directory:service_list")
    return render(
        request,
        "directory/provider_form.html",
        {"form": form, "provider": provider, "nav": "directory"},
    )


def directory_import(request):
    if not rules.can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result, ok = call_service(
            form, hsds.import_upload, actor=request.user, data=form.cleaned_data["file"].read()
        )
        if ok:
            messages.success(
                request,
                _(
                    "Import complete: %(created)s services created, %(updated)s updated, "
                    "%(providers)s new providers."
                )
                % {
                    "created": result.services_created,
                    "updated": result.services_updated,
                    "providers": result.providers_created,
                },
            )
            return redirect("directory:service_list")
    return render(request, "directory/import.html", {"form": form, "nav": "directory"})


@require_GET
def directory_export(request):
    user = request.user
    if not rules.can_read(user):
        raise PermissionDenied
    kind = request.GET.get("format", "json")
    if kind not in ("json", "csv"):
        kind = "json"
    providers, service_qs = selectors.export_scope(user=user)
    tables = hsds.export_tables(providers, service_qs)
    scope = user.kreis.ags if user.kreis_id else f"land-{user.land.code.lower()}"
    name = f"wegweiser-angebote-{scope}"
    title = _("Services and regular services") + f" ({user.kreis or user.land})"
    services.export_recorded(actor=user, kind=kind, count=len(tables["service"]))
    if kind == "csv":
        body = hsds.to_csv_zip(tables, name=name, title=title)
        response = HttpResponse(body, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    else:
        body = hsds.to_json(tables, name=name, title=title)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@require_POST
def services_pdf(request):
    user = request.user
    if not rules.can_read(user):
        raise PermissionDenied
    chosen = selectors.services_by_uuid(user=user, uuids=request.POST.getlist("angebot")[:100])
    if not chosen:
        messages.error(request, _("Please select at least one service for the overview."))
        return redirect("directory:service_list")
    body = pdf.services_overview(chosen, today=timezone.localdate())
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="angebote.pdf"'
    return response
