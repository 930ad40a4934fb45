"""The synthetic data generator (bench/generate.py): profile XS into the test database, the
sizes of the profiles, determinism, and what a user sees of the generated data."""

from __future__ import annotations

import re
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from wegweiser.clients.models import Case, Client, Consent, Household
from wegweiser.clients.services import _prepare_client
from wegweiser.counselling.models import CounsellingSession
from wegweiser.organisations.models import Kreis, Municipality
from wegweiser.plans.models import Goal, Plan, PlanVersion
from wegweiser.referrals.models import Referral, ReferralEvent
from wegweiser.referrals.selectors import services_for_referral
from wegweiser.statistics import figures, outcomes, rollups
from wegweiser.volunteers.models import Tandem, Volunteer, VolunteerCheck

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import generate  # noqa: E402

AS_OF = generate.DEFAULT_AS_OF
XS = generate.PROFILES["XS"]
ARABIC = re.compile(r"[\u0600-\u06ff]")
STUTTGART = [(1, 1, "08111", "Stuttgart", "Stadtkreis", 634_830)]


@pytest.fixture
def generated(db, settings):
    """Reference data, then profile XS (seed 2026) as the command loads it (one job: COPY into
    the test transaction on PostgreSQL, with the indexes dropped and created again)."""
    settings.DEBUG = True
    call_command("load_reference_data", stdout=StringIO())
    run = generate.load(profile=XS, seed=2026, as_of=AS_OF, jobs=1)
    Kreis.objects.filter(ags="08111").update(mfa_required=False)  # force_login, no TOTP here
    return run


def open_case_with_plan_and_referrals() -> Case:
    return (
        Case.objects.filter(closed_on__isnull=True, plan__isnull=False)
        .annotate(n=Count("referrals"))
        .filter(n__gt=0)
        .select_related("client", "responsible")
        .order_by("pk")
        .first()
    )


def test_xs_writes_the_profile_and_keeps_the_rules(generated):
    assert Client.objects.count() == XS.persons == generated.rows["clients_client"]
    assert CounsellingSession.objects.count() == XS.sessions
    for table, n in generated.rows.items():  # the database holds what the generator wrote
        model = next(m for m in apps.get_models(include_auto_created=True)
                     if m._meta.db_table == table)  # fmt: skip
        assert model.objects.count() == n, table
    kreis = Kreis.objects.get(ags="08111")
    assert list(Municipality.objects.filter(kreis=kreis).values_list("name", flat=True)) == [
        "Stuttgart"
    ]
    assert not Client.objects.filter(municipality__isnull=True).exists()
    # Latin forms and search keys exactly as the service derives them from the names
    for person in Client.objects.all():
        derived = Client(
            given_names=person.given_names,
            family_name=person.family_name,
            nationalities=person.nationalities,
            languages=person.languages,
            birth_date=person.birth_date,
            birth_year=person.birth_year,
            birth_date_precision=person.birth_date_precision,
            interpreter_needed=person.interpreter_needed,
            interpreter_language=person.interpreter_language,
        )
        _prepare_client(derived)
        assert (derived.given_names_latin, derived.family_name_latin) == (
            person.given_names_latin,
            person.family_name_latin,
        )
        assert (derived.name_tokens, derived.name_phonetic) == (
            person.name_tokens,
            person.name_phonetic,
        )
    assert not Household.objects.filter(municipality__isnull=True).exists()
    assert Case.objects.count() == Household.objects.count() == Consent.objects.count()
    assert Plan.objects.count() > 40 and Goal.objects.count() > Plan.objects.count()
    assert PlanVersion.objects.filter(number=1).count() == Plan.objects.count()
    assert not Goal.objects.filter(agreed_on__isnull=True).exists()
    assert Referral.objects.count() > 40
    # every referral has its status history, ending in its current status
    assert ReferralEvent.objects.count() >= Referral.objects.count()
    for referral in Referral.objects.prefetch_related("events")[:50]:
        assert list(referral.events.all())[-1].status == referral.status
    # referrals go to the directory of the county (or a service named in free text) ...
    allowed = set(services_for_referral(kreis).values_list("pk", flat=True))
    assert (
        set(Referral.objects.filter(service__isnull=False).values_list("service_id", flat=True))
        <= allowed
    )
    # ... and pass personal data only with the person's consent
    for referral in Referral.objects.filter(anonymous=False).select_related("case"):
        assert Consent.objects.filter(client_id=referral.case.client_id, covers_referral=True)
    # tandems only with consent to volunteers and with volunteers whose checks are in order
    assert Tandem.objects.exists() and Volunteer.objects.count() == 40
    for tandem in Tandem.objects.select_related("case", "volunteer"):
        assert Consent.objects.filter(client_id=tandem.case.client_id, covers_volunteer=True)
        assert tandem.volunteer.status == "active"
        assert VolunteerCheck.objects.filter(
            volunteer=tandem.volunteer,
            kind="certificate_of_conduct",
            next_due_on__gte=AS_OF,
        ).exists()


def test_profiles_have_their_sizes(db, settings):
    settings.DEBUG = True
    call_command("load_reference_data", stdout=StringIO())
    for name, persons, sessions, managers, counties in (
        ("S", 125_000, 200_000, 75, 1),
        ("BW", 2_000_000, 3_250_000, 1_200, 44),
    ):
        profile = generate.PROFILES[name]
        kreise, _land = generate.reference(profile)
        plan = generate.plan_counties(kreise, profile)
        assert len(plan) == counties
        assert sum(c.persons for c in plan) == persons
        assert sum(c.sessions for c in plan) == sessions
        assert managers <= sum(c.managers for c in plan) <= managers + 2 * counties
    bw = generate.plan_counties(generate.reference(generate.PROFILES["BW"])[0],
                                generate.PROFILES["BW"])  # fmt: skip
    sizes = sorted(c.persons for c in bw)
    assert sizes[-1] > 5 * sizes[0]  # skewed by inhabitants
    assert 1_000 < sum(c.municipalities for c in bw if c.kind == "Landkreis") < 1_200


def test_the_same_seed_gives_the_same_rows(db):
    def digest(seed):
        return generate.row_digest(profile=XS, seed=seed, as_of=AS_OF, kreise=STUTTGART,
                                   land_id=1).hexdigest()  # fmt: skip

    first = digest(2026)
    assert digest(2026) == first
    assert digest(2027) != first


def test_a_generated_case_opens_for_its_manager_with_plan_and_referrals(generated, client):
    case = open_case_with_plan_and_referrals()
    client.force_login(case.responsible)
    page = client.get(reverse("clients:case_detail", kwargs={"uuid": case.uuid}))
    assert page.status_code == 200
    html = page.content.decode()
    assert case.client.family_name in html and case.client.given_names in html
    plan = client.get(reverse("plans:plan_detail", kwargs={"uuid": case.uuid})).content.decode()
    for goal in Goal.objects.filter(plan__case=case):
        assert goal.text in plan
    listing = client.get(reverse("referrals:referral_list", kwargs={"uuid": case.uuid}))
    assert listing.status_code == 200
    for referral in case.referrals.select_related("service"):
        assert referral.service_label in listing.content.decode()


def test_the_name_search_finds_a_person_in_arabic_script_and_in_latin(generated, client):
    case = next(
        c
        for c in Case.objects.select_related("client", "responsible").order_by("pk")
        if ARABIC.search(c.client.family_name) and ARABIC.search(c.client.given_names)
    )
    person = case.client
    assert person.family_name_latin and not ARABIC.search(person.family_name_latin)
    client.force_login(case.responsible)
    for query in (
        f"{person.given_names} {person.family_name}",
        f"{person.given_names_latin} {person.family_name_latin}",
    ):
        found = client.post(reverse("clients:case_list"), {"q": query, "status": "all"})
        assert str(case.uuid) in found.content.decode(), query


def test_the_figures_after_the_rebuild_count_the_generated_sessions(generated):
    kreis = Kreis.objects.get(ags="08111")
    rollups.rebuild(None)
    outcomes.rebuild(None)
    values = figures.compute(
        figures.Unit("county", kreis.pk), figures.Period.months(generate.G.FIRST_DAY, AS_OF)
    )[None]
    assert values["sessions"] == XS.sessions
    assert values["referrals"] == Referral.objects.count()
    assert values["goals_agreed"] == Goal.objects.count()
    reached = Goal.objects.filter(status="reached").count()
    assert reached and values["goals_reached"] == reached
