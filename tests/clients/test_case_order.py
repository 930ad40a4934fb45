"""The case list is in the order of the persons' names, whichever way a case or a name was
written: the names are copied onto the case by the database (migration clients 0007), so the
list sorts a team's thousands of cases without reading the persons."""

from django.urls import reverse

from tests.factories import make_client
from wegweiser.clients.models import Case, Client
from wegweiser.clients.services import client_update


def _list_names(client) -> list[str]:
    page = client.get(reverse("clients:case_list")).context["page"]
    return [row.name for row in page.object_list]


def test_list_is_in_name_order_and_follows_a_corrected_name(client, alice):
    make_client(alice, given_names="Lina", family_name="Yilmaz")
    make_client(alice, given_names="Zora", family_name="Adler")
    becker = make_client(alice, given_names="Amir", family_name="Becker")
    make_client(alice, given_names="Aylin", family_name="Becker")
    client.force_login(alice)
    assert _list_names(client) == ["Zora Adler", "Amir Becker", "Aylin Becker", "Lina Yilmaz"]

    # Rectification of the family name (Art. 16 GDPR): the list shows it at its new place,
    # also on the manager's desk (first 50 of the caseload).
    # (the Latin form left empty, so it is derived again from the name as entered)
    client_update(
        actor=alice,
        client=becker,
        version=becker.version,
        family_name="Aaberg",
        family_name_latin="",
    )
    assert _list_names(client) == ["Amir Aaberg", "Zora Adler", "Aylin Becker", "Lina Yilmaz"]
    from wegweiser.clients.selectors import desk

    assert [c.client.family_name for c in desk(user=alice).caseload] == [
        "Aaberg",
        "Adler",
        "Becker",
        "Yilmaz",
    ]


def _sort_names(case_id) -> tuple[str, str]:
    return Case.objects.values_list("sort_family_name", "sort_given_names").get(pk=case_id)


def test_sort_names_follow_every_way_of_writing(alice):
    """Imports insert in bulk, merging moves cases with QuerySet.update, a full save writes the
    model's (stale) copy back: the database keeps the names right in each case."""
    first = make_client(alice, given_names="Олександр", family_name="Шевченко")
    case = first.cases.get()
    assert _sort_names(case.pk) == ("Shevchenko", "Oleksandr")

    # a full save of the case writes every column, the model's empty copy included
    case.refresh_from_db()
    case.sort_family_name = case.sort_given_names = ""
    case.save()
    assert _sort_names(case.pk) == ("Shevchenko", "Oleksandr")

    # a bulk insert, as the import writes new case files
    second = make_client(alice, given_names="Mariam", family_name="Haidari")
    second.cases.all().delete()
    (bulk,) = Case.objects.bulk_create(
        [
            Case(
                kreis_id=alice.kreis_id,
                number="IMPORT-1",
                client=second,
                opened_on=case.opened_on,
                period_ends_on=case.period_ends_on,
                responsible=alice,
                organisation_id=alice.organisation_id,
                team_id=alice.team_id,
            )
        ]
    )
    assert _sort_names(bulk.pk) == ("Haidari", "Mariam")

    # a case moved to another person by an update (as merging does)
    Case.objects.filter(pk=bulk.pk).update(client=first, closed_on=case.opened_on)
    assert _sort_names(bulk.pk) == ("Shevchenko", "Oleksandr")

    # a person's Latin names changed by an update: every case of the person follows
    Client.objects.filter(pk=first.pk).update(
        family_name_latin="Schewtschenko", given_names_latin="Oleksandr"
    )
    assert _sort_names(case.pk) == _sort_names(bulk.pk) == ("Schewtschenko", "Oleksandr")

    # other columns of the person or the case leave the copy alone
    Client.objects.filter(pk=first.pk).update(phone="0151 222")
    Case.objects.filter(pk=case.pk).update(session_count=3)
    assert _sort_names(case.pk) == ("Schewtschenko", "Oleksandr")


def test_list_rows_show_status_consent_and_names_as_written(client, alice):
    """Each row: number linking to the case file, the name as written (escaped) with the Latin
    form below when it differs, date of birth, responsible, dates and the status: open, open
    without consent (badge) or closed."""
    from django.utils import timezone

    from wegweiser.clients.services import case_close, consent_record

    today = timezone.localdate()
    with_consent = make_client(alice, given_names="<Amina>", family_name="Haddad")
    consent_record(
        actor=alice,
        case=with_consent.cases.get(),
        given_on=today,
        form="signed",
        covers_processing=True,
    )
    make_client(alice, given_names="Олександр", family_name="Шевченко")
    closed = make_client(alice, given_names="Zora", family_name="Zander").cases.get()
    case_close(
        actor=alice, case=closed, version=closed.version, closed_on=today, close_reason="moved_away"
    )
    client.force_login(alice)
    url = reverse("clients:case_list")
    html = client.get(url).content.decode()
    case = with_consent.cases.get()
    detail = reverse("clients:case_detail", kwargs={"uuid": case.uuid})
    assert f'<a class="kern-link" href="{detail}">{case.number}</a>' in html
    assert "<bdi>&lt;Amina&gt; Haddad</bdi>" in html and "<Amina>" not in html
    assert '<bdi>Олександр Шевченко</bdi><br><span class="kern-body--small ww-muted">' in html
    assert "Oleksandr Shevchenko</span>" in html
    assert html.count("keine Einwilligung") == 1  # the Ukrainian case: open, no consent
    assert "17.05.1990" in html
    everything = client.post(url, {"q": "", "status": "all"})
    assert ">abgeschlossen</td>" in everything.content.decode()
