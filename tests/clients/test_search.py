"""Search by name finds a person whatever the spelling: umlauts, transliterations, variants."""

import datetime as dt

import pytest

from tests.factories import make_client
from wegweiser.clients.selectors import case_list


@pytest.mark.parametrize(
    ("given", "family", "query"),
    [
        ("Jürgen", "Müller", "Mueller"),
        ("Jürgen", "Müller", "muller"),
        ("Jürgen", "Müller", "jürgen müller"),
        ("محمد", "الحسن", "Mohammed"),
        ("Muhammad", "Hassan", "Mohamed"),
        ("Олександр", "Шевченко", "Oleksandr"),
        ("Олександр", "Шевченко", "Schewtschenko"),
        ("Łukasz", "Żółć", "Lukasz"),
        ("Ahmad", "Rahimi", "Ahmed"),
    ],
)
def test_name_variants_find_the_person(alice, given, family, query):
    make_client(alice, given_names=given, family_name=family)
    make_client(alice, given_names="Maria", family_name="Schmidt", birth_date=dt.date(1985, 1, 1))
    found = [c.client.given_names for c in case_list(alice, query=query)]
    assert found == [given]


def test_search_by_birth_date_and_case_number(alice):
    amina = make_client(alice, birth_date=dt.date(1990, 5, 17))
    make_client(alice, given_names="Omar", family_name="Haddad", birth_date=dt.date(2010, 2, 3))
    assert [c.client for c in case_list(alice, query="17.05.1990")] == [amina]
    number = amina.cases.get().number
    assert [c.client for c in case_list(alice, query=number)] == [amina]


def test_search_stays_within_what_the_user_may_see(alice, charlie, dora):
    make_client(alice, given_names="Amina", family_name="Haddad")
    make_client(charlie, given_names="Amina", family_name="Haddad")
    assert len(case_list(alice, query="Haddad")) == 1
    assert len(case_list(charlie, query="Haddad")) == 1
    assert len(case_list(dora, query="Haddad")) == 0


def test_long_names_in_other_scripts_fit_their_latin_columns(alice):
    person = make_client(alice, given_names="漢" * 150, family_name="Wang")
    assert len(person.given_names_latin) <= 150
    assert person.name_tokens.startswith(" ") and person.name_tokens.endswith(" ")
    assert [c.client for c in case_list(alice, query="Wang")] == [person]


def test_kosovo_can_be_chosen_as_nationality(alice):
    person = make_client(alice, nationalities=["XK"])
    assert [c.name for c in person.nationalities] == ["Kosovo"]


@pytest.mark.parametrize(
    ("given", "family", "extra", "latin"),
    [
        ("Наталія", "Лисенко", {}, "Nataliia Lysenko"),  # Ukrainian letter і: passport spelling
        ("Юрій", "Ярошенко", {"nationalities": ["UA"]}, "Yurii Yaroshenko"),
        ("Олена", "Мельник", {"languages": ["uk"]}, "Olena Melnyk"),
        ("Ольга", "Шмидт", {"nationalities": ["RU"]}, "Olga Shmidt"),
    ],
)
def test_latin_form_follows_the_passport_spelling(alice, given, family, extra, latin):
    person = make_client(alice, given_names=given, family_name=family, **extra)
    assert person.latin_name == latin
    assert [c.client for c in case_list(alice, query=latin.split()[0])] == [person]


def test_apostrophes_do_not_split_names(alice):
    person = make_client(alice, given_names="Ol'ga", family_name="D’Angelo")
    assert [c.client for c in case_list(alice, query="Olga Dangelo")] == [person]


def test_search_in_the_browser_is_sent_by_post_and_pages(client, alice):
    from django.urls import reverse

    for i in range(55):
        make_client(alice, given_names=f"Amina{i:02d}", family_name="Haddad")
    make_client(alice, given_names="Omar", family_name="Yilmaz")
    client.force_login(alice)
    page = client.get(reverse("clients:case_list")).content.decode()
    assert 'method="post"' in page and 'id="case-search"' in page
    first = client.post(reverse("clients:case_list"), {"q": "Haddad", "status": "open"})
    assert first.context["page"].paginator.count == 55
    assert "Yilmaz" not in first.content.decode()
    second = client.post(
        reverse("clients:case_list"), {"q": "Haddad", "status": "open", "seite": "2"}
    )
    assert len(second.context["page"].object_list) == 5
    # a name in the URL is not used as a search (it would end up in logs and histories)
    assert (
        client.get(reverse("clients:case_list") + "?q=Yilmaz").context["page"].paginator.count == 56
    )


def test_case_list_pages_count_in_the_same_query(client, alice):
    """The list (no search) reads a page and the total in one query; the page numbers behave as
    before: nothing or nonsense is the first page, one past the end the last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    for i in range(53):
        make_client(alice, given_names=f"Nura{i:02d}", family_name="Karimi")
    client.force_login(alice)
    url = reverse("clients:case_list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
    assert first.context["page"].paginator.count == 53
    html = first.content.decode()
    assert "53 Fälle" in html and "Seite 1 von 2" in html
    assert not any(q["sql"].lstrip().upper().startswith("SELECT COUNT") for q in queries)
    second = client.get(url, {"seite": "2"})
    assert second.context["page"].number == 2
    assert len(second.context["page"].object_list) == 3
    names = [row.name for row in second.context["page"].object_list]
    assert names == [f"Nura{i:02d} Karimi" for i in (50, 51, 52)]
    assert client.get(url, {"seite": "9"}).context["page"].number == 2
    assert client.get(url, {"seite": "x"}).context["page"].number == 1
