"""Building blocks for referral tests (through the services, as users would create them)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wegweiser.directory.models import Service, ServiceProvider
from wegweiser.plans.models import Goal, Plan


def make_referral(actor, case, **extra):
    from wegweiser.referrals.services import referral_create

    today = timezone.localdate()
    values = {
        "service_name": "Migrationsberatung für Erwachsene (MBE)",
        "reason": "Anerkennung des Berufsabschlusses",
        "referred_on": today,
        "follow_up_on": today + dt.timedelta(days=14),
        "anonymous": True,
    }
    values.update(extra)
    return referral_create(actor=actor, case=case, **values)


def make_goal(case, text="B1-Zertifikat erreichen"):
    """Plans are built by another app; the tests need only the rows (no plan services)."""
    plan, _created = Plan.objects.get_or_create(case=case, defaults={"kreis_id": case.kreis_id})
    return Goal.objects.create(
        kreis_id=case.kreis_id, plan=plan, field_of_action="language", text=text
    )


def make_service(kreis, name="Jugendmigrationsdienst Sigmaringen", **extra):
    provider, _created = ServiceProvider.objects.get_or_create(
        kreis=kreis, land=kreis.land, name="Caritas Sigmaringen"
    )
    return Service.objects.create(
        kreis=kreis, land=kreis.land, provider=provider, name=name, **extra
    )


def make_contact(actor, case, **extra):
    from wegweiser.referrals.services import authority_contact_create

    values = {
        "kind": "jobcenter",
        "office_name": "Jobcenter Landkreis Sigmaringen",
        "contact_person": "Frau Maier",
        "phone": "07571 1234",
        "email": "",
        "reference_number": "BG 43701//0012345",
        "notes": "",
    }
    values.update(extra)
    return authority_contact_create(actor=actor, case=case, **values)
