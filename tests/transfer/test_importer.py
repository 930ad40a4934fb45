"""The import engine (transfer.importer): the dry run's per-row report, the import in one
transaction, the re-run that changes nothing, likely duplicates and the user's decisions,
sessions, goals and referrals linked to case files, and the rollups after an import.

Files are real: CSV bytes as German offices save them (semicolons, Windows-1252, dd.mm.yyyy),
read with ``readers.read_table``. Expected messages are built with ``gettext`` so the tests hold
in the German catalogue as in English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from tests.factories import make_client, make_session
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.models import Case, CaseNumberSequence, Client, Consent, Household
from wegweiser.counselling.models import CounsellingSession
from wegweiser.dataprotection.models import PersonRevision
from wegweiser.plans.models import Goal
from wegweiser.referrals.models import Referral, ReferralEvent
from wegweiser.statistics import rollups
from wegweiser.statistics.models import ContactMonth
from wegweiser.transfer import importer, importer_persons
from wegweiser.transfer.fields import guess_mapping
from wegweiser.transfer.models import ExternalRef, ImportJob
from wegweiser.transfer.readers import read_table

TODAY = timezone.localdate()
NEXT_YEAR = TODAY.year + 1

PERSONS = (
    (
        "Lfd. Nr.;Vorname;Nachname;Geburtsdatum;Geschlecht;Haushalt;Aktenzeichen;Beginn;Ende;"
        "Abschlussgrund;Zuständig;Einwilligung\n"
    )
    + """\
P1;Amina;Haddad;17.05.1990;weiblich;H1;;01.02.2023;;;alice@example.org;01.02.2023
P2;Omar;Haddad;04.03.2012;männlich;H1;;01.02.2023;;;;
P3;Jürgen;Müller;1985;m;;AZ-77;15.03.2022;30.06.2023;verzogen;bob@example.org;
P4;Olena;Kovalenko;02.11.1979;w;;;10.10.2022;;;;
"""
)

BROKEN = (
    PERSONS
    + f"""\
P5;Fatima;Rahimi;31.02.1990;w;;;01.01.2023;;;;
P6;Ali;;01.01.1980;m;;;01.01.2023;;;;
P7;Yusuf;Demir;05.05.1975;m;;;01.01.{NEXT_YEAR};;;;
P8;Sara;Ahmadi;06.06.1988;w;;;01.06.2023;01.01.2023;;;
P9;Karim;Nasser;07.07.1970;m;;;01.01.2023;;;nobody@example.org;
"""
)


def csv_bytes(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("cp1252")


def table_of(text: str):
    return read_table(csv_bytes(text), "liste.csv")


def job_for(kind, table, *, actor, responsible=None, **extra) -> ImportJob:
    return ImportJob.objects.create(
        kreis_id=actor.kreis_id,
        kind=kind,
        created_by=actor,
        file_name="liste.csv",
        file_sha256="0" * 64,
        mapping=guess_mapping(kind, table.headers),
        headers=table.headers,
        default_responsible=responsible,
        **extra,
    )


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Client,
            Case,
            Household,
            Consent,
            ExternalRef,
            AuditEntry,
            CounsellingSession,
            Goal,
            Referral,
            ContactMonth,
        )
    }


def by_row(report):
    found = {}
    for m in report.messages:
        found.setdefault(m.row, []).append(m)
    return found


@pytest.fixture
def people(alice, bob, county_admin):
    return {"alice": alice, "bob": bob, "admin": county_admin}


# --- dry run and report -----------------------------------------------------------------------


def test_broken_rows_are_named_with_row_column_and_message(people):
    table = table_of(BROKEN)
    job = job_for("persons", table, actor=people["admin"], responsible=people["alice"])

    report = importer.check(job, table)

    rows = by_row(report)
    # Row numbers are the lines of the file (header = 1).
    assert not [m for m in rows.get(2, []) if m.level == "error"]
    (bad_date,) = [m for m in rows[6] if m.level == "error"]
    assert bad_date.column == "Geburtsdatum" and "31.02.1990" in bad_date.message
    (no_name,) = [m for m in rows[7] if m.level == "error"]
    assert no_name.column == "Nachname"
    assert no_name.message == _("This cell is empty; every row needs a value here.")
    (future,) = [m for m in rows[8] if m.level == "error"]
    assert future.column == "Beginn"
    assert future.message == _("The opening date cannot be in the future.")
    (backwards,) = [m for m in rows[9] if m.level == "error"]
    assert backwards.column == "Ende"
    assert backwards.message == _(
        "The closing date cannot be before the opening date (%(date)s)."
    ) % {"date": "01.06.2023"}
    (unknown,) = [m for m in rows[10] if m.level == "error"]
    assert unknown.column == "Zuständig" and "nobody@example.org" in unknown.message
    summary = report.summary
    assert summary["rows"] == 9
    assert summary["refused_rows"] == 5
    assert summary["create"] == {"household": 1, "person": 4, "case": 4}
    assert summary["duplicate_rows"] == 0


def test_check_writes_nothing(people):
    table = table_of(BROKEN)
    job = job_for("persons", table, actor=people["admin"], responsible=people["alice"])
    before = counts()
    calls = []

    importer.check(job, table, progress=lambda done, total: calls.append((done, total)))

    assert counts() == before
    assert calls[-1] == (9, 9)


def test_unassigned_required_column_is_reported_once(people):
    table = table_of(PERSONS)
    job = job_for("persons", table, actor=people["admin"], responsible=people["alice"])
    job.mapping.pop("case_opened_on")

    report = importer.check(job, table)

    assert [m.row for m in report.messages] == [0]
    with pytest.raises(importer.ImportRefused):
        importer.run(job, table)


# --- the import -------------------------------------------------------------------------------


def test_run_creates_persons_households_cases(people, kreis):
    table = table_of(PERSONS)
    job = job_for("persons", table, actor=people["admin"], responsible=people["bob"])

    result = importer.run(job, table)

    assert result["create"] == {"household": 1, "person": 4, "case": 4}
    amina = Client.objects.get(given_names="Amina")
    omar = Client.objects.get(given_names="Omar")
    assert amina.household_id == omar.household_id
    assert amina.household.label == _("Household %(name)s") % {"name": "Haddad"}
    assert amina.gender == "female" and amina.birth_date == dt.date(1990, 5, 17)
    assert amina.name_phonetic.strip() and amina.family_name_latin == "Haddad"
    juergen = Client.objects.get(family_name="Müller")
    assert juergen.birth_year == 1985 and juergen.birth_date is None
    case_a = amina.cases.get()
    assert case_a.responsible == people["alice"] and case_a.team == people["alice"].team
    assert case_a.number == "2023-00001"
    assert case_a.period_ends_on == dt.date(2026, 1, 31)
    assert omar.cases.get().responsible == people["bob"]  # the default for empty cells
    assert omar.cases.get().number == "2023-00002"
    closed = juergen.cases.get()
    assert closed.number == "AZ-77"
    assert closed.closed_on == dt.date(2023, 6, 30) and closed.close_reason == "moved_away"
    assert CaseNumberSequence.objects.get(kreis=kreis, year=2023).last == 2
    consent = Consent.objects.get(client=amina)
    assert consent.given_on == dt.date(2023, 2, 1) and consent.form == "signed"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "transfer.import.done",
        "clients.client.created",
        "clients.case.opened",
        "clients.case.closed",
        "clients.household.created",
        "clients.consent.recorded",
    } <= actions
    done = AuditEntry.objects.get(action="transfer.import.done")
    assert done.actor == people["admin"] and done.object_uuid == job.uuid
    assert done.data["file"] == "liste.csv" and done.data["created"]["person"] == 4
    entry = AuditEntry.objects.get(action="clients.client.created", client_uuid=amina.uuid)
    assert entry.data == {"import": str(job.uuid)}


def test_case_numbers_keep_clear_of_imported_ones(people, kreis):
    text = PERSONS.replace(";;01.02.2023;;;alice", ";2023-00001;01.02.2023;;;alice")
    table = table_of(text)
    job = job_for("persons", table, actor=people["admin"], responsible=people["bob"])

    importer.run(job, table)

    numbers = set(Case.objects.values_list("number", flat=True))
    assert {"2023-00001", "2023-00002", "AZ-77", "2022-00001"} == numbers
    # A case opened later by hand continues after the imported numbers.
    later = make_client(people["alice"], given_names="Neu", opened_on=dt.date(2023, 5, 1))
    assert later.cases.get().number == "2023-00003"


def test_rerun_changes_nothing(people):
    table = table_of(PERSONS)
    job = job_for("persons", table, actor=people["admin"], responsible=people["bob"])
    importer.run(job, table)
    before = counts()
    stamps = list(Client.objects.values_list("pk", "version", "updated_at").order_by("pk"))
    case_stamps = list(Case.objects.values_list("pk", "version", "updated_at").order_by("pk"))

    again = job_for("persons", table, actor=people["admin"], responsible=people["bob"])
    report = importer.check(again, table)
    result = importer.run(again, table)

    assert report.summary["create"] == {} and report.summary["update"] == {}
    assert result["unchanged"] == {"household": 1, "person": 4, "case": 4}
    after = counts()
    assert after.pop("AuditEntry") == before.pop("AuditEntry") + 1  # the import's own entry
    assert after == before
    assert list(Client.objects.values_list("pk", "version", "updated_at").order_by("pk")) == stamps
    assert list(Case.objects.values_list("pk", "version", "updated_at").order_by("pk")) == (
        case_stamps
    )


def test_rerun_without_ids_changes_nothing(people):
    text = "\n".join(line.split(";", 1)[1] for line in PERSONS.splitlines()) + "\n"
    table = table_of(text)
    job = job_for("persons", table, actor=people["admin"], responsible=people["bob"])
    importer.run(job, table)
    before = Client.objects.count()

    again = job_for("persons", table, actor=people["admin"], responsible=people["bob"])
    result = importer.run(again, table)

    assert result["create"] == {} and Client.objects.count() == before == 4


def test_changed_row_updates_one_person(people):
    table = table_of(PERSONS)
    importer.run(job_for("persons", table, actor=people["admin"], responsible=people["bob"]), table)
    changed = table_of(PERSONS.replace("P4;Olena;Kovalenko", "P4;Olena;Kowalenko"))

    job = job_for("persons", changed, actor=people["admin"], responsible=people["bob"])
    report = importer.check(job, changed)
    result = importer.run(job, changed)

    assert report.summary["update"] == {"person": 1}
    assert result["update"] == {"person": 1}
    olena = Client.objects.get(given_names="Olena")
    assert olena.family_name == "Kowalenko" and olena.family_name_latin == "Kowalenko"
    assert olena.version == 2
    assert PersonRevision.objects.get(client=olena).previous == {
        "family_name": "Kovalenko",
        "family_name_latin": "Kovalenko",
    }
    assert Client.objects.filter(version=1).count() == 3
    assert AuditEntry.objects.filter(action="clients.client.updated").count() == 1


# --- refused rows: all or nothing -------------------------------------------------------------


def test_refused_rows_stop_the_import_unless_skipped(people):
    table = table_of(BROKEN)
    job = job_for("persons", table, actor=people["admin"], responsible=people["alice"])
    before = counts()

    with pytest.raises(importer.ImportRefused) as refused:
        importer.run(job, table)

    assert "5" in refused.value.message
    assert counts() == before

    job.skip_refused = True
    result = importer.run(job, table)

    assert result["create"]["person"] == 4 and result["skipped_rows"] == 5
    assert not Client.objects.filter(given_names__in=["Fatima", "Ali", "Yusuf"]).exists()


@pytest.mark.django_db(transaction=True)
def test_failure_mid_way_leaves_nothing(alice, bob, county_admin, monkeypatch):
    table = table_of(PERSONS)
    job = job_for("persons", table, actor=county_admin, responsible=bob)
    before = counts()

    def broken(entries):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer_persons, "write_audit", broken)
    with pytest.raises(RuntimeError):
        importer.run(job, table)

    assert counts() == before
    assert not CaseNumberSequence.objects.exists()
    assert not AuditEntry.objects.filter(data__import=str(job.uuid)).exists()

    monkeypatch.undo()
    result = importer.run(job, table)
    assert result["create"]["person"] == 4


def test_run_needs_the_right(people):
    table = table_of(PERSONS)
    job = job_for("persons", table, actor=people["alice"], responsible=people["alice"])
    with pytest.raises(importer.ImportRefused):
        importer.run(job, table)
    assert not Client.objects.exists()
    assert importer.can_import(people["admin"]) and not importer.can_import(people["alice"])


# --- likely duplicates ------------------------------------------------------------------------

DUPLICATE = """\
Vorname;Nachname;Geburtsdatum;Beginn
Amina;Hadad;17.05.1990;01.03.2024
Peter;Neumann;01.01.1960;01.03.2024
"""


@pytest.fixture
def existing(people):
    return make_client(people["alice"], given_names="Amina", family_name="Haddad")


def test_likely_duplicate_is_flagged_and_blocks_the_run(people, existing):
    table = table_of(DUPLICATE)
    job = job_for("persons", table, actor=people["admin"], responsible=people["bob"])

    report = importer.check(job, table)

    (dup,) = [m for m in report.messages if m.level == "duplicate"]
    assert dup.row == 2
    (candidate,) = dup.data["candidates"]
    assert candidate["uuid"] == str(existing.uuid)
    assert candidate["born"] == "17.05.1990"
    assert candidate["case_number"] == existing.cases.get().number
    assert candidate["score"] >= 0.85
    assert report.summary["duplicate_rows"] == 1
    with pytest.raises(importer.ImportRefused):
        importer.run(job, table)
    assert Client.objects.count() == 1


@pytest.mark.parametrize("decision", ["new", "skip", "existing"])
def test_decisions_do_what_they_say(people, existing, decision):
    table = table_of(DUPLICATE)
    value = str(existing.uuid) if decision == "existing" else decision
    job = job_for(
        "persons", table, actor=people["admin"], responsible=people["bob"], decisions={"2": value}
    )

    result = importer.run(job, table)

    hadad = Client.objects.filter(family_name="Hadad")
    if decision == "new":
        assert hadad.count() == 1 and result["create"]["person"] == 2
    elif decision == "skip":
        assert not hadad.exists() and result["create"]["person"] == 1
        assert result["skipped_rows"] == 1
    else:
        assert not hadad.exists()
        existing.refresh_from_db()
        assert existing.family_name == "Haddad" and existing.version == 1
        # The row's case file is the person's open one: no second case file.
        assert existing.cases.count() == 1
        ref = ExternalRef.objects.get(entity="person", object_id=existing.pk)
        assert ref.external_id.startswith("auto:")
        # A re-run of the same file is quiet now: the row is that person.
        again = job_for("persons", table, actor=people["admin"], responsible=people["bob"])
        report = importer.check(again, table)
        assert report.summary["duplicate_rows"] == 0 and report.summary["create"] == {}


def test_person_created_by_the_same_file_is_no_duplicate(people):
    table = table_of(PERSONS)
    job = job_for("persons", table, actor=people["admin"], responsible=people["bob"])
    importer.run(job, table)
    report = importer.check(job_for("persons", table, actor=people["admin"]), table)
    assert report.summary["duplicate_rows"] == 0


# --- sessions, goals, referrals ---------------------------------------------------------------


@pytest.fixture
def imported(people):
    """The persons file imported: Amina (P1, open case 2023-00001), Jürgen (AZ-77, closed)."""
    table = table_of(PERSONS)
    importer.run(job_for("persons", table, actor=people["admin"], responsible=people["bob"]), table)
    return Client.objects.get(given_names="Amina").cases.get()


SESSIONS = """\
Aktenzeichen;Personen-ID;Datum;Dauer;Kontaktart;Handlungsfelder;Bemerkung
2023-00001;;01.03.2023;45;persönlich;Sprache, Arbeit;Erstgespräch
2023-00001;;15.03.2023;30;telefonisch;Wohnen;
;P1;02.05.2023;60;Video;;
;P3;01.06.2023;20;telefonisch;;
AZ-77;;01.07.2023;20;telefonisch;;nach dem Abschluss
"""


def test_sessions_by_case_number_and_person_update_the_rollups(people, imported):
    table = table_of(SESSIONS)
    job = job_for("sessions", table, actor=people["admin"], skip_refused=True)

    report = importer.check(job, table)
    result = importer.run(job, table)

    (late,) = [m for m in report.messages if m.level == "error"]
    assert late.row == 6 and late.column == "Datum"
    assert result["create"] == {"session": 4}
    imported.refresh_from_db()
    assert imported.session_count == 3
    assert imported.last_session_on == dt.date(2023, 5, 2)
    juergen = Case.objects.get(number="AZ-77")
    assert juergen.session_count == 1 and juergen.last_session_on == dt.date(2023, 6, 1)
    session = CounsellingSession.objects.get(held_on=dt.date(2023, 3, 1))
    assert session.counsellor == imported.responsible
    assert session.fields_of_action == ["language", "work"]
    rows = sorted(ContactMonth.objects.values_list("case_id", "month", "sessions", "minutes"))
    assert (imported.pk, dt.date(2023, 3, 1), 2, 75) in rows
    rollups.rebuild(imported.kreis)
    assert (
        sorted(ContactMonth.objects.values_list("case_id", "month", "sessions", "minutes")) == rows
    )
    assert AuditEntry.objects.filter(action="counselling.session.recorded").count() == 4

    again = job_for("sessions", table, actor=people["admin"], skip_refused=True)
    assert importer.run(again, table)["unchanged"] == {"session": 4}
    assert CounsellingSession.objects.count() == 4


def test_sessions_keep_counts_with_existing_sessions(people, imported):
    make_session(people["bob"], imported, held_on=dt.date(2023, 4, 1))
    table = table_of(SESSIONS)
    importer.run(job_for("sessions", table, actor=people["admin"], skip_refused=True), table)
    imported.refresh_from_db()
    assert imported.session_count == 4


def test_another_countys_case_number_is_never_linked(people, imported, charlie):
    theirs = make_client(charlie, given_names="Zara", opened_on=dt.date(2021, 1, 5))
    number = theirs.cases.get().number
    assert not Case.objects.filter(kreis=imported.kreis, number=number).exists()
    text = f"Aktenzeichen;Datum;Dauer;Kontaktart\n{number};01.03.2021;45;persönlich\n"
    table = table_of(text)
    job = job_for("sessions", table, actor=people["admin"])

    report = importer.check(job, table)

    assert report.summary["refused_rows"] == 1
    (error,) = report.messages
    assert error.column == "Aktenzeichen" and number in error.message
    assert not CounsellingSession.objects.exists()


def test_goals_go_into_the_case_plan(people, imported):
    text = """\
Aktenzeichen;Handlungsfeld;Ziel;Status;Erreicht am
2023-00001;Sprache;B1-Zertifikat;erreicht;01.12.2023
2023-00001;Arbeit;Ausbildungsplatz finden;offen;
2023-00001;Wohnen;Eigene Wohnung;erreicht;
"""
    table = table_of(text)
    job = job_for("goals", table, actor=people["admin"])

    report = importer.check(job, table)
    (missing,) = [m for m in report.messages if m.level == "error"]
    assert missing.row == 4 and missing.column == "Erreicht am"
    job.skip_refused = True
    result = importer.run(job, table)

    assert result["create"] == {"goal": 2}
    goals = list(Goal.objects.filter(plan__case=imported).order_by("position"))
    assert [g.text for g in goals] == ["B1-Zertifikat", "Ausbildungsplatz finden"]
    assert [g.position for g in goals] == [1, 2]
    assert goals[0].status == "reached" and goals[0].reached_on == dt.date(2023, 12, 1)
    assert AuditEntry.objects.filter(action="plans.plan.created").count() == 1


def test_referrals_import_with_consent_note(people, imported, kreis):
    from tests.referrals.helpers import make_service

    make_service(kreis, name="Jugendmigrationsdienst Sigmaringen")
    text = """\
Aktenzeichen;Stelle;Vermittelt am;Status;Abgeschlossen am;Wiedervorlage
2023-00001;Jugendmigrationsdienst Sigmaringen;01.04.2023;erfolgreich;01.05.2023;
2023-00001;Schuldnerberatung Caritas;02.04.2023;;;01.05.2023
2023-00001;Tafel;03.04.2023;erfolgreich;;
"""
    table = table_of(text)
    job = job_for("referrals", table, actor=people["admin"], skip_refused=True)

    report = importer.check(job, table)
    result = importer.run(job, table)

    (error,) = [m for m in report.messages if m.level == "error"]
    assert error.row == 4
    notes = [m for m in report.messages if m.level == "warning"]
    assert {m.row for m in notes} == {2, 3}  # no consent to passing data recorded
    assert result["create"] == {"referral": 2}
    directory = Referral.objects.get(service__isnull=False)
    assert directory.status == "successful" and directory.closed_on == dt.date(2023, 5, 1)
    free = Referral.objects.get(service__isnull=True)
    assert free.service_name == "Schuldnerberatung Caritas" and free.status == "proposed"
    assert ReferralEvent.objects.count() == 2


# --- more habits and rules --------------------------------------------------------------------


def test_xlsx_with_title_row_date_cells_and_formulas(people):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Fallliste Integrationsmanagement"])
    sheet.append([])
    sheet.append(["Lfd. Nr.", "Vorname", "Nachname", "Geburtsdatum", "Einreise", "Beginn"])
    sheet.append(["1", "Amina", "Haddad", dt.date(1990, 5, 17), 44927, dt.date(2023, 2, 1)])
    sheet.append(["2", '=HYPERLINK("http://x","Omar")', "Haddad", "04.03.2012", None, "01.02.2023"])
    out = io.BytesIO()
    book.save(out)
    table = read_table(out.getvalue(), "liste.xlsx")
    job = job_for("persons", table, actor=people["admin"], responsible=people["alice"])

    result = importer.run(job, table)

    assert result["create"]["person"] == 2
    amina = Client.objects.get(given_names="Amina")
    assert amina.arrival_date == dt.date(2023, 1, 1)  # Excel serial date 44927
    formula = Client.objects.exclude(pk=amina.pk).get()
    assert formula.given_names.startswith("=HYPERLINK")  # kept as text, never evaluated
    from wegweiser.statistics import outcomes
    from wegweiser.statistics.models import ArrivalOutcome

    rows = list(ArrivalOutcome.objects.values_list("client_id", "arrival_quarter"))
    assert rows == [(amina.pk, dt.date(2023, 1, 1))]
    outcomes.rebuild(amina.kreis)
    assert list(ArrivalOutcome.objects.values_list("client_id", "arrival_quarter")) == rows


def test_several_case_files_of_one_person(people):
    text = """\
Lfd. Nr.;Vorname;Nachname;Geburtsdatum;Beginn;Ende;Abschlussgrund
P1;Amina;Haddad;17.05.1990;01.02.2020;31.12.2021;verzogen
P1;Amina;Haddad;17.05.1990;01.02.2023;;
P1;Amina;Haddad;17.05.1990;01.03.2024;;
"""
    table = table_of(text)
    job = job_for("persons", table, actor=people["admin"], responsible=people["alice"])

    report = importer.check(job, table)

    (error,) = [m for m in report.messages if m.level == "error"]
    assert error.row == 4
    assert error.message == _("This person already has an open case file (%(where)s).") % {
        "where": _("row %(row)d") % {"row": 3}
    }
    job.skip_refused = True
    result = importer.run(job, table)
    assert result["create"] == {"person": 1, "case": 2}
    amina = Client.objects.get()
    assert sorted(amina.cases.values_list("opened_on", "closed_on")) == [
        (dt.date(2020, 2, 1), dt.date(2021, 12, 31)),
        (dt.date(2023, 2, 1), None),
    ]


def test_taken_case_number_is_refused(people):
    other = make_client(people["alice"], given_names="Lea", opened_on=dt.date(2023, 1, 2))
    number = other.cases.get().number
    text = (
        "Vorname;Nachname;Geburtsdatum;Aktenzeichen;Beginn\n"
        f"Amina;Haddad;17.05.1990;{number};01.02.2023\n"
    )
    table = table_of(text)
    report = importer.check(
        job_for("persons", table, actor=people["admin"], responsible=people["alice"]), table
    )
    (error,) = report.messages
    assert error.column == "Aktenzeichen"
    assert error.message == _("The case number “%(number)s” is already taken in this county.") % {
        "number": number
    }


def test_a_caseworker_must_be_responsible(people, county_admin):
    table = table_of(
        "Vorname;Nachname;Geburtsdatum;Beginn;Zuständig\n"
        "Amina;Haddad;17.05.1990;01.02.2023;admin@example.org\n"
    )
    report = importer.check(job_for("persons", table, actor=county_admin), table)
    (error,) = report.messages
    assert error.column == "Zuständig" and "admin@example.org" in error.message


def test_confidential_note_is_stored_encrypted(people, imported):
    from django.db import connection

    text = (
        "Aktenzeichen;Datum;Dauer;Kontaktart;Vertrauliche Notiz\n"
        "2023-00001;01.03.2023;45;persönlich;Trauma erwähnt\n"
    )
    table = table_of(text)
    importer.run(job_for("sessions", table, actor=people["admin"]), table)

    session = CounsellingSession.objects.get()
    assert session.confidential_note == "Trauma erwähnt"
    with connection.cursor() as cursor:
        cursor.execute("SELECT confidential_note FROM counselling_counsellingsession")
        (raw,) = cursor.fetchone()
    assert "Trauma" not in raw


def test_household_rename_updates_the_household(people):
    table = table_of(PERSONS)
    importer.run(job_for("persons", table, actor=people["admin"], responsible=people["bob"]), table)
    text = PERSONS.replace("Haushalt;", "Haushalt;Haushaltsname;", 1)
    lines = text.splitlines()
    lines = [lines[0]] + [
        line.replace(";H1;", ";H1;Familie Haddad;")
        if ";H1;" in line
        else line.replace(";;", ";;;", 1)
        for line in lines[1:]
    ]
    renamed = table_of("\n".join(lines) + "\n")
    job = job_for("persons", renamed, actor=people["admin"], responsible=people["bob"])

    result = importer.run(job, renamed)

    assert result["update"] == {"household": 1}
    household = Household.objects.get()
    assert household.label == "Familie Haddad" and household.version == 2
    assert Client.objects.filter(household=household).count() == 2


def test_rerun_in_another_language_changes_nothing(people):
    from django.utils import translation

    table = table_of(PERSONS)
    with translation.override("en"):
        importer.run(
            job_for("persons", table, actor=people["admin"], responsible=people["bob"]), table
        )
    with translation.override("de"):
        report = importer.check(
            job_for("persons", table, actor=people["admin"], responsible=people["bob"]), table
        )
    assert report.summary["update"] == {} and report.summary["create"] == {}


def test_duplicate_of_a_person_known_by_year_only(people):
    from wegweiser.clients.choices import BirthDatePrecision

    known = make_client(
        people["alice"],
        given_names="Amina",
        family_name="Haddad",
        birth_date=None,
        birth_year=1990,
        birth_date_precision=BirthDatePrecision.YEAR,
    )
    table = table_of(DUPLICATE)
    report = importer.check(job_for("persons", table, actor=people["admin"]), table)
    (dup,) = [m for m in report.messages if m.level == "duplicate"]
    assert dup.data["candidates"][0]["uuid"] == str(known.uuid)
    assert dup.data["candidates"][0]["born"] == "1990"
