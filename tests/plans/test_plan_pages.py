"""The integration plan in the browser: who sees and changes it, what is refused, versions,
locking, the desk, and a page whose query count does not grow with the plan."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import make_client
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.services import case_access_reason_record, case_update
from wegweiser.plans.models import Goal, Plan, PlanVersion, Step
from wegweiser.plans.services import goal_add, goal_update, plan_agree, step_add

TODAY = timezone.localdate


def de(msgid: str) -> str:
    """The German text of a message (the catalogue's translation once it has one)."""
    with translation.override("de"):
        return translation.gettext(msgid)


def _url(name, obj):
    return reverse(f"plans:{name}", kwargs={"uuid": obj.uuid})


def _goal_data(**overrides):
    data = {
        "field_of_action": "housing",
        "text": "Eigene Wohnung finden",
        "target_date": (TODAY() + dt.timedelta(days=180)).strftime("%d.%m.%Y"),
        "priority": "high",
        "status": "open",
        "reached_on": "",
    }
    data.update(overrides)
    return data


# --- rights ---------------------------------------------------------------------------------


def test_alice_adds_a_goal_and_sees_it_with_its_field_of_action(client, alice, case):
    client.force_login(alice)
    response = client.post(_url("goal_create", case), _goal_data())
    assert response.status_code == 302
    page = client.get(_url("plan_detail", case)).content.decode()
    assert "Eigene Wohnung finden" in page
    assert "Wohnen" in page  # the field of action, in German
    assert 'data-testid="no-consent"' in page  # the consent banner of the case
    assert case.number in page  # the case header
    goal = Goal.objects.get()
    assert goal.priority == "high" and goal.target_date > TODAY()  # future target dates are fine
    assert AuditEntry.objects.filter(action="plans.goal.added", case_uuid=case.uuid).exists()
    assert AuditEntry.objects.filter(action="plans.plan.created", case_uuid=case.uuid).exists()


def test_bob_of_the_team_edits_a_shared_case(client, alice, bob, case, goal):
    case_update(actor=alice, case=case, version=case.version, shared_with_team=True)
    client.force_login(bob)
    response = client.post(
        _url("goal_update", goal), _goal_data(text="Neu formuliert", version=goal.version)
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.text == "Neu formuliert"


@pytest.mark.parametrize("who", ["dora", "charlie"])
def test_other_team_and_other_kreis_get_404_everywhere(request, client, plan, goal, step, who):
    client.force_login(request.getfixturevalue(who))
    case = plan.case
    urls = [
        _url("plan_detail", case),
        _url("plan_pdf", case),
        _url("goal_create", case),
        _url("plan_agree", case),
        _url("goal_update", goal),
        _url("step_create", goal),
        _url("step_update", step),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, _goal_data()).status_code == 404, url
    assert (
        client.post(_url("step_status", step), {"version": 1, "status": "done"}).status_code == 404
    )
    step.refresh_from_db()
    assert step.status == "open"
    assert Goal.objects.count() == 2


def test_coordinator_without_reason_sees_nothing_with_reason_reads_only(
    client, coordinator, plan, goal
):
    case = plan.case
    client.force_login(coordinator)
    response = client.get(_url("plan_detail", case))
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:case_detail", kwargs={"uuid": case.uuid})
    assert client.get(_url("plan_pdf", case)).status_code == 302
    assert client.get(_url("goal_update", goal)).status_code == 403

    case_access_reason_record(actor=coordinator, case=case, reason="Vertretung wegen Krankheit")
    page = client.get(_url("plan_detail", case)).content.decode()
    assert "Deutsch auf B1-Niveau" in page
    assert _url("goal_update", goal) not in page  # no edit links
    assert _url("goal_create", case) not in page
    assert client.get(_url("goal_update", goal)).status_code == 403
    assert client.post(_url("goal_create", case), _goal_data()).status_code == 403
    assert client.get(_url("plan_agree", case)).status_code == 403
    assert Goal.objects.count() == 2
    assert AuditEntry.objects.filter(
        action="clients.case.viewed", actor=coordinator, data__part="plan"
    ).exists()


# --- steps ----------------------------------------------------------------------------------


def test_steps_by_the_client_the_manager_and_a_service(client, alice, goal):
    from wegweiser.directory.models import Service, ServiceProvider

    kreis = alice.kreis
    provider = ServiceProvider.objects.create(kreis=kreis, land=kreis.land, name="VHS")
    course = Service.objects.create(kreis=kreis, land=kreis.land, provider=provider, name="B1")
    client.force_login(alice)
    response = client.post(
        _url("step_create", goal),
        {"text": "Kurs besuchen", "owner": "service", "service": course.pk, "status": "open"},
    )
    assert response.status_code == 302
    step = Step.objects.get(text="Kurs besuchen")
    assert step.service == course
    page = client.get(_url("plan_detail", goal.plan.case)).content.decode()
    assert "ein Angebot / eine Stelle: B1" in page

    # one click marks it done; the goal shows its progress
    response = client.post(_url("step_status", step), {"version": step.version, "status": "done"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.status == "done"
    page = client.get(_url("plan_detail", goal.plan.case)).content.decode()
    assert 'data-testid="goal-steps" data-done="1" data-total="1"' in page


def test_a_service_of_another_kreis_cannot_be_named(alice, charlie, goal):
    from django.core.exceptions import ValidationError

    from wegweiser.directory.models import Service, ServiceProvider

    kreis = charlie.kreis
    provider = ServiceProvider.objects.create(kreis=kreis, land=kreis.land, name="Fremd")
    foreign = Service.objects.create(kreis=kreis, land=kreis.land, provider=provider, name="X")
    with pytest.raises(ValidationError) as exc:
        step_add(actor=alice, goal=goal, text="Kurs", owner="service", service=foreign)
    assert "service" in exc.value.message_dict
    # a state-wide service (no Kreis) of the same Land may be named
    statewide = Service.objects.create(kreis=None, land=kreis.land, provider=provider, name="MBE")
    assert step_add(actor=alice, goal=goal, text="MBE", owner="service", service=statewide)


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "Ziel mit \x07 Steuerzeichen", "Steuerzeichen"),
        ("text", "x" * 2001, "2000"),
        ("text", "", "erforderlich"),
        ("target_date", "31.02.2027", "Datum"),
        ("status", "reached", None),  # valid: reached today
        ("reached_on", (dt.date.today() + dt.timedelta(days=3)).strftime("%d.%m.%Y"), "Zukunft"),
    ],
)
def test_bad_goal_input_is_refused_in_german_beside_the_field(
    client, alice, case, field, value, message
):
    client.force_login(alice)
    data = _goal_data(**{field: value})
    if field == "reached_on":
        data["status"] = "reached"
    response = client.post(_url("goal_create", case), data)
    if message is None:
        assert response.status_code == 302
        assert Goal.objects.get().reached_on == TODAY()
        return
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert not Goal.objects.exists()
    assert field == "text" or "Eigene Wohnung finden" in response.content.decode()


def test_bad_step_input_is_refused(client, alice, goal):
    client.force_login(alice)
    response = client.post(
        _url("step_create", goal), {"text": "a\x1bb", "owner": "client", "status": "open"}
    )
    assert response.status_code == 200
    assert "Steuerzeichen" in " ".join(response.context["form"].errors["text"])
    response = client.post(
        _url("step_create", goal), {"text": "y" * 1001, "owner": "client", "status": "open"}
    )
    assert "1000" in " ".join(response.context["form"].errors["text"])
    assert not Step.objects.exists()


# --- optimistic locking ---------------------------------------------------------------------


def test_concurrent_goal_edit_is_refused_and_input_kept(client, alice, bob, case, goal):
    case_update(actor=alice, case=case, version=case.version, shared_with_team=True)
    url = _url("goal_update", goal)
    client.force_login(alice)
    form_version = client.get(url).context["form"]["version"].value()
    goal_update(actor=bob, goal=goal, version=goal.version, text="Bobs Fassung")
    response = client.post(url, _goal_data(text="Alices Fassung", version=form_version))
    assert response.status_code == 200
    page = response.content.decode()
    assert "zwischenzeitlich" in page
    assert "Alices Fassung" in page
    goal.refresh_from_db()
    assert goal.text == "Bobs Fassung"


def test_agreement_on_an_outdated_plan_conflicts(client, alice, plan, goal):
    url = _url("plan_agree", plan.case)
    client.force_login(alice)
    form_version = client.get(url).context["form"]["version"].value()
    step_add(actor=alice, goal=goal, text="Neuer Schritt", owner="client")
    response = client.post(
        url,
        {
            "version": form_version,
            "agreed_on": TODAY().strftime("%d.%m.%Y"),
            "agreement_form": "signed",
            "review_interval_months": "3",
        },
    )
    assert response.status_code == 200
    assert "zwischenzeitlich" in response.content.decode()
    assert not PlanVersion.objects.exists()


# --- versions -------------------------------------------------------------------------------


def test_agreeing_keeps_versions_and_records_what_changed(client, alice, plan, goal, step):
    client.force_login(alice)
    url = _url("plan_agree", plan.case)
    plan.refresh_from_db()
    response = client.post(
        url,
        {
            "version": plan.version,
            "agreed_on": TODAY().strftime("%d.%m.%Y"),
            "agreement_form": "oral_interpreter",
            "review_interval_months": "3",
        },
    )
    assert response.status_code == 302
    first = PlanVersion.objects.get()
    assert first.number == 1 and first.agreed_by == alice
    assert [g["text"] for g in first.snapshot["goals"]] == [
        "Deutsch auf B1-Niveau",
        "Anerkennung des Berufsabschlusses",
    ]
    first_snapshot = first.snapshot
    plan.refresh_from_db()
    assert plan.next_review_on is not None

    # change the plan: a step done, a goal reworded, a goal added
    from wegweiser.plans.services import step_set_status

    step_set_status(actor=alice, step=step, version=step.version, status="done")
    goal.refresh_from_db()
    goal_update(actor=alice, goal=goal, version=goal.version, target_date=TODAY())
    goal_add(actor=alice, case=plan.case, field_of_action="housing", text="Wohnung suchen")
    plan.refresh_from_db()
    second = plan_agree(
        actor=alice,
        plan=plan,
        version=plan.version,
        agreed_on=TODAY(),
        agreement_form="signed",
    )
    assert second.number == 2
    kinds = {(c["kind"], c.get("step") or c["goal"]) for c in second.changes}
    assert ("goal_added", "Wohnung suchen") in kinds
    assert ("step_changed", "Anmeldung zum Integrationskurs") in kinds
    assert ("goal_changed", "Deutsch auf B1-Niveau") in kinds
    first.refresh_from_db()
    assert first.snapshot == first_snapshot  # the earlier version stays as agreed

    page = client.get(_url("plan_detail", plan.case)).content.decode()
    assert "Version 2" in page and "Version 1" in page
    assert '<li data-change="goal_added">' in page
    assert de("Goal added: %(goal)s") % {"goal": "Wohnung suchen"} in page
    assert alice.display_name in page
    assert AuditEntry.objects.filter(action="plans.plan.agreed").count() == 2


def test_agreement_date_in_the_future_or_without_goals_is_refused(client, alice, case):
    client.force_login(alice)
    data = {
        "version": "1",
        "agreed_on": TODAY().strftime("%d.%m.%Y"),
        "agreement_form": "signed",
        "review_interval_months": "3",
    }
    response = client.post(_url("plan_agree", case), data)
    assert response.status_code == 200
    assert de("A plan without goals cannot be agreed.") in response.content.decode()
    goal_add(actor=alice, case=case, field_of_action="language", text="B1")
    plan = Plan.objects.get()
    data["version"] = str(plan.version)
    data["agreed_on"] = (TODAY() + dt.timedelta(days=1)).strftime("%d.%m.%Y")
    response = client.post(_url("plan_agree", case), data)
    assert "Zukunft" in " ".join(response.context["form"].errors["agreed_on"])
    data["agreed_on"] = TODAY().strftime("%d.%m.%Y")
    data["review_interval_months"] = "99"
    response = client.post(_url("plan_agree", case), data)
    assert "review_interval_months" in response.context["form"].errors
    assert not PlanVersion.objects.exists()


# --- the desk -------------------------------------------------------------------------------


def test_review_becomes_due_on_the_desk(client, alice, dora, plan):
    # agreed on 31 January (after the case was opened): due on 30 April, three months later
    agreed = dt.date(TODAY().year + 1, 1, 31)
    due = dt.date(agreed.year, 4, 30)
    with time_machine.travel(_noon(agreed), tick=False):
        plan.refresh_from_db()
        plan_agree(
            actor=alice, plan=plan, version=plan.version, agreed_on=agreed, agreement_form="signed"
        )
    plan.refresh_from_db()
    assert plan.next_review_on == due
    # (logged in inside each jump of the clock: a session idles out after 30 minutes)
    with time_machine.travel(_noon(due - dt.timedelta(days=1)), tick=False):
        client.force_login(alice)
        page = client.get(reverse("core:desk")).content.decode()
        assert plan.case.number not in _reviews_table(page)
    with time_machine.travel(_noon(due), tick=False):
        client.force_login(alice)
        page = client.get(reverse("core:desk")).content.decode()
        assert plan.case.number in _reviews_table(page)
        assert due.strftime("%d.%m.%Y") in _reviews_table(page)
        plan_page = client.get(_url("plan_detail", plan.case)).content.decode()
        assert 'data-testid="review-due"' in plan_page
    with time_machine.travel(_noon(due), tick=False):
        client.force_login(dora)
        page = client.get(reverse("core:desk")).content.decode()
        assert plan.case.number not in _reviews_table(page)


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 11, 0, tzinfo=dt.UTC)


def _reviews_table(page: str) -> str:
    start = page.index('data-testid="desk-plan-reviews"')
    return page[start : page.index("</table>", start)]


def test_desk_query_count_does_not_grow_with_due_reviews(client, alice):
    client.force_login(alice)
    client.get(reverse("core:desk"))  # the first request after the login writes the session

    def make_due(n):
        for i in range(n):
            person = make_client(alice, given_names=f"Person{i}", family_name=f"Fall{n}{i}")
            case = person.cases.get()
            goal_add(actor=alice, case=case, field_of_action="work", text="Arbeit")
            Plan.objects.filter(case=case).update(next_review_on=TODAY() - dt.timedelta(days=1))

    make_due(1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("core:desk"))
    make_due(4)
    with CaptureQueriesContext(connection) as five:
        page = client.get(reverse("core:desk")).content.decode()
    assert _reviews_table(page).count("<tr") == 6  # header and five plans
    assert len(five) == len(one)


# --- query counts of the plan page ----------------------------------------------------------


def test_plan_page_query_count_does_not_grow_with_goals_and_steps(client, alice, case):
    client.force_login(alice)
    goal = goal_add(actor=alice, case=case, field_of_action="language", text="Ziel 0")
    step_add(actor=alice, goal=goal, text="Schritt", owner="client")
    url = _url("plan_detail", case)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(1, 6):
        g = goal_add(actor=alice, case=case, field_of_action="work", text=f"Ziel {i}")
        for j in range(3):
            step_add(actor=alice, goal=g, text=f"Schritt {j}", owner="manager")
    plan_agree(
        actor=alice,
        plan=Plan.objects.get(),
        version=None,
        agreed_on=TODAY(),
        agreement_form="signed",
    )
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert "Ziel 5" in page
    # one more for the versions list (empty before the agreement); nothing per goal or step
    assert len(large) <= len(small) + 1, [q["sql"] for q in large.captured_queries]
