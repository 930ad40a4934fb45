"""Erasure anonymises a person everywhere: after it, a dump of the whole database holds no name,
date of birth, phone, e-mail, address or free text of that person; the audit entries about them
are redacted, not deleted; the figures count as before; other people's data is untouched."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from tests.factories import make_client, make_session
from tests.volunteers.helpers import linked_volunteer
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.models import Client
from wegweiser.clients.services import case_viewed, client_update, consent_record
from wegweiser.dataprotection.erasure import erase_person
from wegweiser.plans.services import goal_add, plan_agree
from wegweiser.referrals.services import authority_contact_create, referral_create
from wegweiser.statistics.figures import Period, Unit, compute
from wegweiser.volunteers import services_tandems

pytestmark = pytest.mark.django_db

# Everything personal that is written about the person below, in every form it is stored.
SECRETS = [
    "Yasmin",
    "Al-Rashid",
    "Jasmin",
    "Alraschid",
    "ياسمين",
    "1987-03-09",
    "0176 4455667",
    "0160 9988776",  # an earlier phone number, kept by the rectification history
    "yasmin.r@example.org",
    "Wiesenweg 12",
    "Albträume seit der Überfahrt",
    "Anerkennung des Pflegeexamens aus Damaskus",
    "Wohnung in Mengen besichtigt",
    "BG-123/4567",
    "Braucht Begleitung wegen Angst vor Behörden",
    "Einwilligung mündlich vor Zeugin Frau Omari",
]


def _dump() -> str:
    """Every value of every row of every table, as text."""
    parts = []
    for model in apps.get_models():
        for row in model._base_manager.values_list():
            parts.append(" | ".join(str(value) for value in row))
    return "\n".join(parts)


@pytest.fixture
def person(alice, volunteer_coordinator, volunteer):
    client = make_client(
        alice,
        given_names="ياسمين",
        family_name="الرشيد",
        given_names_latin="Yasmin",
        family_name_latin="Al-Rashid",
        birth_date=dt.date(1987, 3, 9),
        phone="0176 1000000",
        email="yasmin.r@example.org",
        gender="female",
        arrival_date=dt.date(2023, 8, 17),
        new_household_label="Jasmin Alraschid",
    )
    # A rectification: the earlier phone number stays in the history until the erasure.
    client = client_update(actor=alice, client=client, version=client.version, phone="0160 9988776")
    client = client_update(actor=alice, client=client, version=client.version, phone="0176 4455667")
    household = client.household
    household.street = "Wiesenweg 12"
    household.save(update_fields=["street"])
    case = client.cases.get()
    consent_record(
        actor=alice,
        case=case,
        given_on=dt.date.today(),
        form="oral_witness",
        witness="Einwilligung mündlich vor Zeugin Frau Omari",
        covers_volunteer=True,
    )
    make_session(
        alice,
        case,
        summary="Wohnung in Mengen besichtigt",
        confidential_note="Albträume seit der Überfahrt",
    )
    goal = goal_add(
        actor=alice,
        case=case,
        field_of_action="work",
        text="Anerkennung des Pflegeexamens aus Damaskus",
    )
    plan = type(goal.plan).objects.get(pk=goal.plan_id)
    plan_agree(
        actor=alice,
        plan=plan,
        version=plan.version,
        agreed_on=dt.date.today(),
        agreement_form="signed",
    )
    referral_create(
        actor=alice,
        case=case,
        reason="Anerkennung des Pflegeexamens aus Damaskus",
        referred_on=dt.date.today(),
        follow_up_on=dt.date.today() + dt.timedelta(days=14),
        service_name="IQ Anerkennungsberatung",
        goal=goal,
        anonymous=True,
    )
    authority_contact_create(
        actor=alice,
        case=case,
        kind="jobcenter",
        office_name="Jobcenter Sigmaringen",
        reference_number="BG-123/4567",
    )
    lina = linked_volunteer(volunteer_coordinator, volunteer)
    tandem = services_tandems.tandem_create(
        actor=alice,
        case=case,
        volunteer=lina,
        started_on=dt.date.today(),
        shared_note="Braucht Begleitung wegen Angst vor Behörden",
    )
    services_tandems.tandem_meeting_log(
        actor=volunteer, tandem=tandem, date=dt.date.today(), hours=2, note="Yasmin zum Amt"
    )
    case_viewed(actor=alice, case=case)
    return client


def test_nothing_of_the_person_is_left_in_the_database(alice, person):
    before = _dump()
    assert all(secret in before for secret in SECRETS), [s for s in SECRETS if s not in before]
    erase_person(actor=alice, client=person, reason="retention.case_closed")
    after = _dump()
    left = [secret for secret in SECRETS if secret in after]
    assert left == [], f"still in the database: {left}"
    # Encrypted notes are emptied, not only unreadable.
    from wegweiser.counselling.models import CounsellingSession

    assert CounsellingSession.objects.get(case__client=person).confidential_note == ""


def test_audit_entries_are_redacted_not_deleted(alice, person):
    count = AuditEntry.objects.filter(client_uuid=person.uuid).count()
    erase_person(actor=alice, client=person, reason="retention.case_closed")
    entries = AuditEntry.objects.filter(client_uuid=person.uuid)
    assert entries.count() == count + 1  # the erasure itself is logged
    assert all(
        e.data.get("redacted") for e in entries.exclude(action="dataprotection.person.erased")
    )
    assert entries.filter(action="clients.case.viewed").exists()


def test_figures_count_as_before(alice, person, kreis):
    held_on = dt.date.today() - dt.timedelta(days=1)
    period = Period.month(held_on.year, held_on.month)
    county = Unit("county", kreis.pk)
    before = compute(county, period)[None]
    erase_person(actor=alice, client=person, reason="retention.case_closed")
    assert compute(county, period)[None] == before


def test_others_are_untouched(alice, person):
    other = make_client(alice, given_names="Omar", family_name="Saleh", phone="0151 2233")
    make_session(alice, other.cases.get(), summary="Sprachkurs gefunden")
    erase_person(actor=alice, client=person, reason="retention.case_closed")
    other.refresh_from_db()
    assert other.given_names == "Omar" and other.phone == "0151 2233"
    assert "Sprachkurs gefunden" in _dump()
    erased = Client.objects.get(pk=person.pk)
    assert erased.gender == "female" and erased.birth_year == 1987
    assert erased.arrival_date == dt.date(2023, 8, 1)


def test_the_last_member_erased_takes_the_household_along(alice):
    first = make_client(alice, given_names="Rana", new_household_label="Familie Darwisch")
    second = make_client(alice, given_names="Sami", household=first.household)
    erase_person(actor=alice, client=first, reason="retention.case_closed")
    assert "Familie Darwisch" in _dump()  # Sami still lives there
    erase_person(actor=alice, client=second, reason="retention.case_closed")
    assert "Familie Darwisch" not in _dump()
