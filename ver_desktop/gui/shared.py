"""Changes made elsewhere, seen from one window: in a library shared by several computers
other people's changes appear by themselves, and a server that stops answering is said
once; in one's own library file, what the command line did shows when the window comes
back to the front.

A cheap change stamp (`Library.change_stamp`) is compared every few seconds, off the UI
thread; when it moved, the change is announced through the application state and every
view re-reads what it shows.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from ver_desktop.core.paths import is_shared
from ver_desktop.gui.tasks import in_words, sentence

if TYPE_CHECKING:
    from ver_desktop.gui.state import AppState

POLL_MS = 5000  # how soon one person sees another's changes


def library_words(url: str, data_dir: Path) -> str:
    """The library as a person recognises it: its file, or a shared library's address."""
    if not is_shared(url):
        return f"the library in {data_dir}"
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # a malformed address is said when the library is opened
        return "the shared library"
    return f"the shared library {parsed.database or ''} on {parsed.host or 'this computer'}"


class SharedWatch(QObject):
    def __init__(self, state: AppState) -> None:
        super().__init__(state)
        self.state = state
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.look)
        self._stamp: tuple[Any, ...] | None = None
        self._down = False  # the server did not answer the last look

    def start(self) -> None:
        """Take the first stamp; a shared library is then looked at every few seconds, a
        file of one's own when the window comes back to the front (the command line beside
        it may have scanned, tagged or made a playlist meanwhile)."""
        self.look()
        if is_shared(self.state.library_url):
            self.timer.start()

    def look(self) -> None:
        session = self.state.session
        if session is not None:
            self.state.runner.run(session.library.change_stamp, self.read)

    def read(self, stamp: tuple[Any, ...] | None, error: BaseException | None) -> None:
        """Someone changed the library: show it (during this window's own scan its batches
        are shown as they come anyway). A server that stops answering is said once, not at
        every look, and so is its return."""
        state = self.state
        words = library_words(state.library_url, state.data_dir)
        if error is not None or stamp is None:
            if not self._down:
                self._down = True
                state.keep_in_view(html.escape(
                    f"Lost touch with {words}: {sentence(in_words(error))} Trying again "
                    "every few seconds."))
            return
        if self._down:
            self._down = False
            state.keep_in_view(html.escape(f"In touch with {words} again."))
        changed = self._stamp is not None and stamp != self._stamp
        self._stamp = stamp
        if changed and not state.scanning:
            from ver_desktop.core.changes import Changes

            state.announce(Changes(videos=True, tags=True, playlists=True, timelines=True))
