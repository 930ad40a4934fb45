"""Every write of the directory. Each service runs in one transaction, checks the actor's
rights, validates, and writes the audit entry."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_record
from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import LANGUAGES
from wegweiser.core.services import apply_changes, lock_for_update
from wegweiser.directory import rules
from wegweiser.directory.models import Service, ServiceKind, ServiceProvider

PROVIDER_FIELDS = ("name", "description", "email", "website", "phone", "external_id")
SERVICE_FIELDS = (
    "name",
    "kind",
    "description",
    "fields_of_action",
    "languages",
    "street",
    "postal_code",
    "city",
    "municipality",
    "contact_name",
    "phone",
    "email",
    "website",
    "opening_hours",
    "by_appointment_only",
    "accessibility",
    "costs",
    "eligibility",
    "external_id",
)
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGES)

# A cell that a spreadsheet would run as a formula (CSV/formula injection). A leading + or - is
# allowed only for something that looks like a phone number or a number ("+49 7571 102-0").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-]?[\d\s()/.\-]+$")


def looks_like_formula(value) -> bool:
    if not isinstance(value, str) or not value or not value.startswith(_FORMULA_START):
        return False
    return not (value[0] in "+-" and _NUMBER_LIKE.match(value))


def _check_formulas(obj, names) -> None:
    errors = {}
    for name in names:
        if looks_like_formula(getattr(obj, name, None)):
            errors[name] = _("The text must not start with =, +, -, @ (spreadsheet formula).")
    if errors:
        raise ValidationError(errors)


def _require_edit(actor, entry) -> None:
    access = rules.access(actor, entry)
    if access is rules.Access.NONE:
        raise Http404
    if access is not rules.Access.EDIT:
        raise PermissionDenied


def _require_create(actor) -> None:
    if not rules.can_edit(actor):
        raise PermissionDenied


def _check_choices(service: Service) -> None:
    errors = {}
    if not isinstance(service.fields_of_action, list) or any(
        f not in FieldOfAction.values for f in service.fields_of_action
    ):
        errors["fields_of_action"] = _("Please choose only fields of action from the list.")
    if not isinstance(service.languages, list) or any(
        code not in LANGUAGE_CODES for code in service.languages
    ):
        errors["languages"] = _("Please choose only languages from the list.")
    if service.kind not in ServiceKind.values:
        errors["kind"] = _("Please choose a kind of service from the list.")
    if errors:
        raise ValidationError(errors)
    # A stable order, so that an unchanged selection is no change.
    service.fields_of_action = [f for f in FieldOfAction.values if f in service.fields_of_action]
    service.languages = sorted(set(service.languages))


def _check_municipality(actor, service: Service) -> None:
    from wegweiser.directory.selectors import municipalities

    if (
        service.municipality_id
        and not municipalities(user=actor).filter(pk=service.municipality_id).exists()
    ):
        raise ValidationError({"municipality": _("Please choose a municipality of your county.")})


def _check_provider(actor, service: Service) -> None:
    provider = service.provider
    if provider.kreis_id != service.kreis_id or provider.land_id != service.land_id:
        raise ValidationError(
            {"provider": _("Please choose a provider that belongs to the same directory.")}
        )
    if rules.access(actor, provider) is not rules.Access.EDIT:
        raise ValidationError({"provider": _("Please choose a provider you may edit.")})


def _set_counties(actor, service: Service, counties_served) -> list[int]:
    """Counties served must be of the actor's Land; returns the ids set."""
    if counties_served is None:
        return sorted(service.counties_served.values_list("pk", flat=True))
    ids = sorted({c.pk for c in counties_served})
    if any(c.land_id != service.land_id for c in counties_served):
        raise ValidationError({"counties_served": _("Please choose counties of your state.")})
    service.counties_served.set(ids)
    return ids


def _unique_provider_name(provider: ServiceProvider) -> None:
    clash = ServiceProvider.objects.filter(
        kreis_id=provider.kreis_id, land_id=provider.land_id, name=provider.name
    ).exclude(pk=provider.pk)
    if clash.exists():
        raise ValidationError({"name": _("A provider with this name already exists.")})


@transaction.atomic
def provider_create(*, actor, **fields) -> ServiceProvider:
    _require_create(actor)
    kreis_id, land_id = rules.target_scope(actor)
    provider = ServiceProvider(
        kreis_id=kreis_id,
        land_id=land_id,
        **{k: v for k, v in fields.items() if k in PROVIDER_FIELDS},
    )
    _check_formulas(provider, PROVIDER_FIELDS)
    _unique_provider_name(provider)
    provider.full_clean(validate_constraints=False)
    provider.save()
    audit_record(actor=actor, action="directory.provider.created", obj=provider)
    return provider


@transaction.atomic
def provider_update(
    *, actor, provider: ServiceProvider, version: int | None, **fields
) -> ServiceProvider:
    _require_edit(actor, provider)
    fresh = lock_for_update(provider, expected_version=version)
    changed = apply_changes(fresh, {k: v for k, v in fields.items() if k in PROVIDER_FIELDS})
    _check_formulas(fresh, PROVIDER_FIELDS)
    _unique_provider_name(fresh)
    fresh.full_clean(validate_constraints=False)
    if changed:
        fresh.version += 1
        fresh.save()
        audit_record(
            actor=actor,
            action="directory.provider.updated",
            obj=fresh,
            data={"fields": sorted(changed)},
        )
    return fresh


@transaction.atomic
def service_create(
    *, actor, provider: ServiceProvider, counties_served=None, uuid=None, **fields
) -> Service:
    _require_create(actor)
    kreis_id, land_id = rules.target_scope(actor)
    service = Service(
        kreis_id=kreis_id,
        land_id=land_id,
        provider=provider,
        created_by=actor,
        **{k: v for k, v in fields.items() if k in SERVICE_FIELDS},
    )
    if uuid is not None:
        service.uuid = uuid
    _check_provider(actor, service)
    _check_choices(service)
    _check_municipality(actor, service)
    _check_formulas(service, SERVICE_FIELDS)
    service.full_clean()
    service.save()
    _set_counties(actor, service, counties_served or [])
    audit_record(actor=actor, action="directory.service.created", obj=service)
    return service


@transaction.atomic
def service_update(
    *,
    actor,
    service: Service,
    version: int | None,
    provider: ServiceProvider | None = None,
    counties_served=None,
    **fields,
) -> Service:
    _require_edit(actor, service)
    fresh = lock_for_update(service, expected_version=version)
    changes = {k: v for k, v in fields.items() if k in SERVICE_FIELDS}
    if provider is not None:
        changes["provider"] = provider
    if "fields_of_action" in changes:
        changes["fields_of_action"] = [
            f for f in FieldOfAction.values if f in changes["fields_of_action"]
        ] + [f for f in changes["fields_of_action"] if f not in FieldOfAction.values]
    if "languages" in changes:
        changes["languages"] = sorted(set(changes["languages"]))
    changed = apply_changes(fresh, changes)
    _check_provider(actor, fresh)
    _check_choices(fresh)
    _check_municipality(actor, fresh)
    _check_formulas(fresh, SERVICE_FIELDS)
    fresh.full_clean()
    before = sorted(fresh.counties_served.values_list("pk", flat=True))
    after = _set_counties(actor, fresh, counties_served)
    if after != before:
        changed.append("counties_served")
    if changed:
        fresh.version += 1
        fresh.save()
        audit_record(
            actor=actor,
            action="directory.service.updated",
            obj=fresh,
            data={"fields": sorted(changed)},
        )
    return fresh


@transaction.atomic
def service_set_active(*, actor, service: Service, version: int | None, active: bool) -> Service:
    """Deactivate (or reactivate) an entry: it leaves the lists but stays for referrals."""
    _require_edit(actor, service)
    fresh = lock_for_update(service, expected_version=version)
    if fresh.is_active == active:
        if active:
            raise ValidationError(_("This service is already active."))
        raise ValidationError(_("This service has already been deactivated."))
    fresh.is_active = active
    fresh.version += 1
    fresh.save(update_fields=["is_active", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="directory.service.reactivated" if active else "directory.service.deactivated",
        obj=fresh,
    )
    return fresh


def export_recorded(*, actor, kind: str, count: int) -> None:
    """Log an export of the directory (no personal data; for traceability)."""
    audit_record(
        actor=actor, action="directory.export.created", data={"format": kind, "services": count}
    )
