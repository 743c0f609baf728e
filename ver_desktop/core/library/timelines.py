"""Timelines and stretches in the library: stored per file and model, replaced together,
gone with the file's old content when it changes (see `scans.ScanStore._plan`). A
timeline whose stretches another version of `timeline.cut` made counts as not there yet:
it is worked out and cut again (a person's tags on its stretches are kept)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from ver_desktop.core.labels import OCTANT_QUADRANT, corrected_point, octant_of
from ver_desktop.core.library import browse, following
from ver_desktop.core.library.browse import MapPoint
from ver_desktop.core.library.schema import (
    Analysis,
    PlaylistItem,
    StretchRow,
    TimelineRow,
    Video,
    VideoStatus,
    display_text,
    model_values,
    of_model,
    utcnow,
)
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.text import clock
from ver_desktop.core.timeline import Stretch, Timeline


@dataclass(frozen=True)
class StoredStretch:
    """A stretch as the library holds it: with its id and its file's."""

    id: int
    video_id: int
    stretch: Stretch  # as everyone sees it: a person's tag wins
    path: str = ""  # its file's, when listed across files
    name: str = ""
    corrected: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "video_id": self.video_id, "path": display_text(self.path),
                **self.stretch.to_json(), "corrected": self.corrected}


@dataclass(frozen=True)
class StretchFilter:
    """Which stretches to list: empty sets and None mean no constraint."""

    quadrants: frozenset[str] = frozenset()
    octants: frozenset[str] = frozenset()
    min_seconds: float | None = None  # compared as shown: to the nearest second
    max_seconds: float | None = None
    search: str = ""  # part of the file's name or nearest folders
    # Talk has no emotion: left out unless asked, also when no emotion is chosen ("Any
    # emotion" listed it with "Include talk" off); a person's tag on talk keeps it in
    include_talk: bool = False


EVERY = StretchFilter(include_talk=True)  # every stretch, talk too (the map's points)


@dataclass(frozen=True)
class NotKept:
    """Why a worked-out timeline was not stored, in words."""

    reason: str
    retry: bool = False  # the file changed: worked out again once a scan has seen it


CHANGED = NotKept("the file has changed since the library last scanned it (or while it "
                  "was read), so that timeline was not kept; it is worked out again after "
                  "the file's next scan", retry=True)
GONE = NotKept("the file is no longer in the library, so its timeline was not kept")
SHORT_SLACK = 6.0  # seconds (two points) a whole read may fall short of the stated length
SHORT_SHARE = 0.05  # and the share of it, for containers that state it loosely


class Refused(Exception):
    """Raised inside the storing transaction so that nothing of it is written."""

    def __init__(self, not_kept: NotKept) -> None:
        super().__init__(not_kept.reason)
        self.not_kept = not_kept


def store(s: Session, video_id: int, model: ModelKey, timeline: Timeline,
          stretches: Sequence[Stretch], upsert: Any,
          identity: tuple[int, int] | None = None, *, cut_version: int) -> None:
    """Insert or replace the file's timeline and stretches for `model`, in one go
    (`upsert`: the dialect's INSERT that speaks ON CONFLICT), with the version of the cut
    that made the stretches. With `identity` (the file's size and mtime before it was
    read), raises `Refused` when the library now knows the file as another (it changed
    while read) or when the read fell short of the file's length. A person's tag on a
    stretch is kept (see `_restretched`)."""
    # The file's row first: on a server, a scan that sees the file change waits for us (or
    # we for it); the timeline's upsert then takes SQLite's write lock before the check.
    if s.scalar(select(Video.id).where(Video.id == video_id).with_for_update()) is None:
        raise Refused(GONE)
    data = timeline.to_bytes()
    values = {"data": data, "created_at": utcnow(), "cut_version": cut_version}
    statement = upsert(TimelineRow).values(video_id=video_id, **model_values(model), **values)
    s.execute(statement.on_conflict_do_update(
        index_elements=["video_id", "model_name", "model_version"], set_=values))
    if identity is not None:
        _check(s, video_id, identity, timeline.duration)
    _restretched(s, video_id, model, stretches)
    _refresh_speech(s, video_id, model, timeline)


def _refresh_speech(s: Session, video_id: int, model: ModelKey, timeline: Timeline) -> None:
    """The file's talk share from its timeline, which read all of it: the larger of the
    analysed segment's (its patches as a scan picks them: is the tag reliable?) and the
    whole file's (is it mostly talk?), so that a film of talk whose segment happens to be
    a song is flagged too. A file scanned before talk was detected gets its figure when
    its timeline is worked out again (the cut's version changed with it)."""
    from ver_desktop.core.content import CHECKED_PATCHES
    from ver_desktop.core.encoder import spread

    if timeline.talk is None or not len(timeline.talk):
        return
    span = s.execute(select(Analysis.segment_start, Analysis.segment_end).where(
        Analysis.video_id == video_id, *of_model(Analysis, model))).first()
    if span is None or span[0] is None or span[1] is None:
        return
    first = round(span[0] / timeline.hop)
    last = min(len(timeline.talk), max(first + 1, round(span[1] / timeline.hop)))
    first = min(first, last - 1)
    picked = first + spread(last - first, CHECKED_PATCHES)
    share = round(max(float(np.mean(timeline.talk[picked])), float(np.mean(timeline.talk))), 4)
    s.execute(update(Analysis).where(Analysis.video_id == video_id, *of_model(Analysis, model))
              .values(speech_likeness=share))


def _check(s: Session, video_id: int, identity: tuple[int, int], read: float) -> None:
    size, mtime_ns, known = s.execute(select(Video.size, Video.mtime_ns, Video.duration)
                                      .where(Video.id == video_id)).one()
    if (size, mtime_ns) != tuple(identity):
        raise Refused(CHANGED)
    if known and read < known - max(SHORT_SLACK, SHORT_SHARE * known):
        raise Refused(NotKept(
            f"only {clock(read)} of its {clock(known)} could be read (the file may be "
            "damaged or still being written), so no timeline was kept"))


def _restretched(s: Session, video_id: int, model: ModelKey,
                 stretches: Sequence[Stretch]) -> None:
    """Replace the file's stretches with `stretches`, keeping people's tags: a stretch that
    is still there (same start and end) is updated in place (its id and tag stay); a
    tagged one that is not gives its tag to the new stretch that covers most of it."""
    old = list(s.scalars(select(StretchRow).where(*_of(video_id, model))))
    by_span = {_span(r.start, r.end): r for r in old}
    twins = [r.id for r in old if by_span[_span(r.start, r.end)] is not r]
    kept: dict[int, StretchRow] = {}  # index in `stretches` -> the row it keeps
    for i, x in enumerate(stretches):
        row = by_span.pop(_span(x.start, x.end), None)
        if row is not None:
            row.quadrant, row.octant, row.speech = x.quadrant, x.octant, x.speech
            row.valence, row.arousal = x.valence, x.arousal
            row.own_valence, row.own_arousal = x.valence, x.arousal
            kept[i] = row
    tags: dict[int, UserTag] = {i: _user_tag(row) for i, row in kept.items() if _tagged(row)}
    gone = [row for row in by_span.values() if _tagged(row)]
    for row in sorted(gone, key=lambda r: r.start - r.end):  # the longest first
        heir = _heir(row, stretches) if stretches else None
        if heir is not None and heir not in tags:  # a tag already there stays
            tags[heir] = _user_tag(row)
            if heir in kept:
                (kept[heir].user_quadrant, kept[heir].user_octant, kept[heir].user_valence,
                 kept[heir].user_arousal) = tags[heir]
    if by_span or twins:
        s.execute(delete(StretchRow).where(StretchRow.id.in_(
            [*twins, *(r.id for r in by_span.values())])))
    s.flush()
    new = [{"video_id": video_id, **model_values(model),
            "start": x.start, "end": x.end, "quadrant": x.quadrant, "octant": x.octant,
            "valence": x.valence, "arousal": x.arousal,
            "own_valence": x.valence, "own_arousal": x.arousal, "speech": x.speech,
            **dict(zip(("user_quadrant", "user_octant", "user_valence", "user_arousal"),
                       tags.get(i, NO_TAG), strict=True))}
           for i, x in enumerate(stretches) if i not in kept]
    if new:
        s.execute(insert(StretchRow), new)
    s.flush()
    following.follow(s, [video_id], model)  # the model's own points, shown as the file is


# A stretch's own tag: quadrant, octant and the point dropped on the map (or None)
UserTag = tuple[str | None, str | None, float | None, float | None]
NO_TAG: UserTag = (None, None, None, None)


def _user_tag(row: StretchRow) -> UserTag:
    return row.user_quadrant, row.user_octant, row.user_valence, row.user_arousal


def _tagged(row: StretchRow) -> bool:
    return row.user_quadrant is not None or row.user_octant is not None


def _span(start: float, end: float) -> tuple[float, float]:
    return round(start, 3), round(end, 3)


def _heir(row: StretchRow, stretches: Sequence[Stretch]) -> int:
    """The new stretch that covers most of an old one (the nearest when none overlaps)."""
    def overlap(x: Stretch) -> float:
        return min(x.end, row.end) - max(x.start, row.start)  # negative: the gap between

    return max(range(len(stretches)), key=lambda i: overlap(stretches[i]))


def read(s: Session, video_id: int, model: ModelKey,
         cut_version: int) -> tuple[Timeline, list[StoredStretch]] | None:
    """The file's timeline and stretches, if `cut_version` cut them: the model's own
    points moved as the file's was, as its stretches are (see following.py)."""
    data = s.scalar(select(TimelineRow.data).where(
        TimelineRow.video_id == video_id, *of_model(TimelineRow, model),
        TimelineRow.cut_version == cut_version))
    if data is None:
        return None
    rows = s.scalars(select(StretchRow).where(*_of(video_id, model))
                     .order_by(StretchRow.start))
    own = Timeline.from_bytes(bytes(data))
    file = following.file_effective(s, video_id, model)
    dv, da = (0.0, 0.0) if file is None else file.layer_shift
    shown = replace(own, valence=(own.valence + dv).astype(np.float32),
                    arousal=(own.arousal + da).astype(np.float32))
    return shown, [_stored(r, "", "") for r in rows]


def missing(s: Session, model: ModelKey, limit: int,
            cut_version: int) -> list[tuple[int, str]]:
    """Tagged files without a timeline from `model` whose stretches `cut_version` cut,
    shortest first: many files get theirs before one long film holds the queue."""
    has = select(TimelineRow.id).where(and_(
        TimelineRow.video_id == Video.id, *of_model(TimelineRow, model),
        TimelineRow.cut_version == cut_version)).exists()
    query = (select(Video.id, Video.path).where(Video.status == VideoStatus.OK, ~has)
             .order_by(Video.duration, Video.id).limit(limit))
    return [(video_id, path) for video_id, path in s.execute(query)]


def listed(s: Session, model: ModelKey, where: StretchFilter) -> list[StoredStretch]:
    """Stretches from `model` across the library that pass `where`, by file and time."""
    query = (select(StretchRow, Video.path, Video.name)
             .join(Video, Video.id == StretchRow.video_id)
             .where(*_conditions(model, where))
             .order_by(func.lower(Video.name), Video.id, StretchRow.start))
    found = [_stored(r, path, name) for r, path, name in s.execute(query)]
    if where.octants:  # a quadrant-only tag's octant is its moved point's: known here only
        found = [f for f in found if f.stretch.octant in where.octants]
    return found


def of_files(s: Session, model: ModelKey, video_ids: Sequence[int]) -> list[StoredStretch]:
    """The stretches of these files (as everyone sees them)."""
    found: list[StoredStretch] = []
    for part in browse.chunks(list(dict.fromkeys(video_ids))):
        query = select(StretchRow).where(StretchRow.video_id.in_(part),
                                         *of_model(StretchRow, model))
        found += [_stored(r, "", "") for r in s.scalars(query)]
    return found


def matching(items: Sequence[tuple[int, tuple[float, float] | None]],
             stretches: Sequence[StoredStretch]) -> list[StoredStretch | None]:
    """For each playlist item that plays a stretch, the stretch it was made from (same
    file, same start and end), if the file's timeline still has it."""
    by_span = {(k.video_id, round(k.stretch.start, 2), round(k.stretch.end, 2)): k
               for k in stretches}
    return [None if span is None else
            by_span.get((video_id, round(span[0], 2), round(span[1], 2)))
            for video_id, span in items]


def points(s: Session, model: ModelKey, near: browse.Corridor | None = None) -> list[MapPoint]:
    """Stretches as points on the emotion map (the point's id is the stretch's, `video`
    its file's); with `near`, only those near a mood path's way (see browse.near_segment:
    a person's tag moves a point, so tagged ones are all read and tested here)."""
    conditions = list(_conditions(model, EVERY))
    if near is not None:
        conditions.append(or_(StretchRow.user_quadrant.is_not(None),
                              StretchRow.user_octant.is_not(None),
                              browse.near_segment(StretchRow.valence, StretchRow.arousal, near)))
    query = (select(StretchRow, Video.path, Video.name)
             .join(Video, Video.id == StretchRow.video_id).where(*conditions))
    return [_point(_stored(r, path, name)) for r, path, name in s.execute(query)]


def count_points(s: Session, model: ModelKey) -> int:
    query = select(func.count(StretchRow.id)).join(Video, Video.id == StretchRow.video_id)
    return int(s.scalar(query.where(*_conditions(model, EVERY))) or 0)


def label(s: Session, stretch_id: int, quadrant: str | None, octant: str | None,
          point: tuple[float | None, float | None] = (None, None)) -> None:
    """A person's tag for one stretch (both None: back to the model's), with the point
    they dropped it at on the map, if they did."""
    s.execute(update(StretchRow).where(StretchRow.id == stretch_id)
              .values(user_quadrant=quadrant, user_octant=octant, user_valence=point[0],
                      user_arousal=point[1]))


def _conditions(model: ModelKey, where: StretchFilter) -> list[Any]:
    length = StretchRow.end - StretchRow.start
    conditions: list[Any] = [*of_model(StretchRow, model), Video.status != VideoStatus.MISSING]
    if not where.include_talk:
        conditions.append(or_(~StretchRow.speech, _tagged_row()))  # talk has no emotion
    if where.quadrants:
        conditions.append(func.coalesce(StretchRow.user_quadrant, StretchRow.quadrant)
                          .in_(sorted(where.quadrants)))
    if where.octants:
        conditions.append(or_(StretchRow.user_quadrant.is_not(None),
                              StretchRow.octant.in_(sorted(where.octants))))
    # Lengths are shown to the second (text.clock): 1:59.6 reads 2:00, so "at least 2
    # minutes" keeps it (it hid it before).
    if where.min_seconds is not None:
        conditions.append(length >= where.min_seconds - SHOWN_ROUNDING)
    if where.max_seconds is not None:
        conditions.append(length < where.max_seconds + SHOWN_ROUNDING)
    if where.search:
        conditions.append(browse.search_condition(where.search))
    return conditions


SHOWN_ROUNDING = 0.5  # seconds: lengths are shown rounded to the second


def _tagged_row() -> Any:
    return or_(StretchRow.user_quadrant.is_not(None), StretchRow.user_octant.is_not(None))


def _stored(row: StretchRow, path: str, name: str) -> StoredStretch:
    """The stretch as everyone sees it: a person's tag wins by `labels.corrected_point`'s
    rule, as a file's does."""
    quadrant, octant = row.user_quadrant, row.user_octant
    if quadrant is None and octant is None:
        return StoredStretch(row.id, row.video_id, Stretch(
            row.start, row.end, row.quadrant, row.octant, row.valence, row.arousal,
            bool(row.speech)), path, name)
    quadrant = quadrant or OCTANT_QUADRANT[str(octant)]
    valence, arousal = corrected_point(row.valence, row.arousal, quadrant, octant,
                                       (row.user_valence, row.user_arousal))
    octant = octant or octant_of(valence, arousal)
    return StoredStretch(row.id, row.video_id, Stretch(
        row.start, row.end, quadrant, octant, valence, arousal, bool(row.speech)), path,
        name, corrected=True)


def _point(kept: StoredStretch) -> MapPoint:
    x = kept.stretch
    return MapPoint(kept.id, f"{kept.name} ({clock(x.start)}-{clock(x.end)})", x.valence,
                    x.arousal, x.quadrant, x.octant, kept.corrected, x.seconds, x.seconds,
                    mostly_speech=x.speech and not kept.corrected,  # mood paths skip talk
                    span=(x.start, x.end), video=kept.video_id)


def forget_content(s: Session, video_id: int) -> tuple[int, int]:
    """The file changed: every model's timeline and stretches described the old one, and
    so did the stretches playlists play of it: those items play the file as the playlist
    plays its files again. Returns how many playlist items lost their stretch and how
    many stretches a person had tagged, for the scan to say."""
    tags = s.scalar(select(func.count(StretchRow.id)).where(
        StretchRow.video_id == video_id, or_(StretchRow.user_quadrant.is_not(None),
                                             StretchRow.user_octant.is_not(None))))
    played = (PlaylistItem.video_id == video_id, PlaylistItem.start.is_not(None))
    items = s.scalar(select(func.count(PlaylistItem.id)).where(*played))
    s.execute(update(PlaylistItem).where(*played).values(start=None, end=None))
    s.execute(delete(TimelineRow).where(TimelineRow.video_id == video_id))
    s.execute(delete(StretchRow).where(StretchRow.video_id == video_id))
    return int(items or 0), int(tags or 0)


def _of(video_id: int, model: ModelKey) -> tuple[Any, ...]:
    return (StretchRow.video_id == video_id, *of_model(StretchRow, model))
