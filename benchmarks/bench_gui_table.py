"""The library table at 100,000 videos: how long the lazy model takes to open, sort, filter
and show its visible rows, against loading every row eagerly (the baseline, measured in the
same run: what a model holding all rows, or a QTreeWidget, would pay first).

    .venv/bin/python benchmarks/bench_gui_table.py [--videos 100000]

Fills a fresh SQLite library through `Library.bulk_add` (timed apart), then times, each as
wall time on the main thread until the result is on screen:
  open      the model's id list arrives (sorted by name);
  rows      the first visible page of rows arrives after the view asks for it;
  sort      re-sort by confidence, descending;
  filter    two quadrants, confidence >= 0.5 and a name search;
  map_query every point for the emotion map, and its hover index (in the app: on a pool
            thread);
  map_draw  indexing and painting them once (on the main thread).
The id list, rows and map points are read on pool threads in the app; only the model reset
and painting happen on the main thread.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QApplication, QTableView

from ver_desktop.core.labels import OCTANTS, QUADRANTS, octant_of, quadrant_of
from ver_desktop.core.library import BulkVideo, Library, VideoFilter
from ver_desktop.core.model_key import ModelKey
from ver_desktop.gui.emotion_map import EmotionMap, index_points
from ver_desktop.gui.session import Session
from ver_desktop.gui.table_model import LibraryTableModel
from ver_desktop.gui.tasks import TaskRunner

MODEL = ModelKey("bench-model", "1")


def fill(library: Library, count: int) -> float:
    rng = np.random.default_rng(0)
    va = rng.normal(0, 1, size=(count, 2))
    confidence = rng.uniform(0.25, 1.0, size=count)
    entries = []
    for i in range(count):
        v, a = float(va[i, 0]), float(va[i, 1])
        entries.append(BulkVideo(
            path=f"/media/videos/folder {i % 300:03d}/clip {i:06d}.mp4", size=i, mtime_ns=i,
            duration=float(30 + i % 600), status="ok",
            analysis={"quadrant": quadrant_of(v, a), "octant": octant_of(v, a),
                      "confidence": float(confidence[i]),
                      "quadrant_probs": dict.fromkeys(QUADRANTS, 0.25),
                      "octant_probs": dict.fromkeys(OCTANTS, 0.125), "valence": v,
                      "arousal": a, "segment_start": 0.0, "segment_end": 30.0}))
    started = time.perf_counter()
    library.bulk_add(entries, MODEL)
    return time.perf_counter() - started


def wait_for(app: QApplication, done: Callable[[], bool], timeout: float = 120.0) -> float:
    started = time.perf_counter()
    while not done():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the model did not answer in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    return time.perf_counter() - started


def measure(app: QApplication, session: Session, count: int) -> dict[str, float]:
    runner = TaskRunner()
    model = LibraryTableModel(runner)
    view = QTableView()
    view.resize(1000, 700)
    view.setModel(model)
    view.show()
    figures: dict[str, float] = {}

    def first_rows_loaded() -> bool:
        return model.rowCount() > 0 and all(
            model.video(i) is not None for i in model.ids()[:20])

    started = time.perf_counter()
    model.attach(session)
    wait_for(app, lambda: model.rowCount() == count)
    figures["open"] = time.perf_counter() - started
    figures["rows"] = wait_for(app, first_rows_loaded)
    started = time.perf_counter()
    model.sort(5, Qt.SortOrder.DescendingOrder)  # confidence
    wait_for(app, lambda: runner.idle and first_rows_loaded())
    figures["sort"] = time.perf_counter() - started
    started = time.perf_counter()
    model.set_filter(VideoFilter(quadrants=frozenset({"PV-PA", "NV-NA"}), min_confidence=0.5,
                                 search="clip 01"))
    wait_for(app, lambda: runner.idle and first_rows_loaded())
    figures["filter"] = time.perf_counter() - started
    figures["filtered_rows"] = model.rowCount()
    started = time.perf_counter()
    points = session.library.map_points(session.model)
    index = index_points(points)
    figures["map_query"] = time.perf_counter() - started
    started = time.perf_counter()
    emotion_map = EmotionMap()
    emotion_map.resize(500, 500)
    emotion_map.set_points(points, index)
    emotion_map.grab()
    figures["map_draw"] = time.perf_counter() - started
    runner.wait()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=100_000)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        library = Library.at(Path(folder) / "library.sqlite3")
        inserted = fill(library, args.videos)
        print(f"bulk insert of {args.videos:,} videos with tags: {inserted:.2f} s")
        started = time.perf_counter()
        eager = library.videos(MODEL)
        baseline = time.perf_counter() - started
        print(f"baseline, every row loaded eagerly (Library.videos): {baseline:.3f} s "
              f"for {len(eager):,} rows")
        del eager
        from ver_desktop.core.bundle import BundleInfo

        session = Session(Path(folder), library,
                          BundleInfo(Path(folder), {"name": MODEL[0], "version": MODEL[1]}))
        figures = measure(app, session, args.videos)
        for key in ("open", "rows", "sort", "filter", "map_query", "map_draw"):
            print(f"{key:>9}: {figures[key] * 1000:8.1f} ms   "
                  f"({figures[key] / baseline:.2f} x the eager baseline)")
        print(f"(filter kept {int(figures['filtered_rows']):,} rows)")
        library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
