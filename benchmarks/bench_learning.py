"""Learning from a person's tags at library scale: the refit alone, and the whole relearn
(refit + every file's shown reading rewritten) against reading the same files, in the
same run.

    .venv/bin/python benchmarks/bench_learning.py [--videos 100000] [--tags 20,200,1000]

In memory: `fit_layer` on k tags (what a tag costs before anything is written) and
`Layer.adjust` over every file, against a baseline of one matrix product over the same
embeddings (the least any linear correction costs). On a SQLite library of `--videos`
files with embeddings: `relearn` after k tags against one pass that only reads every
analysed file (`Library.analysed_files`), the floor of any rewrite. Random embeddings
stand in for real ones (the cost does not depend on their values).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from ver_desktop.core import personal
from ver_desktop.core.bundle import prediction_at
from ver_desktop.core.changes import Changes
from ver_desktop.core.labels import QUADRANTS
from ver_desktop.core.library import BulkVideo, Library
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.usecases import learning

MODEL = ModelKey("bench-model", "1")
SPREAD = 0.47
SIZE = 500


def seconds(action: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def in_memory(count: int, tags: list[int]) -> None:
    rng = np.random.default_rng(0)
    embeddings = rng.normal(size=(count, SIZE)).astype(np.float32)
    own = rng.normal(0, 0.5, size=(count, 2))
    weights = rng.normal(size=(SIZE, 2))
    base = seconds(lambda: embeddings @ weights)
    print(f"baseline: one product over {count:,} embeddings {1000 * base:.0f} ms")
    for k in tags:
        sides = np.sign(rng.normal(size=(k, 2)))
        def fit(k: int = k, sides: np.ndarray = sides) -> personal.Layer:
            return personal.fit_layer(embeddings[:k], own[:k], sides, spread=SPREAD,
                                      library=embeddings[:5000])

        fitting = seconds(fit)
        layer = fit()
        adjust = seconds(partial(layer.adjust, embeddings, own), repeats=1)
        print(f"k={k:5d} tags: fit {1000 * fitting:7.0f} ms; adjust {count:,} files "
              f"{1000 * adjust:7.0f} ms ({adjust / base:.1f} x the baseline)")


def fill(library: Library, count: int) -> None:
    rng = np.random.default_rng(1)
    va = rng.normal(0, 0.5, size=(count, 2))
    entries = []
    for i in range(count):
        # Each file's reading is read off its point as a scan stores it, so a relearn
        # rewrites only what the layer really moves.
        reading = prediction_at(float(va[i, 0]), float(va[i, 1]), spread=SPREAD)
        embedding = personal.pack(rng.normal(size=SIZE).astype(np.float32))
        entries.append(BulkVideo(
            path=f"/media/videos/folder {i % 300:03d}/clip {i:06d}.mp4", size=i, mtime_ns=i,
            duration=180.0, status="ok",
            analysis={"quadrant": reading.quadrant, "octant": reading.octant,
                      "confidence": reading.confidence,
                      "quadrant_probs": reading.quadrant_probs,
                      "octant_probs": reading.octant_probs, "valence": reading.valence,
                      "arousal": reading.arousal, "own_valence": reading.valence,
                      "own_arousal": reading.arousal, "segment_start": 0.0,
                      "segment_end": 30.0, "embedding": embedding}))
    for first in range(0, count, 20_000):
        library.bulk_add(entries[first:first + 20_000], MODEL)


def in_library(count: int, tags: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        library = Library(f"sqlite:///{Path(folder) / 'library.db'}")
        started = time.perf_counter()
        fill(library, count)
        filled = time.perf_counter() - started
        print(f"\nSQLite library of {count:,} files filled in {filled:.0f} s")
        read = seconds(lambda: sum(len(part) for part in library.analysed_files(MODEL)),
                       repeats=1)
        print(f"baseline: reading every analysed file once {read:.2f} s")
        ids = library.video_ids(MODEL)
        rng = np.random.default_rng(2)
        tagged = 0
        for k in tags:
            for video_id in ids[tagged:k]:
                library.set_user_label(video_id, quadrant=QUADRANTS[int(rng.integers(4))])
            tagged = k
            started = time.perf_counter()
            moved = _moved(learning.relearn(library, MODEL, SPREAD))
            took = time.perf_counter() - started
            print(f"relearn after {k:5d} tags: {took:.2f} s ({took / read:.1f} x the "
                  f"baseline); files whose tag moved: {moved}")
        library.close()


def _moved(changes: Changes) -> str:
    """How many files a relearn's Changes name (it names none past learning.NAMED)."""
    if changes.video_ids or not changes.tags:
        return f"{len(changes.video_ids):,}"
    return f"more than {learning.NAMED:,}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=100_000)
    parser.add_argument("--tags", default="20,200,1000")
    args = parser.parse_args(argv)
    tags = [int(k) for k in args.tags.split(",")]
    in_memory(args.videos, tags)
    in_library(args.videos, tags)
    return 0


if __name__ == "__main__":
    sys.exit(main())
