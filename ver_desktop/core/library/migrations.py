"""Schema versions recorded in the database; the file is backed up before a migration.

A new database is created at the latest schema and stamped with every version. An older
SQLite file gets the missing steps, in order, each in its own transaction, after a backup
copy. A shared library on PostgreSQL gets them only when asked (`upgrade-library`), all in
one transaction (see `_migrate_server`). To change the schema: edit `schema.py`, then
append a step here that brings an old database to the same shape with explicit DDL that
both SQLite and PostgreSQL accept (steps 1-5 predate shared libraries: a PostgreSQL
library always starts at 5 or later), and test it on both.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    inspect,
    text,
)

from ver_desktop.core.errors import LibraryError
from ver_desktop.core.library.address import for_people
from ver_desktop.core.library.schema import Base
from ver_desktop.core.text import free_name, searchable

Step = Callable[[Connection], None]


def _initial(connection: Connection) -> None:
    Base.metadata.create_all(connection)


def _speech_likeness(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE analyses ADD COLUMN speech_likeness FLOAT"))


def _claims(connection: Connection) -> None:
    connection.execute(text(
        "CREATE TABLE claims (video_id INTEGER NOT NULL PRIMARY KEY "
        "REFERENCES videos (id) ON DELETE CASCADE, scan VARCHAR(32) NOT NULL, "
        "host TEXT NOT NULL, pid INTEGER NOT NULL, renewed_at DATETIME NOT NULL)"))
    connection.execute(text("CREATE INDEX ix_claims_scan ON claims (scan)"))
    connection.execute(text("CREATE INDEX ix_claims_renewed_at ON claims (renewed_at)"))


def _playlist_play(connection: Connection) -> None:
    connection.execute(text(
        "ALTER TABLE playlists ADD COLUMN play VARCHAR(8) NOT NULL DEFAULT 'segment'"))


def _search_text(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE videos ADD COLUMN search_text TEXT NOT NULL DEFAULT ''"))
    rows = connection.execute(text("SELECT id, name, folder FROM videos")).all()
    if rows:
        connection.execute(text("UPDATE videos SET search_text = :key WHERE id = :id"),
                           [{"key": searchable(name, folder), "id": video_id}
                            for video_id, name, folder in rows])


def _timelines(connection: Connection) -> None:
    """Frozen copies of the two tables as they were at this step: SQLAlchemy writes each
    backend's DDL (SQLite's and PostgreSQL's keys and types differ)."""
    metadata = MetaData()
    videos = Table("videos", metadata, Column("id", Integer, primary_key=True))

    def model() -> tuple[Column[str], Column[str]]:
        return (Column("model_name", String(64), nullable=False),
                Column("model_version", String(32), nullable=False))

    Table("timelines", metadata, Column("id", Integer, primary_key=True),
          Column("video_id", ForeignKey(videos.c.id, ondelete="CASCADE"), nullable=False),
          *model(), Column("data", LargeBinary, nullable=False),
          Column("created_at", DateTime, nullable=False),
          UniqueConstraint("video_id", "model_name", "model_version"))
    Table("stretches", metadata, Column("id", Integer, primary_key=True),
          Column("video_id", ForeignKey(videos.c.id, ondelete="CASCADE"), nullable=False),
          *model(),
          *(Column(name, Float, nullable=False) for name in ("start", "end")),
          Column("quadrant", String(8), nullable=False, index=True),
          Column("octant", String(16), nullable=False),
          *(Column(name, Float, nullable=False) for name in ("valence", "arousal")),
          Column("user_quadrant", String(8)), Column("user_octant", String(16)),
          Index("ix_stretches_video_model", "video_id", "model_name", "model_version"))
    metadata.create_all(connection, tables=[metadata.tables["timelines"],
                                            metadata.tables["stretches"]])
    for column in ("start", "end"):  # a playlist item may be a stretch of its file
        connection.execute(text(f'ALTER TABLE playlist_items ADD COLUMN "{column}" FLOAT'))


def _unique_playlist_names(connection: Connection) -> None:
    """Two playlists made at once under one name (two windows, two computers) could both
    be stored; from now on the database refuses the second. Earlier twins are renamed
    "NAME (2)", "NAME (3)" first, the oldest keeping its name."""
    rows = connection.execute(text("SELECT id, name FROM playlists ORDER BY id")).all()
    taken = {name for _, name in rows}
    seen: set[str] = set()
    for playlist_id, name in rows:
        if name not in seen:
            seen.add(name)
            continue
        renamed = free_name(name, taken)
        taken.add(renamed)
        connection.execute(text("UPDATE playlists SET name = :name WHERE id = :id"),
                           {"name": renamed, "id": playlist_id})
    connection.execute(text(
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_playlists_name ON playlists (name)"))


def _cut_version(connection: Connection) -> None:
    """Each timeline says which version of `timeline.cut` made its stretches; those
    stored before it was said were all cut by version 1. Added only where missing, as
    step 7 makes its index: a library stamped below its shape may have it already."""
    have = {c["name"] for c in inspect(connection).get_columns("timelines")}
    if "cut_version" not in have:
        connection.execute(text(
            "ALTER TABLE timelines ADD COLUMN cut_version INTEGER NOT NULL DEFAULT 1"))


def _learning(connection: Connection) -> None:
    """What the personal layer needs (core/personal.py): each analysis keeps its clip
    embedding and the model's own point beside the shown reading (until a layer is
    learned they are the same, so the own point is the reading's copy), each stretch its
    own point likewise; the layer's settings per model; the log of tags for agreement."""
    quoted = connection.dialect.identifier_preparer.quote
    binary = LargeBinary().compile(dialect=connection.dialect)
    floating = Float().compile(dialect=connection.dialect)
    added = {"analyses": [("embedding", binary), ("own_valence", floating),
                          ("own_arousal", floating)],
             "stretches": [("own_valence", floating), ("own_arousal", floating)]}
    for table, columns in added.items():
        have = {c["name"] for c in inspect(connection).get_columns(table)}
        for name, kind in columns:
            if name not in have:
                connection.execute(text(
                    f"ALTER TABLE {quoted(table)} ADD COLUMN {quoted(name)} {kind}"))
        connection.execute(text(f"UPDATE {quoted(table)} SET own_valence = valence, "
                                "own_arousal = arousal WHERE own_valence IS NULL"))
    _learning_tables(connection)


def _learning_tables(connection: Connection) -> None:
    """Frozen copies of the two tables as step 9 made them (see `_timelines`)."""
    metadata = MetaData()
    videos = Table("videos", metadata, Column("id", Integer, primary_key=True))

    def model(primary: bool) -> tuple[Column[str], Column[str]]:
        return (Column("model_name", String(64), nullable=False, primary_key=primary),
                Column("model_version", String(32), nullable=False, primary_key=primary))

    settings = Table("learning_settings", metadata, *model(True),
                     Column("enabled", Boolean, nullable=False, server_default="1"),
                     Column("forgotten_at", DateTime), Column("relearned_at", DateTime))
    log = Table("tag_log", metadata, Column("id", Integer, primary_key=True),
                Column("video_id", ForeignKey(videos.c.id, ondelete="SET NULL")),
                *model(False), Column("at", DateTime, nullable=False),
                *(Column(name, String(8), nullable=False)
                  for name in ("quadrant", "shown_quadrant", "own_quadrant")),
                Index("ix_tag_log_model_at", "model_name", "model_version", "at"))
    metadata.create_all(connection, tables=[settings, log])


def _speech_stretches(connection: Connection) -> None:
    """stretches.speech: a run of talk, not an emotion (core/timeline.py). Stretches cut
    before it are all false, and cut again since the cut's version changed with it."""
    have = {c["name"] for c in inspect(connection).get_columns("stretches")}
    if "speech" not in have:
        boolean = Boolean().compile(dialect=connection.dialect)
        default = "FALSE" if connection.dialect.name == "postgresql" else "0"
        connection.execute(text(
            f"ALTER TABLE stretches ADD COLUMN speech {boolean} NOT NULL DEFAULT {default}"))


def _dropped_points(connection: Connection) -> None:
    """Where a person dropped a point on the map is kept with their tag (a file's, a
    stretch's); tags given before it have none and keep labels.corrected_point's rule."""
    quoted = connection.dialect.identifier_preparer.quote
    floating = Float().compile(dialect=connection.dialect)
    added = {"user_labels": ("valence", "arousal"),
             "stretches": ("user_valence", "user_arousal")}
    for table, columns in added.items():
        have = {c["name"] for c in inspect(connection).get_columns(table)}
        for name in columns:
            if name not in have:
                connection.execute(text(
                    f"ALTER TABLE {quoted(table)} ADD COLUMN {quoted(name)} {floating}"))


# (version, description, step). Never edit a released step; append a new one.
MIGRATIONS: tuple[tuple[int, str, Step], ...] = (
    (1, "initial schema", _initial),
    (2, "analyses.speech_likeness: the 'mostly speech' check", _speech_likeness),
    (3, "claims: files a running scan has in hand", _claims),
    (4, "playlists.play: segment only or whole files", _playlist_play),
    (5, "videos.search_text: search without case or accents, folders included", _search_text),
    (6, "timelines and stretches: emotion over time; playlist items of stretches",
     _timelines),
    (7, "playlists.name unique: no two playlists of one name", _unique_playlist_names),
    (8, "timelines.cut_version: stretches cut by another version are cut again",
     _cut_version),
    (9, "learning: embeddings and the model's own points, the layer's settings, the tag log",
     _learning),
    (10, "stretches.speech: runs of talk are stretches of talk, not an emotion",
     _speech_stretches),
    (11, "points dropped on the map: a person's tag keeps where they put it",
     _dropped_points),
)
LATEST = MIGRATIONS[-1][0]

_CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
)
_FIRST_STEP = MIGRATIONS[0][1]


def _stored_version(connection: Connection) -> int:
    value = connection.execute(text("SELECT MAX(version) FROM schema_migrations")).scalar()
    return int(value or 0)


def found_version(connection: Connection, where: str) -> int | None:
    """The schema version of the library behind `connection`, None for an empty database
    (a new library). Only reads: a role that may only read a shared library can open it.
    A database that holds anything but a ver_desktop library is refused before anything
    is written into it; `where` names it for the person."""
    tables = set(inspect(connection).get_table_names())
    if "schema_migrations" not in tables:
        if not tables:
            return None
        raise LibraryError(_not_ours(where))
    columns = {c["name"] for c in inspect(connection).get_columns("schema_migrations")}
    if not {"version", "description", "applied_at"} <= columns:
        raise LibraryError(_not_ours(where))
    first = connection.execute(text(
        "SELECT description FROM schema_migrations WHERE version = 1")).scalar()
    if first is None and tables == {"schema_migrations"}:
        return None  # a first opening stopped before it made the tables
    if first != _FIRST_STEP or "videos" not in tables:
        raise LibraryError(_not_ours(where))
    return _stored_version(connection)


def _not_ours(where: str) -> str:
    return (f"{where} holds another application's data, not a ver_desktop library; it was "
            "left untouched. Choose another library (--data-dir, or another database)")


def migrate(engine: Engine, database: Path | None, *, read_only: bool = False,
            upgrade: bool = False) -> list[int]:
    """Bring the database to `LATEST`; returns the versions applied. A library on
    read-only media is only checked: it must be at `LATEST` already. A library on a
    server is created at once, but updated only with `upgrade` (see `_migrate_server`).
    Whatever the stamp says, the tables and columns of this version must be there: a
    library stamped by an early build that lacked some is completed like an update."""
    if engine.dialect.name != "sqlite":
        return _migrate_server(engine, upgrade)
    where = f"the file {database}" if database else "this database"
    with engine.connect() as connection:
        version = found_version(connection, where)
        incomplete = version is not None and bool(missing_columns(connection))
    if version is None and read_only:
        version = 0
    _refuse_newer(version or 0)
    if version == LATEST and not incomplete:
        return []
    if read_only:
        raise LibraryError(
            f"this library was made by an older version of ver_desktop (schema version "
            f"{version}) and needs an update, but it is on read-only media. Copy its folder "
            "to a disk you can write to and open it there with --data-dir")
    if version is None:
        with engine.begin() as connection:
            return _create(connection)
    if database is not None:
        backup(database, version)
    applied = []
    for number, description, step in MIGRATIONS:
        if number > version:
            with engine.begin() as connection:
                step(connection)
                _stamp(connection, number, description)
            applied.append(number)
    with engine.begin() as connection:
        complete(connection)
    return applied


def _create(connection: Connection) -> list[int]:
    """A new library: this version's schema, stamped with every step."""
    connection.execute(text(_CREATE_TABLE))
    Base.metadata.create_all(connection)
    for number, description, _ in MIGRATIONS:
        _stamp(connection, number, description)
    return [number for number, _, _ in MIGRATIONS]


def missing_columns(connection: Connection) -> list[tuple[str, str]]:
    """(table, column) of this version's schema that the database lacks, a whole table
    counting as its columns."""
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    missing = []
    for table in Base.metadata.sorted_tables:
        have = ({c["name"] for c in inspector.get_columns(table.name)}
                if table.name in tables else set())
        missing += [(table.name, column.name) for column in table.columns
                    if column.name not in have]
    return missing


def complete(connection: Connection) -> None:
    """Add the tables and columns an early build stamped but never made (a build stamped
    version 6 without the playlist items' start and end). Only nullable or defaulted
    columns can be added to rows that exist; anything else is said, not guessed."""
    Base.metadata.create_all(connection)  # missing tables only: existing ones are kept
    for table_name, column_name in missing_columns(connection):
        column = Base.metadata.tables[table_name].columns[column_name]
        default = column.server_default
        if not column.nullable and default is None:
            raise LibraryError(
                f"this library lacks {table_name}.{column_name}, which cannot be added to "
                "the rows it has. Restore a backup, or start a new library")
        kind = column.type.compile(dialect=connection.dialect)
        quoted = connection.dialect.identifier_preparer.quote
        extra = ""
        if default is not None:
            extra = f" NOT NULL DEFAULT '{default.arg}'"  # type: ignore[attr-defined]
        connection.execute(text(
            f"ALTER TABLE {quoted(table_name)} ADD COLUMN {quoted(column_name)} {kind}{extra}"))


def _refuse_newer(version: int) -> None:
    if version > LATEST:
        raise LibraryError(
            f"this library was written by a newer version of ver_desktop (its schema is "
            f"version {version}; this version knows up to {LATEST}). It was left untouched: "
            "update ver_desktop, or open another library with --data-dir")


_SERVER_LOCK = 0x7665725F  # any fixed number: the advisory lock migrations take


def _migrate_server(engine: Engine, upgrade: bool) -> list[int]:
    """A shared library on PostgreSQL. Everything happens in one transaction under an
    advisory lock: two computers opening a new library at once take turns, and a step
    that fails leaves the library as it was (PostgreSQL's DDL is transactional). There is
    no file to copy, and other computers may still run the older version, so an update
    is not automatic: a person backs up with pg_dump, then runs `upgrade-library`.
    Opening a library that is up to date only reads, so a read-only role can use it."""
    where = f"the database {engine.url.database} on {engine.url.host or 'this computer'}"
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SERVER_LOCK})
        version = found_version(connection, where)
        if version is None:
            return _create(connection)
        _refuse_newer(version)
        incomplete = bool(missing_columns(connection))
        if version == LATEST and not incomplete:
            return []
        if not upgrade:
            raise LibraryError(_needs_upgrade(engine, version))
        applied = []
        for number, description, step in MIGRATIONS:
            if number > version:
                step(connection)
                _stamp(connection, number, description)
                applied.append(number)
        complete(connection)
        return applied


def _needs_upgrade(engine: Engine, version: int) -> str:
    url = for_people(engine.url.set(drivername="postgresql"))
    what = (f"schema version {version} to {LATEST}" if version < LATEST
            else "columns an early version left out")
    return ("this shared library needs an update "
            f"({what}) before this version of ver_desktop can use it. Make sure every "
            "computer has the new version, back it up with: pg_dump --format=custom "
            f"--file=library-v{version}.dump '{url}' and then run: ver-desktop "
            f"upgrade-library --library '{for_people(engine.url)}'")


def _stamp(connection: Connection, number: int, description: str) -> None:
    connection.execute(
        text("INSERT INTO schema_migrations (version, description, applied_at) "
             "VALUES (:v, :d, :t)"),
        {"v": number, "d": description, "t": dt.datetime.now(dt.UTC).isoformat()},
    )


def backup(database: Path, version: int) -> Path:
    """A consistent copy through SQLite's online backup API (safe with WAL)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = database.with_name(f"{database.name}.v{version}-{stamp}.bak")
    source = sqlite3.connect(database)
    try:
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)
        destination.close()
    finally:
        source.close()
    return target
