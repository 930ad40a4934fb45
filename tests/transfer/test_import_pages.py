"""The import's pages and services around the engine: upload with clear German refusals, the
assignment of columns and its checks, templates, decisions, discarding, an interrupted job and
its restart, ``run_transfer_jobs``. The jobs run inline here (``TRANSFER_JOBS_INLINE``); the
browser test (tests/e2e/test_import_flow.py) runs them in threads."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from tests.factories import make_client
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.models import Client
from wegweiser.transfer import jobs
from wegweiser.transfer.models import ImportJob, ImportTemplate, JobState

CSV = (
    "Lfd. Nr.;Vorname;Nachname;Geburtsdatum;Beratungsbeginn\r\n"
    "1;Amina;Haddad;17.05.1990;01.02.2024\r\n"
    "2;Omar;Haddad;04.03.2012;01.02.2024\r\n"
    "3;Jonas;Müller;31.02.1990;01.02.2024\r\n"
).encode("cp1252")


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    settings.TRANSFER_JOBS_INLINE = True
    cache.clear()


def _upload(client, data=CSV, name="liste.csv", kind="persons"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(reverse("transfer:import_list"), {"kind": kind, "file": upload})


def _detail(job):
    return reverse("transfer:import_detail", kwargs={"uuid": job.uuid})


@pytest.fixture
def admin_client(client, county_admin):
    client.force_login(county_admin)
    return client


def test_an_old_excel_file_is_refused_with_a_german_message(admin_client):
    with override("de"):
        response = _upload(admin_client, b"\xd0\xcf\x11\xe0" + b"\0" * 600, name="liste.xls")
    assert response.status_code == 200
    assert ".xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_mapping_page_shows_the_columns_chosen_and_first_values(admin_client, county_admin):
    response = _upload(admin_client)
    job = ImportJob.objects.get()
    assert response["Location"] == _detail(job)
    assert job.mapping["given_names"] == "Vorname"
    assert job.mapping["case_opened_on"] == "Beratungsbeginn"
    assert job.reading["encoding"] == "cp1252" and job.reading["delimiter"] == ";"
    page = admin_client.get(_detail(job)).content.decode()
    assert "Amina" in page  # first values beside the choice
    assert AuditEntry.objects.filter(action="transfer.import.uploaded", object_uuid=job.uuid)


def test_a_missing_required_column_and_a_double_assignment_are_named(admin_client):
    _upload(admin_client)
    job = ImportJob.objects.get()
    with override("de"):
        response = admin_client.post(
            reverse("transfer:import_map", kwargs={"uuid": job.uuid}),
            {"map_given_names": "Vorname", "map_family_name": "Vorname"},
        )
    text = response.content.decode()
    assert response.status_code == 400
    assert "zweimal zugeordnet" in text
    job.refresh_from_db()
    assert job.state == JobState.UPLOADED


def test_dry_run_report_and_import_with_a_template(admin_client, alice, county_admin):
    _upload(admin_client)
    job = ImportJob.objects.get()
    data = {f"map_{k}": v for k, v in job.mapping.items()}
    data.update(default_responsible=alice.pk, template_name="Liste Sozialamt")
    response = admin_client.post(reverse("transfer:import_map", kwargs={"uuid": job.uuid}), data)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.CHECKED
    assert job.summary["refused_rows"] == 1
    assert Client.objects.count() == 0  # a dry run writes nothing
    with override("de"):
        page = admin_client.get(_detail(job)).content.decode()
    assert "31.02.1990" in page and "Geburtsdatum" in page

    # The refused row must be left out explicitly.
    admin_client.post(reverse("transfer:import_start", kwargs={"uuid": job.uuid}), {})
    job.refresh_from_db()
    assert job.state == JobState.CHECKED and Client.objects.count() == 0
    admin_client.post(
        reverse("transfer:import_start", kwargs={"uuid": job.uuid}), {"skip_refused": "on"}
    )
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.file_data == b""  # the file is deleted after the import
    assert "samples" not in job.reading  # and its first values with it
    assert set(Client.objects.values_list("given_names", flat=True)) == {"Amina", "Omar"}
    assert AuditEntry.objects.filter(action="transfer.import.done", object_uuid=job.uuid)

    # The next file with the same columns gets the template and the responsible person.
    _upload(admin_client)
    second = ImportJob.objects.exclude(pk=job.pk).get()
    template = ImportTemplate.objects.get(name="Liste Sozialamt")
    assert second.template == template
    assert second.default_responsible == alice


def test_a_likely_duplicate_needs_a_decision(admin_client, alice):
    import datetime as dt

    existing = make_client(
        alice, given_names="Amina", family_name="Haddad", birth_date=dt.date(1990, 5, 17)
    )
    _upload(admin_client)
    job = ImportJob.objects.get()
    data = {f"map_{k}": v for k, v in job.mapping.items()}
    data["default_responsible"] = alice.pk
    admin_client.post(reverse("transfer:import_map", kwargs={"uuid": job.uuid}), data)
    job.refresh_from_db()
    assert job.summary["duplicate_rows"] == 1
    page = admin_client.get(_detail(job)).content.decode()
    assert str(existing.uuid) in page
    start = reverse("transfer:import_start", kwargs={"uuid": job.uuid})
    admin_client.post(start, {"skip_refused": "on"})
    job.refresh_from_db()
    assert job.state == JobState.CHECKED  # undecided
    admin_client.post(start, {"skip_refused": "on", "decision-2": str(existing.uuid)})
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert Client.objects.filter(given_names="Amina").count() == 1
    assert existing.cases.count() == 1


def test_an_interrupted_job_is_offered_again_and_run_by_the_command(admin_client, alice, settings):
    _upload(admin_client)
    job = ImportJob.objects.get()
    # The dry run was claimed by a process that died: no sign of life for longer than allowed.
    long_ago = timezone.now() - timezone.timedelta(seconds=jobs.STALE_AFTER + 5)
    ImportJob.objects.filter(pk=job.pk).update(
        state=JobState.CHECKING, started_at=long_ago, heartbeat_at=long_ago
    )
    ImportJob.objects.filter(pk=job.pk).update(updated_at=long_ago)
    job.refresh_from_db()
    assert jobs.is_stale(job)
    with override("de"):
        page = admin_client.get(_detail(job)).content.decode()
    assert "unterbrochen" in page
    # A job that is running (a fresh heartbeat) is not taken by a second runner.
    jobs.Progress(job)
    assert not jobs.run_job(ImportJob, job.pk)
    cache.clear()
    out = io.StringIO()
    call_command("run_transfer_jobs", stdout=out)
    job.refresh_from_db()
    assert job.state == JobState.CHECKED
    assert "checked" in out.getvalue()


def test_discarding_deletes_the_file(admin_client):
    _upload(admin_client)
    job = ImportJob.objects.get()
    response = admin_client.post(reverse("transfer:import_discard", kwargs={"uuid": job.uuid}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.file_data == b""
    assert "samples" not in job.reading


def test_other_roles_get_403_and_another_countys_job_404(client, alice, charlie, county_admin):
    client.force_login(county_admin)
    _upload(client)
    job = ImportJob.objects.get()
    client.force_login(alice)
    assert client.get(reverse("transfer:import_list")).status_code == 403
    assert client.get(_detail(job)).status_code == 403
    job.kreis_id = charlie.kreis_id
    job.save(update_fields=["kreis"])
    client.force_login(county_admin)
    assert client.get(_detail(job)).status_code == 404
