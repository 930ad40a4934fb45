"""The append-only audit log. The application never updates or deletes an entry; on PostgreSQL
a trigger refuses it too (see migration 0002). Issue-level redaction of personal data after an
erasure is the one exception and must set ``wegweiser.audit_redaction`` in its transaction."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time (UTC)"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "accounts.User",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the index (actor, at) serves every lookup by actor
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_uuid = models.UUIDField(null=True, blank=True)
    kreis = models.ForeignKey(
        "organisations.Kreis",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the index (kreis, at) serves every lookup by county
    )
    # The person the entry is about, so that the log can be filtered by person (and redacted).
    client_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    case_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kreis", "at"]), models.Index(fields=["actor", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Protokolleinträge sind unveränderlich.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Protokolleinträge werden nicht gelöscht.")
