"""Run the queued and interrupted imports and exports (after a restart of the server, or from a
systemd timer), and delete export files older than a day.

    python manage.py run_transfer_jobs            # once
    python manage.py run_transfer_jobs --loop     # keep polling every few seconds
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from wegweiser.transfer import jobs
from wegweiser.transfer.models import ExportJob, ImportJob


class Command(BaseCommand):
    help = "Runs queued or interrupted imports and exports; deletes old export files."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep polling")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, loop=False, interval=5.0, **options):
        while True:
            ran = 0
            for model in (ImportJob, ExportJob):
                for job in jobs.pending(model):
                    if jobs.run_job(model, job.pk):
                        ran += 1
                        job.refresh_from_db()
                        self.stdout.write(f"{model.__name__} {job.uuid}: {job.state}")
            purged = _purge()
            if purged:
                self.stdout.write(f"{purged} alte Exportdatei(en) gelöscht")
            if not loop:
                if not ran:
                    self.stdout.write("Nichts zu tun.")
                return
            time.sleep(interval)


def _purge() -> int:
    from wegweiser.transfer.export import purge_old_exports

    return purge_old_exports() or 0
