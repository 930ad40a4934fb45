"""Expected status per role for the URLs of the statistics app, merged into
tests/test_url_matrix.py (see tests/directory/url_expectations.py for the building blocks).

Figures: case work (own / team), county coordination and administration (county), the state
funding officer (state and counties, suppressed); the data protection officer and the volunteer
roles have none (403), except the volunteer coordination for the volunteer programme. Objects of
Alice's Kreis are 404 for Charlie."""

from __future__ import annotations

from tests.matrix import by_role, status  # noqa: F401

FIGURE_READERS = {
    "alice",
    "bob",
    "dora",
    "lead",
    "coordinator",
    "county_admin",
    "charlie",
    "state_officer",
}


# --- dashboards (urls_dashboard) ---------------------------------------------------------------
# The own unit (and its exports): every figure reader. A sub-unit, checked with the team of Alice:
# its team lead and the county's coordination and administration; the managers (only their own
# figures), Charlie (another county) and the state (counties only, never a team) 404; roles
# without figures 403.
def _team_unit() -> dict:
    table = by_role({"lead", "coordinator", "county_admin"}, other=403)
    for role in ("alice", "bob", "dora", "charlie", "state_officer"):
        table[role] = 404
    return table


EXPECTED_DASHBOARD: dict = {
    "statistics:dashboard": by_role(FIGURE_READERS),
    "statistics:dashboard_export": by_role(FIGURE_READERS),
    "statistics:dashboard_unit": _team_unit(),
    "statistics:dashboard_unit_export": _team_unit(),
}


def dashboard_kwargs(world: dict) -> dict:
    team = {"kind": "team", "ref": str(world["users"]["alice"].team.uuid)}
    export = {"table": "overview", "fmt": "xlsx"}
    return {
        "statistics:dashboard_export": export,
        "statistics:dashboard_unit": team,
        "statistics:dashboard_unit_export": {**team, **export},
    }


# --- annual report (urls_report) ----------------------------------------------------------------
# The county's reports: its coordination and administration; everyone else 403 (the report pages
# have no county in the URL: they are always the user's own county). The submitted report of
# Alice's Kreis as the state reads it (with the county's AGS in the URL): the state officer and
# the county's coordination and administration; the county's case workers 403 (own county, no
# right), Charlie 404 (another county), roles without figures 403.
REPORT_COUNTY = {"coordinator", "county_admin"}


def _submitted_report_table() -> dict:
    table = by_role(REPORT_COUNTY | {"state_officer"})
    table["charlie"] = 404
    return table


EXPECTED_REPORT: dict = {
    "statistics:report_list": by_role(REPORT_COUNTY),
    "statistics:report_year": by_role(REPORT_COUNTY),
    "statistics:report_xlsx": by_role(REPORT_COUNTY),
    "statistics:report_csv": by_role(REPORT_COUNTY),
    "statistics:report_submit": status(405),  # POST only
    "statistics:report_state_list": by_role({"state_officer"}),
    "statistics:report_state": _submitted_report_table(),
    "statistics:report_state_xlsx": _submitted_report_table(),
    "statistics:report_state_csv": _submitted_report_table(),
}


def report_kwargs(world: dict) -> dict:
    """Last year's report of Alice's Kreis, submitted by the coordinator."""
    from django.utils import timezone

    from wegweiser.statistics.services import report_submit

    coordinator = world["users"]["coordinator"]
    year = timezone.localdate().year - 1
    report_submit(actor=coordinator, kreis=coordinator.kreis, year=year)
    county = {"year": year}
    state = {"ags": coordinator.kreis.ags, "year": year}
    return {
        "statistics:report_year": county,
        "statistics:report_xlsx": county,
        "statistics:report_csv": county,
        "statistics:report_submit": county,
        "statistics:report_state": state,
        "statistics:report_state_xlsx": state,
        "statistics:report_state_csv": state,
    }


# --- outcomes (urls.py) ------------------------------------------------------------------------
EXPECTED_OUTCOMES: dict = {"statistics:outcomes": by_role(FIGURE_READERS)}

# --- volunteer programme (urls.py) ---------------------------------------------------------------
# The own county for its volunteer coordination, coordination and administration, every county of
# the Land for the state officer; everyone else 403 (no county in the URL).
VOLUNTEER_FIGURE_READERS = {"coordinator", "county_admin", "volunteer_coordinator", "state_officer"}
EXPECTED_VOLUNTEERS: dict = {
    "statistics:volunteers": by_role(VOLUNTEER_FIGURE_READERS),
    "statistics:volunteers_export": by_role(VOLUNTEER_FIGURE_READERS),
}

EXPECTED = {**EXPECTED_DASHBOARD, **EXPECTED_REPORT, **EXPECTED_OUTCOMES, **EXPECTED_VOLUNTEERS}


def url_kwargs(world: dict) -> dict:
    return {
        **dashboard_kwargs(world),
        **report_kwargs(world),
        "statistics:volunteers_export": {"table": "summary", "fmt": "xlsx"},
    }
