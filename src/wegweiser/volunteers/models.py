"""The volunteer register (Ehrenamt): volunteers (Integrationslotsen, Paten), their required
checks (erweitertes Führungszeugnis, confidentiality undertaking) and the training they attended.
No personal data of clients is kept here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wegweiser.core.models import KreisOwnedModel, VersionedModel
from wegweiser.core.validators import validate_no_control_characters, validate_single_line


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


class VolunteerStatus(models.TextChoices):
    INTERESTED = "interested", pgettext_lazy("volunteer status", "interested")
    ACTIVE = "active", pgettext_lazy("volunteer status", "active")
    PAUSED = "paused", pgettext_lazy("volunteer status", "paused")
    LEFT = "left", pgettext_lazy("volunteer status", "left")


class Volunteer(KreisOwnedModel, VersionedModel):
    """A volunteer of the county's network: contact, languages, what they offer and where."""

    given_name = _line(100, _("given name"))
    family_name = _line(100, _("family name"))
    phone = _line(40, _("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    skills = _text(2000, _("skills"), blank=True)
    availability = _text(1000, _("availability"), blank=True)
    municipalities = models.ManyToManyField(
        "organisations.Municipality",
        blank=True,
        related_name="+",
        verbose_name=_("municipalities"),
    )
    fields_of_action = models.JSONField(_("fields of action"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.INTERESTED,
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_profile",
        verbose_name=_("user account"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("volunteer")
        ordering = ["family_name", "given_name", "id"]
        indexes = [models.Index(fields=["kreis", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=VolunteerStatus.LEFT, left_on__isnull=False)
                | (~models.Q(status=VolunteerStatus.LEFT) & models.Q(left_on__isnull=True)),
                name="volunteer_left_on_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class CheckKind(models.TextChoices):
    CERTIFICATE_OF_CONDUCT = "certificate_of_conduct", _("extended certificate of conduct")
    CONFIDENTIALITY = "confidentiality", _("signed confidentiality undertaking")


class VolunteerCheck(KreisOwnedModel):
    """A required check of a volunteer: the extended certificate of conduct (issued on, next due
    on) or the signed confidentiality undertaking (signed on). Append-only: a renewal is a new
    row."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(_("kind"), max_length=30, choices=CheckKind.choices)
    issued_on = models.DateField(_("issued or signed on"))
    next_due_on = models.DateField(_("next due on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("check of a volunteer")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["kreis", "volunteer", "kind"]),
            models.Index(fields=["kreis", "next_due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=CheckKind.CERTIFICATE_OF_CONDUCT, next_due_on__isnull=False)
                | models.Q(kind=CheckKind.CONFIDENTIALITY, next_due_on__isnull=True),
                name="volunteer_check_due_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issued_on:%d.%m.%Y}"


class Qualification(KreisOwnedModel):
    """Training a volunteer attended (Qualifizierung)."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="qualifications"
    )
    title = _line(200, _("title"))
    attended_on = models.DateField(_("date"))
    provider = _line(200, _("provider"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("qualification")
        ordering = ["-attended_on", "-id"]
        indexes = [models.Index(fields=["kreis", "volunteer"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__isnull=True) | models.Q(hours__gt=0),
                name="qualification_hours_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title
