"""Reading the library's videos: rows with their effective tags (a person's wins), ids
sorted and filtered for browsing, map points and counts; adding many at once and
forgetting some. The queries themselves are in browse.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import delete, func, insert, select

from ver_desktop.core.content import SPEECH_THRESHOLD
from ver_desktop.core.labels import (
    CORRECTED_CONFIDENCE,
    OCTANT_QUADRANT,
    corrected_point,
    octant_of,
)
from ver_desktop.core.library import browse, following
from ver_desktop.core.library.base import LibraryBase, names
from ver_desktop.core.library.browse import BulkVideo, MapPoint, VideoFilter
from ver_desktop.core.library.schema import (
    Analysis,
    LearningSettings,
    Playlist,
    UserLabel,
    Video,
    display_text,
    model_values,
    of_model,
)
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.text import searchable

NO_MODEL = ModelKey("", "")  # no model's tag: counting the videos alone


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
    # The model's own tag (read off its own point), and whether the shown one differs
    # from it because the personal layer adjusted it to a person's tags (issue 22)
    own_quadrant: str | None = None
    own_octant: str | None = None
    adjusted: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "path": display_text(self.path), "status": self.status,
            "error": self.error_reason, "quadrant": self.quadrant, "octant": self.octant,
            "confidence": self.confidence, "valence": self.valence, "arousal": self.arousal,
            "corrected": self.corrected, "duration": self.duration, "model": self.model,
            "segment": list(self.segment) if self.segment else None,
            "mostly_speech": self.mostly_speech, "adjusted": self.adjusted,
            "model_quadrant": self.own_quadrant, "model_octant": self.own_octant,
        }


class VideoStore(LibraryBase):
    def videos(self, model: ModelKey, where: VideoFilter | None = None, *,
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
                  (UserLabel, UserLabel.updated_at), (Playlist, Playlist.updated_at),
                  (LearningSettings, LearningSettings.relearned_at))
        with self.session() as s:
            return tuple(value for table, stamp in tables for value in s.execute(
                select(func.count(), func.max(stamp)).select_from(table)).one())

    def video_id(self, path: str) -> int | None:
        with self.session() as s:
            return s.scalar(select(Video.id).where(Video.path == path))

    # -- browsing a large library (the GUI holds ids and reads rows a page at a time) -----

    def video_ids(self, model: ModelKey, where: VideoFilter | None = None, *,
                  sort: str = "name", descending: bool = False) -> list[int]:
        """Ids of the videos that pass `where`, sorted by a `browse.SORT_KEYS` column
        (missing values last)."""
        query = browse.ids_query(model, where or VideoFilter(), sort, descending)
        with self.session() as s:
            return list(s.scalars(query))

    def rows(self, model: ModelKey, ids: Sequence[int]) -> dict[int, VideoRow]:
        """The rows of `ids` (those that still exist), keyed by id."""
        found: dict[int, VideoRow] = {}
        with self.session() as s:
            for part in browse.chunks(list(ids)):
                query = browse.joined(select(Video, Analysis, UserLabel), model)
                for v, a, u in s.execute(query.where(Video.id.in_(part))):
                    found[v.id] = _row(v, a, u)
        return found

    def probabilities(self, model: ModelKey,
                      video_id: int) -> tuple[dict[str, float], dict[str, float]] | None:
        """The model's quadrant and octant probabilities for one video, if analysed."""
        with self.session() as s:
            found = s.execute(select(Analysis.quadrant_probs, Analysis.octant_probs).where(
                Analysis.video_id == video_id, *of_model(Analysis, model))).first()
        return None if found is None else (dict(found[0]), dict(found[1]))

    def map_points(self, model: ModelKey, where: VideoFilter | None = None, *,
                   near: browse.Corridor | None = None) -> list[MapPoint]:
        """Every analysed video as a point at its valence/arousal; with `near`
        (start, target, radius), only reliable ones near that segment (see
        `browse.near_segment`)."""
        with self.session() as s:
            return [MapPoint(*row) for row in s.execute(
                browse.points_query(model, where or VideoFilter(), near))]

    def count_mood_points(self, model: ModelKey) -> int:
        """How many videos a mood path can choose from: analysed, with a reliable tag."""
        query = browse.joined(select(func.count(Video.id)), model).where(
            Analysis.valence.is_not(None), browse.reliable())
        with self.session() as s:
            return int(s.scalar(query) or 0)

    def count(self, where: VideoFilter | None = None, *,
              model: ModelKey = NO_MODEL) -> int:
        query = browse.apply_filter(browse.joined(select(func.count(Video.id)), model),
                                    where or VideoFilter())
        with self.session() as s:
            return int(s.scalar(query) or 0)

    # -- adding and forgetting -------------------------------------------------------------

    def bulk_add(self, entries: Sequence[BulkVideo], model: ModelKey) -> int:
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
            analyses = [{"own_valence": e.analysis.get("valence"),
                         "own_arousal": e.analysis.get("arousal"), **e.analysis,
                         "video_id": by_path[e.path], **model_values(model)}
                        for e in entries if e.analysis]
            if analyses:
                s.execute(insert(Analysis), analyses)
        self._refresh_statistics(len(entries))
        return len(entries)

    def forget_videos(self, video_ids: Sequence[int]) -> int:
        """Remove these videos from the library (a missing file, a file not wanted); their
        tags, corrections and playlist entries go with them. Files on disk are never
        touched, and a rescan of a folder that still holds one adds it again."""
        with self.session() as s, s.begin():
            for part in browse.chunks(list(video_ids)):
                s.execute(delete(Video).where(Video.id.in_(part)))
        return len(video_ids)


def _bulk_video(entry: BulkVideo) -> dict[str, Any]:
    name, folder = names(entry.path)
    return {"path": entry.path, "name": name, "folder": folder,
            "search_text": searchable(name, folder), "size": entry.size,
            "mtime_ns": entry.mtime_ns, "duration": entry.duration, "status": entry.status,
            "error_kind": entry.error_kind, "error_reason": entry.error_reason}


def _row(video: Video, analysis: Analysis | None, label: UserLabel | None) -> VideoRow:
    """The row as everyone sees it: a person's tag wins by `labels.corrected_point`'s rule
    (browse.py's SQL applies the same one)."""
    quadrant = analysis.quadrant if analysis else None
    octant = analysis.octant if analysis else None
    own_quadrant, own_octant = _own_tag(analysis)
    confidence = analysis.confidence if analysis else None
    point = (analysis.valence, analysis.arousal) if analysis else None
    corrected = label is not None and (label.quadrant or label.octant) is not None
    if label is not None and corrected:
        quadrant = label.quadrant or OCTANT_QUADRANT[str(label.octant)]
        confidence = CORRECTED_CONFIDENCE
        if point is not None:
            point = corrected_point(*point, quadrant, label.octant,
                                    (label.valence, label.arousal))
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
        own_quadrant=own_quadrant, own_octant=own_octant,
        adjusted=(analysis is not None and not corrected
                  and (analysis.quadrant, analysis.octant) != (own_quadrant, own_octant)),
    )


def _own_tag(analysis: Analysis | None) -> tuple[str | None, str | None]:
    if analysis is None:
        return None, None
    return following.own_tag(analysis.quadrant, analysis.octant, analysis.valence,
                             analysis.arousal, (analysis.own_valence, analysis.own_arousal))


def _mostly_speech(analysis: Analysis | None) -> bool | None:
    if analysis is None or analysis.speech_likeness is None:
        return None
    return analysis.speech_likeness >= SPEECH_THRESHOLD
