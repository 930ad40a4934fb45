"""Expected status per role for the URLs of the dataprotection app (merged into
tests/test_url_matrix.py). The Auskunft: the case's editors and the data protection officer; the
search by case number: the data protection officer only."""

from __future__ import annotations

from tests.matrix import by_role, case_edit, status

EXPECTED: dict = {
    "dataprotection:auskunft_find": by_role({"dpo"}),
    "dataprotection:auskunft": {**case_edit(), "dpo": 200},
    "dataprotection:restriction": {**case_edit(), "dpo": 200},
    "dataprotection:restriction_lift": status(405),  # POST only
    "dataprotection:retention": by_role({"county_admin", "dpo"}),
    "dataprotection:retention_decide": status(405),  # POST only, with a fresh password
    "dataprotection:erasure_request": status(405),  # POST only
}


def url_kwargs(world: dict) -> dict:
    uuid = world["case"].uuid
    return {
        name: {"uuid": uuid}
        for name in (
            "dataprotection:auskunft",
            "dataprotection:restriction",
            "dataprotection:restriction_lift",
            "dataprotection:erasure_request",
        )
    }
