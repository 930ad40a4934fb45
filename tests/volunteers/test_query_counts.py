"""The number of queries of the volunteer pages and the data protection pages does not grow with
the data (issue 9): the same page with ten times the tandems, requests, volunteers and proposals
costs the same number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_client
from tests.volunteers.helpers import checks_in_order, make_volunteer, volunteer_consent
from wegweiser.clients.models import Case
from wegweiser.volunteers import services_tandems

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(alice, coordinator, volunteer_user, n: int, start: int):
    """n more persons with consent, each with a tandem of a new volunteer, a meeting logged by the
    portal volunteer's tandem and an open support request."""
    from wegweiser.volunteers.models import Volunteer

    own = Volunteer.objects.get(user=volunteer_user)
    for i in range(start, start + n):
        person = make_client(alice, given_names=f"Person{i}", family_name="Muster")
        case = person.cases.get()
        volunteer_consent(alice, case)
        helper = checks_in_order(
            coordinator,
            make_volunteer(coordinator, given_name=f"V{i}", family_name="Lotse", status="active"),
        )
        services_tandems.tandem_create(
            actor=alice, case=case, volunteer=helper, started_on=dt.date.today()
        )
        tandem = services_tandems.tandem_create(
            actor=alice, case=case, volunteer=own, started_on=dt.date.today()
        )
        services_tandems.tandem_meeting_log(
            actor=volunteer_user, tandem=tandem, date=dt.date.today(), hours=1
        )
        services_tandems.support_request_create(
            actor=alice, case=case, title=f"Begleitung {i}", needed_on=dt.date.today()
        )


def test_volunteer_pages_do_not_grow(client, alice, volunteer_coordinator, volunteer):
    from tests.volunteers.helpers import linked_volunteer

    own = linked_volunteer(volunteer_coordinator, volunteer)
    _grow(alice, volunteer_coordinator, volunteer, 2, 0)
    case = Case.objects.filter(responsible=alice).order_by("pk").first()
    pages = {
        volunteer_coordinator: [
            reverse("volunteers:volunteer_list"),
            reverse("volunteers:volunteer_detail", kwargs={"uuid": own.uuid}),
            reverse("volunteers:support_request_list"),
            reverse("core:desk"),
        ],
        alice: [reverse("volunteers:case_volunteering", kwargs={"uuid": case.uuid})],
        volunteer: [reverse("volunteers:portal")],
    }

    def measure():
        counts = {}
        for user, urls in pages.items():
            client.force_login(user)
            for url in urls:
                _count(client, url)  # warm-up (session, caches)
                counts[url] = _count(client, url)
        return counts

    before = measure()
    _grow(alice, volunteer_coordinator, volunteer, 10, 2)
    after = measure()
    assert after == before
