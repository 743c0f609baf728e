"""What the details pane shows for the chosen video, read in the background: its row, the
model's probabilities, its thumbnail, and its emotion over time (asked of the timeline job
first when there is none yet)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from ver_desktop.core.changes import Changes
    from ver_desktop.core.library import VideoRow
    from ver_desktop.gui.details import DetailsPane
    from ver_desktop.gui.emotion_map import EmotionMap
    from ver_desktop.gui.library_view import LibraryView
    from ver_desktop.gui.state import AppState
    from ver_desktop.gui.table_model import LibraryTableModel
    from ver_desktop.gui.thumbnails import ThumbnailCache
    from ver_desktop.gui.timelines import TimelineController


class DetailsController(QObject):
    row_shown = Signal(object)  # VideoRow | None: the pane moved to another video

    def __init__(self, state: AppState, pane: DetailsPane, table: LibraryTableModel,
                 videos: LibraryView, emotion_map: EmotionMap, thumbnails: ThumbnailCache,
                 timelines: TimelineController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state, self.pane, self.table, self.videos = state, pane, table, videos
        self.map, self.thumbnails, self.timelines = emotion_map, thumbnails, timelines
        videos.current_changed.connect(self.show_video)
        table.row_loaded.connect(self._row_loaded)
        thumbnails.ready.connect(self._thumbnail_ready)
        timelines.failed.connect(lambda video_id, _why: self._timeline_changed(video_id))
        state.changed.connect(self._changed)

    def show_video(self, video_id: int | None) -> None:
        self.map.set_highlight(video_id)
        row = self.table.video(video_id) if video_id is not None else None
        if video_id is not None and row is None:
            self.table.reload_rows([video_id])  # `_row_loaded` shows it
            return
        self.show_row(row)

    def show_row(self, row: VideoRow | None, span: tuple[float, float] | None = None) -> None:
        """The pane on `row` (a stretch of it ringed: `span`), with what is read for it in
        the background."""
        self.row_shown.emit(row)
        self.pane.show_row(row)
        if span is None:
            self.pane.choose_stretch(None)  # a stretch is ringed only when one is chosen
        if row is not None:
            self.state.read("read the model's probabilities",
                            lambda s: s.library.probabilities(s.model, row.id),
                            lambda probs: self._probabilities(row.id, probs))
        self.pane.set_thumbnail(self.thumbnails.pixmap(row) if row is not None else None)
        if row is not None:
            self._read_timeline(row)
            if span is not None:
                self.pane.choose_stretch(span)

    def _shown(self, video_id: int) -> bool:
        return self.pane.row is not None and self.pane.row.id == video_id

    def _changed(self, changes: Changes) -> None:
        row = self.pane.row
        if row is not None and (changes.model or (changes.timelines
                                                  and row.id in changes.video_ids)):
            self._read_timeline(row)

    def _read_timeline(self, row: VideoRow) -> None:
        if row.status != "ok":
            return
        self.state.read("read the emotion over time",
                        lambda s: (s.library.timeline(row.id, s.model),
                                   s.library.rows(s.model, [row.id]).get(row.id)),
                        lambda read: self._timeline_read(row, *read))

    def _timeline_read(self, row: VideoRow, found: Any, fresh: VideoRow | None) -> None:
        """The timeline, and the row again when the timeline changed its talk share (the
        pane's row may be older than the timeline: a table's rows are read once)."""
        if not self._shown(row.id):
            return  # the user moved on
        if fresh is not None and fresh.speech_likeness != row.speech_likeness:
            self.pane.show_row(fresh)  # the same file: a stretch ringed stays
            row = fresh
        timelines, pane = self.timelines, self.pane
        if found is not None:
            timeline, kept = found
            pane.set_timeline((timeline, [k.stretch for k in kept]))
        elif row.id in timelines.failures:
            pane.set_timeline(None, note="No emotion over time for this file: "
                              + timelines.failures[row.id])
        elif timelines.enabled:
            pane.set_timeline(None)
            timelines.want(row.id, row.path)  # someone is looking: this one next
        else:
            pane.set_timeline(None, note="Emotion over time is off (Settings)")

    def _timeline_changed(self, video_id: int) -> None:
        row = self.pane.row
        if row is not None and row.id == video_id:
            self._read_timeline(row)

    def _probabilities(self, video_id: int, probs: Any) -> None:
        if self._shown(video_id):
            self.pane.set_probabilities(probs)

    def _thumbnail_ready(self, video_id: int) -> None:
        row = self.pane.row
        if row is not None and row.id == video_id:
            self.pane.set_thumbnail(self.thumbnails.pixmap(row))

    def _row_loaded(self, video_id: int) -> None:
        if video_id == self.videos.current_id():
            self.show_video(video_id)
