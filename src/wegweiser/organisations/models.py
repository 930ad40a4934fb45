"""The tenant tree: Land > Kreis > Träger/Kommune (Organisation) > Team > user."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wegweiser.core.models import KreisOwnedModel, PublicIdModel


class Land(models.Model):
    code = models.CharField(_("code"), max_length=2, unique=True)  # BW, HE
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("state")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class KreisQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> KreisQuerySet:
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )


class Kreis(PublicIdModel):
    """A Stadt- or Landkreis (in Hessen also a Sonderstatusstadt): the tenant."""

    land = models.ForeignKey(Land, on_delete=models.PROTECT, related_name="kreise")
    ags = models.CharField(_("official key (AGS)"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=50)
    region = models.CharField(_("administrative region"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    # Settings of the county
    mfa_required = models.BooleanField(_("second factor required for case work"), default=True)
    idle_timeout_minutes = models.PositiveIntegerField(_("idle timeout (minutes)"), default=30)
    period_warning_days = models.PositiveIntegerField(
        _("warn before end of counselling period (days)"), default=91
    )
    inactivity_weeks = models.PositiveIntegerField(
        _("flag cases without a session after (weeks)"), default=8
    )
    plan_review_months = models.PositiveSmallIntegerField(
        _("review integration plans every (months)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )

    objects = KreisQuerySet.as_manager()

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["land__code", "name"]

    def __str__(self) -> str:
        return self.short_name


class Population(models.Model):
    """Inhabitants of a Kreis at a reference date, with the source (versioned reference data)."""

    ags = models.CharField(max_length=8)
    kreis = models.ForeignKey(Kreis, on_delete=models.PROTECT, related_name="populations")
    reference_date = models.DateField(_("reference date"))
    inhabitants = models.PositiveIntegerField(_("inhabitants"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("population figure")
        constraints = [
            models.UniqueConstraint(
                fields=["kreis", "reference_date"], name="population_unique_per_date"
            )
        ]


class Organisation(PublicIdModel):
    """Landratsamt/Stadtverwaltung, a municipality, a non-profit provider, or a state authority."""

    class Kind(models.TextChoices):
        COUNTY_OFFICE = "county_office", _("County office")
        MUNICIPALITY = "municipality", _("Municipality")
        PROVIDER = "provider", _("Non-profit provider")
        STATE_AUTHORITY = "state_authority", _("State authority")

    # State authorities have no Kreis; everything else belongs to exactly one.
    kreis = models.ForeignKey(
        Kreis, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    land = models.ForeignKey(Land, on_delete=models.PROTECT, related_name="organisations")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kreis", "name"], name="organisation_unique_name_per_kreis"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="state_authority", kreis__isnull=True)
                | (~models.Q(kind="state_authority") & models.Q(kreis__isnull=False)),
                name="organisation_kreis_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Team(KreisOwnedModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=200)

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("team")
        ordering = ["name"]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "organisation", "name"], name="team_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Municipality(KreisOwnedModel):
    """A Gemeinde within the Kreis (maintained by the Kreis)."""

    name = models.CharField(_("name"), max_length=200)
    ags = models.CharField(_("official key (AGS)"), max_length=8, blank=True)

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.UniqueConstraint(fields=["kreis", "name"], name="municipality_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
