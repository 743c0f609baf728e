"""Jobs that work through the library in the background after it opens (timelines, preparing
files for learning) and the controller shape they share: a scan pauses them and they resume
once scans are idle, another model ends the running job and starts one for the new model,
and closing the window ends the job and waits for it."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal

from ver_desktop.gui.session import Session
from ver_desktop.gui.tasks import TaskRunner, in_words

if TYPE_CHECKING:
    from ver_desktop.core.changes import Changes
    from ver_desktop.gui.state import AppState


class BackgroundJob(QThread):
    """A cancellable job on the session it started with; `_work` runs on the thread, and an
    error that stops it is said in words (`broken`), never raised into Qt."""

    broken = Signal(str)  # the job itself stopped, in words

    def __init__(self, session: Session, runner: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.runner = session, runner
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            self._work()
        except Exception as exc:  # said in the status bar; tags and scans carry on
            self.broken.emit(in_words(exc))

    def _work(self) -> None:
        raise NotImplementedError


class JobController(QObject):
    """Starts, pauses, stops and restarts one kind of BackgroundJob. Subclasses make the job
    (`_make`, which connects its signals) and say what a model change forgets."""

    def __init__(self, state: AppState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state, self.runner = state, state.runner
        state.changed.connect(self._changed)
        self.enabled = True
        self._job: BackgroundJob | None = None
        self._paused = False
        self._restart = False  # start again when the running job ends (the model changed)

    @property
    def busy(self) -> bool:
        return self._job is not None

    def resume(self) -> None:
        """Start the job (when the library opens, after scans) unless one runs."""
        self._paused = False
        session = self.state.session
        if self._job is None and session is not None and self.enabled:
            job = self._make(session)
            job.finished.connect(lambda: self._finished(job))
            self._job = job
            job.start(QThread.Priority.LowPriority)

    def pause(self) -> None:
        """A scan starts: let it have the machine (what was stored stays)."""
        self._paused = True
        if self._job is not None:
            self._job.cancel()

    def stop(self) -> None:
        """The window closes: end the job and wait for it (its workers too)."""
        self.enabled = False
        if self._job is not None:
            self._job.cancel()
            self._job.wait()

    def _make(self, session: Session) -> BackgroundJob:
        raise NotImplementedError

    def _model_changed(self) -> None:
        """What another model makes stale (the files this run could not read)."""

    def _more_to_do(self) -> bool:
        """Whether to start again when the job ends, though nothing asked to restart."""
        return False

    def _changed(self, changes: Changes) -> None:
        """Another model: the running job ends (what it was doing belongs to the old one)
        and a new one starts with the new model once it has."""
        if changes.model:
            self._model_changed()
            if self._job is not None:
                self._restart = True
                self._job.cancel()
            elif not self._paused:
                self.resume()

    def _finished(self, job: BackgroundJob) -> None:
        if self._job is job:
            self._job = None
        job.deleteLater()
        restart, self._restart = self._restart, False
        if not self._paused and (restart or self._more_to_do()):
            self.resume()
