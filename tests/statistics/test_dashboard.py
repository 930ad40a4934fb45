"""The key-figure dashboards: the numbers on the page are those of ``figures.compute`` (hand-built
data with known answers), per role the right unit (a manager only themselves, a team lead the
team, the county split by team/provider/manager, the state by county with suppression and never a
person), foreign units 404, roles without figures 403, exports of every table (CSV and XLSX,
audited), and a query count that does not grow with the data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.api.conftest import german
from tests.factories import (
    KreisFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    make_client,
    make_session,
)
from wegweiser.audit.models import AuditEntry
from wegweiser.statistics.charts import format_number
from wegweiser.statistics.figures import Period, Unit, compute
from wegweiser.statistics.selectors import DECIMALS

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
MAY = {"zeitraum": "month", "jahr": "2026", "monat": "5"}
Q2 = {"zeitraum": "quarter", "jahr": "2026", "quartal": "2"}
NOTE = "• = fewer than 5 persons, or hidden to protect such values"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def day(d: int, month: int = 5) -> dt.date:
    return dt.date(2026, month, d)


# --- reading the page ---------------------------------------------------------------------------


class _Tables(HTMLParser):
    """``{table slug: {row key: {"label": ..., figure key: text}}}`` from the dashboard HTML."""

    def __init__(self):
        super().__init__()
        self.tables: dict = {}
        self.table = self.row = self.key = None
        self.in_label = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and (a.get("data-testid") or "").startswith("table-"):
            self.table = self.tables.setdefault(a["data-testid"][6:], {})
        elif tag == "tr" and self.table is not None and "data-row" in a:
            self.row = self.table.setdefault(a["data-row"], {})
        elif tag == "td" and self.row is not None and "data-key" in a:
            self.key, self.text = a["data-key"], []
        elif tag == "th" and self.row is not None and a.get("scope") == "row":
            self.in_label, self.text = True, []

    def handle_endtag(self, tag):
        if tag == "td" and self.key:
            self.row[self.key] = (
                "".join(self.text).replace(german("hidden"), "").replace("hidden", "").strip()
            )
            self.key = None
        elif tag == "th" and self.in_label:
            self.row["label"] = "".join(self.text).strip()
            self.in_label = False
        elif tag == "tr":
            self.row = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.key or self.in_label:
            self.text.append(data)


def tables_of(html: str) -> dict:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def page(client, user, url=None, **params) -> tuple[str, dict]:
    client.force_login(user)
    response = client.get(url or reverse("statistics:dashboard"), params)
    assert response.status_code == 200
    html = response.content.decode()
    return html, tables_of(html)


def shown(key: str, value) -> str:
    if value is None:
        return "–"
    return format_number(value, DECIMALS.get(key, 0))


def assert_row_equals(row: dict, figures: dict) -> None:
    keys = [k for k in row if k != "label"]
    assert keys
    for key in keys:
        assert row[key] == shown(key, figures.get(key, 0)), key


def unit_url(kind: str, ref) -> str:
    return reverse("statistics:dashboard_unit", kwargs={"kind": kind, "ref": str(ref)})


# --- data with known answers --------------------------------------------------------------------


@pytest.fixture
def world(alice, bob, dora, kreis):
    """Alice: Amina (household with her son Karim, present once) with 3 sessions in May; Omar
    with one in April. Bob: Lina in May (phone, interpreter). Dora (other team): Yusuf in May."""
    amina = make_client(
        alice,
        new_household_label="Haddad",
        birth_date=dt.date(1990, 5, 17),
        gender="female",
        nationalities=["SY"],
        residence_status="erlaubnis_25",
        opened_on=day(2, 4),
    )
    karim = make_client(
        alice,
        given_names="Karim",
        household=amina.household,
        birth_date=dt.date(2012, 1, 3),
        gender="male",
        nationalities=["SY"],
        opened_on=day(2, 4),
    )
    omar = make_client(
        alice,
        given_names="Omar",
        family_name="Nasser",
        gender="male",
        nationalities=["AF"],
        opened_on=day(1, 4),
    )
    lina = make_client(
        bob,
        given_names="Lina",
        family_name="Sadi",
        birth_date=dt.date(1960, 2, 1),
        gender="female",
        nationalities=["UA"],
        residence_status="erlaubnis_24",
        opened_on=day(3, 5),
    )
    yusuf = make_client(
        dora, given_names="Yusuf", family_name="Aziz", nationalities=["IQ"], opened_on=day(4, 5)
    )
    a_case = amina.cases.get()
    make_session(alice, a_case, held_on=day(5), duration_minutes=60, fields_of_action=["work"])
    make_session(
        alice,
        a_case,
        held_on=day(12),
        duration_minutes=30,
        channel="phone",
        fields_of_action=["language", "housing"],
        members_present=[karim],
    )
    make_session(alice, a_case, held_on=day(20), duration_minutes=90, channel="video")
    make_session(alice, omar.cases.get(), held_on=day(20, 4), duration_minutes=45)
    make_session(
        bob,
        lina.cases.get(),
        held_on=day(7),
        duration_minutes=60,
        channel="phone",
        interpreter_used=True,
        interpreter_language="uk",
        fields_of_action=["health"],
    )
    make_session(dora, yusuf.cases.get(), held_on=day(8), duration_minutes=45)
    return {"amina": amina, "karim": karim, "omar": omar, "lina": lina, "yusuf": yusuf}


# --- the numbers --------------------------------------------------------------------------------


def test_county_page_shows_the_figures_of_compute(client, world, coordinator, kreis, team):
    _html, tables = page(client, coordinator, **MAY)
    county = compute(Unit("county", kreis.pk), Period.month(2026, 5))[None]
    by_team = compute(Unit("county", kreis.pk), Period.month(2026, 5), group="team")
    assert county["persons"] == 4  # Amina, Karim, Lina, Yusuf (Omar only in April)
    for slug, rows in tables.items():
        if slug == "monthly":
            continue
        assert_row_equals(rows["total"], county)
    assert tables["overview"]["total"]["persons"] == "4"
    assert tables["overview"]["total"]["hours"] == "4,8"  # 60 + 30 + 90 + 60 + 45 minutes
    north = tables["overview"][f"team:{team.uuid}"]
    assert north["label"].startswith("Integrationsmanagement Nord")
    assert_row_equals(north, by_team[team.pk])
    assert north["persons"] == "3"  # Amina, Karim, Lina
    assert tables["countries"]["total"]["country:SY"] == "2"


def test_county_split_by_manager_and_by_provider(client, world, coordinator, kreis, alice, office):
    _html, tables = page(client, coordinator, gliederung="person", **Q2)
    by_manager = compute(Unit("county", kreis.pk), Period.quarter(2026, 2), group="manager")
    row = tables["overview"][f"person:{alice.uuid}"]
    assert row["label"] == "Alice Arslan"
    assert row["persons"] == "3"  # Amina, Karim, Omar (April)
    for slug in ("overview", "fields", "age", "gender", "goals"):
        assert_row_equals(tables[slug][f"person:{alice.uuid}"], by_manager[alice.pk])
    _html, tables = page(client, coordinator, gliederung="traeger", **Q2)
    assert set(tables["overview"]) == {f"traeger:{office.uuid}", "total"}


def test_sessions_by_channel_per_month_add_up_to_the_period(client, world, coordinator, kreis):
    _html, tables = page(client, coordinator, **Q2)
    monthly = tables["monthly"]
    assert list(monthly) == ["2026-04", "2026-05", "2026-06", "total"]
    for month in (4, 5, 6):
        f = compute(Unit("county", kreis.pk), Period.month(2026, month))[None]
        assert_row_equals(monthly[f"2026-{month:02d}"], f)
    assert_row_equals(
        monthly["total"], compute(Unit("county", kreis.pk), Period.quarter(2026, 2))[None]
    )
    assert monthly["2026-05"]["sessions:phone"] == "2"
    assert monthly["2026-04"]["sessions:in_person"] == "1"


def test_the_page_has_a_chart_beside_each_table(client, world, coordinator):
    html, tables = page(client, coordinator, **MAY)
    assert html.count('role="img"') >= len(tables) - 1  # the overview chart needs 2+ rows
    assert html.count("<figcaption") == html.count("<svg")
    assert "<style" not in html.split("<main", 1)[1] and ' style="' not in html
    assert "<caption" in html and 'scope="row"' in html


def test_period_filter_switches_the_figures(client, world, coordinator, kreis):
    _html, april = page(client, coordinator, zeitraum="month", jahr="2026", monat="4")
    assert april["overview"]["total"]["persons"] == "1"  # Omar
    _html, year = page(client, coordinator, zeitraum="year", jahr="2026")
    assert_row_equals(
        year["overview"]["total"], compute(Unit("county", kreis.pk), Period.year(2026))[None]
    )
    assert len([k for k in year["monthly"] if k != "total"]) == 12
    # nonsense falls back to the defaults (the current year)
    _html, fallback = page(client, coordinator, zeitraum="decade", jahr="x")
    assert fallback["overview"]["total"] == year["overview"]["total"]


def test_provider_filter_narrows_the_county(client, world, coordinator, kreis, office):
    other = OrganisationFactory(kreis=kreis, name="Caritas Sigmaringen", kind="provider")
    TeamFactory(organisation=other, name="Caritas Team")
    html, tables = page(client, coordinator, traeger=str(other.uuid), **MAY)
    assert "Caritas Sigmaringen" in html
    assert tables["overview"]["total"]["persons"] == "0"
    html, tables = page(client, coordinator, traeger=str(office.uuid), **MAY)
    assert tables["overview"]["total"]["persons"] == "4"


# --- who sees what ------------------------------------------------------------------------------


def test_manager_sees_only_her_own_figures(client, world, alice, bob, team, kreis, office, charlie):
    html, tables = page(client, alice, **MAY)
    mine = compute(Unit("manager", alice.pk), Period.month(2026, 5))[None]
    assert list(tables["overview"]) == ["manager:own"]
    assert_row_equals(tables["overview"]["manager:own"], mine)
    assert tables["overview"]["manager:own"]["persons"] == "2"  # Amina, Karim
    assert "Bob" not in html.split("<main", 1)[1]
    for url in (
        unit_url("person", bob.uuid),
        unit_url("team", team.uuid),
        unit_url("traeger", office.uuid),
        unit_url("kreis", kreis.ags),
        unit_url("person", charlie.uuid),
        unit_url("person", "kein-uuid"),
        reverse(
            "statistics:dashboard_unit_export",
            kwargs={"kind": "person", "ref": str(bob.uuid), "table": "overview", "fmt": "csv"},
        ),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(unit_url("person", alice.uuid), MAY).status_code == 200


def test_team_lead_sees_the_team_by_manager(client, world, lead, alice, bob, dora, kreis, team):
    _html, tables = page(client, lead, **MAY)
    rows = tables["overview"]
    assert {f"person:{alice.uuid}", f"person:{bob.uuid}", "total"} <= set(rows)
    assert f"person:{dora.uuid}" not in rows
    assert_row_equals(rows["total"], compute(Unit("team", team.pk), Period.month(2026, 5))[None])
    assert client.get(unit_url("person", alice.uuid)).status_code == 200
    assert client.get(unit_url("person", dora.uuid)).status_code == 404
    assert client.get(unit_url("kreis", kreis.ags)).status_code == 404


def test_coordinator_drills_down_to_a_team_and_a_manager(client, world, coordinator, team, alice):
    html, tables = page(client, coordinator, url=unit_url("team", team.uuid), **MAY)
    assert f'href="/kennzahlen/person/{alice.uuid}/?' in html
    assert_row_equals(
        tables["overview"][f"person:{alice.uuid}"],
        compute(Unit("manager", alice.pk), Period.month(2026, 5))[None],
    )
    _html, tables = page(client, coordinator, url=unit_url("person", alice.uuid), **MAY)
    assert tables["overview"]["manager:own"]["persons"] == "2"


def test_charlie_of_another_county_gets_404(client, world, charlie, kreis, team, alice):
    client.force_login(charlie)
    for url in (
        unit_url("kreis", kreis.ags),
        unit_url("team", team.uuid),
        unit_url("person", alice.uuid),
    ):
        assert client.get(url).status_code == 404
    _html, tables = page(client, charlie, **MAY)
    assert tables["overview"]["manager:own"]["persons"] == "0"


@pytest.mark.parametrize("role", ["dpo", "volunteer", "volunteer_coordinator"])
def test_roles_without_figures_get_403(client, request, role, team):
    user = request.getfixturevalue(role)
    client.force_login(user)
    for url in (
        reverse("statistics:dashboard"),
        reverse("statistics:dashboard_export", kwargs={"table": "overview", "fmt": "xlsx"}),
        unit_url("team", team.uuid),
    ):
        assert client.get(url).status_code == 403, url
    desk = client.get(reverse("core:desk")).content.decode()
    assert reverse("statistics:dashboard") not in desk


def test_navigation_shows_figures_to_readers(client, coordinator, state_officer):
    for user in (coordinator, state_officer):
        client.force_login(user)
        assert (
            f'href="{reverse("statistics:dashboard")}"'
            in client.get(reverse("core:desk")).content.decode()
        )


# --- the state: suppressed, counties only ---------------------------------------------------------


@pytest.fixture
def state_world(world, kreis):
    """A second county of the Land with 7 persons counselled in May by one manager."""
    zak = KreisFactory(name="Zollernalbkreis", short_name="Zollernalb", ags="08417")
    manager = UserFactory(
        first_name="Zoe",
        last_name="Zimmer",
        team=TeamFactory(organisation=OrganisationFactory(kreis=zak, name="LRA Zollernalb")),
    )
    for n in range(7):
        person = make_client(
            manager, given_names=f"Person{n}", family_name="Beispiel", opened_on=day(1)
        )
        make_session(manager, person.cases.get(), held_on=day(10 + n))
    return zak, manager


def test_state_sees_counties_with_small_cells_suppressed(
    client, state_world, state_officer, kreis, alice, bob, team
):
    zak, manager = state_world
    html, tables = page(client, state_officer, **MAY)
    rows = tables["overview"]
    assert set(rows) == {"kreis:08437", "kreis:08417", "total"}
    # Sigmaringen has 4 persons in May: hidden; with only two counties and the state total, a
    # second cell must be hidden too, or 4 could be recomputed.
    assert rows["kreis:08437"]["persons"] == "•"
    assert rows["kreis:08417"]["persons"] == "•" or rows["total"]["persons"] == "•"
    assert rows["kreis:08437"]["sessions"] == "5"  # sessions are no person counts
    for slug in ("gender", "age", "countries", "fields", "residence"):
        for row in tables[slug].values():
            for key, text in row.items():
                if key != "label" and text not in ("•", "–"):
                    assert int(text) == 0 or int(text) >= 5, (slug, key, text)
    assert german(NOTE) in html
    body = html.split("<main", 1)[1]
    for name in ("Alice", "Arslan", "Bob", "Zoe", "Zimmer", "Integrationsmanagement Nord", "LRA"):
        assert name not in body
    assert "/kennzahlen/person/" not in body and "/kennzahlen/team/" not in body


def test_state_drill_down_to_a_county_repeats_the_state_table(
    client, state_world, state_officer, kreis, team, alice
):
    _html, state = page(client, state_officer, **MAY)
    html, county = page(client, state_officer, url=unit_url("kreis", kreis.ags), **MAY)
    assert county["overview"]["kreis:08437"] == state["overview"]["kreis:08437"]
    assert county["gender"]["kreis:08437"] == state["gender"]["kreis:08437"]
    assert "Alice" not in html.split("<main", 1)[1]
    client.force_login(state_officer)
    assert client.get(unit_url("team", team.uuid)).status_code == 404
    assert client.get(unit_url("person", alice.uuid)).status_code == 404
    foreign = KreisFactory(land__code="HE", land__name="Hessen", ags="06411", name="Darmstadt")
    assert client.get(unit_url("kreis", foreign.ags)).status_code == 404


def test_state_export_keeps_the_suppression(client, state_world, state_officer):
    client.force_login(state_officer)
    url = reverse("statistics:dashboard_export", kwargs={"table": "overview", "fmt": "xlsx"})
    response = client.get(url, MAY)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values[3]
    sigmaringen = next(r for r in values if r[0] == "Landkreis Sigmaringen")
    assert sigmaringen[header.index(german("Persons counselled"))] == "•"
    assert any(german(NOTE) in (r[0] or "") for r in values if r)


# --- exports ------------------------------------------------------------------------------------


def test_every_table_exports_as_csv_and_xlsx(client, world, coordinator, kreis):
    client.force_login(coordinator)
    county = compute(Unit("county", kreis.pk), Period.month(2026, 5))[None]
    _html, tables = page(client, coordinator, **MAY)
    for slug in tables:
        for fmt in ("csv", "xlsx"):
            url = reverse("statistics:dashboard_export", kwargs={"table": slug, "fmt": fmt})
            response = client.get(url, MAY)
            assert response.status_code == 200, (slug, fmt)
            assert "attachment" in response["Content-Disposition"]
    response = client.get(
        reverse("statistics:dashboard_export", kwargs={"table": "overview", "fmt": "xlsx"}), MAY
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, total = rows[3], rows[-1]
    assert total[header.index(german("Persons counselled"))] == county["persons"] == 4
    assert Decimal(str(total[header.index(german("Hours of counselling"))])) == county["hours"]
    response = client.get(
        reverse("statistics:dashboard_export", kwargs={"table": "gender", "fmt": "csv"}), MAY
    )
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[-1][0] == german("Total")
    assert [int(v) for v in lines[-1][1:]] == [
        county[f"gender:{c}"] for c in ("female", "male", "diverse", "unknown")
    ]
    entries = AuditEntry.objects.filter(action="statistics.figures.exported", actor=coordinator)
    assert entries.count() == 2 * len(tables) + 2
    assert entries.order_by("pk").last().data["table"] == "gender"


def test_export_of_an_unknown_table_or_format_is_404(client, coordinator):
    client.force_login(coordinator)
    for table, fmt in (("nothing", "csv"), ("overview", "pdf")):
        url = reverse("statistics:dashboard_export", kwargs={"table": table, "fmt": fmt})
        assert client.get(url).status_code == 404


def test_unit_export_follows_the_unit(client, world, coordinator, alice):
    client.force_login(coordinator)
    url = reverse(
        "statistics:dashboard_unit_export",
        kwargs={"kind": "person", "ref": str(alice.uuid), "table": "overview", "fmt": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(client.get(url, MAY).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[4][0] == "Alice Arslan" and rows[4][1] == 2


# --- cost ---------------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_data(client, world, coordinator, alice, bob, team):
    client.force_login(coordinator)
    url = reverse("statistics:dashboard")
    params = {**Q2, "gliederung": "person"}
    client.get(url, params)
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    extra = UserFactory(first_name="Emil", last_name="Ernst", team=team)
    for n in range(12):
        actor = (alice, bob, extra)[n % 3]
        person = make_client(actor, given_names=f"Neu{n}", family_name="Person", opened_on=day(1))
        make_session(actor, person.cases.get(), held_on=day(1 + n), channel="phone")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url, params).content.decode()
    assert len(many) == len(few)
    assert "Emil Ernst" in html


# --- cached figures -----------------------------------------------------------------------------


def figure_queries(queries) -> int:
    return sum("statistics_contactmonth" in q["sql"] for q in queries.captured_queries)


def test_figures_older_than_five_minutes_are_shown_while_the_next_are_computed(
    client, world, coordinator, alice, kreis, settings, clock
):
    from django.core.cache import cache

    settings.WEGWEISER_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    html, tables = page(client, coordinator, **MAY)
    assert tables["overview"]["total"]["persons"] == "4"
    assert "Zahlen mit Stand 15.06.2026, 12:00 Uhr" in html
    assert "älter als 5 Minuten" in html
    omar_case = world["omar"].cases.get()
    make_session(alice, omar_case, held_on=day(25), duration_minutes=30)
    # within five minutes the page answers from the cache, without a figure query
    clock.shift(dt.timedelta(minutes=4))
    with CaptureQueriesContext(connection) as cached:
        html, tables = page(client, coordinator, **MAY)
    assert tables["overview"]["total"]["persons"] == "4"
    assert figure_queries(cached) == 0
    assert "Stand 15.06.2026, 12:00 Uhr" in html
    fresh = compute(Unit("county", kreis.pk), Period.month(2026, 5))[None]
    assert fresh["persons"] == 5  # what freezes figures always computes afresh
    # after five minutes the page still answers with the figures it has (and says how old they
    # are) while they are computed again for the next view
    clock.shift(dt.timedelta(minutes=2))
    html, tables = page(client, coordinator, **MAY)
    assert tables["overview"]["total"]["persons"] == "4"
    assert "Stand 15.06.2026, 12:00 Uhr" in html
    with CaptureQueriesContext(connection) as after:
        html, tables = page(client, coordinator, **MAY)
    assert tables["overview"]["total"]["persons"] == "5"
    assert "Stand 15.06.2026, 12:06 Uhr" in html
    assert figure_queries(after) == 0
    # what nobody looked at for a day is computed at the next request
    clock.shift(dt.timedelta(days=1, minutes=1))
    make_session(alice, world["amina"].cases.get(), held_on=day(26))
    html, _tables = page(client, coordinator, **MAY)
    assert "Stand 16.06.2026, 12:07 Uhr" in html


@pytest.mark.django_db(transaction=True)
def test_a_background_thread_recomputes_stale_figures(
    client, world, coordinator, alice, kreis, settings, clock
):
    from django.core.cache import cache

    from wegweiser.statistics import figures

    settings.WEGWEISER_FIGURES_CACHE_SECONDS = 300
    settings.WEGWEISER_FIGURES_REFRESH_INLINE = False
    cache.clear()
    _html, tables = page(client, coordinator, **MAY)
    assert tables["overview"]["total"]["persons"] == "4"
    make_session(alice, world["omar"].cases.get(), held_on=day(25), duration_minutes=30)
    clock.shift(dt.timedelta(minutes=6))
    with CaptureQueriesContext(connection) as stale:
        _html, tables = page(client, coordinator, **MAY)
    assert tables["overview"]["total"]["persons"] == "4"
    assert figure_queries(stale) == 0  # the request itself computed nothing
    figures.wait_for_refreshes()
    _html, tables = page(client, coordinator, **MAY)
    assert tables["overview"]["total"]["persons"] == "5"


def test_refresh_figures_computes_the_county_pages_ahead(
    client, world, coordinator, alice, kreis, settings, clock
):
    from django.core.cache import cache
    from django.core.management import CommandError, call_command

    settings.WEGWEISER_FIGURES_CACHE_SECONDS = 0
    with pytest.raises(CommandError, match="nichts vorauszuberechnen"):
        call_command("refresh_figures", stdout=io.StringIO())
    settings.WEGWEISER_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    out = io.StringIO()
    call_command("refresh_figures", stdout=out)
    assert "Kennzahlen von 2 Einheit(en)" in out.getvalue()  # the county and its state
    clock.shift(dt.timedelta(minutes=4))
    make_session(alice, world["omar"].cases.get(), held_on=day(10, month=6))
    client.force_login(coordinator)
    # the default page (this year, by team) and the annual report: nothing left to compute
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("statistics:dashboard")).content.decode()
        report = client.get(reverse("statistics:report_year", args=[2026])).content.decode()
    assert figure_queries(queries) == 0
    assert "Stand 15.06.2026, 12:00 Uhr" in html
    assert "Stand 15.06.2026, 12:00 Uhr" in report
    # a second run within the hour leaves what it computed; --max-age 0 computes it afresh
    call_command("refresh_figures", stdout=io.StringIO())
    html = client.get(reverse("statistics:dashboard")).content.decode()
    assert "Stand 15.06.2026, 12:00 Uhr" in html
    call_command("refresh_figures", "--max-age", "0", stdout=io.StringIO())
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("statistics:dashboard")).content.decode()
    assert figure_queries(queries) == 0
    assert "Stand 15.06.2026, 12:04 Uhr" in html
    # figures older than five minutes but within the hour: the command neither recomputes them
    # nor leaves them waiting for the end of a request that never comes (no lock held)
    from wegweiser.statistics import figures

    settings.WEGWEISER_FIGURES_REFRESH_INLINE = False
    clock.shift(dt.timedelta(minutes=6))
    call_command("refresh_figures", stdout=io.StringIO())
    assert not getattr(figures._request_state, "pending", None)
    settings.WEGWEISER_FIGURES_REFRESH_INLINE = True  # (this test's data are not committed)
    html = client.get(reverse("statistics:dashboard")).content.decode()
    assert "Stand 15.06.2026, 12:04 Uhr" in html  # stale: answered, then recomputed
    html = client.get(reverse("statistics:dashboard")).content.decode()
    assert "Stand 15.06.2026, 12:10 Uhr" in html


def report_total_sessions(html: str) -> str:
    """The county's sessions in the annual report's table (third figure of the total row)."""
    row = html.split('data-testid="report-total"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r'cell--numeric"><strong>(.*?)</strong>', row)
    return cells[2]


def test_the_annual_report_as_it_stands_follows_its_figures(
    client, world, coordinator, alice, settings, clock
):
    from django.core.cache import cache

    settings.WEGWEISER_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    client.force_login(coordinator)
    url = reverse("statistics:report_year", args=[2026])
    before = report_total_sessions(client.get(url).content.decode())
    make_session(alice, world["omar"].cases.get(), held_on=day(10, month=6))
    assert report_total_sessions(client.get(url).content.decode()) == before  # fresh: cached
    clock.shift(dt.timedelta(minutes=6))
    assert report_total_sessions(client.get(url).content.decode()) == before  # stale, answered
    html = client.get(url).content.decode()  # recomputed after the previous answer
    assert report_total_sessions(html) == str(int(before) + 1)
    assert "Stand 15.06.2026, 12:06 Uhr" in html


def test_users_alike_share_one_shaped_board(client, world, coordinator, office, settings, clock):
    """The board shaped for one county coordinator serves the next (same rights, same links):
    the second coordinator's first view neither computes figures nor looks up the teams."""
    from django.core.cache import cache

    from wegweiser.accounts.roles import Role

    settings.WEGWEISER_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    colleague = UserFactory(
        email="k2@example.org", team=None, organisation=office, role=Role.COUNTY_COORDINATOR
    )
    with CaptureQueriesContext(connection) as first:
        html, tables = page(client, coordinator, **Q2)
    with CaptureQueriesContext(connection) as repeated:
        page(client, coordinator, **Q2)
    with CaptureQueriesContext(connection) as colleague_first:
        other_html, other_tables = page(client, colleague, **Q2)

    def shaping(queries) -> int:  # the figures and the sub-units (teams) of the board
        return sum(
            'FROM "organisations_team"' in q["sql"] or "statistics_contactmonth" in q["sql"]
            for q in queries.captured_queries
        )

    assert shaping(first) > 0
    assert shaping(repeated) == shaping(colleague_first) == 0
    assert other_tables == tables


def test_a_kept_board_is_served_as_an_object_until_the_cache_drops_it():
    from django.core.cache import cache

    from wegweiser.statistics.figures import versioned

    board = {"rows": [1, 2, 3]}
    versioned.set("ww:board:test", board)
    assert cache.get("ww:board:test") == board  # kept in the shared cache too
    assert versioned.get("ww:board:test") is board  # and here, without unpickling
    cache.clear()
    assert versioned.get("ww:board:test") is None
