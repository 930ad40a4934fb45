"""Data protection records of a person: the restriction of processing (Art. 18 GDPR)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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

    class Meta:
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kreis", "client"],
                condition=models.Q(lifted_at__isnull=True),
                name="restriction_one_standing_per_person",
            )
        ]
