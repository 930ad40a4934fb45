"""Data protection records of a person: the restriction of processing (Art. 18 GDPR)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wegweiser.core.models import KreisOwnedModel
from wegweiser.core.validators import validate_no_control_characters


class Restriction(KreisOwnedModel):
    """Processing of a person's data is restricted (Art. 18 GDPR), for example while the
    accuracy of the data is contested. While it stands, the person's case files are readable only
    by the responsible integration manager, changed by nobody, and left out of every list,
    sharing and export except the anonymous figures and the Auskunft to the person."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(
        _("reason"), max_length=1000, validators=[validate_no_control_characters]
    )
    requested_on = models.DateField(_("requested on"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")
        ordering = ["-created_at", "-id"]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "client"],
                condition=models.Q(lifted_at__isnull=True),
                name="restriction_one_standing_per_person",
            ),
        ]


class RetentionKind(models.TextChoices):
    CASE_CLOSED = "case_closed", _("case files closed")
    VOLUNTEER_LEFT = "volunteer_left", _("volunteer left the network")
    UNCONFIRMED_INTAKE = "unconfirmed_intake", _("intake never confirmed")
    REQUEST = "request", _("erasure requested by the person (Art. 17 GDPR)")


# Months after which data is proposed for erasure, unless the county sets its own rule.
DEFAULT_MONTHS = {
    RetentionKind.CASE_CLOSED: 36,
    RetentionKind.VOLUNTEER_LEFT: 12,
    RetentionKind.UNCONFIRMED_INTAKE: 6,
}


class RetentionRule(KreisOwnedModel):
    """How long the county keeps data after its purpose ended (months)."""

    kind = models.CharField(_("rule"), max_length=30, choices=RetentionKind.choices)
    months = models.PositiveSmallIntegerField(_("months"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("retention rule")
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.UniqueConstraint(fields=["kreis", "kind"], name="retention_rule_once"),
            models.CheckConstraint(
                condition=models.Q(months__gte=1) & models.Q(months__lte=240),
                name="retention_rule_months_range",
            ),
        ]


class ProposalStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("erasure proposal", "to decide")
    ERASED = "erased", pgettext_lazy("erasure proposal", "erased")
    KEPT = "kept", pgettext_lazy("erasure proposal", "kept")


class ErasureProposal(KreisOwnedModel):
    """A person or volunteer whose retention period has passed, found by the nightly job; a
    person of the county confirms the erasure (or keeps the data, with a reason)."""

    kind = models.CharField(_("rule"), max_length=30, choices=RetentionKind.choices)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_since = models.DateField(_("due since"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    keep_reason = models.TextField(
        _("reason for keeping"),
        max_length=1000,
        blank=True,
        validators=[validate_no_control_characters],
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("erasure proposal")
        ordering = ["due_since", "id"]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.CheckConstraint(
                condition=(models.Q(client__isnull=False) & models.Q(volunteer__isnull=True))
                | (models.Q(client__isnull=True) & models.Q(volunteer__isnull=False)),
                name="erasure_proposal_one_subject",
            ),
            models.UniqueConstraint(
                fields=["kreis", "client"],
                condition=models.Q(client__isnull=False),
                name="erasure_proposal_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["kreis", "volunteer"],
                condition=models.Q(volunteer__isnull=False),
                name="erasure_proposal_once_per_volunteer",
            ),
        ]


class PersonRevision(KreisOwnedModel):
    """The values a change of personal data replaced (rectification, Art. 16 GDPR): the history
    is kept, shown in the Auskunft, and erased with the person."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    previous = models.JSONField(_("previous values"), default=dict)

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("earlier version of the personal data")
        verbose_name_plural = _("earlier versions of the personal data")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kreis", "client"])]
