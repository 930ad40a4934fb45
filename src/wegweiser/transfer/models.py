"""Import of existing case lists and the county's export (issue 10, docs/import-export.md).

- ``ImportTemplate``: a county's remembered mapping of spreadsheet columns to Wegweiser fields.
- ``ImportJob``: one uploaded file on its way through mapping, dry run and import (run in the
  background, ``transfer.jobs``); it keeps the file until the import is done.
- ``ImportMessage``: one line of the dry run's report (row, column, German message), and the
  likely duplicates offered for a decision.
- ``ExternalRef``: the identifier an object had in the source (a column such as "Lfd. Nr.", or a
  key derived from the row), so that importing the same file again changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wegweiser.core.models import CountyModel, KreisOwnedModel


class ImportKind(models.TextChoices):
    PERSONS = "persons", _("Persons and case files")
    SESSIONS = "sessions", _("Counselling sessions")
    GOALS = "goals", _("Goals of the integration plan")
    REFERRALS = "referrals", _("Referrals")


class ImportTemplate(KreisOwnedModel):
    """Which column means what, remembered per county, kind and name."""

    kind = models.CharField(_("content"), max_length=20, choices=ImportKind.choices)
    name = models.CharField(_("name"), max_length=100)
    # {field key: column header as it appears in the file}
    mapping = models.JSONField(default=dict)
    # reading options: {"sheet": str, "header_row": int}
    options = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("import template")
        ordering = ["kind", "name"]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "kind", "name"], name="transfer_template_name_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class JobState(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded, columns not yet assigned")
    CHECKING = "checking", _("dry run running")
    CHECKED = "checked", _("dry run done")
    IMPORTING = "importing", _("import running")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("discarded")


RUNNING_STATES = (JobState.CHECKING, JobState.IMPORTING)


class ImportJob(KreisOwnedModel):
    kind = models.CharField(_("content"), max_length=20, choices=ImportKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=JobState.choices, default=JobState.UPLOADED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.PositiveBigIntegerField(default=0)
    # The uploaded file until the import is done or discarded (then emptied: data minimisation).
    file_data = models.BinaryField(default=b"", editable=False)
    # How the file was read: {"format": "csv"|"xlsx", "encoding", "delimiter", "sheet",
    # "header_row", "rows"} (readers.Table.describe()).
    reading = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    template = models.ForeignKey(
        ImportTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Person to assign cases to when the file names none (persons kind).
    default_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible when the file names nobody"),
    )
    # The dry run's counts: {"rows", "refused_rows", "duplicate_rows",
    #  "create": {entity: n}, "update": {entity: n}, "unchanged": {entity: n}}
    summary = models.JSONField(default=dict, blank=True)
    # The user's decisions on likely duplicates: {row number: "new" | "skip" | client uuid}
    decisions = models.JSONField(default=dict, blank=True)
    skip_refused = models.BooleanField(_("skip refused rows"), default=False)
    # What the import did: {"create": {entity: n}, "update": {...}, "unchanged": {...},
    # "skipped_rows": n}
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("import")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class MessageLevel(models.TextChoices):
    ERROR = "error", _("refused")
    WARNING = "warning", _("note")
    DUPLICATE = "duplicate", _("likely duplicate")


class ImportMessage(CountyModel):
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="messages")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=255, blank=True)
    level = models.CharField(max_length=10, choices=MessageLevel.choices)
    message = models.TextField(_("message"))
    # Duplicates: {"candidates": [{"uuid", "name", "born", "score", "case_number"}]}
    data = models.JSONField(default=dict, blank=True)

    class Meta(CountyModel.Meta):
        ordering = ["row", "pk"]
        indexes = [models.Index(fields=["job", "level", "row"])]


class Entity(models.TextChoices):
    HOUSEHOLD = "household", _("household")
    PERSON = "person", _("person")
    CASE = "case", _("case file")
    SESSION = "session", _("counselling session")
    GOAL = "goal", _("goal")
    REFERRAL = "referral", _("referral")


class ExternalRef(CountyModel):
    """The identifier an object has in the source (unique per county and entity)."""

    entity = models.CharField(max_length=20, choices=Entity.choices)
    external_id = models.CharField(max_length=200)
    object_id = models.BigIntegerField()
    job = models.ForeignKey(
        ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="refs"
    )
    # Fingerprint of the imported values: a re-run with unchanged values is "unchanged".
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta(CountyModel.Meta):
        constraints = [
            *CountyModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "entity", "external_id"], name="transfer_ref_unique"
            ),
        ]
        indexes = [models.Index(fields=["kreis", "entity", "object_id"])]


class ExportJob(KreisOwnedModel):
    """One export of the county's whole data (``transfer.export``), built in the background into
    a ZIP file under ``WEGWEISER_EXPORT_DIR`` and deleted after download or a day."""

    state = models.CharField(
        _("state"), max_length=20, choices=JobState.choices, default=JobState.CHECKING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    include_confidential = models.BooleanField(_("with confidential notes"), default=False)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    # {entity: number of records}
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("export")
        ordering = ["-created_at"]
