"""The access review for the data-protection officer: case-file openings per user and case file,
the four flags, the period, the exports (CSV and XLSX, audited), the rights, the query count."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_client
from wegweiser.audit.access_review import (
    BURST,
    BURST_CASES,
    NIGHT,
    OUTSIDE,
    REASON,
    access_review,
)
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.services import case_access_reason_record, case_update, case_viewed

BERLIN = ZoneInfo("Europe/Berlin")
URL = reverse("audit:access_review")
CSV_URL = reverse("audit:access_review_csv")
XLSX_URL = reverse("audit:access_review_xlsx")
REASON_TEXT = "Beschwerde von Frau Haddad über die Beratung prüfen"


def local(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BERLIN)


def view_at(when: dt.datetime, *, actor, case, part: str = "file") -> None:
    with time_machine.travel(when, tick=False):
        case_viewed(actor=actor, case=case, part=part)


def cases_of(alice, n: int) -> list:
    return [
        make_client(alice, given_names=f"Person{i}", family_name="Muster").cases.get()
        for i in range(n)
    ]


def row_for(review, user, case):
    rows = [r for r in review.rows if r.actor_id == user.pk and r.case_uuid == case.uuid]
    assert len(rows) <= 1
    return rows[0] if rows else None


def summary_for(review, user):
    return next(s for s in review.users if s.actor_id == user.pk)


# --- grouping, counts, flags ---------------------------------------------------------------------


def test_openings_are_grouped_by_user_and_case_file(dpo, alice, bob, case):
    view_at(local(3, 9), actor=alice, case=case)
    view_at(local(2, 10), actor=alice, case=case, part="timeline")
    view_at(local(1, 11, 15), actor=alice, case=case)
    view_at(local(1, 12), actor=bob, case=case)

    review = access_review(user=dpo)
    row = row_for(review, alice, case)
    assert row.openings == 3
    assert row.case_number == case.number
    assert row.responsible == alice.display_name and row.team == alice.team.name
    assert timezone.localtime(row.first, BERLIN) == local(3, 9)
    assert timezone.localtime(row.last, BERLIN) == local(1, 11, 15)
    assert row.parts == {"file", "timeline"}
    # Alice is responsible, Bob in the team of a shared case: nothing unusual.
    assert row.flag_codes == [] and row_for(review, bob, case).flag_codes == []
    assert summary_for(review, alice).openings == 3 and summary_for(review, alice).cases == 1
    assert summary_for(review, bob).openings == 1 and summary_for(review, bob).flagged == 0


def test_outside_own_caseload(dpo, alice, bob, dora, lead, case):
    view_at(local(1, 10), actor=dora, case=case)  # another team
    review = access_review(user=dpo)
    assert row_for(review, dora, case).flag_codes == [OUTSIDE]

    # No longer shared with the team: Bob is outside, the team lead still in.
    case_update(actor=alice, case=case, version=case.version, shared_with_team=False)
    view_at(local(1, 11), actor=bob, case=case)
    view_at(local(1, 12), actor=lead, case=case)
    view_at(local(1, 13), actor=alice, case=case)
    review = access_review(user=dpo)
    assert row_for(review, bob, case).flag_codes == [OUTSIDE]
    assert row_for(review, lead, case).flag_codes == []
    assert row_for(review, alice, case).flag_codes == []
    assert summary_for(review, bob).flagged == 1
    assert summary_for(review, bob).flag_codes == {OUTSIDE}


def test_county_coordination_with_and_without_a_recorded_reason(client, dpo, alice, coordinator):
    with_reason, without = cases_of(alice, 2)
    with time_machine.travel(local(1, 9), tick=False):
        case_access_reason_record(actor=coordinator, case=with_reason, reason=REASON_TEXT)
    view_at(local(1, 9, 5), actor=coordinator, case=with_reason)
    view_at(local(1, 10), actor=coordinator, case=without)
    # After the reason ran out (8 hours), a further opening is outside the caseload again.
    view_at(local(1, 9, 0) + dt.timedelta(hours=9), actor=coordinator, case=with_reason)

    review = access_review(user=dpo)
    assert row_for(review, coordinator, without).flag_codes == [OUTSIDE]
    row = row_for(review, coordinator, with_reason)
    assert row.with_reason == 1 and row.openings == 2
    assert row.flag_codes == [OUTSIDE, REASON]

    client.force_login(dpo)
    response = client.get(URL)
    shown = row_for(response.context["review"], coordinator, with_reason)
    assert [f.badge for f in shown.flags] == ["danger", "info"]
    page = response.content.decode()
    assert REASON_TEXT not in page and "Haddad" not in page


def test_only_covered_openings_carry_the_reason_flag(dpo, alice, coordinator, case):
    with time_machine.travel(local(1, 9), tick=False):
        case_access_reason_record(actor=coordinator, case=case, reason=REASON_TEXT)
    view_at(local(1, 9, 1), actor=coordinator, case=case)
    view_at(local(1, 9, 2), actor=coordinator, case=case, part="timeline")
    row = row_for(access_review(user=dpo), coordinator, case)
    assert row.flag_codes == [REASON] and row.with_reason == 2


def test_night_is_22_to_6_local_time(dpo, alice):
    day, late, early, night = cases_of(alice, 4)
    view_at(local(2, 6, 0), actor=alice, case=day)
    view_at(local(2, 21, 59), actor=alice, case=day)
    view_at(local(2, 22, 0), actor=alice, case=late)
    view_at(local(1, 5, 59), actor=alice, case=early)
    view_at(local(1, 2, 30), actor=alice, case=night)
    view_at(local(1, 14, 0), actor=alice, case=night)

    review = access_review(user=dpo)
    assert row_for(review, alice, day).flag_codes == []
    assert row_for(review, alice, late).flag_codes == [NIGHT]
    assert row_for(review, alice, early).flag_codes == [NIGHT]
    assert row_for(review, alice, night).night == 1
    assert summary_for(review, alice).flagged == 3


def test_many_files_in_a_short_time(dpo, alice, bob):
    cases = cases_of(alice, BURST_CASES + 2)
    burst, later = cases[: BURST_CASES + 1], cases[BURST_CASES + 1]
    start = local(1, 9)
    # Alice: 21 different files within 50 minutes, one more two hours later.
    for i, case in enumerate(burst):
        view_at(start + dt.timedelta(seconds=150 * i), actor=alice, case=case)
    view_at(start + dt.timedelta(hours=3), actor=alice, case=later)
    # Bob: the same 21 files every 3 minutes; no 60 minutes hold more than 20 of them.
    for i, case in enumerate(burst):
        view_at(start + dt.timedelta(minutes=3 * i), actor=bob, case=case)

    review = access_review(user=dpo)
    assert all(BURST in row_for(review, alice, c).flag_codes for c in burst)
    assert row_for(review, alice, later).flag_codes == []
    assert summary_for(review, alice).burst_peak == BURST_CASES + 1
    assert summary_for(review, alice).flagged == BURST_CASES + 1
    assert all(row_for(review, bob, c).flag_codes == [] for c in burst)
    assert summary_for(review, bob).burst_peak == 0


def test_repeated_openings_of_one_file_are_no_burst(dpo, alice, case):
    for i in range(BURST_CASES * 2):
        view_at(local(1, 9) + dt.timedelta(minutes=i), actor=alice, case=case)
    row = row_for(access_review(user=dpo), alice, case)
    assert row.openings == BURST_CASES * 2 and row.flag_codes == []


# --- period and filters --------------------------------------------------------------------------


def test_period_is_in_local_dates(dpo, alice, case):
    view_at(local(5, 12), actor=alice, case=case)
    view_at(local(3, 0, 30), actor=alice, case=case)  # 22:30 or 23:30 UTC the day before
    view_at(local(2, 12), actor=alice, case=case)
    day = timezone.localdate() - dt.timedelta(days=3)

    review = access_review(user=dpo, since=day, until=day)
    assert row_for(review, alice, case).openings == 1
    review = access_review(user=dpo, since=day, until=day + dt.timedelta(days=1))
    assert row_for(review, alice, case).openings == 2
    # Default: the last 30 days; older openings are left out.
    view_at(local(40, 12), actor=alice, case=case)
    assert row_for(access_review(user=dpo), alice, case).openings == 3


def test_page_filters_by_user_period_and_flag(client, dpo, alice, bob, dora, case):
    view_at(local(2, 10), actor=alice, case=case)
    view_at(local(2, 11), actor=bob, case=case)
    view_at(local(2, 23), actor=dora, case=case)
    client.force_login(dpo)

    response = client.get(URL)
    assert response.status_code == 200
    assert {r.actor_id for r in response.context["page"]} == {alice.pk, bob.pk, dora.pk}
    assert case.number in response.content.decode()

    by_bob = client.post(URL, {"actor": bob.uuid})
    assert [r.actor_id for r in by_bob.context["page"]] == [bob.pk]
    flagged = client.post(URL, {"only_flagged": "on"})
    assert [r.actor_id for r in flagged.context["page"]] == [dora.pk]
    assert [s.actor_id for s in flagged.context["review"].users] == [dora.pk]
    day = (timezone.localdate() - dt.timedelta(days=1)).strftime("%d.%m.%Y")
    empty = client.post(URL, {"since": day, "until": day})
    assert len(empty.context["page"]) == 0

    wrong = client.post(URL, {"since": day, "until": "01.01.2000"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["until"]


def test_the_page_shows_no_case_content(client, dpo, alice, case):
    view_at(local(1, 10), actor=alice, case=case)
    client.force_login(dpo)
    page = client.get(URL).content.decode()
    assert case.number in page
    client_ = case.client
    for value in (client_.given_names, client_.family_name, "17.05.1990"):
        assert value not in page


# --- exports -------------------------------------------------------------------------------------


def _reauthenticated(client, user, password):
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    client.post(reverse("account_reauthenticate"), {"password": password})
    return client


def test_csv_export_has_german_headings_and_is_audited(client, dpo, alice, dora, case, password):
    view_at(local(2, 23, 15), actor=dora, case=case)
    view_at(local(2, 10), actor=alice, case=case, part="timeline")
    _reauthenticated(client, dpo, password)

    response = client.post(CSV_URL, {"only_flagged": "on"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:8] == [
        "Benutzer/in",
        "Fallnummer",
        "Zuständig",
        "Team",
        "Öffnungen",
        "Erste Öffnung",
        "Letzte Öffnung",
        "Teile",
    ]
    assert rows[0][8:] == [
        "Außerhalb der eigenen Fallzuständigkeit",
        "Mit dokumentiertem Grund",
        "Viele Akten in kurzer Zeit",
        "Nachts",
    ]
    assert len(rows) == 2  # only flagged: Dora's opening
    assert rows[1][:5] == [dora.display_name, case.number, alice.display_name, alice.team.name, "1"]
    assert rows[1][5] == local(2, 23, 15).strftime("%d.%m.%Y %H:%M")
    assert rows[1][8:] == ["ja", "", "", "ja"]

    entry = AuditEntry.objects.get(action="audit.access_review.exported")
    assert entry.actor == dpo and entry.kreis_id == dpo.kreis_id
    since, until = timezone.localdate() - dt.timedelta(days=29), timezone.localdate()
    assert entry.data == {
        "format": "csv",
        "since": since.isoformat(),
        "until": until.isoformat(),
        "filters": ["only_flagged"],
    }
    assert entry.client_uuid is None and entry.case_uuid is None


def test_xlsx_export_reads_back(client, county_admin, alice, bob, case, password):
    from openpyxl import load_workbook

    view_at(local(2, 10), actor=alice, case=case)
    view_at(local(1, 10, 30), actor=alice, case=case, part="timeline")
    view_at(local(1, 11), actor=bob, case=case)
    _reauthenticated(client, county_admin, password)
    day = timezone.localdate() - dt.timedelta(days=3)
    response = client.post(XLSX_URL, {"since": day.strftime("%d.%m.%Y"), "actor": str(alice.uuid)})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert f"zugriffe-{day:%Y%m%d}-" in response["Content-Disposition"]

    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Zugriffe"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][0] == f"Zeitraum: {day:%d.%m.%Y} bis {timezone.localdate():%d.%m.%Y}"
    assert values[2][:5] == ["Benutzer/in", "Fallnummer", "Zuständig", "Team", "Öffnungen"]
    assert len(values) == 4  # Alice only
    row = values[3]
    assert row[:5] == [alice.display_name, case.number, alice.display_name, alice.team.name, 2]
    assert row[5] == local(2, 10).replace(tzinfo=None)
    assert row[6] == local(1, 10, 30).replace(tzinfo=None)
    assert row[7] == "Fallakte, Verlauf"
    users = [list(r) for r in book["Benutzer"].iter_rows(values_only=True)]
    assert users[2][:4] == ["Benutzer/in", "Öffnungen", "Fallakten", "Auffällige Fallakten"]
    assert users[3][:4] == [alice.display_name, 2, 1, 0]
    entry = AuditEntry.objects.get(action="audit.access_review.exported")
    assert entry.data["format"] == "xlsx" and entry.data["filters"] == ["actor"]
    assert entry.data["since"] == day.isoformat()


def test_export_needs_reauthentication_and_a_valid_filter(client, dpo, password):
    client.post(reverse("account_login"), {"login": dpo.email, "password": password})
    response = client.post(CSV_URL)
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    client.post(reverse("account_reauthenticate"), {"password": password})
    response = client.post(XLSX_URL, {"since": "31.12.2020", "until": "01.01.2020"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="audit.access_review.exported").exists()


def test_csv_cells_cannot_start_a_formula(client, dpo, alice, password):
    from tests.factories import TeamFactory

    team = TeamFactory(organisation=alice.organisation, name="=HYPERLINK(1)")
    alice.team = team
    alice.save(update_fields=["team"])
    case = make_client(alice).cases.get()
    view_at(local(1, 10), actor=alice, case=case)
    _reauthenticated(client, dpo, password)
    body = client.post(CSV_URL).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body


# --- rights and tenants --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("dpo", 200),
        ("county_admin", 200),
        ("alice", 403),
        ("lead", 403),
        ("coordinator", 403),
        ("volunteer_coordinator", 403),
        ("volunteer", 403),
        ("state_officer", 403),
        ("charlie", 403),
    ],
)
def test_who_may_read_the_review(client, request, role, expected):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == expected
    assert client.post(URL).status_code == expected
    assert client.post(CSV_URL).status_code in ({403} if expected == 403 else {200, 302})


def test_another_kreis_is_never_shown(client, dpo, alice, case, charlie, other_kreis):
    from tests.factories import OrganisationFactory, UserFactory
    from wegweiser.accounts.roles import Role

    foreign = make_client(charlie, given_names="Fremd", family_name="Kreis").cases.get()
    view_at(local(1, 10), actor=charlie, case=foreign)
    view_at(local(1, 23), actor=alice, case=case)
    other_dpo = UserFactory(
        email="dsb@zollernalb.example.org",
        team=None,
        organisation=OrganisationFactory(kreis=other_kreis),
        role=Role.DATA_PROTECTION_OFFICER,
    )

    review = access_review(user=dpo)
    assert {r.actor_id for r in review.rows} == {alice.pk}
    client.force_login(dpo)
    page = client.get(URL).content.decode()
    assert charlie.display_name not in page
    assert [r.actor_id for r in access_review(user=other_dpo).rows] == [charlie.pk]


# --- cost ----------------------------------------------------------------------------------------


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL)
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_data(client, dpo, alice, bob, dora, coordinator):
    cases = cases_of(alice, BURST_CASES + 1)
    start = local(2, 9)
    for i, case in enumerate(cases):
        view_at(start + dt.timedelta(minutes=i), actor=alice, case=case)
    client.force_login(dpo)
    few = _page_queries(client)

    more = cases_of(alice, 10)
    for i, case in enumerate(cases + more):
        view_at(start + dt.timedelta(minutes=i), actor=bob, case=case)
        view_at(local(1, 23) + dt.timedelta(minutes=i), actor=dora, case=case, part="timeline")
    with time_machine.travel(local(1, 8), tick=False):
        case_access_reason_record(actor=coordinator, case=more[0], reason=REASON_TEXT)
    view_at(local(1, 8, 30), actor=coordinator, case=more[0])
    many = _page_queries(client)
    assert many <= few
