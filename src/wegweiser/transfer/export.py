"""The county's export: all its data as a ZIP of JSON Lines and CSV files (docs/export.md).

- ``export_request`` (service): the county administrator asks for an export; the job is queued
  (``transfer.jobs.enqueue`` runs ``build`` in the background).
- ``build``: reads every entity of ``export_entities`` in one consistent snapshot (PostgreSQL:
  a repeatable-read transaction), streamed, and writes per entity ``<name>.jsonl`` (UTF-8, one
  object per line) and ``<name>.csv`` (UTF-8 with BOM, ``;``, for German Excel), the county's key
  figures (``figures.*``), the directory as Open Referral HSDS (``directory_hsds.json``) and
  ``manifest.json`` (format, county, time, who, and per file its records and SHA-256).
- ``export_download``: the file for the county administrator, audited.
- ``purge_old_exports``: export files are deleted a day after they were made.

Confidential notes of counselling sessions are only in an export that the county administrator
asked for with them after a fresh re-authentication (the view checks it); otherwise the column
``confidential_note`` is there and empty, and the notes are not even read.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import shutil
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_record
from wegweiser.transfer import export_entities as E
from wegweiser.transfer.models import ExportJob, JobState
from wegweiser.transfer.rules import can_transfer

log = logging.getLogger(__name__)

FORMAT_NAME = "wegweiser-export"
FORMAT_VERSION = 1
PROGRESS_EVERY = 2000
KEEP_FOR = dt.timedelta(days=1)
# Text that a spreadsheet would run as a formula gets a leading apostrophe in the CSV files
# (the JSONL files keep the text as it is).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_dir() -> Path:
    path = Path(
        getattr(settings, "WEGWEISER_EXPORT_DIR", None)
        or Path(settings.BASE_DIR).parent.parent / "var" / "exports"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- rights and services ------------------------------------------------------------------------


def can_export(user) -> bool:
    """County administrators of a Kreis (decision 0011)."""
    return can_transfer(user)


def export_request(*, actor, include_confidential: bool) -> ExportJob:
    """A new export of the actor's county, queued (the caller enqueues it after this returns).
    Whether the actor re-authenticated for the confidential notes is the view's check."""
    if not can_export(actor):
        raise PermissionDenied
    with transaction.atomic():
        job = ExportJob(
            kreis_id=actor.kreis_id,
            created_by=actor,
            include_confidential=bool(include_confidential),
            state=JobState.CHECKING,
        )
        job.full_clean()
        job.save()
        audit_record(
            actor=actor,
            action="transfer.export.requested",
            obj=job,
            data={"include_confidential": job.include_confidential},
        )
    return job


def file_path(job: ExportJob) -> Path | None:
    if not job.file_name:
        return None
    return export_dir() / job.file_name


def export_download(*, actor, job: ExportJob) -> Path:
    """The ZIP file of a finished export of the actor's county (audited)."""
    if not can_export(actor):
        raise PermissionDenied
    if job.kreis_id != actor.kreis_id:
        raise PermissionDenied
    path = file_path(job)
    if job.state != JobState.DONE or path is None or not path.exists():
        raise FileNotFoundError(job.file_name)
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(downloaded_at=timezone.now())
        audit_record(
            actor=actor,
            action="transfer.export.downloaded",
            obj=job,
            data={
                "sha256": job.file_sha256,
                "include_confidential": job.include_confidential,
            },
        )
    return path


def purge_old_exports(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports made more than a day ago (the job rows stay, without file);
    also stray partial files. Returns the number of files deleted."""
    now = now or timezone.now()
    deleted = 0
    for job in ExportJob.objects.filter(created_at__lt=now - KEEP_FOR).exclude(file_name=""):
        path = file_path(job)
        if path is not None and path.exists():
            path.unlink()
            deleted += 1
        ExportJob.objects.filter(pk=job.pk).update(file_name="", file_size=0)
    folder = export_dir()
    limit = (now - KEEP_FOR).timestamp()
    for stray in folder.glob("*.part"):
        if stray.stat().st_mtime < limit:
            stray.unlink(missing_ok=True)
            deleted += 1
    return deleted


# --- values -------------------------------------------------------------------------------------


def json_value(kind: str, value):
    if value is None:
        return [] if kind == E.LIST else None
    if kind == E.ID:
        return str(value)
    if kind == E.DATE:
        return value.isoformat()
    if kind == E.DATETIME:
        return _utc(value)
    if kind == E.TIME:
        return value.strftime("%H:%M")
    if kind == E.BOOL:
        return bool(value)
    if kind == E.INT:
        return int(value)
    if kind == E.DECIMAL:
        return str(Decimal(value))
    if kind == E.LIST:
        return [str(v) for v in value]
    if kind == E.CODE and value == "":
        return None  # no choice made
    return value


def csv_value(kind: str, value) -> str:
    if value is None or value == "":
        return ""
    if kind == E.BOOL:
        return "ja" if value else "nein"
    if kind == E.LIST:
        return ", ".join(str(v) for v in value)
    if kind == E.JSON:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if kind == E.DECIMAL:
        return str(Decimal(value)).replace(".", ",")
    if kind in (E.ID, E.DATE, E.DATETIME, E.TIME, E.INT):
        return str(json_value(kind, value))
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def _utc(value: dt.datetime) -> str:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


# --- writing ------------------------------------------------------------------------------------


class _HashingWriter(io.RawIOBase):
    """A binary file that counts and hashes what is written to it."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.raw.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)


class _Pair:
    """The JSONL and the CSV file of one entity, written side by side into temporary files and
    copied into the ZIP when complete (a ZIP takes one open entry at a time)."""

    def __init__(self, name: str, keys: list[str], kinds: list[str], folder: Path):
        self.name = name
        self.keys = keys
        self.kinds = kinds
        self.records = 0
        self._jsonl_raw = tempfile.TemporaryFile(dir=folder)
        self._csv_raw = tempfile.TemporaryFile(dir=folder)
        self.jsonl = _HashingWriter(self._jsonl_raw)
        self.csv = _HashingWriter(self._csv_raw)
        self._csv_text = io.TextIOWrapper(
            io.BufferedWriter(self.csv, 1 << 16), encoding="utf-8", newline=""
        )
        self._csv_text.write("\ufeff")
        self._writer = csv.writer(self._csv_text, delimiter=";", lineterminator="\r\n")
        self._writer.writerow(keys)
        self._lines: list[str] = []

    def add(self, row: dict) -> None:
        values = [row.get(key) for key in self.keys]
        record = {
            key: json_value(kind, value)
            for key, kind, value in zip(self.keys, self.kinds, values, strict=True)
        }
        self._lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        self._writer.writerow(
            [csv_value(kind, value) for kind, value in zip(self.kinds, values, strict=True)]
        )
        self.records += 1
        if len(self._lines) >= 500:
            self._flush_lines()

    def _flush_lines(self) -> None:
        if self._lines:
            self.jsonl.write(("\n".join(self._lines) + "\n").encode("utf-8"))
            self._lines = []

    def finish(self, archive: zipfile.ZipFile) -> list[dict]:
        self._flush_lines()
        self._csv_text.flush()
        files = []
        for suffix, writer, raw, fmt in (
            ("jsonl", self.jsonl, self._jsonl_raw, "jsonl"),
            ("csv", self.csv, self._csv_raw, "csv"),
        ):
            raw.seek(0)
            member = f"{self.name}.{suffix}"
            with archive.open(member, "w", force_zip64=True) as target:
                shutil.copyfileobj(raw, target, 1 << 20)
            files.append(
                {
                    "name": member,
                    "entity": self.name,
                    "format": fmt,
                    "records": self.records,
                    "bytes": writer.size,
                    "sha256": writer.sha256.hexdigest(),
                }
            )
        self.close()
        return files

    def close(self) -> None:
        for handle in (self._jsonl_raw, self._csv_raw):
            try:
                handle.close()
            except OSError:  # pragma: no cover
                pass


def _add_bytes(archive: zipfile.ZipFile, name: str, entity: str, data: bytes, records: int):
    archive.writestr(name, data)
    return {
        "name": name,
        "entity": entity,
        "format": name.rsplit(".", 1)[-1],
        "records": records,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


# --- figures and directory ----------------------------------------------------------------------

FIGURE_KEYS = ["period", "period_kind", "start", "end", "key", "label", "value"]
FIGURE_KINDS = [E.TEXT, E.CODE, E.DATE, E.DATE, E.CODE, E.TEXT, E.TEXT]


def figure_rows(kreis, *, today: dt.date | None = None):
    """The county's key figures (county totals, as the statistics compute them) per year and
    quarter, from the year of its first case file to this year; one row per figure."""
    from wegweiser.clients.models import Case
    from wegweiser.statistics.figures import Unit, compute, label
    from wegweiser.statistics.report import _plain, periods_of

    first = (
        Case.objects.filter(kreis_id=kreis.pk).order_by("opened_on").values_list("opened_on")[:1]
    )
    first = list(first)
    if not first:
        return
    today = today or timezone.localdate()
    unit = Unit("county", kreis.pk)
    for year in range(first[0][0].year, today.year + 1):
        for code, period in periods_of(year):
            if period.start > today:
                continue
            values = compute(unit, period)[None]
            for key in sorted(values, key=_figure_order):
                value = _plain(key, values[key])
                yield {
                    "period": period.label,
                    "period_kind": "year" if code == "year" else "quarter",
                    "start": period.start,
                    "end": period.end,
                    "key": key,
                    "label": label(key),
                    "value": value,
                }


def _figure_order(key: str):
    from wegweiser.statistics.figures import KEYS

    return (0, KEYS.index(key), "") if key in KEYS else (1, 0, key)


def _figure_json(row: dict) -> dict:
    record = {
        key: json_value(kind, row[key]) for key, kind in zip(FIGURE_KEYS, FIGURE_KINDS, strict=True)
    }
    record["value"] = row["value"]  # int, exact decimal as a string, or null
    return record


def _figure_csv(row: dict) -> list[str]:
    cells = [csv_value(kind, row[key]) for key, kind in zip(FIGURE_KEYS, FIGURE_KINDS, strict=True)]
    value = row["value"]
    cells[-1] = "" if value is None else str(value).replace(".", ",")
    return cells


def _directory_hsds(kreis) -> tuple[bytes, int]:
    """The county's own directory entries as an Open Referral HSDS data package (docs/hsds.md)."""
    from wegweiser.directory import hsds
    from wegweiser.directory.models import Service, ServiceProvider

    providers = ServiceProvider.objects.filter(kreis_id=kreis.pk).order_by("name", "pk")
    services = (
        Service.objects.filter(kreis_id=kreis.pk)
        .select_related("provider", "municipality", "land")
        .prefetch_related("counties_served")
        .order_by("name", "pk")
    )
    tables = hsds.export_tables(providers, services)
    data = hsds.to_json(
        tables, name=f"wegweiser-angebote-{kreis.ags}", title=f"Angebote {kreis.name}"
    )
    return data, len(tables["service"])


# --- build --------------------------------------------------------------------------------------


def build(job: ExportJob, *, progress=None) -> None:
    """Write the export's ZIP file and mark the job done (or failed, without a file)."""
    folder = export_dir()
    kreis = job.kreis
    stamp = timezone.now()
    name = f"wegweiser-export-{kreis.ags}-{stamp:%Y%m%d-%H%M%S}-{str(job.uuid)[:8]}.zip"
    part = folder / (name + ".part")
    try:
        counts, manifest = _write(job, kreis, part, stamp, progress)
        digest = hashlib.sha256()
        with part.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        size = part.stat().st_size
        part.replace(folder / name)
    except Exception as error:
        part.unlink(missing_ok=True)
        log.warning("export %s failed: %s", job.uuid, error)
        ExportJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            error=_(
                "The export stopped because of an internal error; no file was made. Please try "
                "again; if it happens again, tell your administrator (reference %(ref)s)."
            )
            % {"ref": str(job.uuid)[:8]},
            finished_at=timezone.now(),
            heartbeat_at=None,
        )
        raise
    total = sum(counts.values())
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            state=JobState.DONE,
            file_name=name,
            file_sha256=digest.hexdigest(),
            file_size=size,
            counts=counts,
            error="",
            progress_done=total,
            progress_total=total,
            finished_at=timezone.now(),
            heartbeat_at=None,
        )
        audit_record(
            actor=job.created_by,
            action="transfer.export.done",
            obj=job,
            data={
                "counts": counts,
                "sha256": digest.hexdigest(),
                "include_confidential": job.include_confidential,
            },
        )
    job.refresh_from_db()


def _write(job: ExportJob, kreis, part: Path, stamp, progress) -> tuple[dict, dict]:
    """Everything read in one transaction (one snapshot on PostgreSQL) and written to ``part``."""
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _write_in_snapshot(job, kreis, part, stamp, progress)


def _write_in_snapshot(job: ExportJob, kreis, part: Path, stamp, progress):
    ctx = E.Context(kreis_id=kreis.pk, include_confidential=job.include_confidential)
    specs = E.entities(include_confidential=job.include_confidential)
    total = sum(spec.count(ctx) for spec in specs)
    done = 0
    if progress:
        progress(0, total)
    files: list[dict] = []
    counts: dict[str, int] = {}
    columns: dict[str, list[str]] = {}
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for spec in specs:
            keys = spec.keys
            kinds = [c.kind for c in spec.columns if c.out]
            pair = _Pair(spec.name, keys, kinds, part.parent)
            try:
                for row in spec.rows(ctx, chunk_size=PROGRESS_EVERY):
                    pair.add(row)
                    done += 1
                    if progress and done % PROGRESS_EVERY == 0:
                        progress(done, total)
                files.extend(pair.finish(archive))
            finally:
                pair.close()
            counts[spec.name] = pair.records
            columns[spec.name] = keys
        if progress:
            progress(done, total)

        # The key figures (aggregates only).
        pair = _Pair("figures", FIGURE_KEYS, FIGURE_KINDS, part.parent)
        try:
            for row in figure_rows(kreis):
                pair._lines.append(
                    json.dumps(_figure_json(row), ensure_ascii=False, separators=(",", ":"))
                )
                pair._writer.writerow(_figure_csv(row))
                pair.records += 1
            files.extend(pair.finish(archive))
        finally:
            pair.close()
        counts["figures"] = pair.records
        columns["figures"] = FIGURE_KEYS

        data, services = _directory_hsds(kreis)
        files.append(_add_bytes(archive, "directory_hsds.json", "directory_hsds", data, services))

        manifest = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "county": {"name": kreis.name, "ags": kreis.ags, "id": str(kreis.uuid)},
            "created_at": _utc(stamp),
            "created_by": job.created_by.email,
            "include_confidential": job.include_confidential,
            "export_id": str(job.uuid),
            "documentation": "docs/export.md",
            "files": files,
            "columns": columns,
        }
        archive.writestr(
            "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        )
    return counts, manifest
