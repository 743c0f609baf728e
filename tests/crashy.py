"""A worker task for tests: dies by SIGKILL on files whose name contains "crash", and hangs
on files whose name contains "hang", as a decoder might on a hostile file; otherwise it
does the real work."""

from __future__ import annotations

import os
import signal
import time

from ver_desktop.core.extract import Outcome, extract


def extract_or_die(path: str) -> Outcome:
    if "crash" in os.path.basename(path):
        os.kill(os.getpid(), signal.SIGKILL)
    if "hang" in os.path.basename(path):
        time.sleep(3600)
    return extract(path)
