"""Watch the library's folders: a change inside one (a file added, renamed, deleted) starts
a scan of that folder a moment later, so nobody has to rescan by hand. Scans are
incremental, so a scan of an unchanged folder costs a directory listing.

A directory watch does not report a file rewritten in place (same name, new content): inotify
tells the folder only about names. So the folders are also compared with the library (size
and modification time, off the UI thread) every minute and when the window is activated."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer

from ver_desktop.gui.tasks import TaskRunner

MAX_WATCHED = 2000  # directories; inotify has per-user limits
Check = Callable[[list[str]], list[str]]  # roots -> those whose files differ from the library


class FolderWatcher(QObject):
    def __init__(self, runner: TaskRunner, scan: Callable[[list[str]], None],
                 parent: QObject | None = None, *, delay_ms: int = 1500,
                 poll_ms: int = 60_000, min_check_s: float = 10.0) -> None:
        super().__init__(parent)
        self.runner, self.scan = runner, scan
        self.roots: list[str] = []
        self.check: Check | None = None  # set once the library is open
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._changed)
        self._dirty: set[str] = set()
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self._flush)
        self.poll = QTimer(self, interval=poll_ms)
        self.poll.timeout.connect(self.check_now)
        self.poll.start()
        self.min_check_s = min_check_s
        self._checking = False
        self._last_check = float("-inf")

    def watch(self, roots: Sequence[str]) -> None:
        """Watch these library folders and their subfolders (replacing what was watched)."""
        roots = [os.path.abspath(r) for r in roots]
        self.roots = roots
        self.runner.run(lambda: folders_under(roots), self._set_folders)  # walking is I/O

    def check_soon(self) -> None:
        """Compare with the library unless that was done a moment ago (window activation)."""
        if time.monotonic() - self._last_check >= self.min_check_s:
            self.check_now()

    def check_now(self) -> None:
        check, roots = self.check, list(self.roots)
        if check is None or not roots or self._checking:
            return
        self._checking, self._last_check = True, time.monotonic()
        self.runner.run(lambda: check(roots), self._checked)

    def _checked(self, stale: list[str] | None, error: BaseException | None) -> None:
        self._checking = False
        if error is not None:
            self.runner.report("check the watched folders for changes", error)
        elif stale:
            self.scan(stale)

    def _set_folders(self, folders: list[str] | None, error: BaseException | None) -> None:
        if error is not None:
            self.runner.report("list the library's folders to watch", error)
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
