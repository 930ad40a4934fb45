"""The case list reads the own cases and the team's other cases as separate parts (each from an
index of its own, core.paging.parts_page): the parts must be exactly what the user may list,
no case twice, and the pages the same as from the one query with ``OR``."""

from __future__ import annotations

import datetime as dt
from itertools import combinations

import pytest
from django.urls import reverse

from tests.factories import make_client
from wegweiser.clients import rules, selectors
from wegweiser.clients.choices import CloseReason
from wegweiser.clients.models import Case
from wegweiser.clients.services import case_close
from wegweiser.core.paging import ids_page, parts_page
from wegweiser.dataprotection.services import restriction_set

pytestmark = pytest.mark.django_db

NAMES = ["Haddad", "Abbas", "Yilmaz", "Kovalenko", "Ahmadi", "Nasser", "Bakr", "Zaher", "Omar"]


@pytest.fixture
def caseload(alice, bob, dora, charlie):
    """Shared, unshared, restricted and closed cases of two managers of a team, one of another
    team and one of another county."""
    made = {}
    for owner in (alice, bob):
        for i, family in enumerate(NAMES[:6]):
            client = make_client(owner, given_names=f"{owner.first_name} {i}", family_name=family)
            made[(owner.first_name, i)] = client.cases.get()
    for key in [("Alice", 1), ("Bob", 1), ("Bob", 4)]:
        Case.objects.filter(pk=made[key].pk).update(shared_with_team=False)
    for key in [("Alice", 2), ("Bob", 2)]:
        case = made[key]
        restriction_set(
            actor=case.responsible,
            case=case,
            reason="Die Person bestreitet die Richtigkeit der gespeicherten Angaben.",
            requested_on=dt.date.today(),
        )
    for key in [("Alice", 3), ("Bob", 5)]:
        case = Case.objects.get(pk=made[key].pk)
        case_close(
            actor=case.responsible,
            case=case,
            version=case.version,
            closed_on=dt.date.today(),
            close_reason=CloseReason.MOVED_AWAY,
        )
    make_client(dora, family_name="Zaher")
    make_client(charlie, family_name="Abbas")
    return made


@pytest.mark.parametrize("status", ["open", "closed", "all"])
def test_the_parts_are_what_the_user_may_list_each_case_once(
    caseload, alice, bob, lead, dora, coordinator, county_admin, charlie, status
):
    listed = {}
    for user in (alice, bob, lead, dora, coordinator, county_admin, charlie):
        whole = set(selectors.case_list(user, status=status).values_list("pk", flat=True))
        parts = [
            set(part.values_list("pk", flat=True))
            for part in selectors.case_list_parts(user, status=status)
        ]
        assert set().union(*parts) == whole, user.email
        for first, second in combinations(parts, 2):
            assert not first & second, f"{user.email}: a case in two parts"
        listed[user.first_name or user.email] = whole
    # What the parts add up to, by role (the rules of clients.rules):
    by_name = {c.pk: c for c in Case.objects.select_related("client")}

    def names(key):
        return {by_name[pk].client.given_names for pk in listed[key]}

    if status == "open":
        # Alice: all her open cases (her restricted one too), Bob's open shared ones that are
        # not restricted.
        own = {"Alice 0", "Alice 1", "Alice 2", "Alice 4", "Alice 5"}
        assert names("Alice") == own | {"Bob 0", "Bob 3"}
        assert names("Bob") == {"Bob 0", "Bob 1", "Bob 2", "Bob 3", "Bob 4"} | {
            "Alice 0",
            "Alice 4",
            "Alice 5",
        }
        # The team lead: every open unrestricted case of the team, shared or not.
        assert names("Lena") >= {"Alice 1", "Bob 1", "Bob 4"}
        assert not names("Lena") & {"Alice 2", "Bob 2"}
        assert listed["Dora"] and not names("Dora") & (names("Alice") | names("Bob"))
        assert len(listed["Dora"]) == 1
    if status == "closed":
        # closed cases stay visible as before closing (both were shared)
        assert names("Alice") == names("Bob") == {"Alice 3", "Bob 5"}


@pytest.mark.parametrize("per_page", [1, 2, 3, 50])
def test_pages_from_the_parts_equal_the_pages_of_the_whole_list(caseload, alice, lead, per_page):
    for user in (alice, lead):
        for status in ("open", "all"):
            whole = selectors.case_list(user, status=status)
            parts = selectors.case_list_parts(user, status=status)
            total = whole.count()
            huge = "99999999999999999999"  # past any list, and past the database's integers
            for number in [*range(1, total // per_page + 3), "x", None, "-1", huge]:
                expected = ids_page(whole, number, per_page)
                got = parts_page(parts, number, per_page)
                assert list(got.object_list) == list(expected.object_list), (status, number)
                assert got.number == expected.number, (status, number)
                assert got.paginator.count == expected.paginator.count == total
                if number == huge:
                    assert got.number == max(1, -(-total // per_page))


def test_no_cases_is_an_empty_first_page(alice, bob):
    parts = selectors.case_list_parts(alice)
    assert len(parts) == 2
    page = parts_page(parts, 3, 50)
    assert list(page.object_list) == [] and page.number == 1 and page.paginator.count == 0


def test_the_list_page_shows_the_parts_in_name_order(client, caseload, alice):
    client.force_login(alice)
    page = client.get(reverse("clients:case_list"))
    assert page.status_code == 200
    html = page.content.decode()
    shown = [name for name in ("Abbas", "Ahmadi", "Haddad", "Nasser") if f"{name}</" in html]
    assert shown == sorted(shown)
    assert "Bob 0" in html and "Bob 1" not in html and "Bob 2" not in html
    assert "Alice 2" in html  # her own restricted case stays in her list
    assert len(rules.listable_parts(alice)) == 2


def test_a_huge_page_number_shows_the_last_page(client, caseload, alice):
    client.force_login(alice)
    page = client.get(reverse("clients:case_list"), {"seite": "99999999999999999999"})
    assert page.status_code == 200
    assert "Haddad" in page.content.decode()
