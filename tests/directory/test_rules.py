"""Who sees and changes which entry of the directory (rules + selectors + services together)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.directory.conftest import make_service
from wegweiser.audit.models import AuditEntry
from wegweiser.directory import rules, selectors, services


def _names(user):
    return {s.name for s in selectors.service_list(user=user)}


def test_county_users_see_own_kreis_and_state_wide_entries(
    alice, lead, coordinator, county_admin, service, state_service, foreign_service
):
    for user in (alice, lead, coordinator, county_admin):
        assert _names(user) == {service.name, state_service.name}, user


def test_charlie_sees_his_kreis_and_state_wide_but_not_alices(
    charlie, service, state_service, foreign_service
):
    assert _names(charlie) == {foreign_service.name, state_service.name}
    with pytest.raises(Http404):
        selectors.service_get(user=charlie, uuid=service.uuid)


def test_state_officer_sees_only_state_wide_entries_of_his_land(
    state_officer, other_land_officer, service, state_service
):
    assert _names(state_officer) == {state_service.name}
    assert _names(other_land_officer) == set()
    with pytest.raises(Http404):
        selectors.service_get(user=state_officer, uuid=service.uuid)
    with pytest.raises(Http404):
        selectors.service_get(user=other_land_officer, uuid=state_service.uuid)


@pytest.mark.parametrize("role", ["dpo", "volunteer", "volunteer_coordinator"])
def test_roles_without_directory_access_are_refused(request, role, service):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        selectors.service_list(user=user)


def test_edit_rights(alice, lead, coordinator, county_admin, state_officer, service, state_service):
    assert rules.access(alice, service) is rules.Access.READ
    for user in (lead, coordinator, county_admin):
        assert rules.access(user, service) is rules.Access.EDIT
        assert rules.access(user, state_service) is rules.Access.READ
    assert rules.access(state_officer, state_service) is rules.Access.EDIT
    assert rules.access(state_officer, service) is rules.Access.NONE


def test_integration_manager_may_not_change_entries(alice, service):
    with pytest.raises(PermissionDenied):
        services.service_update(actor=alice, service=service, version=None, name="Neu")
    with pytest.raises(PermissionDenied):
        make_service(alice)


def test_county_coordination_may_not_change_state_wide_entries(coordinator, state_service):
    with pytest.raises(PermissionDenied):
        services.service_set_active(
            actor=coordinator, service=state_service, version=None, active=False
        )


def test_charlie_cannot_change_alices_entries(charlie, foreign_coordinator, service):
    with pytest.raises(Http404):
        services.service_update(
            actor=foreign_coordinator, service=service, version=None, name="Gekapert"
        )


def test_state_officer_creates_state_wide_entries(state_officer, state_service):
    assert state_service.kreis_id is None
    assert state_service.land_id == state_officer.land_id


def test_deactivated_entries_leave_the_list_and_are_audited(coordinator, service):
    services.service_set_active(
        actor=coordinator, service=service, version=service.version, active=False
    )
    assert _names(coordinator) == set()
    assert {s.name for s in selectors.service_list(user=coordinator, include_inactive=True)} == {
        service.name
    }
    assert AuditEntry.objects.filter(
        action="directory.service.deactivated", object_uuid=service.uuid
    ).exists()


def test_filters(coordinator, service, state_service, municipality):
    def names(**kw):
        return {s.name for s in selectors.service_list(user=coordinator, **kw)}

    assert names(field_of_action="health") == {service.name}
    assert names(field_of_action="language") == {state_service.name}
    assert names(language="uk") == {service.name, state_service.name}
    assert names(language="ar") == {service.name}
    assert names(municipality=municipality) == {service.name}
    assert names(query="trauma") == {service.name}
    assert names(query="caritas dolmetschung") == {service.name}
    assert names(query="Sprachkurse") == {state_service.name}
    assert names(query="nichtvorhanden") == set()
