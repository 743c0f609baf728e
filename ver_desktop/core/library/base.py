"""What every subject of the library shares: its engine, a session, and the helpers that
more than one subject's writes need. `store.Library` opens the engine; the subject classes
(videos, folders, tags, playlists, timelines, scans) each add their own methods."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from ver_desktop.core.library import shared_paths
from ver_desktop.core.library.schema import display_text

MANY_ROWS = 5000  # new videos after which a server's query statistics are refreshed


class LibraryBase:
    """An open library's engine and sessions. A use case that needs one subject types its
    dependency on that subject's class (`VideoStore`, `TimelineStore`...); `Library` is
    all of them."""

    engine: Engine
    _sessions: sessionmaker[Session]

    def session(self) -> Session:
        return self._sessions()

    def _refresh_statistics(self, added: int) -> None:
        """After many new rows, PostgreSQL plans with stale statistics until autovacuum
        comes round (planning a one-file drop took 95 ms against 3 ms after 100,000 were
        imported): refresh them at once. SQLite plans without them."""
        if added >= MANY_ROWS and self.engine.dialect.name == "postgresql":
            with self.engine.begin() as connection:
                connection.execute(text("ANALYZE videos, analyses"))


def dialect_insert(s: Session) -> Any:
    """INSERT with ON CONFLICT, which SQLite and PostgreSQL both speak."""
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def names(path_text: str) -> tuple[str, str]:
    """The file's name and its folder as text, the folder in the form every computer
    sharing the library agrees on."""
    path = Path(shared_paths.current().to_shared(path_text))
    return display_text(path.name), display_text(os.fspath(path.parent))
