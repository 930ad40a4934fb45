"""Export, then import into an empty county, then export again: the same data.

A new installation is simulated by a second county whose users have the e-mail addresses the
first county's users had (those are changed first), with the same municipality and the same
service in its directory. The four importable files (persons, sessions, goals, referrals) are
imported as they come out of the export, with the columns assigned by their names alone."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import pytest

from tests.factories import MunicipalityFactory, OrganisationFactory, TeamFactory, UserFactory
from tests.referrals.helpers import make_service
from tests.transfer.test_export import (
    _export_dir,  # noqa: F401 - autouse fixture
    county,  # noqa: F401 - fixture
)
from wegweiser.accounts.roles import Role
from wegweiser.transfer import export
from wegweiser.transfer.fields import (
    GOAL_FIELDS,
    PERSON_FIELDS,
    REFERRAL_FIELDS,
    SESSION_FIELDS,
    guess_mapping,
)
from wegweiser.transfer.models import ImportJob

importer = pytest.importorskip("wegweiser.transfer.importer")
pytest.importorskip("wegweiser.transfer.importer_persons")
pytest.importorskip("wegweiser.transfer.importer_records")
from wegweiser.transfer import readers  # noqa: E402

IDS = {"person_id", "household_id", "case_id", "session_id", "goal_id", "referral_id"}
KINDS = (
    ("persons", PERSON_FIELDS),
    ("sessions", SESSION_FIELDS),
    ("goals", GOAL_FIELDS),
    ("referrals", REFERRAL_FIELDS),
)


def _export(admin) -> dict[str, bytes]:
    job = export.export_request(actor=admin, include_confidential=False)
    export.build(job)
    with zipfile.ZipFile(export.file_path(job)) as archive:
        files = {name: archive.read(f"{name}.csv") for name, _f in KINDS}
        files.update({f"{name}.jsonl": archive.read(f"{name}.jsonl") for name, _f in KINDS})
        return files


def _texts(data: bytes, key: str) -> list:
    """The values of one column in the JSONL file (the values themselves, without the CSV's
    protection against formulas)."""
    return sorted(str(json.loads(line)[key]) for line in data.decode().splitlines())


def _rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _import(admin, kind: str, data: bytes) -> dict:
    name = f"{kind}.csv"
    table = readers.read_table(data, name)
    job = ImportJob.objects.create(
        kreis_id=admin.kreis_id,
        kind=kind,
        created_by=admin,
        file_name=name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        file_data=data,
        headers=table.headers,
        reading=table.describe(),
        mapping=guess_mapping(kind, table.headers),
        skip_refused=True,
    )
    report = importer.check(job, table)
    errors = [(m.row, m.column, m.message) for m in report.messages if m.level == "error"]
    result = importer.run(job, table)
    return {"report": report, "errors": errors, "result": result}


def _comparable(kind: str, fields, rows: list[dict], people: dict[str, tuple]) -> list[tuple]:
    """The catalogue columns of each row without identifiers; the person a row belongs to by
    name and date of birth (identifiers differ between the two counties)."""
    keys = [f.key for f in fields if f.key not in IDS and f.key != "case_number"]
    out = []
    for row in rows:
        values = tuple(row[k] for k in keys)
        out.append((people.get(row["person_id"]), *values))
    return sorted(out, key=repr)


def _people(rows: list[dict]) -> dict[str, tuple]:
    return {r["person_id"]: (r["given_names"], r["family_name"], r["birth_date"]) for r in rows}


def test_export_imports_into_an_empty_county_as_the_same_data(
    county,  # noqa: F811
    county_admin,
    alice,
    bob,
    other_kreis,
):
    before = _export(county_admin)

    # A new installation: the users of the old county move on (their e-mails change), the new
    # county has users with the e-mail addresses of the file, the municipality and the service.
    old = {u: u.email for u in (alice, bob, county_admin)}
    for user in old:
        user.email = "alt-" + user.email
        user.save(update_fields=["email"])
    office = OrganisationFactory(kreis=other_kreis, name="Landratsamt Neu")
    team = TeamFactory(organisation=office, name="Integrationsmanagement")
    new_admin = UserFactory(
        email=old[county_admin], team=None, organisation=office, role=Role.COUNTY_ADMIN
    )
    for user in (alice, bob):
        UserFactory(email=old[user], team=team, first_name=user.first_name)
    MunicipalityFactory(kreis=other_kreis, name="Bad Saulgau", ags="08437005")
    make_service(other_kreis, name="Jugendmigrationsdienst Sigmaringen")

    outcomes = {}
    for kind, _fields in KINDS:
        outcomes[kind] = _import(new_admin, kind, before[kind])
    # The person without a case file is the only row left out (a case file's opening date is
    # required by the import); everything else was imported.
    assert [e[1] for e in outcomes["persons"]["errors"]] in ([], ["case_opened_on"]), outcomes[
        "persons"
    ]["errors"]
    for kind in ("sessions", "goals", "referrals"):
        assert outcomes[kind]["errors"] == [], outcomes[kind]["errors"]

    after = _export(new_admin)
    people_before = _people(_rows(before["persons"]))
    people_after = _people(_rows(after["persons"]))
    for kind, fields in KINDS:
        rows_before = _rows(before[kind])
        rows_after = _rows(after[kind])
        if kind == "persons" and outcomes["persons"]["errors"]:
            rows_before = [r for r in rows_before if r["case_id"]]
        assert _comparable(kind, fields, rows_after, people_after) == _comparable(
            kind, fields, rows_before, people_before
        ), kind

    # Households: the same members together.
    def households(rows):
        groups: dict[str, set] = {}
        for r in rows:
            if r["household_id"]:
                groups.setdefault(r["household_id"], set()).add(r["given_names"])
        return sorted(sorted(g) for g in groups.values())

    assert households(_rows(after["persons"])) == households(
        [r for r in _rows(before["persons"]) if r["case_id"]]
    )

    # Importing the same files again changes nothing.
    for kind, _fields in KINDS:
        again = _import(new_admin, kind, before[kind])["result"]
        assert not any(again["create"].values()), (kind, again)
        assert not any(again["update"].values()), (kind, again)

    # The texts themselves: a summary that begins with "=" is written to the CSV as "'=…" and
    # must come back without the apostrophe.
    assert _texts(after["sessions.jsonl"], "summary") == _texts(before["sessions.jsonl"], "summary")
