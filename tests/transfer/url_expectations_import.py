"""Expected status per role for the import pages (merged into tests/test_url_matrix.py): only
the county administrator imports (decision 0011); the POST-only steps answer 405 to a GET."""

from __future__ import annotations

import hashlib

from tests.matrix import by_role, status

POST_ONLY = ("import_reread", "import_map", "import_start", "import_discard", "import_restart")

EXPECTED: dict = {
    "transfer:import_list": by_role({"county_admin"}),
    "transfer:import_detail": by_role({"county_admin"}),
    # Not running: the progress partial tells htmx to reload the page (204 + HX-Refresh).
    "transfer:import_progress": by_role({"county_admin"}, ok_status=204),
    **{f"transfer:{name}": status(405) for name in POST_ONLY},
}


def url_kwargs(world: dict) -> dict:
    from wegweiser.transfer.models import ImportJob

    data = b"Vorname;Nachname;Geburtsdatum\nAmina;Haddad;01.02.1990\n"
    admin = world["users"]["county_admin"]
    job = ImportJob.objects.create(
        kreis_id=admin.kreis_id,
        kind="persons",
        created_by=admin,
        file_name="liste.csv",
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        file_data=data,
        headers=["Vorname", "Nachname", "Geburtsdatum"],
        reading={"format": "csv", "header_row": 1, "rows": 1},
    )
    return {
        f"transfer:{name}": {"uuid": job.uuid}
        for name in ("import_detail", "import_progress", *POST_ONLY)
    }
