"""Queries for browsing a large library: sorted and filtered id lists, rows by id, map points.

The GUI keeps only ids and asks for rows a page at a time (see `Library.video_ids` and
`Library.rows`); everything here is plain SQLAlchemy Core, so it runs on any backend.
A person's correction wins in every query, exactly as in `videos._row`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    Select,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    type_coerce,
)

from ver_desktop.core.content import SPEECH_THRESHOLD
from ver_desktop.core.labels import (
    AROUSAL_OCTANTS,
    CORRECTED_CONFIDENCE,
    MIDDLE_BIG,
    MIDDLE_SMALL,
    MIN_TAGGED_RADIUS,
    OCTANT_MARGINS,
    QUADRANT_MARGIN,
)
from ver_desktop.core.library import shared_paths
from ver_desktop.core.library.schema import Analysis, UserLabel, Video, of_model
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.text import search_key, searchable

# Columns a listing can be sorted by (the GUI's columns use the same names).
SORT_KEYS: tuple[str, ...] = ("name", "duration", "quadrant", "octant", "confidence", "valence",
                              "arousal", "folder", "status")


@dataclass(frozen=True)
class VideoFilter:
    """What to keep. Empty sets and None mean "no constraint". Also the rule of a smart
    playlist (see `ver_desktop.core.playlists.rules`)."""

    quadrants: frozenset[str] = frozenset()
    octants: frozenset[str] = frozenset()
    min_confidence: float | None = None
    # (valence_min, valence_max, arousal_min, arousal_max), on the model's valence/arousal scale
    region: tuple[float, float, float, float] | None = None
    min_duration: float | None = None
    max_duration: float | None = None
    folder: str | None = None  # a folder and everything below it
    statuses: frozenset[str] = frozenset()
    search: str = ""  # part of the name or its nearest folders; case and accents ignored
    include_talk: bool = False  # emotion filters leave mostly-talk files out unless asked

    def matches(self, row: Any) -> bool:
        """The same test in Python, for one `VideoRow` (used to check the SQL, and to decide
        whether a changed row still belongs to a smart playlist)."""
        emotional = bool(self.quadrants or self.octants or self.min_confidence or self.region)
        checks = (
            not emotional or self.include_talk or row.corrected or not row.mostly_speech,
            not self.quadrants or row.quadrant in self.quadrants,
            not self.octants or row.octant in self.octants,
            self.min_confidence is None or (row.confidence or 0.0) >= self.min_confidence,
            self.region is None or _in_region(row.valence, row.arousal, self.region),
            self.min_duration is None or (row.duration or 0.0) >= self.min_duration,
            self.max_duration is None or (row.duration is not None
                                          and row.duration <= self.max_duration),
            self.folder is None or under_folder(row.path, self.folder),
            not self.statuses or row.status in self.statuses,
            not self.search or search_key(self.search) in searchable(row.name, row.folder),
        )
        return all(checks)


@dataclass(frozen=True)
class MapPoint:
    """One video on the emotion map, at its effective point (a person's tag moves it)."""

    id: int
    name: str
    valence: float
    arousal: float
    quadrant: str | None
    octant: str | None
    corrected: bool
    duration: float | None = None  # the whole file
    segment_seconds: float | None = None  # the analysed segment
    mostly_speech: bool = False  # no emotion to trust (unless a person tagged it)
    span: tuple[float, float] | None = None  # a stretch of the file: its start and end
    video: int | None = None  # a stretch's file (then `id` is the stretch's)

    @property
    def video_id(self) -> int:
        return self.id if self.video is None else self.video


@dataclass
class BulkVideo:
    """A row for `Library.bulk_add` (imports, benchmarks): a video and optionally its tag."""

    path: str
    size: int = 0
    mtime_ns: int = 0
    duration: float | None = None
    status: str = "pending"
    error_kind: str | None = None
    error_reason: str | None = None
    analysis: dict[str, Any] | None = field(default=None)  # Analysis column -> value


def _in_region(valence: float | None, arousal: float | None,
               region: tuple[float, float, float, float]) -> bool:
    if valence is None or arousal is None:
        return False
    v0, v1, a0, a1 = region
    return v0 <= valence <= v1 and a0 <= arousal <= a1


def under_folder(path: str, top: str) -> bool:
    """`path` is `top` or lies below it (exact paths, as `under_roots` compares them)."""
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


_AFTER_SEPARATOR = chr(ord(os.sep) + 1)  # the character after the separator ('/' -> '0')


def under_roots(roots: Sequence[str]) -> ColumnElement[bool]:
    """Videos at or below any of `roots`: for each, the path itself or a range of the exact
    path bytes (root/ <= path < root0), which the unique index on `path` answers. Never the
    display text in `Video.folder`: a name that is not valid UTF-8 would not match."""
    conditions: list[ColumnElement[bool]] = []
    for root in roots:
        # The bounds are made from the stored form of the root and bound as raw bytes: a
        # bound such as "root0" lies under no mapped prefix (see shared_paths).
        base = shared_paths.current().to_shared(root).rstrip(os.sep)
        conditions += [Video.path == root,
                       and_(Video.path >= _raw(base + os.sep),
                            Video.path < _raw(base + _AFTER_SEPARATOR))]
    return or_(*conditions) if conditions else false()


def _raw(path: str) -> Any:
    return type_coerce(os.fsencode(path), LargeBinary)


# A person's tag wins everywhere, by one rule (`labels.corrected_point`, whose SQL twin this
# is): it is certain, and its point stays when well inside the tagged sector, else goes to
# the middle of the tagged octant; a point the person dropped on the map is kept with the
# tag and shown where it was dropped. `set_user_label` always stores the quadrant, also
# when an octant was named, and the octant of a dropped point.

_LEANS_TO_AROUSAL = {"PV-PA": ("aroused", "happy"), "NV-PA": ("tensed", "frustrated"),
                     "NV-NA": ("tired", "miserable"), "PV-NA": ("sleepy", "pleased")}


def _sizes() -> tuple[Any, Any]:
    return func.abs(Analysis.valence), func.abs(Analysis.arousal)


def _leans_to_arousal() -> ColumnElement[Any]:
    """`labels.leans_to_arousal` for the tagged quadrant."""
    size_v, size_a = _sizes()
    return case((UserLabel.quadrant.in_(("PV-PA", "NV-NA")), size_a >= size_v),
                else_=size_a > size_v)


def effective_quadrant() -> ColumnElement[Any]:
    return func.coalesce(UserLabel.quadrant, Analysis.quadrant)


def effective_octant() -> ColumnElement[Any]:
    """The person's octant; for a quadrant-only tag, the octant of the moved point (none
    when there is no model point to move); else the model's octant."""
    moved = [(and_(UserLabel.quadrant == quadrant, Analysis.valence.is_not(None)),
              case((_leans_to_arousal(), literal(high)), else_=literal(low)))
             for quadrant, (high, low) in _LEANS_TO_AROUSAL.items()]
    return case((UserLabel.octant.is_not(None), UserLabel.octant), *moved,
                (UserLabel.quadrant.is_not(None), literal(None)), else_=Analysis.octant)


def effective_valence() -> ColumnElement[Any]:
    return func.coalesce(UserLabel.valence, _effective_axis(
        Analysis.valence, ("PV-PA", "PV-NA"), arousal_axis=False))


def effective_arousal() -> ColumnElement[Any]:
    return func.coalesce(UserLabel.arousal, _effective_axis(
        Analysis.arousal, ("PV-PA", "NV-PA"), arousal_axis=True))


def _well_inside() -> ColumnElement[Any]:
    """`labels.well_inside` for the person's tag."""
    size_v, size_a = _sizes()
    valence, arousal = Analysis.valence, Analysis.arousal
    signs = case((UserLabel.quadrant == "PV-PA", and_(valence >= 0, arousal >= 0)),
                 (UserLabel.quadrant == "NV-PA", and_(valence < 0, arousal >= 0)),
                 (UserLabel.quadrant == "NV-NA", and_(valence < 0, arousal < 0)),
                 else_=and_(valence >= 0, arousal < 0))
    big = case((size_v >= size_a, size_v), else_=size_a)
    small = case((size_v >= size_a, size_a), else_=size_v)
    low, high = OCTANT_MARGINS
    on_side = case((UserLabel.octant.in_(sorted(AROUSAL_OCTANTS)), size_a > size_v),
                   else_=size_v > size_a)
    in_sector = case((UserLabel.octant.is_(None),
                      and_(big > 0, small >= big * QUADRANT_MARGIN)),
                     else_=and_(on_side, small >= big * low, small <= big * high))
    return and_(signs, in_sector)


def _effective_axis(value: Any, positive: tuple[str, str], *,
                    arousal_axis: bool) -> ColumnElement[Any]:
    size_v, size_a = _sizes()
    far = case((size_v >= size_a, size_v), else_=size_a)
    radius = case((far < MIN_TAGGED_RADIUS, literal(MIN_TAGGED_RADIUS)), else_=far)
    to_arousal = case((UserLabel.octant.is_(None), _leans_to_arousal()),
                      else_=UserLabel.octant.in_(sorted(AROUSAL_OCTANTS)))
    # the axis the tag leans to gets the middle's larger share
    share = case((to_arousal, literal(MIDDLE_BIG if arousal_axis else MIDDLE_SMALL)),
                 else_=literal(MIDDLE_SMALL if arousal_axis else MIDDLE_BIG))
    sign = case((UserLabel.quadrant.in_(positive), literal(1.0)), else_=literal(-1.0))
    return case((UserLabel.quadrant.is_(None), value), (_well_inside(), value),
                else_=sign * radius * share)


def corrected() -> ColumnElement[Any]:
    return or_(UserLabel.quadrant.is_not(None), UserLabel.octant.is_not(None))


def reliable() -> ColumnElement[bool]:
    """A tag one may filter and plan by: a person's, or the model's on audio that is not
    mostly speech (core/content.py)."""
    return or_(corrected(), Analysis.speech_likeness.is_(None),
               Analysis.speech_likeness < SPEECH_THRESHOLD)


def effective_confidence() -> ColumnElement[Any]:
    return case((corrected(), literal(CORRECTED_CONFIDENCE)), else_=Analysis.confidence)


def joined(query: Any, model: ModelKey) -> Any:
    """`query` (a select) over videos with the model's analysis and the person's label attached."""
    return (query.select_from(Video)
            .outerjoin(Analysis, and_(Analysis.video_id == Video.id,
                                      *of_model(Analysis, model)))
            .outerjoin(UserLabel, UserLabel.video_id == Video.id))


def sort_column(key: str) -> ColumnElement[Any]:
    columns: dict[str, Any] = {
        "name": func.lower(Video.name), "duration": Video.duration,
        "quadrant": effective_quadrant(), "octant": effective_octant(),
        "confidence": effective_confidence(), "valence": effective_valence(),
        "arousal": effective_arousal(), "folder": func.lower(Video.folder),
        "status": Video.status,
    }
    if key not in columns:
        raise ValueError(f"cannot sort by {key!r}; one of {', '.join(SORT_KEYS)}")
    column: ColumnElement[Any] = columns[key]
    return column


def apply_filter(query: Select[Any], where: VideoFilter) -> Select[Any]:
    conditions: list[ColumnElement[bool]] = []
    emotional = where.quadrants or where.octants or where.min_confidence or where.region
    if emotional and not where.include_talk:
        conditions.append(reliable())  # talk has no emotion to filter by
    if where.quadrants:
        conditions.append(effective_quadrant().in_(sorted(where.quadrants)))
    if where.octants:
        conditions.append(effective_octant().in_(sorted(where.octants)))
    if where.min_confidence is not None:
        conditions.append(func.coalesce(effective_confidence(), 0.0) >= where.min_confidence)
    if where.region is not None:
        v0, v1, a0, a1 = where.region
        conditions += [effective_valence().between(v0, v1),
                       effective_arousal().between(a0, a1)]
    if where.min_duration is not None:
        conditions.append(func.coalesce(Video.duration, 0.0) >= where.min_duration)
    if where.max_duration is not None:
        conditions.append(Video.duration <= where.max_duration)
    if where.folder is not None:
        conditions.append(under_roots([where.folder]))
    if where.statuses:
        conditions.append(Video.status.in_(sorted(where.statuses)))
    if where.search:
        conditions.append(search_condition(where.search))
    return query.where(*conditions) if conditions else query


def search_condition(text: str) -> ColumnElement[bool]:
    """Videos whose name or nearest folders hold `text` (case and accents ignored)."""
    if len(text) > LONGEST_NAME:  # no file name holds it (and SQLite caps patterns)
        return false()
    return Video.search_text.like(f"%{_escape_like(search_key(text))}%", escape="\\")


LONGEST_NAME = 1024  # characters: file systems cap names at 255 bytes (or 255 UTF-16 units)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def ids_query(model: ModelKey, where: VideoFilter, sort: str, descending: bool) -> Select[Any]:
    column = sort_column(sort)
    # Missing values last in both directions, then a stable tie-break on the id.
    order = [column.is_(None), column.desc() if descending else column.asc(),
             Video.id.desc() if descending else Video.id.asc()]
    return apply_filter(joined(select(Video.id), model), where).order_by(*order)


Leg = tuple[tuple[float, float], tuple[float, float], float]  # start, target, radius
Corridor = Leg | tuple[Leg, ...]  # one leg, or a mood path's legs (near any of them)


def points_query(model: ModelKey, where: VideoFilter,
                 corridor: Corridor | None = None) -> Select[Any]:
    query = joined(select(Video.id, Video.name, effective_valence(), effective_arousal(),
                          effective_quadrant(), effective_octant(),
                          corrected(), Video.duration,
                          Analysis.segment_end - Analysis.segment_start,
                          ~reliable()), model)
    query = query.where(Analysis.valence.is_not(None))
    if corridor is not None:
        query = query.where(reliable(), or_(
            and_(~corrected(), near_segment(Analysis.valence, Analysis.arousal, corridor)),
            and_(corrected(), near_segment(effective_valence(), effective_arousal(),
                                           corridor))))
    return apply_filter(query, where)


def near_segment(valence: Any, arousal: Any, corridor: Corridor) -> ColumnElement[bool]:
    """Points within `radius` of the segment start-target, and a few more: the rectangle
    around that capsule, along and across the segment. Linear in the columns, so the
    database tests it row by row without fetching the rows (a mood path at 100,000
    videos reads only the videos near its way). Several legs: near any of them, in one
    pass over the table."""
    if not isinstance(corridor[-1], int | float):
        return or_(*(near_segment(valence, arousal, leg) for leg in corridor))
    (v0, a0), (v1, a1), radius = corridor
    dv, da = v1 - v0, a1 - a0
    length = (dv * dv + da * da) ** 0.5
    if length < 1e-9:  # start and target are one place: a square around it
        return and_(valence.between(v0 - radius, v0 + radius),
                    arousal.between(a0 - radius, a0 + radius))
    along = (valence - v0) * dv + (arousal - a0) * da  # projection, times the length
    across = (arousal - a0) * dv - (valence - v0) * da
    return and_(valence.between(min(v0, v1) - radius, max(v0, v1) + radius),  # cheap first
                arousal.between(min(a0, a1) - radius, max(a0, a1) + radius),
                along.between(-radius * length, length * length + radius * length),
                across.between(-radius * length, radius * length))


def chunks(ids: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    """Keep IN (...) lists well under every backend's parameter limit."""
    return [ids[i:i + size] for i in range(0, len(ids), size)]
