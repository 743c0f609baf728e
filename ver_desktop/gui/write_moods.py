"""File > Write moods…: the library's moods leaving the app (issue 25) into the files' own
tags and NFO files beside videos, for the selected files or every one. A preview lists what
would change; a write says what became of each file; "Put back as before" shows what it
would undo of the earlier writes of the files and ways chosen, and undoes it once the person
says yes. The work is core's (`core.usecases.moods`) and runs off the UI thread, with a
progress bar and Stop; the summary is shown in the dialog and kept in the window's notice."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ver_desktop.gui.tasks import in_words, sentence

if TYPE_CHECKING:
    from ver_desktop.core.usecases.moods import MoodsWritten
    from ver_desktop.gui.session import Session
    from ver_desktop.gui.state import AppState

TAGS_TEXT = "Into the files' own tags (MP3, Ogg, Opus, FLAC, M4A, MP4, MKV)"
NFO_TEXT = "NFO files beside videos, for Kodi, Jellyfin and Emby"
NEW_NFO_TEXT = "Also make one for a video that has none"
NEW_NFO_TIP = ("A new NFO file holds the video's name and its mood. Kodi then takes that "
               "video's details from it and no longer looks it up online: for films a media "
               "server has not looked up yet, leave this off.")
JOB_WORDS = {"preview": "look at the files", "write": "write the moods",
             "undo preview": "look at what would be put back",
             "undo": "put the files back as before"}
WORKING = {"preview": "Looking at the files…", "write": "Writing the moods…",
           "undo preview": "Looking at what would be put back…",
           "undo": "Putting the files back as before…"}


class _Progress(QObject):
    """Carries the worker's progress to the UI thread (a queued signal)."""

    step = Signal(int, int)  # files done, files in all


class WriteMoodsDialog(QDialog):
    """Which files and where their moods go; Preview, Write, Put back as before, Stop."""

    def __init__(self, state: AppState, selected: Callable[[], list[str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.selected = state, selected
        self.setWindowTitle("Write moods")
        self.busy = False
        self._stop = threading.Event()
        self._progress = _Progress(self)
        self._progress.step.connect(self._show_step)

        scope = QGroupBox("Which files")
        self.only_selected = QRadioButton("The selected files")
        self.every_file = QRadioButton("Every file in the library")
        scope_column = QVBoxLayout(scope)
        scope_column.addWidget(self.only_selected)
        scope_column.addWidget(self.every_file)

        where = QGroupBox("Where the moods go")
        self.tags = QCheckBox(TAGS_TEXT)
        self.nfo = QCheckBox(NFO_TEXT)
        self.new_nfo = QCheckBox(NEW_NFO_TEXT)
        self.new_nfo.setToolTip(NEW_NFO_TIP)
        for box in (self.tags, self.nfo, self.new_nfo):
            box.setChecked(True)
        where_column = QVBoxLayout(where)
        where_column.addWidget(self.tags)
        where_column.addWidget(self.nfo)
        indented = QHBoxLayout()
        indented.addSpacing(24)
        indented.addWidget(self.new_nfo)
        where_column.addLayout(indented)
        note = QLabel("Your own tag wins over the model's. Files are never half written: a "
                      "file changed meanwhile is left alone and said so. Put back as before "
                      "undoes the earlier writes of the files and places chosen here.")
        note.setWordWrap(True)
        where_column.addWidget(note)

        self.lines = QListWidget()
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lines.setWordWrap(True)
        self.lines.setMinimumHeight(120)
        self.lines.setAccessibleName("What happened to each file")

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setMinimumHeight(self.summary.fontMetrics().lineSpacing() * 3)
        self.bar = QProgressBar()
        self.bar.setFormat("%v of %m files")
        self.bar.hide()

        self.preview = QPushButton("Preview")
        self.write = QPushButton("Write")
        self.undo = QPushButton("Put back as before")
        self.undo.setToolTip("Undo the earlier writes of the files and places chosen above: "
                             "their tags and NFO files as they were before the first write")
        self.stop = QPushButton("Stop")
        self.stop.setToolTip("Stop after the file being written; what is done stays done")
        buttons = QHBoxLayout()
        for button in (self.preview, self.write, self.undo, self.stop):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        column = QVBoxLayout(self)
        column.addWidget(scope)
        column.addWidget(where)
        column.addLayout(buttons)
        column.addWidget(self.bar)
        column.addWidget(self.lines, 1)
        column.addWidget(self.summary)
        column.addWidget(close)
        self.setMinimumSize(540, 560)  # below it the wrapped texts would overlap
        self.resize(600, 620)

        self.preview.clicked.connect(lambda: self.start("preview"))
        self.write.clicked.connect(lambda: self.start("write"))
        self.undo.clicked.connect(lambda: self.start("undo"))
        self.stop.clicked.connect(self._stop.set)
        for box in (self.tags, self.nfo):
            box.toggled.connect(self._enable)
        self.refresh_scope()

    def refresh_scope(self) -> None:
        """Opened again: the selected files are the default when there are some (their
        count shown), else every file; an earlier run's results are cleared."""
        count = len(self.selected())
        self.only_selected.setText(f"The selected files ({count})" if count
                                   else "The selected files (none selected)")
        self.only_selected.setEnabled(bool(count))
        (self.only_selected if count else self.every_file).setChecked(True)
        if not self.busy:
            self.lines.clear()
            self.show_summary("Preview lists what would change; nothing is written until "
                              "you choose Write.")
        self._enable()

    def _enable(self) -> None:
        chosen = self.tags.isChecked() or self.nfo.isChecked()
        for button in (self.preview, self.write, self.undo):
            button.setEnabled(chosen and not self.busy)
        self.new_nfo.setEnabled(self.nfo.isChecked() and not self.busy)
        self.stop.setEnabled(self.busy)

    def start(self, job: str) -> None:
        """Run `job` (preview, write or undo) off the UI thread; one at a time. An undo
        looks first and puts back only once the person has said yes to what it found."""
        self._launch("undo preview" if job == "undo" else job)

    def _launch(self, job: str) -> None:
        from ver_desktop.core.usecases import moods

        session = self.state.session
        if self.busy:
            return
        if session is None:
            self.show_summary(self.state.not_open or "The library is still opening; try "
                              "again in a moment.")
            return
        paths = self.selected() if self.only_selected.isChecked() else []
        if self.only_selected.isChecked() and not paths:
            self.show_summary("No file is selected: select some, or choose every file.")
            return
        ways = moods.Ways(tags=self.tags.isChecked(), nfo=self.nfo.isChecked(),
                          new_nfo=self.new_nfo.isChecked())
        stop, step = self._stop, self._progress.step.emit

        def work(session: Session = session) -> MoodsWritten:
            if job in ("undo", "undo preview"):
                return moods.undo_moods(session.library, session.data_dir, ways,
                                        videos=paths, dry_run=job == "undo preview",
                                        progress=step, should_stop=stop.is_set)
            chosen = moods.chosen_moods(session.library, session.model, paths)
            return moods.write_moods(session.library, chosen, session.data_dir, ways,
                                     dry_run=job == "preview", progress=step,
                                     should_stop=stop.is_set)

        self.busy = True
        self._stop.clear()
        self._enable()
        self.lines.clear()
        self.bar.setRange(0, 0)  # busy until the first file is done
        self.bar.show()
        self.show_summary(WORKING[job])
        self.state.runner.run(work, lambda result, error: self.done_with(job, result, error))

    def _show_step(self, done: int, total: int) -> None:
        if self.busy:
            self.bar.setRange(0, max(total, 1))
            self.bar.setValue(done)

    def done_with(self, job: str, result: MoodsWritten | None,
                 error: BaseException | None) -> None:
        self.busy = False
        self.bar.hide()
        self._enable()
        if error is not None or result is None:
            said = f"Could not {JOB_WORDS[job]}: {sentence(in_words(error))}"
            self.show_summary(said)
            self.state.keep_in_view(html.escape(said))
            return
        self.lines.addItems(result.lines)
        self.show_summary(result.summary)
        if job == "undo preview":
            if result.done and not result.stopped and confirm_put_back(self, result):
                self._launch("undo")
            return
        if job != "preview":
            lead = "Moods written" if job == "write" else "Moods put back"
            self.state.keep_in_view(f"{lead}: {html.escape(result.summary)}")

    def show_summary(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.setToolTip(text)


def _ask_put_back(parent: QWidget, preview: MoodsWritten) -> bool:
    """Yes to put back what the preview found (its summary and lines shown)."""
    from ver_desktop.core.text import count_of

    box = QMessageBox(QMessageBox.Icon.Question, "Put back as before",
                      f"Put back {count_of(preview.done, 'file')} as before the moods were "
                      "written?", QMessageBox.StandardButton.Cancel, parent)
    box.addButton("Put back", QMessageBox.ButtonRole.AcceptRole)
    found = preview.summary.removeprefix("Nothing was changed (a preview): ")
    box.setInformativeText(found[:1].upper() + found[1:])  # "3 files would be put back…"
    box.setDetailedText("\n".join(preview.lines))
    box.exec()
    return box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole


confirm_put_back = _ask_put_back  # tests replace it (a modal box would wait for a person)


def open_dialog(state: AppState, selected: Callable[[], list[str]], parent: QWidget,
                dialog: WriteMoodsDialog | None = None) -> WriteMoodsDialog:
    """The window's one Write moods dialog (`dialog`, else made now), shown."""
    if dialog is None:
        dialog = WriteMoodsDialog(state, selected, parent)
    dialog.refresh_scope()
    dialog.show()
    dialog.raise_()
    return dialog
