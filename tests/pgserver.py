"""A throwaway PostgreSQL server for tests and benchmarks: Debian's `postgresql` binaries,
a cluster in a temporary folder, run as an unprivileged user (PostgreSQL refuses root),
listening on a free loopback port, durability off (nothing here must survive a crash).

    with PostgresServer.start() as server:
        url = server.new_database("lib")  # postgresql+psycopg://...

`scripts/setup.sh` installs the package; nothing else is needed.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

USER = "ver"  # the cluster's superuser role (trust authentication, loopback only)
SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off",
            "max_connections=200", "shared_buffers=128MB")


def binaries() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian keeps them off PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run scripts/setup.sh (it installs "
                           "Debian's postgresql package)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    def __init__(self, folder: Path, port: int, run_as: str | None) -> None:
        self.folder = folder
        self.port = port
        self.run_as = run_as
        self._count = 0

    @classmethod
    def start(cls) -> PostgresServer:
        folder = Path(tempfile.mkdtemp(prefix="ver-pg-"))
        run_as = "nobody" if os.geteuid() == 0 else None
        if run_as is not None:  # the server's user must own its folder
            account = pwd.getpwnam(run_as)
            os.chmod(folder, 0o755)
            os.chown(folder, account.pw_uid, account.pw_gid)
        server = cls(folder, _free_port(), run_as)
        try:
            server._run("initdb", "-D", str(server.data), "-U", USER, "-A", "trust",
                        "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
            options = " ".join(f"-c {s}" for s in SETTINGS)
            server._run("pg_ctl", "-D", str(server.data), "-l", str(folder / "log"), "-w",
                        "-t", "120", "-o",
                        f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 {options}",
                        "start")
        except BaseException:
            server.stop()
            raise
        return server

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "lib") -> str:
        """A fresh empty database; returns its SQLAlchemy URL."""
        self._count += 1
        name = f"{prefix}_{os.getpid()}_{self._count}"
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name)
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by `new_database`, ending the connections a test left open
        (the server allows only so many)."""
        name = url.rsplit("/", 1)[1]
        self._run("dropdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "--force",
                  "--if-exists", name)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop",
                      check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, tool: str, *args: str, check: bool = True) -> None:
        command = [str(binaries() / tool), *args]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder,
                              timeout=300)
        if check and done.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}\n"
                               f"{tail}")

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

