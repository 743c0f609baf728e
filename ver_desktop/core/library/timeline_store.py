"""Timelines and stretches, per file and model: keeping them, reading them back, listing
stretches across the library, and the files still waiting for theirs (see timelines.py
for the queries). A timeline counts only when the current `timeline.CUT_VERSION` cut its
stretches; one cut by another version is worked out again."""

from __future__ import annotations

from collections.abc import Sequence

from ver_desktop.core import timeline as cutting
from ver_desktop.core.library import browse, timelines
from ver_desktop.core.library.base import LibraryBase, dialect_insert
from ver_desktop.core.library.browse import MapPoint
from ver_desktop.core.library.timelines import EVERY, NotKept, StoredStretch, StretchFilter
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.timeline import Stretch, Timeline


class TimelineStore(LibraryBase):
    def store_timeline(self, video_id: int, model: ModelKey, timeline: Timeline,
                       stretches: Sequence[Stretch], *, identity: tuple[int, int] | None = None,
                       cut_version: int | None = None) -> NotKept | None:
        """Keep the file's timeline, and `stretches` as cut by `cut_version` (the current
        `timeline.CUT_VERSION` unless said); with `identity` (its size and mtime before it
        was read), only if the library still knows the file so and the read was whole:
        else nothing is written and the answer says why (see `timelines.store`)."""
        cut = cutting.CUT_VERSION if cut_version is None else cut_version
        try:
            with self.session() as s, s.begin():
                timelines.store(s, video_id, model, timeline, stretches, dialect_insert(s),
                                identity, cut_version=cut)
        except timelines.Refused as refused:
            return refused.not_kept
        return None

    def timeline(self, video_id: int, model: ModelKey
                 ) -> tuple[Timeline, list[StoredStretch]] | None:
        """The file's timeline and stretches from `model`, if computed and cut by this
        version of the cut."""
        with self.session() as s:
            return timelines.read(s, video_id, model, cutting.CUT_VERSION)

    def without_timeline(self, model: ModelKey, limit: int = 100) -> list[tuple[int, str]]:
        """(id, path) of tagged files that have no timeline from `model` yet, or one whose
        stretches another version of the cut made."""
        with self.session() as s:
            return timelines.missing(s, model, limit, cutting.CUT_VERSION)

    def stretches(self, model: ModelKey,
                  where: StretchFilter | None = None) -> list[StoredStretch]:
        """Stretches of one emotion across the library ("calm stretches of at least 2
        minutes"), by file name and time; filtered in SQL. Without `where`, every stretch,
        talk too."""
        with self.session() as s:
            return timelines.listed(s, model, where or EVERY)

    def stretches_of(self, model: ModelKey, video_ids: Sequence[int]) -> list[StoredStretch]:
        """The stretches of these files."""
        with self.session() as s:
            return timelines.of_files(s, model, video_ids)

    def stretch_points(self, model: ModelKey, *,
                       near: browse.Corridor | None = None) -> list[MapPoint]:
        """Stretches as map points (see `timelines.points`)."""
        with self.session() as s:
            return timelines.points(s, model, near)

    def count_stretch_points(self, model: ModelKey) -> int:
        with self.session() as s:
            return timelines.count_points(s, model)
