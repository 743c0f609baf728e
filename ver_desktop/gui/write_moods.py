"""File > Write moods…: the library's moods leaving the app (issue 25) into music files' own
tags and NFO files beside videos, for the selected files or every one. A preview lists what
would change; a write says what became of each file; an undo puts back every earlier write.
The work is core's (`core.usecases.moods`) and runs off the UI thread; the summary is shown
in the dialog and kept in the window's notice."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
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
JOB_WORDS = {"preview": "look at the files", "write": "write the moods",
             "undo": "put back the earlier writes"}


class WriteMoodsDialog(QDialog):
    """Which files and where their moods go; Preview, Write, and Undo the last writes."""

    def __init__(self, state: AppState, selected: Callable[[], list[str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.selected = state, selected
        self.setWindowTitle("Write moods")
        self.busy = False

        scope = QGroupBox("Which files")
        self.only_selected = QRadioButton("The selected files")
        self.every_file = QRadioButton("Every file in the library")
        scope_column = QVBoxLayout(scope)
        scope_column.addWidget(self.only_selected)
        scope_column.addWidget(self.every_file)

        where = QGroupBox("Where the moods go")
        self.tags = QCheckBox(TAGS_TEXT)
        self.nfo = QCheckBox(NFO_TEXT)
        self.tags.setChecked(True)
        self.nfo.setChecked(True)
        where_column = QVBoxLayout(where)
        where_column.addWidget(self.tags)
        where_column.addWidget(self.nfo)
        note = QLabel("Your own tag wins over the model's. Files are never half written: "
                      "a file changed meanwhile is left alone and said so.")
        note.setWordWrap(True)
        where_column.addWidget(note)

        self.lines = QListWidget()
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lines.setWordWrap(True)
        self.lines.setMinimumHeight(140)
        self.lines.setAccessibleName("What happened to each file")

        self.summary = QLabel("Preview lists what would change; nothing is written until "
                              "you choose Write.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.preview = QPushButton("Preview")
        self.write = QPushButton("Write")
        self.undo = QPushButton("Undo the last writes")
        self.undo.setToolTip("Put back what every earlier write replaced, in the files' tags "
                             "and the NFO files")
        buttons = QHBoxLayout()
        for button in (self.preview, self.write, self.undo):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        column = QVBoxLayout(self)
        column.addWidget(scope)
        column.addWidget(where)
        column.addLayout(buttons)
        column.addWidget(self.lines, 1)
        column.addWidget(self.summary)
        column.addWidget(close)
        self.resize(560, 520)

        self.preview.clicked.connect(lambda: self.start("preview"))
        self.write.clicked.connect(lambda: self.start("write"))
        self.undo.clicked.connect(lambda: self.start("undo"))
        self.tags.toggled.connect(self._enable)
        self.nfo.toggled.connect(self._enable)
        self.refresh_scope()

    def refresh_scope(self) -> None:
        """The selected files are the default when there are some; else every file."""
        some = bool(self.selected())
        self.only_selected.setEnabled(some)
        (self.only_selected if some else self.every_file).setChecked(True)
        self._enable()

    def _enable(self) -> None:
        chosen = self.tags.isChecked() or self.nfo.isChecked()
        self.preview.setEnabled(chosen and not self.busy)
        self.write.setEnabled(chosen and not self.busy)
        self.undo.setEnabled(not self.busy)

    def start(self, job: str) -> None:
        """Run `job` (preview, write or undo) off the UI thread; one at a time."""
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
        tags, nfo = self.tags.isChecked(), self.nfo.isChecked()

        def work(session: Session = session) -> MoodsWritten:
            if job == "undo":
                return moods.undo_moods(session.library, session.data_dir)
            chosen = moods.chosen_moods(session.library, session.model, paths)
            return moods.write_moods(session.library, chosen, session.data_dir, tags=tags,
                                     nfo=nfo, dry_run=job == "preview")

        self.busy = True
        self._enable()
        self.lines.clear()
        self.show_summary({"preview": "Looking at the files…", "write": "Writing the moods…",
                           "undo": "Putting back the earlier writes…"}[job])
        self.state.runner.run(work, lambda result, error: self.done_with(job, result, error))

    def done_with(self, job: str, result: MoodsWritten | None,
                 error: BaseException | None) -> None:
        self.busy = False
        self._enable()
        if error is not None or result is None:
            said = f"Could not {JOB_WORDS[job]}: {sentence(in_words(error))}"
            self.show_summary(said)
            self.state.keep_in_view(html.escape(said))
            return
        self.lines.addItems(result.lines)
        self.show_summary(result.summary)
        if job != "preview":
            lead = "Moods written" if job == "write" else "Moods put back"
            self.state.keep_in_view(f"{lead}: {html.escape(result.summary)}")

    def show_summary(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.setToolTip(text)


def open_dialog(state: AppState, selected: Callable[[], list[str]], parent: QWidget,
                dialog: WriteMoodsDialog | None = None) -> WriteMoodsDialog:
    """The window's one Write moods dialog (`dialog`, else made now), shown."""
    if dialog is None:
        dialog = WriteMoodsDialog(state, selected, parent)
    dialog.refresh_scope()
    dialog.show()
    dialog.raise_()
    return dialog
