"""Expected status per role for the duplicate pages of the clients app (merged into
tests/test_url_matrix.py): the merge page is a case edit page; the county-wide report is for
team leads and county coordination (decision 0009)."""

from __future__ import annotations

from tests.matrix import by_role, case_edit

EXPECTED: dict = {
    "clients:case_merge": case_edit(),
    "clients:duplicate_report": by_role({"lead", "coordinator"}),
}


def url_kwargs(world: dict) -> dict:
    return {"clients:case_merge": {"uuid": world["case"].uuid}}
