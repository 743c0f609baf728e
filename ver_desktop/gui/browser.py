"""Browsing: which videos the table and the map show for the place chosen in the sidebar
(the whole library through the filters, the failed files, a playlist in its order, the
stretches of one emotion), and keeping them in step with what the application state says
changed."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from ver_desktop.gui.emotion_map import EmotionMap, index_points
from ver_desktop.gui.sidebar import Place, Sidebar

if TYPE_CHECKING:
    from ver_desktop.core.changes import Changes
    from ver_desktop.core.library import MapPoint, PlaylistInfo, VideoFilter
    from ver_desktop.core.usecases.playlists import Contents
    from ver_desktop.gui.library_view import LibraryView
    from ver_desktop.gui.state import AppState
    from ver_desktop.gui.stretch_actions import StretchActions
    from ver_desktop.gui.table_model import LibraryTableModel

FAILED_VIEW = frozenset({"failed", "missing"})  # what the Failed files view lists
NO_MATCH = ("No videos match these filters. Clear the search or the emotion buttons to see "
            "more.")


class Browser(QObject):
    place_shown = Signal(object)  # Place: the sidebar's choice is on screen
    counted = Signal(str)  # "12 of 43 videos"
    total_changed = Signal(int)  # videos in the library (after each re-read of the map)

    def __init__(self, state: AppState, sidebar: Sidebar, videos: LibraryView,
                 table: LibraryTableModel, emotion_map: EmotionMap, centre: QStackedWidget,
                 no_match: QLabel, failed_buttons: QWidget, stretches: StretchActions,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state, self.sidebar, self.videos, self.table = state, sidebar, videos, table
        self.map, self.centre, self.no_match = emotion_map, centre, no_match
        self.failed_buttons, self.stretches = failed_buttons, stretches
        self.total = 0  # videos in the library
        # During scans, map points are re-read in batches: each read competes with the
        # window for Python's lock, and each repaint costs the window.
        self._map_timer = QTimer(self, singleShot=True, interval=1500)
        self._map_timer.timeout.connect(self.reload_map)
        state.changed.connect(self._changed)
        sidebar.place_changed.connect(self.show_place)
        videos.filters.changed.connect(self.apply_filters)
        table.modelReset.connect(self._show_no_match)
        table.ids_loaded.connect(self._count)

    def showing_stretches(self) -> bool:
        return self.sidebar.place().kind == "stretches"

    def _changed(self, changes: Changes) -> None:
        """Which rows show (a filter, a playlist), the map and the count follow the
        library; the rows' contents, the stretches and the sidebar follow by themselves."""
        if changes.videos or changes.model or changes.tags:
            self.reload()  # a new tag may take a row out of the filter or the smart playlist

    def reload(self) -> None:
        """The library changed in a way that may add or remove rows."""
        if self.showing_stretches():
            return  # the stretches view follows changes itself
        if self.sidebar.place().kind == "playlist":
            self.show_place(self.sidebar.place())  # a smart playlist follows the library
        else:
            self.table.refresh()
        self.reload_map()

    def map_soon(self) -> None:
        """Re-read the map in a moment (batches of a scan), unless that is already due."""
        if not self._map_timer.isActive():
            self._map_timer.start()

    def reload_map(self) -> None:
        if self.showing_stretches():
            self.stretches.load()  # the map shows the stretches there
            return
        where = self._map_filter()

        def read(session: Any) -> tuple[list[MapPoint], Any, int]:
            points = session.library.map_points(session.model, where)
            return points, index_points(points), session.library.count()

        self.state.read("read the library", read, self._map_loaded)

    def _map_loaded(self, result: tuple[list[MapPoint], Any, int]) -> None:
        points, index, self.total = result
        self.map.set_points(points, index)
        self.total_changed.emit(self.total)

    # -- filters -----------------------------------------------------------------------

    def apply_filters(self) -> None:
        state = self.videos.filters.state()
        if self.sidebar.place().kind == "failed":
            state = replace(state, statuses=FAILED_VIEW)
        self.table.set_filter(state.video_filter(), state.map_ids)
        if state.map_ids is None:
            self.map.set_chosen(None)
        self._map_timer.start(0 if not self.state.scanning else 1500)  # the map shows the same

    def _map_filter(self) -> VideoFilter:
        """The table's filters, for the map (a region chosen on the map is ringed on it,
        not cut out of it, so it can be widened); failed files have no point to show."""
        where = self.videos.filters.state().video_filter()
        if self.sidebar.place().kind == "failed":
            where = replace(where, statuses=FAILED_VIEW)
        return where

    # -- places: the library, failed files, stretches, playlists ------------------------

    def show_place(self, place: Place) -> None:
        self.place_shown.emit(place)
        self.failed_buttons.setVisible(place.kind == "failed")
        self.videos.show_failures(place.kind == "failed")
        self.map.set_path([], None)
        self.centre.setCurrentIndex(1 if place.kind == "stretches" else 0)
        if place.kind == "stretches":
            self.stretches.load()
            return
        if place.kind != "playlist" or place.playlist is None:
            self.table.show_ids(None)
            self.apply_filters()
            return
        from ver_desktop.core.usecases.playlists import contents

        playlist = place.playlist
        self.state.read("read the playlist", lambda s: contents(s.library, s.model, playlist),
                        lambda found: self._playlist_loaded(playlist, found))

    def _playlist_loaded(self, playlist: PlaylistInfo, found: Contents) -> None:
        place = self.sidebar.place()
        if place.playlist is None or place.playlist.id != playlist.id:
            return  # the user moved on
        self.table.show_ids(found.video_ids, reorderable=playlist.kind == "manual",
                            spans=found.spans, stretches=found.stretches)
        rule = playlist.rule or {}
        if playlist.kind == "mood_path" and rule.get("points"):
            self.map.set_path([tuple(p) for p in rule["points"]],
                              (tuple(rule["start"]), tuple(rule["target"])),
                              [tuple(p) for p in rule.get("route") or ()])

    def _show_no_match(self) -> None:
        """An empty result says why, instead of a blank table."""
        place = self.sidebar.place().kind
        empty = self.table.rowCount() == 0 and self.total > 0
        self.no_match.setText("No failed or missing files." if place == "failed" else
                              "This playlist is empty." if place == "playlist" else NO_MATCH)
        self.no_match.setVisible(empty)

    def _count(self) -> None:
        shown = self.table.rowCount()
        noun = "video" if self.total == 1 else "videos"
        self.counted.emit(f"{shown} of {self.total} {noun}" if self.total > shown
                          else f"{shown} {noun}")
