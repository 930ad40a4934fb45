"""Counselling sessions (Beratungsgespräche)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wegweiser.core.crypto import EncryptedTextField
from wegweiser.core.models import KreisOwnedModel, VersionedModel
from wegweiser.core.validators import validate_no_control_characters

MAX_DURATION_MINUTES = 600
SUMMARY_MAX = 2000
NOTE_MAX = 8000


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("by phone")
    EMAIL = "email", _("by e-mail")
    VIDEO = "video", _("video")
    OUTREACH = "outreach", _("outreach (at the accommodation)")


class CounsellingSession(KreisOwnedModel, VersionedModel):
    case = models.ForeignKey("clients.Case", on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    interpreter_used = models.BooleanField(_("with interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=5, blank=True)
    fields_of_action = models.JSONField(_("fields of action"), default=list, blank=True)
    summary = models.TextField(
        _("short summary"),
        max_length=SUMMARY_MAX,
        blank=True,
        validators=[validate_no_control_characters],
    )
    confidential_note = EncryptedTextField(_("confidential note"), blank=True)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("counsellor"),
    )
    members_present = models.ManyToManyField(
        "clients.Client",
        through="SessionAttendance",
        related_name="+",
        blank=True,
        verbose_name=_("household members present"),
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("counselling session")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["kreis", "case", "held_on"]),
            models.Index(fields=["kreis", "held_on"]),
        ]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(
                    duration_minutes__gte=1, duration_minutes__lte=MAX_DURATION_MINUTES
                ),
                name="session_duration_range",
            ),
        ]


class SessionAttendance(models.Model):
    kreis = models.ForeignKey("organisations.Kreis", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(CounsellingSession, on_delete=models.CASCADE)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kreis", "session", "client"], name="attendance_unique")
        ]
