"""Start-up time of the app: from starting the process to its window on screen, and to the
library being open, for the packaged app (dist/ver-desktop, see packaging/build.sh) and the
source install side by side.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python benchmarks/bench_startup.py \
        [--runs 5] [--drop-caches]

Needs an X server (Xvfb) and `xwininfo` (Debian's x11-utils): the window counts as shown
when the X server reports it viewable, polled every few milliseconds from outside the app,
so nothing inside the app is timed by the app itself. Each run starts on a fresh, empty data
folder and settings, as a first start does. "Library open" is when the process exits with
VER_DESKTOP_QUIT_WHEN_READY set (the window closes itself once the library is open).
`--drop-caches` (root only) empties the page cache before the first run of each app, so
that run is a cold start from disk; other runs find the files in memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FROZEN = ROOT / "dist" / "ver-desktop" / "ver-desktop"
SOURCE = ROOT / ".venv" / "bin" / "ver-desktop"
WINDOW_TITLE = "ver_desktop"
POLL_SECONDS = 0.005
TIMEOUT_SECONDS = 60.0


def top_level_window_ids() -> list[str]:
    """X ids of windows titled like the main window that carry a WM_CLASS (top levels)."""
    tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                          check=False).stdout
    marker = f'"{WINDOW_TITLE}": ("'
    return [line.split()[0] for line in tree.splitlines() if marker in line]


def is_viewable(window_id: str) -> bool:
    info = subprocess.run(["xwininfo", "-id", window_id], capture_output=True, text=True,
                          check=False).stdout
    return "Map State: IsViewable" in info


def drop_caches() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def time_one_start(executable: Path) -> tuple[float, float]:
    """(seconds to the window being viewable, seconds to the library being open)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, VER_DESKTOP_DATA_DIR=os.path.join(tmp, "data"),
                   XDG_CONFIG_HOME=os.path.join(tmp, "config"),
                   VER_DESKTOP_QUIT_WHEN_READY="1")
        env.pop("QT_QPA_PLATFORM", None)
        started = time.perf_counter()
        process = subprocess.Popen([os.fspath(executable)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shown = float("nan")
        while time.perf_counter() - started < TIMEOUT_SECONDS:
            if any(is_viewable(w) for w in top_level_window_ids()):
                shown = time.perf_counter() - started
                break
            if process.poll() is not None:
                break
            time.sleep(POLL_SECONDS)
        try:
            process.wait(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return shown, float("nan")
        return shown, time.perf_counter() - started


def measure(name: str, executable: Path, runs: int, cold: bool) -> None:
    if not executable.exists():
        print(f"{name}: {executable} is missing; skipped")
        return
    dropped = drop_caches() if cold else False
    results = [time_one_start(executable) for _ in range(runs)]
    first_shown, first_ready = results[0]
    later = results[1:] or results
    label = "cold (page cache dropped)" if dropped else "first run"
    print(f"{name}: {label}: window {first_shown:.2f} s, library open {first_ready:.2f} s; "
          f"median of the next {len(later)}: window "
          f"{statistics.median(r[0] for r in later):.2f} s, library open "
          f"{statistics.median(r[1] for r in later):.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--drop-caches", action="store_true",
                        help="cold first run: empty the page cache first (needs root)")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        print("needs an X server: run it under xvfb-run (see the module docstring)",
              file=sys.stderr)
        return 2
    measure("packaged app", FROZEN, args.runs, args.drop_caches)
    measure("source install", SOURCE, args.runs, args.drop_caches)
    return 0


if __name__ == "__main__":
    sys.exit(main())
