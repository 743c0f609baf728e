"""File > Export library table… and File > Import tags… (issue 25): every file's mood as a
CSV or JSON table, and a person's tags read back from a CSV. The work and its words are
core's (`core.usecases.moods` export_table and import_tags, which `ver-desktop export` and
`import-tags` use too) and run off the UI thread. An import shows what it would do first
(a dry run: the files it would tag, the lines it could not use and why); "Tag these files"
then sets the tags through the application state, whose announced changes refresh the
table, the map and the filters, and `tagged` lets the personal layer learn from them.

The file dialogs are `ask_save_path` and `ask_open_path`, module attributes that tests
replace (a modal dialog would wait for a person)."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, QStandardPaths, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ver_desktop.core.errors import AppError
from ver_desktop.core.text import printable
from ver_desktop.gui.tasks import in_words, sentence

if TYPE_CHECKING:
    from ver_desktop.core.usecases.moods import Exported, Imported
    from ver_desktop.gui.session import Session
    from ver_desktop.gui.state import AppState

EXPORT_FILTERS = "CSV (*.csv);;JSON (*.json)"
IMPORT_FILTERS = "CSV (*.csv);;All files (*)"
DEFAULT_NAME = "ver-desktop-library.csv"
NOT_OPEN = "The library is still opening; try again in a moment."
MINIMUM = QSize(540, 500)  # the import dialog's: the wrapped texts whole, the lists usable


def start_folder() -> str:
    """Where the file dialogs open: the person's Documents folder, else home."""
    documents = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and os.path.isdir(documents) else os.path.expanduser("~")


def table_format(target: Path) -> str:
    """"json" for a .json name, else "csv" (the default the dialog offers)."""
    return "json" if target.suffix.lower() == ".json" else "csv"


def _file_dialog(parent: QWidget | None, title: str, filters: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, start_folder(), filters)
    # No native dialog where there is no desktop to show it (the tests' offscreen screen).
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog,
                     QGuiApplication.platformName() == "offscreen")
    return dialog


def save_dialog(parent: QWidget | None) -> QFileDialog:
    """The export's Save dialog: CSV or JSON, a default name in Documents (or home); the
    name gets the suffix of the type chosen when it is typed without one."""
    dialog = _file_dialog(parent, "Export library table", EXPORT_FILTERS)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setDefaultSuffix("csv")
    dialog.selectFile(DEFAULT_NAME)
    dialog.filterSelected.connect(
        lambda chosen: dialog.setDefaultSuffix("json" if "json" in chosen else "csv"))
    return dialog


def open_dialog(parent: QWidget | None) -> QFileDialog:
    """The import's Open dialog: an existing CSV."""
    dialog = _file_dialog(parent, "Import tags from a CSV table", IMPORT_FILTERS)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return dialog


def _chosen(dialog: QFileDialog) -> Path | None:
    files = dialog.selectedFiles() if dialog.exec() == QDialog.DialogCode.Accepted else []
    return Path(files[0]) if files else None


def _ask_save(parent: QWidget | None) -> Path | None:
    return _chosen(save_dialog(parent))


def _ask_open(parent: QWidget | None) -> Path | None:
    return _chosen(open_dialog(parent))


ask_save_path = _ask_save  # tests replace these two
ask_open_path = _ask_open


# -- export ----------------------------------------------------------------------------------


def export_library(state: AppState, parent: QWidget | None) -> None:
    """Ask where, then write every file's mood there off the UI thread; the outcome is kept
    in the window's notice."""
    from ver_desktop.core.usecases.moods import export_table

    target = ask_save_path(parent)
    if target is None:
        return
    session = state.session
    if session is None:
        state.keep_in_view(html.escape(state.not_open or NOT_OPEN))
        return
    fmt = table_format(target)

    def work(session: Session = session) -> Exported:
        return export_table(session.library, session.model, target, fmt)

    def done(result: Exported | None, error: BaseException | None) -> None:
        if error is not None or result is None:
            said = f"Could not export the library: {sentence(in_words(error))}"
        else:
            said = f"Exported {result.counted} to {printable(os.fspath(result.path))}"
        state.keep_in_view(html.escape(said))

    state.say("Exporting the library…", 5000)
    state.runner.run(work, done)


# -- import ----------------------------------------------------------------------------------


class ImportTagsDialog(QDialog):
    """What a CSV would tag (a dry run, read when the dialog opens), then "Tag these
    files" or Cancel."""

    tagged = Signal()  # a person's tags were set: the personal layer may learn from them

    def __init__(self, state: AppState, source: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.source = state, source
        self.busy = False
        self.imported: Imported | None = None  # the last dry run or import
        self.setWindowTitle("Import tags")

        self.intro = intro = QLabel(
            f"Your own tags from {printable(source.name)}. Nothing changes until you choose "
            "Tag these files; a tag you set yourself wins over the model's, and it learns "
            "from it.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setToolTip(printable(os.fspath(source)))

        self.files_heading = QLabel("Files it would tag")
        self.files = self._list("Files it would tag and their new tags")
        self.problems_heading = QLabel("Lines it could not use")
        self.problems = self._list("Lines it could not use, with their line numbers and why")

        self.summary = QLabel("Reading the table…")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # room for the longest summary (all four counts) at the narrowest
        self.summary.setMinimumHeight(self.summary.fontMetrics().lineSpacing() * 4)

        self.buttons = QDialogButtonBox()
        self.tag = QPushButton("Tag these files")
        self.tag.setEnabled(False)  # until the dry run says there are some
        self.buttons.addButton(self.tag, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.tag.clicked.connect(self.apply)
        self.cancel.clicked.connect(self.reject)

        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addWidget(self.files_heading)
        column.addWidget(self.files, 1)
        column.addWidget(self.problems_heading)
        column.addWidget(self.problems, 1)
        column.addWidget(self.summary)
        column.addWidget(self.buttons)
        self.setMinimumSize(MINIMUM)  # below it the wrapped texts would overlap
        self.resize(600, 560)

    @staticmethod
    def _list(name: str) -> QListWidget:
        shown = QListWidget()
        shown.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        shown.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        shown.setWordWrap(True)
        shown.setMinimumHeight(90)
        shown.setAccessibleName(name)
        return shown

    def preview(self) -> None:
        """The dry run, off the UI thread: nothing is changed."""
        from ver_desktop.core.usecases.moods import import_tags

        session = self.state.session
        if session is None:
            self.show_summary(self.state.not_open or NOT_OPEN)
            return
        source = self.source

        def work(session: Session = session) -> Imported:
            return import_tags(session.library, session.model, source, dry_run=True)

        self.busy = True
        self.state.runner.run(work, self._previewed)

    def _previewed(self, result: Imported | None, error: BaseException | None) -> None:
        self.busy = False
        if error is not None or result is None:
            self.show_summary(f"Could not read the table: {sentence(in_words(error))}")
            return
        self.show_plan(result)
        self.tag.setEnabled(bool(result.plan.tags))

    def apply(self) -> None:
        """Tag the files, through the application state (its changes refresh the views)."""
        from ver_desktop.core.changes import Changes, Done
        from ver_desktop.core.usecases.moods import import_tags

        if self.busy:
            return
        source = self.source

        def op(session: Session) -> Done[Any]:
            try:  # the table read again: what it holds now is what is tagged
                done = import_tags(session.library, session.model, source, dry_run=False)
            except AppError as exc:  # the file gone or spoilt since the preview
                return Done(f"Could not import the tags: {sentence(str(exc))}", Changes())
            return Done(done, done.changes)

        self.busy = True
        self.tag.setEnabled(False)
        self.show_summary("Tagging the files…")
        self.state.apply("import tags", op, self._applied, after=self._over)

    def _applied(self, result: Imported | str) -> None:
        if isinstance(result, str):
            self.show_summary(result)
            self.state.keep_in_view(html.escape(result))
            return
        self.show_plan(result)
        self.state.keep_in_view(html.escape(f"Imported tags: {result.summary}."))
        self.cancel.setText("Close")
        if result.plan.tags:
            self.tagged.emit()

    def _over(self) -> None:
        self.busy = False
        if self.summary.text() == "Tagging the files…":  # it failed; the window said why
            self.show_summary("The files could not be tagged (the reason is shown at the "
                              "bottom of the window).")

    def show_plan(self, imported: Imported) -> None:
        """The files (to be) tagged, the lines not used and the summary."""
        self.imported = imported
        done = not imported.dry_run
        self.files_heading.setText("Files tagged" if done else "Files it would tag")
        self.files.clear()
        self.files.addItems([f"{printable(os.path.basename(t.path))}: {t.words}"
                             for t in imported.plan.tags])
        for line, why in imported.plan.notes:
            self.files.addItem(f"Line {line}: {printable(why)}")
        self.problems.clear()
        self.problems.addItems([f"Line {line}: {printable(why)}"
                                for line, why in sorted(imported.plan.problems)])
        some = bool(imported.plan.problems)
        self.problems_heading.setVisible(some)
        self.problems.setVisible(some)
        self.show_summary(imported.summary + ".")

    def show_summary(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.setToolTip(text)


def import_tags(state: AppState, parent: QWidget | None) -> ImportTagsDialog | None:
    """Ask for a CSV, then show what it would tag (the dry run starts at once)."""
    source = ask_open_path(parent)
    if source is None:
        return None
    dialog = ImportTagsDialog(state, source, parent)
    dialog.show()
    dialog.raise_()
    dialog.preview()
    return dialog
