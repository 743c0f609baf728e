"""Changes made elsewhere, seen from one window: in a library shared by several computers
other people's changes appear by themselves, and a server that stops answering is said
once; in one's own library file, what the command line did shows when the window comes
back to the front.

The window compares a cheap change stamp (`Library.change_stamp`) every few seconds, off
the UI thread, and re-reads what it shows when the stamp moved.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from ver_desktop.core.paths import is_shared
from ver_desktop.gui.tasks import in_words, sentence

if TYPE_CHECKING:
    from ver_desktop.gui.main_window import MainWindow

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
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.look)
        self._stamp: tuple[Any, ...] | None = None
        self._down = False  # the server did not answer the last look

    def start(self) -> None:
        """Take the first stamp; a shared library is then looked at every few seconds, a
        file of one's own when the window comes back to the front (the command line beside
        it may have scanned, tagged or made a playlist meanwhile)."""
        self.look()
        if is_shared(self.window.library_url):
            self.timer.start()

    def look(self) -> None:
        session = self.window.session
        if session is not None:
            self.window.runner.run(session.library.change_stamp, self.read)

    def read(self, stamp: tuple[Any, ...] | None, error: BaseException | None) -> None:
        """Someone changed the library: show it (during this window's own scan its batches
        are shown as they come anyway). A server that stops answering is said once, not at
        every look, and so is its return."""
        window = self.window
        words = library_words(window.library_url, window.data_dir)
        if error is not None or stamp is None:
            if not self._down:
                self._down = True
                window.show_notice(html.escape(
                    f"Lost touch with {words}: {sentence(in_words(error))} Trying again "
                    "every few seconds."))
            return
        if self._down:
            self._down = False
            window.show_notice(html.escape(f"In touch with {words} again."))
        changed = self._stamp is not None and stamp != self._stamp
        self._stamp = stamp
        if changed and not window.scans.busy:
            window.reload_playlists()  # the place shown is read again, rows included
            window.reload_map()
