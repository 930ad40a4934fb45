"""Figure reports read from the read replica when one is configured (``statistics.db``,
docs/skalierung.md): the dashboards, the annual report as it stands, the outcome cohorts, the
volunteer figures and the figures API compute their aggregates on the alias ``replica``; nothing
is written there, a submission that freezes figures reads the primary, and without a replica
everything reads the primary."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api.conftest import api_as as api_as  # noqa: F401 - the fixture
from tests.factories import make_client, make_session
from wegweiser.statistics import services
from wegweiser.statistics.db import REPLICA, reporting_db
from wegweiser.statistics.figures import Period, Unit, compute

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|TRUNCATE)\b", re.I)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def replica(settings):
    """Reports on the replica: the alias ``replica`` is a mirror of the test database (settings:
    Django's ``TEST: {"MIRROR": "default"}``), a second connection to it. The test is
    transactional, so that connection sees the committed data as a replica would."""
    settings.WEGWEISER_REPORTING_DATABASE = REPLICA
    return connections[REPLICA]


@pytest.fixture
def figures(alice, bob, charlie):
    """May 2026 and 2025: sessions of Alice and Bob (Alice's county) and of Charlie."""
    for n, (user, held_on) in enumerate(
        [(alice, dt.date(2026, 5, 4)), (bob, dt.date(2026, 5, 6)), (alice, dt.date(2025, 3, 3))]
    ):
        case = make_client(
            user, given_names=f"P{n}", arrival_date=dt.date(2025, 1, 10), opened_on=held_on
        ).cases.get()
        make_session(user, case, held_on=held_on)
    other = make_client(charlie, given_names="C", opened_on=dt.date(2026, 5, 1)).cases.get()
    make_session(charlie, other, held_on=dt.date(2026, 5, 12))


def sql(context) -> list[str]:
    return [query["sql"] for query in context.captured_queries]


def reads(queries: list[str], table: str) -> bool:
    return any(f'"{table}"' in q and not WRITE.match(q) for q in queries)


def test_without_a_replica_reports_read_the_primary(client, coordinator, figures):
    """The suite's settings have no DATABASE_REPLICA_URL: the reports read the primary (and a
    read on the alias would fail this test, which does not allow it)."""
    assert reporting_db() == DEFAULT_DB_ALIAS
    client.force_login(coordinator)
    response = client.get(
        reverse("statistics:dashboard"), {"zeitraum": "month", "jahr": "2026", "monat": "5"}
    )
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_reports_read_the_replica_and_never_write_there(
    client, replica, figures, api_as, coordinator, state_officer, kreis, alice
):
    assert reporting_db() == REPLICA
    default = connections[DEFAULT_DB_ALIAS]
    may = {"zeitraum": "month", "jahr": "2026", "monat": "5"}
    api = api_as(coordinator)
    state_api = api_as(state_officer)
    pages = [
        # (who, what, the aggregate table that must be read on the replica)
        (
            coordinator,
            lambda: client.get(reverse("statistics:dashboard"), may),
            "statistics_contactmonth",
        ),
        (
            coordinator,
            lambda: client.get(reverse("statistics:report_year", kwargs={"year": 2026})),
            "statistics_contactmonth",
        ),
        (
            coordinator,
            lambda: client.get(reverse("statistics:outcomes")),
            "statistics_arrivaloutcome",
        ),
        (coordinator, lambda: client.get(reverse("statistics:volunteers")), "volunteers_volunteer"),
        (
            state_officer,
            lambda: client.get(reverse("statistics:dashboard"), may),
            "statistics_contactmonth",
        ),
        (
            None,
            lambda: api.get(
                "/figures", unit="county", id=kreis.ags, period="2026-05", group="manager"
            ),
            "statistics_contactmonth",
        ),
        (None, lambda: api.get("/figures/outcomes", from_year=2025), "statistics_arrivaloutcome"),
        (
            None,
            lambda: state_api.get("/figures/volunteers", unit="state", id="bw", period="2026"),
            "volunteers_volunteer",
        ),
    ]
    for user, call, table in pages:
        if user is not None:
            client.force_login(user)
        with (
            CaptureQueriesContext(replica) as on_replica,
            CaptureQueriesContext(default) as on_default,
        ):
            response = call()
        assert response.status_code == 200, (table, response.status_code)
        assert reads(sql(on_replica), table), f"{table} not read on the replica"
        assert not reads(sql(on_default), table), f"{table} read on the primary"
        writes = [q for q in sql(on_replica) if WRITE.match(q)]
        assert not writes, writes

    # What the page showed is what the primary has (the mirror is the same database).
    unit, period = Unit("county", kreis.pk), Period.month(2026, 5)
    assert compute(unit, period, using=REPLICA) == compute(unit, period)
    assert compute(unit, period)[None]["persons"] == 2

    # The submission freezes the figures of the primary.
    with CaptureQueriesContext(replica) as on_replica:
        report = services.report_submit(actor=coordinator, kreis=kreis, year=2025)
    assert sql(on_replica) == []
    assert report.data["periods"]
