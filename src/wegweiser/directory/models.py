"""The directory of offers and regular services (Angebote und Regeldienste).

Shaped after Open Referral HSDS 3.0: an organisation (``ServiceProvider``) offers services; a
service has locations/contacts, opening hours, languages and the counties it serves. A county
maintains its own entries; state-wide entries (``kreis`` empty) are visible in every county of
their state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wegweiser.core.models import PublicIdModel, VersionedModel
from wegweiser.core.validators import validate_no_control_characters, validate_single_line


def _line(max_length: int, verbose_name, **kwargs) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=max_length, validators=[validate_single_line], **kwargs
    )


class DirectoryEntry(PublicIdModel, VersionedModel):
    """Common columns: owning Kreis (empty = state-wide, then ``land`` is set), timestamps."""

    kreis = models.ForeignKey(
        "organisations.Kreis", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    land = models.ForeignKey("organisations.Land", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ServiceProvider(DirectoryEntry):
    """An organisation that offers services (Jobcenter, Ausländerbehörde, a school, a Verein)."""

    name = _line(200, _("name"))
    description = models.TextField(
        _("description"), blank=True, max_length=4000, validators=[validate_no_control_characters]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = _line(40, _("phone"), blank=True)
    external_id = _line(100, _("external identifier"), blank=True)

    class Meta:
        verbose_name = _("service provider")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kreis", "land", "name"], name="directory_provider_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ServiceKind(models.TextChoices):
    REGULAR_SERVICE = "regular", _("regular service (Regeldienst)")
    COUNSELLING = "counselling", _("counselling")
    LANGUAGE_COURSE = "language_course", _("language course")
    CONSULTATION_HOURS = "consultation_hours", _("consultation hours")
    GROUP = "group", _("group or project")
    OTHER = "other", _("other")


class Service(DirectoryEntry):
    """One offer or regular service of a provider."""

    provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, related_name="services")
    name = _line(200, _("name"))
    kind = models.CharField(
        _("kind"), max_length=30, choices=ServiceKind.choices, default=ServiceKind.OTHER
    )
    description = models.TextField(
        _("description"), blank=True, max_length=4000, validators=[validate_no_control_characters]
    )
    fields_of_action = models.JSONField(_("fields of action"), default=list, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    street = _line(200, _("street and number"), blank=True)
    postal_code = _line(10, _("postal code"), blank=True)
    city = _line(100, _("city"), blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    contact_name = _line(200, _("contact person"), blank=True)
    phone = _line(40, _("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"), blank=True, max_length=1000, validators=[validate_no_control_characters]
    )
    by_appointment_only = models.BooleanField(_("only by appointment"), default=False)
    accessibility = _line(500, _("accessibility"), blank=True)
    costs = _line(500, _("costs"), blank=True)
    eligibility = _line(500, _("eligibility"), blank=True)
    counties_served = models.ManyToManyField(
        "organisations.Kreis", blank=True, related_name="+", verbose_name=_("counties served")
    )
    is_active = models.BooleanField(_("active"), default=True)
    external_id = _line(100, _("external identifier"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("service")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kreis", "is_active"]),
            models.Index(fields=["land", "kreis"]),
        ]

    def __str__(self) -> str:
        return self.name
