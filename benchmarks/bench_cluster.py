"""Reading files on a Dask LocalCluster against the local spawn pool, same files, same run.

    .venv/bin/python benchmarks/bench_cluster.py [--files 40] [--seconds 60] [--workers 2]
                                                 [--repeats 2]

Generates music-like videos (as bench_scan.py does; seeded, not timed), then alternates
`--repeats` times, keeping the best rate of each:
  1. baseline: `extract_all` with the scan's own task (the default model's front end) in the
     local spawn pool, its workers started (and their imports done) before the clock starts;
  2. cluster: the same through a `LocalCluster` of the same number of single-threaded worker
     processes (`--cluster local:N`), also already started.
Prints files/s of each, their ratio, and the wall time per file the cluster adds on each
worker (ms): workers / rate, cluster minus baseline. Starting either is paid once per scan
and printed apart. Needs the server extra (distributed).
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # one core per worker, before numpy loads

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path

sys.path.insert(0, os.fspath(Path(__file__).resolve().parent))

from bench_scan import generate

from ver_desktop.core.bundle import read_bundle_info
from ver_desktop.core.cluster import Cluster, open_cluster
from ver_desktop.core.extract import Extracted, task_for
from ver_desktop.core.paths import bundled_model_dir
from ver_desktop.core.pool import WorkersFactory, extract_all, spawn_pool

STARTS: list[float] = []  # seconds each warm pool took to start


def warm_pool(workers: int) -> Executor:
    """A spawn pool whose workers have started and imported what they need, as a
    running cluster's have: only the per-file cost is compared."""
    started = time.perf_counter()
    pool = spawn_pool(workers)
    for future in [pool.submit(time.sleep, 0.2) for _ in range(workers)]:
        future.result()
    STARTS.append(time.perf_counter() - started)
    return pool


def warm_rate(paths: list[str], workers: int) -> float:
    pool = warm_pool(workers)
    return rate(paths, workers, lambda n: pool)


def rate(paths: list[str], workers: int, factory: WorkersFactory) -> float:
    task = task_for(read_bundle_info(bundled_model_dir()).front_end)
    started = time.perf_counter()
    outcomes = list(extract_all(paths, workers=workers, cancelled=lambda: False,
                                factory=factory, task=task))
    seconds = time.perf_counter() - started
    assert len(outcomes) == len(paths) and all(isinstance(o, Extracted) for o in outcomes)
    return len(paths) / seconds


def best_of(repeats: int, measures: dict[str, Callable[[], float]]) -> dict[str, float]:
    best = dict.fromkeys(measures, 0.0)
    for _ in range(repeats):
        for name, measure in measures.items():  # alternating: noise hits both alike
            best[name] = max(best[name], measure())
    return best


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_cluster_") as tmp:
        paths = [os.fspath(p) for p in generate(Path(tmp), args.files, args.seconds,
                                                args.workers)]
        starting = time.perf_counter()
        cluster: Cluster
        with open_cluster(f"local:{args.workers}") as cluster:
            start_seconds = time.perf_counter() - starting
            best = best_of(args.repeats, {
                "pool": lambda: warm_rate(paths, args.workers),
                "cluster": lambda: rate(paths, args.workers, cluster.workers),
            })
    pool, on_cluster = best["pool"], best["cluster"]
    overhead = 1000 * args.workers * (1 / on_cluster - 1 / pool)
    print(f"{args.files} files of {args.seconds:.0f} s, {args.workers} workers, "
          f"best of {args.repeats}")
    print(f"  local spawn pool (baseline): {pool:6.2f} files/s")
    print(f"  LocalCluster:                {on_cluster:6.2f} files/s")
    print(f"  ratio cluster / pool:        {on_cluster / pool:6.2f}")
    print(f"  cluster adds per file:       {overhead:6.1f} ms on each worker")
    print(f"  start: pool {min(STARTS):.1f} s, cluster {start_seconds:.1f} s (once a scan)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
