"""Referrals to services (Verweisberatung), their status history, and the contacts a person has
at authorities (Jobcenter, Ausländerbehörde, ...)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wegweiser.core.models import KreisOwnedModel, VersionedModel
from wegweiser.core.validators import validate_no_control_characters, validate_single_line

REASON_MAX = 2000
OUTCOME_MAX = 2000


def _line(max_length: int, verbose_name, **kwargs) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=max_length, validators=[validate_single_line], **kwargs
    )


def _text(max_length: int, verbose_name, **kwargs) -> models.TextField:
    return models.TextField(
        verbose_name,
        max_length=max_length,
        validators=[validate_no_control_characters],
        **kwargs,
    )


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("referral status", "proposed")
    AGREED = "agreed", pgettext_lazy("referral status", "agreed")
    APPOINTMENT_MADE = "appointment_made", pgettext_lazy("referral status", "appointment made")
    ATTENDED = "attended", pgettext_lazy("referral status", "attended")
    SUCCESSFUL = "successful", pgettext_lazy("referral status", "successful")
    NOT_SUCCESSFUL = "not_successful", pgettext_lazy("referral status", "not successful")
    CANCELLED = "cancelled", pgettext_lazy("referral status", "cancelled")


OPEN_STATUSES = (
    ReferralStatus.PROPOSED,
    ReferralStatus.AGREED,
    ReferralStatus.APPOINTMENT_MADE,
    ReferralStatus.ATTENDED,
)
CLOSING_STATUSES = (
    ReferralStatus.SUCCESSFUL,
    ReferralStatus.NOT_SUCCESSFUL,
    ReferralStatus.CANCELLED,
)


class Referral(KreisOwnedModel, VersionedModel):
    """A referral of a person to a service of the directory (or a service named in free text)."""

    case = models.ForeignKey("clients.Case", on_delete=models.PROTECT, related_name="referrals")
    session = models.ForeignKey(
        "counselling.CounsellingSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("from session"),
    )
    goal = models.ForeignKey(
        "plans.Goal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("for goal"),
    )
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("service from the directory"),
    )
    service_name = _line(200, _("other service (free text)"), blank=True)
    reason = _text(REASON_MAX, _("reason"))
    referred_on = models.DateField(_("referred on"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReferralStatus.choices,
        default=ReferralStatus.PROPOSED,
    )
    appointment_on = models.DateField(_("appointment on"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    outcome = _text(OUTCOME_MAX, _("outcome"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous referral"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("referral")
        ordering = ["-referred_on", "-id"]
        indexes = [
            models.Index(fields=["kreis", "case", "referred_on"]),
            models.Index(fields=["kreis", "closed_on", "follow_up_on"]),
        ]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.CheckConstraint(
                condition=(
                    models.Q(service__isnull=False, service_name="")
                    | (models.Q(service__isnull=True) & ~models.Q(service_name=""))
                ),
                name="referral_service_or_name",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True, status__in=OPEN_STATUSES)
                | models.Q(closed_on__isnull=False, status__in=CLOSING_STATUSES),
                name="referral_closed_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.service_label

    @property
    def service_label(self) -> str:
        return self.service.name if self.service_id else self.service_name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ReferralEvent(models.Model):
    """The status history of a referral: one row per recorded status (append-only)."""

    kreis = models.ForeignKey("organisations.Kreis", on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    appointment_on = models.DateField(_("appointment on"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["kreis", "referral", "at"])]


class AuthorityKind(models.TextChoices):
    JOBCENTER = "jobcenter", _("Jobcenter")
    IMMIGRATION = "immigration", _("Ausländerbehörde")
    FAMILY_BENEFITS = "family_benefits", _("Familienkasse")
    HEALTH_INSURANCE = "health_insurance", _("Krankenkasse")
    EMPLOYMENT_AGENCY = "employment_agency", _("Agentur für Arbeit")
    SOCIAL_WELFARE = "social_welfare", _("Sozialamt")
    OTHER = "other", _("other authority")


class AuthorityContact(KreisOwnedModel, VersionedModel):
    """A person's contact at an authority, with the reference number there (Aktenzeichen,
    BG-Nummer, Versichertennummer)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="authority_contacts"
    )
    kind = models.CharField(_("authority"), max_length=20, choices=AuthorityKind.choices)
    office_name = _line(200, _("office"))
    contact_person = _line(200, _("contact person"), blank=True)
    phone = _line(40, _("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    reference_number = _line(
        60,
        _("reference number"),
        blank=True,
        help_text=_("Aktenzeichen, BG-Nummer, Kundennummer or Versichertennummer"),
    )
    notes = _text(1000, _("notes"), blank=True)

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("contact at an authority")
        ordering = ["kind", "office_name", "id"]
        indexes = [models.Index(fields=["kreis", "client"])]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "client", "kind", "office_name"],
                name="authority_contact_unique_office",
            ),
        ]

    def __str__(self) -> str:
        return self.office_name
