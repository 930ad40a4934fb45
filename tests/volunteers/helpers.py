"""Helpers of the volunteer tests: volunteers made through the services."""

from __future__ import annotations

from wegweiser.volunteers.services import volunteer_create


def make_volunteer(actor, **fields):
    values = {
        "given_name": "Hanna",
        "family_name": "Berger",
        "phone": "07571 1234",
        "email": "hanna.berger@example.org",
        "languages": ["ar", "de"],
        "skills": "Begleitung zu Behörden",
        "availability": "dienstags nachmittags",
        "fields_of_action": ["language", "work"],
    }
    values.update(fields)
    return volunteer_create(actor=actor, **values)


def checks_in_order(actor, volunteer, today=None):
    """Record a current certificate of conduct and a signed confidentiality undertaking."""
    import datetime as dt

    from django.utils import timezone

    from wegweiser.volunteers.services import check_record

    today = today or timezone.localdate()
    check_record(
        actor=actor,
        volunteer=volunteer,
        kind="certificate_of_conduct",
        issued_on=today - dt.timedelta(days=30),
    )
    check_record(actor=actor, volunteer=volunteer, kind="confidentiality", issued_on=today)
    return volunteer


def linked_volunteer(coordinator, user, **fields):
    """The active volunteer of the register linked to ``user`` (volunteer role), with checks in
    order; made once and reused."""
    from wegweiser.volunteers.models import Volunteer

    existing = Volunteer.objects.filter(user=user).first()
    if existing is not None:
        return existing
    values = {"given_name": "Lina", "family_name": "Vogt", "status": "active", "user": user}
    values.update(fields)
    volunteer = make_volunteer(coordinator, **values)
    return checks_in_order(coordinator, volunteer)


def volunteer_consent(alice, case):
    """The person's consent to passing contact data to volunteers."""
    import datetime as dt

    from wegweiser.clients.services import consent_record

    return consent_record(
        actor=alice,
        case=case,
        given_on=dt.date.today(),
        form="signed",
        covers_processing=True,
        covers_volunteer=True,
    )
