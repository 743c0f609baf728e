"""Playlist actions: manual lists (add, remove, reorder), smart lists from the current
filters, mood paths drawn on the map, export in each format the core writes. The work is
done by `ver_desktop.core.usecases.playlists` through the application state, which announces
what changed: the sidebar's playlists are re-read here when it says playlists changed."""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from ver_desktop.core.labels import OCTANTS, QUADRANT_NAMES, QUADRANTS, named_point
from ver_desktop.core.text import free_name
from ver_desktop.gui.sidebar import Place, Sidebar
from ver_desktop.gui.tasks import in_words

if TYPE_CHECKING:
    from ver_desktop.core.changes import Changes
    from ver_desktop.core.library import PlaylistInfo
    from ver_desktop.core.playlists.moodpath import MoodPath
    from ver_desktop.core.usecases.playlists import MoodPathMade
    from ver_desktop.gui.emotion_map import EmotionMap
    from ver_desktop.gui.selection import Selection
    from ver_desktop.gui.state import AppState
    from ver_desktop.gui.table_model import LibraryTableModel


EXPORT_FOLDER_KEY = "export_folder"


def _spin(low: float, high: float, value: float, step: float = 0.1) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(2)
    box.setValue(value)
    return box


def emotion_choices() -> list[tuple[str, str]]:
    """(what a person reads, the name `labels.named_point` takes): the four quadrants in
    words, then the eight emotions."""
    quadrants = [(f"{QUADRANT_NAMES[q].capitalize()}", q) for q in QUADRANTS]
    return [*quadrants, *((f"  {o}", o) for o in OCTANTS)]


MAKE, ANYWAY = "Make playlist", "Make it anyway"


class MoodPathDialog(QDialog):
    """Where the listener is, where they want to go, and how long the journey is: emotions
    to pick (or points picked on the map); exact numbers only under "Exact points".
    "Make playlist" emits `make`: the path is checked first, and what the library cannot
    give is said here (`show_shortfall`) before anything is made."""

    make = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New mood path")
        self.name = QLineEdit("Mood path")
        self.start, self.target = self._emotion_box("NV-NA"), self._emotion_box("PV-PA")
        self.by_count = QRadioButton("Number of videos")
        self.by_count.setChecked(True)
        self.count = QSpinBox()
        self.count.setRange(2, 200)
        self.count.setValue(10)
        self.by_minutes = QRadioButton("Total minutes")
        self.minutes = _spin(1, 600, 30, 5)
        self.segments = QCheckBox("Play each video's analysed 30 seconds (by minutes, "
                                  "longer parts or whole files when the time needs them)")
        self.segments.setChecked(True)
        self.use_stretches = QCheckBox("Use stretches of one emotion from longer files "
                                       "(a film's calm minutes, say) instead of whole files")
        self.use_stretches.toggled.connect(self._stretches_toggled)
        self.pick = QPushButton("Pick start and target on the map")
        self.exact = QGroupBox("Exact points (valence and arousal, about -2 to 2)")
        self.exact.setCheckable(True)
        self.exact.setChecked(False)
        self.start_v, self.start_a = _spin(-2.5, 2.5, -1.0), _spin(-2.5, 2.5, -1.0)
        self.target_v, self.target_a = _spin(-2.5, 2.5, 1.0), _spin(-2.5, 2.5, 1.0)
        self.max_jump = _spin(0, 5, 0, 0.05)
        self.max_jump.setSpecialValueText("no limit")
        numbers = QFormLayout(self.exact)
        numbers.addRow("Start", _row(self.start_v, self.start_a))
        numbers.addRow("Target", _row(self.target_v, self.target_a))
        numbers.addRow("Largest step", self.max_jump)
        self.start.currentIndexChanged.connect(lambda _i: self._sync_numbers())
        self.target.currentIndexChanged.connect(lambda _i: self._sync_numbers())
        self._sync_numbers()
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("From (how the listener feels now)", self.start)
        form.addRow("To (where to arrive)", self.target)
        form.addRow(self.pick)
        form.addRow(self.by_count, self.count)
        form.addRow(self.by_minutes, self.minutes)
        form.addRow(self.segments)
        form.addRow(self.use_stretches)
        form.addRow(self.exact)
        # What the library cannot give, said before the playlist is made; it stays until
        # the person makes it anyway, changes the request or cancels.
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setFrameShape(QFrame.Shape.StyledPanel)
        self.outcome.setContentsMargins(6, 4, 6, 4)
        self.outcome.hide()
        form.addRow(self.outcome)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.make_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.make_button.setText(MAKE)
        buttons.accepted.connect(self.make.emit)  # checked first: see PlaylistActions
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.planned: MoodPath | None = None  # a path shown with what it cannot give
        for changed in (self.name.textChanged, self.start.currentIndexChanged,
                        self.target.currentIndexChanged, self.by_count.toggled,
                        self.count.valueChanged, self.minutes.valueChanged,
                        self.segments.toggled, self.use_stretches.toggled,
                        self.exact.toggled, self.start_v.valueChanged,
                        self.start_a.valueChanged, self.target_v.valueChanged,
                        self.target_a.valueChanged, self.max_jump.valueChanged):
            changed.connect(self.request_changed)

    @staticmethod
    def _emotion_box(chosen: str) -> QComboBox:
        box = QComboBox()
        for text, name in emotion_choices():
            box.addItem(text, name)
        box.setCurrentIndex(box.findData(chosen))
        return box

    def _sync_numbers(self) -> None:
        """The exact points follow the emotions chosen (until edited by hand)."""
        for box, v, a in ((self.start, self.start_v, self.start_a),
                          (self.target, self.target_v, self.target_a)):
            point = named_point(str(box.currentData()))
            if point is not None:
                v.setValue(point[0])
                a.setValue(point[1])

    def set_points(self, sv: float, sa: float, tv: float, ta: float) -> None:
        """Points picked on the map: shown as exact points."""
        for box, value in ((self.start_v, sv), (self.start_a, sa), (self.target_v, tv),
                           (self.target_a, ta)):
            box.setValue(value)
        self.exact.setChecked(True)

    def request(self) -> dict[str, Any]:
        if self.exact.isChecked():
            start = (self.start_v.value(), self.start_a.value())
            target = (self.target_v.value(), self.target_a.value())
        else:
            start = named_point(str(self.start.currentData())) or (0.0, 0.0)
            target = named_point(str(self.target.currentData())) or (0.0, 0.0)
        return {
            "start": start, "target": target,
            "count": self.count.value() if self.by_count.isChecked() else None,
            "total_seconds": None if self.by_count.isChecked() else self.minutes.value() * 60,
            "max_jump": (self.max_jump.value() or None) if self.exact.isChecked() else None,
            "play": "segment" if self.segments.isChecked() else "file",
            "stretches": self.use_stretches.isChecked(),
        }


    def checking(self) -> None:
        self.make_button.setEnabled(False)
        self.say("Looking at what the library can give on this way…")

    def show_shortfall(self, path: MoodPath) -> None:
        """What the library cannot give of what was asked, in view until the person makes
        it anyway, changes the request or cancels."""
        self.planned = path
        cannot = "; ".join(path.shortfall or path.problems)
        made = (f"It would be {html.escape(path.summary())}." if path.steps
                else "It would be empty.")
        self.say(f"<b>{html.escape(cannot[:1].upper() + cannot[1:])}.</b> {made} "
                 "Make it anyway, or change what you ask for.")
        self.make_button.setText(ANYWAY)
        self.make_button.setEnabled(True)

    def refused(self, why: str) -> None:
        self.say(f"<b>{html.escape(why[:1].upper() + why[1:])}</b>")
        self.make_button.setEnabled(True)

    def say(self, text: str) -> None:
        self.outcome.setText(text)
        self.outcome.show()
        self.adjustSize()  # room for the words

    def request_changed(self) -> None:
        """A changed request is checked again before it is made."""
        self.planned = None
        self.outcome.hide()
        self.make_button.setText(MAKE)
        self.make_button.setEnabled(True)

    def _stretches_toggled(self, on: bool) -> None:
        """Stretches play from their start to their end: the 30-s choice does not apply."""
        self.segments.setVisible(not on)
        self.by_count.setText("Number of stretches" if on else "Number of videos")


def _row(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return holder


class PlaylistActions(QObject):
    def __init__(self, state: AppState, sidebar: Sidebar, selection: Selection,
                 table: LibraryTableModel, emotion_map: EmotionMap, parent: QWidget) -> None:
        super().__init__(parent)
        self.state, self.sidebar, self.selection = state, sidebar, selection
        self.table, self.map, self.parent_widget = table, emotion_map, parent
        self.relative_export = True
        self._select_next: Place | None = None  # shown once the playlists are read again
        table.reordered.connect(self.save_order)
        state.changed.connect(self._changed)
        self._dialog: MoodPathDialog | None = None

    # -- helpers -----------------------------------------------------------------------

    @property
    def settings(self) -> QSettings:
        return self.state.settings

    def _changed(self, changes: Changes) -> None:
        if changes.playlists:
            self.reload()

    def reload(self, select: Place | None = None) -> None:
        """Re-read the playlists; show `select` (or the current place) afterwards."""
        select, self._select_next = select or self._select_next, None
        self.state.read("read the playlists", lambda session: session.library.playlists(),
                        lambda found: self.sidebar.refill(found, select))

    def _apply(self, op: Callable[[Any], Any], then: Callable[[Any], None] | None = None
               ) -> None:
        """Run a playlist use case; the sidebar follows from the changes it announces."""
        self.state.apply("change the playlist", op, then)

    def current(self) -> PlaylistInfo | None:
        place = self.sidebar.place()
        return place.playlist if place.kind == "playlist" else None

    def _ask_name(self, title: str, default: str, *, suggest_free: bool = True) -> str | None:
        """A name from the person; the suggestion is one no playlist has yet (names are
        unique: the library refuses a second "Calm" in words)."""
        if suggest_free:
            default = free_name(default, self.sidebar.playlist_names())
        name, ok = QInputDialog.getText(self.parent_widget, title, "Name:", text=default)
        return name.strip() or None if ok else None

    # -- manual ------------------------------------------------------------------------

    def new_manual(self) -> None:
        name = self._ask_name("New playlist", "New playlist")
        if name is not None:
            self.create_manual(name, *self.selection.items())

    def create_manual(self, name: str, ids: list[int],
                      spans: list[tuple[float, float] | None] | None = None) -> None:
        """A playlist of these videos, or of stretches of them (`spans`)."""
        from ver_desktop.core.usecases import playlists as lists

        self._apply(lambda s: lists.create_manual(s.library, name, ids, spans), self._open)

    def add_selected(self, playlist_id: int) -> None:
        from ver_desktop.core.usecases import playlists as lists

        ids, spans = self.selection.items()
        if ids:
            self._apply(lambda s: lists.add_items(s.library, playlist_id, ids, spans))

    def remove_selected(self) -> None:
        from ver_desktop.core.usecases import playlists as lists

        playlist, ids = self.current(), self.selection.videos.selected_ids()
        if playlist is not None and playlist.kind not in ("rule", "stretches") and ids:
            self._apply(lambda s: lists.remove_items(s.library, playlist.id, ids))

    def move_selected(self, delta: int) -> None:
        """Move the current video up or down in a manual playlist."""
        from ver_desktop.core.usecases import playlists as lists

        playlist, video_id = self.current(), self.selection.videos.current_id()
        if playlist is None or playlist.kind != "manual" or video_id is None:
            return
        order = lists.moved(self.table.ids(), video_id, delta)
        self.table.show_ids(order, reorderable=True)
        self.save_order(order)

    def save_order(self, order: list[int]) -> None:
        """The shown manual playlist's new order (moved by keys or dragged)."""
        from ver_desktop.core.usecases import playlists as lists

        playlist = self.current()
        if playlist is not None and playlist.kind == "manual":
            self._apply(lambda s: lists.reorder(s.library, playlist.id, order))

    # -- smart and mood path -------------------------------------------------------------

    def new_smart(self) -> None:
        """A smart playlist from the filters now set (quadrants, octants, confidence)."""
        name = self._ask_name("New smart playlist", "Smart playlist")
        if name is not None:
            self.create_smart(name)

    def create_smart(self, name: str) -> None:
        """Of stretches when the stretches are shown, following that view's filters."""
        from ver_desktop.core.usecases import playlists as lists

        if self.selection.showing_stretches():
            stretches = self.selection.stretches.where()
            self._apply(lambda s: lists.create_smart_stretches(s.library, name, stretches),
                        self._open)
        else:
            where = self.selection.videos.filters.state().video_filter()
            self._apply(lambda s: lists.create_smart(s.library, name, where), self._open)

    def new_mood_path(self) -> None:
        dialog = MoodPathDialog(self.parent_widget)
        dialog.name.setText(free_name("Mood path", self.sidebar.playlist_names()))
        self._dialog = dialog
        dialog.pick.clicked.connect(lambda: self._pick_on_map(dialog))
        dialog.make.connect(lambda: self.check_mood_path(dialog))
        dialog.show()

    def check_mood_path(self, dialog: MoodPathDialog) -> None:
        """Make the path the dialog asks for, once the library is known to give it all;
        else say in the dialog what it cannot give (the person makes it anyway, or not)."""
        from ver_desktop.core.usecases import playlists as lists

        name = dialog.name.text().strip() or "Mood path"
        if dialog.planned is not None:  # shown with its shortfall: made anyway
            self._keep_mood_path(dialog, name, dialog.planned)
            return
        session, request = self.state.session, dialog.request()
        if session is None:
            return
        dialog.checking()

        def plan() -> MoodPath:
            lists.new_name(session.library, name)  # a taken name is said first
            return lists.plan_mood_path(session.library, session.model, **request)

        def planned(path: MoodPath | None, error: BaseException | None) -> None:
            if dialog.planned is not None or not dialog.isVisible():
                return  # the person moved on
            if error is not None:
                dialog.refused(in_words(error))
            elif path is not None and (path.shortfall or not path.steps):
                dialog.show_shortfall(path)
            elif path is not None:
                self._keep_mood_path(dialog, name, path)

        self.state.runner.run(plan, planned)

    def _keep_mood_path(self, dialog: MoodPathDialog, name: str, path: MoodPath) -> None:
        from ver_desktop.core.usecases import playlists as lists

        dialog.accept()
        self._apply(lambda s: lists.keep_mood_path(s.library, name, path, keep_empty=True),
                    self._mood_path_built)

    def _pick_on_map(self, dialog: MoodPathDialog) -> None:
        dialog.hide()
        self.state.say("Click the start point, then the target, on the map")

        def picked(sv: float, sa: float, tv: float, ta: float) -> None:
            self.map.path_picked.disconnect(picked)
            dialog.set_points(sv, sa, tv, ta)
            dialog.show()

        self.map.path_picked.connect(picked)
        self.map.start_picking_path()

    def build_mood_path(self, name: str, request: dict[str, Any]) -> None:
        """Kept even when empty: the notice says what the library could not give."""
        from ver_desktop.core.usecases import playlists as lists

        self._apply(lambda s: lists.create_mood_path(s.library, s.model, name, keep_empty=True,
                                                     **request), self._mood_path_built)

    def _mood_path_built(self, made: MoodPathMade) -> None:
        """What was made, and what the library could not give, kept in view."""
        path = made.path
        text = f"Mood path: {html.escape(path.summary())}"
        if path.problems:
            text += " · " + "; ".join(html.escape(p) for p in path.problems)
        self.state.keep_in_view(text)
        if made.playlist_id is not None:
            self._open(made.playlist_id)

    def _open(self, playlist_id: int) -> None:
        """Show a playlist just written, once the sidebar lists it."""
        from ver_desktop.core.library import PlaylistInfo

        self._select_next = Place("playlist", PlaylistInfo(playlist_id, "", "", None))

    def set_segments_only(self, on: bool) -> None:
        """The shown playlist plays each video's segment (on) or whole files (off)."""
        from ver_desktop.core.usecases import playlists as lists

        playlist = self.current()
        if playlist is not None:
            play = "segment" if on else "file"
            self._apply(lambda s: lists.set_play(s.library, playlist.id, play),
                        lambda _r: self._open(playlist.id))

    # -- rename, delete, export ----------------------------------------------------------

    def rename(self) -> None:
        from ver_desktop.core.usecases import playlists as lists

        playlist = self.current()
        if playlist is None:
            return
        name = self._ask_name("Rename playlist", playlist.name, suggest_free=False)
        if name:
            self._apply(lambda s: lists.rename(s.library, playlist.id, name))

    def delete(self) -> None:
        from ver_desktop.core.usecases import playlists as lists

        playlist = self.current()
        if playlist is not None:
            self._apply(lambda s: lists.delete(s.library, playlist.id))

    def export(self, fmt: str) -> None:
        """Ask where to write the shown playlist in the format `fmt` (a registry key)."""

        from ver_desktop.core.playlists.export import format_named

        playlist = self.current()
        if playlist is None:
            self.state.say("Choose a playlist in the sidebar first", 5000)
            return
        kind = format_named(fmt)
        target, _ = QFileDialog.getSaveFileName(
            self.parent_widget, "Export playlist",
            os.path.join(self.export_folder(), f"{playlist.name}{kind.suffix}"),
            kind.filter_text)
        if target:
            self.settings.setValue(EXPORT_FOLDER_KEY, os.path.dirname(target))
            self.export_to(playlist, Path(target), fmt)

    def export_folder(self) -> str:
        """Where the last export went (the export dialog opens there), else home."""
        folder = str(self.settings.value(EXPORT_FOLDER_KEY, "") or "")
        return folder if folder and os.path.isdir(folder) else os.path.expanduser("~")

    def export_to(self, playlist: PlaylistInfo, target: Path, fmt: str) -> None:
        from ver_desktop.core.usecases import playlists as lists

        relative = self.relative_export

        def write(session: Any) -> Path:
            lists.export(session.library, session.model, playlist, target, fmt,
                         relative=relative)
            return target

        def done(path: Path | None, error: BaseException | None) -> None:
            self.state.say(f"Exported {path}" if error is None
                           else f"Export failed: {in_words(error)}", 8000)

        session = self.state.session
        if session is not None:
            self.state.runner.run(lambda: write(session), done)
