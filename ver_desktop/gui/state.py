"""The application state: the open library with its model, and the one place that says what
changed. Every view and helper gets this object (and the task runner), never the window.

A change to the library goes through `apply`: the use case runs on the writer thread and
returns what it changed (`core.changes.Changes`); `changed` then announces it and each view
decides whether it cares (the table re-reads the rows named, the sidebar its playlists, the
timeline job its model), in the spirit of Anki's `OpChanges`. No view is refreshed by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QSettings, Signal

from ver_desktop.gui.tasks import TaskRunner, in_words

if TYPE_CHECKING:
    from ver_desktop.core.changes import Changes
    from ver_desktop.gui.session import Session

T = TypeVar("T")


class AppState(QObject):
    opened = Signal()  # the library is open: `session` is set
    changed = Signal(object)  # Changes: what a use case (or a scan, or someone else) changed
    message = Signal(str, int)  # a passing status message, and for how long (ms; 0: until next)
    notice = Signal(str)  # rich text kept in view until dismissed (an outcome to be seen)

    def __init__(self, runner: TaskRunner, data_dir: Path, settings: QSettings,
                 library_url: str, library_given: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner, self.data_dir, self.settings = runner, data_dir, settings
        self.library_url = library_url
        self.library_given = library_given  # --library: it outranks the one saved in Settings
        self.session: Session | None = None
        self.not_open: str | None = None  # why the library could not be opened
        self.scanning = False  # a scan is running (its batches refresh the views themselves)

    # -- the session -------------------------------------------------------------------

    def open(self, session: Session) -> None:
        self.session = session
        self.opened.emit()

    def use(self, session: Session) -> None:
        """Tag with another model from now on (the same library); everyone hears it."""
        from ver_desktop.core.changes import Changes

        self.session = session
        self.announce(Changes(model=True, tags=True))

    def announce(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)

    # -- running use cases -------------------------------------------------------------

    def apply(self, what: str, op: Callable[[Session], Any],
              then: Callable[[Any], None] | None = None, *,
              after: Callable[[], None] | None = None) -> None:
        """Run the use case `op(session)` on the writer thread. It returns `Done` (a value and
        its changes) or `Changes`; `then(value)` runs first, then the changes are
        announced. A failure is said as "Could not WHAT: why". `after()` runs last either
        way (a caller that keeps one run at a time learns that it ended)."""
        from ver_desktop.core.changes import Changes, Done

        session = self.session
        if session is None:
            self.say(self.not_open or "The library is still opening; try again in a moment",
                     8000)
            return

        def done(result: Any, error: BaseException | None) -> None:
            try:
                settle(result, error)
            finally:
                if after is not None:
                    after()

        def settle(result: Any, error: BaseException | None) -> None:
            if error is not None:
                self.say(f"Could not {what}: {in_words(error)}", 15000)
                return
            value, changes = ((result.value, result.changes) if isinstance(result, Done)
                              else (None, result) if isinstance(result, Changes)
                              else (result, Changes()))
            if then is not None:
                then(value)
            self.announce(changes)

        self.runner.write(lambda: op(session), done)

    def read(self, what: str, fn: Callable[[Session], T],
             then: Callable[[T], None]) -> None:
        """Read `fn(session)` off the UI thread; `then(result)` on it. A failure is said."""
        session = self.session
        if session is not None:
            self.runner.run(lambda: fn(session), self.runner.reporting(what, then))

    # -- words for the person ----------------------------------------------------------

    def say(self, text: str, msecs: int = 0) -> None:
        self.message.emit(text, msecs)

    def keep_in_view(self, text: str) -> None:
        self.notice.emit(text)
