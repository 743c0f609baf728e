"""Settings: the library's folders, the model that tags, learning from the person's tags,
the number of decoding processes, where data lives."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ver_desktop.core.errors import LibraryError

if TYPE_CHECKING:
    from ver_desktop.core.model_choice import ModelSummary
    from ver_desktop.core.usecases.learning import LearningState
    from ver_desktop.gui.state import AppState

TIMELINES_KEY = "timelines/background"  # "true": work out emotion over time after tags
PATH_MAP_KEY = "library/path_map"  # where this computer mounts the shares: LOCAL=SHARED;...
LIBRARY_KEY = "library/url"  # a shared library's address; empty: the file in the data folder
LIBRARY_NOTE = ("To share one library between computers (a practice's therapists), give "
                "the address of its PostgreSQL database, such as postgresql://me@server/"
                "music. Leave it empty for the library file in the data folder. Takes effect "
                "when ver_desktop next opens.")

PASSWORD_NOTE = ("the password, if the server asks for one (kept in {file}, which only you "
                 "may read, not in the settings)")

FORGET_QUESTION = ("Forget what it learned from your tags? Every file shows the model's own "
                   "tag again, and it learns afresh from the tags you give from now on.\n\n"
                   "Your tags themselves stay: every file you tagged keeps your tag.")

MODEL_NOTE = ("Changing the model does not re-tag the videos already analysed: each model "
              "keeps its own tags, and a video the chosen model has not analysed yet shows "
              "no tag until it is re-analysed (File > Rescan, or tick the box below). "
              "Your own corrections are kept apart and always win.")


def saved_library(settings: QSettings) -> str:
    """The shared library's address saved in Settings. One saved with its password (by an
    earlier version, in a file anyone on the computer may read) has it moved out to
    libpq's password file (see core/library/pgpass.py)."""
    from sqlalchemy.engine import make_url

    from ver_desktop.core.library import pgpass
    from ver_desktop.core.library.address import split_password

    saved = str(settings.value(LIBRARY_KEY, "") or "")
    url, password = split_password(saved)
    if password is not None:
        try:
            pgpass.save(make_url(url), password)
        except OSError:
            return saved  # kept where it was: the library still opens
        settings.setValue(LIBRARY_KEY, url)
        settings.sync()
    return url


def plain_label(summary: ModelSummary) -> str:
    """A model's name in the list: what it is for, not its file name and version."""
    role = summary.role or summary.name
    return role[:1].upper() + role[1:]


class SettingsDialog(QDialog):
    """Reads the application state; what the person asks for (another model, a folder
    added or forgotten, timelines on or off) is said by signals the window wires."""

    add_folder_requested = Signal()
    forget_folder_requested = Signal(str)
    timelines_set = Signal(bool)
    model_chosen = Signal(str, bool)  # the bundled model's name, re-analyse the library now
    learning_set = Signal(bool)  # learn from the person's tags: on or off
    forget_learning = Signal()  # forget what it learned (the tags stay)

    def __init__(self, state: AppState, folders: list[str],
                 models: list[ModelSummary] | None = None, *, timelines: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Settings")
        self.folders = QListWidget()
        self.folders.addItems(folders)
        add, remove = QPushButton("Add…"), QPushButton("Remove")
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        self.workers = QSpinBox()
        self.workers.setRange(0, max(os.cpu_count() or 1, 1) * 2)
        self.workers.setSpecialValueText(f"automatic ({os.cpu_count() or 1})")
        self.workers.setValue(int(str(state.settings.value("workers", 0) or 0)))
        data = QLabel(str(state.data_dir))
        data.setToolTip("Set with --data-dir or VER_DESKTOP_DATA_DIR")
        self.library = self._library_field()
        self.timelines = QCheckBox("Work out each file's emotion over time after its tag "
                                   "(in the background; a minute or two for a film)")
        self.timelines.setChecked(timelines)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        folder_buttons = QHBoxLayout()
        folder_buttons.addWidget(add)
        folder_buttons.addWidget(remove)
        folder_buttons.addStretch(1)
        form = QFormLayout()
        form.addRow("Model", self._model_chooser(models or []))
        form.addRow("Decoding processes", self.workers)
        form.addRow("Over time", self.timelines)
        form.addRow("Your tags", self._learning_box())
        form.addRow("Data folder", data)
        form.addRow("Shared library", self.library)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Library folders (watched for new and changed files):"))
        layout.addWidget(self.folders)
        layout.addLayout(folder_buttons)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.accepted.connect(self._save)

    def _learning_box(self) -> QWidget:
        """Learn from my tags (on or off), forget what it learned, and what it has."""
        self.learning_known: LearningState | None = None  # read after the dialog opens
        self.learn = QCheckBox("Learn from my tags: each tag you give adjusts the tags of "
                               "files like it")
        self.learn.setChecked(True)
        self.learning_words = QLabel("Reading what it learned…")
        self.learning_words.setWordWrap(True)
        self.forget_button = QPushButton("Forget what it learned…")
        self.forget_button.setToolTip("Every file shows the model's own tag again; your tags "
                                      "stay")
        self.forget_button.clicked.connect(self._forget)
        row = QHBoxLayout()
        row.addWidget(self.forget_button)
        row.addStretch(1)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.learn)
        column.addWidget(self.learning_words)
        column.addLayout(row)
        return box

    def show_learning(self, known: LearningState) -> None:
        """What it learned, as read (or as it is after on/off or forgetting)."""
        self.learning_known = known
        self.learn.setChecked(known.enabled)
        self.learning_words.setText(known.sentence())
        self.forget_button.setEnabled(known.tags > 0 or known.adjusted > 0)

    def _forget(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Forget what it learned", FORGET_QUESTION,
                          QMessageBox.StandardButton.Cancel, self)
        forget = box.addButton("Forget", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.forget_box = box  # tests answer it
        box.finished.connect(lambda _r: self._forget_answered(box.clickedButton() is forget))
        box.open()

    def _forget_answered(self, yes: bool) -> None:
        if yes:
            self.learning_words.setText("Forgetting…")
            self.forget_learning.emit()

    def _library_field(self) -> QWidget:
        from ver_desktop.core import paths
        from ver_desktop.core.library import pgpass  # SQL stays out of the window's start
        from ver_desktop.core.library.address import for_people

        self.library_url = QLineEdit(saved_library(self.state.settings))
        self.library_url.setPlaceholderText("none: the library file in the data folder")
        self.library_password = QLineEdit()
        self.library_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.library_password.setPlaceholderText(PASSWORD_NOTE.format(file=pgpass.path()))
        self.library_password.setText(_kept_password(self.library_url.text()) or "")
        overridden = self.state.library_given or os.environ.get(paths.LIBRARY_URL_ENV)
        note = QLabel(LIBRARY_NOTE)
        if overridden:  # this run's library was chosen outside Settings
            self.library_url.setText(for_people(overridden))
            self.library_url.setEnabled(False)
            self.library_password.clear()
            self.library_password.setEnabled(False)
            note.setText("This run uses the library given with --library or "
                         "VER_DESKTOP_LIBRARY_URL, so it cannot be changed here.")
        note.setWordWrap(True)
        self.path_map = QLineEdit(str(self.state.settings.value(PATH_MAP_KEY, "") or ""))
        self.path_map.setPlaceholderText("where this computer mounts the shared folders, "
                                         "such as /Volumes/Music=/shares/music")
        self.path_map.setToolTip(
            "Computers that mount a share at different places agree on one name for it: "
            "give this computer's folder, '=', and that name; several pairs separated by ';'")
        self.path_map_problem = QLabel()  # why a path map was refused, until it is fixed
        self.path_map_problem.setWordWrap(True)
        self.path_map_problem.setStyleSheet("color: #b00020")
        self.path_map_problem.hide()
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.library_url, self.library_password, self.path_map,
                       self.path_map_problem, note):
            column.addWidget(widget)
        return box

    def _model_chooser(self, models: list[ModelSummary]) -> QWidget:
        """A list of the bundled models with what each is for, its speed and accuracy."""
        self.models = {m.name: m for m in models}
        current = self.state.session.bundle.name if self.state.session else ""
        self.current_model = current
        self.model = QComboBox()
        for summary in models:
            self.model.addItem(plain_label(summary), summary.name)
            self.model.setItemData(self.model.count() - 1, summary.tag,
                                   Qt.ItemDataRole.ToolTipRole)  # the version, for the curious
        if current in self.models:
            self.model.setCurrentIndex(list(self.models).index(current))
        elif self.state.session is not None:  # a bundle given with --model
            self.model.insertItem(0, self.state.session.bundle.tag, current)
            self.model.setCurrentIndex(0)
        self.model_summary = QLabel()
        self.model_summary.setWordWrap(True)
        self.model_note = QLabel(MODEL_NOTE)
        self.model_note.setWordWrap(True)
        self.reanalyse = QCheckBox("Re-analyse the library with the chosen model now")
        self.model.currentIndexChanged.connect(self._model_picked)
        self._model_picked()
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.model, self.model_summary, self.model_note, self.reanalyse):
            column.addWidget(widget)
        # With nothing to switch to, how switching works is noise.
        self.model_note.setVisible(self.model.count() > 1)
        self.reanalyse.setVisible(self.model.count() > 1)
        return box

    def chosen_model(self) -> str:
        return str(self.model.currentData() or "")

    def _model_picked(self) -> None:
        summary = self.models.get(self.chosen_model())
        self.model_summary.setText(summary.describe() if summary else "a bundle given "
                                   "with --model")
        changed = self.chosen_model() != self.current_model
        self.reanalyse.setEnabled(changed)
        if not changed:
            self.reanalyse.setChecked(False)

    def _add(self) -> None:
        self.add_folder_requested.emit()
        self.close()

    def _remove(self) -> None:
        item = self.folders.currentItem()
        if item is not None:
            self.forget_folder_requested.emit(item.text())
            self.folders.takeItem(self.folders.row(item))

    def accept(self) -> None:
        """Stay open on a path map that would corrupt paths, saying why beside it."""
        from ver_desktop.core.library.shared_paths import PathMap

        try:
            PathMap.parse([self.path_map.text()])
        except LibraryError as exc:
            self.path_map_problem.setText(f"This path map cannot be used: {exc}.")
            self.path_map_problem.show()
            self.path_map.setFocus()
            return
        self.path_map_problem.hide()
        super().accept()

    def _save(self) -> None:
        self.state.settings.setValue("workers", self.workers.value())
        if self.library_url.isEnabled():
            self._save_library()
        self.state.settings.setValue(PATH_MAP_KEY, self.path_map.text().strip())
        self.timelines_set.emit(self.timelines.isChecked())
        known = self.learning_known
        if self.learn.isChecked() != (known.enabled if known is not None else True):
            self.learning_set.emit(self.learn.isChecked())
        if self.chosen_model() and self.chosen_model() != self.current_model:
            self.model_chosen.emit(self.chosen_model(), self.reanalyse.isChecked())

    def _save_library(self) -> None:
        """The address without a password; the password, typed in its own field or in the
        address, goes to libpq's password file."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        from ver_desktop.core.library import pgpass
        from ver_desktop.core.library.address import split_password

        url, typed = split_password(self.library_url.text().strip())
        self.state.settings.setValue(LIBRARY_KEY, url)
        password = typed if typed is not None else self.library_password.text()
        if not url or password == (_kept_password(url) or ""):
            return  # nothing new to keep (the address may have changed, its password not)
        try:
            address = make_url(url)
            if password:
                pgpass.save(address, password)
            else:
                pgpass.forget(address)
        except (OSError, ValueError, ArgumentError) as exc:
            self.state.say(f"Could not keep the password in {pgpass.path()}: "
                                   f"{getattr(exc, 'strerror', None) or 'not an address'}")


def _kept_password(url: str) -> str | None:
    """The password libpq's file keeps for this address (None: none, or no address)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from ver_desktop.core.library import pgpass

    try:
        return pgpass.find(make_url(url)) if url else None
    except (OSError, ValueError, ArgumentError):
        return None
