"""Helpers every service uses: versioned updates and validation."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from wegweiser.core.errors import ConflictError


def lock_for_update(instance: models.Model, *, expected_version: int | None) -> models.Model:
    """Re-read the row locked for the rest of the transaction and check its version."""
    fresh = type(instance).objects.select_for_update().get(pk=instance.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError()
    return fresh


def apply_changes(
    instance: models.Model, changes: dict, *, exclude: Iterable[str] = ()
) -> list[str]:
    """Set the given fields, return the names of those that really changed."""
    changed = []
    for name, value in changes.items():
        if name in exclude:
            continue
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed
