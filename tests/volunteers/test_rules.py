"""Who may read and manage volunteers: 403 for roles without access, 404 for another Kreis."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.volunteers.helpers import make_volunteer
from wegweiser.volunteers import selectors
from wegweiser.volunteers.services import check_record, volunteer_create, volunteer_update

pytestmark = pytest.mark.django_db


def test_county_coordination_manages_too(coordinator):
    assert make_volunteer(coordinator).kreis_id == coordinator.kreis_id


@pytest.mark.parametrize(
    "role", ["alice", "lead", "dpo", "volunteer", "county_admin", "state_officer"]
)
def test_other_roles_cannot_create(request, role):
    with pytest.raises(PermissionDenied):
        make_volunteer(request.getfixturevalue(role))


@pytest.mark.parametrize("role", ["alice", "lead", "dpo", "volunteer", "state_officer"])
def test_other_roles_cannot_change(request, volunteer_coordinator, role):
    v = make_volunteer(volunteer_coordinator)
    with pytest.raises(PermissionDenied):
        volunteer_update(actor=request.getfixturevalue(role), volunteer=v, version=1, phone="1")


def test_managers_and_readers_of_another_county_get_404(
    volunteer_coordinator, other_volunteer_coordinator, charlie
):
    v = make_volunteer(volunteer_coordinator)
    with pytest.raises(Http404):
        volunteer_update(actor=other_volunteer_coordinator, volunteer=v, version=1, phone="1")
    with pytest.raises(Http404):
        check_record(
            actor=other_volunteer_coordinator,
            volunteer=v,
            kind="confidentiality",
            issued_on=dt.date(2025, 1, 1),
        )
    with pytest.raises(Http404):
        selectors.volunteer_get(user=charlie, uuid=v.uuid)
    assert not selectors.volunteer_list(user=charlie).exists()
    assert not selectors.volunteer_list(user=other_volunteer_coordinator).exists()


def test_readers_see_the_list_and_detail(volunteer_coordinator, alice, dora, lead):
    v = make_volunteer(volunteer_coordinator)
    for user in (alice, dora, lead):
        assert list(selectors.volunteer_list(user=user)) == [v]
        _volunteer, access = selectors.volunteer_get(user=user, uuid=v.uuid)
        assert access.value == "read"


@pytest.mark.parametrize("role", ["dpo", "volunteer", "county_admin", "state_officer"])
def test_no_access_roles_get_403_on_reads(request, volunteer_coordinator, role):
    v = make_volunteer(volunteer_coordinator)
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        selectors.volunteer_list(user=user)
    with pytest.raises(PermissionDenied):
        selectors.volunteer_get(user=user, uuid=v.uuid)


def test_create_has_no_other_county(volunteer_coordinator, other_volunteer_coordinator):
    v = volunteer_create(actor=other_volunteer_coordinator, given_name="Ö", family_name="Z")
    assert v.kreis_id == other_volunteer_coordinator.kreis_id != volunteer_coordinator.kreis_id
