"""Expected status per role for the URLs of the dataprotection app (merged into
tests/test_url_matrix.py). The Auskunft: the case's editors and the data protection officer; the
search by case number: the data protection officer only."""

from __future__ import annotations

from tests.matrix import by_role, case_edit

EXPECTED: dict = {
    "dataprotection:auskunft_find": by_role({"dpo"}),
    "dataprotection:auskunft": {**case_edit(), "dpo": 200},
}


def url_kwargs(world: dict) -> dict:
    return {"dataprotection:auskunft": {"uuid": world["case"].uuid}}
