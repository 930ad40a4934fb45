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
