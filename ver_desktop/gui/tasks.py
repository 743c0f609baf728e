"""The one way to run background work (Picard's `run_task`, Anki's `taskman`).

`run(fn, callback)` runs `fn` on a pool thread; `callback(result, error)` then runs on the
main thread. `write(fn, callback)` does the same on a single writer thread, so database
writes happen one at a time and in order. A callback must re-check state when it runs
(the window may have moved on since the task started).

No failure is silent: a callback that has nothing to say about an error is wrapped with
`reporting(what, then)`, and a task without a callback reports its own; either way the
runner logs the error and emits `failed` with what was being done, in words, which the
window shows in its status bar.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

T = TypeVar("T")
log = logging.getLogger("ver_desktop")
Callback = Callable[[Any, BaseException | None], None]


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], done: Callable[[Any, BaseException | None], None]
                 ) -> None:
        super().__init__()
        self.fn, self.done = fn, done

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # delivered to the callback, never lost
            self.done(None, exc)
        else:
            self.done(result, None)


class TaskRunner(QObject):
    _finished = Signal(object, object, object)  # callback, result, error
    failed = Signal(str, object)  # what was being done ("read the playlists"), the error

    def __init__(self, parent: QObject | None = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(threads)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._finished.connect(self._deliver)  # queued: emitted from pool threads
        self.pending = 0  # tasks whose callback has not run yet

    @property
    def idle(self) -> bool:
        return self.pending == 0

    def run(self, fn: Callable[[], T], callback: Callback | None = None) -> None:
        self.pending += 1
        self._readers.start(_Job(fn, self._emitter(callback)))

    def write(self, fn: Callable[[], T], callback: Callback | None = None) -> None:
        self.pending += 1
        self._writer.start(_Job(fn, self._emitter(callback)))

    def write_and_wait(self, fn: Callable[[], T]) -> T:
        """Run `fn` on the writer thread and wait for it; for worker threads (the scan),
        never the main thread."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def settle(result: Any, error: BaseException | None) -> None:
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)

        self._writer.start(_Job(fn, settle))
        return future.result()

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for every task (shutdown and tests)."""
        return self._readers.waitForDone(msecs) and self._writer.waitForDone(msecs)

    def _emitter(self, callback: Callback | None) -> Callable[[Any, BaseException | None],
                                                             None]:
        def finished(result: Any, error: BaseException | None) -> None:
            try:
                self._finished.emit(callback, result, error)
            except RuntimeError:
                # The window (and this runner) closed while the task ran: there is nobody
                # left to tell, and raising here would surface in whatever Qt runs next.
                log.debug("a task finished after its window closed")
        return finished

    def reporting(self, what: str, then: Callable[[Any], None]) -> Callback:
        """A callback that runs `then(result)` on success and reports a failure (logged,
        and `failed(what, error)` for the status bar) instead of passing it on."""
        def callback(result: Any, error: BaseException | None) -> None:
            if error is not None:
                self.report(what, error)
            else:
                then(result)
        return callback

    def report(self, what: str, error: BaseException) -> None:
        from ver_desktop.core.errors import AppError
        from ver_desktop.core.library.faults import storage_problem

        problem = storage_problem(error)
        if problem is not None:  # said in a sentence: the traceback would only add SQL
            log.error("could not %s: %s", what, problem)
        elif isinstance(error, AppError):  # the app's own refusal, meant to be read
            log.warning("could not %s: %s", what, error)
        else:  # a bug: its traceback is for the developers
            log.error("could not %s", what, exc_info=error)
        self.failed.emit(what, error)

    def _deliver(self, callback: Callback | None, result: Any,
                 error: BaseException | None) -> None:
        self.pending -= 1
        if callback is not None:
            callback(result, error)
        elif error is not None:
            self.report("finish a background task", error)


def in_words(error: BaseException | None) -> str:
    """A background failure as a person reads it: storage faults in one sentence (never
    SQLAlchemy's "Background on this error" link), anything else as its own message."""
    if error is None:
        return ""
    from ver_desktop.core.library.faults import storage_problem

    return storage_problem(error) or str(error) or type(error).__name__


def sentence(text: str) -> str:
    """`text` as a sentence: a capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
