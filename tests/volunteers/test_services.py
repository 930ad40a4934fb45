"""The services of the volunteer register: validation, optimistic locking, audit entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import MunicipalityFactory
from tests.volunteers.helpers import make_volunteer
from wegweiser.audit.models import AuditEntry
from wegweiser.core.errors import ConflictError
from wegweiser.volunteers.models import CheckKind, VolunteerStatus
from wegweiser.volunteers.services import (
    add_years,
    check_record,
    qualification_record,
    volunteer_set_status,
    volunteer_update,
)

pytestmark = pytest.mark.django_db


def test_create_is_audited_without_personal_data(volunteer_coordinator, kreis):
    town = MunicipalityFactory(kreis=kreis, name="Mengen")
    v = make_volunteer(volunteer_coordinator, municipalities=[town], languages=["de", "ar", "ar"])
    assert v.kreis_id == kreis.pk
    assert v.status == VolunteerStatus.INTERESTED
    assert v.languages == ["ar", "de"]
    assert list(v.municipalities.all()) == [town]
    entry = AuditEntry.objects.get(action="volunteers.volunteer.created", object_uuid=v.uuid)
    assert entry.actor == volunteer_coordinator
    assert "Berger" not in str(entry.data) and "hanna" not in str(entry.data)


def test_create_refuses_other_county_municipality_and_unknown_codes(
    volunteer_coordinator, other_kreis
):
    with pytest.raises(ValidationError) as exc:
        make_volunteer(
            volunteer_coordinator, municipalities=[MunicipalityFactory(kreis=other_kreis)]
        )
    assert "municipalities" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        make_volunteer(volunteer_coordinator, languages=["xx"], fields_of_action=["nope"])
    assert {"languages", "fields_of_action"} <= set(exc.value.error_dict)


def test_user_account_must_have_the_volunteer_role(volunteer_coordinator, volunteer, alice):
    with pytest.raises(ValidationError) as exc:
        make_volunteer(volunteer_coordinator, user=alice)
    assert "user" in exc.value.error_dict
    v = make_volunteer(volunteer_coordinator, user=volunteer)
    assert v.user == volunteer
    with pytest.raises(ValidationError):
        make_volunteer(volunteer_coordinator, given_name="Zweite", user=volunteer)


def test_update_bumps_version_audits_fields_and_detects_conflicts(
    volunteer_coordinator, coordinator
):
    v = make_volunteer(volunteer_coordinator)
    updated = volunteer_update(
        actor=coordinator, volunteer=v, version=1, phone="07571 9999", skills="Nachhilfe"
    )
    assert updated.version == 2
    entry = AuditEntry.objects.get(action="volunteers.volunteer.updated", object_uuid=v.uuid)
    assert entry.data == {"fields": ["phone", "skills"]}
    with pytest.raises(ConflictError):
        volunteer_update(actor=volunteer_coordinator, volunteer=v, version=1, phone="0")
    # An unchanged save is no change.
    same = volunteer_update(actor=coordinator, volunteer=updated, version=2, phone="07571 9999")
    assert same.version == 2


def test_leaving_needs_a_date(volunteer_coordinator):
    v = make_volunteer(volunteer_coordinator)
    with pytest.raises(ValidationError) as exc:
        volunteer_set_status(actor=volunteer_coordinator, volunteer=v, version=1, status="left")
    assert "left_on" in exc.value.error_dict
    left = volunteer_set_status(
        actor=volunteer_coordinator,
        volunteer=v,
        version=1,
        status="left",
        left_on=dt.date.today(),
    )
    assert left.status == "left" and left.left_on == dt.date.today() and left.version == 2
    back = volunteer_set_status(
        actor=volunteer_coordinator, volunteer=left, version=2, status="active"
    )
    assert back.left_on is None
    assert AuditEntry.objects.filter(action="volunteers.volunteer.status_set").count() == 2


def test_certificate_due_defaults_to_five_years(volunteer_coordinator):
    v = make_volunteer(volunteer_coordinator)
    issued = dt.date(2024, 2, 29)
    check = check_record(
        actor=volunteer_coordinator,
        volunteer=v,
        kind=CheckKind.CERTIFICATE_OF_CONDUCT,
        issued_on=issued,
    )
    assert check.next_due_on == dt.date(2029, 2, 28) == add_years(issued, 5)
    edited = check_record(
        actor=volunteer_coordinator,
        volunteer=v,
        kind=CheckKind.CERTIFICATE_OF_CONDUCT,
        issued_on=issued,
        next_due_on=dt.date(2027, 1, 1),
    )
    assert edited.next_due_on == dt.date(2027, 1, 1)
    assert AuditEntry.objects.filter(action="volunteers.check.recorded").count() == 2


def test_check_validation(volunteer_coordinator):
    v = make_volunteer(volunteer_coordinator)
    with pytest.raises(ValidationError) as exc:
        check_record(
            actor=volunteer_coordinator,
            volunteer=v,
            kind=CheckKind.CONFIDENTIALITY,
            issued_on=dt.date.today() + dt.timedelta(days=1),
        )
    assert "issued_on" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        check_record(
            actor=volunteer_coordinator,
            volunteer=v,
            kind=CheckKind.CERTIFICATE_OF_CONDUCT,
            issued_on=dt.date(2025, 1, 1),
            next_due_on=dt.date(2024, 1, 1),
        )
    assert "next_due_on" in exc.value.error_dict
    signed = check_record(
        actor=volunteer_coordinator,
        volunteer=v,
        kind=CheckKind.CONFIDENTIALITY,
        issued_on=dt.date(2025, 1, 1),
    )
    assert signed.next_due_on is None


def test_qualification_record(volunteer_coordinator):
    v = make_volunteer(volunteer_coordinator)
    q = qualification_record(
        actor=volunteer_coordinator,
        volunteer=v,
        title="Grundkurs Integrationslotsen",
        attended_on=dt.date(2025, 3, 1),
        provider="VHS",
        hours=8,
    )
    assert q.kreis_id == v.kreis_id
    assert AuditEntry.objects.filter(
        action="volunteers.qualification.recorded", object_uuid=q.uuid
    ).exists()
    with pytest.raises(ValidationError):
        qualification_record(
            actor=volunteer_coordinator, volunteer=v, title="", attended_on=dt.date(2025, 3, 1)
        )
