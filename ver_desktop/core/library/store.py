"""The library: the only code that talks to the database.

Writes happen from one thread at a time (the scan's writer, or the GUI's single database
worker); readers may be anywhere. SQLite runs in WAL mode so readers never block the writer.
"""

from __future__ import annotations

import os
import re
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, IntegrityError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from ver_desktop.core.bundle import Prediction
from ver_desktop.core.content import SPEECH_THRESHOLD
from ver_desktop.core.errors import LibraryError
from ver_desktop.core.extract import Extracted
from ver_desktop.core.labels import (
    CORRECTED_CONFIDENCE,
    OCTANT_QUADRANT,
    OCTANTS,
    QUADRANTS,
    corrected_point,
    octant_of,
)
from ver_desktop.core.library import address, browse, claims, shared_paths, timelines
from ver_desktop.core.library.browse import BulkVideo, MapPoint, VideoFilter, under_roots
from ver_desktop.core.library.faults import check_integrity, storage_problem
from ver_desktop.core.library.migrations import found_version, migrate
from ver_desktop.core.library.schema import (
    Analysis,
    LibraryFolder,
    Playlist,
    PlaylistItem,
    UserLabel,
    Video,
    VideoStatus,
    display_text,
    utcnow,
)
from ver_desktop.core.text import searchable
from ver_desktop.core.timeline import Stretch, Timeline


@dataclass(frozen=True)
class FileStat:
    path: str
    size: int
    mtime_ns: int


@dataclass
class ScanPlan:
    """What a scan has to do, decided against the database before any decoding."""

    to_analyse: list[tuple[int, str]] = field(default_factory=list)  # (video id, path)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0
    skipped_failed: int = 0
    # Of the changed files: playlist items that played a stretch of one (they play the
    # file now) and stretches a person had tagged (gone with the old content)
    stretch_items: int = 0
    stretch_tags: int = 0


@dataclass(frozen=True)
class VideoRow:
    """A video as the user sees it: a person's correction wins over the model's tag."""

    id: int
    path: str
    name: str
    folder: str
    duration: float | None
    status: str
    error_reason: str | None
    quadrant: str | None
    octant: str | None
    confidence: float | None
    valence: float | None
    arousal: float | None
    corrected: bool
    model: str | None
    segment: tuple[float, float] | None
    mostly_speech: bool | None = None  # the emotion tag is unreliable when True
    speech_likeness: float | None = None  # what `mostly_speech` was decided from, in [0, 1]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "path": display_text(self.path), "status": self.status,
            "error": self.error_reason, "quadrant": self.quadrant, "octant": self.octant,
            "confidence": self.confidence, "valence": self.valence, "arousal": self.arousal,
            "corrected": self.corrected, "duration": self.duration, "model": self.model,
            "segment": list(self.segment) if self.segment else None,
            "mostly_speech": self.mostly_speech,
        }


@dataclass(frozen=True)
class PlaylistInfo:
    id: int
    name: str
    kind: str  # manual | rule | mood_path
    rule: dict[str, Any] | None
    play: str = "segment"  # each item plays its analysed segment, or the whole "file"


_PLAN_ATTEMPTS = 5  # concurrent scans adding the same new files
_MANY_ROWS = 5000  # new videos after which a server's query statistics are refreshed


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


class Library:
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
            self.engine: Engine = _read_only_engine(database)
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

    def session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()

    # -- folders ---------------------------------------------------------------------------

    def add_folder(self, path: str) -> None:
        with self.session() as s, s.begin():
            if s.scalar(select(LibraryFolder.id).where(LibraryFolder.path == path)) is None:
                s.add(LibraryFolder(path=path))

    def remove_folder(self, path: str) -> None:
        with self.session() as s, s.begin():
            folder = s.scalar(select(LibraryFolder).where(LibraryFolder.path == path))
            if folder is not None:
                s.delete(folder)

    def folders(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(LibraryFolder.path).order_by(LibraryFolder.path)))

    # -- scanning --------------------------------------------------------------------------

    def plan_scan(self, roots: Sequence[str], found: Iterable[FileStat], model: tuple[str, str],
                  *, retry_failed: bool = False) -> ScanPlan:
        """Record what discovery found (new rows pending, changed ones reset, vanished ones
        missing) and return the files that need analysis by `model` (name, version)."""
        found_by_path = {f.path: f for f in found}
        for _ in range(_PLAN_ATTEMPTS - 1):
            try:
                plan = self._plan(roots, found_by_path, model, retry_failed)
                break
            except IntegrityError:
                # Another scan added some of the same new files since this one read the
                # table; planning again sees them as known.
                continue
        else:
            plan = self._plan(roots, found_by_path, model, retry_failed)
        self._refresh_statistics(plan.new)
        return plan

    def _refresh_statistics(self, added: int) -> None:
        """After many new rows, PostgreSQL plans with stale statistics until autovacuum
        comes round (planning a one-file drop took 95 ms against 3 ms after 100,000 were
        imported): refresh them at once. SQLite plans without them."""
        if added >= _MANY_ROWS and self.engine.dialect.name == "postgresql":
            with self.engine.begin() as connection:
                connection.execute(text("ANALYZE videos, analyses"))

    def _plan(self, roots: Sequence[str], found_by_path: dict[str, FileStat],
              model: tuple[str, str], retry_failed: bool) -> ScanPlan:
        plan = ScanPlan()
        with self.session() as s, s.begin():
            # Only the rows under the scanned roots: a path-prefix range on the exact path
            # bytes, so planning one dropped file does not read a 100,000-row table.
            known = {v.path: v for v in s.scalars(select(Video).where(under_roots(roots)))}
            current = set(s.scalars(select(Analysis.video_id).join(
                Video, Video.id == Analysis.video_id).where(
                Analysis.model_name == model[0], Analysis.model_version == model[1],
                under_roots(roots))))
            for stat in found_by_path.values():
                video = known.get(stat.path)
                if video is None:
                    video = _new_video(stat)
                    s.add(video)
                    plan.new += 1
                elif (video.size, video.mtime_ns) != (stat.size, stat.mtime_ns):
                    video.size, video.mtime_ns = stat.size, stat.mtime_ns
                    _reset(video)
                    # every model's tag described the old content: none may pass for current
                    s.execute(delete(Analysis).where(Analysis.video_id == video.id))
                    items, tags = timelines.forget_content(s, video.id)
                    plan.stretch_items += items
                    plan.stretch_tags += tags
                    current.discard(video.id)
                    plan.changed += 1
                elif video.status == VideoStatus.FAILED and not retry_failed:
                    plan.skipped_failed += 1
                    continue
                elif video.id in current and video.status in (VideoStatus.OK,
                                                               VideoStatus.MISSING):
                    video.status = VideoStatus.OK
                    plan.unchanged += 1
                else:  # pending, a failure to retry, or tagged by another model
                    _reset(video)
            plan.missing = _mark_missing(known.values(), found_by_path)
            s.flush()
            plan.to_analyse = [
                (v.id, v.path) for v in s.scalars(select(Video).where(
                    Video.status == VideoStatus.PENDING, under_roots(roots)))
                if v.path in found_by_path
            ]
        return plan

    def known_files(self, roots: Sequence[str]) -> dict[str, tuple[int, int]]:
        """(size, mtime_ns) of the videos under `roots` that were present at the last scan."""
        query = select(Video.path, Video.size, Video.mtime_ns).where(
            Video.status != VideoStatus.MISSING, under_roots(roots))
        with self.session() as s:
            return {path: (size, mtime) for path, size, mtime in s.execute(query)}

    def record(self, results: Sequence[tuple[int, Extracted, Prediction]],
               failures: Sequence[tuple[int, str, str]], model: tuple[str, str],
               *, scan: str | None = None) -> None:
        """Store a batch of analyses and failures in one transaction; with the `scan`
        token that claimed them, its claims on these files end and the rest are renewed."""
        with self.session() as s, s.begin():
            for video_id, extracted, prediction in results:
                _store_analysis(s, video_id, extracted, prediction, model)
            for video_id, kind, reason in failures:
                s.execute(update(Video).where(Video.id == video_id).values(
                    status=VideoStatus.FAILED, error_kind=kind, error_reason=reason))
            if scan is not None:
                claims.renew(s, scan, [v for v, _, _ in results] + [v for v, _, _ in failures])

    def claim(self, scan: str, video_ids: Sequence[int]) -> set[int]:
        """Claim for the scan `scan` the files no other running scan has in hand; returns
        the ids it got (see claims.py)."""
        leftovers = claims.leftovers()  # dropped by this claim, once it commits
        with self.session() as s, s.begin():
            mine = claims.claim(s, scan, video_ids, _dialect_insert(s))
        claims.dropped(leftovers)
        return mine

    def release(self, scan: str) -> None:
        """End the scan `scan`'s claims (it finished, stopped or failed). When they cannot
        be dropped now (the server is down), this process's next claim drops them."""
        try:
            with self.session() as s, s.begin():
                claims.release(s, scan)
        except BaseException:
            claims.not_released(scan)
            raise

    # -- timelines -------------------------------------------------------------------------

    def store_timeline(self, video_id: int, model: tuple[str, str], timeline: Timeline,
                       stretches: Sequence[Stretch], *, identity: tuple[int, int] | None = None
                       ) -> timelines.NotKept | None:
        """Keep the file's timeline; with `identity` (its size and mtime before it was
        read), only if the library still knows the file so and the read was whole: else
        nothing is written and the answer says why (see `timelines.store`)."""
        try:
            with self.session() as s, s.begin():
                timelines.store(s, video_id, model, timeline, stretches, _dialect_insert(s),
                                identity)
        except timelines.Refused as refused:
            return refused.not_kept
        return None

    def timeline(self, video_id: int, model: tuple[str, str]
                 ) -> tuple[Timeline, list[timelines.StoredStretch]] | None:
        """The file's timeline and stretches from `model`, if computed."""
        with self.session() as s:
            return timelines.read(s, video_id, model)

    def stretches(self, model: tuple[str, str],
                  where: timelines.StretchFilter | None = None) -> list[timelines.StoredStretch]:
        """Stretches of one emotion across the library ("calm stretches of at least 2
        minutes"), by file name and time; filtered in SQL."""
        with self.session() as s:
            return timelines.listed(s, model, where or timelines.StretchFilter())

    def stretches_of(self, model: tuple[str, str],
                     video_ids: Sequence[int]) -> list[timelines.StoredStretch]:
        """The stretches of these files."""
        with self.session() as s:
            return timelines.of_files(s, model, video_ids)

    def stretch_points(self, model: tuple[str, str], *,
                       near: browse.Corridor | None = None) -> list[MapPoint]:
        """Stretches as map points (see `timelines.points`)."""
        with self.session() as s:
            return timelines.points(s, model, near)

    def count_stretch_points(self, model: tuple[str, str]) -> int:
        with self.session() as s:
            return timelines.count_points(s, model)

    def set_stretch_label(self, stretch_id: int, *, quadrant: str | None = None,
                          octant: str | None = None) -> None:
        """A person's tag for one stretch (no other changes); an octant implies its
        quadrant; neither: back to the model's."""
        quadrant, octant = _checked_tag(quadrant, octant)
        with self.session() as s, s.begin():
            timelines.label(s, stretch_id, quadrant, octant)

    def without_timeline(self, model: tuple[str, str], limit: int = 100) -> list[tuple[int, str]]:
        """(id, path) of tagged files that have no timeline from `model` yet."""
        with self.session() as s:
            return timelines.missing(s, model, limit)

    # -- corrections -----------------------------------------------------------------------

    def set_user_label(self, video_id: int, *, quadrant: str | None = None,
                       octant: str | None = None) -> None:
        """A person's own tag; an octant implies its quadrant."""
        quadrant, octant = _checked_tag(quadrant, octant)
        values = {"quadrant": quadrant, "octant": octant, "updated_at": utcnow()}
        with self.session() as s, s.begin():
            # One statement: two people tagging the same video at once (a shared library)
            # cannot both insert; the last one to write wins.
            statement = _dialect_insert(s)(UserLabel).values(video_id=video_id, **values)
            s.execute(statement.on_conflict_do_update(index_elements=["video_id"],
                                                      set_=values))

    def clear_user_label(self, video_id: int) -> None:
        with self.session() as s, s.begin():
            label = s.get(UserLabel, video_id)
            if label is not None:
                s.delete(label)

    # -- reading ---------------------------------------------------------------------------

    def videos(self, model: tuple[str, str], where: VideoFilter | None = None, *,
               quadrant: str | None = None, octant: str | None = None,
               status: str | None = None) -> list[VideoRow]:
        """Videos with their effective tags (a correction wins) that pass `where` (and the
        shorthand `quadrant`, `octant`, `status`), by folder and name; filtered in SQL."""
        where = where or VideoFilter()
        if quadrant:
            where = replace(where, quadrants=frozenset({quadrant}))
        if octant:
            where = replace(where, octants=frozenset({octant}))
        if status:
            where = replace(where, statuses=frozenset({status}))
        query = browse.apply_filter(browse.joined(select(Video, Analysis, UserLabel), model),
                                    where).order_by(Video.folder, Video.name, Video.id)
        with self.session() as s:
            return [_row(v, a, u) for v, a, u in s.execute(query)]

    def change_stamp(self) -> tuple[Any, ...]:
        """Something that differs whenever anyone changed the library: rows added,
        removed or updated, tags, corrections, playlists. A window on a shared library
        polls it to show what other people did."""
        tables = ((Video, Video.updated_at), (Analysis, Analysis.created_at),
                  (UserLabel, UserLabel.updated_at), (Playlist, Playlist.updated_at))
        with self.session() as s:
            return tuple(value for table, stamp in tables for value in s.execute(
                select(func.count(), func.max(stamp)).select_from(table)).one())

    def video_id(self, path: str) -> int | None:
        with self.session() as s:
            return s.scalar(select(Video.id).where(Video.path == path))

    # -- browsing a large library (the GUI holds ids and reads rows a page at a time) -----

    def video_ids(self, model: tuple[str, str], where: VideoFilter | None = None, *,
                  sort: str = "name", descending: bool = False) -> list[int]:
        """Ids of the videos that pass `where`, sorted by a `browse.SORT_KEYS` column
        (missing values last)."""
        query = browse.ids_query(model, where or VideoFilter(), sort, descending)
        with self.session() as s:
            return list(s.scalars(query))

    def rows(self, model: tuple[str, str], ids: Sequence[int]) -> dict[int, VideoRow]:
        """The rows of `ids` (those that still exist), keyed by id."""
        found: dict[int, VideoRow] = {}
        with self.session() as s:
            for part in browse.chunks(list(ids)):
                query = browse.joined(select(Video, Analysis, UserLabel), model)
                for v, a, u in s.execute(query.where(Video.id.in_(part))):
                    found[v.id] = _row(v, a, u)
        return found

    def probabilities(self, model: tuple[str, str],
                      video_id: int) -> tuple[dict[str, float], dict[str, float]] | None:
        """The model's quadrant and octant probabilities for one video, if analysed."""
        with self.session() as s:
            found = s.execute(select(Analysis.quadrant_probs, Analysis.octant_probs).where(
                Analysis.video_id == video_id, Analysis.model_name == model[0],
                Analysis.model_version == model[1])).first()
        return None if found is None else (dict(found[0]), dict(found[1]))

    def map_points(self, model: tuple[str, str], where: VideoFilter | None = None, *,
                   near: browse.Corridor | None = None) -> list[MapPoint]:
        """Every analysed video as a point at its valence/arousal; with `near`
        (start, target, radius), only reliable ones near that segment (see
        `browse.near_segment`)."""
        with self.session() as s:
            return [MapPoint(*row) for row in s.execute(
                browse.points_query(model, where or VideoFilter(), near))]

    def count_mood_points(self, model: tuple[str, str]) -> int:
        """How many videos a mood path can choose from: analysed, with a reliable tag."""
        query = browse.joined(select(func.count(Video.id)), model).where(
            Analysis.valence.is_not(None), browse.reliable())
        with self.session() as s:
            return int(s.scalar(query) or 0)

    def count(self, where: VideoFilter | None = None, *,
              model: tuple[str, str] = ("", "")) -> int:
        query = browse.apply_filter(browse.joined(select(func.count(Video.id)), model),
                                    where or VideoFilter())
        with self.session() as s:
            return int(s.scalar(query) or 0)

    def bulk_add(self, entries: Sequence[BulkVideo], model: tuple[str, str]) -> int:
        """Insert many videos (and their tags) in one transaction; returns how many."""
        if not entries:
            return 0  # an empty insert would be one row of defaults
        with self.session() as s, s.begin():
            s.execute(insert(Video), [_bulk_video(e) for e in entries])
            tagged = [e.path for e in entries if e.analysis]
            by_path: dict[str, int] = {}
            for part in browse.chunks(tagged):
                query = select(Video.path, Video.id).where(Video.path.in_(part))
                by_path.update((path, vid) for path, vid in s.execute(query))
            analyses = [{**e.analysis, "video_id": by_path[e.path], "model_name": model[0],
                         "model_version": model[1]} for e in entries if e.analysis]
            if analyses:
                s.execute(insert(Analysis), analyses)
        self._refresh_statistics(len(entries))
        return len(entries)

    def forget_folder(self, path: str) -> int:
        """Remove a library folder and the videos under it that no other library folder
        holds (their tags, corrections and playlist entries go with them). Files on disk
        are never touched. Returns how many videos were forgotten."""
        self.remove_folder(path)
        others = self.folders()  # nested ones included: they stay, and so do their videos
        with self.session() as s, s.begin():
            doomed = list(s.scalars(select(Video.id).where(
                under_roots([path]), ~under_roots(others))))
            for part in browse.chunks(doomed):
                s.execute(delete(Video).where(Video.id.in_(part)))
        return len(doomed)

    def forget_videos(self, video_ids: Sequence[int]) -> int:
        """Remove these videos from the library (a missing file, a file not wanted); their
        tags, corrections and playlist entries go with them. Files on disk are never
        touched, and a rescan of a folder that still holds one adds it again."""
        with self.session() as s, s.begin():
            for part in browse.chunks(list(video_ids)):
                s.execute(delete(Video).where(Video.id.in_(part)))
        return len(video_ids)

    # -- playlists -------------------------------------------------------------------------

    def create_playlist(self, name: str, kind: str, rule: dict[str, Any] | None = None,
                        video_ids: Sequence[int] = (), play: str = "segment",
                        spans: Sequence[Span | None] | None = None) -> int:
        """A playlist of `video_ids` in order; `spans` (one per video, or None) makes items
        of stretches: each plays from its start to its end, whatever `play` says."""
        if kind not in PLAYLIST_KINDS:
            raise ValueError(f"unknown playlist kind {kind!r}")
        check_play(play)
        with _one_name(name), self.session() as s, s.begin():
            playlist = Playlist(name=_playlist_name(name), kind=kind, rule=rule, play=play)
            s.add(playlist)
            s.flush()
            _write_items(s, playlist.id, _items(video_ids, spans))
            return playlist.id

    def playlists(self) -> list[PlaylistInfo]:
        with self.session() as s:
            return [PlaylistInfo(p.id, p.name, p.kind, p.rule, p.play)
                    for p in s.scalars(select(Playlist).order_by(func.lower(Playlist.name),
                                                                 Playlist.id))]

    def playlist(self, playlist_id: int) -> PlaylistInfo | None:
        with self.session() as s:
            p = s.get(Playlist, playlist_id)
            return None if p is None else PlaylistInfo(p.id, p.name, p.kind, p.rule, p.play)

    def update_playlist(self, playlist_id: int, *, name: str | None = None,
                        rule: dict[str, Any] | None = None, play: str | None = None) -> None:
        if play is not None:
            check_play(play)
        with _one_name(name or ""), self.session() as s, s.begin():
            playlist = s.get(Playlist, playlist_id)
            if playlist is None:
                raise KeyError(playlist_id)
            if name is not None:
                playlist.name = _playlist_name(name)
            if rule is not None:
                playlist.rule = rule
            if play is not None:
                playlist.play = play

    def delete_playlist(self, playlist_id: int) -> None:
        with self.session() as s, s.begin():
            s.execute(delete(Playlist).where(Playlist.id == playlist_id))

    def playlist_video_ids(self, playlist_id: int) -> list[int]:
        """A manual or mood-path playlist's videos in order (a smart playlist's come from
        its rule: see `ver_desktop.core.playlists`)."""
        return [video_id for video_id, _ in self.playlist_items(playlist_id)]

    def playlist_items(self, playlist_id: int) -> list[Item]:
        """A manual or mood-path playlist's items in order: (video id, its stretch or
        None)."""
        with self.session() as s:
            return _read_items(s, playlist_id)

    def set_playlist_items(self, playlist_id: int, video_ids: Sequence[int],
                           spans: Sequence[Span | None] | None = None) -> None:
        """Replace a playlist's items with `video_ids`, in that order (reordering too).
        Without `spans`, each video keeps the stretch it had in the playlist (the first
        one not yet taken, for a video listed more than once)."""
        def edit(current: list[Item]) -> list[Item]:
            if spans is not None:
                return _items(video_ids, spans)
            left = list(current)
            kept = []
            for video_id in video_ids:
                found = next((item for item in left if item[0] == video_id), (video_id, None))
                if found in left:
                    left.remove(found)
                kept.append(found)
            return kept

        self._edit_items(playlist_id, edit)

    def add_to_playlist(self, playlist_id: int, video_ids: Sequence[int],
                        spans: Sequence[Span | None] | None = None) -> None:
        """Append items not already in the playlist (a video, or a stretch of it)."""
        new = _items(video_ids, spans)
        self._edit_items(playlist_id, lambda current: current + [
            item for item in dict.fromkeys(new) if item not in set(current)])

    def remove_from_playlist(self, playlist_id: int, video_ids: Sequence[int]) -> None:
        """Remove every item of these videos."""
        gone = set(video_ids)
        self._edit_items(playlist_id, lambda current: [i for i in current if i[0] not in gone])

    def _edit_items(self, playlist_id: int, edit: Callable[[list[Item]], list[Item]]) -> None:
        """Read, change and write a playlist's items in one transaction that writes the
        playlist's row first: two people editing one playlist of a shared library take
        turns (PostgreSQL's row lock; SQLite's write lock, taken before any read so the
        transaction never has to upgrade) instead of one edit's rows surviving beside the
        other's."""
        with self.session() as s, s.begin():
            s.execute(update(Playlist).where(Playlist.id == playlist_id)
                      .values(updated_at=utcnow()))
            current = _read_items(s, playlist_id)
            s.execute(delete(PlaylistItem).where(PlaylistItem.playlist_id == playlist_id))
            _write_items(s, playlist_id, edit(current))


PLAY_MODES = ("segment", "file")  # what each item of a playlist plays
# manual | smart of files ("rule") | mood path | smart of stretches (a StretchFilter)
PLAYLIST_KINDS = ("manual", "rule", "mood_path", "stretches")


def check_play(play: str) -> None:
    if play not in PLAY_MODES:
        raise ValueError(f"a playlist plays one of {', '.join(PLAY_MODES)}, not {play!r}")


MAX_PLAYLIST_NAME = 200  # characters; a unique index on PostgreSQL holds ~2,700 bytes


class PlaylistNameTaken(LibraryError):
    """Another playlist has this name (perhaps made a moment ago in another window)."""


def _playlist_name(name: str) -> str:
    if not name.strip():
        raise LibraryError("a playlist needs a name")
    if len(name) > MAX_PLAYLIST_NAME:
        raise LibraryError(f"a playlist's name is at most {MAX_PLAYLIST_NAME} characters")
    return _storable(name)


@contextmanager
def _one_name(name: str) -> Iterator[None]:
    """The database keeps playlist names unique; its refusal becomes a sentence."""
    try:
        yield
    except IntegrityError as exc:
        if "name" not in str(exc.orig):
            raise
        raise PlaylistNameTaken(f"a playlist named {name!r} exists already; choose another "
                                "name") from None


def _storable(text: str) -> str:
    """`text` as UTF-8 can hold it: an unpaired surrogate (from a file name that is not
    valid UTF-8, pasted) becomes U+FFFD instead of failing the write."""
    return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


Span = tuple[float, float]  # seconds from the start of the file
Item = tuple[int, Span | None]  # a playlist item: a video, and the stretch of it it plays


def _items(video_ids: Sequence[int], spans: Sequence[Span | None] | None) -> list[Item]:
    if spans is None:
        return [(v, None) for v in video_ids]
    if len(spans) != len(video_ids):
        raise ValueError("give one span (or None) per video")
    return [(v, None if span is None else (float(span[0]), float(span[1])))
            for v, span in zip(video_ids, spans, strict=True)]


def _read_items(s: Session, playlist_id: int) -> list[Item]:
    rows = s.execute(select(PlaylistItem.video_id, PlaylistItem.start, PlaylistItem.end)
                     .where(PlaylistItem.playlist_id == playlist_id)
                     .order_by(PlaylistItem.position, PlaylistItem.id))
    return [(v, None if start is None or end is None else (start, end))
            for v, start, end in rows]


def _write_items(s: Session, playlist_id: int, items: Sequence[Item]) -> None:
    if items:
        s.execute(insert(PlaylistItem), [
            {"playlist_id": playlist_id, "video_id": v, "position": i,
             "start": span[0] if span else None, "end": span[1] if span else None}
            for i, (v, span) in enumerate(items)])


def _names(path_text: str) -> tuple[str, str]:
    """The file's name and its folder as text, the folder in the form every computer
    sharing the library agrees on."""
    path = Path(shared_paths.current().to_shared(path_text))
    return display_text(path.name), display_text(os.fspath(path.parent))


def _bulk_video(entry: BulkVideo) -> dict[str, Any]:
    name, folder = _names(entry.path)
    return {"path": entry.path, "name": name, "folder": folder,
            "search_text": searchable(name, folder), "size": entry.size,
            "mtime_ns": entry.mtime_ns, "duration": entry.duration, "status": entry.status,
            "error_kind": entry.error_kind, "error_reason": entry.error_reason}


def _checked_tag(quadrant: str | None, octant: str | None) -> tuple[str | None, str | None]:
    if octant is not None:
        if octant not in OCTANTS:
            raise ValueError(f"unknown octant {octant!r}")
        quadrant = OCTANT_QUADRANT[octant]
    if quadrant is not None and quadrant not in QUADRANTS:
        raise ValueError(f"unknown quadrant {quadrant!r}")
    return quadrant, octant


def _new_video(stat: FileStat) -> Video:
    name, folder = _names(stat.path)
    return Video(path=stat.path, name=name, folder=folder,
                 search_text=searchable(name, folder), size=stat.size,
                 mtime_ns=stat.mtime_ns, status=VideoStatus.PENDING)


def _reset(video: Video) -> None:
    video.status = VideoStatus.PENDING
    video.error_kind = video.error_reason = None


def _mark_missing(videos: Iterable[Video], found: dict[str, FileStat]) -> int:
    """Videos under the scanned roots (all of `videos`, as `under_roots` selected them) that
    discovery did not see: missing, not deleted."""
    count = 0
    for video in videos:
        if video.path not in found and video.status != VideoStatus.MISSING:
            video.status = VideoStatus.MISSING
            count += 1
    return count


def _store_analysis(s: Session, video_id: int, extracted: Extracted, prediction: Prediction,
                    model: tuple[str, str]) -> None:
    """Insert or replace one model's tag in one statement: two writers storing the same
    file's tag at once (two scans, the app beside the command line) cannot collide on the
    (video, model) key between a read and a write."""
    values = {
        "quadrant": prediction.quadrant, "octant": prediction.octant,
        "confidence": prediction.confidence, "quadrant_probs": prediction.quadrant_probs,
        "octant_probs": prediction.octant_probs, "valence": prediction.valence,
        "arousal": prediction.arousal, "segment_start": extracted.start,
        "segment_end": extracted.end, "speech_likeness": extracted.speech_likeness,
        "created_at": utcnow(),
    }
    statement = _dialect_insert(s)(Analysis).values(
        video_id=video_id, model_name=model[0], model_version=model[1], **values)
    s.execute(statement.on_conflict_do_update(
        index_elements=["video_id", "model_name", "model_version"], set_=values))
    s.execute(update(Video).where(Video.id == video_id).values(
        status=VideoStatus.OK, duration=extracted.duration, error_kind=None, error_reason=None))


def _dialect_insert(s: Session) -> Any:
    """INSERT with ON CONFLICT, which SQLite and PostgreSQL both speak."""
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _row(video: Video, analysis: Analysis | None, label: UserLabel | None) -> VideoRow:
    """The row as everyone sees it: a person's tag wins by `labels.corrected_point`'s rule
    (browse.py's SQL applies the same one)."""
    quadrant = analysis.quadrant if analysis else None
    octant = analysis.octant if analysis else None
    confidence = analysis.confidence if analysis else None
    point = (analysis.valence, analysis.arousal) if analysis else None
    corrected = label is not None and (label.quadrant or label.octant) is not None
    if label is not None and corrected:
        quadrant = label.quadrant or OCTANT_QUADRANT[str(label.octant)]
        confidence = CORRECTED_CONFIDENCE
        if point is not None:
            point = corrected_point(*point, quadrant, label.octant)
        octant = label.octant or (octant_of(*point) if point is not None else None)
    return VideoRow(
        id=video.id, path=video.path, name=video.name, folder=video.folder,
        duration=video.duration, status=video.status, error_reason=video.error_reason,
        quadrant=quadrant, octant=octant, confidence=confidence,
        valence=point[0] if point else None, arousal=point[1] if point else None,
        corrected=corrected,
        model=f"{analysis.model_name}@{analysis.model_version}" if analysis else None,
        segment=(analysis.segment_start, analysis.segment_end) if analysis else None,
        mostly_speech=_mostly_speech(analysis),
        speech_likeness=analysis.speech_likeness if analysis else None,
    )


def _mostly_speech(analysis: Analysis | None) -> bool | None:
    if analysis is None or analysis.speech_likeness is None:
        return None
    return analysis.speech_likeness >= SPEECH_THRESHOLD
