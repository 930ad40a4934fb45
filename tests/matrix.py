"""Building blocks of the role x URL matrix (tests/test_url_matrix.py), shared with the
expectation modules of the apps (tests/<app>/url_expectations.py)."""

from __future__ import annotations

ROLES = [
    "anonymous",
    "alice",
    "bob",
    "dora",
    "lead",
    "coordinator",
    "county_admin",
    "dpo",
    "volunteer_coordinator",
    "volunteer",
    "state_officer",
    "charlie",
]
CASEWORK = {"alice", "bob", "lead"}  # may edit Alice's case
SAME_KREIS_CASEWORK = CASEWORK | {"dora"}
ALL_LOGGED_IN = set(ROLES) - {"anonymous"}


def status(default, **overrides):
    table = {role: default for role in ROLES}
    table["anonymous"] = 302
    table.update(overrides)
    return table


def case_content(ok=200):
    """Alice's case: her team sees it; the coordinator sees it (reason form); others 404."""
    table = status(404, anonymous=302)
    for role in CASEWORK:
        table[role] = ok
    table["coordinator"] = 200
    return table


def case_edit(ok=200):
    table = case_content(ok)
    table["coordinator"] = 403
    return table


def by_role(ok: set[str], ok_status=200, other=403):
    table = status(other)
    for role in ok:
        table[role] = ok_status
    return table
