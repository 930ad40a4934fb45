"""Referrals of a case: the consent rule, the status flow, closing, optimistic locking, bad input,
and who may see what (Charlie of another Kreis and Dora of another team get 404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.referrals.helpers import make_contact, make_goal, make_referral, make_service
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.services import consent_record, consent_withdraw
from wegweiser.referrals import services
from wegweiser.referrals.models import AuthorityContact, Referral, ReferralEvent, ReferralStatus

TODAY = timezone.localdate


def german(text) -> str:
    """A message as the German UI shows it (German once the catalogue has it, until then the
    English msgid)."""
    with translation.override("de"):
        return gettext(text) if isinstance(text, str) else str(text)


@pytest.fixture
def referral_consent(alice, case):
    return consent_record(
        actor=alice,
        case=case,
        given_on=TODAY() - dt.timedelta(days=5),
        form="signed",
        covers_referral=True,
    )


def _post(client, case, **overrides):
    data = {
        "service_name": "Migrationsberatung für Erwachsene",
        "reason": "Anerkennung des Pflegeabschlusses",
        "referred_on": TODAY().strftime("%d.%m.%Y"),
        "status": "proposed",
        "follow_up_on": (TODAY() + dt.timedelta(days=14)).strftime("%d.%m.%Y"),
    }
    data.update(overrides)
    return client.post(reverse("referrals:referral_create", kwargs={"uuid": case.uuid}), data)


# --- consent rule -----------------------------------------------------------------------------


def test_without_consent_a_named_referral_is_refused_in_german(client, alice, case):
    client.force_login(alice)
    page = client.get(reverse("referrals:referral_create", kwargs={"uuid": case.uuid}))
    assert page.context["form"]["anonymous"].value() is True  # pre-set: no consent
    response = _post(client, case)  # anonymous not ticked
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["anonymous"])
    assert german(services.no_consent_message()) in errors
    assert german(services.no_consent_message()) in response.content.decode()
    assert not Referral.objects.exists()
    # the input stays on screen
    assert "Anerkennung des Pflegeabschlusses" in response.content.decode()


def test_without_consent_an_anonymous_referral_is_recorded(client, alice, case):
    client.force_login(alice)
    response = _post(client, case, anonymous="on")
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.anonymous
    assert referral.status == ReferralStatus.PROPOSED
    page = client.get(reverse("referrals:referral_list", kwargs={"uuid": case.uuid}))
    content = page.content.decode()
    assert "Migrationsberatung für Erwachsene" in content
    assert german("anonymous") in content
    assert AuditEntry.objects.filter(
        action="referrals.referral.created", case_uuid=case.uuid, client_uuid=case.client.uuid
    ).exists()


def test_with_referral_consent_a_named_referral_is_recorded(client, alice, case, referral_consent):
    client.force_login(alice)
    response = _post(client, case)
    assert response.status_code == 302
    assert Referral.objects.get().anonymous is False


def test_consent_to_processing_alone_is_not_enough(alice, case):
    consent_record(actor=alice, case=case, given_on=TODAY(), form="signed")
    with pytest.raises(ValidationError) as exc:
        make_referral(alice, case, anonymous=False)
    assert "anonymous" in exc.value.message_dict


def test_withdrawal_stops_named_referrals(alice, case, referral_consent):
    named = make_referral(alice, case, anonymous=False)
    consent_withdraw(actor=alice, case=case, consent=referral_consent, withdrawn_on=TODAY())
    # no new named referral
    with pytest.raises(ValidationError):
        make_referral(alice, case, anonymous=False)
    # the open one does not move on to the service ...
    with pytest.raises(ValidationError) as exc:
        services.referral_update(
            actor=alice, referral=named, version=named.version, status="agreed"
        )
    assert "status" in exc.value.message_dict
    # ... but it can be closed, and anonymous referrals go on
    services.referral_close(
        actor=alice,
        referral=named,
        version=named.version,
        status="cancelled",
        closed_on=TODAY(),
        outcome="Einwilligung widerrufen",
    )
    anonymous = make_referral(alice, case)
    services.referral_update(
        actor=alice, referral=anonymous, version=anonymous.version, status="agreed"
    )


# --- status flow ------------------------------------------------------------------------------


def test_status_flow_to_success_keeps_the_history(client, alice, case):
    referral = make_referral(alice, case)
    client.force_login(alice)
    url = reverse("referrals:referral_update", kwargs={"uuid": referral.uuid})
    appointment = TODAY() + dt.timedelta(days=7)
    response = client.post(
        url,
        {
            "version": referral.version,
            "status": "appointment_made",
            "appointment_on": appointment.strftime("%d.%m.%Y"),
            "follow_up_on": (appointment + dt.timedelta(days=1)).strftime("%d.%m.%Y"),
            "outcome": "",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "appointment_made"
    assert referral.appointment_on == appointment
    referral = services.referral_update(
        actor=alice, referral=referral, version=referral.version, status="attended"
    )
    close_url = reverse("referrals:referral_close", kwargs={"uuid": referral.uuid})
    response = client.post(
        close_url,
        {
            "version": referral.version,
            "status": "successful",
            "closed_on": TODAY().strftime("%d.%m.%Y"),
            "outcome": "Anerkennungsverfahren läuft",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.closed_on == TODAY()
    assert referral.outcome == "Anerkennungsverfahren läuft"
    assert list(referral.events.values_list("status", flat=True)) == [
        "proposed",
        "appointment_made",
        "attended",
        "successful",
    ]
    assert set(
        AuditEntry.objects.filter(case_uuid=case.uuid, object_uuid=referral.uuid).values_list(
            "action", flat=True
        )
    ) == {"referrals.referral.created", "referrals.referral.updated", "referrals.referral.closed"}
    # a closed referral no longer changes
    with pytest.raises(ValidationError):
        services.referral_update(
            actor=alice, referral=referral, version=referral.version, outcome="später"
        )
    page = client.get(reverse("referrals:referral_list", kwargs={"uuid": case.uuid}))
    assert "Anerkennungsverfahren läuft" in page.content.decode()
    assert client.get(close_url).status_code == 302  # closed: back to the list


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("proposed", "attended"),  # not without agreement
        ("proposed", "successful"),  # results only through closing
    ],
)
def test_status_cannot_jump(alice, case, start, target):
    referral = make_referral(alice, case, status=start)
    with pytest.raises(ValidationError) as exc:
        services.referral_update(
            actor=alice, referral=referral, version=referral.version, status=target
        )
    assert "status" in exc.value.message_dict


def test_success_needs_attendance_and_closing_needs_an_outcome(alice, case):
    referral = make_referral(alice, case, status="agreed")
    with pytest.raises(ValidationError) as exc:
        services.referral_close(
            actor=alice,
            referral=referral,
            version=referral.version,
            status="successful",
            closed_on=TODAY(),
            outcome="",
        )
    assert {"status", "outcome"} <= set(exc.value.message_dict)
    referral.refresh_from_db()
    assert referral.is_open


def test_appointment_made_needs_its_date(client, alice, case):
    client.force_login(alice)
    response = _post(client, case, anonymous="on", status="appointment_made")
    assert response.status_code == 200
    assert "appointment_on" in response.context["form"].errors
    assert not Referral.objects.exists()


# --- from a session, from a goal, to a directory service --------------------------------------


def test_referral_from_a_session_is_prefilled_and_linked(client, alice, case, session):
    client.force_login(alice)
    url = reverse("referrals:referral_create_from_session", kwargs={"uuid": session.uuid})
    page = client.get(url)
    assert page.context["form"]["referred_on"].value() == session.held_on
    data = {
        "service_name": "Schuldnerberatung",
        "reason": "Mahnungen",
        "referred_on": session.held_on.strftime("%d.%m.%Y"),
        "status": "proposed",
        "follow_up_on": (TODAY() + dt.timedelta(days=7)).strftime("%d.%m.%Y"),
        "anonymous": "on",
    }
    assert client.post(url, data).status_code == 302
    assert Referral.objects.get().session == session


def test_referral_from_a_goal_is_prefilled_and_linked(client, alice, case, kreis):
    goal = make_goal(case, text="Sprachkurs B1 abschließen")
    service = make_service(kreis, name="Deutsch 4U")
    client.force_login(alice)
    url = reverse("referrals:referral_create_from_goal", kwargs={"uuid": goal.uuid})
    page = client.get(url)
    assert page.context["form"]["reason"].value() == "Sprachkurs B1 abschließen"
    assert "Deutsch 4U" in page.content.decode()
    data = {
        "service": service.pk,
        "reason": "Sprachkurs B1 abschließen",
        "referred_on": TODAY().strftime("%d.%m.%Y"),
        "status": "agreed",
        "follow_up_on": (TODAY() + dt.timedelta(days=7)).strftime("%d.%m.%Y"),
        "anonymous": "on",
    }
    assert client.post(url, data).status_code == 302
    referral = Referral.objects.get()
    assert (referral.goal, referral.service) == (goal, service)


def test_a_service_of_another_kreis_cannot_be_chosen(alice, case, kreis, other_kreis):
    foreign = make_service(other_kreis, name="Fremder Dienst")
    with pytest.raises(ValidationError) as exc:
        make_referral(alice, case, service=foreign, service_name="")
    assert "service" in exc.value.message_dict
    # ... unless it serves this county too
    foreign.counties_served.add(kreis)
    assert make_referral(alice, case, service=foreign, service_name="").service == foreign


def test_a_session_of_another_case_is_not_found(alice, case):
    from tests.factories import make_client, make_session

    other_case = make_client(alice, given_names="Omar", family_name="Nasser").cases.get()
    other_session = make_session(alice, other_case)
    with pytest.raises(Http404):
        make_referral(alice, case, session=other_session)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"referred_on": (dt.date.today() + dt.timedelta(days=3)).strftime("%d.%m.%Y")},
            "referred_on",
        ),
        ({"referred_on": "31.02.2026"}, "referred_on"),
        (
            {"follow_up_on": (dt.date.today() - dt.timedelta(days=90)).strftime("%d.%m.%Y")},
            "follow_up_on",
        ),
        ({"follow_up_on": ""}, "follow_up_on"),
        ({"reason": ""}, "reason"),
        ({"reason": "Text mit \x07 Steuerzeichen"}, "reason"),
        ({"reason": "x" * 2001}, "reason"),
        ({"service_name": ""}, "service"),
        ({"service_name": "Zeile\nZeile"}, "service_name"),
        ({"status": "successful"}, "status"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_saved(
    client, alice, case, overrides, field
):
    client.force_login(alice)
    response = _post(client, case, anonymous="on", **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Referral.objects.exists()


def test_referrals_cannot_be_recorded_on_a_closed_case(alice, case):
    from wegweiser.clients.services import case_close

    case = case_close(
        actor=alice, case=case, version=case.version, closed_on=TODAY(), close_reason="moved_away"
    )
    with pytest.raises(ValidationError):
        make_referral(alice, case)


# --- optimistic locking -----------------------------------------------------------------------


def test_concurrent_update_is_refused_and_input_kept(client, alice, bob, case):
    referral = make_referral(alice, case)
    url = reverse("referrals:referral_update", kwargs={"uuid": referral.uuid})
    client.force_login(alice)
    form_version = client.get(url).context["form"]["version"].value()
    services.referral_update(
        actor=bob, referral=referral, version=referral.version, outcome="Bobs Notiz"
    )
    response = client.post(
        url,
        {
            "version": form_version,
            "status": "agreed",
            "follow_up_on": (TODAY() + dt.timedelta(days=3)).strftime("%d.%m.%Y"),
            "outcome": "Alices Notiz",
        },
    )
    assert response.status_code == 200
    assert "Alices Notiz" in response.content.decode()
    referral.refresh_from_db()
    assert referral.outcome == "Bobs Notiz"
    assert referral.status == "proposed"


def test_stale_close_is_refused(alice, bob, case):
    from wegweiser.core.errors import ConflictError

    referral = make_referral(alice, case)
    services.referral_update(actor=bob, referral=referral, version=1, status="agreed")
    with pytest.raises(ConflictError):
        services.referral_close(
            actor=alice,
            referral=referral,
            version=1,
            status="cancelled",
            closed_on=TODAY(),
            outcome="Kein Bedarf mehr",
        )


# --- rights -----------------------------------------------------------------------------------


def _urls(case, referral, session, goal, contact):
    return [
        reverse("referrals:referral_list", kwargs={"uuid": case.uuid}),
        reverse("referrals:referral_create", kwargs={"uuid": case.uuid}),
        reverse("referrals:referral_create_from_session", kwargs={"uuid": session.uuid}),
        reverse("referrals:referral_create_from_goal", kwargs={"uuid": goal.uuid}),
        reverse("referrals:referral_update", kwargs={"uuid": referral.uuid}),
        reverse("referrals:referral_close", kwargs={"uuid": referral.uuid}),
        reverse("referrals:authority_contact_create", kwargs={"uuid": case.uuid}),
        reverse("referrals:authority_contact_update", kwargs={"uuid": contact.uuid}),
    ]


@pytest.mark.parametrize("who", ["charlie", "dora"])
def test_foreign_users_get_404_everywhere(client, request, alice, case, session, who):
    """Charlie (another Kreis) and Dora (another team) do not learn that anything exists."""
    user = request.getfixturevalue(who)
    referral = make_referral(alice, case)
    contact = make_contact(alice, case)
    goal = make_goal(case)
    client.force_login(user)
    for url in _urls(case, referral, session, goal, contact):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "fremd", "status": "cancelled"}).status_code == 404
    for call in (
        lambda: make_referral(user, case),
        lambda: services.referral_update(actor=user, referral=referral, version=1, outcome="x"),
        lambda: services.referral_close(
            actor=user,
            referral=referral,
            version=1,
            status="cancelled",
            closed_on=TODAY(),
            outcome="x",
        ),
        lambda: make_contact(user, case, office_name="Fremd"),
    ):
        with pytest.raises(Http404):
            call()
    referral.refresh_from_db()
    assert (referral.outcome, Referral.objects.count(), AuthorityContact.objects.count()) == (
        "",
        1,
        1,
    )


def test_bob_of_the_team_may_work_on_alices_referrals(client, alice, bob, case):
    referral = make_referral(alice, case)
    client.force_login(bob)
    url = reverse("referrals:referral_update", kwargs={"uuid": referral.uuid})
    assert client.get(url).status_code == 200


# --- contacts at authorities ------------------------------------------------------------------


def test_contacts_at_authorities_are_added_edited_and_shown(client, alice, case):
    client.force_login(alice)
    url = reverse("referrals:authority_contact_create", kwargs={"uuid": case.uuid})
    data = {
        "kind": "immigration",
        "office_name": "Ausländerbehörde Sigmaringen",
        "contact_person": "Herr Huber",
        "phone": "07571 102-0",
        "email": "abh@example.org",
        "reference_number": "AZ 12-345/2026",
    }
    assert client.post(url, data).status_code == 302
    contact = AuthorityContact.objects.get()
    assert contact.client == case.client
    edit = reverse("referrals:authority_contact_update", kwargs={"uuid": contact.uuid})
    # the same office twice is refused
    response = client.post(url, data)
    assert response.status_code == 200
    assert "office_name" in response.context["form"].errors
    # a stale edit is refused
    services.authority_contact_update(
        actor=alice, case=case, contact=contact, version=1, contact_person="Frau Berg"
    )
    response = client.post(edit, {**data, "version": 1, "contact_person": "Herr Maier"})
    assert response.status_code == 200
    assert "Herr Maier" in response.content.decode()
    response = client.post(edit, {**data, "version": 2, "email": "kein-mail"})
    assert "email" in response.context["form"].errors
    assert client.post(edit, {**data, "version": 2, "phone": "07571 999"}).status_code == 302
    page = client.get(reverse("referrals:referral_list", kwargs={"uuid": case.uuid}))
    content = page.content.decode()
    assert "AZ 12-345/2026" in content
    assert "07571 999" in content
    assert AuditEntry.objects.filter(
        action="referrals.authority_contact.updated", client_uuid=case.client.uuid
    ).exists()


# --- query counts -----------------------------------------------------------------------------


def test_referral_page_costs_the_same_for_one_or_many(client, alice, case, kreis):
    service = make_service(kreis)
    client.force_login(alice)
    url = reverse("referrals:referral_list", kwargs={"uuid": case.uuid})
    make_referral(alice, case)
    make_contact(alice, case)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(6):
        make_referral(alice, case, service=service, service_name="", reason=f"Grund {n}")
        make_contact(alice, case, office_name=f"Amt {n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one)


def test_events_are_kept_per_status_change(alice, case):
    referral = make_referral(alice, case)
    services.referral_update(
        actor=alice, referral=referral, version=referral.version, outcome="nur Notiz"
    )
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


def test_consent_naming_a_recipient_allows_named_referrals_only_to_it(client, alice, case):
    jmd = make_service(case.kreis, name="Jugendmigrationsdienst Sigmaringen")
    other = make_service(case.kreis, name="Schuldnerberatung Sigmaringen")
    consent_record(
        actor=alice,
        case=case,
        given_on=timezone.localdate(),
        form="signed",
        covers_referral=True,
        referral_recipient=jmd,
    )
    referral = make_referral(alice, case, service=jmd, service_name="", anonymous=False)
    assert not referral.anonymous
    with pytest.raises(ValidationError) as exc:
        make_referral(alice, case, service=other, service_name="", anonymous=False)
    assert "anonymous" in exc.value.message_dict
    # a free-text recipient named in the consent matches case-insensitively
    consent_record(
        actor=alice,
        case=case,
        given_on=timezone.localdate(),
        form="signed",
        covers_referral=True,
        referral_recipient_name="Tafel Sigmaringen",
    )
    assert not make_referral(
        alice, case, service_name="tafel sigmaringen", anonymous=False
    ).anonymous
    with pytest.raises(ValidationError):
        make_referral(alice, case, service_name="Kleiderkammer", anonymous=False)
    # the case page says to whom the consent allows passing data
    client.force_login(alice)
    page = client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid})).content.decode()
    assert "Jugendmigrationsdienst Sigmaringen" in page and "Tafel Sigmaringen" in page


def test_a_recipient_needs_consent_to_referrals_and_a_visible_service(alice, case, charlie):
    foreign = make_service(charlie.kreis, name="Fremdes Angebot")
    with pytest.raises(ValidationError) as exc:
        consent_record(
            actor=alice,
            case=case,
            given_on=timezone.localdate(),
            form="signed",
            covers_referral=False,
            covers_processing=True,
            referral_recipient_name="Tafel",
        )
    assert "covers_referral" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        consent_record(
            actor=alice,
            case=case,
            given_on=timezone.localdate(),
            form="signed",
            covers_referral=True,
            referral_recipient=foreign,
        )
    assert "referral_recipient" in exc.value.message_dict
