"""The main window: layout, and the wiring between the application state (gui/state.py: the
open library, the use cases, what changed) and the views and helpers. It shows at once; the
library opens in the background. Helpers get the state and the views they work on, never
the window; views refresh themselves from the changes the state announces."""

from __future__ import annotations

import gc
import html
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ver_desktop.core.changes import Changes
from ver_desktop.core.labels import dropped_tag, tag_words
from ver_desktop.core.paths import is_shared
from ver_desktop.core.text import count_of
from ver_desktop.gui import menus as menu_bar
from ver_desktop.gui.about import AboutDialog
from ver_desktop.gui.browser import NO_MATCH, Browser
from ver_desktop.gui.details import DetailsPane
from ver_desktop.gui.details_controller import DetailsController
from ver_desktop.gui.embeddings_job import EmbeddingsController
from ver_desktop.gui.emotion_map import EmotionMap
from ver_desktop.gui.empty import DropOverlay, EmptyState
from ver_desktop.gui.folder_actions import FolderActions
from ver_desktop.gui.learning import Learning
from ver_desktop.gui.library_view import LibraryView
from ver_desktop.gui.playback import Playback
from ver_desktop.gui.playlists import PlaylistActions
from ver_desktop.gui.progress import ScanProgressWidget
from ver_desktop.gui.scanning import ScanController, found_nothing
from ver_desktop.gui.selection import Selection
from ver_desktop.gui.session import Session, open_session
from ver_desktop.gui.settings_dialog import (
    PATH_MAP_KEY,
    TIMELINES_KEY,
    SettingsDialog,
    saved_library,
)
from ver_desktop.gui.shared import SharedWatch, library_words
from ver_desktop.gui.sidebar import Place, Sidebar
from ver_desktop.gui.state import AppState
from ver_desktop.gui.stretch_actions import StretchActions
from ver_desktop.gui.stretches import StretchesView
from ver_desktop.gui.table_model import LibraryTableModel
from ver_desktop.gui.tasks import TaskRunner, in_words, sentence
from ver_desktop.gui.thumbnails import ThumbnailCache
from ver_desktop.gui.timelines import TimelineController
from ver_desktop.gui.watcher import FolderWatcher

if TYPE_CHECKING:
    from ver_desktop.core.model_choice import ModelSummary
    from ver_desktop.gui.help_learn import HelpItLearnDialog
    from ver_desktop.gui.table_io import ImportTagsDialog
    from ver_desktop.gui.write_moods import WriteMoodsDialog


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


def tag_notice(names: Sequence[str], words: str | None, kind: str = "file", *,
               dropped: bool = False) -> str:
    """What a person's tag saved, one sentence for the lasting notice, the same for the
    Tag menu, its keys and a drop on the map: "Tagged “Blue night.mp4” as calm, content.",
    "Tagged 3 files as ..."; `words` None: the tag was cleared."""
    one = len(names) == 1 and names[0]
    who = f"“{html.escape(names[0])}”" if one else count_of(len(names), kind)
    if words is None:
        return f"Cleared your tag on {who}: the model's tag shows again."
    kept = ", kept where you dropped it on the map" if dropped else ""
    return f"Tagged {who} as {words}{kept}."


def library_location(data_dir: Path, given: str | None, settings: QSettings) -> str:
    """--library, else $VER_DESKTOP_LIBRARY_URL, else Settings' shared library, else the
    file in the data folder."""
    from ver_desktop.core import paths

    return paths.library_url(data_dir, given, saved_library(settings))


class MainWindow(QMainWindow):
    actions_by_name: dict[str, QAction]  # set by `_install_menus`
    tag_menu: QMenu
    write_moods_dialog: WriteMoodsDialog | None = None  # File > Write moods…, once opened
    import_tags_dialog: ImportTagsDialog | None = None  # File > Import tags…, the last one
    session_ready = Signal()

    def __init__(self, data_dir: Path, bundle_dir: Path, settings: QSettings,
                 workers: int | None = None, library: str | None = None,
                 path_map: Sequence[str] = ()) -> None:
        super().__init__()
        self.setWindowTitle("ver_desktop")
        self.setAcceptDrops(True)
        self.data_dir, self.bundle_dir, self.settings = data_dir, bundle_dir, settings
        self._workers = workers
        self._select_after_scan: str | None = None  # a single dropped file
        self._pending_select: int | None = None
        self.settings_dialog: SettingsDialog | None = None  # the last one opened
        self.help_learn: HelpItLearnDialog | None = None  # made when first opened
        self.runner = TaskRunner(self)
        self.runner.failed.connect(lambda what, error: self.show_message(
            f"Could not {what}: {in_words(error)}", 15000))  # no background failure is silent
        self.library_given = library  # --library: it outranks the one saved in Settings
        url = self.library_url = library_location(data_dir, library, settings)
        state = self.state = AppState(self.runner, data_dir, settings, url, library, self)
        self.scans = ScanController(self.runner, self.workers, lambda: state.session, self)
        self.model = LibraryTableModel(self.runner, self)
        self.model.follow(state)
        self.thumbnails = ThumbnailCache(self.runner, data_dir, self)
        self.model.use_thumbnails(self.thumbnails)
        self.watcher = FolderWatcher(
            self.runner, lambda roots: self.scans.request(roots, automatic=True), self)
        self.timelines = TimelineController(state, self)
        self.embeddings = EmbeddingsController(state, self)  # prepares older analyses
        self.timelines.enabled = str(settings.value(TIMELINES_KEY, "true")).lower() == "true"
        self._build()
        self._helpers()
        self._install_menus()
        self._connect()
        self._restore()
        self.show_message("Opening the library…")
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
        # Never scrolled sideways: the pane is as wide as its content needs, so nothing in
        # it is cut at the window's narrowest.
        details.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = self.details.layout()
        sides = 0 if layout is None else (layout.contentsMargins().left()
                                          + layout.contentsMargins().right())
        needs = max(self.details.minimumSizeHint().width(),  # the body shows once a video is
                    self.details.body.minimumSizeHint().width() + sides)
        details.setMinimumWidth(needs + details.verticalScrollBar().sizeHint().width())
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self._map_with_choice())
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
        self.no_match = QLabel(NO_MATCH)
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
        self.count = QLabel()  # "12 of 43 videos"; a passing message covers it for a while
        self.statusBar().addWidget(self.count)
        self.progress = ScanProgressWidget()
        self.statusBar().addPermanentWidget(self.progress)
        # A scan's or a mood path's outcome stays in view until the next one or until
        # dismissed (a status message is gone in seconds, or overwritten sooner). It is a
        # bar of its own under the window's content, the width of the window, and a long
        # one wraps onto more lines: in the status bar it was squeezed or cut.
        self.notice = QLabel()
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.setWordWrap(True)
        self.notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice.setContentsMargins(6, 3, 6, 3)
        self.notice.linkActivated.connect(self._summary_link)
        self.notice.hide()
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.pages, 1)
        column.addWidget(self.notice)
        self.setCentralWidget(content)
        self.drop_overlay = DropOverlay(content)  # while something is dragged over
        # During scans, committed rows are re-read in batches: each read competes with the
        # window for Python's lock, and each repaint costs the window.
        self._rows_timer = QTimer(self, singleShot=True, interval=300)
        self._recorded: set[int] = set()  # committed, not re-read yet

    def _map_with_choice(self) -> QWidget:
        """The map, and under it the region chosen on it ("3 chosen on the map", Clear).
        Their room is kept while nothing is chosen: choosing a region moves nothing."""
        filters = self.library_view.filters
        choice = QHBoxLayout()
        choice.setContentsMargins(4, 0, 4, 0)
        choice.addWidget(filters.map_label, 1)
        choice.addWidget(filters.clear_map)
        for widget in (filters.map_label, filters.clear_map):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.map, 1)
        column.addLayout(choice)
        return box

    def _helpers(self) -> None:
        """The helpers, each with the state and the views it works on."""
        state = self.state
        self.chosen = Selection(self.sidebar, self.library_view, self.stretches)
        self.stretch_actions = StretchActions(state, self.chosen, self.map, self)
        self.browser = Browser(state, self.sidebar, self.library_view, self.model, self.map,
                               self.centre, self.no_match, self.failed_buttons,
                               self.stretch_actions, self)
        self.playlists = PlaylistActions(state, self.sidebar, self.chosen, self.model,
                                         self.map, self)
        self.playback = Playback(state, self.details, self.sidebar, self.library_view, self)
        self.detail = DetailsController(state, self.details, self.model, self.library_view,
                                        self.map, self.thumbnails, self.timelines, self)
        self.folders = FolderActions(state, self.scans, self.watcher, self.library_view,
                                     self.model, self)
        self.shared = SharedWatch(state)  # other people's changes to a shared library
        self.learning = Learning(state, self)  # refits after a person's tags

    def _install_menus(self) -> None:
        found = menu_bar.install(self.menuBar(), self, {
            "add_folder": self.folders.choose_folder,
            "remove_folder": self.folders.remove_folder,
            "rescan": self.rescan, "cancel_scan": self.cancel_scan,
            "settings": self.open_settings, "quit": self.close,
            "find": self.library_view.filters.search.setFocus,
            "play_playlist": self.playback.play_playlist, "about": self.open_about,
            "help_learn": self.open_help_learn, "thats_right": self.thats_right,
            "write_moods": self.open_write_moods,
            "library_table": self.open_export_table, "import_tags": self.open_import_tags,
        }, self.correct, self.library_view.show_grid, self.playlists, self.sidebar)
        self.actions_by_name = found.actions
        assert found.tag_menu is not None
        self.tag_menu = found.tag_menu
        assert found.export_menu is not None
        self.export_menu = found.export_menu

    def _connect(self) -> None:
        self.state.message.connect(self.show_message)
        self.state.notice.connect(self.show_notice)
        self.state.changed.connect(self._changed)
        self.empty.add_folder.connect(self.folders.choose_folder)
        self.details.message.connect(lambda text: self.show_message(text, 10000))
        self.library_view.table.preview_requested.connect(self.details.request_preview)
        self.map.region_selected.connect(self.library_view.filters.set_map_ids)
        self.map.region_selected.connect(self.map.set_chosen)
        self.map.point_clicked.connect(self._point_clicked)
        self.map.point_moved.connect(self._point_moved)
        self.stretch_actions.file_chosen.connect(self.detail.show_row)
        self.stretch_actions.play_requested.connect(self.playback.play_stretch)
        self.stretch_actions.counted.connect(self.count.setText)
        self.stretch_actions.tagged.connect(self.learning.after_tag)
        self.sidebar.help_learn.connect(self.open_help_learn)
        self.learning.state_known.connect(self._learning_known)
        self.detail.row_shown.connect(self.playback.leave)
        self.browser.counted.connect(self.count.setText)
        self.browser.total_changed.connect(lambda _total: self._update_page())
        self.browser.place_shown.connect(lambda place: menu_bar.update_playlist_actions(
            self.actions_by_name, place.playlist))
        self.model.ids_loaded.connect(self._select_pending)
        self.folders.one_file_added.connect(self._select_later)
        self.scans.started.connect(self._scan_started)
        self.scans.started.connect(self.timelines.pause)  # a scan never waits for timelines
        self.scans.idle.connect(self.timelines.resume)
        self.scans.started.connect(self.embeddings.pause)
        self.scans.idle.connect(self.embeddings.resume)
        self.timelines.broken.connect(lambda why: self.show_message(
            f"Could not work out emotion over time: {why}", 15000))
        self.scans.planned.connect(self._scan_planned)
        self.scans.progress.connect(self.progress.update_progress)
        self.scans.recorded.connect(self._scan_recorded)
        self.scans.finished.connect(self._scan_finished)
        self.progress.cancel_requested.connect(self.cancel_scan)
        self._rows_timer.timeout.connect(self._reload_recorded)
        self.retry_button.clicked.connect(self.folders.retry_failed)
        self.forget_button.clicked.connect(self.folders.forget_selected)

    @property
    def session(self) -> Session | None:
        return self.state.session

    @property
    def total(self) -> int:
        return self.browser.total

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
            self.state.not_open = ("The library could not be opened, so nothing can be added: "
                                   "fix its address in File > Settings and start ver_desktop "
                                   "again")
            self.show_message(f"Could not open {library_words(self.library_url, self.data_dir)}: "
                              f"{why}")
            return
        self.state.open(session)  # the table reads its rows
        self.browser.reload_map()
        self.playlists.reload()
        self.folders.watch()
        self.runner.run(lambda: _warm_up(session),
                        self.runner.reporting("prepare the library", lambda _r: _freeze_heap()))
        self.watcher.check = lambda roots: _changed_roots(session, roots)
        if not self.scans.busy:
            self.timelines.resume()
            self.embeddings.resume()
        self.shared.start()
        self.show_message(f"Library: {self.data_dir} · model {session.bundle.tag}", 8000)
        self.session_ready.emit()

    def _changed(self, changes: Changes) -> None:
        if changes.model and self.state.session is not None:
            self.bundle_dir = self.state.session.bundle.path  # what About describes

    def _update_page(self) -> None:
        empty = self.browser.total == 0 and not self.scans.busy
        self.pages.setCurrentWidget(self.empty if empty else self.browse)

    # -- what the tests and the command line drive -------------------------------------

    def add_paths(self, paths: Sequence[str]) -> None:
        self.folders.add_paths(paths)

    def rescan(self, *, retry_failed: bool = False) -> None:
        self.folders.rescan(retry_failed=retry_failed)

    def reload(self) -> None:
        self.browser.reload()

    def reload_playlists(self, select: Place | None = None) -> None:
        self.playlists.reload(select)

    def selection(self) -> tuple[list[int], list[tuple[float, float] | None]]:
        return self.chosen.items()

    def showing_stretches(self) -> bool:
        return self.chosen.showing_stretches()

    def ensure_player(self) -> Any:
        return self.playback.ensure_player()

    @property
    def player(self) -> Any:
        return self.playback.player

    def select_video(self, video_id: int) -> None:
        if not self.library_view.select_id(video_id):
            self.show_message("That video is hidden by the current filters", 4000)

    def _point_clicked(self, point_id: int) -> None:
        if self.showing_stretches():
            self.stretches.select_stretch(point_id)
        else:
            self.select_video(point_id)

    # -- settings and the model --------------------------------------------------------

    def open_settings(self) -> None:
        """Settings, also when the library could not be opened: its address is set there."""
        session = self.session

        def read() -> tuple[list[str], list[ModelSummary]]:
            from ver_desktop.core.model_choice import bundled_model_summaries

            folders = session.library.folders() if session is not None else []
            return folders, bundled_model_summaries()

        self.runner.run(read, self.runner.reporting("read the settings", self._settings_read))

    def _settings_read(self, found: tuple[list[str], list[ModelSummary]]) -> None:
        dialog = self.settings_dialog = SettingsDialog(
            self.state, *found, timelines=self.timelines.enabled, parent=self)
        dialog.add_folder_requested.connect(self.folders.choose_folder)
        dialog.forget_folder_requested.connect(self.folders.forget_folder)
        dialog.timelines_set.connect(self.set_timelines)
        dialog.model_chosen.connect(lambda name, again: self.use_model(name, reanalyse=again))
        dialog.learning_set.connect(self.learning.set_enabled)
        dialog.forget_learning.connect(self.learning.forget)
        dialog.open()
        self.learning.read_state()  # the dialog says what it learned when it is read

    def _learning_known(self, known: Any) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.show_learning(known)

    def set_timelines(self, enabled: bool) -> None:
        """Settings' switch for timelines in the background."""
        self.settings.setValue(TIMELINES_KEY, "true" if enabled else "false")
        self.timelines.enabled = enabled
        if not enabled:
            self.timelines.pause()
        elif not self.scans.busy:
            self.timelines.resume()

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

        self.runner.run(load, self.runner.reporting(
            "load the model", lambda fresh: self._model_loaded(fresh, reanalyse)))

    def _model_loaded(self, fresh: Session, reanalyse: bool) -> None:
        self.state.use(fresh)  # everyone follows; a running scan finishes with the old one
        self.show_message(f"Model {fresh.bundle.tag}", 8000)
        if reanalyse:
            self.rescan()

    def open_about(self) -> None:
        AboutDialog(self.bundle_dir, self.data_dir, self).open()

    def open_write_moods(self) -> None:
        from ver_desktop.gui import write_moods

        self.write_moods_dialog = write_moods.open_dialog(self.state, lambda: [
            row.path for i in self.library_view.selected_ids()
            if (row := self.model.video(i)) is not None], self, self.write_moods_dialog)

    def open_export_table(self) -> None:
        """File > Export library table…: every file's mood as a CSV or JSON table."""
        from ver_desktop.gui import table_io

        table_io.export_library(self.state, self)

    def open_import_tags(self) -> None:
        """File > Import tags…: a person's tags from a CSV, shown before they are set; the
        personal layer learns from them as from tags given in the window."""
        from ver_desktop.gui import table_io

        dialog = table_io.import_tags(self.state, self)
        if dialog is not None:
            dialog.tagged.connect(self.learning.after_tag)
            if self.import_tags_dialog is not None:
                self.import_tags_dialog.close()  # one import in view at a time
            self.import_tags_dialog = dialog

    # -- scans -------------------------------------------------------------------------

    def cancel_scan(self) -> None:
        self.progress.cancelling()
        self.scans.cancel()

    def _scan_started(self) -> None:
        self.state.scanning = True
        if not self.scans.automatic:  # a scan nobody asked for leaves the notice in view
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
        self.browser.map_soon()

    def _reload_recorded(self) -> None:
        ids, self._recorded = sorted(self._recorded), set()
        self.model.working.difference_update(ids)
        self.model.reload_rows(ids)

    def _scan_finished(self, summary: Any, error: BaseException | None) -> None:
        self.actions_by_name["cancel_scan"].setEnabled(False)  # nothing left to stop
        self.model.working.clear()
        self._recorded.clear()  # what changed is re-read below
        self._rows_timer.stop()
        self.progress.hide()
        self.state.scanning = self.scans.busy
        if error is not None:
            # kept in view like a summary: a status message would be gone in a moment
            self.show_notice(f"The scan stopped: {html.escape(in_words(error))}")
        elif summary is not None and self.scans.automatic and found_nothing(summary):
            # the folder watcher's look found nothing: the outcome in view stays there
            self.show_message(f"Checked the library's folders: nothing new "
                              f"({summary.unchanged} unchanged)", 5000)
        elif summary is not None:
            self.show_notice(scan_summary_text(summary))
        self.state.announce(_SCANNED)

    def show_notice(self, text: str) -> None:
        """Rich text kept in view, under the window's content, until the next notice, the
        next scan, or ✕."""
        self.notice.setToolTip(QTextDocumentFragment.fromHtml(text).toPlainText())
        if "dismiss" not in text:
            text += ' &nbsp; <a href="dismiss">✕</a>'
        self.notice.setText(text)
        self.notice.show()

    def _summary_link(self, link: str) -> None:
        if link == "failed":
            self.sidebar.select(Place("failed"))
        self.notice.hide()

    # -- a dropped file ----------------------------------------------------------------

    def _select_later(self, path: str) -> None:
        self._select_after_scan = path

    def _select_dropped_file(self) -> None:
        """A single dropped file is selected as soon as it is in the library."""
        path, self._select_after_scan = self._select_after_scan, None
        if path is None:
            return

        def found(video_id: int | None) -> None:
            self._pending_select = video_id
            self._select_pending()

        self.state.read("find the dropped file", lambda s: s.library.video_id(path), found)

    def _select_pending(self) -> None:
        if self._pending_select is not None and self.library_view.select_id(
                self._pending_select):
            self._pending_select = None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()
            self.drop_overlay.cover()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_overlay.hide()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_overlay.hide()
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    # -- a person's tags ---------------------------------------------------------------

    def correct(self, *, quadrant: str | None = None, octant: str | None = None,
                ids: Sequence[int] | None = None, said: str | None = None) -> None:
        """Set the selected videos' emotion by hand; `quadrant=octant=None` clears it.
        `said`: a notice, kept in view, once it is saved (by default what was saved)."""
        from ver_desktop.core.usecases.tags import tag_videos

        words = None if quadrant is None and octant is None else tag_words(quadrant, octant)
        if ids is None and self.showing_stretches():
            chosen = [k.id for k in self.stretches.selected()]
            notice = said or tag_notice(self._names(chosen), words, "stretch")
            self.stretch_actions.correct(chosen, quadrant, octant,
                                         said=lambda: self.show_notice(notice))
            return
        targets = list(ids) if ids is not None else self.library_view.selected_ids()
        if self.session is None or not targets:
            return
        notice = said or tag_notice([getattr(self.model.video(i), "name", "") for i in targets],
                                    words)
        self.state.apply("save the correction",
                         lambda s: tag_videos(s.library, targets, quadrant=quadrant,
                                              octant=octant),
                         lambda _r: self._corrected(notice))

    def _names(self, point_ids: Sequence[int]) -> list[str]:
        """The names the map shows for these points (files, or stretches of files)."""
        named = {p.id: p.name for p in self.map.points}
        return [named.get(i, "") for i in point_ids]

    def _corrected(self, said: str) -> None:
        self.show_notice(said)  # kept in view: what was saved, in words
        self.learning.after_tag()  # the rest of the library learns from it, in a moment

    def thats_right(self) -> None:
        """Tag > That's right: what the selected videos show becomes the person's tag."""
        if self.showing_stretches():
            self.show_message("“That's right” is for whole files: choose All videos", 5000)
            return
        self.learning.confirm(self.library_view.selected_ids())

    def open_help_learn(self) -> None:
        """View > Help it learn: the files whose answer would teach it most, one by one."""
        from ver_desktop.gui.help_learn import HelpItLearnDialog

        if self.help_learn is None:
            self.help_learn = HelpItLearnDialog(self.state, self.learning, self.thumbnails,
                                                self)
        self.help_learn.show()
        self.help_learn.raise_()
        self.help_learn.activateWindow()

    def _point_moved(self, point_id: int, valence: float, arousal: float) -> None:
        """A point dropped on the map: it is kept where it was dropped, its tag the
        octant there, and the notice says so once it is saved (it used to jump elsewhere
        without a word)."""
        octant = dropped_tag(valence, arousal)[2]
        said = tag_notice(self._names([point_id]), tag_words(None, octant), dropped=True)
        if self.showing_stretches():
            self.stretch_actions.correct([point_id], None, None, point=(valence, arousal),
                                         said=lambda: self.show_notice(said))
        else:
            self._tag_at(point_id, (valence, arousal), said)

    def _tag_at(self, video_id: int, point: tuple[float, float], said: str) -> None:
        from ver_desktop.core.usecases.tags import tag_videos

        if self.session is None:
            return
        self.state.apply("save the correction",
                         lambda s: tag_videos(s.library, [video_id], point=point),
                         lambda _r: self._corrected(said))

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
        self.embeddings.stop()
        self.playback.stop()
        self.scans.cancel()
        self.scans.wait()
        self.runner.wait()
        if self.session is not None:
            self.session.close()
        super().closeEvent(event)

    def central(self) -> QWidget:
        return self.pages


_SCANNED = Changes(videos=True, tags=True)  # a scan ended: rows, tags, counts


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
