"""Shared model building blocks."""

from __future__ import annotations

import uuid

from django.db import models


class PublicIdModel(models.Model):
    """A model with an opaque public identifier for URLs and the API (never the primary key)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class KreisOwnedModel(PublicIdModel):
    """Every tenant-owned row carries its Kreis: the isolation rule and the scale-out key."""

    kreis = models.ForeignKey("organisations.Kreis", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic locking: services compare and increment ``version`` on every update."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
