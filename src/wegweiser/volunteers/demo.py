"""Demo data of the volunteer network (called by core.demo): volunteers with checks and training,
tandems with consenting clients, support requests (open, taken, done), two mentoring groups and
upcoming training events. Everything goes through the services, like a user would do it; the demo
volunteer account (``lotse@…``) is linked to one volunteer with a tandem and a taken request."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from wegweiser.clients.models import Case
from wegweiser.organisations.models import Municipality
from wegweiser.volunteers import services, services_groups, services_tandems, services_training
from wegweiser.volunteers.models import Volunteer

# (given name, family name, languages, fields of action, skills)
VOLUNTEERS = [
    ("Samir", "Khalil", ["ar", "de", "en"], ["residence", "work"], "Begleitung zu Behörden"),
    ("Gisela", "Hummel", ["de", "fr"], ["language", "education"], "Lernhilfe, Deutsch üben"),
    ("Rainer", "Vogt", ["de"], ["housing", "finance"], "Wohnungssuche, Anträge"),
    ("Leyla", "Yıldız", ["tr", "de", "kmr"], ["health", "childcare"], "Arztbesuche, Kita"),
    ("Olena", "Kovalenko", ["uk", "ru", "de"], ["education", "language"], "Schule, Hausaufgaben"),
    ("Thomas", "Brenner", ["de", "en"], ["work"], "Bewerbungen, Praktika"),
    ("Fatima", "Noori", ["fa", "prs", "de"], ["health", "participation"], "Frauentreff"),
    ("Ursula", "Keck", ["de"], ["participation", "language"], "Sprachcafé, Ausflüge"),
    ("Dawit", "Tesfaye", ["ti", "am", "en", "de"], ["residence", "participation"], "Dolmetschen"),
    ("Monika", "Straub", ["de", "it"], ["childcare", "education"], "Hausaufgabenhilfe"),
    ("Ahmad", "Rahimi", ["ps", "fa", "de"], ["work", "residence"], "Jobcenter-Termine"),
    ("Karin", "Wetzel", ["de", "en"], ["housing"], "Umzüge, Möbel"),
    ("Peter", "Heinzelmann", ["de"], ["finance"], "Post und Formulare"),
    ("Hiba", "Saleh", ["ar", "de"], ["health", "childcare"], "Begleitung zu Ärzten"),
    ("Jürgen", "Mayer", ["de", "ru"], ["work", "language"], "Fahrschule, Führerschein"),
    ("Sabine", "Frick", ["de", "es"], ["participation"], "Sportverein"),
]
REQUESTS = [
    ("Begleitung zur Ausländerbehörde", "ar", "residence", "Landratsamt, Leopoldstraße 4"),
    ("Begleitung zum Jobcenter", "", "work", "Jobcenter Sigmaringen, Hohenzollernstraße 1"),
    ("Begleitung zur Kinderärztin", "tr", "health", "Praxis am Marktplatz"),
    ("Hilfe beim Umzug", "", "housing", ""),
    ("Übersetzen beim Elternabend", "uk", "education", "Grundschule"),
    ("Begleitung zur Wohnungsbesichtigung", "fa", "housing", ""),
]


def demo_volunteers(*, kreis, users: dict, rng: random.Random) -> dict[str, int]:
    """Create the volunteer network of the demo Kreis once (nothing when volunteers exist)."""
    counts = {"volunteers": 0, "tandems": 0, "requests": 0, "groups": 0, "events": 0}
    if Volunteer.objects.filter(kreis=kreis).exists():
        return counts
    coordination = users["volunteer_coordinator"]
    today = timezone.localdate()
    towns = list(Municipality.objects.filter(kreis=kreis).order_by("name"))
    volunteers = []
    for index, (given, family, languages, fields, skills) in enumerate(VOLUNTEERS):
        status = "active" if index < 13 else ("paused" if index == 13 else "interested")
        volunteer = services.volunteer_create(
            actor=coordination,
            given_name=given,
            family_name=family,
            phone=f"07571 {rng.randint(100000, 999999)}",
            email=f"{given.lower()}.{family.lower()}@ehrenamt.demo.wegweiser.example".translate(
                str.maketrans("üöäßı", "uoasi")
            ),
            languages=languages,
            skills=skills,
            availability=rng.choice(
                ["werktags nachmittags", "dienstags und donnerstags", "abends und am Wochenende"]
            ),
            fields_of_action=fields,
            municipalities=rng.sample(towns, k=min(len(towns), rng.randint(1, 3))),
            status=status,
            user=users["volunteer"] if index == 0 else None,
        )
        if status != "interested":
            issued = today - dt.timedelta(days=rng.randint(60, 1700))
            services.check_record(
                actor=coordination,
                volunteer=volunteer,
                kind="certificate_of_conduct",
                issued_on=issued,
            )
            services.check_record(
                actor=coordination, volunteer=volunteer, kind="confidentiality", issued_on=issued
            )
            services.qualification_record(
                actor=coordination,
                volunteer=volunteer,
                title="Basisqualifizierung Integrationslotsen",
                attended_on=issued + dt.timedelta(days=20),
                provider="Volkshochschule Sigmaringen",
                hours=Decimal("12"),
            )
        volunteers.append(volunteer)
    counts["volunteers"] = len(volunteers)
    active = [v for v in volunteers if v.status == "active"]

    # Tandems with open cases whose person consented to passing contact data to volunteers.
    cases = list(
        Case.objects.filter(
            kreis=kreis,
            closed_on__isnull=True,
            client__consents__covers_volunteer=True,
            client__consents__withdrawn_on__isnull=True,
        )
        .select_related("client", "responsible")
        .distinct()
        .order_by("pk")
    )
    rng.shuffle(cases)
    tandem_cases, request_cases = cases[:10], cases[10:20]
    samir = volunteers[0]
    for index, case in enumerate(tandem_cases):
        volunteer = samir if index == 0 else active[1 + index % (len(active) - 1)]
        tandem = services_tandems.tandem_create(
            actor=case.responsible,
            case=case,
            volunteer=volunteer,
            started_on=today - dt.timedelta(days=rng.randint(40, 300)),
            includes_household=bool(case.client.household_id) and rng.random() < 0.5,
            shared_note=rng.choice(
                [
                    "Möchte Deutsch im Alltag üben, gern bei einem Spaziergang.",
                    "Sucht eine Wohnung in der Nähe der Schule der Kinder.",
                    "Braucht Unterstützung bei Terminen und Post von Behörden.",
                ]
            ),
        )
        user = volunteer.user
        if user is not None:
            for days in (3, 10, 17, 24, 38):
                services_tandems.tandem_meeting_log(
                    actor=user,
                    tandem=tandem,
                    date=today - dt.timedelta(days=days),
                    hours=Decimal(rng.choice(["1", "1.5", "2"])),
                    note="Treffen im Café, Post durchgesehen",
                )
        counts["tandems"] += 1

    # Support requests: open ones in the next weeks, one taken by Samir, one done.
    for index, case in enumerate(request_cases[: len(REQUESTS)]):
        title, language, field, place = REQUESTS[index]
        request = services_tandems.support_request_create(
            actor=case.responsible,
            case=case,
            title=title,
            needed_on=today if index in (0, 1) else today + dt.timedelta(days=rng.randint(2, 21)),
            time_from=dt.time(rng.choice([9, 10, 14]), 0),
            language=language,
            field_of_action=field,
            municipality=case.client.municipality,
            place=place,
            description="Termin ist vereinbart; bitte 10 Minuten vorher am Eingang treffen.",
        )
        if index == 0:
            services_tandems.support_request_take(actor=users["volunteer"], request=request)
        elif index == 1:
            services_tandems.support_request_take(actor=users["volunteer"], request=request)
            services_tandems.support_request_done(
                actor=users["volunteer"], request=request, hours=Decimal("2.5")
            )
        counts["requests"] += 1

    # Mentoring groups (NesT): one accompanying a family, one still forming.
    if len(active) >= 7 and len(cases) > 20:
        group = services_groups.group_create(
            actor=coordination,
            name="NesT-Gruppe Bad Saulgau",
            shared_note="Die Familie wünscht sich Hilfe bei Wohnungssuche und Deutschlernen.",
            starts_on=today - dt.timedelta(days=90),
            ends_on=today + dt.timedelta(days=275),
        )
        for volunteer in active[1:6]:
            services_groups.member_add(
                actor=coordination,
                group=group,
                volunteer=volunteer,
                joined_on=today - dt.timedelta(days=120),
                is_contact=volunteer == active[1],
            )
        services_groups.commitment_add(
            actor=coordination,
            group=group,
            kind="rent",
            from_on=today - dt.timedelta(days=90),
            until_on=today + dt.timedelta(days=275),
            description="Nettokaltmiete für ein Jahr",
            monthly_amount=Decimal("480.00"),
        )
        family = cases[20]
        group.refresh_from_db()
        services_groups.group_link_family(
            actor=family.responsible, group=group, version=group.version, case=family
        )
        group.refresh_from_db()
        services_groups.group_start(actor=coordination, group=group, version=group.version)
        forming = services_groups.group_create(actor=coordination, name="NesT-Gruppe Mengen")
        for volunteer in active[6:9]:
            services_groups.member_add(
                actor=coordination,
                group=forming,
                volunteer=volunteer,
                joined_on=today - dt.timedelta(days=14),
            )
        counts["groups"] = 2

    # Upcoming training events with registrations.
    tz = timezone.get_current_timezone()
    for days, title, hours in (
        (12, "Interkulturelle Kompetenz", "4"),
        (30, "Asyl- und Aufenthaltsrecht für Ehrenamtliche", "3"),
        (45, "Trauma verstehen – Grenzen erkennen", "6"),
    ):
        day = today + dt.timedelta(days=days)
        starts = dt.datetime.combine(day, dt.time(17, 0), tzinfo=tz)
        event = services_training.event_create(
            actor=coordination,
            title=title,
            place="Landratsamt Sigmaringen, Sitzungssaal",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=int(hours)),
            hours=Decimal(hours),
            provider="Volkshochschule Sigmaringen",
            capacity=20,
        )
        for volunteer in rng.sample(active, k=4):
            services_training.registration_add(actor=coordination, event=event, volunteer=volunteer)
        counts["events"] += 1
    return counts
