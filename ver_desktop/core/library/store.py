"""The library: the only code that talks to the database.

Writes happen from one thread at a time (the scan's writer, or the GUI's single database
worker); readers may be anywhere. SQLite runs in WAL mode so readers never block the writer.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, create_engine, event, select, update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from ver_desktop.core.bundle import Prediction
from ver_desktop.core.extract import Extracted
from ver_desktop.core.labels import OCTANT_QUADRANT, OCTANTS, QUADRANTS
from ver_desktop.core.library.migrations import migrate
from ver_desktop.core.library.schema import (
    Analysis,
    LibraryFolder,
    UserLabel,
    Video,
    VideoStatus,
    display_text,
    utcnow,
)


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

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "path": display_text(self.path), "status": self.status,
            "error": self.error_reason, "quadrant": self.quadrant, "octant": self.octant,
            "confidence": self.confidence, "valence": self.valence, "arousal": self.arousal,
            "corrected": self.corrected, "duration": self.duration, "model": self.model,
            "segment": list(self.segment) if self.segment else None,
        }


def library_url(database: Path) -> URL:
    return URL.create("sqlite", database=os.fspath(database))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Library:
    def __init__(self, url: str | URL) -> None:
        self.url = make_url(url)
        self.engine: Engine = create_engine(self.url)
        database = None
        if self.url.get_backend_name() == "sqlite" and self.url.database:
            database = Path(self.url.database)
            database.parent.mkdir(parents=True, exist_ok=True)
            event.listen(self.engine, "connect", _sqlite_pragmas)
        migrate(self.engine, database)
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
        plan = ScanPlan()
        found_by_path = {f.path: f for f in found}
        with self.session() as s, s.begin():
            known = {v.path: v for v in s.scalars(select(Video))}
            current = set(s.scalars(select(Analysis.video_id).where(
                Analysis.model_name == model[0], Analysis.model_version == model[1])))
            for stat in found_by_path.values():
                video = known.get(stat.path)
                if video is None:
                    video = _new_video(stat)
                    s.add(video)
                    plan.new += 1
                elif (video.size, video.mtime_ns) != (stat.size, stat.mtime_ns):
                    video.size, video.mtime_ns = stat.size, stat.mtime_ns
                    _reset(video)
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
            plan.missing = _mark_missing(known.values(), found_by_path, roots)
            s.flush()
            plan.to_analyse = [
                (v.id, v.path) for v in s.scalars(select(Video).where(
                    Video.status == VideoStatus.PENDING))
                if v.path in found_by_path
            ]
        return plan

    def record(self, results: Sequence[tuple[int, Extracted, Prediction]],
               failures: Sequence[tuple[int, str, str]], model: tuple[str, str]) -> None:
        """Store a batch of analyses and failures in one transaction."""
        with self.session() as s, s.begin():
            for video_id, extracted, prediction in results:
                _store_analysis(s, video_id, extracted, prediction, model)
            for video_id, kind, reason in failures:
                s.execute(update(Video).where(Video.id == video_id).values(
                    status=VideoStatus.FAILED, error_kind=kind, error_reason=reason))

    # -- corrections -----------------------------------------------------------------------

    def set_user_label(self, video_id: int, *, quadrant: str | None = None,
                       octant: str | None = None) -> None:
        """A person's own tag; an octant implies its quadrant."""
        if octant is not None:
            if octant not in OCTANTS:
                raise ValueError(f"unknown octant {octant!r}")
            quadrant = OCTANT_QUADRANT[octant]
        if quadrant is not None and quadrant not in QUADRANTS:
            raise ValueError(f"unknown quadrant {quadrant!r}")
        with self.session() as s, s.begin():
            label = s.get(UserLabel, video_id) or UserLabel(video_id=video_id)
            label.quadrant, label.octant = quadrant, octant
            s.add(label)

    def clear_user_label(self, video_id: int) -> None:
        with self.session() as s, s.begin():
            label = s.get(UserLabel, video_id)
            if label is not None:
                s.delete(label)

    # -- reading ---------------------------------------------------------------------------

    def videos(self, model: tuple[str, str], *, quadrant: str | None = None,
               octant: str | None = None, status: str | None = None) -> list[VideoRow]:
        """Videos with their effective tags (a correction wins), filtered and sorted by path."""
        query = (
            select(Video, Analysis, UserLabel)
            .outerjoin(Analysis, and_(Analysis.video_id == Video.id,
                                      Analysis.model_name == model[0],
                                      Analysis.model_version == model[1]))
            .outerjoin(UserLabel, UserLabel.video_id == Video.id)
            .order_by(Video.folder, Video.name)
        )
        if status is not None:
            query = query.where(Video.status == status)
        with self.session() as s:
            rows = [_row(v, a, u) for v, a, u in s.execute(query)]
        if quadrant is not None:
            rows = [r for r in rows if r.quadrant == quadrant]
        if octant is not None:
            rows = [r for r in rows if r.octant == octant]
        return rows

    def video_id(self, path: str) -> int | None:
        with self.session() as s:
            return s.scalar(select(Video.id).where(Video.path == path))


def _new_video(stat: FileStat) -> Video:
    path = Path(stat.path)
    return Video(path=stat.path, name=display_text(path.name),
                 folder=display_text(os.fspath(path.parent)), size=stat.size,
                 mtime_ns=stat.mtime_ns, status=VideoStatus.PENDING)


def _reset(video: Video) -> None:
    video.status = VideoStatus.PENDING
    video.error_kind = video.error_reason = None


def _mark_missing(videos: Iterable[Video], found: dict[str, FileStat],
                  roots: Sequence[str]) -> int:
    """Videos under a scanned root that discovery did not see: missing, not deleted."""
    prefixes = [os.path.join(r, "") for r in roots]
    count = 0
    for video in videos:
        if video.path in found or video.status == VideoStatus.MISSING:
            continue
        if video.path in roots or any(video.path.startswith(p) for p in prefixes):
            video.status = VideoStatus.MISSING
            count += 1
    return count


def _store_analysis(s: Session, video_id: int, extracted: Extracted, prediction: Prediction,
                    model: tuple[str, str]) -> None:
    analysis = s.scalar(select(Analysis).where(
        Analysis.video_id == video_id, Analysis.model_name == model[0],
        Analysis.model_version == model[1])) or Analysis(
        video_id=video_id, model_name=model[0], model_version=model[1])
    analysis.quadrant, analysis.octant = prediction.quadrant, prediction.octant
    analysis.confidence = prediction.confidence
    analysis.quadrant_probs, analysis.octant_probs = (prediction.quadrant_probs,
                                                      prediction.octant_probs)
    analysis.valence, analysis.arousal = prediction.valence, prediction.arousal
    analysis.segment_start, analysis.segment_end = extracted.start, extracted.end
    analysis.created_at = utcnow()
    s.add(analysis)
    s.execute(update(Video).where(Video.id == video_id).values(
        status=VideoStatus.OK, duration=extracted.duration, error_kind=None, error_reason=None))


def _row(video: Video, analysis: Analysis | None, label: UserLabel | None) -> VideoRow:
    quadrant = analysis.quadrant if analysis else None
    octant = analysis.octant if analysis else None
    corrected = label is not None and (label.quadrant or label.octant) is not None
    if label is not None and label.quadrant:
        if label.quadrant != quadrant:
            octant = None
        quadrant = label.quadrant
    if label is not None and label.octant:
        octant = label.octant
    return VideoRow(
        id=video.id, path=video.path, name=video.name, folder=video.folder,
        duration=video.duration, status=video.status, error_reason=video.error_reason,
        quadrant=quadrant, octant=octant,
        confidence=analysis.confidence if analysis else None,
        valence=analysis.valence if analysis else None,
        arousal=analysis.arousal if analysis else None,
        corrected=corrected,
        model=f"{analysis.model_name}@{analysis.model_version}" if analysis else None,
        segment=(analysis.segment_start, analysis.segment_end) if analysis else None,
    )
