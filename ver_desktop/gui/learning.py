"""It learns from you, in the window: after a person's tags the personal layer is refitted
in the background (core/usecases/learning.py `relearn`, on the writer thread through the
application state, whose announced changes refresh the table, the map, the filters, the
playlists and the timelines by themselves). Quick tags in a row make one refit, after the
last; one refit runs at a time, and a tag given during it makes one more after it.

Also here: "that's right" for the selected files, a person's answer from the Help it learn
view, and Settings' on/off and "forget what it learned"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from ver_desktop.core.text import count_of

if TYPE_CHECKING:
    from ver_desktop.core.changes import Done
    from ver_desktop.core.usecases.learning import LearningState
    from ver_desktop.gui.session import Session
    from ver_desktop.gui.state import AppState

QUIET_MS = 500  # a refit waits this long after the last tag (several quick tags: one refit)


class Learning(QObject):
    learned = Signal()  # a refit finished and its changes were announced
    state_known = Signal(object)  # LearningState: read, or after on/off and forget

    def __init__(self, state: AppState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._quiet = QTimer(self, singleShot=True, interval=QUIET_MS)
        self._quiet.timeout.connect(self.relearn)
        self._running = False  # a refit is on the writer thread
        self._again = False  # a tag came while it ran: one more after it

    @property
    def busy(self) -> bool:
        """A refit is waiting or running (tests wait for it to be over)."""
        return self._quiet.isActive() or self._running or self._again

    def after_tag(self) -> None:
        """A person's tag was saved: refit when the tags stop coming for a moment."""
        self._quiet.start()  # restarted by each tag

    def relearn(self) -> None:
        if self.state.session is None:
            return
        if self._running:
            self._again = True
            return
        self._quiet.stop()
        self._running = True
        self.state.apply("learn from your tags", _relearn, self._relearned,
                         after=self._over)

    def _relearned(self, known: LearningState) -> None:
        if known.enabled and known.tags:
            self.state.say(known.sentence(), 5000)  # "Learned from 12 of your tags; …"

    def _over(self) -> None:
        self._running = False
        if self._again:
            self._again = False
            self.relearn()
        else:
            self.learned.emit()

    # -- what a person does ------------------------------------------------------------

    def confirm(self, video_ids: Sequence[int]) -> None:
        """ "That's right": what these files show becomes the person's own tag."""
        from ver_desktop.core.usecases.learning import confirm

        ids = list(video_ids)
        if not ids:
            return
        self.state.apply("keep the tag",
                         lambda s: confirm(s.library, s.model, ids),
                         lambda _r: self._saved(f"Kept the tag of {count_of(len(ids), 'file')}"))

    def answer(self, video_id: int, quadrant: str, octant: str | None = None) -> None:
        """A person's quarter (or emotion) for one file (the Help it learn view)."""
        from ver_desktop.core.usecases.tags import tag_videos

        self.state.apply("save the tag",
                         lambda s: tag_videos(s.library, [video_id],
                                              quadrant=None if octant else quadrant,
                                              octant=octant),
                         lambda _r: self._saved(""))

    def _saved(self, words: str) -> None:
        if words:
            self.state.say(words, 3000)
        self.after_tag()

    # -- Settings ----------------------------------------------------------------------

    def read_state(self) -> None:
        from ver_desktop.core.usecases.learning import state

        self.state.read("read what it learned", lambda s: state(s.library, s.model),
                        self.state_known.emit)

    def set_enabled(self, enabled: bool) -> None:
        from ver_desktop.core.usecases.learning import set_enabled

        self._settings("turn learning " + ("on" if enabled else "off"),
                       lambda s: set_enabled(s.library, s.model, s.bundle.spread,
                                             enabled=enabled))

    def forget(self) -> None:
        from ver_desktop.core.usecases.learning import forget

        self._settings("forget what it learned",
                       lambda s: forget(s.library, s.model, s.bundle.spread))

    def _settings(self, what: str, op: Callable[[Session], Any]) -> None:
        def then(known: LearningState) -> None:
            self.state_known.emit(known)
            self.state.say(known.sentence(), 6000)

        self.state.apply(what, op, then, after=self.learned.emit)


def _relearn(session: Session) -> Done[LearningState]:
    """The refit, and what it has learned after it (said to the person)."""
    from ver_desktop.core.changes import Done
    from ver_desktop.core.usecases.learning import relearn, state

    changes = relearn(session.library, session.model, session.bundle.spread)
    return Done(state(session.library, session.model), changes)
