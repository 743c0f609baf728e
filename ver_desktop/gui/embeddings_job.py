"""Preparing a library analysed by an earlier version so it can learn from a person's tags:
in the background, after the library opens, every analysed file without its clip embedding
is read again (core/usecases/embeddings.py, the same use case as `ver-desktop learning
prepare`), then the layer is refitted once and everyone hears which rows moved.

Like the timeline job (gui/timelines.py): a scan never waits for it (a scan pauses it, and
it resumes once the scans are done; a scan stores new files' embeddings itself); each batch
is written on the one database writer as soon as it is read, so a closed app carries on
where it stopped; a file that cannot be read again keeps its tag and is not asked for again
in this run; another model restarts it (each model has its own embeddings). It says what it
does in words through the application state (status messages, and a notice for files it
could not prepare).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from ver_desktop.gui.background import BackgroundJob, JobController
from ver_desktop.gui.session import Session
from ver_desktop.gui.tasks import TaskRunner

if TYPE_CHECKING:
    from ver_desktop.core.changes import Changes
    from ver_desktop.core.usecases.embeddings import FillProgress, FillSummary
    from ver_desktop.gui.state import AppState

SAY_EVERY = 50  # files between progress messages


def background_workers() -> int:
    """Half the cores: the window stays quick while it works."""
    return max(1, (os.cpu_count() or 2) // 2)


class EmbeddingsJob(BackgroundJob):
    planned = Signal(int)  # how many files it will read (0: nothing to do)
    progressed = Signal(int, int)  # done, total
    ended = Signal(object, object, object)  # FillSummary, Changes (the layer refitted),
    # the ids of the files it could not read again

    def __init__(self, session: Session, runner: TaskRunner, skip: set[int], workers: int,
                 parent: QObject | None = None) -> None:
        super().__init__(session, runner, parent)
        self.skip, self.workers = set(skip), workers

    def _work(self) -> None:
        from ver_desktop.core.usecases.embeddings import fill_embeddings, pending

        library, model = self.session.library, self.session.model
        # A file that is not there now is left to the next scan (it marks it missing),
        # not read and reported here
        todo = [t for t in pending(library, model)
                if t[0] not in self.skip and os.path.exists(t[1])]
        self.planned.emit(len(todo))
        if not todo or self._cancel.is_set():
            return
        ids = {path: video_id for video_id, path, _start in todo}

        def progress(p: FillProgress) -> None:
            if p.done % SAY_EVERY == 0 or p.done == p.total:
                self.progressed.emit(p.done, p.total)

        done = fill_embeddings(library, model, self.session.bundle.front_end,
                               spread=self.session.bundle.spread, workers=self.workers,
                               cancelled=self._cancel.is_set, progress=progress,
                               write=self.runner.write_and_wait, todo=todo)
        skipped = {ids[path] for path, _why in done.value.skipped if path in ids}
        self.ended.emit(done.value, done.changes, skipped)


class EmbeddingsController(JobController):
    """Starts, stops and restarts the preparing job around scans and model changes.
    Wiring (gui/main_window.py): made with the state after the library opens its session;
    `resume()` when the library opens and when scans are idle, `pause()` when a scan
    starts, `stop()` when the window closes."""

    prepared = Signal(object)  # FillSummary: a run finished (not when paused or stopped)
    broken = Signal(str)

    def __init__(self, state: AppState, parent: QObject | None = None, *,
                 workers: int | None = None) -> None:
        super().__init__(state, parent)
        self.workers = workers or background_workers()
        self.skipped: set[int] = set()  # files this run could not read again: not retried

    def _make(self, session: Session) -> EmbeddingsJob:
        """Prepare the files that lack an embedding."""
        job = EmbeddingsJob(session, self.runner, self.skipped, self.workers, self)
        job.planned.connect(self._planned)
        job.progressed.connect(self._progressed)
        job.ended.connect(self._ended)
        job.broken.connect(self._broken)
        return job

    def wait(self, msecs: int = 60_000) -> bool:
        """For tests: wait for the running job to end (True when none runs)."""
        job = self._job
        return job is None or job.wait(msecs)

    def _model_changed(self) -> None:
        self.skipped.clear()  # another model may read them

    # -- what the job says ----------------------------------------------------------------

    def _planned(self, total: int) -> None:
        if total:
            self.state.say(f"Preparing {_files(total)} so it can learn from your tags…")

    def _progressed(self, done: int, total: int) -> None:
        if done < total:
            self.state.say(f"Preparing {_files(total)} so it can learn from your tags… "
                           f"({done:,} done)")

    def _ended(self, summary: FillSummary, changes: Changes, skipped: set[int]) -> None:
        from ver_desktop.core.changes import Changes

        self.skipped |= skipped
        if summary.cancelled:
            return
        if summary.filled:
            self.state.announce(changes | Changes(tags=True))
            self.state.say("Ready to learn from your tags.", 8000)
        if summary.skipped:
            self.state.keep_in_view(f"{summary.skipped_words().capitalize()}: it cannot adjust "
                                    "them to your tags until they can be read.")
        self.prepared.emit(summary)

    def _broken(self, why: str) -> None:
        self.state.say(f"Could not prepare files for learning from your tags: {why}", 15000)
        self.broken.emit(why)


def _files(count: int) -> str:
    return f"{count:,} {'file' if count == 1 else 'files'}"
