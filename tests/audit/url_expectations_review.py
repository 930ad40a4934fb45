"""Expected status per role for the access review (audit app), merged into
tests/test_url_matrix.py: the data-protection officer and the county administrator read it, every
other role gets 403; the exports are POST only (405 to a GET for those who may export)."""

from __future__ import annotations

from tests.matrix import by_role

READERS = {"county_admin", "dpo"}

EXPECTED: dict = {
    "audit:access_review": by_role(READERS),
    "audit:access_review_csv": by_role(READERS, ok_status=405),
    "audit:access_review_xlsx": by_role(READERS, ok_status=405),
}


def url_kwargs(world: dict) -> dict:
    return {}
