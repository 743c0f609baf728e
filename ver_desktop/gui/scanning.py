"""Scans in the background: `core.scan.Scanner` runs in a QThread, its progress and the ids
it touches come back as signals, and its database writes go through the one writer.

Requests made while a scan runs (a drop, the folder watcher) wait in a queue and run next.
A scan nobody asked for (the folder watcher's, the periodic check's) is `automatic`: the
window says its outcome only when it found something.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, QThread, Signal

from ver_desktop.gui.session import Session
from ver_desktop.gui.tasks import TaskRunner

if TYPE_CHECKING:
    from ver_desktop.core.library import Library, ScanPlan
    from ver_desktop.core.model_key import ModelKey
    from ver_desktop.core.scan import ScanSummary


@dataclass(frozen=True)
class ScanRequest:
    roots: tuple[str, ...]
    retry_failed: bool = False
    automatic: bool = False  # the folder watcher asked, not the person


def found_nothing(summary: ScanSummary) -> bool:
    """Nothing new, changed, missing or failed: nothing a person needs to read."""
    return not (summary.new or summary.changed or summary.missing or summary.analysed
                or summary.failed or summary.held_elsewhere or summary.stretch_items
                or summary.stretch_tags or summary.unreadable_folders or summary.cancelled)


class _WriterLibrary:
    """The library as the scanner sees it: its writes go through the app's writer thread,
    and planning and recording tell the GUI which rows changed."""

    def __init__(self, library: Library, runner: TaskRunner, job: ScanJob) -> None:
        self._library, self._runner, self._job = library, runner, job

    def plan_scan(self, *args: Any, **kwargs: Any) -> ScanPlan:
        plan = self._runner.write_and_wait(lambda: self._library.plan_scan(*args, **kwargs))
        self._job.planned.emit([video_id for video_id, _ in plan.to_analyse])
        return plan

    def record(self, results: Sequence[Any], failures: Sequence[Any],
               model: ModelKey, *, scan: str | None = None) -> None:
        self._runner.write_and_wait(
            lambda: self._library.record(results, failures, model, scan=scan))
        self._job.recorded.emit([r[0] for r in results] + [f[0] for f in failures])

    def claim(self, scan: str, video_ids: Sequence[int]) -> set[int]:
        return self._runner.write_and_wait(lambda: self._library.claim(scan, video_ids))

    def release(self, scan: str) -> None:
        self._runner.write_and_wait(lambda: self._library.release(scan))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._library, name)


class ScanJob(QThread):
    """One scan. Signals arrive on the main thread (queued)."""

    planned = Signal(list)  # ids about to be analysed (new rows exist now)
    progress = Signal(object)  # core.scan.ScanProgress
    recorded = Signal(list)  # ids whose analysis or failure was just committed
    done = Signal(object, object)  # ScanSummary | None, error | None

    def __init__(self, session: Session, runner: TaskRunner, request: ScanRequest,
                 workers: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.runner, self.request, self.workers = session, runner, request, workers
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        from ver_desktop.core.scan import Scanner

        try:
            library = cast("Library", _WriterLibrary(self.session.library, self.runner, self))
            scanner = Scanner(library, self.session.classifier(), workers=self.workers)
            summary = scanner.scan(list(self.request.roots),
                                   progress=self.progress.emit,
                                   cancelled=self._cancel.is_set,
                                   retry_failed=self.request.retry_failed)
        except Exception as exc:  # shown in the status bar; the app carries on
            self.done.emit(None, exc)
        else:
            self.done.emit(summary, None)


class ScanController(QObject):
    """Queues scan requests and runs them one after the other."""

    started = Signal()
    planned = Signal(list)
    progress = Signal(object)
    recorded = Signal(list)
    finished = Signal(object, object)  # summary, error (after each scan)
    idle = Signal()  # the queue is empty

    def __init__(self, runner: TaskRunner, workers: Callable[[], int],
                 session: Callable[[], Session | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner, self.workers = runner, workers
        self.session = session  # the application state's, read when a scan starts
        self._queue: list[ScanRequest] = []
        self._job: ScanJob | None = None
        self._running: ScanRequest | None = None  # the scan started last, until it ends

    @property
    def busy(self) -> bool:
        return self._job is not None

    @property
    def automatic(self) -> bool:
        """The running scan (while `finished` is emitted: the one that ended) was the folder
        watcher's, not the person's."""
        return self._running is not None and self._running.automatic

    def request(self, roots: Sequence[str], *, retry_failed: bool = False,
                automatic: bool = False) -> None:
        """Scan `roots` after the scans queued. `automatic`: nobody asked for it (the
        folder watcher); the same scan asked for by the person takes its place."""
        roots = tuple(os.path.abspath(r) for r in roots)
        if not roots:
            return
        wanted = ScanRequest(roots, retry_failed, automatic)
        twin = replace(wanted, automatic=not automatic)
        if twin in self._queue and not automatic:
            self._queue[self._queue.index(twin)] = wanted  # the person's now: its outcome shows
        elif wanted not in self._queue and twin not in self._queue:
            self._queue.append(wanted)
        self._next()

    def cancel(self) -> None:
        """Stop the running scan after the files in progress and forget queued ones."""
        self._queue.clear()
        if self._job is not None:
            self._job.cancel()

    def wait(self, msecs: int = 60_000) -> bool:
        return self._job is None or self._job.wait(msecs)

    def _next(self) -> None:
        session = self.session()
        if self._job is not None or session is None:
            return
        if not self._queue:
            self.idle.emit()
            return
        self._running = self._queue.pop(0)
        job = ScanJob(session, self.runner, self._running, self.workers(), self)
        job.planned.connect(self.planned)
        job.progress.connect(self.progress)
        job.recorded.connect(self.recorded)
        job.done.connect(self._finished)
        self._job = job
        self.started.emit()
        job.start()

    def _finished(self, summary: object, error: object) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.wait()
            job.deleteLater()
        try:
            self.finished.emit(summary, error)  # `automatic` still tells whose it was
        finally:
            if self._job is None:  # (a slot of `finished` may have started the next one)
                self._running = None
        self._next()
