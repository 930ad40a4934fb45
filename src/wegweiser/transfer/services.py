"""Every write of the import's pages: upload, mapping, decisions, start, discard, restart.

The dry run and the import themselves run in the background (``transfer.jobs``) and are in
``transfer.importer``; these services put a job into the state that queues it.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_record
from wegweiser.transfer import jobs
from wegweiser.transfer.fields import fields_of, guess_mapping
from wegweiser.transfer.models import (
    RUNNING_STATES,
    ImportJob,
    ImportKind,
    ImportTemplate,
    JobState,
    MessageLevel,
)
from wegweiser.transfer.rules import can_transfer

LINK_KEYS = ("case_id", "case_number", "person_id")


def _require(actor) -> None:
    if not can_transfer(actor):
        raise PermissionDenied


def _check_same_kreis(actor, obj) -> None:
    if obj.kreis_id != actor.kreis_id:
        raise PermissionDenied


def _read_preview(data: bytes, file_name: str, *, sheet=None, header_row=None):
    from wegweiser.transfer.readers import ReadError, read_headers

    try:
        return read_headers(data, file_name, sheet=sheet, header_row=header_row)
    except ReadError as error:
        raise ValidationError(error.message) from error


def _reading(preview) -> dict:
    """How the file was read, with the first values of each column (shown on the mapping page
    beside the choice, so that the page need not read the file again)."""
    samples: dict[str, list[str]] = {h: [] for h in preview.headers}
    for row in preview.rows[:3]:
        for header, value in zip(preview.headers, row.values, strict=False):
            if value not in (None, ""):
                text = value.strftime("%d.%m.%Y") if hasattr(value, "strftime") else str(value)
                samples[header].append(text[:40])
    return {**preview.describe(), "samples": {h: " · ".join(v) for h, v in samples.items()}}


def _template_for(kreis_id: int, kind: str, headers: list[str]) -> ImportTemplate | None:
    """The county's most recently used template of this kind whose columns the file has."""
    present = set(headers)
    for template in ImportTemplate.objects.filter(kreis_id=kreis_id, kind=kind).order_by(
        "-updated_at"
    ):
        if template.mapping and set(template.mapping.values()) <= present:
            return template
    return None


def _remembered_responsible(template: ImportTemplate | None, actor):
    """The responsible person the template remembers, if she still does case work here."""
    from wegweiser.accounts.models import User

    public_id = (template.options or {}).get("default_responsible") if template else None
    if not public_id:
        return None
    user = User.objects.filter(uuid=public_id, kreis_id=actor.kreis_id, is_active=True).first()
    return user if user is not None and user.does_casework else None


def import_upload(*, actor, kind: str, file_name: str, data: bytes) -> ImportJob:
    """A new import of a file: read its header (a clear message if it cannot be read) and
    assign the columns from a remembered template or by their names."""
    _require(actor)
    if kind not in ImportKind.values:
        raise ValidationError(_("Please choose what the file contains."))
    if not data:
        raise ValidationError(_("The file is empty."))
    if len(data) > settings.TRANSFER_MAX_UPLOAD:
        raise ValidationError(
            _("The file is larger than %(mb)s MB. Please split it into several files.")
            % {"mb": settings.TRANSFER_MAX_UPLOAD // (1024 * 1024)}
        )
    preview = _read_preview(data, file_name)
    template = _template_for(actor.kreis_id, kind, preview.headers)
    mapping = dict(template.mapping) if template else guess_mapping(kind, preview.headers)
    default_responsible = _remembered_responsible(template, actor)
    with transaction.atomic():
        job = ImportJob(
            kreis_id=actor.kreis_id,
            kind=kind,
            created_by=actor,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(data).hexdigest(),
            file_size=len(data),
            file_data=data,
            reading=_reading(preview),
            headers=preview.headers,
            mapping=mapping,
            template=template,
            default_responsible=default_responsible,
        )
        job.full_clean(exclude=["file_data"])
        job.save()
        audit_record(
            actor=actor,
            action="transfer.import.uploaded",
            obj=job,
            data={
                "file_name": job.file_name,
                "sha256": job.file_sha256,
                "size": job.file_size,
                "kind": kind,
            },
        )
    return job


def _require_state(job: ImportJob, *states) -> None:
    if job.state not in states:
        raise ValidationError(
            _("This import is %(state)s; that step is not possible now.")
            % {"state": job.get_state_display()}
        )


def import_reread(*, actor, job: ImportJob, sheet: str = "", header_row: int | None = None):
    """Read the header again from another sheet or header row (the columns are assigned anew)."""
    _require(actor)
    _check_same_kreis(actor, job)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        _require_state(job, JobState.UPLOADED, JobState.CHECKED, JobState.FAILED)
        preview = _read_preview(
            bytes(job.file_data), job.file_name, sheet=sheet or None, header_row=header_row
        )
        job.reading = _reading(preview)
        job.headers = preview.headers
        template = _template_for(job.kreis_id, job.kind, preview.headers)
        job.template = template
        job.mapping = (
            dict(template.mapping) if template else guess_mapping(job.kind, preview.headers)
        )
        job.state = JobState.UPLOADED
        job.summary = {}
        job.save()
        job.messages.all().delete()
        audit_record(
            actor=actor,
            action="transfer.import.reread",
            obj=job,
            data={
                "sheet": job.reading.get("sheet", ""),
                "header_row": job.reading.get("header_row"),
            },
        )
    return job


def _validate_mapping(kind: str, mapping: dict, headers: list[str]) -> dict:
    errors = []
    clean = {}
    used: dict[str, str] = {}
    fields = {f.key: f for f in fields_of(kind)}
    for key, header in mapping.items():
        if not header:
            continue
        if key not in fields:
            continue
        if header not in headers:
            errors.append(_("The column „%(header)s“ is not in the file.") % {"header": header})
            continue
        if header in used:
            errors.append(
                _("The column „%(header)s“ is assigned twice (%(a)s and %(b)s).")
                % {"header": header, "a": fields[used[header]].label, "b": fields[key].label}
            )
            continue
        used[header] = key
        clean[key] = header
    for f in fields.values():
        if f.required and f.key not in clean:
            if kind == ImportKind.PERSONS and f.key == "case_opened_on":
                continue  # checked per row: only new case files need it
            errors.append(
                _("Please assign a column to „%(field)s“: it is required.") % {"field": f.label}
            )
    if kind != ImportKind.PERSONS and not any(k in clean for k in LINK_KEYS):
        errors.append(
            _(
                "Please assign a column that names the case file: its ID, the case number or the "
                "person's ID."
            )
        )
    if errors:
        raise ValidationError(errors)
    return clean


def import_map(
    *,
    actor,
    job: ImportJob,
    mapping: dict,
    default_responsible=None,
    template_name: str = "",
) -> ImportJob:
    """Save which column means what (and, with a name, remember it as the county's template)
    and start the dry run."""
    _require(actor)
    _check_same_kreis(actor, job)
    if default_responsible is not None and (
        default_responsible.kreis_id != actor.kreis_id or not default_responsible.does_casework
    ):
        raise ValidationError(_("The responsible person must do case work in this county."))
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        _require_state(job, JobState.UPLOADED, JobState.CHECKED, JobState.FAILED)
        clean = _validate_mapping(job.kind, mapping, job.headers)
        job.mapping = clean
        job.default_responsible = default_responsible
        template_name = (template_name or "").strip()[:100]
        if template_name:
            template, _created = ImportTemplate.objects.update_or_create(
                kreis_id=job.kreis_id,
                kind=job.kind,
                name=template_name,
                defaults={
                    "mapping": clean,
                    "options": {
                        "sheet": job.reading.get("sheet", ""),
                        "header_row": job.reading.get("header_row"),
                        "default_responsible": (
                            str(default_responsible.uuid) if default_responsible else ""
                        ),
                    },
                    "created_by": actor,
                },
            )
            job.template = template
            audit_record(
                actor=actor,
                action="transfer.template.saved",
                obj=template,
                data={"kind": job.kind, "fields": sorted(clean)},
            )
        job.state = JobState.CHECKING
        job.started_at = None
        job.heartbeat_at = None
        job.finished_at = None
        job.error = ""
        job.decisions = {}
        job.summary = {}
        job.progress_done = 0
        job.progress_total = 0
        job.save()
        audit_record(
            actor=actor,
            action="transfer.import.checking",
            obj=job,
            data={"fields": sorted(clean), "template": template_name},
        )
        jobs.enqueue(job)
    return job


def import_start(
    *,
    actor,
    job: ImportJob,
    decisions: dict[str, str],
    skip_refused: bool,
    default_decision: str = "",
) -> ImportJob:
    """After the dry run: the user's decisions on likely duplicates and refused rows, then the
    import in the background."""
    _require(actor)
    _check_same_kreis(actor, job)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        _require_state(job, JobState.CHECKED)
        summary = job.summary or {}
        if summary.get("refused_rows") and not skip_refused:
            raise ValidationError(
                _(
                    "%(n)s rows would be refused. Correct them in the file and upload it again, "
                    "or choose to leave them out."
                )
                % {"n": summary["refused_rows"]}
            )
        duplicates = job.messages.filter(level=MessageLevel.DUPLICATE)
        allowed: dict[str, set[str]] = {}
        for message in duplicates:
            candidates = {c["uuid"] for c in message.data.get("candidates", [])}
            allowed[str(message.row)] = {"new", "skip"} | candidates
        if default_decision in ("new", "skip"):
            decisions = {row: decisions.get(row) or default_decision for row in allowed}
        missing = [row for row in allowed if decisions.get(row) not in allowed[row]]
        if missing:
            raise ValidationError(
                _("Please decide for every likely duplicate (rows %(rows)s).")
                % {"rows": ", ".join(sorted(missing, key=int)[:20])}
            )
        job.decisions = {row: decisions[row] for row in allowed}
        job.skip_refused = bool(skip_refused)
        job.state = JobState.IMPORTING
        job.started_at = None
        job.heartbeat_at = None
        job.finished_at = None
        job.error = ""
        job.progress_done = 0
        job.save()
        audit_record(
            actor=actor,
            action="transfer.import.started",
            obj=job,
            data={
                "file_name": job.file_name,
                "sha256": job.file_sha256,
                "skip_refused": job.skip_refused,
                "decisions": len(job.decisions),
            },
        )
        jobs.enqueue(job)
    return job


def import_restart(*, actor, job: ImportJob) -> ImportJob:
    """Start an interrupted dry run or import again (nothing of it was written)."""
    _require(actor)
    _check_same_kreis(actor, job)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state not in RUNNING_STATES or not jobs.is_stale(job):
            raise ValidationError(_("This import is not interrupted."))
        job.started_at = None
        job.heartbeat_at = None
        job.save(update_fields=["started_at", "heartbeat_at", "updated_at"])
        audit_record(actor=actor, action="transfer.import.restarted", obj=job)
        jobs.enqueue(job)
    return job


def import_discard(*, actor, job: ImportJob) -> ImportJob:
    """Discard an import that has not run: the file is deleted (nothing was imported)."""
    _require(actor)
    _check_same_kreis(actor, job)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state in RUNNING_STATES and not jobs.is_stale(job):
            raise ValidationError(_("A running import cannot be discarded; please wait."))
        if job.state == JobState.DONE:
            raise ValidationError(_("This import is done; there is nothing to discard."))
        job.state = JobState.CANCELLED
        job.file_data = b""
        job.reading = jobs.without_file_values(job.reading)
        job.finished_at = timezone.now()
        job.save()
        job.messages.all().delete()
        audit_record(
            actor=actor,
            action="transfer.import.discarded",
            obj=job,
            data={"file_name": job.file_name, "sha256": job.file_sha256},
        )
    return job


def import_report_viewed(*, actor, job: ImportJob) -> None:
    """The dry run's report shows persons already in Wegweiser (the likely duplicates): the
    look at it is logged like a look at a list of persons."""
    _require(actor)
    _check_same_kreis(actor, job)
    if job.summary.get("duplicate_rows"):
        audit_record(
            actor=actor,
            action="transfer.import.report_viewed",
            obj=job,
            data={"duplicate_rows": job.summary["duplicate_rows"]},
        )
