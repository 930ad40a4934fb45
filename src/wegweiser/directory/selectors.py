"""Every read of the directory. List selectors take ``user=`` and return only what that user may
see (the rules live in directory.rules)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from wegweiser.directory import rules
from wegweiser.directory.models import Service, ServiceProvider
from wegweiser.organisations.models import Kreis, Municipality


def _require_read(user) -> None:
    if not rules.can_read(user):
        raise PermissionDenied


def service_list(
    *,
    user,
    query: str = "",
    field_of_action: str = "",
    language: str = "",
    municipality=None,
    include_inactive: bool = False,
) -> QuerySet[Service]:
    _require_read(user)
    qs = Service.objects.filter(rules.visible_q(user)).select_related(
        "provider", "municipality", "kreis"
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if field_of_action:
        qs = qs.filter(fields_of_action__icontains=f'"{field_of_action}"')
    if language:
        qs = qs.filter(languages__icontains=f'"{language}"')
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    for term in query.split()[:8]:
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(description__icontains=term)
            | Q(provider__name__icontains=term)
            | Q(city__icontains=term)
            | Q(eligibility__icontains=term)
        )
    return qs.order_by("name", "pk")


def service_get(*, user, uuid) -> tuple[Service, rules.Access]:
    """The entry if the user may see it (else 404, as for a foreign Kreis)."""
    _require_read(user)
    try:
        service = (
            Service.objects.select_related("provider", "municipality", "kreis", "land")
            .prefetch_related("counties_served")
            .get(uuid=uuid)
        )
    except (Service.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    access = rules.access(user, service)
    if access is rules.Access.NONE:
        raise Http404
    return service, access


def services_by_uuid(*, user, uuids) -> list[Service]:
    """The visible entries among ``uuids`` (unknown or foreign ones are left out)."""
    _require_read(user)
    valid = []
    for value in uuids:
        try:
            valid.append(Service._meta.get_field("uuid").to_python(value))
        except ValidationError:
            continue
    return list(
        Service.objects.filter(rules.visible_q(user), uuid__in=valid)
        .select_related("provider", "municipality")
        .order_by("name", "pk")
    )


def provider_list(*, user, editable: bool = False) -> QuerySet[ServiceProvider]:
    _require_read(user)
    q = rules.editable_q(user) if editable else rules.visible_q(user)
    return ServiceProvider.objects.filter(q).order_by("name", "pk")


def provider_get(*, user, uuid) -> tuple[ServiceProvider, rules.Access]:
    _require_read(user)
    try:
        provider = ServiceProvider.objects.get(uuid=uuid)
    except (ServiceProvider.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    access = rules.access(user, provider)
    if access is rules.Access.NONE:
        raise Http404
    return provider, access


def municipalities(*, user) -> QuerySet[Municipality]:
    """Municipalities a user may choose for an entry: of the own Kreis (state users: the Land)."""
    if user.is_state_user:
        return Municipality.objects.filter(kreis__land_id=user.land_id).order_by("name")
    return Municipality.objects.filter(kreis_id=user.kreis_id).order_by("name")


def counties(*, user) -> QuerySet[Kreis]:
    return Kreis.objects.filter(land_id=user.land_id).order_by("name")


def export_scope(*, user, kreis=None) -> tuple[QuerySet[ServiceProvider], QuerySet[Service]]:
    """What an export of the directory contains: the entries the user may see (or, for the
    HSDS endpoint of a county, the active entries of that county and its Land's state-wide ones)."""
    if kreis is not None:
        q = Q(kreis=kreis) | Q(kreis__isnull=True, land_id=kreis.land_id)
        services = Service.objects.filter(q, is_active=True)
    else:
        _require_read(user)
        services = Service.objects.filter(rules.visible_q(user))
    services = services.select_related("provider", "municipality", "municipality__kreis")
    services = services.prefetch_related("counties_served").order_by("name", "pk")
    providers = ServiceProvider.objects.filter(pk__in=services.values("provider_id")).order_by(
        "name", "pk"
    )
    return providers, services
