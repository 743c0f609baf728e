"""What is done with stretches of one emotion: read them for the stretches view and the
map, show the chosen one's file, play one, tag them (through the tag use case)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from ver_desktop.core.text import count_of
from ver_desktop.gui.emotion_map import EmotionMap, index_points

if TYPE_CHECKING:
    from collections.abc import Callable

    from ver_desktop.core.changes import Changes
    from ver_desktop.core.library import MapPoint, VideoRow
    from ver_desktop.core.library.timelines import StoredStretch, StretchFilter
    from ver_desktop.gui.selection import Selection
    from ver_desktop.gui.state import AppState


class StretchActions(QObject):
    """What is done with stretches: read them for the view and the map, show the chosen
    one's file, play one, tag them. It hears the application state: new timelines or tags
    re-read what is shown (in batches: timelines come in fast during a long job)."""

    file_chosen = Signal(object, object)  # VideoRow | None, the stretch's (start, end)
    play_requested = Signal(object)  # StoredStretch
    counted = Signal(str)  # "12 stretches", for the status bar
    tagged = Signal()  # a person's tag of stretches was saved

    def __init__(self, state: AppState, selection: Selection, emotion_map: EmotionMap,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state, self.selection, self.map = state, selection, emotion_map
        self.view = selection.stretches
        self._soon = QTimer(self, singleShot=True, interval=1500)
        self._soon.timeout.connect(self.load)
        state.changed.connect(self._changed)
        self.view.changed.connect(self.load)
        self.view.current_changed.connect(self.chosen)
        self.view.play_requested.connect(self.play_requested)
        selection.sidebar.place_changed.connect(self._place_changed)
        self._was_showing = False

    def _place_changed(self, place: Any) -> None:
        """Leaving the stretches view: the details pane goes back to the video chosen in
        the table, without the stretch ("This stretch: ...") that belonged to the view."""
        showing = getattr(place, "kind", None) == "stretches"
        left, self._was_showing = self._was_showing and not showing, showing
        if not left:
            return
        video_id = self.selection.videos.current_id()
        if video_id is None or self.state.session is None:
            self.file_chosen.emit(None, None)
            return
        self.state.read("read the chosen video",
                        lambda session: session.library.rows(session.model, [video_id]),
                        lambda rows: self._back(video_id, rows))

    def _back(self, video_id: int, rows: dict[int, VideoRow]) -> None:
        if not self.selection.showing_stretches():
            self.file_chosen.emit(rows.get(video_id), None)

    def _changed(self, changes: Changes) -> None:
        if not self.selection.showing_stretches():
            return
        if changes.tags or changes.model or changes.videos:
            self.load()
        elif changes.timelines and not self._soon.isActive():
            self._soon.start()

    def load(self) -> None:
        """Read the stretches that pass the view's filters, and their points for the map."""
        where = self.view.where()

        def read(session: Any) -> tuple[StretchFilter, list[StoredStretch], list[MapPoint]]:
            found = session.library.stretches(session.model, where)
            shown = {k.id for k in found}
            points = [p for p in session.library.stretch_points(session.model)
                      if p.id in shown]
            return where, found, points

        self.state.read("read the stretches", read, self._read)

    def _read(self, result: tuple[StretchFilter, list[StoredStretch], list[MapPoint]]) -> None:
        where, found, points = result
        if not self.selection.showing_stretches() or where != self.view.where():
            return  # the user moved on; or changed the filters, and a newer read follows
        self.view.show_items(found)
        self.map.set_points(points, index_points(points))
        self.counted.emit(count_of(len(found), "stretch"))

    def chosen(self, kept: StoredStretch | None) -> None:
        """The stretch's file in the details pane, the stretch ringed on its timeline."""
        if kept is None or self.state.session is None:
            self.file_chosen.emit(None, None)
            return
        self.map.set_highlight(kept.id)
        self.state.read("read the stretch's file",
                        lambda session: session.library.rows(session.model, [kept.video_id]),
                        lambda rows: self._row(kept, rows))

    def _row(self, kept: StoredStretch, rows: dict[int, VideoRow]) -> None:
        current = self.view.at(self.view.table.currentIndex().row())
        if current is None or current.id != kept.id or not self.selection.showing_stretches():
            return  # the user moved on
        self.file_chosen.emit(rows.get(kept.video_id), (kept.stretch.start, kept.stretch.end))

    def correct(self, stretch_ids: list[int], quadrant: str | None,
                octant: str | None, *, point: tuple[float, float] | None = None,
                said: Callable[[], None] | None = None) -> None:
        """A person's tag for these stretches only: the files and their other stretches
        keep theirs. `point`: where it was dropped on the map; `said`: tells the person
        once it is saved (else a short message does)."""
        from ver_desktop.core.usecases.tags import tag_stretches

        if not stretch_ids:
            return
        self.state.apply("save the correction",
                         lambda session: tag_stretches(session.library, stretch_ids,
                                                       quadrant=quadrant, octant=octant,
                                                       point=point),
                         lambda _r: self._tagged(len(stretch_ids), said))

    def _tagged(self, count: int, said: Callable[[], None] | None = None) -> None:
        if said is not None:
            said()
        else:
            self.state.say(f"Corrected {count_of(count, 'stretch')}", 3000)
        self.tagged.emit()
