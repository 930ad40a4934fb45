"""Factories for domain objects. The tenant tree is built through real models; case work goes
through the services so that tests see what users see (audit entries, derived columns)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from wegweiser.accounts.models import User
from wegweiser.accounts.roles import Role
from wegweiser.organisations.models import Kreis, Land, Municipality, Organisation, Team

PASSWORD = "Korrekt-Pferd-Batterie-42"


class LandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Land
        django_get_or_create = ("code",)

    code = "BW"
    name = "Baden-Württemberg"


class KreisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kreis
        django_get_or_create = ("ags",)

    land = factory.SubFactory(LandFactory)
    ags = factory.Sequence(lambda n: f"08{400 + n:03d}")
    name = factory.Sequence(lambda n: f"Testkreis {n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    kind = "Landkreis"
    mfa_required = False


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kreis = factory.SubFactory(KreisFactory)
    land = factory.LazyAttribute(lambda o: o.kreis.land)
    kind = Organisation.Kind.COUNTY_OFFICE
    name = factory.Sequence(lambda n: f"Landratsamt {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    kreis = factory.LazyAttribute(lambda o: o.organisation.kreis)
    name = factory.Sequence(lambda n: f"Team {n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    kreis = factory.SubFactory(KreisFactory)
    name = factory.Sequence(lambda n: f"Gemeinde {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.INTEGRATION_MANAGER
    team = factory.SubFactory(TeamFactory)
    organisation = factory.LazyAttribute(
        lambda o: o.team.organisation if o.team else OrganisationFactory()
    )
    kreis = factory.LazyAttribute(lambda o: o.organisation.kreis)
    land = factory.LazyAttribute(lambda o: o.organisation.land)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def make_client(
    actor,
    *,
    given_names="Amina",
    family_name="Haddad",
    household=None,
    birth_date=dt.date(1990, 5, 17),
    opened_on=None,
    **extra,
):
    """A person with an open case, created through the service by ``actor``."""
    from wegweiser.clients.services import client_create

    return client_create(
        actor=actor,
        given_names=given_names,
        family_name=family_name,
        household=household,
        birth_date=birth_date,
        opened_on=opened_on or (timezone.localdate() - dt.timedelta(days=30)),
        **extra,
    )


def make_session(actor, case, **extra):
    from wegweiser.counselling.services import session_record

    values = {
        "held_on": timezone.localdate() - dt.timedelta(days=1),
        "duration_minutes": 45,
        "channel": "in_person",
        "fields_of_action": ["language"],
        "summary": "Erstgespräch",
    }
    values.update(extra)
    return session_record(actor=actor, case=case, **values)
