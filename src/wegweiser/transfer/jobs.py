"""Background work of the transfer app: the dry run and the import of a file, the export.

The job's row is the queue (decision 0011): a service puts the job into a running state
(``RUNNING_STATES``) and calls ``enqueue``; after the commit a thread of the web process claims
it (an UPDATE that only one claimant wins) and runs it. ``manage.py run_transfer_jobs`` runs
queued and interrupted jobs from the command line (after a restart, or from a timer).

Progress and the sign of life ("heartbeat") go to the cache, not to the job's row: the import
runs in one transaction, and a row written inside it would be invisible to the browser until the
end. A running job whose heartbeat is older than ``STALE_AFTER`` was interrupted (the server
was restarted or killed): its transaction was rolled back, nothing of it was written, and it can
be started again.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.transfer.models import RUNNING_STATES, ExportJob, ImportJob, JobState

log = logging.getLogger(__name__)

STALE_AFTER = 90  # seconds without a heartbeat
HEARTBEAT_EVERY = 1.0  # seconds between cache writes at most


def _key(job) -> str:
    return f"transfer:job:{job._meta.model_name}:{job.uuid}"


def progress_of(job) -> dict:
    """{"done", "total", "at"} of a running job (the cache), else the row's last values."""
    found = cache.get(_key(job))
    if found:
        return found
    return {"done": job.progress_done, "total": job.progress_total, "at": None}


def progress_shown(job) -> dict:
    """What the progress bar of a running job shows: {"done", "total", "percent"}."""
    found = progress_of(job)
    done, total = found.get("done") or 0, found.get("total") or 0
    percent = min(100, int(done * 100 / total)) if total else 0
    return {"done": done, "total": total, "percent": percent}


def is_stale(job) -> bool:
    """A running job without a sign of life for ``STALE_AFTER`` seconds (queued jobs count from
    their claim or, unclaimed, from the time they were queued)."""
    if job.state not in RUNNING_STATES:
        return False
    seen = progress_of(job).get("at")
    if seen is None:
        last = job.heartbeat_at or job.updated_at
        seen = last.timestamp() if last else 0
    return time.time() - seen > STALE_AFTER


class Progress:
    """The callback the import and export call with (done, total)."""

    def __init__(self, job):
        self.job = job
        self.done = 0
        self.total = 0
        self._last = 0.0
        self.beat(force=True)

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self.beat()

    def beat(self, *, force: bool = False) -> None:
        now = time.time()
        if force or now - self._last >= HEARTBEAT_EVERY:
            self._last = now
            cache.set(
                _key(self.job),
                {"done": self.done, "total": self.total, "at": now},
                timeout=STALE_AFTER * 20,
            )


def enqueue(job) -> None:
    """Run the job after the current transaction commits (in a thread, or at once with
    ``TRANSFER_JOBS_INLINE``)."""
    model, pk = type(job), job.pk
    if settings.TRANSFER_JOBS_INLINE:
        run_job(model, pk)  # at once, inside the caller's transaction (tests, debugging)
        return

    def start():
        thread = threading.Thread(
            target=_thread_main, args=(model, pk), name=f"transfer-{pk}", daemon=True
        )
        thread.start()

    transaction.on_commit(start)


def _thread_main(model, pk) -> None:
    close_old_connections()
    try:
        run_job(model, pk)
    except Exception:  # noqa: BLE001 - a thread must not die silently
        log.exception("transfer job %s %s failed", model.__name__, pk)
    finally:
        connections.close_all()


def claim(model, pk) -> bool:
    """Take the job if it is queued or interrupted; exactly one claimant wins (the UPDATE
    compares ``started_at`` with the value read)."""
    job = model.objects.filter(pk=pk, state__in=RUNNING_STATES).first()
    if job is None or (job.started_at is not None and not is_stale(job)):
        return False
    now = timezone.now()
    won = model.objects.filter(pk=pk, state__in=RUNNING_STATES, started_at=job.started_at).update(
        started_at=now, heartbeat_at=now
    )
    return won == 1


def run_job(model, pk) -> bool:
    """Claim and run one job; False if someone else runs it or it is not queued."""
    if not claim(model, pk):
        return False
    job = model.objects.get(pk=pk)
    progress = Progress(job)
    try:
        if model is ImportJob:
            _run_import_job(job, progress)
        else:
            _run_export_job(job, progress)
    except Exception as error:  # noqa: BLE001 - recorded on the job, shown to the user
        log.warning("transfer job %s failed: %s", job.uuid, traceback.format_exc())
        _fail(job, error)
    finally:
        cache.delete(_key(job))
    return True


def _fail(job, error) -> None:
    from wegweiser.transfer.importer import ImportRefused
    from wegweiser.transfer.readers import ReadError

    if isinstance(job, ExportJob):
        job.refresh_from_db(fields=["state", "error"])
        if job.state == JobState.FAILED and job.error:
            return  # ``export.build`` recorded its own message and removed the partial file
        message = _(
            "The export stopped because of an internal error. Please try again; if it happens "
            "again, tell your administrator (reference %(ref)s)."
        ) % {"ref": str(job.uuid)[:8]}
    elif isinstance(error, (ImportRefused, ReadError)):
        message = error.message
    else:
        message = _(
            "The processing stopped because of an internal error; nothing was imported. Please "
            "try again; if it happens again, tell your administrator (reference %(ref)s)."
        ) % {"ref": str(job.uuid)[:8]}
    state = JobState.FAILED
    if isinstance(job, ImportJob) and job.state == JobState.IMPORTING:
        # The dry run's report still holds: the user may correct the cause and start again.
        state = JobState.CHECKED
    type(job).objects.filter(pk=job.pk).update(
        state=state, error=str(message), finished_at=timezone.now(), heartbeat_at=None
    )


def _run_import_job(job: ImportJob, progress: Progress) -> None:
    from wegweiser.transfer import importer, readers
    from wegweiser.transfer.models import ImportMessage

    table = readers.read_table(
        bytes(job.file_data),
        job.file_name,
        sheet=job.reading.get("sheet") or None,
        header_row=job.reading.get("header_row") or None,
    )
    if job.state == JobState.CHECKING:
        report = importer.check(job, table, progress=progress)
        with transaction.atomic():
            job.messages.all().delete()
            ImportMessage.objects.bulk_create(
                [
                    ImportMessage(
                        kreis_id=job.kreis_id,
                        job=job,
                        row=m.row,
                        column=m.column[:255],
                        level=m.level,
                        message=m.message,
                        data=m.data or {},
                    )
                    for m in report.messages
                ],
                batch_size=2000,
            )
            ImportJob.objects.filter(pk=job.pk).update(
                state=JobState.CHECKED,
                summary=report.summary,
                error="",
                progress_done=progress.total,
                progress_total=progress.total,
                finished_at=timezone.now(),
                heartbeat_at=None,
            )
    elif job.state == JobState.IMPORTING:
        with transaction.atomic():
            result = importer.run(job, table, progress=progress)
            # In the same transaction: imported and "done" are one fact.
            ImportJob.objects.filter(pk=job.pk).update(
                state=JobState.DONE,
                result=result,
                error="",
                file_data=b"",
                reading=without_file_values(job.reading),
                progress_done=progress.total,
                progress_total=progress.total,
                finished_at=timezone.now(),
                heartbeat_at=None,
            )


def without_file_values(reading: dict) -> dict:
    """The reading options without the first values of the columns (personal data of the file,
    deleted together with it)."""
    return {key: value for key, value in reading.items() if key != "samples"}


def _run_export_job(job: ExportJob, progress: Progress) -> None:
    from wegweiser.transfer import export

    export.build(job, progress=progress)


def pending(model):
    """Jobs that are queued or were interrupted."""
    return [
        job
        for job in model.objects.filter(state__in=RUNNING_STATES).order_by("created_at")
        if job.started_at is None or is_stale(job)
    ]
