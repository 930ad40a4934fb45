"""Expected status per role for the URLs of the directory app, merged into tests/test_url_matrix.py.

EXPECTED maps URL names to {role: status} tables built with tests.matrix (status, by_role,
case_content, case_edit). url_kwargs(world) creates the objects the URLs need and returns
{url name: kwargs for reverse()}; world holds "users" (role -> User; Alice owns the case),
"case" (Alice's open case), "session" and "consent".

Readers of the directory: case work, county coordination and administration of a Kreis, and
the state funding officer (state-wide entries). Editors: team lead, county coordination and
administration. An entry of Alice's Kreis is 404 for Charlie and the state officer.
"""

from __future__ import annotations

from tests.matrix import by_role, status

READERS = {
    "alice",
    "bob",
    "dora",
    "lead",
    "coordinator",
    "county_admin",
    "charlie",
    "state_officer",
}
EDITORS = {"lead", "coordinator", "county_admin", "state_officer"}
IMPORTERS = {"coordinator", "county_admin", "state_officer"}


def _entry(ok: set[str]):
    """An entry of Alice's Kreis: no right at all 403; other Kreis or the state 404."""
    table = by_role(ok)
    table["charlie"] = 404
    table["state_officer"] = 404
    return table


EXPECTED: dict = {
    "directory:service_list": by_role(READERS),
    "directory:service_create": by_role(EDITORS),
    "directory:provider_create": by_role(EDITORS),
    "directory:import": by_role(IMPORTERS),
    "directory:export": by_role(READERS),
    "directory:pdf": status(405),  # POST only
    "directory:service_detail": _entry(READERS),
    "directory:service_update": _entry(EDITORS),
    "directory:service_deactivate": _entry(EDITORS),
    "directory:service_reactivate": status(405),  # POST only
    "directory:provider_update": _entry(EDITORS),
}


def url_kwargs(world: dict) -> dict:
    from wegweiser.directory.services import provider_create, service_create

    coordinator = world["users"]["coordinator"]
    provider = provider_create(actor=coordinator, name="Diakonie Matrix")
    service = service_create(actor=coordinator, provider=provider, name="Sprachcafé Matrix")
    entry = {"uuid": service.uuid}
    return {
        "directory:service_detail": entry,
        "directory:service_update": entry,
        "directory:service_deactivate": entry,
        "directory:service_reactivate": entry,
        "directory:provider_update": {"uuid": provider.uuid},
    }
