"""Timelines in the background: after the tags, every tagged file gets its emotion over
time (core/timeline.py), one file at a time in one worker process, shortest files first.

Fair to scans: a scan never waits for a timeline. When one starts, the timeline job is
cancelled (the file in progress is dropped) and it starts again once the scans are done.
Each timeline is written as soon as it is made, so a closed or killed app carries on
where it stopped. Files asked for by a person (the details pane, "Work out now") go first.

The job works with the session of the application state as it is when the job starts; when
the state announces another model, the running job is ended and a new one starts with it
(each model keeps its own timelines).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Signal

from ver_desktop.gui.background import BackgroundJob, JobController
from ver_desktop.gui.session import Session
from ver_desktop.gui.tasks import TaskRunner

if TYPE_CHECKING:
    from ver_desktop.core.bundle import Classifier
    from ver_desktop.core.extract import Failed
    from ver_desktop.core.model_key import ModelKey
    from ver_desktop.core.timeline import Embedded
    from ver_desktop.gui.state import AppState

BATCH = 20  # files asked of the library at a time
STALL_SECONDS = 1800.0  # a 2-hour film takes about 90 s on one core; a stuck one is ended


class TimelineJob(BackgroundJob):
    stored = Signal(int)  # a file's timeline was just written
    failed = Signal(int, str)  # a file that has no timeline, and why
    changed = Signal(int)  # a file that changed while read: nothing kept, a scan brings it back

    def __init__(self, session: Session, runner: TaskRunner, first: Sequence[tuple[int, str]],
                 skip: set[int], parent: QObject | None = None) -> None:
        super().__init__(session, runner, parent)
        self.first, self.skip = list(first), set(skip)

    def _work(self) -> None:
        from ver_desktop.core.pool import Task, extract_all
        from ver_desktop.core.timeline import embed_task

        library, model = self.session.library, self.session.model
        classifier = self.session.classifier()
        while not self._cancel.is_set():
            todo = self.first or [(v, p) for v, p in library.without_timeline(model, BATCH)
                                  if v not in self.skip]
            self.first = []
            if not todo:
                return
            ids = {path: video_id for video_id, path in todo}
            # The pool runs any picklable task; this one returns Embedded, not Extracted.
            task = cast("Task", embed_task(classifier.front_end))
            for done in extract_all(list(ids), workers=1, cancelled=self._cancel.is_set,
                                    task=task, stall_seconds=STALL_SECONDS):
                self._take(ids[done.path], cast("Embedded | Failed", done), classifier)

    def _take(self, video_id: int, outcome: Embedded | Failed, classifier: Classifier) -> None:
        """Store one file's timeline, or say why it has none; either way the queue goes
        on (a file is never asked for twice in one job). Only the library failing stops
        the job (`broken`)."""
        from ver_desktop.core.extract import Failed
        from ver_desktop.core.usecases.timelines import keep, work_out

        self.skip.add(video_id)
        worked = work_out(outcome, classifier)
        if isinstance(worked, Failed):
            self.failed.emit(video_id, worked.reason)
            return
        library, model = self.session.library, self.session.model
        not_kept = self.runner.write_and_wait(lambda: keep(library, model, video_id,
                                                           worked).value)
        if not_kept is None:
            self.stored.emit(video_id)
        elif not_kept.retry:  # the file changed: its next scan brings it back to the queue
            self.changed.emit(video_id)
        else:
            self.failed.emit(video_id, not_kept.reason)


class TimelineController(JobController):
    """Starts, stops and restarts the timeline job around scans."""

    stored = Signal(int)
    failed = Signal(int, str)
    broken = Signal(str)

    def __init__(self, state: AppState, parent: QObject | None = None) -> None:
        super().__init__(state, parent)
        self._wanted: list[tuple[int, str]] = []  # asked for by a person: first
        self.failures: dict[int, str] = {}  # this run's files without a timeline, and why

    def _make(self, session: Session) -> TimelineJob:
        """Work through the files without a timeline, those a person asked for first."""
        job = TimelineJob(session, self.runner, self._wanted, set(self.failures), self)
        self._wanted = []
        job.stored.connect(self._stored)
        job.failed.connect(self._failed)
        job.broken.connect(self.broken)
        return job

    def want(self, video_id: int, path: str) -> None:
        """A person is looking at this file: work it out next."""
        self.failures.pop(video_id, None)
        self._wanted = [(video_id, path), *[w for w in self._wanted if w[0] != video_id]]
        if self._job is not None:
            self._job.cancel()  # restarted with this file first when it ends
        elif not self._paused:
            self.resume()

    @property
    def model(self) -> ModelKey | None:
        """The model the running job works for (None when none runs)."""
        return self._job.session.model if self._job is not None else None

    def _model_changed(self) -> None:
        self.failures.clear()  # another model may read them

    def _more_to_do(self) -> bool:
        return bool(self._wanted)

    def _stored(self, video_id: int) -> None:
        from ver_desktop.core.changes import Changes

        self.stored.emit(video_id)
        self.state.announce(Changes(timelines=True, video_ids=frozenset({video_id})))

    def _failed(self, video_id: int, reason: str) -> None:
        self.failures[video_id] = reason
        self.failed.emit(video_id, reason)
