"""The library: the only code that talks to the database. `Library` opens it (a SQLite
file or a PostgreSQL database, updating its schema) and is made of one class per
subject, each in its own module: videos, folders, tags, playlists, timelines, scans,
learning.
A use case that needs one subject may type its dependency on that class alone.

Writes happen from one thread at a time (the scan's writer, or the GUI's single database
worker); readers may be anywhere. SQLite runs in WAL mode so readers never block the writer.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, NoSuchModuleError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from ver_desktop.core.errors import LibraryError
from ver_desktop.core.library import address, shared_paths
from ver_desktop.core.library.faults import check_integrity, storage_problem
from ver_desktop.core.library.folders import FolderStore
from ver_desktop.core.library.learning_store import LearningStore
from ver_desktop.core.library.migrations import found_version, migrate
from ver_desktop.core.library.playlist_store import PlaylistStore
from ver_desktop.core.library.scans import ScanStore
from ver_desktop.core.library.tags import TagStore
from ver_desktop.core.library.timeline_store import TimelineStore
from ver_desktop.core.library.videos import VideoStore


def library_url(database: Path) -> URL:
    return URL.create("sqlite", database=os.fspath(database))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _on_read_only_media(database: Path) -> bool:
    """An existing library in a folder nobody may write to (a read-only disk or share)."""
    return database.is_file() and not os.access(database.parent, os.W_OK)


def _read_only_engine(database: Path) -> Engine:
    """Reading a library on read-only media. SQLite cannot create the WAL's shared-memory
    file there; when none was left beside it, it reads the file as immutable (there is
    no log to replay then, short of a crash)."""
    shm = database.with_name(database.name + "-shm")
    flags = "mode=ro" if shm.exists() else "mode=ro&immutable=1"
    uri = f"file:{urllib.parse.quote(os.fsencode(database))}?{flags}"

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        connection.execute("PRAGMA foreign_keys=ON")
        return connection

    return create_engine("sqlite://", creator=connect, poolclass=NullPool)


def _check_before_opening(database: Path) -> None:
    """Refuse a damaged file, or another application's database, before anything is
    written to it (opening for writing already turns the file to WAL mode)."""
    engine = _read_only_engine(database)
    try:
        with engine.connect() as connection:
            check_integrity(connection, database)
            found_version(connection, f"the file {database}")
    except DBAPIError as exc:
        raise LibraryError(storage_problem(exc, database) or str(exc.orig)) from None
    finally:
        engine.dispose()


def _engine(url: URL) -> Engine:
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise LibraryError(f"ver_desktop keeps its library in a SQLite file or a PostgreSQL "
                           f"database, not in {url.get_backend_name()}")
    try:
        return create_engine(url)
    except (ImportError, NoSuchModuleError):
        raise LibraryError(
            f"a library at {url.get_backend_name()} needs a driver this installation lacks: "
            "install the server extra (pip install 'ver_desktop[server]'; the desktop bundle "
            "has it only when built with VER_DESKTOP_BUNDLE_SERVER=1)") from None


class Library(VideoStore, FolderStore, TagStore, PlaylistStore, TimelineStore, ScanStore,
              LearningStore):
    """An open library: every subject's methods on one object."""

    def __init__(self, url: str | URL, *, upgrade: bool = False,
                 path_map: shared_paths.PathMap | None = None) -> None:
        """Open (creating if new) the library at `url`: a SQLite file or a PostgreSQL
        database. A shared library is updated to this version's schema only with
        `upgrade` (see migrations.py); `path_map` says where this computer mounts the
        shares its paths are on (see shared_paths; it becomes the process's map)."""
        if path_map is not None:
            shared_paths.use(path_map)
        self.url = address.parsed(url)
        database = None
        self.read_only = False
        if self.url.get_backend_name() == "sqlite" and self.url.database:
            database = Path(self.url.database)
            self.read_only = _on_read_only_media(database)
        if database is not None and database.is_file() and database.stat().st_size:
            _check_before_opening(database)
        if database is not None and self.read_only:
            self.engine = _read_only_engine(database)
        else:
            self.engine = _engine(self.url)
            if database is not None:
                database.parent.mkdir(parents=True, exist_ok=True)
                event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            migrate(self.engine, database, read_only=self.read_only, upgrade=upgrade)
        except DBAPIError as exc:
            self.engine.dispose()
            raise LibraryError(storage_problem(exc, database) or str(exc.orig)) from None
        except LibraryError:
            self.engine.dispose()
            raise
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def at(cls, database: Path) -> Library:
        return cls(library_url(database))

    def close(self) -> None:
        self.engine.dispose()
