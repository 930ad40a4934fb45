"""The case file: creating, editing with optimistic locking, consent, period, coordination."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_client, make_session
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.models import Case, Client
from wegweiser.clients.services import case_close, case_update, consent_record, consent_withdraw


def _client_form(**overrides):
    data = {
        "given_names": "Olena",
        "family_name": "Шевченко",
        "birth_date_precision": "full",
        "birth_date": "03.04.1988",
        "gender": "female",
        "residence_status": "erlaubnis_24",
        "accommodation_phase": "follow_up",
        "opened_on": timezone.localdate().strftime("%d.%m.%Y"),
        "languages": ["uk", "ru"],
        "nationalities": ["UA"],
        "household_label": "Familie Schewtschenko",
    }
    data.update(overrides)
    return data


def test_manager_creates_a_client_with_household_and_case(client, alice):
    client.force_login(alice)
    response = client.post(reverse("clients:client_create"), _client_form())
    assert response.status_code == 302
    person = Client.objects.get()
    assert person.family_name_latin == "Shevchenko"
    assert person.household.label == "Familie Schewtschenko"
    case = person.cases.get()
    assert case.responsible == alice and case.number.startswith(f"{timezone.localdate().year}-")
    assert case.period_ends_on == case.opened_on.replace(
        year=case.opened_on.year + 3
    ) - dt.timedelta(days=1)
    page = client.get(response["Location"]).content.decode()
    assert "Шевченко" in page and "Shevchenko" in page
    assert "Keine Einwilligung" in page or "No consent" in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"given_names": ""}, "given_names"),
        ({"given_names": "Olena\x00"}, "given_names"),
        ({"family_name": "x" * 151}, "family_name"),
        (
            {"birth_date": (dt.date.today() + dt.timedelta(days=1)).strftime("%d.%m.%Y")},
            "birth_date",
        ),
        ({"birth_date_precision": "year", "birth_date": "", "birth_year": ""}, "birth_year"),
        ({"email": "keine-adresse"}, "email"),
    ],
)
def test_bad_client_input_is_refused_and_nothing_saved(client, alice, overrides, field):
    client.force_login(alice)
    response = client.post(reverse("clients:client_create"), _client_form(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Client.objects.exists()
    assert not Case.objects.exists()


def test_second_concurrent_save_of_a_person_is_refused(client, alice, bob, case):
    url = reverse("clients:client_update", kwargs={"uuid": case.uuid})
    client.force_login(alice)
    stale = client.get(url).context["form"]["version"].value()
    from wegweiser.clients.services import client_update

    client_update(actor=bob, client=case.client, version=case.client.version, phone="0151 111")
    data = _client_form(
        version=stale,
        phone="0151 222",
        given_names="Amina",
        family_name="Haddad",
        birth_date="17.05.1990",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "0151 222" in response.content.decode()
    case.client.refresh_from_db()
    assert case.client.phone == "0151 111"


def test_fourth_year_needs_a_justification(alice, case):
    with pytest.raises(ValidationError) as exc:
        case_update(
            actor=alice, case=case, version=case.version, period_years=4, extension_reason=""
        )
    assert "extension_reason" in exc.value.message_dict
    updated = case_update(
        actor=alice,
        case=case,
        version=case.version,
        period_years=4,
        extension_reason="Ausbildung läuft bis Sommer, Begleitung nötig",
    )
    assert updated.period_ends_on.year == case.opened_on.year + 4


def test_closing_needs_a_reason_and_ends_session_recording(alice, case):
    closed = case_close(
        actor=alice,
        case=case,
        version=case.version,
        closed_on=timezone.localdate(),
        close_reason="self_reliant",
    )
    assert not closed.is_open
    with pytest.raises(ValidationError):
        make_session(alice, closed)


def test_case_without_consent_says_so_on_every_page(client, alice, case, session):
    client.force_login(alice)
    for name in ("clients:case_detail", "clients:case_timeline", "counselling:session_create"):
        page = client.get(reverse(name, kwargs={"uuid": case.uuid})).content.decode()
        assert 'data-testid="no-consent"' in page, name
    consent = consent_record(
        actor=alice,
        case=case,
        given_on=timezone.localdate(),
        form="oral_witness",
        witness="Frau Weber (Dolmetscherin)",
    )
    page = client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid})).content.decode()
    assert 'data-testid="no-consent"' not in page
    consent_withdraw(actor=alice, case=case, consent=consent, withdrawn_on=timezone.localdate())
    page = client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid})).content.decode()
    assert 'data-testid="no-consent"' in page


def test_oral_consent_needs_a_witness(alice, case):
    with pytest.raises(ValidationError):
        consent_record(actor=alice, case=case, given_on=timezone.localdate(), form="oral_witness")


def test_coordinator_opens_a_case_only_with_a_recorded_reason(client, coordinator, case, session):
    client.force_login(coordinator)
    url = reverse("clients:case_detail", kwargs={"uuid": case.uuid})
    page = client.get(url).content.decode()
    assert "Haddad" not in page  # no content before a reason
    listing = client.get(reverse("clients:case_list")).content.decode()
    assert case.number in listing and "Haddad" not in listing
    response = client.post(url, {"reason": "kurz"})
    assert "reason" in response.context["form"].errors
    response = client.post(url, {"reason": "Vertretung während Krankheit der Kollegin"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Haddad" in page
    entry = AuditEntry.objects.get(action="clients.case.access_reason_recorded")
    assert entry.actor == coordinator and "Vertretung" in entry.data["reason"]
    assert AuditEntry.objects.filter(action="clients.case.viewed", actor=coordinator).count() == 1
    # read-only: no edit links, edit URLs refused
    assert (
        client.get(reverse("clients:client_update", kwargs={"uuid": case.uuid})).status_code == 403
    )


def test_team_sharing_controls_what_a_colleague_sees(client, alice, bob, case):
    client.force_login(bob)
    url = reverse("clients:case_detail", kwargs={"uuid": case.uuid})
    assert client.get(url).status_code == 200
    case_update(actor=alice, case=case, version=case.version, shared_with_team=False)
    assert client.get(url).status_code == 404


def test_every_view_of_a_case_file_is_logged(client, alice, case):
    client.force_login(alice)
    client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid}))
    client.get(reverse("clients:case_timeline", kwargs={"uuid": case.uuid}))
    entries = AuditEntry.objects.filter(action="clients.case.viewed", case_uuid=case.uuid)
    assert entries.count() == 2
    assert all(e.ip == "127.0.0.1" and e.actor == alice for e in entries)


def test_timeline_shows_sessions_and_changes_in_order(client, alice, case):
    make_session(
        alice,
        case,
        held_on=timezone.localdate() - dt.timedelta(days=10),
        summary="Älteres Gespräch",
    )
    make_session(
        alice, case, held_on=timezone.localdate() - dt.timedelta(days=2), summary="Neueres Gespräch"
    )
    case_update(actor=alice, case=case, version=case.version, shared_with_team=False)
    client.force_login(alice)
    page = client.get(reverse("clients:case_timeline", kwargs={"uuid": case.uuid})).content.decode()
    assert page.index("Neueres Gespräch") < page.index("Älteres Gespräch")
    assert "Mit dem Team geteilt" in page or "shared with the team" in page


def test_desk_shows_caseload_ending_periods_and_quiet_cases(client, alice):
    today = timezone.localdate()
    ending = make_client(
        alice,
        given_names="Ende",
        family_name="Bald",
        opened_on=today - dt.timedelta(days=3 * 365 - 30),
    )
    quiet = make_client(
        alice, given_names="Lange", family_name="Still", opened_on=today - dt.timedelta(days=200)
    )
    make_session(alice, quiet.cases.get(), held_on=today - dt.timedelta(weeks=10))
    active = make_client(
        alice, given_names="Gerade", family_name="Aktiv", opened_on=today - dt.timedelta(days=20)
    )
    make_session(alice, active.cases.get(), held_on=today)
    client.force_login(alice)
    response = client.get(reverse("core:desk"))
    desk = response.context["desk"]
    assert desk.caseload_count == 3
    assert [c.client for c in desk.ending_soon] == [ending]
    assert quiet in [c.client for c in desk.without_session]
    assert active not in [c.client for c in desk.without_session]


def test_number_of_queries_does_not_grow_with_rows(client, alice, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    first = make_client(alice)
    case = first.cases.get()
    make_session(alice, case)
    client.force_login(alice)
    client.get(reverse("core:desk"))  # the first request after the login writes the session
    urls = [
        reverse("clients:case_list"),
        reverse("core:desk"),
        reverse("clients:case_detail", kwargs={"uuid": case.uuid}),
        reverse("clients:case_timeline", kwargs={"uuid": case.uuid}),
    ]
    before = {url: count(url) for url in urls}
    for i in range(12):
        other = make_client(alice, given_names=f"Person{i}", family_name="Test")
        make_session(alice, other.cases.get())
        make_session(alice, case, summary=f"Gespräch {i}")
    after = {url: count(url) for url in urls}
    assert after == before


def test_charlie_of_another_kreis_gets_404_and_changes_nothing(client, charlie, case):
    client.force_login(charlie)
    before = case.client.version
    for name in (
        "clients:case_detail",
        "clients:client_update",
        "clients:case_update",
        "clients:case_close",
        "clients:consent_create",
        "clients:case_timeline",
    ):
        url = reverse(name, kwargs={"uuid": case.uuid})
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"given_names": "X", "reason": "x" * 20}).status_code == 404, name
    case.client.refresh_from_db()
    assert case.client.version == before
    assert (
        not client.post(reverse("clients:case_list"), {"q": "Haddad"}).context["page"].object_list
    )
    with pytest.raises(Http404):
        case_close(
            actor=charlie,
            case=case,
            version=case.version,
            closed_on=timezone.localdate(),
            close_reason="moved_away",
        )


def test_household_member_without_own_case(client, alice):
    amina = make_client(alice, new_household_label="Familie Haddad")
    case = amina.cases.get()
    client.force_login(alice)
    url = reverse("clients:client_create") + f"?haushalt={amina.household.uuid}"
    data = _client_form(
        given_names="Yusuf",
        family_name="Haddad",
        birth_date_precision="year",
        birth_date="",
        birth_year="2022",
        open_case="",
    )
    data.pop("household_label")
    response = client.post(url, data)
    assert response["Location"] == reverse("clients:case_detail", kwargs={"uuid": case.uuid})
    yusuf = Client.objects.get(given_names="Yusuf")
    assert yusuf.household == amina.household and not yusuf.cases.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Yusuf Haddad" in page
    # a household the user cannot see answers 404
    other = make_client(alice, given_names="Lina", new_household_label="Familie Nasser")
    from wegweiser.clients.services import case_update

    lina_case = other.cases.get()
    case_update(actor=alice, case=lina_case, version=lina_case.version, shared_with_team=False)
    from tests.factories import UserFactory

    colleague = UserFactory(team=alice.team)
    client.force_login(colleague)
    assert (
        client.get(
            reverse("clients:client_create") + f"?haushalt={other.household.uuid}"
        ).status_code
        == 404
    )


def test_saving_unchanged_personal_data_changes_nothing(client, alice, case):
    person = case.client
    url = reverse("clients:client_update", kwargs={"uuid": case.uuid})
    client.force_login(alice)
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["birth_date"] = person.birth_date.strftime("%d.%m.%Y")
    for name in ("interpreter_needed",):
        if not data[name]:
            data.pop(name)
    data["given_names_latin"] = ""  # derived again: the same value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.version == 1
    assert not AuditEntry.objects.filter(action="clients.client.updated").exists()


def test_session_rows_link_to_their_own_session(client, alice):
    first = make_client(alice)
    case = first.cases.get()
    sessions = [make_session(alice, case, summary=f"Gespräch {i}") for i in range(3)]
    client.force_login(alice)
    html = client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid})).content.decode()
    for session in sessions:
        edit = reverse("counselling:session_update", kwargs={"uuid": session.uuid})
        refer = reverse("referrals:referral_create_from_session", kwargs={"uuid": session.uuid})
        assert f'href="{edit}"' in html and f'href="{refer}"' in html


def test_session_table_shows_each_session_as_recorded(client, alice, bob):
    """The case page's table: date, minutes, channel with the interpreter's language, fields of
    action, the summary cut at 200 characters, the counsellor; newest first, at most 20; the
    confidential note never."""
    import datetime as dt

    from django.utils import timezone

    first = make_client(alice)
    case = first.cases.get()
    today = timezone.localdate()
    for days in range(22, 0, -1):
        make_session(alice, case, held_on=today - dt.timedelta(days=days), summary=f"Alt {days}")
    make_session(
        alice,
        case,
        held_on=today,
        duration_minutes=75,
        channel="phone",
        interpreter_used=True,
        interpreter_language="fa",
        fields_of_action=["language", "work"],
        summary="<b>Jobcenter</b> " + "x" * 300,
        confidential_note="Nur für mich",
    )
    client.force_login(alice)
    response = client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid}))
    html = response.content.decode()
    rows = response.context["sessions"]
    assert len(rows) == 20
    newest = rows[0]
    assert newest.held_on == today.strftime("%d.%m.%Y")
    assert newest.duration_minutes == 75
    assert (newest.channel, newest.interpreter_language) == ("telefonisch", "Persisch (Farsi)")
    assert newest.fields_of_action == "Sprache, Arbeit und Ausbildung"
    assert len(newest.summary) == 200 and newest.summary.endswith("…")
    assert newest.counsellor == "Alice Arslan"
    assert "&lt;b&gt;Jobcenter&lt;/b&gt;" in html and "<b>Jobcenter" not in html
    assert "telefonisch · Dolmetschung (Persisch (Farsi))" in html
    assert "Nur für mich" not in html
    assert "Alt 1<" in html and "Alt 19<" in html and "Alt 20<" not in html
