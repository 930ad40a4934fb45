"""Restriction of processing (Art. 18 GDPR): the case becomes readable only by its responsible
manager, changeable by nobody, and leaves every list, sharing and export except the figures and
the Auskunft; the data protection officer lifts it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from tests.factories import make_session
from tests.volunteers.helpers import linked_volunteer, volunteer_consent
from wegweiser.audit.models import AuditEntry
from wegweiser.clients import rules as case_rules
from wegweiser.clients.models import Case
from wegweiser.dataprotection.services import (
    auskunft_export,
    restriction_lift,
    restriction_set,
)
from wegweiser.statistics.figures import Period, Unit, compute
from wegweiser.volunteers import selectors_tandems
from wegweiser.volunteers.services_tandems import tandem_create

pytestmark = pytest.mark.django_db

REASON = "Die Person bestreitet die Richtigkeit der Angaben zum Aufenthaltsstatus."


def _restrict(actor, case):
    return restriction_set(actor=actor, case=case, reason=REASON, requested_on=dt.date.today())


def test_only_the_responsible_manager_reads_and_nobody_changes(client, alice, bob, lead, case):
    _restrict(alice, case)
    assert case_rules.case_access(alice, case) is case_rules.Access.CONTENT
    for other in (bob, lead):
        assert case_rules.case_access(other, case) is case_rules.Access.NONE
    client.force_login(alice)
    page = client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid}))
    assert page.status_code == 200
    assert b'data-testid="case-restricted"' in page.content
    # No change, not even by the responsible manager.
    assert (
        client.get(reverse("counselling:session_create", kwargs={"uuid": case.uuid})).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        make_session(alice, case)
    client.force_login(bob)
    assert client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid})).status_code == 404


def test_left_out_of_lists(alice, bob, coordinator, case):
    _restrict(alice, case)
    assert Case.objects.filter(case_rules.casework_q(bob)).filter(pk=case.pk).count() == 0
    assert Case.objects.filter(case_rules.listable_q(coordinator)).filter(pk=case.pk).count() == 0
    assert Case.objects.filter(case_rules.casework_q(alice)).filter(pk=case.pk).count() == 1


def test_sharing_with_volunteers_stops(alice, case, volunteer_coordinator, volunteer):
    volunteer_consent(alice, case)
    lina = linked_volunteer(volunteer_coordinator, volunteer)
    tandem_create(actor=alice, case=case, volunteer=lina, started_on=dt.date.today())
    assert len(selectors_tandems.portal(user=volunteer).tandems) == 1
    _restrict(alice, case)
    assert selectors_tandems.portal(user=volunteer).tandems == []


def test_figures_still_count_the_person(alice, case, kreis):
    make_session(alice, case)
    held_on = dt.date.today() - dt.timedelta(days=1)
    period = Period.month(held_on.year, held_on.month)
    county = Unit("county", kreis.pk)
    before = compute(county, period)[None]["persons"]
    _restrict(alice, case)
    assert compute(county, period)[None]["persons"] == before == 1


def test_auskunft_stays_possible(alice, dpo, case):
    _restrict(alice, case)
    content, _name, _mime = auskunft_export(actor=alice, case=case, fmt="json")
    assert b"Amina" in content


def test_who_sets_and_lifts(alice, bob, dora, dpo, charlie, case):
    with pytest.raises(Http404):
        _restrict(charlie, case)
    with pytest.raises(PermissionDenied):
        _restrict(dora, case)
    with pytest.raises(ValidationError) as info:
        restriction_set(actor=alice, case=case, reason="kurz", requested_on=dt.date.today())
    assert "reason" in info.value.message_dict
    _restrict(bob, case)  # the team's case: Bob may set it on the person's request
    with pytest.raises(ValidationError):
        _restrict(dpo, case)  # already restricted
    with pytest.raises(PermissionDenied):
        restriction_lift(actor=alice, case=case)  # only the DPO lifts
    restriction_lift(actor=dpo, case=case)
    assert case_rules.case_access(bob, case) is case_rules.Access.EDIT
    actions = list(
        AuditEntry.objects.filter(case_uuid=case.uuid, action__startswith="dataprotection.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["dataprotection.restriction.set", "dataprotection.restriction.lifted"]


def test_dpo_pages(client, alice, dpo, case):
    client.force_login(alice)
    url = reverse("dataprotection:restriction", kwargs={"uuid": case.uuid})
    response = client.post(
        url, {"requested_on": dt.date.today().strftime("%d.%m.%Y"), "reason": REASON}
    )
    assert response.status_code == 302
    client.force_login(dpo)
    page = client.get(url)
    assert b'data-testid="restriction-standing"' in page.content
    assert REASON.encode() in page.content
    lift = client.post(reverse("dataprotection:restriction_lift", kwargs={"uuid": case.uuid}))
    assert lift.status_code == 302
    assert case_rules.case_access(alice, case) is case_rules.Access.EDIT


def test_nobody_changes_the_person_through_the_api_either(alice, case):
    from wegweiser.clients.services import client_update

    _restrict(alice, case)
    person = case.client
    with pytest.raises(PermissionDenied):
        client_update(actor=alice, client=person, version=person.version, phone="0151 000")


def test_pages_with_personal_data_are_not_cached(client, alice, case):
    client.force_login(alice)
    page = client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid}))
    assert page["Cache-Control"] == "no-store, private"
