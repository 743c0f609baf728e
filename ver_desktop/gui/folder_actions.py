"""The library's folders and files from the window: add a folder (or drop files), forget a
folder or chosen files, rescan, retry the failed ones. Changes go through the folder use
cases (core/usecases/folders.py); scans through the scan controller."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from ver_desktop.core.text import count_of

if TYPE_CHECKING:
    from ver_desktop.core.changes import Changes
    from ver_desktop.gui.library_view import LibraryView
    from ver_desktop.gui.scanning import ScanController
    from ver_desktop.gui.state import AppState
    from ver_desktop.gui.table_model import LibraryTableModel
    from ver_desktop.gui.watcher import FolderWatcher


class FolderActions(QObject):
    one_file_added = Signal(str)  # a single file was dropped: select it once it is in

    def __init__(self, state: AppState, scans: ScanController, watcher: FolderWatcher,
                 videos: LibraryView, table: LibraryTableModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.state, self.scans, self.watcher = state, scans, watcher
        self.videos, self.table, self.parent_widget = videos, table, parent
        state.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        if changes.folders:
            self.watch()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.parent_widget, "Add a folder of videos",
                                                  os.path.expanduser("~"))
        if folder:
            self.add_paths([folder])

    def add_paths(self, paths: Sequence[str]) -> None:
        """Folders join the library and are scanned; files are analysed on their own."""
        from ver_desktop.core.usecases.folders import add_folders

        if self.state.session is None:
            self.state.say(self.state.not_open or "The library is still opening; try again "
                           "in a moment", 8000)
            return
        paths = [os.path.abspath(p) for p in paths if os.path.exists(p)]
        folders = [p for p in paths if os.path.isdir(p)]
        if len(paths) == 1 and not folders:
            self.one_file_added.emit(paths[0])
        if folders:
            self.state.apply("add the folders", lambda s: add_folders(s.library, folders))
        if paths:
            self.scans.request(paths)

    def watch(self) -> None:
        """Watch the library's folders as they are now."""
        self.state.read("read the library's folders", lambda s: s.library.folders(),
                        self.watcher.watch)

    def remove_folder(self) -> None:
        self.state.read("read the library's folders", lambda s: s.library.folders(),
                        self._choose_removal)

    def _choose_removal(self, folders: list[str]) -> None:
        parent = self.parent_widget
        if not folders:
            QMessageBox.information(parent, "Remove a folder", "The library has no folders.")
            return
        folder, ok = QInputDialog.getItem(parent, "Remove a folder",
                                          "Forget this folder and its videos (the files "
                                          "stay on disk):", folders, 0, False)
        if ok and folder:
            self.forget_folder(folder)

    def forget_folder(self, folder: str) -> None:
        from ver_desktop.core.usecases.folders import forget_folder

        self.state.apply("forget the folder", lambda s: forget_folder(s.library, folder))

    def forget_selected(self) -> None:
        from ver_desktop.core.usecases.folders import forget_files

        ids = self.videos.selected_ids()
        if self.state.session is None or not ids:
            self.state.say("Select the files to forget first", 4000)
            return
        self.state.apply("forget the files", lambda s: forget_files(s.library, ids),
                         lambda count: self.state.say(f"Forgot {count_of(count, 'file')}",
                                                      5000))

    def rescan(self, *, retry_failed: bool = False) -> None:
        self.state.read("read the library's folders", lambda s: s.library.folders(),
                        lambda folders: self.scans.request(folders, retry_failed=retry_failed))

    def retry_failed(self) -> None:
        """Analyse the selected failed files again (all those shown when none is)."""
        selected = self.videos.table.selectionModel().hasSelection()
        ids = self.videos.selected_ids() if selected else self.table.ids()

        def paths(session: Any) -> list[str]:
            rows = session.library.rows(session.model, ids)
            return [r.path for r in rows.values() if r.status == "failed"]

        self.state.read("list the failed files", paths,
                        lambda found: self.scans.request(found, retry_failed=True))
