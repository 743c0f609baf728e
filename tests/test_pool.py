"""The worker pool survives workers that die or hang, and blames exactly the right file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import crashy

from ver_desktop.core.extract import Extracted, Failed
from ver_desktop.core.pool import CRASH_REASON, extract_all


def outcomes_for(folder: Path, names: list[str], **options: object) -> dict[str, object]:
    paths = [os.fspath(folder / n) for n in names]
    results = extract_all(paths, workers=2, cancelled=lambda: False,
                          task=crashy.extract_or_die, **options)  # type: ignore[arg-type]
    return {os.path.basename(o.path): o for o in results}


def copies(media_files: dict[str, Path], folder: Path, names: list[str]) -> None:
    for name in names:
        shutil.copyfile(media_files["short.flac"], folder / name)


def test_crashing_file_is_blamed_alone(tmp_path: Path, media_files: dict[str, Path]) -> None:
    names = ["a.flac", "crash.flac", "b.flac", "c.flac", "d.flac"]
    copies(media_files, tmp_path, names)
    found = outcomes_for(tmp_path, names)
    assert set(found) == set(names)
    crashed = found["crash.flac"]
    assert isinstance(crashed, Failed) and crashed.reason == CRASH_REASON
    assert all(isinstance(found[n], Extracted) for n in names if n != "crash.flac")


def test_hanging_file_times_out_and_the_rest_complete(tmp_path: Path,
                                                      media_files: dict[str, Path]) -> None:
    names = ["a.flac", "hang.flac", "b.flac", "c.flac"]
    copies(media_files, tmp_path, names)
    found = outcomes_for(tmp_path, names, stall_seconds=3.0)
    hung = found["hang.flac"]
    assert isinstance(hung, Failed) and hung.kind.value == "timed_out"
    assert all(isinstance(found[n], Extracted) for n in names if n != "hang.flac")


PARENT_THAT_DIES = """
import os, signal, sys
from ver_desktop.core.pool import spawn_pool
pool = spawn_pool(2)
print(" ".join(str(p) for p in pool._processes), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # while its workers are still importing
"""


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited


def test_workers_of_a_parent_killed_during_their_start_exit_by_themselves() -> None:
    """Issue 11, item 3: they used to read the parent's pid after their imports, when the
    parent was already gone, and then idled forever."""
    import subprocess
    import sys
    import time

    result = subprocess.run([sys.executable, "-c", PARENT_THAT_DIES], capture_output=True,
                            text=True, timeout=120, check=False)
    workers = [int(p) for p in result.stdout.split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 60
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(map(_running, workers))
