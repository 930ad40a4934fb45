"""The county's export (transfer.export): the ZIP's files read back as a user's tools would read
them (JSON Lines, CSV with ``;`` in UTF-8 with BOM), the confidential notes only on request of
the county administrator after re-authentication, nothing of another county, the audit."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.factories import MunicipalityFactory, make_client, make_session
from tests.referrals.helpers import make_referral, make_service
from tests.volunteers.helpers import make_volunteer
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.models import Client
from wegweiser.clients.services import case_close, case_open, consent_record
from wegweiser.plans.services import goal_add, step_add
from wegweiser.transfer import export
from wegweiser.transfer.fields import GOAL_FIELDS, PERSON_FIELDS, REFERRAL_FIELDS, SESSION_FIELDS
from wegweiser.transfer.models import ExportJob, JobState

NOTE = "Vertraulich: Traumatherapie begonnen"


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    settings.WEGWEISER_EXPORT_DIR = tmp_path / "exports"
    settings.TRANSFER_JOBS_INLINE = True


@pytest.fixture
def county(alice, bob, county_admin, volunteer_coordinator, kreis):
    """Alice's county: a household of two, one person with two case files, one without any,
    sessions (one with a confidential note), a goal with a step, referrals, a volunteer and a
    service of the directory."""
    today = timezone.localdate()
    town = MunicipalityFactory(kreis=kreis, name="Bad Saulgau", ags="08437005")
    amina = make_client(
        alice,
        new_household_label="Familie Haddad",
        nationalities=["SY", "IQ"],
        languages=["ar", "kmr"],
        gender="female",
        interpreter_needed=True,
        interpreter_language="ar",
        municipality=town,
        opened_on=today - dt.timedelta(days=400),
    )
    household = amina.household
    household.street = "Hauptstr. 1"
    household.municipality = town
    household.save()
    omar = make_client(
        alice,
        given_names="Omar",
        household=household,
        birth_date=dt.date(2012, 3, 4),
        opened_on=today - dt.timedelta(days=300),
    )
    first = amina.cases.get()
    consent_record(actor=alice, case=first, given_on=first.opened_on, form="signed")
    service = make_service(kreis, name="Jugendmigrationsdienst Sigmaringen")
    make_session(alice, first, held_on=today - dt.timedelta(days=390), confidential_note=NOTE)
    make_session(
        alice,
        first,
        held_on=today - dt.timedelta(days=380),
        fields_of_action=["language", "work"],
        summary="=Sprachkurs angemeldet",
    )
    goal = goal_add(
        actor=alice,
        case=first,
        field_of_action="language",
        text="B1-Zertifikat erreichen",
        target_date=today + dt.timedelta(days=100),
        priority="high",
    )
    step_add(actor=alice, goal=goal, text="Kurs bei der VHS", owner="service", service=service)
    make_referral(
        alice, first, service=service, service_name="", referred_on=today - dt.timedelta(days=370)
    )
    case_close(
        actor=alice,
        case=first,
        version=first.version,
        closed_on=today - dt.timedelta(days=200),
        close_reason="self_reliant",
    )
    second = case_open(actor=alice, client=amina, opened_on=today - dt.timedelta(days=100))
    make_session(bob, second, held_on=today - dt.timedelta(days=50), duration_minutes=30)
    make_referral(alice, second, referred_on=today - dt.timedelta(days=40))
    lonely = Client.objects.create(
        kreis=kreis, given_names="Ohne", family_name="Fall", birth_year=1980
    )
    volunteer = make_volunteer(volunteer_coordinator, municipalities=[town])
    return {
        "amina": amina,
        "omar": omar,
        "first": first,
        "second": second,
        "household": household,
        "service": service,
        "goal": goal,
        "lonely": lonely,
        "volunteer": volunteer,
        "town": town,
    }


def _build(actor, *, include_confidential=False) -> ExportJob:
    job = export.export_request(actor=actor, include_confidential=include_confidential)
    export.build(job)
    job.refresh_from_db()
    return job


def _open(job: ExportJob) -> zipfile.ZipFile:
    return zipfile.ZipFile(export.file_path(job))


def _csv(archive, name) -> tuple[list[str], list[dict]]:
    raw = archive.read(f"{name}.csv")
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV for German Excel: UTF-8 with BOM"
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";")
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def _jsonl(archive, name) -> list[dict]:
    text = archive.read(f"{name}.jsonl").decode("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_the_export_holds_the_county_in_files_that_read_back(county, county_admin, alice):
    job = _build(county_admin)
    assert job.state == JobState.DONE
    path = export.file_path(job)
    assert job.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert job.file_size == path.stat().st_size
    amina, first, second = county["amina"], county["first"], county["second"]
    with _open(job) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == "wegweiser-export"
        assert manifest["format_version"] == 1
        assert manifest["county"] == {
            "name": "Landkreis Sigmaringen",
            "ags": "08437",
            "id": str(county_admin.kreis.uuid),
        }
        assert manifest["created_by"] == "admin@example.org"
        assert manifest["include_confidential"] is False
        assert manifest["created_at"].endswith("Z")
        # Every file is listed with its number of records and a check sum that matches.
        listed = {f["name"]: f for f in manifest["files"]}
        assert set(listed) == set(archive.namelist()) - {"manifest.json"}
        for name, entry in listed.items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == entry["sha256"], name

        # Persons: the import's catalogue keys first, one row per case file.
        header, persons = _csv(archive, "persons")
        catalogue = [f.key for f in PERSON_FIELDS]
        assert header[: len(catalogue)] == catalogue
        assert len(persons) == 4  # Amina twice (two case files), Omar, the person without one
        assert listed["persons.csv"]["records"] == 4 == job.counts["persons"]
        aminas = [p for p in persons if p["person_id"] == str(amina.uuid)]
        assert [p["case_id"] for p in aminas] == [str(first.uuid), str(second.uuid)]
        row = aminas[0]
        assert row["household_id"] == str(county["household"].uuid)
        assert row["household_label"] == "Familie Haddad"
        assert row["birth_date"] == "1990-05-17"
        assert row["gender"] == "female"
        assert row["nationalities"] == "IQ, SY"
        assert row["languages"] == "ar, kmr"
        assert row["interpreter_needed"] == "ja"
        assert row["municipality"] == "08437005"
        assert row["responsible"] == "alice@example.org"
        assert row["case_number"] == first.number
        assert row["case_opened_on"] == first.opened_on.isoformat()
        assert row["case_closed_on"] == (timezone.localdate() - dt.timedelta(days=200)).isoformat()
        assert row["close_reason"] == "self_reliant"
        assert row["consent_given_on"] == first.opened_on.isoformat()
        assert aminas[1]["case_closed_on"] == "" and aminas[1]["close_reason"] == ""
        lonely = next(p for p in persons if p["person_id"] == str(county["lonely"].uuid))
        assert lonely["case_id"] == lonely["case_number"] == lonely["responsible"] == ""
        assert lonely["birth_year"] == "1980"

        records = {(r["person_id"], r["case_id"]): r for r in _jsonl(archive, "persons")}
        json_row = records[(str(amina.uuid), str(first.uuid))]
        assert list(json_row)[: len(catalogue)] == catalogue
        assert json_row["nationalities"] == ["IQ", "SY"]
        assert json_row["interpreter_needed"] is True
        assert json_row["birth_year"] is None or isinstance(json_row["birth_year"], int)
        assert records[(str(county["lonely"].uuid), None)]["case_opened_on"] is None

        # Sessions: catalogue keys, codes, lists, users by e-mail; the note column is empty.
        header, sessions = _csv(archive, "sessions")
        assert header[: len(SESSION_FIELDS)] == [f.key for f in SESSION_FIELDS]
        assert len(sessions) == 3
        by_date = sorted(sessions, key=lambda s: s["held_on"])
        assert by_date[0]["confidential_note"] == ""
        assert by_date[1]["fields_of_action"] == "language, work"
        assert by_date[1]["summary"] == "'=Sprachkurs angemeldet"  # no formula in Excel
        assert by_date[2]["counsellor"] == "bob@example.org"
        assert by_date[2]["case_id"] == str(second.uuid)
        assert by_date[2]["person_id"] == str(amina.uuid)
        assert by_date[2]["channel"] == "in_person"
        assert by_date[2]["duration_minutes"] == "30"
        json_sessions = sorted(_jsonl(archive, "sessions"), key=lambda s: s["held_on"])
        assert json_sessions[1]["summary"] == "=Sprachkurs angemeldet"
        assert json_sessions[1]["fields_of_action"] == ["language", "work"]
        assert all(s["confidential_note"] is None for s in json_sessions)
        assert NOTE not in archive.read("sessions.jsonl").decode()

        header, goals = _csv(archive, "goals")
        assert header[: len(GOAL_FIELDS)] == [f.key for f in GOAL_FIELDS]
        assert goals[0]["goal_id"] == str(county["goal"].uuid)
        assert goals[0]["priority"] == "high" and goals[0]["status"] == "open"
        assert goals[0]["field_of_action"] == "language"
        _header, steps = _csv(archive, "steps")
        assert steps[0]["goal_id"] == str(county["goal"].uuid)
        assert steps[0]["service"] == "Jugendmigrationsdienst Sigmaringen"
        assert steps[0]["service_id"] == str(county["service"].uuid)

        header, referrals = _csv(archive, "referrals")
        assert header[: len(REFERRAL_FIELDS)] == [f.key for f in REFERRAL_FIELDS]
        services = sorted(r["service"] for r in referrals)
        assert services == [
            "Jugendmigrationsdienst Sigmaringen",
            "Migrationsberatung für Erwachsene (MBE)",
        ]
        named = next(r for r in referrals if r["service_id"])
        assert named["service_id"] == str(county["service"].uuid)
        assert _csv(archive, "referral_events")[1], "the referrals' history"

        _header, households = _csv(archive, "households")
        assert households == [
            {
                "household_id": str(county["household"].uuid),
                "household_label": "Familie Haddad",
                "street": "Hauptstr. 1",
                "postal_code": "",
                "municipality": "08437005",
                "created_at": households[0]["created_at"],
            }
        ]
        _header, consents = _csv(archive, "consents")
        assert [c["person_id"] for c in consents] == [str(amina.uuid)]
        assert consents[0]["covers_processing"] == "ja"

        volunteers = _jsonl(archive, "volunteers")
        assert [v["volunteer_id"] for v in volunteers] == [str(county["volunteer"].uuid)]
        assert volunteers[0]["municipalities"] == ["08437005"]
        assert volunteers[0]["languages"] == ["ar", "de"]
        services = _jsonl(archive, "services")
        assert [s["name"] for s in services] == ["Jugendmigrationsdienst Sigmaringen"]
        hsds = json.loads(archive.read("directory_hsds.json"))
        resources = {r["name"]: r["data"] for r in hsds["resources"]}
        assert [r["name"] for r in resources["service"]] == ["Jugendmigrationsdienst Sigmaringen"]
        users = {u["email"] for u in _jsonl(archive, "users")}
        assert {"alice@example.org", "bob@example.org", "admin@example.org"} <= users

        # Key figures: county totals per year and quarter.
        figures = _jsonl(archive, "figures")
        this_year = str(timezone.localdate().year)
        year_rows = {f["key"]: f for f in figures if f["period"] == this_year}
        assert year_rows, "figures of this year"
        assert all(f["period_kind"] in ("year", "quarter") for f in figures)
        held_this_year = [s for s in json_sessions if s["held_on"].startswith(this_year)]
        assert year_rows["sessions"]["value"] == len(held_this_year)


def test_confidential_notes_only_when_asked_for(county, county_admin):
    job = _build(county_admin, include_confidential=True)
    with _open(job) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["include_confidential"] is True
        notes = [s["confidential_note"] for s in _jsonl(archive, "sessions")]
        assert NOTE in notes
        _header, rows = _csv(archive, "sessions")
        assert NOTE in [r["confidential_note"] for r in rows]


def test_another_countys_export_holds_nothing_of_alices(county, county_admin, other_kreis):
    from tests.factories import OrganisationFactory, UserFactory
    from wegweiser.accounts.roles import Role

    admin_elsewhere = UserFactory(
        email="admin@zollernalb.example.org",
        team=None,
        organisation=OrganisationFactory(kreis=other_kreis, name="LRA Zollernalb"),
        role=Role.COUNTY_ADMIN,
    )
    job = _build(admin_elsewhere)
    assert job.kreis_id == other_kreis.pk
    with _open(job) as archive:
        blob = b"".join(archive.read(name) for name in archive.namelist())
        assert job.counts["persons"] == 0 and job.counts["sessions"] == 0
    for text in ("Haddad", str(county["amina"].uuid), "alice@example.org", "Familie"):
        assert text.encode() not in blob, text


def test_only_county_administrators_export(county, alice, coordinator, client):
    for user in (alice, coordinator):
        with pytest.raises(PermissionDenied):
            export.export_request(actor=user, include_confidential=False)
        client.force_login(user)
        assert client.get(reverse("transfer:export_home")).status_code == 403
        assert client.post(reverse("transfer:export_home")).status_code == 403
    assert not ExportJob.objects.exists()


def test_export_is_audited(county, county_admin):
    job = _build(county_admin, include_confidential=True)
    requested = AuditEntry.objects.get(action="transfer.export.requested")
    assert requested.actor_id == county_admin.pk
    assert requested.data == {"include_confidential": True}
    done = AuditEntry.objects.get(action="transfer.export.done")
    assert done.data["sha256"] == job.file_sha256
    assert done.data["counts"]["persons"] == 4
    assert done.data["include_confidential"] is True
    export.export_download(actor=county_admin, job=job)
    assert AuditEntry.objects.filter(action="transfer.export.downloaded").count() == 1


def test_a_failure_leaves_no_file(county, county_admin, monkeypatch):
    job = export.export_request(actor=county_admin, include_confidential=False)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "_directory_hsds", broken)
    with pytest.raises(RuntimeError):
        export.build(job)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error
    assert list(export.export_dir().iterdir()) == []
    assert not AuditEntry.objects.filter(action="transfer.export.done").exists()


def test_old_files_are_deleted(county, county_admin):
    job = _build(county_admin)
    path = export.file_path(job)
    assert export.purge_old_exports() == 0 and path.exists()
    assert export.purge_old_exports(now=timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
    assert not path.exists()
    job.refresh_from_db()
    assert job.file_name == ""


def test_progress_is_reported(county, county_admin, monkeypatch):
    monkeypatch.setattr(export, "PROGRESS_EVERY", 2)
    seen = []
    job = export.export_request(actor=county_admin, include_confidential=False)
    export.build(job, progress=lambda done, total: seen.append((done, total)))
    total = seen[0][1]
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert len(seen) > 3
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)


# --- pages --------------------------------------------------------------------------------------


def test_page_request_progress_and_download(
    county, county_admin, client, django_capture_on_commit_callbacks
):
    client.force_login(county_admin)
    page = client.get(reverse("transfer:export_home"))
    assert page.status_code == 200
    assert 'name="include_confidential"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("transfer:export_home"))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("transfer:export_detail", kwargs={"uuid": job.uuid})
    assert job.state == JobState.DONE and not job.include_confidential  # run inline in tests
    detail = client.get(response["Location"])
    assert reverse("transfer:export_download", kwargs={"uuid": job.uuid}) in detail.content.decode()
    progress = client.get(reverse("transfer:export_progress", kwargs={"uuid": job.uuid}))
    assert progress.status_code == 204 and progress["HX-Refresh"] == "true"
    download = client.get(reverse("transfer:export_download", kwargs={"uuid": job.uuid}))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == job.file_sha256
    assert zipfile.ZipFile(io.BytesIO(body)).read("manifest.json")


def test_running_export_shows_progress_bar(county, county_admin, client, settings):
    settings.TRANSFER_JOBS_INLINE = False
    job = export.export_request(actor=county_admin, include_confidential=False)
    client.force_login(county_admin)
    url = reverse("transfer:export_progress", kwargs={"uuid": job.uuid})
    partial = client.get(url)
    assert partial.status_code == 200
    assert 'hx-trigger="every 1s"' in partial.content.decode()
    assert (
        'data-testid="export-progress"'
        in client.get(reverse("transfer:export_detail", kwargs={"uuid": job.uuid})).content.decode()
    )


def test_confidential_notes_need_a_fresh_password(
    county, county_admin, client, password, django_capture_on_commit_callbacks
):
    client.post(reverse("account_login"), {"login": county_admin.email, "password": password})
    response = client.post(reverse("transfer:export_home"), {"include_confidential": "on"})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert not ExportJob.objects.exists()
    # After the password the suspended request goes on: an export with the notes.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"password": password})
    job = ExportJob.objects.get()
    assert job.include_confidential
    assert job.state == JobState.DONE, (job.state, job.error)
    assert response.status_code == 302
    assert response["Location"] == reverse("transfer:export_detail", kwargs={"uuid": job.uuid})
    with _open(job) as archive:
        assert NOTE in archive.read("sessions.jsonl").decode()


def test_without_the_option_no_password_is_asked(county, county_admin, client, password):
    client.post(reverse("account_login"), {"login": county_admin.email, "password": password})
    response = client.post(reverse("transfer:export_home"))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("transfer:export_detail", kwargs={"uuid": job.uuid})
    assert not job.include_confidential


def test_foreign_countys_export_is_404(county, county_admin, charlie, client):
    from tests.factories import UserFactory
    from wegweiser.accounts.roles import Role

    job = _build(county_admin)
    admin_elsewhere = UserFactory(
        email="admin2@example.org",
        team=None,
        organisation=charlie.organisation,
        role=Role.COUNTY_ADMIN,
    )
    client.force_login(admin_elsewhere)
    for name in ("export_detail", "export_progress", "export_download"):
        url = reverse(f"transfer:{name}", kwargs={"uuid": job.uuid})
        assert client.get(url).status_code == 404, name
    with pytest.raises(PermissionDenied):
        export.export_download(actor=admin_elsewhere, job=job)


@pytest.mark.django_db(transaction=True)
def test_build_outside_a_transaction_reads_one_snapshot(county, county_admin):
    """As the background runner calls it: its own transaction (on PostgreSQL repeatable read,
    read only), the job's row written after it."""
    job = export.export_request(actor=county_admin, include_confidential=False)
    export.build(job)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.counts["persons"] == 4 and job.counts["sessions"] == 3


def test_the_documentation_describes_every_file_and_column():
    """docs/export.md has a section per file with every column, so the format stays documented
    when a column is added."""
    import re
    from pathlib import Path

    from wegweiser.transfer.export_entities import entities

    doc = (Path(__file__).resolve().parents[2] / "docs" / "export.md").read_text()
    sections = dict(re.findall(r"^### `(\w+)`\n(.*?)(?=^### |\Z)", doc, flags=re.S | re.M))
    specs = {s.name: s.keys for s in entities(include_confidential=False)}
    specs["figures"] = export.FIGURE_KEYS
    missing = []
    for name, keys in specs.items():
        if name not in sections:
            missing.append(name)
            continue
        documented = re.findall(r"^\| `(\w+)` \|", sections[name], flags=re.M)
        if documented != keys:
            missing.append(f"{name}: {documented} != {keys}")
    assert not missing, missing


def test_the_number_of_queries_does_not_grow_with_the_data(county, county_admin, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        job = export.export_request(actor=county_admin, include_confidential=True)
        with CaptureQueriesContext(connection) as captured:
            export.build(job)
        return len(captured)

    before = queries()
    for n in range(5):
        person = make_client(alice, given_names=f"Person {n}", birth_date=dt.date(1985, 1, n + 1))
        make_session(alice, person.cases.get(), confidential_note="Notiz")
    assert queries() == before
