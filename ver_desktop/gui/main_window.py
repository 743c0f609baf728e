"""The main window: wiring between the engine (through the task runner and the scan
controller) and the views. It shows at once; the library opens in the background."""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QTextDocumentFragment
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ver_desktop.core.labels import octant_of
from ver_desktop.core.paths import is_shared
from ver_desktop.core.text import count_of
from ver_desktop.gui import menus
from ver_desktop.gui.about import AboutDialog
from ver_desktop.gui.details import DetailsPane
from ver_desktop.gui.emotion_map import EmotionMap, index_points
from ver_desktop.gui.empty import EmptyState
from ver_desktop.gui.library_view import LibraryView
from ver_desktop.gui.playlists import PlaylistActions
from ver_desktop.gui.progress import ScanProgressWidget
from ver_desktop.gui.scanning import ScanController
from ver_desktop.gui.session import Session, open_session
from ver_desktop.gui.settings_dialog import (
    PATH_MAP_KEY,
    TIMELINES_KEY,
    SettingsDialog,
    saved_library,
)
from ver_desktop.gui.shared import SharedWatch, library_words
from ver_desktop.gui.sidebar import Place, Sidebar
from ver_desktop.gui.stretches import StretchActions, StretchesView
from ver_desktop.gui.table_model import LibraryTableModel
from ver_desktop.gui.tasks import TaskRunner, in_words, sentence
from ver_desktop.gui.thumbnails import ThumbnailCache
from ver_desktop.gui.timelines import TimelineController
from ver_desktop.gui.watcher import FolderWatcher

if TYPE_CHECKING:
    from ver_desktop.core.library import MapPoint, PlaylistInfo, VideoFilter, VideoRow
    from ver_desktop.core.library.timelines import StoredStretch
    from ver_desktop.core.model_choice import ModelSummary
    from ver_desktop.core.playlists.export import Entry
    from ver_desktop.gui.player import Item, PreviewPlayer


FAILED_VIEW = frozenset({"failed", "missing"})  # what the Failed files view lists


def scan_summary_text(summary: Any) -> str:
    """A scan's outcome in words, with links to the failed files and to dismiss it."""
    from ver_desktop.core.scan import lost_stretches

    failed = len(summary.failed)
    parts = [f"{summary.analysed} tagged"]
    if failed:
        parts.append(f"{failed} failed (<a href=\"failed\">see Failed files</a>)")
    if summary.missing:
        parts.append(f"{summary.missing} missing")
    if summary.held_elsewhere:
        parts.append(f"{count_of(summary.held_elsewhere, 'file')} "
                     f"{'is' if summary.held_elsewhere == 1 else 'are'} being analysed by "
                     "another scan")
    if not summary.analysed and not failed and not summary.held_elsewhere:
        parts = [f"nothing new ({summary.unchanged} unchanged)"]
    parts += lost_stretches(summary)  # what changed files took with them, said once
    verb = "Stopped" if summary.cancelled else "Done"
    return f"{verb}: {', '.join(parts)} &nbsp; <a href=\"dismiss\">✕</a>"




def library_location(data_dir: Path, given: str | None, settings: QSettings) -> str:
    """--library, else $VER_DESKTOP_LIBRARY_URL, else Settings' shared library, else the
    file in the data folder."""
    from ver_desktop.core import paths

    return paths.library_url(data_dir, given, saved_library(settings))


class MainWindow(QMainWindow):
    actions_by_name: dict[str, QAction]  # set by `menus.install`
    tag_menu: QMenu
    session_ready = Signal()
    library_changed = Signal()  # after the id list and the map were reloaded
    model_changed = Signal()  # the session now tags with another model

    def __init__(self, data_dir: Path, bundle_dir: Path, settings: QSettings,
                 workers: int | None = None, library: str | None = None,
                 path_map: Sequence[str] = ()) -> None:
        super().__init__()
        self.setWindowTitle("ver_desktop")
        self.setAcceptDrops(True)
        self.data_dir, self.bundle_dir, self.settings = data_dir, bundle_dir, settings
        self._workers = workers
        self.session: Session | None = None
        self.total = 0  # videos in the library
        self._select_after_scan: str | None = None  # a single dropped file
        self._pending_select: int | None = None
        self.runner = TaskRunner(self)
        self.runner.failed.connect(lambda what, error: self.show_message(
            f"Could not {what}: {in_words(error)}", 15000))  # no background failure is silent
        self.scans = ScanController(self.runner, self.workers, self)
        self.model = LibraryTableModel(self.runner, self)
        self.thumbnails = ThumbnailCache(self.runner, data_dir, self)
        self.player: PreviewPlayer | None = None  # made on the first preview
        self.settings_dialog: SettingsDialog | None = None  # the last one opened
        self.model.use_thumbnails(self.thumbnails)
        self.watcher = FolderWatcher(self.runner, lambda roots: self.scans.request(roots), self)
        self.timelines = TimelineController(self.runner, self)
        self.timelines.enabled = str(settings.value(TIMELINES_KEY, "true")).lower() == "true"
        self._build()
        self.playlists = PlaylistActions(self)
        self.stretch_actions = StretchActions(self)
        menus.install(self)
        self._connect()
        self._restore()
        self.show_message("Opening the library…")
        self.library_given = library  # --library: it outranks the one saved in Settings
        url = self.library_url = library_location(data_dir, library, settings)
        self._not_open: str | None = None  # why the library could not be opened
        self.setWindowTitle(f"ver_desktop — {library_words(url, data_dir)}" if is_shared(url)
                            else "ver_desktop")
        mounts = [*path_map, str(settings.value(PATH_MAP_KEY, "") or "")]
        self.runner.run(lambda: open_session(data_dir, bundle_dir, url, mounts),
                        self._session_opened)

    # -- construction ------------------------------------------------------------------

    def _build(self) -> None:
        self.empty = EmptyState()
        self.library_view = LibraryView(self.model)
        self.map = EmotionMap()
        self.details = DetailsPane()
        details = QScrollArea()  # the pane never forces the window taller than the screen
        details.setWidget(self.details)
        details.setWidgetResizable(True)
        details.setFrameShape(QFrame.Shape.NoFrame)
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.map)
        self.right.addWidget(details)
        self.sidebar = Sidebar()
        self.retry_button = QPushButton("Retry failed files")
        self.retry_button.setToolTip("Analyse the selected failed files again (all when "
                                     "none is selected)")
        self.forget_button = QPushButton("Forget selected files")
        self.forget_button.setToolTip("Remove the selected files from the library (missing "
                                      "ones, or files you do not want); nothing is deleted "
                                      "from the disk")
        self.failed_buttons = QWidget()
        row = QHBoxLayout(self.failed_buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.retry_button)
        row.addWidget(self.forget_button)
        self.failed_buttons.hide()
        self.no_match = QLabel("No videos match these filters. Clear the search or the "
                               "emotion buttons to see more.")
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match.setWordWrap(True)
        self.no_match.hide()
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.library_view, 1)
        centre_layout.addWidget(self.no_match)
        centre_layout.addWidget(self.failed_buttons)
        self.stretches = StretchesView()
        self.centre = QStackedWidget()  # the videos, or the stretches of one emotion
        self.centre.addWidget(centre)
        self.centre.addWidget(self.stretches)
        self.browse = QSplitter(Qt.Orientation.Horizontal)
        self.browse.addWidget(self.sidebar)
        self.browse.addWidget(self.centre)
        self.browse.addWidget(self.right)
        self.browse.setStretchFactor(0, 0)
        self.browse.setStretchFactor(1, 3)
        self.browse.setStretchFactor(2, 2)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.browse)
        self.setCentralWidget(self.pages)
        self.count = QLabel()  # "12 of 43 videos"; a passing message covers it for a while
        self.statusBar().addWidget(self.count)
        self.progress = ScanProgressWidget()
        self.statusBar().addPermanentWidget(self.progress)
        # A scan's or a mood path's outcome stays in view until the next one or until
        # dismissed (a status message is gone in seconds, or overwritten sooner).
        self.notice = QLabel()
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        # A long notice is cut, with all of it on hover, rather than widening the window.
        self.notice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.notice.linkActivated.connect(self._summary_link)
        self.notice.hide()
        self.statusBar().addPermanentWidget(self.notice)
        # During scans, committed rows and map points are re-read in batches: each read
        # competes with the window for Python's lock, and each repaint costs the window.
        self._map_timer = QTimer(self, singleShot=True, interval=1500)
        self._rows_timer = QTimer(self, singleShot=True, interval=300)
        self._recorded: set[int] = set()  # committed, not re-read yet
        # New timelines bring new stretches: the stretches view reads them in batches.
        self._stretch_timer = QTimer(self, singleShot=True, interval=1500)
        self.shared = SharedWatch(self)  # other people's changes to a shared library

    def _connect(self) -> None:
        self.empty.add_folder.connect(self.choose_folder)
        self.library_view.filters.changed.connect(self.apply_filters)
        self.library_view.current_changed.connect(self.show_details)
        self.model.ids_loaded.connect(self._ids_loaded)
        self.model.row_loaded.connect(self._row_loaded)
        self.thumbnails.ready.connect(self._thumbnail_ready)
        self.details.preview_requested.connect(self.preview)
        self.details.message.connect(lambda text: self.show_message(text, 10000))
        self.library_view.table.preview_requested.connect(self.details.request_preview)
        self.map.region_selected.connect(self.library_view.filters.set_map_ids)
        self.map.region_selected.connect(self.map.set_chosen)
        self.map.point_clicked.connect(self._point_clicked)
        self.stretches.changed.connect(self.load_stretches)
        self.stretches.current_changed.connect(self.stretch_actions.chosen)
        self.stretches.play_requested.connect(self.stretch_actions.play)
        self._stretch_timer.timeout.connect(self.load_stretches)
        self.map.point_moved.connect(self._point_moved)
        self.scans.started.connect(self._scan_started)
        self.scans.started.connect(self.timelines.pause)  # a scan never waits for timelines
        self.scans.idle.connect(self.timelines.resume)
        self.timelines.stored.connect(self._timeline_stored)
        self.timelines.failed.connect(lambda video_id, _why: self._timeline_stored(video_id))
        self.timelines.broken.connect(lambda why: self.show_message(
            f"Could not work out emotion over time: {why}", 15000))
        self.scans.planned.connect(self._scan_planned)
        self.scans.progress.connect(self.progress.update_progress)
        self.scans.recorded.connect(self._scan_recorded)
        self.scans.finished.connect(self._scan_finished)
        self.progress.cancel_requested.connect(self.cancel_scan)
        self._map_timer.timeout.connect(self.reload_map)
        self._rows_timer.timeout.connect(self._reload_recorded)
        self.sidebar.place_changed.connect(self.show_place)
        self.retry_button.clicked.connect(self.retry_failed)
        self.forget_button.clicked.connect(self.forget_selected)
        self.model.modelReset.connect(self._show_no_match)

    def workers(self) -> int:
        configured = self._workers or int(str(self.settings.value("workers", 0) or 0))
        return max(1, configured or (os.cpu_count() or 2))

    def show_message(self, text: str, msecs: int = 0) -> None:
        self.statusBar().showMessage(text, msecs)

    # -- the session -------------------------------------------------------------------

    def _session_opened(self, session: Session | None, error: BaseException | None) -> None:
        if error is not None or session is None:
            why = sentence(in_words(error))
            self.empty.set_message("The library could not be opened", why)
            self._not_open = ("The library could not be opened, so nothing can be added: fix "
                              "its address in File > Settings and start ver_desktop again")
            self.show_message(f"Could not open {library_words(self.library_url, self.data_dir)}: "
                              f"{why}")
            return
        self.session = session
        self.scans.session = session
        self.model.attach(session)
        self.reload_map()
        self.reload_playlists()
        self.folders_changed()
        self.runner.run(lambda: _warm_up(session),
                        self.runner.reporting("prepare the library", lambda _r: _freeze_heap()))
        self.watcher.check = lambda roots: _changed_roots(session, roots)
        self.timelines.session = session
        if not self.scans.busy:
            self.timelines.resume()
        self.shared.start()
        self.show_message(f"Library: {self.data_dir} · model {session.bundle.tag}", 8000)
        self.session_ready.emit()

    def reload(self) -> None:
        """The library changed in a way that may add or remove rows."""
        if self.sidebar.place().kind == "playlist":
            self.show_place(self.sidebar.place())  # a smart playlist follows the library
        else:
            self.model.refresh()
        self.reload_map()

    def reload_map(self) -> None:
        session = self.session
        if session is None:
            return
        if self.showing_stretches():
            self.load_stretches()  # the map shows the stretches there
            return
        where = self._map_filter()

        def read() -> tuple[list[MapPoint], Any, int]:
            points = session.library.map_points(session.model, where)
            return points, index_points(points), session.library.count()

        self.runner.run(read, self._map_loaded)

    def _map_loaded(self, result: tuple[list[MapPoint], Any, int] | None,
                    error: BaseException | None) -> None:
        if error is not None or result is None:
            self.show_message(f"Could not read the library: {in_words(error)}")
            return
        points, index, self.total = result
        self.map.set_points(points, index)
        self._update_page()
        self.library_changed.emit()

    def _update_page(self) -> None:
        empty = self.total == 0 and not self.scans.busy
        self.pages.setCurrentWidget(self.empty if empty else self.browse)

    # -- filters, selection, details ---------------------------------------------------

    def apply_filters(self) -> None:
        state = self.library_view.filters.state()
        if self.sidebar.place().kind == "failed":
            state = replace(state, statuses=FAILED_VIEW)
        self.model.set_filter(state.video_filter(), state.map_ids)
        if state.map_ids is None:
            self.map.set_chosen(None)
        self._map_timer.start(0 if not self.scans.busy else 1500)  # the map shows the same

    def _map_filter(self) -> VideoFilter:
        """The table's filters, for the map (a region chosen on the map is ringed on it,
        not cut out of it, so it can be widened); failed files have no point to show."""
        where = self.library_view.filters.state().video_filter()
        if self.sidebar.place().kind == "failed":
            where = replace(where, statuses=FAILED_VIEW)
        return where

    # -- places: the library, failed files, playlists ---------------------------------

    def show_place(self, place: Place) -> None:
        menus.update_playlist_actions(self)
        self.failed_buttons.setVisible(place.kind == "failed")
        self.library_view.show_failures(place.kind == "failed")
        self.map.set_path([], None)
        self.centre.setCurrentIndex(1 if place.kind == "stretches" else 0)
        if place.kind == "stretches":
            self.load_stretches()
            return
        if place.kind != "playlist" or place.playlist is None:
            self.model.show_ids(None)
            self.apply_filters()
            return
        session, playlist = self.session, place.playlist
        if session is None:
            return
        from ver_desktop.core.playlists import playlist_items, playlist_stretches

        def read() -> tuple[list[tuple[int, tuple[float, float] | None]],
                            list[StoredStretch | None]]:
            items = playlist_items(session.library, session.model, playlist)
            return items, playlist_stretches(session.library, session.model, items)

        self.runner.run(read, lambda found, error: self._playlist_loaded(playlist, found,
                                                                         error))

    def _playlist_loaded(self, playlist: PlaylistInfo, found: Any,
                         error: BaseException | None) -> None:
        place = self.sidebar.place()
        if place.playlist is None or place.playlist.id != playlist.id:
            return  # the user moved on
        if error is not None or found is None:
            self.show_message(f"Could not read the playlist: {in_words(error)}", 8000)
            return
        items, stretches = found
        self.model.show_ids([v for v, _ in items], reorderable=playlist.kind == "manual",
                            spans=[span for _, span in items], stretches=stretches)
        rule = playlist.rule or {}
        if playlist.kind == "mood_path" and rule.get("points"):
            self.map.set_path([tuple(p) for p in rule["points"]],
                              (tuple(rule["start"]), tuple(rule["target"])))

    def reload_playlists(self, select: Place | None = None) -> None:
        """Re-read the playlists; show `select` (or the current place) afterwards."""
        session = self.session
        if session is not None:
            self.runner.run(session.library.playlists,
                            self.runner.reporting(
                                "read the playlists",
                                lambda found: self._playlists_loaded(found, select)))

    def _playlists_loaded(self, found: list[PlaylistInfo], select: Place | None) -> None:
        self.sidebar.set_playlists(found, select)
        self.show_place(self.sidebar.place())

    def _show_no_match(self) -> None:
        """An empty result says why, instead of a blank table."""
        place = self.sidebar.place().kind
        empty = self.model.rowCount() == 0 and self.total > 0
        self.no_match.setText("No failed or missing files." if place == "failed" else
                              "This playlist is empty." if place == "playlist" else
                              "No videos match these filters. Clear the search or the "
                              "emotion buttons to see more.")
        self.no_match.setVisible(empty)

    def forget_selected(self) -> None:
        session, ids = self.session, self.library_view.selected_ids()
        if session is None or not ids:
            self.show_message("Select the files to forget first", 4000)
            return
        self.runner.write(lambda: session.library.forget_videos(ids),
                          self.runner.reporting("forget the files", self._forgotten))

    def _forgotten(self, count: int) -> None:
        self.show_message(f"Forgot {count_of(count, 'file')}", 5000)
        self.reload()

    def retry_failed(self) -> None:
        session = self.session
        if session is None:
            return
        chosen = self.library_view.selected_ids()
        ids = chosen if self.library_view.table.selectionModel().hasSelection() \
            else self.model.ids()

        def paths() -> list[str]:
            rows = session.library.rows(session.model, ids)
            return [r.path for r in rows.values() if r.status == "failed"]

        self.runner.run(paths, self.runner.reporting("list the failed files", self.retry))

    def open_settings(self) -> None:
        """Settings, also when the library could not be opened: its address is set there."""
        session = self.session

        def read() -> tuple[list[str], list[ModelSummary]]:
            from ver_desktop.core.model_choice import bundled_model_summaries

            folders = session.library.folders() if session is not None else []
            return folders, bundled_model_summaries()

        self.runner.run(read, self._settings_read)

    def _settings_read(self, found: tuple[list[str], list[ModelSummary]] | None,
                       error: BaseException | None) -> None:
        if error is not None or found is None:
            self.show_message(f"Could not read the settings: {in_words(error)}", 8000)
            return
        self.settings_dialog = SettingsDialog(self, *found)
        self.settings_dialog.open()

    def use_model(self, name: str, *, reanalyse: bool = False) -> None:
        """Tag from now on with the bundled model `name`. Each model keeps its own tags, so
        the table shows the new model's; `reanalyse` rescans the library with it (a person's
        corrections are stored apart and always win)."""
        self.settings.setValue("model", name)
        session = self.session
        if session is None:
            return
        from ver_desktop.core import paths

        def load() -> Session:
            from ver_desktop.core.bundle import read_bundle_info

            bundle = read_bundle_info(paths.model_dir(name))
            fresh = Session(session.data_dir, session.library, bundle)
            fresh.classifier()  # load it now, not at the start of the next scan
            return fresh

        self.runner.run(load, lambda fresh, error: self._model_loaded(fresh, error, reanalyse))

    def _model_loaded(self, fresh: Session | None, error: BaseException | None,
                      reanalyse: bool) -> None:
        if error is not None or fresh is None:
            self.show_message(f"Could not load the model: {in_words(error)}", 8000)
            return
        self.session = self.scans.session = fresh  # a running scan finishes with the old one
        self.bundle_dir = fresh.bundle.path
        self.model.session = fresh
        self.reload()
        self.show_message(f"Model {fresh.bundle.tag}", 8000)
        self.model_changed.emit()
        if reanalyse:
            self.rescan()

    def open_about(self) -> None:
        AboutDialog(self.bundle_dir, self.data_dir, self).open()

    def _ids_loaded(self) -> None:
        shown = self.model.rowCount()
        noun = "video" if self.total == 1 else "videos"
        self.count.setText(f"{shown} of {self.total} {noun}" if self.total > shown
                           else f"{shown} {noun}")
        if self._pending_select is not None:
            self._select_pending()

    def select_video(self, video_id: int) -> None:
        if not self.library_view.select_id(video_id):
            self.show_message("That video is hidden by the current filters", 4000)

    def show_details(self, video_id: int | None) -> None:
        self.map.set_highlight(video_id)
        row = self.model.video(video_id) if video_id is not None else None
        if video_id is not None and row is None:
            self.model.reload_rows([video_id])  # `_row_loaded` shows it
            return
        self.show_row(row)

    def show_row(self, row: VideoRow | None) -> None:
        """The details pane on `row`, with what is read for it in the background."""
        player = self.player
        if player is not None and player.isVisible() and len(player.queue) <= 1 and (
                not player.queue or row is None or player.queue[0].video_id != row.id):
            player.close_player()  # a preview belongs to the video it was started for
        self.details.show_row(row)
        if row is not None and self.session is not None:
            session = self.session
            self.runner.run(lambda: session.library.probabilities(session.model, row.id),
                            self.runner.reporting("read the model's probabilities",
                                                lambda probs: self._probabilities(row.id, probs)))
        self.details.set_thumbnail(self.thumbnails.pixmap(row) if row is not None else None)
        if row is not None:
            self._read_timeline(row)

    def set_timelines(self, enabled: bool) -> None:
        """Settings' switch for timelines in the background."""
        self.settings.setValue(TIMELINES_KEY, "true" if enabled else "false")
        self.timelines.enabled = enabled
        if not enabled:
            self.timelines.pause()
        elif not self.scans.busy:
            self.timelines.resume()

    def _read_timeline(self, row: VideoRow) -> None:
        session = self.session
        if session is None or row.status != "ok":
            return
        self.runner.run(lambda: session.library.timeline(row.id, session.model),
                        self.runner.reporting("read the emotion over time",
                                              lambda found: self._timeline_read(row, found)))

    def _timeline_read(self, row: VideoRow, found: Any) -> None:
        shown = self.details.row
        if shown is None or shown.id != row.id:
            return  # the user moved on
        if found is not None:
            timeline, kept = found
            self.details.set_timeline((timeline, [k.stretch for k in kept]))
        elif row.id in self.timelines.failures:
            self.details.set_timeline(None, note="No emotion over time for this file: "
                                      + self.timelines.failures[row.id])
        elif self.timelines.enabled:
            self.details.set_timeline(None)
            self.timelines.want(row.id, row.path)  # someone is looking: this one next
        else:
            self.details.set_timeline(None, note="Emotion over time is off (Settings)")

    def _timeline_stored(self, video_id: int) -> None:
        row = self.details.row
        if row is not None and row.id == video_id:
            self._read_timeline(row)
        if self.showing_stretches() and not self._stretch_timer.isActive():
            self._stretch_timer.start()

    # -- stretches of one emotion -------------------------------------------------------

    def showing_stretches(self) -> bool:
        return self.sidebar.place().kind == "stretches"

    def _point_clicked(self, point_id: int) -> None:
        if self.showing_stretches():
            self.stretches.select_stretch(point_id)
        else:
            self.select_video(point_id)

    def selection(self) -> tuple[list[int], list[tuple[float, float] | None]]:
        """What is selected, as playlist items: videos, or stretches of them."""
        if self.showing_stretches():
            chosen = self.stretches.selected()
            return ([k.video_id for k in chosen],
                    [(k.stretch.start, k.stretch.end) for k in chosen])
        ids = self.library_view.selected_ids()
        return ids, [None] * len(ids)

    def _thumbnail_ready(self, video_id: int) -> None:
        row = self.details.row
        if row is not None and row.id == video_id:
            self.details.set_thumbnail(self.thumbnails.pixmap(row))

    # -- the preview player ------------------------------------------------------------

    def ensure_player(self) -> PreviewPlayer:
        if self.player is None:
            from ver_desktop.gui.player import PreviewPlayer

            self.player = PreviewPlayer()
            self.details.set_player(self.player)
            self.player.closed.connect(self.details.player_visibility_changed)
            self.player.item_started.connect(self._playing)
        self.player.show()
        self.details.player_visibility_changed()
        return self.player

    def preview(self, path: str, start: float) -> None:
        """Play one video from its analysed segment."""
        from ver_desktop.gui.player import Item

        row = self.details.row
        mine = row is not None and row.path == path
        self.ensure_player().play_items([Item(path, start, row.name if row and mine
                                              else os.path.basename(path),
                                              row.id if row and mine else None)])

    def play_playlist(self) -> None:
        """Play the playlist shown in the table, in its order: each item from its segment
        (to its end in a segment playlist), a stretch from its start to its end."""
        session = self.session
        playlist = self.sidebar.place().playlist
        if session is None or self.sidebar.place().kind != "playlist" or playlist is None:
            self.show_message("Choose a playlist in the sidebar first", 4000)
            return
        from ver_desktop.core.playlists import playlist_entries

        self.runner.run(lambda: playlist_entries(session.library, session.model, playlist),
                        self.runner.reporting("read the playlist's videos", self._play_entries))

    def _play_entries(self, entries: list[tuple[VideoRow, Entry]]) -> None:
        from ver_desktop.gui.player import Item

        items = [Item(row.path, entry.start or 0.0, row.name, row.id, entry.stop)
                 for row, entry in entries if row.status != "missing"]
        if not items:
            self.show_message("Nothing to play in this playlist", 4000)
            return
        self.ensure_player().play_items(items)

    def _playing(self, item: Item) -> None:
        if item.video_id is not None and item.video_id != self.library_view.current_id():
            self.library_view.select_id(item.video_id)

    def _probabilities(self, video_id: int, probs: Any) -> None:
        if self.details.row is not None and self.details.row.id == video_id:
            self.details.set_probabilities(probs)

    def _row_loaded(self, video_id: int) -> None:
        if video_id == self.library_view.current_id():
            self.show_details(video_id)

    # -- folders, drops and scans ------------------------------------------------------

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder of videos",
                                                  os.path.expanduser("~"))
        if folder:
            self.add_paths([folder])

    def add_paths(self, paths: Sequence[str]) -> None:
        """Folders join the library and are scanned; files are analysed on their own."""
        session = self.session
        if session is None:
            self.show_message(self._not_open or "The library is still opening; try again in a "
                              "moment", 8000)
            return
        paths = [os.path.abspath(p) for p in paths if os.path.exists(p)]
        folders = [p for p in paths if os.path.isdir(p)]
        self._select_after_scan = paths[0] if len(paths) == 1 and not folders else None
        if folders:
            def add() -> None:
                for folder in folders:
                    session.library.add_folder(folder)

            self.runner.write(add, self.runner.reporting("add the folders",
                                                         lambda _r: self.folders_changed()))
        if paths:
            self.scans.request(paths)

    def folders_changed(self) -> None:
        """The library's folders changed: watch the new set."""
        session = self.session
        if session is not None:
            self.runner.run(session.library.folders,
                            self.runner.reporting("read the library's folders", self.watcher.watch))

    def remove_folder(self) -> None:
        session = self.session
        if session is not None:
            self.runner.run(session.library.folders,
                            self.runner.reporting("read the library's folders",
                                                  self._choose_removal))

    def _choose_removal(self, folders: list[str]) -> None:
        if not folders:
            QMessageBox.information(self, "Remove a folder", "The library has no folders.")
            return
        folder, ok = QInputDialog.getItem(self, "Remove a folder",
                                          "Forget this folder and its videos (the files "
                                          "stay on disk):", folders, 0, False)
        if ok and folder:
            self.forget_folder(folder)

    def forget_folder(self, folder: str) -> None:
        session = self.session
        if session is not None:
            self.runner.write(lambda: session.library.forget_folder(folder),
                              self.runner.reporting("forget the folder",
                                                    lambda _n: self._folder_forgotten()))

    def _folder_forgotten(self) -> None:
        self.folders_changed()
        self.reload()

    def rescan(self, *, retry_failed: bool = False) -> None:
        session = self.session
        if session is None:
            return
        self.runner.run(session.library.folders, self.runner.reporting(
            "read the library's folders", lambda folders: self.scans.request(
                folders, retry_failed=retry_failed)))

    def retry(self, paths: Sequence[str]) -> None:
        self.scans.request(paths, retry_failed=True)

    def cancel_scan(self) -> None:
        self.progress.cancelling()
        self.scans.cancel()

    def _scan_started(self) -> None:
        self.notice.hide()
        self.actions_by_name["cancel_scan"].setEnabled(True)
        self.progress.started()
        self._update_page()

    def _scan_planned(self, ids: list[int]) -> None:
        self.model.working = set(ids)
        self.model.refresh()  # new files appear at once, marked as working
        self._select_dropped_file()

    def _scan_recorded(self, ids: list[int]) -> None:
        self._recorded.update(ids)
        if not self._rows_timer.isActive():
            self._rows_timer.start()
        if not self._map_timer.isActive():
            self._map_timer.start()

    def _reload_recorded(self) -> None:
        ids, self._recorded = sorted(self._recorded), set()
        self.model.working.difference_update(ids)
        self.model.reload_rows(ids)

    def _scan_finished(self, summary: Any, error: BaseException | None) -> None:
        self.actions_by_name["cancel_scan"].setEnabled(False)  # nothing left to stop
        self.model.working.clear()
        self._recorded.clear()  # `reload` below re-reads everything
        self._rows_timer.stop()
        self.progress.hide()
        if error is not None:
            self.show_message(f"The scan stopped: {in_words(error)}")
        elif summary is not None:
            self.show_scan_summary(summary)
        self.reload()

    def show_scan_summary(self, summary: Any) -> None:
        """"Done: 41 tagged, 4 failed (see Failed files)", kept until the user moves on."""
        self.show_notice(scan_summary_text(summary))

    def show_notice(self, text: str) -> None:
        """Rich text kept in the status bar until the next notice, a scan, or ✕."""
        self.notice.setToolTip(QTextDocumentFragment.fromHtml(text).toPlainText())
        if "dismiss" not in text:
            text += ' &nbsp; <a href="dismiss">✕</a>'
        self.notice.setText(text)
        self.notice.show()

    def _summary_link(self, link: str) -> None:
        if link == "failed":
            self.sidebar.select(Place("failed"))
        self.notice.hide()

    def _select_dropped_file(self) -> None:
        """A single dropped file is selected as soon as it is in the library."""
        path, self._select_after_scan = self._select_after_scan, None
        session = self.session
        if path is None or session is None:
            return

        def found(video_id: int | None, _error: BaseException | None) -> None:
            self._pending_select = video_id
            self._select_pending()

        self.runner.run(lambda: session.library.video_id(path), found)

    def _select_pending(self) -> None:
        if self._pending_select is not None and self.library_view.select_id(
                self._pending_select):
            self._pending_select = None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    # -- corrections -------------------------------------------------------------------

    def correct(self, *, quadrant: str | None = None, octant: str | None = None,
                ids: Sequence[int] | None = None) -> None:
        """Set the selected videos' emotion by hand; `quadrant=octant=None` clears it."""
        session = self.session
        if ids is None and self.showing_stretches():
            self.stretch_actions.correct([k.id for k in self.stretches.selected()], quadrant,
                                         octant)
            return
        targets = list(ids) if ids is not None else self.library_view.selected_ids()
        if session is None or not targets:
            return

        def write() -> None:
            for video_id in targets:
                if quadrant is None and octant is None:
                    session.library.clear_user_label(video_id)
                else:
                    session.library.set_user_label(video_id, quadrant=quadrant, octant=octant)

        self.runner.write(write, lambda _r, error: self._corrected(targets, error))

    def _corrected(self, ids: list[int], error: BaseException | None) -> None:
        if error is not None:
            self.show_message(f"Could not save the correction: {in_words(error)}")
            return
        self.model.reload_rows(ids)
        self.reload_map()
        self.show_message(f"Corrected {count_of(len(ids), 'video')}", 3000)

    def load_stretches(self) -> None:
        self.stretch_actions.load()

    def _point_moved(self, point_id: int, valence: float, arousal: float) -> None:
        if self.showing_stretches():
            self.stretch_actions.correct([point_id], None, octant_of(valence, arousal))
        else:
            self.correct(octant=octant_of(valence, arousal), ids=[point_id])

    # -- window state ------------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = self.settings.value("window/state")
        if state:
            self.restoreState(state)
        self.browse.setSizes([180, 680, 420])
        self.right.setSizes([360, 440])
        for key, splitter in (("window/browse", self.browse), ("window/right", self.right)):
            saved = self.settings.value(key)
            if saved:
                splitter.restoreState(saved)
        self.library_view.restore_state(self.settings.value("table/header"))

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/browse", self.browse.saveState())
        self.settings.setValue("window/right", self.right.saveState())
        self.settings.setValue("table/header", self.library_view.save_state())
        self.settings.sync()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.watcher.check_soon()  # files may have been edited while the user was away
            self.shared.look()  # and the library changed by the command line beside it
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.watcher.poll.stop()
        self.timelines.stop()
        if self.player is not None:
            self.player.stop()
        self.scans.cancel()
        self.scans.wait()
        self.runner.wait()
        if self.session is not None:
            self.session.close()
        super().closeEvent(event)

    def central(self) -> QWidget:
        return self.pages


def _changed_roots(session: Session, roots: list[str]) -> list[str]:
    from ver_desktop.core.scan import changed_roots

    return changed_roots(session.library, roots)


def _freeze_heap() -> None:
    """Exclude everything loaded so far (Qt, the engine, the model: ~100,000 objects) from
    garbage collection. A full collection otherwise walks them all while holding Python's
    lock, from whichever thread triggers it: a 150-200 ms freeze of the window, measured by
    benchmarks/bench_gui_scan.py at the start of every scan. (No collection first: that
    would be the same freeze, and the few cycles left now cost little memory.)"""
    gc.freeze()


def _warm_up(session: Session) -> None:
    """Load the scan's code and the model now, while the user looks around, so the first
    scan does not start with a pause (imports hold Python's lock)."""
    import ver_desktop.core.scan  # noqa: F401

    session.classifier()
