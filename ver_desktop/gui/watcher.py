"""Watch the library's folders: a change inside one (a file added, renamed, deleted) starts
a scan of that folder a moment later, so nobody has to rescan by hand. Scans are
incremental, so a scan of an unchanged folder costs a directory listing."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer

from ver_desktop.gui.tasks import TaskRunner

MAX_WATCHED = 2000  # directories; inotify has per-user limits


class FolderWatcher(QObject):
    def __init__(self, runner: TaskRunner, scan: Callable[[list[str]], None],
                 parent: QObject | None = None, *, delay_ms: int = 1500) -> None:
        super().__init__(parent)
        self.runner, self.scan = runner, scan
        self.roots: list[str] = []
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._changed)
        self._dirty: set[str] = set()
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self._flush)

    def watch(self, roots: Sequence[str]) -> None:
        """Watch these library folders and their subfolders (replacing what was watched)."""
        roots = [os.path.abspath(r) for r in roots]
        self.roots = roots
        self.runner.run(lambda: folders_under(roots), self._set_folders)  # walking is I/O

    def _set_folders(self, folders: list[str] | None, error: BaseException | None) -> None:
        watched = self.watcher.directories()
        if watched:
            self.watcher.removePaths(watched)
        if folders:
            self.watcher.addPaths(folders)

    def _changed(self, folder: str) -> None:
        root = next((r for r in self.roots if folder == r or folder.startswith(r + os.sep)),
                    folder)
        self._dirty.add(root)
        self._timer.start()  # wait for a copy of many files to settle

    def _flush(self) -> None:
        dirty, self._dirty = sorted(self._dirty), set()
        self.watch(self.roots)  # pick up new subfolders
        if dirty:
            self.scan(dirty)


def folders_under(roots: Sequence[str]) -> list[str]:
    found: list[str] = []
    for root in roots:
        for folder, subfolders, _files in os.walk(root):
            subfolders[:] = [s for s in subfolders if not s.startswith(".")]
            found.append(folder)
            if len(found) >= MAX_WATCHED:
                return found
    return found
