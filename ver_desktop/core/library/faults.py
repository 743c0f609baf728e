"""Storage faults in words: a full disk, a read-only or damaged library file, a busy
database. Each becomes one sentence that says what happened and what to do; none prints a
traceback or SQLAlchemy's "Background on this error" link."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from ver_desktop.core.errors import LibraryError


def storage_problem(exc: BaseException, database: Path | None = None) -> str | None:
    """What went wrong with the library's storage, for a person; None if `exc` is not a
    storage fault."""
    if isinstance(exc, LibraryError):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return _FULL
    if not isinstance(exc, DBAPIError):
        return None
    detail = str(exc.orig)
    text = detail.lower()
    if type(exc.orig).__module__.startswith("psycopg"):
        return _server_problem(exc, detail)
    where = f" ({database})" if database else ""
    if "full" in text or (database is not None and _no_room(database.parent)):
        return _FULL
    if "readonly" in text or "read-only" in text:
        return (f"the library file cannot be written{where}: it or its folder is read-only. "
                "Make it writable, or choose another library folder with --data-dir")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return damaged(database, detail)
    if "locked" in text or "busy" in text:
        return ("the library is busy: another ver_desktop is writing to it. Try again when "
                "it has finished")
    return f"the library could not be read or written: {detail}"


def _server_problem(exc: DBAPIError, detail: str) -> str:
    """A shared library's server said no: its first line says why (refused, unknown
    database, wrong password); PostgreSQL has no "database is locked"."""
    first = detail.strip().splitlines()[0] if detail.strip() else "no reason given"
    if getattr(exc.orig, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE:
        return ("the shared library is read-only for you: its server refused a change "
                f"({first}). Ask whoever runs it for write access")
    if isinstance(exc, OperationalError):  # psycopg's class for "could not connect"
        return (f"cannot reach the shared library ({first}). Check its address in Settings "
                "or --library, and that its server is running")
    return f"the shared library could not be read or written: {first}"


_INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's code for a role that may not do this

_FULL = ("the disk that holds the library is full. What was saved before is kept; free some "
         "space and run it again")


def _no_room(folder: Path) -> bool:
    """A full disk shows up as "disk I/O error" when SQLite cannot grow its side files."""
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def damaged(database: Path | None, detail: str) -> str:
    name = database.name if database else "library.sqlite3"
    folder = f" in {database.parent}" if database else ""
    return (f"the library file is damaged ({detail}) and was not changed. Close ver_desktop "
            f"and copy your backup over {name}{folder} (copies made before upgrades sit "
            f"beside it as {name}.v*.bak), or move it away to start a new library")


def check_integrity(connection: Connection, database: Path | None) -> None:
    """Refuse a damaged SQLite library before anything writes to it."""
    result = [str(row[0]) for row in connection.exec_driver_sql("PRAGMA quick_check")]
    if result != ["ok"]:
        lines = [line.strip("* ") for line in "\n".join(result).splitlines()]
        raise LibraryError(damaged(database, "; ".join(line for line in lines[:3] if line)))
