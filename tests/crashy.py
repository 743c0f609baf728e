"""A worker task for tests: dies by SIGKILL on files whose name contains "crash", and hangs
on files whose name contains "hang", as a decoder might on a hostile file; otherwise it
does the real work."""

from __future__ import annotations

import os
import signal
import time

from ver_desktop.core.bundle import read_bundle_info
from ver_desktop.core.extract import Outcome, extract
from ver_desktop.core.paths import bundled_model_dir

FRONT_END = read_bundle_info(bundled_model_dir()).front_end  # what the default model reads


def extract_or_die(path: str) -> Outcome:
    if "crash" in os.path.basename(path):
        os.kill(os.getpid(), signal.SIGKILL)
    if "hang" in os.path.basename(path):
        time.sleep(3600)
    return extract(path, FRONT_END)
