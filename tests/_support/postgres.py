"""A real PostgreSQL server for the tests, started and stopped by them: no setup by hand.

Debian's ``postgresql`` binaries (``pg_config --bindir``, else ``/usr/lib/postgresql/*/bin``)
run ``initdb`` and ``pg_ctl`` under a temporary directory, on a free loopback port, with trust
authentication and ``fsync=off`` (test data). PostgreSQL refuses to run as root: as root the
server runs as the ``postgres`` user through ``runuser``. ``KLARNA_OM_TEST_PG_DSN`` points the
tests at an existing server instead (then ``restart`` is not available).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests._support.net import free_port


def _bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not versions:
        raise RuntimeError(
            "PostgreSQL is not installed: scripts/bootstrap.sh installs Debian's postgresql"
        )
    return Path(versions[-1]).parent


class PostgresServer:
    """One PostgreSQL cluster in a temporary directory, on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        self.external = os.environ.get("KLARNA_OM_TEST_PG_DSN")
        self.root = Path(tempfile.mkdtemp(prefix="klarna-om-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.port = free_port()
        self._bin = Path() if self.external else _bindir()
        self._as_postgres = os.geteuid() == 0

    @property
    def dsn(self) -> str:
        """Where to connect (a libpq URL)."""
        if self.external:
            return self.external
        return f"postgresql://klarna@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self._bin / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")

    def start(self) -> PostgresServer:
        """Create the cluster (once) and start the server; wait until it accepts connections."""
        if self.external:
            return self
        if not self.data.exists():
            if self._as_postgres:
                shutil.chown(self.root, "postgres")
            self._run("initdb", "-D", str(self.data), "-U", "klarna", "-A", "trust", "-E", "UTF8")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown: sessions are disconnected)."""
        if not self.external:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        """Stop and start again: every connection breaks."""
        if self.external:
            raise RuntimeError("cannot restart an external server (KLARNA_OM_TEST_PG_DSN)")
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop the server and remove its directory."""
        if not self.external:
            with contextlib.suppress(RuntimeError):
                self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
