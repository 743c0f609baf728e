"""How mood paths move, before and after issue 23: the largest step on the map and how many
times a path goes back to a quarter it had left (happy, sad, happy counts 1), for every
pair of the four quarters' words, on a generated library and on a scanned one.

    .venv/bin/python benchmarks/bench_moodpath.py [--points 2000] [--steps 20]
        [--data-dir DIR | --scan FOLDER] [--minutes 20]

"before" is the straight-line method the app used until issue 23, kept here (and only
here) as the baseline: waypoints on the straight line from start to target, each taking
the nearest unused video, ordered by least squared distance to the waypoints. "after" is
`playlists.plan_mood_path`: round the circle through one neighbouring quarter, in the
order of how far along the way each video lies.

The generated library is `--points` points spread evenly over the map (seeded). The
scanned one is a library folder (`--data-dir`, e.g. one that `ver-desktop --data-dir DIR
scan ../shared/data/4q/audio` filled with the bundled model's readings), or `--scan
FOLDER` scans FOLDER into a temporary one first; from it, 10 collections of `--songs`
clips are also drawn (seeded), as a home collection of that size. `--minutes` also asks
each way by minutes and reports how long the path lasts.
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from ver_desktop.core.labels import QUADRANT_NAMES, QUADRANT_POINTS, QUADRANTS, quadrant_of
from ver_desktop.core.library import Library, MapPoint
from ver_desktop.core.playlists.moodpath import (
    MoodPath,
    largest_step,
    plan_mood_path,
    quarters_gone_back,
)

Point = tuple[float, float]
WORDS = {q: QUADRANT_NAMES[q].split(",")[0] for q in QUADRANTS}  # tense, calm...


def straight_line_path(points: Sequence[MapPoint], start: Point, target: Point,
                       n: int) -> list[Point]:
    """The baseline: the mood path as planned before issue 23 (by count)."""
    pool = [p for p in points if not p.mostly_speech]
    xy = np.array([(p.valence, p.arousal) for p in pool], dtype=np.float64)
    n = min(n, len(pool))
    waypoints = [(start[0] + (target[0] - start[0]) * i / (n - 1),
                  start[1] + (target[1] - start[1]) * i / (n - 1)) for i in range(n)]
    used = np.zeros(len(pool), dtype=bool)
    chosen: list[int] = []
    for waypoint in waypoints:
        distance = np.where(used, np.inf, np.hypot(*(xy - np.array(waypoint)).T))
        chosen.append(int(np.argmin(distance)))
        used[chosen[-1]] = True
    first = min(chosen, key=lambda i: math.dist(xy[i], waypoints[0]))
    last = min((i for i in chosen if i != first), key=lambda i: math.dist(xy[i], waypoints[-1]))
    middle = [i for i in chosen if i not in (first, last)]
    costs = ((xy[middle][:, None, :] - np.array(waypoints[1:-1])[None, :, :]) ** 2).sum(axis=2)
    videos, places = linear_sum_assignment(costs)
    order = [first, *(middle[v] for _, v in sorted(zip(places, videos, strict=True))), last]
    return [(float(xy[i][0]), float(xy[i][1])) for i in order]


def generated(count: int, seed: int = 0, spread: float | None = None) -> list[MapPoint]:
    """`count` points spread evenly over -2..2, or around the middle (normal, sd `spread`)
    as a real model places a small collection's songs; each 2 to 5 minutes long."""
    rng = np.random.default_rng(seed)
    va = (rng.uniform(-2, 2, size=(count, 2)) if spread is None
          else rng.normal(0.0, spread, size=(count, 2)))
    return [MapPoint(i, f"p{i}", float(v), float(a), quadrant_of(v, a), None, False,
                     float(rng.uniform(120, 300)), 30.0) for i, (v, a) in enumerate(va)]


def scanned(data_dir: Path) -> list[MapPoint]:
    from ver_desktop.core import paths
    from ver_desktop.core.bundle import read_bundle_info
    from ver_desktop.core.model_key import ModelKey

    info = read_bundle_info(paths.model_dir(None))
    library = Library.at(paths.database_path(data_dir))
    try:
        return library.map_points(ModelKey(info.name, info.version))
    finally:
        library.close()


def scan_into(folder: Path, data_dir: Path) -> None:
    from ver_desktop.cli import main

    status = main(["--data-dir", str(data_dir), "scan", str(folder)])
    if status not in (0, 1):
        sys.exit(f"the scan of {folder} failed (exit status {status})")


@dataclass
class Tally:
    """Before and after over many paths: each path's largest step, and the times a path
    went back to a quarter it had left."""

    before_steps: list[float] = field(default_factory=list)
    after_steps: list[float] = field(default_factory=list)
    before_back: int = 0
    after_back: int = 0

    def add(self, points: Sequence[MapPoint], start: str, target: str,
            steps: int) -> tuple[list[Point], MoodPath]:
        """Both paths from `start` to `target` over `points`, counted."""
        a, b = QUADRANT_POINTS[start], QUADRANT_POINTS[target]
        old = straight_line_path(points, a, b, steps)
        new = plan_mood_path(points, a, b, count=steps)
        self.before_steps.append(largest_step(old))
        self.after_steps.append(new.largest_jump())
        self.before_back += quarters_gone_back(old)
        self.after_back += quarters_gone_back(new.points)
        return old, new


def measure(name: str, points: Sequence[MapPoint], steps: int, minutes: float | None) -> None:
    usable = sum(not p.mostly_speech for p in points)
    print(f"\n{name}: {usable} points (mostly talk left out), {steps} steps asked a path")
    print(f"{'from':>6} {'to':>6} | {'largest step':>12} {'went back':>9} | "
          f"{'largest step':>12} {'went back':>9} {'steps':>5} | way taken"
          + (f" | {minutes:.0f} min asked: lasts" if minutes else ""))
    print(f"{'':>13} | {'before':^22} | {'after':^22} |")
    tally = Tally()
    for start, target in itertools.permutations(QUADRANTS, 2):
        old, new = tally.add(points, start, target, steps)
        way = new.route.words() if new.route else ""
        line = (f"{WORDS[start]:>6} {WORDS[target]:>6} | {largest_step(old):12.2f} "
                f"{quarters_gone_back(old):9d} | {new.largest_jump():12.2f} "
                f"{quarters_gone_back(new.points):9d} {len(new.steps):5d} | {way}")
        if minutes:
            timed = plan_mood_path(points, QUADRANT_POINTS[start], QUADRANT_POINTS[target],
                                   total_seconds=minutes * 60)
            longer = sum(s.longer for s in timed.steps)
            line += (f" | {timed.seconds / 60:.1f} min, {len(timed.steps)} items, "
                     f"{longer} longer, back {quarters_gone_back(timed.points)}")
        print(line)
    print(f"{'all 12':>13} | {max(tally.before_steps):12.2f} {tally.before_back:9d} | "
          f"{max(tally.after_steps):12.2f} {tally.after_back:9d} {'':5} | "
          "(largest; total went back)")
    print(f"{'median':>13} | {statistics.median(tally.before_steps):12.2f} {'':9} | "
          f"{statistics.median(tally.after_steps):12.2f}")


def measure_draws(name: str, points: Sequence[MapPoint], size: int, draws: int,
                  steps: int) -> None:
    """Collections of `size` drawn from `points` (seeded): every pair, summed over draws."""
    usable = [p for p in points if not p.mostly_speech]
    rng = np.random.default_rng(0)
    tally, paths = Tally(), 0
    for _ in range(draws):
        drawn = [usable[i] for i in rng.choice(len(usable), size, replace=False)]
        for start, target in itertools.permutations(QUADRANTS, 2):
            tally.add(drawn, start, target, steps)
            paths += 1
    print(f"\n{name}: {draws} collections of {size} drawn from {len(usable)}, {steps} steps "
          f"asked, {paths} paths")
    print(f"  went back to a quarter it had left: before {tally.before_back} times "
          f"(in {paths} paths), after {tally.after_back}")
    print(f"  largest step: before median {statistics.median(tally.before_steps):.2f}, max "
          f"{max(tally.before_steps):.2f}; after median "
          f"{statistics.median(tally.after_steps):.2f}, max {max(tally.after_steps):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--songs", type=int, default=40, help="the small collection's size")
    parser.add_argument("--songs-steps", type=int, default=20,
                        help="steps a path in the small collection")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=20.0)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--data-dir", type=Path, help="a library folder already scanned")
    source.add_argument("--scan", type=Path, help="a folder to scan into a temporary library")
    args = parser.parse_args()
    measure("generated library (seed 0, spread evenly over -2..2)", generated(args.points),
            args.steps, args.minutes)
    measure("a small generated collection (seed 1, around the middle: normal, sd 0.6)",
            generated(args.songs, seed=1, spread=0.6), args.songs_steps, args.minutes)
    if args.scan is not None:
        with tempfile.TemporaryDirectory() as temporary:
            scan_into(args.scan, Path(temporary))
            found = scanned(Path(temporary))
            measure(f"scanned {args.scan}", found, args.steps, args.minutes)
            measure_draws(f"home-sized collections from {args.scan}", found, args.songs, 10,
                          args.songs_steps)
    elif args.data_dir is not None:
        found = scanned(args.data_dir)
        measure(f"library in {args.data_dir}", found, args.steps, args.minutes)
        measure_draws(f"home-sized collections from {args.data_dir}", found, args.songs,
                      10, args.songs_steps)


if __name__ == "__main__":
    main()
