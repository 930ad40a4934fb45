"""Duplicates: found across scripts and spellings, warned of at intake, merged all-or-nothing,
listed county-wide (decision 0009)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, make_client, make_session
from wegweiser.audit.models import AuditEntry
from wegweiser.clients import duplicates, services_merge
from wegweiser.clients.models import Case, Client, Consent
from wegweiser.clients.services import consent_record
from wegweiser.clients.services_merge import case_merge
from wegweiser.counselling.models import CounsellingSession
from wegweiser.plans.models import Goal, Plan, PlanVersion
from wegweiser.plans.services import goal_add, plan_agree
from wegweiser.referrals.models import AuthorityContact, Referral
from wegweiser.referrals.services import authority_contact_create, referral_create
from wegweiser.statistics.models import ContactMonth

BORN = dt.date(1990, 5, 17)


def _found(user, given, family, **birth):
    return duplicates.candidates(user=user, given_names=given, family_name=family, **birth)


@pytest.mark.parametrize(
    ("stored", "entered"),
    [
        (("محمد", "حداد"), ("Mohammed", "Haddad")),
        (("محمد", "حداد"), ("Muhammad", "Hadad")),
        (("Muhammad", "Haddad"), ("Mohammed", "Haddad")),
        (("Olena", "Шевченко"), ("Olena", "Schewtschenko")),
        (("Olena", "Шевченко"), ("Olena", "Shevchenko")),
        (("Olena", "Schewtschenko"), ("Olena", "Shevchenko")),
        (("Олександр", "Коваленко"), ("Oleksandr", "Kovalenko")),
        (("Jürgen", "Müller"), ("Juergen", "Mueller")),
        (("Jürgen", "Müller"), ("Jurgen", "Muller")),
        (("Juergen", "Mueller"), ("Jurgen", "Muller")),
        (("Amina", "Haddad"), ("Haddad", "Amina")),  # given and family name swapped
    ],
)
def test_spellings_of_one_person_are_likely_duplicates_only_with_the_same_birth_year(
    alice, stored, entered
):
    person = make_client(alice, given_names=stored[0], family_name=stored[1], birth_date=BORN)
    make_client(alice, given_names="Maria", family_name="Schmidt", birth_date=BORN)
    for birth in ({"birth_date": BORN}, {"birth_year": 1990}):
        found = _found(alice, *entered, **birth)
        assert [c.client for c in found] == [person], birth
        assert found[0].level == "likely" and found[0].visible and found[0].editable
    assert _found(alice, *entered, birth_date=dt.date(1984, 5, 17)) == []
    assert _found(alice, *entered, birth_year=1975) == []


def test_different_people_of_the_same_family_and_year_are_not_likely(alice):
    make_client(alice, given_names="Amina", family_name="Haddad", birth_date=BORN)
    assert _found(alice, "Yusuf", "Haddad", birth_year=1990) == []
    assert _found(alice, "Maria", "Schmidt", birth_date=BORN) == []


def test_exactly_known_dates_of_birth_that_differ_lower_the_score(alice):
    make_client(alice, given_names="Olena", family_name="Shevchenko", birth_date=BORN)
    same = _found(alice, "Olena", "Shevchenko", birth_date=BORN)[0]
    other_day = _found(alice, "Olena", "Shevchenko", birth_date=dt.date(1990, 9, 2))[0]
    assert same.level == "likely" and "same_date" in same.reasons
    assert other_day.level == "possible" and other_day.score < same.score
    # 1 January stands for an unknown day; a year-only date may be off by one year.
    assert _found(alice, "Olena", "Shevchenko", birth_date=dt.date(1991, 1, 1))[0].level == (
        "possible"
    )


def test_persons_of_another_kreis_are_never_candidates(alice, charlie):
    make_client(alice, given_names="Olena", family_name="Shevchenko", birth_date=BORN)
    assert _found(charlie, "Olena", "Shevchenko", birth_date=BORN) == []


def test_without_birth_data_both_names_must_match_in_any_year(alice):
    unknown = {"birth_date": None, "birth_date_precision": "unknown"}
    person = make_client(alice, given_names="Amina", family_name="Haddad", **unknown)
    older = make_client(alice, given_names="Amina", family_name="Haddad", birth_date=BORN)
    make_client(alice, given_names="Amina", family_name="Schmidt", **unknown)
    found = {c.client for c in _found(alice, "Haddad", "Amina")}  # swapped, no birth data
    assert found == {person, older}
    # With a year of birth, persons without one need both names as well.
    assert {c.client for c in _found(alice, "Amina", "Haddad", birth_year=1975)} == {person}


def test_a_restricted_case_file_is_shown_read_only_to_the_responsible(alice, bob):
    from wegweiser.dataprotection.services import restriction_set

    person = make_client(alice, given_names="Olena", family_name="Shevchenko", birth_date=BORN)
    restriction_set(
        actor=alice,
        case=person.cases.get(),
        reason="Richtigkeit bestritten",
        requested_on=timezone.localdate(),
    )
    mine = _found(alice, "Olena", "Shevchenko", birth_date=BORN)[0]
    assert mine.visible and not mine.editable
    shared = _found(bob, "Olena", "Shevchenko", birth_date=BORN)[0]
    assert not shared.visible and not shared.editable


def test_candidates_need_a_constant_number_of_queries(alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(expected):
        with CaptureQueriesContext(connection) as ctx:
            assert len(_found(alice, "Olena", "Schewtschenko", birth_date=BORN)) == expected
        return len(ctx.captured_queries)

    make_client(alice, given_names="Olena", family_name="Shevchenko", birth_date=BORN)
    one = count(1)
    for _i in range(3):
        make_client(alice, given_names="Olena", family_name="Shevchenko", birth_date=BORN)
    assert count(4) == one <= 4


# --- the warning at intake --------------------------------------------------------------------


def _form(**overrides):
    data = {
        "given_names": "Mohammed",
        "family_name": "Haddad",
        "birth_date_precision": "full",
        "birth_date": BORN.strftime("%d.%m.%Y"),
        "gender": "male",
        "residence_status": "unknown",
        "accommodation_phase": "unknown",
        "opened_on": timezone.localdate().strftime("%d.%m.%Y"),
    }
    data.update(overrides)
    return data


def test_intake_warns_and_creates_only_with_the_confirmation(client, alice):
    stored = make_client(alice, given_names="محمد", family_name="حداد", birth_date=BORN)
    client.force_login(alice)
    url = reverse("clients:client_create")
    response = client.post(url, _form())
    assert response.status_code == 200
    page = response.content.decode()
    assert "محمد" in page and stored.cases.get().number in page
    assert "not_a_duplicate" in response.context["form"].errors
    assert Client.objects.count() == 1 and Case.objects.count() == 1
    assert AuditEntry.objects.filter(action="clients.duplicates.warned").count() == 1

    response = client.post(url, _form(not_a_duplicate="on"))
    assert response.status_code == 302
    assert Client.objects.count() == 2 and Case.objects.count() == 2
    created = Client.objects.get(given_names="Mohammed")
    entry = AuditEntry.objects.get(action="clients.duplicates.overridden")
    assert entry.client_uuid == created.uuid


def test_intake_without_a_duplicate_asks_nothing(client, alice):
    make_client(alice, given_names="محمد", family_name="حداد", birth_date=BORN)
    client.force_login(alice)
    assert "not_a_duplicate" not in client.get(reverse("clients:client_create")).context["form"]
    response = client.post(reverse("clients:client_create"), _form(birth_date="03.04.1970"))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action__startswith="clients.duplicates").exists()


def test_intake_names_only_the_colleague_for_a_person_the_user_may_not_see(client, alice, dora):
    stored = make_client(alice, given_names="محمد", family_name="حداد", birth_date=BORN)
    client.force_login(dora)
    response = client.post(reverse("clients:client_create"), _form())
    assert response.status_code == 200
    page = response.content.decode()
    assert alice.display_name in page
    assert "محمد" not in page and "حداد" not in page
    assert stored.cases.get().number not in page and str(stored.cases.get().uuid) not in page
    assert Client.objects.count() == 1


# --- merge ------------------------------------------------------------------------------------


@pytest.fixture
def twins(alice):
    """One person recorded twice in Alice's caseload, each with work recorded."""
    today = timezone.localdate()
    first = make_client(
        alice,
        given_names="Olena",
        family_name="Шевченко",
        birth_date=BORN,
        opened_on=today - dt.timedelta(days=90),
        phone="0151 000",
    )
    second = make_client(
        alice,
        given_names="Olena",
        family_name="Schewtschenko",
        birth_date=BORN,
        opened_on=today - dt.timedelta(days=60),
        arrival_date=dt.date(2022, 4, 1),
    )
    source, target = first.cases.get(), second.cases.get()
    for case, days in ((source, 80), (source, 40), (target, 30)):
        make_session(alice, case, held_on=today - dt.timedelta(days=days))
    for case in (source, target):
        consent_record(actor=alice, case=case, given_on=case.opened_on, form="signed")
        goal_add(actor=alice, case=case, field_of_action="language", text=f"B1 {case.number}")
        referral_create(
            actor=alice,
            case=case,
            reason="Sprachkurs",
            referred_on=today,
            follow_up_on=today + dt.timedelta(days=14),
            service_name="VHS",
            anonymous=True,
        )
        authority_contact_create(
            actor=alice,
            case=case,
            kind="jobcenter",
            office_name="Jobcenter Sigmaringen",
            reference_number=f"BG-{case.pk}",
        )
    plan = Plan.objects.get(case=source)
    plan_agree(
        actor=alice,
        plan=plan,
        version=plan.version,
        agreed_on=today - dt.timedelta(days=10),
        agreement_form="signed",
    )
    goal_add(actor=alice, case=source, field_of_action="work", text="Praktikum")
    source.refresh_from_db()
    target.refresh_from_db()
    return source, target


def test_merge_keeps_every_session_goal_and_referral_and_is_audited(alice, twins):
    source, target = twins
    sessions = CounsellingSession.objects.count()
    goals, referrals = Goal.objects.count(), Referral.objects.count()
    consents = Consent.objects.count()
    result = case_merge(actor=alice, source=source, target=target)
    source.refresh_from_db()
    target.refresh_from_db()
    assert CounsellingSession.objects.filter(case=target).count() == sessions == 3
    assert Goal.objects.filter(plan__case=target).count() == goals == 3
    assert PlanVersion.objects.filter(plan__case=target).count() == 1
    assert Referral.objects.filter(case=target).count() == referrals == 2
    assert Consent.objects.filter(client=target.client).count() == consents == 2
    contact = AuthorityContact.objects.get()  # the same office: one contact, both numbers kept
    assert contact.client == target.client and f"BG-{source.pk}" in contact.notes
    assert source.close_reason == "merged" and not source.is_open and source.session_count == 0
    assert target.session_count == 3 and target.opened_on == source.opened_on
    assert target.client.phone == "0151 000" and "phone" in result.filled
    merged = AuditEntry.objects.filter(action="clients.case.merged")
    assert {(e.case_uuid, e.data["other"]) for e in merged} == {
        (target.uuid, str(source.uuid)),
        (source.uuid, str(target.uuid)),
    }
    # Earlier entries keep the ids they were written with.
    assert (
        AuditEntry.objects.filter(
            case_uuid=source.uuid, action="counselling.session.recorded"
        ).count()
        == 2
    )
    # The rollups follow the sessions.
    assert not ContactMonth.objects.filter(case=source).exists()
    assert sum(ContactMonth.objects.filter(case=target).values_list("sessions", flat=True)) == 3
    # The merged-away person is no duplicate candidate any more.
    assert [c.client for c in _found(alice, "Olena", "Shevchenko", birth_date=BORN)] == [
        target.client
    ]


def test_merge_is_all_or_nothing(alice, twins, monkeypatch):
    source, target = twins

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services_merge, "_move_referrals", broken)
    with pytest.raises(RuntimeError):
        case_merge(actor=alice, source=source, target=target)
    source.refresh_from_db()
    assert source.is_open and source.close_reason == ""
    assert CounsellingSession.objects.filter(case=source).count() == 2
    assert Goal.objects.filter(plan__case=source).count() == 2
    assert Referral.objects.filter(case=source).count() == 1
    assert Consent.objects.filter(client=source.client).count() == 1
    assert ContactMonth.objects.filter(case=source).exists()
    assert not AuditEntry.objects.filter(action="clients.case.merged").exists()


def test_merge_needs_the_right_to_edit_both_case_files(alice, bob, dora, coordinator, twins):
    source, target = twins
    with pytest.raises(Http404):
        case_merge(actor=dora, source=source, target=target)
    with pytest.raises(PermissionDenied):
        case_merge(actor=coordinator, source=source, target=target)
    other = make_client(dora, given_names="Olena", family_name="Shevchenko", birth_date=BORN)
    with pytest.raises(Http404):
        case_merge(actor=alice, source=other.cases.get(), target=target)
    with pytest.raises(ValidationError):
        case_merge(actor=alice, source=target, target=target)
    case_merge(actor=bob, source=source, target=target)  # Bob shares Alice's team
    source.refresh_from_db()
    with pytest.raises(ValidationError):
        case_merge(actor=alice, source=source, target=target)  # merged already


def test_merge_page_merges_after_confirmation(client, alice, twins):
    source, target = twins
    client.force_login(alice)
    url = reverse("clients:case_merge", kwargs={"uuid": target.uuid})
    page = client.get(url + f"?mit={source.uuid}")
    assert page.status_code == 200
    assert page.context["form"]["other"].value() == str(source.uuid)
    data = {"other": str(source.uuid), "stays": "this", "version": target.version}
    assert client.post(url, data).status_code == 200  # without the confirmation
    source.refresh_from_db()
    assert source.is_open
    response = client.post(url, {**data, "confirm": "on"})
    assert response["Location"] == reverse("clients:case_detail", kwargs={"uuid": target.uuid})
    source.refresh_from_db()
    assert source.close_reason == "merged"


def test_merge_page_rights(client, coordinator, dora, charlie, twins):
    source, _target = twins
    url = reverse("clients:case_merge", kwargs={"uuid": source.uuid})
    for user, expected in ((coordinator, 403), (dora, 404), (charlie, 404)):
        client.force_login(user)
        assert client.get(url).status_code == expected, user
        assert client.post(url, {"confirm": "on"}).status_code == expected, user
    source.refresh_from_db()
    assert source.is_open


def test_merged_is_no_reason_to_choose_by_hand(client, alice, twins):
    source, _target = twins
    client.force_login(alice)
    form = client.get(reverse("clients:case_close", kwargs={"uuid": source.uuid})).context["form"]
    assert "merged" not in [code for code, _label in form.fields["close_reason"].choices]


def test_every_relation_to_case_and_person_is_handled_by_the_merge():
    """A new model pointing at a case file or a person must say what a merge does with it."""
    for model, handled in (
        (Case, services_merge.CASE_RELATIONS),
        (Client, services_merge.CLIENT_RELATIONS),
    ):
        found = {
            f"{rel.related_model._meta.label_lower}.{rel.field.name}"
            for rel in model._meta.related_objects
        }
        assert found <= set(handled), found - set(handled)


# --- the county-wide report -------------------------------------------------------------------


def test_report_lists_the_pair_for_the_lead_and_without_names_for_coordination(
    client, alice, dora, lead, coordinator
):
    first = make_client(alice, given_names="Olena", family_name="Шевченко", birth_date=BORN)
    second = make_client(dora, given_names="Olena", family_name="Shevchenko", birth_date=BORN)
    make_client(alice, given_names="Maria", family_name="Schmidt", birth_date=BORN)
    url = reverse("clients:duplicate_report")
    client.force_login(lead)
    page = client.get(url)
    assert page.status_code == 200
    [pair] = page.context["pairs"]
    assert {pair.first.client, pair.second.client} == {first, second}
    assert not pair.mergeable  # Dora's case is in another team
    text = page.content.decode()
    assert "Шевченко" in text and first.cases.get().number in text
    assert second.cases.get().number not in text and dora.display_name in text

    client.force_login(coordinator)
    text = client.get(url).content.decode()
    assert first.cases.get().number in text and second.cases.get().number in text
    assert "Шевченко" not in text and "Shevchenko" not in text and "Olena" not in text
    assert AuditEntry.objects.filter(action="clients.duplicates.report_viewed").count() == 2


def test_report_rights(client, alice, charlie, county_admin, volunteer):
    url = reverse("clients:duplicate_report")
    for user in (alice, charlie, county_admin, volunteer):
        client.force_login(user)
        assert client.get(url).status_code == 403, user


def test_report_needs_a_constant_number_of_queries(client, alice, lead):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("clients:duplicate_report")
    client.force_login(lead)
    client.get(url)  # the first request after the login writes the session

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries), len(client.get(url).context["pairs"])

    make_client(alice, given_names="Olena", family_name="Shevchenko", birth_date=BORN)
    make_client(alice, given_names="Olena", family_name="Schewtschenko", birth_date=BORN)
    before, pairs_before = count()
    colleague = UserFactory(team=alice.team)
    for i in range(4):
        make_client(
            colleague,
            given_names="Jürgen",
            family_name=f"Müller{i % 2}",
            birth_year=1980,
            birth_date=None,
            birth_date_precision="year",
        )
    after, pairs_after = count()
    assert pairs_after > pairs_before
    assert after == before
