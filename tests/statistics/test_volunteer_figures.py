"""The figures of the volunteer programme: known answers on hand-built data (volunteers,
training, hours, tandems, support requests, mentoring groups) with the period boundaries,
cancelled hours never counted, another county never mixed in, the state per county with small
counts hidden, the page and its exports for the roles that may read it (403 for the others), the
section on the county dashboard and the figures in the proof of use."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.api.conftest import api_as, german  # noqa: F401
from tests.factories import make_client
from tests.statistics.test_dashboard import tables_of
from wegweiser.audit.models import AuditEntry
from wegweiser.statistics import figures as case_figures
from wegweiser.statistics import volunteer_figures
from wegweiser.statistics.figures import Period, Unit
from wegweiser.volunteers.models import (
    Activity,
    MentoringGroup,
    Qualification,
    SupportRequest,
    Tandem,
    Volunteer,
)

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
MAY = Period.month(2026, 5)
Q2 = Period.quarter(2026, 2)
MAY_QUERY = {"zeitraum": "month", "jahr": "2026", "monat": "5"}
BERLIN = dt.timezone(dt.timedelta(hours=2))  # summer time
JUNE_FIRST_IN_BERLIN = dt.datetime(2026, 5, 31, 22, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def day(d: int, month: int = 5, year: int = 2026) -> dt.date:
    return dt.date(year, month, d)


# --- building the data ----------------------------------------------------------------------------


def volunteer(kreis, actor, name: str, status: str, created: dt.datetime, left_on=None):
    row = Volunteer.objects.create(
        kreis=kreis,
        given_name=name,
        family_name="Ehrenamt",
        status=status,
        left_on=left_on,
        created_by=actor,
    )
    Volunteer.objects.filter(pk=row.pk).update(created_at=created)
    return row


def at(d: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(hour), tzinfo=BERLIN)


def tandem(v, case, actor, started_on, ended_on=None):
    return Tandem.objects.create(
        kreis=v.kreis,
        volunteer=v,
        case=case,
        started_on=started_on,
        ended_on=ended_on,
        end_reason="other" if ended_on else "",
        created_by=actor,
    )


def request_(case, actor, needed_on, status="done", taken_by=None):
    return SupportRequest.objects.create(
        kreis=case.kreis,
        case=case,
        title="Begleitung zur Ausländerbehörde",
        needed_on=needed_on,
        status=status,
        taken_by=taken_by,
        posted_by=actor,
    )


def group(kreis, actor, status, case=None, starts_on=None, ends_on=None):
    return MentoringGroup.objects.create(
        kreis=kreis,
        name=f"Gruppe {status}",
        status=status,
        case=case,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )


def hours(v, actor, date, amount, *, tandem=None, support_request=None, group=None, **extra):
    kind = "tandem" if tandem else "support_request" if support_request else "mentoring_group"
    return Activity.objects.create(
        kreis=v.kreis,
        volunteer=v,
        kind=kind,
        tandem=tandem,
        support_request=support_request,
        group=group,
        date=date,
        hours=Decimal(amount),
        recorded_by=actor,
        **extra,
    )


def qualification(v, actor, attended_on, amount=None):
    return Qualification.objects.create(
        kreis=v.kreis,
        volunteer=v,
        title="Grundkurs Integrationslotsen",
        attended_on=attended_on,
        hours=None if amount is None else Decimal(amount),
        recorded_by=actor,
    )


@pytest.fixture
def world(kreis, alice, volunteer_coordinator):
    """Sigmaringen: seven volunteers, four tandems, four support requests, three groups."""
    actor = volunteer_coordinator
    v = {
        "hanna": volunteer(kreis, actor, "Hanna", "active", at(day(10, 1))),
        "jonas": volunteer(kreis, actor, "Jonas", "paused", at(day(20))),
        "lea": volunteer(kreis, actor, "Lea", "interested", at(day(3))),
        "mira": volunteer(kreis, actor, "Mira", "left", at(day(1, 12, 2025)), day(30, 4)),
        "nils": volunteer(kreis, actor, "Nils", "left", at(day(1, 6, 2025)), day(10)),
        "otto": volunteer(kreis, actor, "Otto", "interested", at(day(1, 2))),
        # 1 June 00:30 in Berlin (31 May 22:30 UTC): registered in June, not in May
        "paula": volunteer(kreis, actor, "Paula", "active", JUNE_FIRST_IN_BERLIN),
    }
    cases = {
        name: make_client(alice, given_names=name, opened_on=day(1, 1)).cases.get()
        for name in ("Amina", "Karim", "Omar", "Lina")
    }
    qualification(v["hanna"], actor, day(5), "3.5")
    qualification(v["hanna"], actor, day(20), "2")
    qualification(v["jonas"], actor, day(30, 4), "4")  # April
    qualification(v["lea"], actor, day(31))  # without hours
    t1 = tandem(v["hanna"], cases["Amina"], actor, day(1, 3))
    t2 = tandem(v["jonas"], cases["Karim"], actor, day(15), day(10, 6))
    tandem(v["nils"], cases["Omar"], actor, day(10, 1), day(30, 4))  # ended in April
    tandem(v["nils"], cases["Amina"], actor, day(1, 2), day(10))
    s1 = request_(cases["Karim"], alice, day(31), taken_by=v["otto"])
    request_(cases["Omar"], alice, day(1, 6), taken_by=v["hanna"])  # June
    request_(cases["Omar"], alice, day(5), status="taken", taken_by=v["hanna"])  # not done
    request_(cases["Omar"], alice, day(6), status="cancelled")
    g1 = group(kreis, alice, "active", cases["Lina"], day(31), day(30, 5, 2027))
    group(kreis, alice, "forming")
    group(kreis, alice, "ended", cases["Omar"], day(1, 5, 2025), day(30, 4))
    hours(v["hanna"], actor, day(2), "2.5", tandem=t1)
    hours(v["hanna"], actor, day(31), "1.25", tandem=t1)
    hours(v["otto"], actor, day(31), "3", support_request=s1)
    hours(v["jonas"], actor, day(31), "2", group=g1)
    hours(v["hanna"], actor, day(15), "4", tandem=t1, cancelled_at=NOW)  # cancelled
    hours(v["hanna"], actor, day(1, 6), "1", tandem=t1)  # June
    hours(v["jonas"], actor, day(30, 4), "1.5", tandem=t2)  # April (before its start: no matter)
    return {"volunteers": v, "cases": cases}


@pytest.fixture
def other_world(other_kreis, charlie):
    """Zollernalb: six active volunteers with hours, a tandem and training in May."""
    people = [volunteer(other_kreis, charlie, f"Z{n}", "active", at(day(1, 1))) for n in range(6)]
    case = make_client(charlie, given_names="Zaid", opened_on=day(1, 1)).cases.get()
    running = tandem(people[0], case, charlie, day(2))
    hours(people[0], charlie, day(3), "7", tandem=running)
    qualification(people[1], charlie, day(4), "8")
    return people


MAY_SIGMARINGEN = {
    "volunteers_active": 4,  # Hanna, Jonas (paused), Nils (left on 10 May), Otto (gave hours)
    "volunteers_new": 2,  # Jonas, Lea (Paula: 1 June in Berlin)
    "volunteers_trained": 2,  # Hanna (twice), Lea
    "training_hours": Decimal("5.50"),
    "hours_given": Decimal("8.75"),  # 2.5 + 1.25 + 3 + 2; not the cancelled 4 hours
    "hours_given:tandem": Decimal("3.75"),
    "hours_given:support_request": Decimal("3.00"),
    "hours_given:mentoring_group": Decimal("2.00"),
    "tandems_running": 3,  # Hanna-Amina, Jonas-Karim, Nils-Amina
    "tandems_started": 1,
    "tandems_ended": 1,
    "support_requests_done": 1,
    "mentoring_groups_active": 1,
    "persons_accompanied": 3,  # Amina, Karim, Lina
}


# --- the numbers ----------------------------------------------------------------------------------


def test_known_answers_for_a_month(world, other_world, kreis):
    figures = volunteer_figures.compute(Unit("county", kreis.pk), MAY)[None]
    assert figures == MAY_SIGMARINGEN
    assert list(figures) == volunteer_figures.KEYS


def test_the_quarter_moves_the_boundaries(world, kreis):
    figures = volunteer_figures.compute(Unit("county", kreis.pk), Q2)[None]
    assert figures["volunteers_active"] == 6  # + Mira (left 30 April), Paula (June)
    assert figures["volunteers_new"] == 3  # Jonas, Lea, Paula
    assert figures["volunteers_trained"] == 3  # + Jonas in April
    assert figures["training_hours"] == Decimal("9.50")
    assert figures["hours_given"] == Decimal("11.25")  # + 1 (June) + 1.5 (April)
    assert figures["tandems_running"] == 4  # + Nils-Omar until 30 April
    assert figures["tandems_ended"] == 3  # 30 April, 10 May, 10 June
    assert figures["support_requests_done"] == 2
    assert figures["mentoring_groups_active"] == 2  # + the group that ended on 30 April
    assert figures["persons_accompanied"] == 4
    april = volunteer_figures.compute(Unit("county", kreis.pk), Period.month(2026, 4))[None]
    assert april["volunteers_active"] == 4  # Hanna, Mira, Nils, Jonas (gave hours)
    assert april["volunteers_new"] == 0
    assert april["hours_given"] == Decimal("1.50")


def test_an_empty_county_has_zeros(kreis):
    figures = volunteer_figures.compute(Unit("county", kreis.pk), MAY)[None]
    assert figures == volunteer_figures.zeros()


def test_the_state_is_the_sum_of_its_counties(world, other_world, kreis, other_kreis):
    state = Unit("state", kreis.land_id)
    by_county = volunteer_figures.compute(state, MAY, group="county")
    assert by_county[kreis.pk] == MAY_SIGMARINGEN
    assert by_county[other_kreis.pk]["volunteers_active"] == 6
    assert by_county[other_kreis.pk]["hours_given"] == Decimal("7.00")
    total = volunteer_figures.compute(state, MAY)[None]
    for key in volunteer_figures.KEYS:
        assert total[key] == by_county[kreis.pk][key] + by_county[other_kreis.pk][key], key


def test_queries_do_not_grow_with_the_data(world, other_world, kreis, volunteer_coordinator):
    unit = Unit("state", kreis.land_id)
    with CaptureQueriesContext(connection) as few:
        volunteer_figures.compute(unit, MAY, group="county")
    for n in range(5):
        extra = volunteer(kreis, volunteer_coordinator, f"Neu{n}", "active", at(day(2)))
        qualification(extra, volunteer_coordinator, day(3), "1")
    with CaptureQueriesContext(connection) as many:
        volunteer_figures.compute(unit, MAY, group="county")
    assert len(many) == len(few) == 7


def test_protect_hides_small_counts_but_not_hours():
    rows = {"a": {**volunteer_figures.zeros(), "volunteers_active": 4, "hours_given": 3}}
    rows["b"] = {**volunteer_figures.zeros(), "volunteers_active": 6, "hours_given": 2}
    shown, total = volunteer_figures.protect(rows)
    assert shown["a"]["volunteers_active"].suppressed
    assert shown["b"]["volunteers_active"].suppressed  # or 4 = 10 - 6
    assert total["volunteers_active"].value == 10
    assert shown["a"]["hours_given"].value == 3 and total["hours_given"].value == 5
    assert shown["a"]["tandems_running"].value == 0  # a zero stays visible


def test_keys_do_not_collide_with_the_case_work():
    assert not set(volunteer_figures.KEYS) & set(case_figures.KEYS)
    assert case_figures.label("hours_given") == volunteer_figures.label("hours_given")


# --- the page -------------------------------------------------------------------------------------


def volunteer_page(client, user, **params) -> tuple[str, dict]:
    client.force_login(user)
    response = client.get(reverse("statistics:volunteers"), params or MAY_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    return html, _volunteer_tables(html)


def _volunteer_tables(html: str) -> dict:
    """The volunteer tables (``data-testid="volunteer-table-…"``) read like the dashboard's."""
    marked = html.replace('data-testid="volunteer-table-', 'data-testid="table-volunteer-')
    return {
        slug[len("volunteer-") :]: rows
        for slug, rows in tables_of(marked).items()
        if slug.startswith("volunteer-")
    }


@pytest.mark.parametrize("role", ["volunteer_coordinator", "coordinator", "county_admin"])
def test_the_county_reads_its_figures(client, request, world, other_world, role):
    user = request.getfixturevalue(role)
    html, tables = volunteer_page(client, user)
    assert set(tables) == {"volunteers", "hours", "accompaniment"}
    row = tables["volunteers"]["kreis:08437"]
    assert row["label"] == "Landkreis Sigmaringen"
    assert row["volunteers_active"] == "4"
    assert row["volunteers_new"] == "2"
    assert row["training_hours"] == "5,5"
    assert tables["hours"]["kreis:08437"]["hours_given"] == "8,75"
    assert tables["hours"]["kreis:08437"]["hours_given:tandem"] == "3,75"
    assert tables["accompaniment"]["kreis:08437"]["persons_accompanied"] == "3"
    body = html.split("<main", 1)[1]
    assert "Zollernalb" not in body and "•" not in body
    for name in ("Hanna", "Amina", "Karim"):
        assert name not in body
    assert "<style" not in body and ' style="' not in html


def test_the_state_sees_every_county_suppressed(client, world, other_world, state_officer):
    html, tables = volunteer_page(client, state_officer)
    rows = tables["volunteers"]
    assert set(rows) == {"kreis:08437", "kreis:08417", "total"}
    # 4 in Sigmaringen is hidden; 6 in Zollernalb too, else 4 = 10 - 6
    assert rows["kreis:08437"]["volunteers_active"] == "•"
    assert rows["kreis:08417"]["volunteers_active"] == "•"
    assert rows["total"]["volunteers_active"] == "10"
    assert rows["kreis:08437"]["training_hours"] == "5,5"  # hours are no person counts
    assert tables["hours"]["total"]["hours_given"] == "15,75"
    for table in tables.values():
        for row in table.values():
            for key, text in row.items():
                if key != "label" and key in volunteer_figures.PERSON_KEYS and text != "•":
                    assert int(text) == 0 or int(text) >= 5, (key, text)
    assert german("Statistical confidentiality") in html


@pytest.mark.parametrize("role", ["alice", "lead", "dpo", "volunteer", "charlie"])
def test_other_roles_get_403(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("statistics:volunteers")).status_code == 403
    url = reverse("statistics:volunteers_export", kwargs={"table": "hours", "fmt": "csv"})
    assert client.get(url).status_code == 403


def test_unknown_table_or_format_is_404(client, coordinator):
    client.force_login(coordinator)
    for table, fmt in (("nothing", "csv"), ("hours", "pdf")):
        url = reverse("statistics:volunteers_export", kwargs={"table": table, "fmt": fmt})
        assert client.get(url).status_code == 404


def test_exports_carry_the_table_and_are_audited(client, world, coordinator, kreis):
    client.force_login(coordinator)
    url = reverse("statistics:volunteers_export", kwargs={"table": "hours", "fmt": "xlsx"})
    response = client.get(url, MAY_QUERY)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values[3]
    row = next(r for r in values if r[0] == "Landkreis Sigmaringen")
    assert row[header.index(german("Hours given by volunteers"))] == 8.75
    url = reverse("statistics:volunteers_export", kwargs={"table": "volunteers", "fmt": "csv"})
    response = client.get(url, MAY_QUERY)
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[-1][:3] == ["Landkreis Sigmaringen", "4", "2"]
    entry = AuditEntry.objects.filter(action="statistics.figures.exported").latest("pk")
    assert entry.data["table"] == "volunteers_volunteers"
    assert entry.data["period"] == MAY.key()


def test_the_state_export_keeps_the_suppression(client, world, other_world, state_officer):
    client.force_login(state_officer)
    url = reverse("statistics:volunteers_export", kwargs={"table": "summary", "fmt": "csv"})
    text = client.get(url, MAY_QUERY).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    sigmaringen = next(line for line in lines if line and line[0] == "Landkreis Sigmaringen")
    assert sigmaringen[1] == "•"


# --- the dashboards -------------------------------------------------------------------------------


def test_the_county_dashboard_has_the_volunteer_section(client, world, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("statistics:dashboard"), MAY_QUERY).content.decode()
    assert 'data-testid="dashboard-volunteers"' in html
    tables = _volunteer_tables(html)
    assert tables["summary"]["kreis:08437"]["volunteers_active"] == "4"
    assert tables["summary"]["kreis:08437"]["hours_given"] == "8,75"
    assert reverse("statistics:volunteers") in html


def test_the_state_dashboard_repeats_the_suppressed_table(
    client, world, other_world, state_officer
):
    client.force_login(state_officer)
    html = client.get(reverse("statistics:dashboard"), MAY_QUERY).content.decode()
    summary = _volunteer_tables(html)["summary"]
    _page, tables = volunteer_page(client, state_officer)
    assert summary["kreis:08437"]["volunteers_active"] == "•"
    on_the_page = {}
    for table in tables.values():
        for key, row in table.items():
            on_the_page.setdefault(key, {}).update(row)
    for key, row in summary.items():
        assert row.items() <= on_the_page[key].items(), key


def test_case_workers_dashboard_has_no_volunteer_section(client, world, alice, lead):
    for user in (alice, lead):
        client.force_login(user)
        html = client.get(reverse("statistics:dashboard"), MAY_QUERY).content.decode()
        assert 'data-testid="dashboard-volunteers"' not in html
        assert reverse("statistics:volunteers") not in html


# --- the proof of use -----------------------------------------------------------------------------


def test_the_proof_of_use_carries_the_volunteer_figures(world, kreis):
    from wegweiser.funding.selectors_county import figure_rows
    from wegweiser.funding.services import proof_figures

    application = SimpleNamespace(
        kreis_id=kreis.pk,
        programme=SimpleNamespace(period_start=day(1), period_end=day(31)),
    )
    snapshot = proof_figures(application)
    assert snapshot["figures"]["volunteers_active"] == 4
    assert snapshot["figures"]["hours_given"] == "8.75"
    assert snapshot["figures"]["persons"] == 0  # the case work is still there
    rows = {row.key: row for row in figure_rows(snapshot)}
    assert rows["hours_given"].label == german("Hours given by volunteers")
    keys = [row.key for row in figure_rows(snapshot)]
    assert (
        keys.index("volunteers_active")
        < keys.index("hours_given")
        < keys.index("persons_accompanied")
    )


# --- the API --------------------------------------------------------------------------------------


def test_the_api_gives_the_county_its_figures(api_as, world, volunteer_coordinator, kreis):  # noqa: F811
    response = api_as(volunteer_coordinator).get("/figures/volunteers", period="2026-05")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["unit"] == {"kind": "county", "id": kreis.ags, "name": str(kreis)}
    assert body["figures"]["volunteers_active"] == 4
    assert body["figures"]["hours_given"] == 8.75
    assert body["suppressed"] == [] and body["groups"] == []
    assert body["labels"]["hours_given"] == german("Hours given by volunteers")
    assert AuditEntry.objects.filter(action="statistics.figures.exported").exists()


def test_the_api_suppresses_for_the_state(api_as, world, other_world, state_officer):  # noqa: F811
    body = api_as(state_officer).get("/figures/volunteers", period="2026-05").json()
    assert body["figures"]["volunteers_active"] == 10
    by_county = {g["unit"]["id"]: g for g in body["groups"]}
    assert by_county["08437"]["figures"]["volunteers_active"] is None
    assert "volunteers_active" in by_county["08437"]["suppressed"]
    assert by_county["08417"]["figures"]["hours_given"] == 7.0


@pytest.mark.parametrize("role", ["alice", "dpo", "volunteer"])
def test_the_api_refuses_other_roles(api_as, request, role):  # noqa: F811
    response = api_as(request.getfixturevalue(role)).get("/figures/volunteers", period="2026-05")
    assert response.status_code == 403


def test_the_api_checks_the_period(api_as, coordinator):  # noqa: F811
    response = api_as(coordinator).get("/figures/volunteers", period="Mai")
    assert response.status_code == 422
