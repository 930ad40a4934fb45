"""Mentoring groups (NesT): the four-member rule, linking the family under consent, what a member
sees of the family, hours, tenant isolation and rights; the coordination's pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_client
from tests.matrix import ROLES
from tests.volunteers.conftest import german, german_plural
from tests.volunteers.helpers import make_volunteer
from tests.volunteers.url_expectations_groups import EXPECTED, url_kwargs
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.services import consent_record, consent_withdraw, household_create
from wegweiser.core.errors import ConflictError
from wegweiser.volunteers.models import Activity, MentoringGroupStatus
from wegweiser.volunteers.selectors_groups import (
    group_get,
    group_list,
    groups_of_volunteer,
    member_group_get,
)
from wegweiser.volunteers.services_groups import (
    MIN_MEMBERS,
    commitment_add,
    group_activity_log,
    group_create,
    group_end,
    group_link_family,
    group_start,
    group_update,
    member_add,
    member_remove,
)

pytestmark = pytest.mark.django_db

NAMES = ["Berger", "Krämer", "Ludwig", "Sommer", "Yilmaz", "Wagner"]


def _today():
    return timezone.localdate()


def _consent(alice, case):
    return consent_record(
        actor=alice,
        case=case,
        given_on=_today() - dt.timedelta(days=10),
        form="signed",
        covers_volunteer=True,
    )


def _group(actor, **fields):
    values = {
        "name": "NesT Mengen",
        "shared_note": "Familie wünscht Hilfe bei der Wohnungssuche.",
        "starts_on": _today() - dt.timedelta(days=5),
        "ends_on": _today() + dt.timedelta(days=365),
    }
    values.update(fields)
    return group_create(actor=actor, **values)


def _add_members(actor, group, count, **volunteer_fields):
    memberships = []
    for i in range(count):
        v = make_volunteer(
            actor,
            given_name=f"Person{i}",
            family_name=NAMES[i % len(NAMES)],
            status="active",
            **volunteer_fields,
        )
        memberships.append(
            member_add(
                actor=actor, group=group, volunteer=v, joined_on=_today() - dt.timedelta(days=20)
            )
        )
    return memberships


def _active_group(volunteer_coordinator, alice, case, members=MIN_MEMBERS):
    group = _group(volunteer_coordinator)
    memberships = _add_members(volunteer_coordinator, group, members)
    _consent(alice, case)
    group = group_link_family(actor=alice, group=group, version=group.version, case=case)
    group = group_start(actor=volunteer_coordinator, group=group, version=group.version)
    return group, memberships


@pytest.fixture
def own(volunteer_coordinator, volunteer):
    """The Volunteer of the user with the volunteer role."""
    return make_volunteer(
        volunteer_coordinator,
        given_name="Lotte",
        family_name="Lotsin",
        user=volunteer,
        status="active",
    )


# --- Services -----------------------------------------------------------------------------------


def test_create_is_audited_without_personal_data(volunteer_coordinator, kreis):
    group = _group(volunteer_coordinator)
    assert group.kreis_id == kreis.pk
    assert group.status == MentoringGroupStatus.FORMING
    entry = AuditEntry.objects.get(action="volunteers.group.created", object_uuid=group.uuid)
    assert entry.actor == volunteer_coordinator
    assert "Mengen" not in str(entry.data) and "Wohnung" not in str(entry.data)


def test_update_guards_against_a_concurrent_save(volunteer_coordinator):
    group = _group(volunteer_coordinator)
    group_update(actor=volunteer_coordinator, group=group, version=1, name="NesT Sigmaringen")
    with pytest.raises(ConflictError):
        group_update(actor=volunteer_coordinator, group=group, version=1, name="Anders")
    group.refresh_from_db()
    assert group.name == "NesT Sigmaringen"
    assert group.version == 2
    entry = AuditEntry.objects.get(action="volunteers.group.updated")
    assert entry.data == {"fields": ["name"]}


def test_update_refuses_a_period_that_ends_before_it_starts(volunteer_coordinator):
    group = _group(volunteer_coordinator)
    with pytest.raises(ValidationError) as exc:
        group_update(
            actor=volunteer_coordinator,
            group=group,
            version=group.version,
            ends_on=group.starts_on - dt.timedelta(days=1),
        )
    assert exc.value.error_dict["ends_on"][0].messages == [
        german("The end of the accompaniment must be after its start.")
    ]


def test_start_names_everything_that_is_missing(volunteer_coordinator, alice, case):
    group = _group(volunteer_coordinator, starts_on=None, ends_on=None)
    _add_members(volunteer_coordinator, group, 3)
    with pytest.raises(ValidationError) as exc:
        group_start(actor=volunteer_coordinator, group=group, version=group.version)
    messages = exc.value.messages
    assert len(messages) == 3
    assert any("4" in m and "3" in m for m in messages)
    assert (
        german("The family has not been linked yet; their integration manager links them.")
        in messages
    )
    assert german("Please enter the start and the end of the accompaniment first.") in messages
    group.refresh_from_db()
    assert group.status == MentoringGroupStatus.FORMING


def test_start_with_four_members_family_and_period(volunteer_coordinator, alice, case):
    group, _memberships = _active_group(volunteer_coordinator, alice, case)
    assert group.status == MentoringGroupStatus.ACTIVE
    assert AuditEntry.objects.get(action="volunteers.group.started").data == {"members": 4}


def test_three_members_are_not_enough_to_start(volunteer_coordinator, alice, case):
    group = _group(volunteer_coordinator)
    memberships = _add_members(volunteer_coordinator, group, 4)
    member_remove(actor=volunteer_coordinator, membership=memberships[0], left_on=_today())
    _consent(alice, case)
    group = group_link_family(actor=alice, group=group, version=group.version, case=case)
    with pytest.raises(ValidationError) as exc:
        group_start(actor=volunteer_coordinator, group=group, version=group.version)
    assert len(exc.value.messages) == 1  # only the members are missing


def test_removal_cannot_bring_an_active_group_below_four(volunteer_coordinator, alice, case):
    group, memberships = _active_group(volunteer_coordinator, alice, case, members=5)
    member_remove(actor=volunteer_coordinator, membership=memberships[0], left_on=_today())
    with pytest.raises(ValidationError) as exc:
        member_remove(actor=volunteer_coordinator, membership=memberships[1], left_on=_today())
    assert exc.value.messages == [
        german_plural(
            "A group that accompanies a family needs at least %(min)d member; "
            "please add a new member first.",
            "A group that accompanies a family needs at least %(min)d members; "
            "please add a new member first.",
            4,
            min=4,
        )
    ]
    assert group.memberships.filter(left_on__isnull=True).count() == 4
    assert AuditEntry.objects.filter(action="volunteers.group.member_removed").count() == 1


def test_a_forming_group_may_shrink(volunteer_coordinator):
    group = _group(volunteer_coordinator)
    memberships = _add_members(volunteer_coordinator, group, 2)
    member_remove(actor=volunteer_coordinator, membership=memberships[0], left_on=_today())
    member_remove(actor=volunteer_coordinator, membership=memberships[1], left_on=_today())
    assert not group.memberships.filter(left_on__isnull=True).exists()


def test_member_add_needs_an_active_or_paused_volunteer_once(volunteer_coordinator):
    group = _group(volunteer_coordinator)
    interested = make_volunteer(volunteer_coordinator)  # status interested
    with pytest.raises(ValidationError) as exc:
        member_add(
            actor=volunteer_coordinator, group=group, volunteer=interested, joined_on=_today()
        )
    assert "volunteer" in exc.value.error_dict
    paused = make_volunteer(volunteer_coordinator, given_name="Paula", status="paused")
    member_add(actor=volunteer_coordinator, group=group, volunteer=paused, joined_on=_today())
    with pytest.raises(ValidationError) as exc:
        member_add(actor=volunteer_coordinator, group=group, volunteer=paused, joined_on=_today())
    assert exc.value.error_dict["volunteer"][0].messages == [
        german("This volunteer is already a member of the group.")
    ]


def test_member_add_refuses_a_volunteer_of_another_county(
    volunteer_coordinator, other_volunteer_coordinator
):
    group = _group(volunteer_coordinator)
    foreign = make_volunteer(other_volunteer_coordinator, status="active")
    with pytest.raises(Http404):
        member_add(actor=volunteer_coordinator, group=group, volunteer=foreign, joined_on=_today())


def test_rent_needs_an_amount_and_lies_within_the_period(volunteer_coordinator):
    group = _group(volunteer_coordinator)
    with pytest.raises(ValidationError) as exc:
        commitment_add(
            actor=volunteer_coordinator,
            group=group,
            kind="rent",
            from_on=group.starts_on,
            until_on=group.ends_on,
        )
    assert exc.value.error_dict["monthly_amount"][0].messages == [
        german("Please enter the rent the group pays per month.")
    ]
    with pytest.raises(ValidationError) as exc:
        commitment_add(
            actor=volunteer_coordinator,
            group=group,
            kind="rent",
            monthly_amount=Decimal("450"),
            from_on=group.starts_on,
            until_on=group.ends_on + dt.timedelta(days=1),
        )
    assert "from_on" in exc.value.error_dict
    commitment = commitment_add(
        actor=volunteer_coordinator,
        group=group,
        kind="rent",
        monthly_amount=Decimal("450"),
        from_on=group.starts_on,
        until_on=group.ends_on,
    )
    assert commitment.monthly_amount == Decimal("450.00")
    # The period of the group cannot shrink below its commitments any more.
    with pytest.raises(ValidationError):
        group_update(
            actor=volunteer_coordinator,
            group=group,
            version=group.version,
            ends_on=group.ends_on - dt.timedelta(days=30),
        )


def test_linking_needs_the_consent_to_passing_contact_data(volunteer_coordinator, alice, case):
    group = _group(volunteer_coordinator)
    consent_record(actor=alice, case=case, given_on=_today(), form="signed")  # processing only
    with pytest.raises(ValidationError) as exc:
        group_link_family(actor=alice, group=group, version=group.version, case=case)
    assert exc.value.error_dict["case"][0].messages == [
        german(
            "The person has not consented to passing contact data to volunteers. "
            "Please record the consent in the case file first."
        )
    ]
    _consent(alice, case)
    group = group_link_family(actor=alice, group=group, version=group.version, case=case)
    assert group.case == case
    entry = AuditEntry.objects.get(action="volunteers.group.family_linked")
    assert entry.case_uuid == case.uuid  # on the case's timeline
    assert entry.object_uuid == group.uuid


def test_only_who_may_edit_the_case_links_it(
    volunteer_coordinator, coordinator, alice, bob, dora, charlie, case
):
    group = _group(volunteer_coordinator)
    _consent(alice, case)
    with pytest.raises(Http404):  # the case does not exist for the volunteer coordination
        group_link_family(actor=volunteer_coordinator, group=group, version=None, case=case)
    with pytest.raises(Http404):  # another team's case
        group_link_family(actor=dora, group=group, version=None, case=case)
    with pytest.raises(PermissionDenied):  # county overview, no case work
        group_link_family(actor=coordinator, group=group, version=None, case=case)
    with pytest.raises(Http404):  # a group of another Kreis
        group_link_family(actor=charlie, group=group, version=None, case=case)
    group = group_link_family(actor=bob, group=group, version=None, case=case)  # shared case
    assert group.case == case


def test_consent_withdrawal_hides_the_family_from_the_member_at_once(
    volunteer_coordinator, alice, case, volunteer, own
):
    household = household_create(actor=alice, label="Familie Haddad")
    case.client.household = household
    case.client.save()
    make_client(alice, given_names="Yusuf", family_name="Haddad", household=household)
    case.client.phone = "0151 2345678"
    case.client.save()
    group, _m = _active_group(volunteer_coordinator, alice, case)
    member_add(actor=volunteer_coordinator, group=group, volunteer=own, joined_on=_today())
    commitment_add(
        actor=volunteer_coordinator,
        group=group,
        kind="rent",
        monthly_amount=Decimal("450"),
        from_on=group.starts_on,
        until_on=group.ends_on,
    )
    view = member_group_get(user=volunteer, uuid=group.uuid)
    assert view.family.first_names == "Amina"
    assert view.family.household_first_names == ["Yusuf"]
    assert view.family.phone == "0151 2345678"
    assert view.shared_note and len(view.commitments) == 1
    consent = case.client.consents.get(covers_volunteer=True)
    consent_withdraw(actor=alice, case=case, consent=consent, withdrawn_on=_today())
    view = member_group_get(user=volunteer, uuid=group.uuid)
    assert view.family is None
    assert view.family_hidden
    assert view.shared_note == ""
    assert view.commitments == []


def test_groups_of_volunteer_lists_current_memberships_of_running_groups(
    volunteer_coordinator, alice, case, volunteer, own
):
    forming = _group(volunteer_coordinator, name="NesT A")
    left = _group(volunteer_coordinator, name="NesT B")
    _group(volunteer_coordinator, name="NesT C")  # not a member
    member_add(actor=volunteer_coordinator, group=forming, volunteer=own, joined_on=_today())
    membership = member_add(
        actor=volunteer_coordinator, group=left, volunteer=own, joined_on=_today()
    )
    member_remove(actor=volunteer_coordinator, membership=membership, left_on=_today())
    assert [g.name for g in groups_of_volunteer(user=volunteer)] == ["NesT A"]
    assert not groups_of_volunteer(user=alice).exists()
    with pytest.raises(Http404):
        member_group_get(user=volunteer, uuid=left.uuid)


def test_hours_logging_by_a_member(volunteer_coordinator, alice, case, volunteer, own):
    group, _m = _active_group(volunteer_coordinator, alice, case)
    member_add(
        actor=volunteer_coordinator,
        group=group,
        volunteer=own,
        joined_on=_today() - dt.timedelta(days=3),
    )
    activity = group_activity_log(
        actor=volunteer, group=group, date=_today(), hours=Decimal("2.5"), note="Wohnung besichtigt"
    )
    assert activity.kind == "mentoring_group" and activity.group == group
    assert activity.volunteer == own
    entry = AuditEntry.objects.get(action="volunteers.activity.logged")
    assert "Wohnung" not in str(entry.data)
    with pytest.raises(ValidationError) as exc:
        group_activity_log(
            actor=volunteer, group=group, date=_today() + dt.timedelta(days=1), hours=Decimal("1")
        )
    assert exc.value.error_dict["date"][0].messages == [german("The date cannot be in the future.")]
    for hours in (Decimal("0"), Decimal("24.5")):
        with pytest.raises(ValidationError) as exc:
            group_activity_log(actor=volunteer, group=group, date=_today(), hours=hours)
        assert exc.value.error_dict["hours"][0].messages == [
            german("Please enter between 0.25 and 24 hours.")
        ]
    assert Activity.objects.count() == 1


def test_hours_only_by_a_member(volunteer_coordinator, alice, case, volunteer, own):
    group = _group(volunteer_coordinator)
    with pytest.raises(Http404):
        group_activity_log(actor=volunteer, group=group, date=_today(), hours=Decimal("1"))
    with pytest.raises(PermissionDenied):
        group_activity_log(
            actor=volunteer_coordinator, group=group, date=_today(), hours=Decimal("1")
        )


def test_end_sets_the_date_and_hides_the_group_from_members(
    volunteer_coordinator, alice, case, volunteer, own
):
    group, _m = _active_group(volunteer_coordinator, alice, case)
    member_add(actor=volunteer_coordinator, group=group, volunteer=own, joined_on=_today())
    with pytest.raises(ValidationError):
        group_end(
            actor=volunteer_coordinator,
            group=group,
            version=group.version,
            ends_on=group.starts_on,
        )
    group = group_end(
        actor=volunteer_coordinator, group=group, version=group.version, ends_on=_today()
    )
    assert group.status == MentoringGroupStatus.ENDED and group.ends_on == _today()
    assert not groups_of_volunteer(user=volunteer).exists()
    with pytest.raises(Http404):
        member_group_get(user=volunteer, uuid=group.uuid)
    with pytest.raises(ValidationError):
        _add_members(volunteer_coordinator, group, 1)


def test_another_county_gets_404(volunteer_coordinator, other_volunteer_coordinator, charlie):
    group = _group(volunteer_coordinator)
    for user in (other_volunteer_coordinator, charlie):
        with pytest.raises(Http404):
            group_get(user=user, uuid=group.uuid)
        assert not group_list(user=user).exists()
    with pytest.raises(Http404):
        group_update(actor=other_volunteer_coordinator, group=group, version=None, name="X")
    with pytest.raises(Http404):
        group_start(actor=other_volunteer_coordinator, group=group, version=None)


def test_readers_may_not_change_and_others_not_read(
    volunteer_coordinator, alice, volunteer, dpo, own
):
    group = _group(volunteer_coordinator)
    assert group_get(user=alice, uuid=group.uuid)[0] == group
    with pytest.raises(PermissionDenied):
        member_add(actor=alice, group=group, volunteer=own, joined_on=_today())
    with pytest.raises(PermissionDenied):
        group_create(actor=alice, name="X")
    for user in (volunteer, dpo):
        with pytest.raises(PermissionDenied):
            group_list(user=user)
        with pytest.raises(PermissionDenied):
            group_update(actor=user, group=group, version=None, name="X")


# --- Pages --------------------------------------------------------------------------------------


def test_the_coordination_flow_through_the_pages(
    client, volunteer_coordinator, alice, case, volunteer, own
):
    client.force_login(volunteer_coordinator)
    html = client.get(reverse("volunteers:volunteer_list")).content.decode()
    assert reverse("volunteers:group_list") in html
    response = client.post(
        reverse("volunteers:group_create"),
        {"name": "NesT Pfullendorf", "shared_note": "Bitte langsam sprechen."},
    )
    assert response.status_code == 302
    group = group_list(user=volunteer_coordinator).get()
    detail = reverse("volunteers:group_detail", kwargs={"uuid": group.uuid})
    assert response["Location"] == detail

    # Four members; the last is the user with the volunteer role
    others = [
        make_volunteer(volunteer_coordinator, given_name=f"P{i}", status="active") for i in range(3)
    ]
    for v in [*others, own]:
        response = client.post(
            reverse("volunteers:group_member_add", kwargs={"uuid": group.uuid}),
            {"volunteer": str(v.uuid), "joined_on": _today().strftime("%d.%m.%Y")},
        )
        assert response.status_code == 302, response.content.decode()

    # Starting without family and period: the page names what is missing
    start = reverse("volunteers:group_start", kwargs={"uuid": group.uuid})
    response = client.post(start, {"version": group.version})
    assert response.status_code == 200
    html = response.content.decode()
    assert german("Please enter the start and the end of the accompaniment first.") in html

    starts_on = _today() - dt.timedelta(days=1)
    response = client.post(
        reverse("volunteers:group_update", kwargs={"uuid": group.uuid}),
        {
            "version": 1,
            "name": "NesT Pfullendorf",
            "shared_note": "Bitte langsam sprechen.",
            "starts_on": starts_on.strftime("%d.%m.%Y"),
            "ends_on": (starts_on + dt.timedelta(days=365)).strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("volunteers:group_commitment_add", kwargs={"uuid": group.uuid}),
        {
            "kind": "rent",
            "monthly_amount": "450,00",
            "from_on": starts_on.strftime("%d.%m.%Y"),
            "until_on": (starts_on + dt.timedelta(days=364)).strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302, response.content.decode()

    # The coordination cannot link the family: the case does not exist for them
    family = reverse("volunteers:group_family", kwargs={"uuid": group.uuid})
    assert client.get(family).status_code == 403

    # Alice links her case, after recording the consent
    client.force_login(alice)
    response = client.get(family)
    assert response.status_code == 200
    assert case.number in response.content.decode()
    response = client.post(family, {"version": 2, "case": str(case.uuid)})
    assert response.status_code == 200
    assert (
        german(
            "The person has not consented to passing contact data to volunteers. "
            "Please record the consent in the case file first."
        )
        in response.content.decode()
    )
    _consent(alice, case)
    response = client.post(family, {"version": 2, "case": str(case.uuid)})
    assert response.status_code == 302
    html = client.get(detail).content.decode()
    assert case.number in html  # Alice may edit the case: the link to it

    # The coordination starts; the detail page does not show the case to them
    client.force_login(volunteer_coordinator)
    group.refresh_from_db()
    response = client.post(start, {"version": group.version})
    assert response.status_code == 302
    html = client.get(detail).content.decode()
    assert case.number not in html and "Amina" not in html
    assert german("A family is linked.") in html

    # The member sees the family's first name, never the family name or the case
    client.force_login(volunteer)
    page = reverse("volunteers:portal_group", kwargs={"uuid": group.uuid})
    html = client.get(page).content.decode()
    assert "Amina" in html and "Haddad" not in html and case.number not in html
    assert "Bitte langsam sprechen." in html and "450" in html
    response = client.post(
        page, {"date": _today().strftime("%d.%m.%Y"), "hours": "3", "note": "Möbel"}
    )
    assert response.status_code == 302
    assert Activity.objects.get().group == group

    # Removing a member of the active group of four is refused on the page
    client.force_login(volunteer_coordinator)
    membership = group.memberships.filter(volunteer=others[0]).get()
    response = client.post(
        reverse(
            "volunteers:group_member_remove",
            kwargs={"uuid": group.uuid, "member_uuid": membership.uuid},
        ),
        {"left_on": _today().strftime("%d.%m.%Y")},
    )
    assert response.status_code == 200
    assert (
        german_plural(
            "A group that accompanies a family needs at least %(min)d member; "
            "please add a new member first.",
            "A group that accompanies a family needs at least %(min)d members; "
            "please add a new member first.",
            4,
            min=4,
        )
        in response.content.decode()
    )

    # Ending the accompaniment
    group.refresh_from_db()
    response = client.post(
        reverse("volunteers:group_end", kwargs={"uuid": group.uuid}),
        {"version": group.version, "ends_on": _today().strftime("%d.%m.%Y")},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == MentoringGroupStatus.ENDED
    client.force_login(volunteer)
    assert client.get(page).status_code == 404


def test_the_family_page_lists_only_the_managers_own_cases(
    client, volunteer_coordinator, alice, dora, case
):
    other = make_client(dora, given_names="Omar", family_name="Nasser")
    group = _group(volunteer_coordinator)
    family = reverse("volunteers:group_family", kwargs={"uuid": group.uuid})
    client.force_login(alice)
    html = client.get(family).content.decode()
    assert case.number in html and "Amina" in html
    other_case = other.cases.get()
    assert other_case.number not in html and "Nasser" not in html
    response = client.post(family, {"version": group.version, "case": str(other_case.uuid)})
    assert response.status_code == 200
    group.refresh_from_db()
    assert group.case_id is None


def test_withdrawal_hides_the_family_on_the_member_page(
    client, volunteer_coordinator, alice, case, volunteer, own
):
    group, _m = _active_group(volunteer_coordinator, alice, case)
    member_add(actor=volunteer_coordinator, group=group, volunteer=own, joined_on=_today())
    client.force_login(volunteer)
    page = reverse("volunteers:portal_group", kwargs={"uuid": group.uuid})
    assert "Amina" in client.get(page).content.decode()
    viewed = AuditEntry.objects.filter(action="volunteers.group.viewed", actor=volunteer)
    assert viewed.count() == 1
    consent = case.client.consents.get(covers_volunteer=True)
    consent_withdraw(actor=alice, case=case, consent=consent, withdrawn_on=_today())
    html = client.get(page).content.decode()
    assert viewed.count() == 1  # nothing of the family was read
    assert "Amina" not in html and "Wohnungssuche" not in html
    assert (
        german(
            "The family's details are not shown at the moment. "
            "Please contact the volunteer coordination."
        )
        in html
    )


def test_charlie_and_the_other_county_get_404_on_the_pages(
    client, volunteer_coordinator, other_volunteer_coordinator, charlie
):
    group = _group(volunteer_coordinator)
    membership = _add_members(volunteer_coordinator, group, 1)[0]
    urls = [
        reverse(f"volunteers:{name}", kwargs={"uuid": group.uuid})
        for name in (
            "group_detail",
            "group_update",
            "group_member_add",
            "group_commitment_add",
            "group_start",
            "group_end",
            "group_family",
        )
    ]
    urls.append(
        reverse(
            "volunteers:group_member_remove",
            kwargs={"uuid": group.uuid, "member_uuid": membership.uuid},
        )
    )
    for user in (charlie, other_volunteer_coordinator):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"name": "x"}).status_code == 404, url


@pytest.mark.parametrize("role", ROLES)
def test_url_expectations_of_the_groups(client, request, alice, case, role):
    """The expectations merged into the role x URL matrix hold (tests/test_url_matrix.py)."""
    users = {name: request.getfixturevalue(name) for name in ROLES if name not in ("anonymous",)}
    world = {"users": users, "case": case}
    per_name = url_kwargs(world)
    if role != "anonymous":
        client.force_login(users[role])
    failures = []
    for name, table in EXPECTED.items():
        url = reverse(name, kwargs=per_name.get(name, {}))
        got = client.get(url).status_code
        if got != table[role]:
            failures.append(f"{name} {url}: expected {table[role]}, got {got}")
    assert not failures, "\n".join(failures)


def test_readers_see_groups_read_only(client, volunteer_coordinator, alice):
    group = _group(volunteer_coordinator)
    memberships = _add_members(volunteer_coordinator, group, 2)
    member_remove(actor=volunteer_coordinator, membership=memberships[0], left_on=_today())
    client.force_login(alice)
    html = client.get(reverse("volunteers:group_list")).content.decode()
    assert "NesT Mengen" in html
    assert reverse("volunteers:group_create") not in html
    detail = reverse("volunteers:group_detail", kwargs={"uuid": group.uuid})
    html = client.get(detail).content.decode()
    assert german("Former members") in html and "Person0" in html
    assert reverse("volunteers:group_update", kwargs={"uuid": group.uuid}) not in html
    assert reverse("volunteers:group_family", kwargs={"uuid": group.uuid}) in html  # case work
    response = client.post(
        reverse("volunteers:group_update", kwargs={"uuid": group.uuid}), {"name": "X"}
    )
    assert response.status_code == 403
