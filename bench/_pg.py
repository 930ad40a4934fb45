"""A throwaway PostgreSQL instance for the fault runs (bench/faults.py): initdb into a temporary
directory, started with pg_ctl on its own port and socket directory, killed with SIGKILL on
demand, removed at the end. Never touches the machine's shared cluster.

initdb and pg_ctl refuse to run as root; when started as root, they run as the ``postgres`` OS
user (runuser) and the directory is handed to that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("WEGWEISER_PG_BIN", "/usr/lib/postgresql/15/bin"))


class ThrowawayPostgres:
    def __init__(self, *, port: int = 5499, database: str = "ww_faults") -> None:
        self.port = port
        self.database = database
        self.base = Path(tempfile.mkdtemp(prefix="ww-faults-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self._as_user, *args], check=check, capture_output=True, text=True, cwd=self.base
        )

    def init(self) -> None:
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-instructions",
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.base}'\n"
                "max_connections = 50\n"
                "shared_buffers = 64MB\n"
                # the defaults, stated: a commit is durable once acknowledged
                "fsync = on\nsynchronous_commit = on\nfull_page_writes = on\n"
            )
        self.start()
        self._run(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            self.database,
        )

    def start(self) -> None:
        done = self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "start", check=False,
        )  # fmt: skip
        if done.returncode:
            tail = self.log.read_text()[-1500:] if self.log.exists() else done.stderr
            raise RuntimeError(f"PostgreSQL startet nicht (Port {self.port}?):\n{tail}")

    def ready(self) -> bool:
        done = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
            check=False,
        )
        return done.returncode == 0

    def pids(self) -> list[int]:
        """The postmaster and every process it started (backends, checkpointer, walwriter ...)."""
        pid_file = self.data / "postmaster.pid"
        try:
            postmaster = int(pid_file.read_text().splitlines()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return []
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(postmaster)],
            check=False,
            capture_output=True,
            text=True,
        ).stdout.split()
        return [postmaster, *(int(p) for p in children)]

    def kill9(self) -> int:
        """SIGKILL to every process of this instance at once; returns how many were killed."""
        pids = self.pids()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(p) for p in pids):
            time.sleep(0.02)
        return len(pids)

    def stop(self) -> None:
        if self.data.exists() and (self.data / "postmaster.pid").exists():
            self._run(
                str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop",
                check=False,
            )  # fmt: skip

    def remove(self) -> None:
        self.stop()
        if self.pids():
            self.kill9()
        shutil.rmtree(self.base, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Until the process is reaped: PostgreSQL's own check of a stale postmaster.pid (kill 0)
    counts a zombie as running, so a restart must wait for the reaper."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
