"""Tandems, support requests and the volunteer's own pages: consent, suggestions, what a volunteer
sees (and never sees), logging hours, and what happens when consent is withdrawn."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tests.factories import MunicipalityFactory, UserFactory, make_client
from tests.volunteers.conftest import german
from tests.volunteers.helpers import (
    checks_in_order,
    linked_volunteer,
    make_volunteer,
    volunteer_consent,
)
from wegweiser.accounts.roles import Role
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.models import Consent
from wegweiser.clients.services import case_close, consent_withdraw
from wegweiser.volunteers import selectors_tandems, services_tandems
from wegweiser.volunteers.models import Activity, SupportRequestStatus, TandemEndReason
from wegweiser.volunteers.services import volunteer_set_status

pytestmark = pytest.mark.django_db

TODAY = dt.date.today


@pytest.fixture
def lina(volunteer_coordinator, volunteer):
    """The volunteer linked to the ``volunteer`` account: speaks Arabic, checks in order."""
    return linked_volunteer(volunteer_coordinator, volunteer, languages=["ar", "de"])


@pytest.fixture
def other_volunteer_user(office):
    return UserFactory(
        email="pate@example.org", team=None, organisation=office, role=Role.VOLUNTEER
    )


@pytest.fixture
def max_(volunteer_coordinator, other_volunteer_user):
    """A second volunteer with an account: speaks only German."""
    return linked_volunteer(
        volunteer_coordinator,
        other_volunteer_user,
        given_name="Max",
        family_name="Keller",
        languages=["de"],
    )


@pytest.fixture
def consent(alice, case):
    return volunteer_consent(alice, case)


@pytest.fixture
def tandem(alice, case, lina, consent):
    return services_tandems.tandem_create(
        actor=alice,
        case=case,
        volunteer=lina,
        started_on=TODAY() - dt.timedelta(days=7),
        shared_note="Möchte Deutsch üben, gern im Café.",
    )


def test_a_tandem_needs_the_persons_consent(alice, case, lina):
    with pytest.raises(ValidationError) as info:
        services_tandems.tandem_create(actor=alice, case=case, volunteer=lina, started_on=TODAY())
    assert info.value.messages == [
        german(
            "The person has not consented to passing contact data to volunteers. "
            "Please record the consent first."
        )
    ]
    # A consent only to processing is not enough.
    from wegweiser.clients.services import consent_record

    consent_record(actor=alice, case=case, given_on=TODAY(), form="signed")
    with pytest.raises(ValidationError):
        services_tandems.tandem_create(actor=alice, case=case, volunteer=lina, started_on=TODAY())


def test_a_tandem_needs_an_active_volunteer_with_checks(
    alice, case, consent, volunteer_coordinator
):
    without_checks = make_volunteer(volunteer_coordinator, status="active")
    with pytest.raises(ValidationError) as info:
        services_tandems.tandem_create(
            actor=alice, case=case, volunteer=without_checks, started_on=TODAY()
        )
    assert "volunteer" in info.value.message_dict
    interested = checks_in_order(volunteer_coordinator, make_volunteer(volunteer_coordinator))
    with pytest.raises(ValidationError) as info:
        services_tandems.tandem_create(
            actor=alice, case=case, volunteer=interested, started_on=TODAY()
        )
    assert "volunteer" in info.value.message_dict


def test_only_who_may_change_the_case_sets_up_a_tandem(
    case, lina, consent, dora, volunteer_coordinator, charlie
):
    for actor, error in ((dora, Http404), (volunteer_coordinator, Http404), (charlie, Http404)):
        with pytest.raises(error):
            services_tandems.tandem_create(
                actor=actor, case=case, volunteer=lina, started_on=TODAY()
            )


def test_suggestions_rank_language_municipality_and_interest(
    alice, volunteer_coordinator, kreis, consent
):
    town = MunicipalityFactory(kreis=kreis, name="Sigmaringen")
    other_town = MunicipalityFactory(kreis=kreis, name="Mengen")
    person = make_client(
        alice, given_names="Yusuf", family_name="Omar", languages=["ar"], municipality=town
    )
    case = person.cases.get()
    volunteer_consent(alice, case)
    best = checks_in_order(
        volunteer_coordinator,
        make_volunteer(
            volunteer_coordinator,
            given_name="Aya",
            family_name="Best",
            languages=["ar", "de"],
            municipalities=[town],
            status="active",
        ),
    )
    language_only = checks_in_order(
        volunteer_coordinator,
        make_volunteer(
            volunteer_coordinator,
            given_name="Omar",
            family_name="Sprache",
            languages=["ar"],
            municipalities=[other_town],
            status="active",
        ),
    )
    german_only = checks_in_order(
        volunteer_coordinator,
        make_volunteer(
            volunteer_coordinator,
            given_name="Greta",
            family_name="Deutsch",
            languages=["de"],
            municipalities=[other_town],
            status="active",
        ),
    )
    unchecked = make_volunteer(
        volunteer_coordinator,
        given_name="Zora",
        family_name="Ohne",
        languages=["ar"],
        municipalities=[town],
        status="active",
    )
    ranked = selectors_tandems.suggestions(user=alice, case=case)
    order = [s.volunteer for s in ranked]
    assert order == [best, language_only, german_only, unchecked]
    assert ranked[0].languages == ["ar"] and ranked[0].same_municipality
    assert not ranked[-1].checks_ok


def test_volunteer_sees_own_tandem_with_first_name_and_shared_contact_only(
    client, alice, case, tandem, volunteer, session
):
    client.force_login(volunteer)
    portal = client.get(reverse("volunteers:portal"))
    assert portal.status_code == 200
    assert "Amina" in portal.content.decode()
    page = client.get(reverse("volunteers:portal_tandem", kwargs={"uuid": tandem.uuid}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Amina" in html
    assert "Haddad" not in html  # no family name
    assert "Möchte Deutsch üben" in html  # what the manager chose to share
    assert "17.05.1990" not in html  # no date of birth
    assert "Erstgespräch" not in html  # never a session note
    # The read of the person's contact data is audited.
    assert AuditEntry.objects.filter(action="volunteers.tandem.viewed", actor=volunteer).exists()


def test_volunteer_never_reaches_case_file_or_another_volunteers_tandem(
    client, case, tandem, other_volunteer_user, max_, volunteer
):
    client.force_login(other_volunteer_user)
    assert (
        client.get(reverse("volunteers:portal_tandem", kwargs={"uuid": tandem.uuid})).status_code
        == 404
    )
    client.force_login(volunteer)
    for name in ("clients:case_detail", "clients:case_timeline", "plans:plan_detail"):
        assert client.get(reverse(name, kwargs={"uuid": case.uuid})).status_code == 404
    assert client.get(reverse("volunteers:volunteer_list")).status_code == 403


def test_withdrawing_consent_ends_the_tandem_at_once(
    client, alice, case, tandem, consent, volunteer
):
    client.force_login(volunteer)
    url = reverse("volunteers:portal_tandem", kwargs={"uuid": tandem.uuid})
    assert client.get(url).status_code == 200
    open_request = services_tandems.support_request_create(
        actor=alice, case=case, title="Begleitung zum Jobcenter", needed_on=TODAY()
    )
    consent_withdraw(actor=alice, case=case, consent=consent, withdrawn_on=TODAY())
    assert client.get(url).status_code == 404
    assert "Amina" not in client.get(reverse("volunteers:portal")).content.decode()
    tandem.refresh_from_db()
    open_request.refresh_from_db()
    assert tandem.ended_on == TODAY() and tandem.end_reason == TandemEndReason.CONSENT_WITHDRAWN
    assert open_request.status == SupportRequestStatus.CANCELLED
    # Logging hours in the ended tandem is refused.
    with pytest.raises(Http404):
        services_tandems.tandem_meeting_log(
            actor=volunteer, tandem=tandem, date=TODAY(), hours=Decimal("1")
        )


def test_consent_is_checked_on_every_read(client, case, tandem, consent, volunteer):
    """Even a withdrawal written past the services hides the person at once."""
    client.force_login(volunteer)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_on=TODAY())
    url = reverse("volunteers:portal_tandem", kwargs={"uuid": tandem.uuid})
    assert client.get(url).status_code == 404


def test_volunteer_logs_meetings_and_hours(client, tandem, volunteer):
    client.force_login(volunteer)
    url = reverse("volunteers:portal_tandem", kwargs={"uuid": tandem.uuid})
    response = client.post(url, {"date": TODAY().strftime("%d.%m.%Y"), "hours": "1,5"})
    assert response.status_code == 302
    activity = Activity.objects.get(tandem=tandem)
    assert activity.hours == Decimal("1.5")
    assert "1,5" in client.get(url).content.decode()
    # Bad input: a clear German message, nothing saved.
    future = (TODAY() + dt.timedelta(days=2)).strftime("%d.%m.%Y")
    response = client.post(url, {"date": future, "hours": "30"})
    html = response.content.decode()
    assert response.status_code == 200
    assert german("Please enter between 0.25 and 24 hours.") in html
    response = client.post(url, {"date": future, "hours": "2"})
    assert german("The date cannot be in the future.") in response.content.decode()
    assert Activity.objects.filter(tandem=tandem).count() == 1


def test_manager_chooses_what_is_shared(client, alice, tandem, volunteer):
    services_tandems.tandem_update(
        actor=alice, tandem=tandem, version=tandem.version, share_phone=False
    )
    tandem.case.client.phone = "0176 5550123"
    tandem.case.client.save(update_fields=["phone"])
    client.force_login(volunteer)
    html = client.get(reverse("volunteers:portal_tandem", kwargs={"uuid": tandem.uuid})).content
    assert b"0176 5550123" not in html
    tandem.refresh_from_db()
    services_tandems.tandem_update(
        actor=alice, tandem=tandem, version=tandem.version, share_phone=True
    )
    html = client.get(reverse("volunteers:portal_tandem", kwargs={"uuid": tandem.uuid})).content
    assert b"0176 5550123" in html


def test_support_request_only_for_suitable_volunteers(alice, case, consent, lina, max_, volunteer):
    request = services_tandems.support_request_create(
        actor=alice,
        case=case,
        title="Begleitung zur Ausländerbehörde",
        needed_on=TODAY() + dt.timedelta(days=3),
        language="ar",
    )
    other = max_.user
    # Max speaks no Arabic: he does not see it and cannot take it.
    assert request not in selectors_tandems.portal(user=other).open_requests
    with pytest.raises(Http404):
        selectors_tandems.own_request(user=other, uuid=request.uuid)
    with pytest.raises(Http404):
        services_tandems.support_request_take(actor=other, request=request)
    # Lina sees what and when, not who.
    view = selectors_tandems.own_request(user=volunteer, uuid=request.uuid)
    assert view.card is None
    services_tandems.support_request_take(actor=volunteer, request=request)
    view = selectors_tandems.own_request(user=volunteer, uuid=request.uuid)
    assert view.mine and view.card.first_names == "Amina"


def test_a_request_is_taken_once(alice, case, consent, lina, max_, volunteer):
    request = services_tandems.support_request_create(
        actor=alice, case=case, title="Begleitung zum Arzt", needed_on=TODAY()
    )
    services_tandems.support_request_take(actor=volunteer, request=request)
    # Max could see it while it was open; now it is taken.
    with pytest.raises((ValidationError, Http404)):
        services_tandems.support_request_take(actor=max_.user, request=request)
    request.refresh_from_db()
    assert request.taken_by == lina


def test_taking_a_taken_request_says_so(client, alice, case, consent, lina, max_, volunteer):
    request = services_tandems.support_request_create(
        actor=alice, case=case, title="Begleitung zum Arzt", needed_on=TODAY()
    )
    client.force_login(max_.user)
    page = client.get(reverse("volunteers:portal_request", kwargs={"uuid": request.uuid}))
    assert page.status_code == 200
    services_tandems.support_request_take(actor=volunteer, request=request)
    response = client.post(
        reverse("volunteers:portal_request_take", kwargs={"uuid": request.uuid}), follow=True
    )
    # Max is told, and sees nothing of the person.
    html = response.content.decode()
    assert response.status_code == 200
    assert german("This request is no longer open. Someone else has taken it.") in html
    assert "Amina" not in html


def test_done_request_logs_the_hours(client, alice, case, consent, volunteer, lina):
    request = services_tandems.support_request_create(
        actor=alice, case=case, title="Begleitung zur Ausländerbehörde", needed_on=TODAY()
    )
    services_tandems.support_request_take(actor=volunteer, request=request)
    client.force_login(volunteer)
    url = reverse("volunteers:portal_request_done", kwargs={"uuid": request.uuid})
    response = client.post(url, {"hours": "2,5", "note": "Termin wahrgenommen"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == SupportRequestStatus.DONE
    assert Activity.objects.get(support_request=request).hours == Decimal("2.5")
    assert "2,5" in client.get(reverse("volunteers:portal")).content.decode()
    # The manager sees it on the case's volunteer page.
    client.force_login(alice)
    html = client.get(reverse("volunteers:case_volunteering", kwargs={"uuid": case.uuid}))
    assert "2,5" in html.content.decode() and "Lina Vogt" in html.content.decode()


def test_request_in_the_past_cannot_be_posted(alice, case, consent):
    with pytest.raises(ValidationError) as info:
        services_tandems.support_request_create(
            actor=alice, case=case, title="Begleitung", needed_on=TODAY() - dt.timedelta(days=1)
        )
    assert "needed_on" in info.value.message_dict


def test_leaving_volunteer_ends_tandems_and_gives_requests_back(
    alice, case, consent, tandem, lina, volunteer, volunteer_coordinator
):
    request = services_tandems.support_request_create(
        actor=alice, case=case, title="Begleitung", needed_on=TODAY() + dt.timedelta(days=1)
    )
    services_tandems.support_request_take(actor=volunteer, request=request)
    lina.refresh_from_db()
    volunteer_set_status(
        actor=volunteer_coordinator,
        volunteer=lina,
        version=lina.version,
        status="left",
        left_on=TODAY(),
    )
    tandem.refresh_from_db()
    request.refresh_from_db()
    assert tandem.end_reason == TandemEndReason.VOLUNTEER_LEFT
    assert request.status == SupportRequestStatus.OPEN and request.taken_by is None
    with pytest.raises(PermissionDenied):
        selectors_tandems.portal(user=volunteer)


def test_closing_the_case_ends_its_tandems(alice, case, tandem):
    fresh = type(case).objects.get(pk=case.pk)
    case_close(
        actor=alice, case=fresh, version=fresh.version, closed_on=TODAY(), close_reason="other"
    )
    tandem.refresh_from_db()
    assert tandem.end_reason == TandemEndReason.CASE_CLOSED


def test_coordination_ends_a_tandem_but_never_sees_the_person(
    client, tandem, volunteer_coordinator, lina
):
    client.force_login(volunteer_coordinator)
    html = client.get(reverse("volunteers:volunteer_detail", kwargs={"uuid": lina.uuid})).content
    assert b"Amina" not in html and b"Haddad" not in html
    url = reverse("volunteers:tandem_end", kwargs={"uuid": tandem.uuid})
    response = client.post(
        url,
        {"version": tandem.version, "ended_on": TODAY().strftime("%d.%m.%Y"), "reason": "other"},
    )
    assert response.status_code == 302
    tandem.refresh_from_db()
    assert tandem.ended_on == TODAY()


def test_manager_pages_show_german_messages(client, alice, case):
    client.force_login(alice)
    page = client.get(reverse("volunteers:case_volunteering", kwargs={"uuid": case.uuid}))
    assert page.status_code == 200
    assert (
        german(
            "Without the person's consent to passing contact data to volunteers, no tandem and no "
            "support request can be set up."
        )
        in page.content.decode()
    )
    response = client.post(
        reverse("volunteers:support_request_create", kwargs={"uuid": case.uuid}),
        {"title": "Begleitung", "needed_on": TODAY().strftime("%d.%m.%Y")},
    )
    assert response.status_code == 200
    assert (
        german(
            "The person has not consented to passing contact data to volunteers. "
            "Please record the consent first."
        )
        in response.content.decode()
    )


def test_every_read_of_the_case_page_is_logged(client, alice, case):
    client.force_login(alice)
    client.get(reverse("volunteers:case_volunteering", kwargs={"uuid": case.uuid}))
    entry = AuditEntry.objects.filter(action="clients.case.viewed").latest("pk")
    assert entry.data == {"part": "volunteers"}


def test_hours_this_year_on_the_portal(client, tandem, volunteer):
    services_tandems.tandem_meeting_log(
        actor=volunteer, tandem=tandem, date=timezone.localdate(), hours=Decimal("2")
    )
    data = selectors_tandems.portal(user=volunteer)
    assert data.hours_this_year == Decimal("2")


def test_take_and_give_back_through_the_pages(client, alice, case, consent, lina, volunteer):
    request = services_tandems.support_request_create(
        actor=alice, case=case, title="Begleitung zum Jobcenter", needed_on=TODAY()
    )
    client.force_login(volunteer)
    take = reverse("volunteers:portal_request_take", kwargs={"uuid": request.uuid})
    response = client.post(take)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.taken_by == lina
    release = reverse("volunteers:portal_request_release", kwargs={"uuid": request.uuid})
    assert client.post(release).status_code == 302
    request.refresh_from_db()
    assert request.status == SupportRequestStatus.OPEN and request.taken_by is None


def test_a_wrong_entry_is_cancelled_and_no_longer_counts(
    client, tandem, volunteer, other_volunteer_user, max_
):
    activity = services_tandems.tandem_meeting_log(
        actor=volunteer, tandem=tandem, date=TODAY(), hours=Decimal("3")
    )
    url = reverse("volunteers:activity_cancel", kwargs={"uuid": activity.uuid})
    client.force_login(other_volunteer_user)
    assert client.post(url).status_code == 404  # not his
    client.force_login(volunteer)
    assert client.post(url).status_code == 302
    activity.refresh_from_db()
    assert activity.cancelled_at is not None
    assert selectors_tandems.portal(user=volunteer).hours_this_year == 0
