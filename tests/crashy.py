"""A worker task for tests: dies by SIGKILL on files whose name contains "crash", as a
decoder would on a hostile file; otherwise does the real work."""

from __future__ import annotations

import os
import signal

from ver_desktop.core.extract import Outcome, extract


def extract_or_die(path: str) -> Outcome:
    if "crash" in os.path.basename(path):
        os.kill(os.getpid(), signal.SIGKILL)
    return extract(path)
