"""How responsive the window stays while a scan runs: the longest event-loop stall during a
scan of a few hundred generated files (target: under 50 ms), against the same measurement
with the window idle (the baseline, in the same run).

    .venv/bin/python benchmarks/bench_gui_scan.py [--files 200] [--workers 2]

A 10-ms QTimer on the main thread records when it actually fires; a stall is how much later
than due a tick came. Generation of the files is not timed. Offscreen; nothing is mocked:
the real window, a fresh SQLite library, the bundled model and a spawned worker pool.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, os.fspath(Path(__file__).resolve().parents[1] / "tests"))
import mediagen

from ver_desktop.core import paths
from ver_desktop.gui.main_window import MainWindow

TICK_MS = 10


class StallMeter:
    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self.gaps, self._last = [], time.perf_counter()
        self.timer.start()

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        stalls = sorted(max(0.0, g - TICK_MS / 1000) for g in self.gaps) or [0.0]
        return {"max": stalls[-1] * 1000, "p99": stalls[int(0.99 * (len(stalls) - 1))] * 1000,
                "median": statistics.median(stalls) * 1000,
                "over_50ms": float(sum(s > 0.05 for s in stalls)), "ticks": len(stalls)}


def spin(app: QApplication, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def generate(folder: Path, count: int) -> None:
    for i in range(count):
        mediagen.write_media(folder / f"clip {i:04d}.mp4",
                             mediagen.music(5.0, seed=i, tempo=80 + i % 90))


def report(name: str, figures: dict[str, float], baseline: dict[str, float]) -> None:
    ratio = figures["max"] / max(baseline["max"], 0.1)
    print(f"{name:>8}: longest stall {figures['max']:6.1f} ms ({ratio:.1f} x idle), "
          f"p99 {figures['p99']:5.1f} ms, median {figures['median']:4.1f} ms, "
          f"{int(figures['over_50ms'])} stalls over 50 ms in {int(figures['ticks'])} ticks")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        media = root / "videos"
        media.mkdir()
        started = time.perf_counter()
        generate(media, args.files)
        print(f"generated {args.files} files in {time.perf_counter() - started:.1f} s "
              "(not timed below)")
        settings = QSettings(os.fspath(root / "settings.ini"), QSettings.Format.IniFormat)
        started = time.perf_counter()
        window = MainWindow(root / "data", paths.bundled_model_dir(), settings, args.workers)
        window.show()
        app.processEvents()
        print(f"window shown in {(time.perf_counter() - started) * 1000:.0f} ms")
        while window.session is None:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        print(f"library open after {(time.perf_counter() - started) * 1000:.0f} ms")
        meter = StallMeter()
        meter.start()
        spin(app, 3.0)
        idle = meter.stop()
        meter.start()
        started = time.perf_counter()
        window.add_paths([os.fspath(media)])
        spin(app, 0.2)
        while window.scans.busy or not window.runner.idle:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        seconds = time.perf_counter() - started
        scanning = meter.stop()
        report("idle", idle, idle)
        report("scanning", scanning, idle)
        print(f"scan: {args.files} files in {seconds:.1f} s ({args.files / seconds:.1f} files/s, "
              f"{args.workers} workers); rows shown: {window.model.rowCount()}")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
