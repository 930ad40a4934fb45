"""Reads compiled once (core.prepared): the same rows, related objects and SQL as the plain
queryset, one query per read, and a plain queryset whenever the shape depends on the values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_client
from wegweiser.clients.models import Case
from wegweiser.clients.selectors import _CASE_WITH_PERSON, _case_with_person, case_get
from wegweiser.core.prepared import ListOf, PreparedRead


@pytest.fixture
def cases(alice, bob):
    made = [
        make_client(alice, given_names="Amina", family_name="Haddad"),
        make_client(bob, given_names="Олександр", family_name="Шевченко"),
    ]
    return [client.cases.get() for client in made]


def test_prepared_read_gives_what_the_queryset_gives(cases, alice, other_kreis):
    for case in cases:
        with CaptureQueriesContext(connection) as queries:
            (found,) = _CASE_WITH_PERSON.fetch(uuid=case.uuid, kreis_id=case.kreis_id)
            # person, household, municipality, manager, team, provider: loaded with the case
            shown = (
                found.client.family_name,
                found.client.household,
                found.client.municipality,
                found.responsible.display_name,
                found.team,
                found.organisation.name,
            )
        assert len(queries) == 1
        with CaptureQueriesContext(connection) as plain_queries:
            (plain,) = _case_with_person(case.uuid, case.kreis_id)
        assert found == plain and found.number == plain.number
        assert shown[0] == plain.client.family_name and shown[3] == plain.responsible.display_name
        # the same statement, with the same values, as Django's own compilation
        assert queries[0]["sql"] == plain_queries[0]["sql"]
        assert str(case.uuid.hex)[:8] in queries[0]["sql"].replace("-", "")
    # another county's id, an unknown case: nothing
    assert _CASE_WITH_PERSON.fetch(uuid=cases[0].uuid, kreis_id=other_kreis.pk) == []
    assert _CASE_WITH_PERSON.fetch(uuid=cases[1].client.uuid, kreis_id=alice.kreis_id) == []


def test_case_page_read_still_guards_the_county(cases, alice, other_kreis):
    from django.http import Http404

    from tests.factories import UserFactory

    stranger = UserFactory(email="x@example.org", kreis=other_kreis)
    with pytest.raises(Http404):
        case_get(user=stranger, uuid=cases[0].uuid)
    case, _access = case_get(user=alice, uuid=cases[0].uuid)
    assert case.pk == cases[0].pk


def test_a_shape_that_depends_on_the_value_is_built_each_time(cases):
    """A builder that turns the marker into "no rows" (or anything the marker is not found in)
    is not compiled once: every call builds the queryset, with the same results."""

    def build(pk):
        return Case.objects.filter(pk=pk) if pk > 0 else Case.objects.none()

    read = PreparedRead(build, pk=Case._meta.pk)
    assert read.fetch(pk=cases[0].pk) == [cases[0]]
    assert read.fetch(pk=cases[1].pk) == [cases[1]]
    assert read._compiled["default"] is None


def test_values_go_in_converted_as_django_converts_them(cases):
    """Strings for ids (as from a session or URL) find the same rows."""
    read = PreparedRead(
        lambda uuid: Case.objects.filter(uuid=uuid).order_by(), uuid=Case._meta.get_field("uuid")
    )
    assert read.fetch(uuid=str(cases[1].uuid)) == [cases[1]]
    assert read.fetch(uuid=cases[0].uuid) == [cases[0]]
    with pytest.raises(TypeError):
        read.fetch(uuid=cases[0].uuid, kreis_id=1)


@pytest.mark.django_db(transaction=True)
def test_a_read_compiled_in_one_thread_runs_on_the_connection_of_another(alice, bob):
    """The compiled statement is shared by the process; each thread (the live test server, a
    threaded worker, the figures' background thread) runs it on its own connection."""
    import threading

    from django.db import connections

    read = PreparedRead(
        lambda uuid: Case.objects.filter(uuid=uuid).order_by(), uuid=Case._meta.get_field("uuid")
    )
    first = make_client(alice).cases.get()
    second = make_client(bob, given_names="Omar", family_name="Yilmaz").cases.get()
    assert read.fetch(uuid=first.uuid) == [first]  # compiled here, in the test's thread
    found = {}

    def other_thread():
        try:
            found["rows"] = read.fetch(uuid=second.uuid)
        except Exception as exc:  # noqa: BLE001 - reported below
            found["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert found == {"rows": [second]}


def test_each_parameter_goes_to_its_own_place(cases, alice, other_kreis):
    """Two parameters of one type (here: two ids) get markers of their own: the case's id and
    the county's id never swap places, whatever their values."""
    read = PreparedRead(
        lambda pk, kreis_id: Case.objects.filter(pk=pk, kreis_id=kreis_id).order_by(),
        pk=Case._meta.pk,
        kreis_id=Case._meta.get_field("kreis"),
    )
    extra = [make_client(alice, given_names=f"Nura{i}").cases.get() for i in range(3)]
    for case in [*cases, *extra]:
        assert read.fetch(pk=case.pk, kreis_id=case.kreis_id) == [case]
        assert read.fetch(pk=case.pk, kreis_id=other_kreis.pk) == []
    assert any(c.pk != c.kreis_id for c in extra)


def test_the_case_page_lists_the_sessions_of_its_case(client, alice):
    """The case page's session table (compiled once) shows the sessions of the case opened,
    also when the case's id is not the county's."""
    from django.urls import reverse

    from tests.factories import make_session

    for i in range(3):
        make_client(alice, given_names=f"Amir{i}")
    case = make_client(alice, given_names="Lina", family_name="Yilmaz").cases.get()
    assert case.pk != case.kreis_id
    make_session(alice, case, summary="Anmeldung zum Integrationskurs")
    client.force_login(alice)
    html = client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid})).content.decode()
    assert "Anmeldung zum Integrationskurs" in html


def test_a_list_is_compiled_once_and_filled_up_to_its_size(cases, alice, other_kreis):
    """``ListOf``: lists of one to ``size`` values run one statement (the shorter ones filled up
    with their last value) and find what the plain queryset finds; an empty list and a longer one
    are read with the plain queryset, with the same results."""
    extra = [make_client(alice, given_names=f"Liste{i}").cases.get() for i in range(4)]
    everyone = [*cases, *extra]
    read = PreparedRead(
        lambda ids, kreis_id: (
            Case.objects.filter(pk__in=ids, kreis_id=kreis_id)
            .order_by("pk")
            .values_list("pk", "number", "opened_on")
        ),
        ids=ListOf(Case._meta.pk, 3),
        kreis_id=Case._meta.get_field("kreis"),
    )

    def plain(ids, kreis_id):
        return list(
            Case.objects.filter(pk__in=ids, kreis_id=kreis_id)
            .order_by("pk")
            .values_list("pk", "number", "opened_on")
        )

    statements = set()
    for ids in ([everyone[0].pk], [everyone[4].pk, everyone[1].pk], [c.pk for c in everyone[2:5]]):
        with CaptureQueriesContext(connection) as queries:
            rows = read.fetch(ids=ids, kreis_id=alice.kreis_id)
        assert rows == plain(ids, alice.kreis_id) and len(rows) == len(ids)
        assert all(isinstance(row[2], dt.date) for row in rows)  # converted as Django does
        assert read.fetch(ids=ids, kreis_id=other_kreis.pk) == []
        statements.add(queries[0]["sql"].split("WHERE")[0] + str(queries[0]["sql"].count(",")))
    assert read._compiled["default"] is not None and len(statements) == 1
    longer = [c.pk for c in everyone]
    assert read.fetch(ids=longer, kreis_id=alice.kreis_id) == plain(longer, alice.kreis_id)
    assert len(read.fetch(ids=longer, kreis_id=alice.kreis_id)) == len(everyone)
    assert read.fetch(ids=[], kreis_id=alice.kreis_id) == []


def test_case_list_rows_and_consent_marks(client, alice):
    """The case list's rows (compiled for a page of 50) for pages of one and of several cases:
    each row its own person, the consent mark only where a consent covers the processing."""
    from django.utils import timezone

    from wegweiser.clients.selectors import case_rows
    from wegweiser.clients.services import consent_record

    made = [make_client(alice, given_names=f"Reihe{i}", family_name="Test") for i in range(3)]
    cases = [person.cases.get() for person in made]
    today = timezone.localdate()
    consent_record(actor=alice, case=cases[0], given_on=today, form="signed")
    consent_record(
        actor=alice,
        case=cases[2],
        given_on=today,
        form="signed",
        covers_processing=False,
        covers_referral=True,
    )
    ids = [case.pk for case in cases]
    rows = case_rows(ids)
    assert [row.name for row in rows] == ["Reihe0 Test", "Reihe1 Test", "Reihe2 Test"]
    assert [row.has_consent for row in rows] == [True, False, False]
    assert [row.has_consent for row in case_rows(ids[::-1])] == [False, False, True]
    assert [row.name for row in case_rows(ids[1:2])] == ["Reihe1 Test"]
    assert case_rows([]) == []


def test_consents_of_a_person_newest_first(alice, bob):
    """The case page's consents (compiled once): the person's own, newest first, as
    ``client.consents.all()`` gives them, each with its person."""
    from django.utils import timezone

    from wegweiser.clients.selectors import consents_of
    from wegweiser.clients.services import consent_record

    today = timezone.localdate()
    person, other = make_client(alice), make_client(bob, given_names="Omar")
    for days, case in ((40, person.cases.get()), (3, person.cases.get()), (1, other.cases.get())):
        consent_record(
            actor=alice if case.client == person else bob,
            case=case,
            given_on=today - dt.timedelta(days=days),
            form="signed",
        )
    found = consents_of(person)
    assert found == list(person.consents.all()) and len(found) == 2
    assert [c.given_on for c in found] == [today - dt.timedelta(days=3), today - dt.timedelta(40)]
    with CaptureQueriesContext(connection) as queries:
        assert all(c.client is person for c in found)
    assert len(queries) == 0
    assert consents_of(other) == list(other.consents.all())
