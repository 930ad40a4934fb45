"""Shared model building blocks."""

from __future__ import annotations

import uuid

from django.db import models


class PublicIdModel(models.Model):
    """A model with an opaque public identifier for URLs and the API (never the primary key),
    unique on its own: for the reference tables (``core.scaleout``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class CountyModel(models.Model):
    """A county-owned row with an opaque public identifier. The county (``kreis``) is the
    isolation rule and the scale-out key (``core.scaleout``, docs/skalierung.md): every unique
    constraint includes it, so the identifier is unique together with the county, columns
    (uuid, kreis) so that a lookup by the identifier alone still uses the index.

    A subclass that declares ``class Meta`` derives it from ``CountyModel.Meta`` (and starts its
    ``constraints`` with ``*CountyModel.Meta.constraints``), or the constraint is lost;
    tests/core/test_scale_out.py checks every model."""

    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    kreis = models.ForeignKey("organisations.Kreis", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["uuid", "kreis"], name="%(app_label)s_%(class)s_uuid_kreis"
            )
        ]


class KreisOwnedModel(CountyModel):
    """A county-owned row with its creation and change times."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(CountyModel.Meta):
        abstract = True


class CountyOneToOneField(models.OneToOneField):
    """A one-to-one relation from a county-owned row to a row of the same county, whose
    uniqueness the database enforces together with the county: the model declares
    ``UniqueConstraint(fields=[<field>, "kreis"])``.

    The ORM keeps the one-to-one behaviour (the reverse accessor returns one object or raises,
    ``select_related`` follows it backwards, ``full_clean`` checks the field alone). Migrations
    see a plain foreign key without an index of its own (the constraint's index, which starts
    with the field, serves lookups), so the column carries no unique index without the county.
    Because a row has the county of the row it points to (tests/core/test_scale_out.py checks
    it), unique per county is unique."""

    def __init__(self, to, on_delete, to_field=None, **kwargs):
        kwargs.setdefault("db_index", False)
        super().__init__(to, on_delete, to_field=to_field, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ForeignKey", args, kwargs


class VersionedModel(models.Model):
    """Optimistic locking: services compare and increment ``version`` on every update."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
