"""Mood-path playlists (music therapy's iso principle): start where the listener is on the
valence-arousal plane and move, step by step, towards where they want to be.

The algorithm lays `n` evenly spaced waypoints on the straight line from `start` to
`target` and walks them in order, taking for each waypoint the unused video nearest to it
among those within `max_jump` of the previous pick.

Guarantee (no big jumps): any two consecutive videos of the result are at most `max_jump`
apart (Euclidean distance in the valence-arousal plane), and every video is within
`max_jump` of its waypoint, so the path follows the line. When no unused video satisfies
both, the path stops there instead of jumping or straying: the result is then shorter than
asked and `MoodPath.complete` is False. `max_jump` defaults to twice the
waypoint spacing, and never less than `MIN_JUMP`, so a dense library follows the line
closely while a sparse one may still move.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ver_desktop.core.library import MapPoint

MIN_JUMP = 0.25
MAX_STEPS = 500

Point = tuple[float, float]


@dataclass(frozen=True)
class MoodPathStep:
    video_id: int
    valence: float
    arousal: float
    waypoint: Point


@dataclass(frozen=True)
class MoodPath:
    start: Point
    target: Point
    max_jump: float
    steps: tuple[MoodPathStep, ...]
    complete: bool  # every waypoint got a video without breaking the jump limit
    seconds: float  # total duration of the videos (unknown durations count 0)

    @property
    def video_ids(self) -> list[int]:
        return [s.video_id for s in self.steps]

    def largest_jump(self) -> float:
        pairs = itertools.pairwise(self.steps)
        return max((math.dist((a.valence, a.arousal), (b.valence, b.arousal))
                    for a, b in pairs), default=0.0)

    def to_json(self) -> dict[str, Any]:
        """What a saved mood-path playlist keeps, so the map can draw it again."""
        return {"start": list(self.start), "target": list(self.target),
                "max_jump": self.max_jump, "complete": self.complete,
                "points": [[s.valence, s.arousal] for s in self.steps]}


def plan_mood_path(points: Sequence[MapPoint], start: Point, target: Point, *,
                   count: int | None = None, total_seconds: float | None = None,
                   max_jump: float | None = None) -> MoodPath:
    """A path of `count` videos, or of enough videos to last `total_seconds`."""
    if (count is None) == (total_seconds is None):
        raise ValueError("give either count or total_seconds")
    if count is not None and not 1 <= count <= MAX_STEPS:
        raise ValueError(f"count must be between 1 and {MAX_STEPS}")
    if total_seconds is not None and total_seconds <= 0:
        raise ValueError("total_seconds must be positive")
    pool = _Pool(points)
    if count is not None:
        return _walk(pool, start, target, min(count, len(points)), max_jump)
    return _walk_for_duration(pool, start, target, float(total_seconds or 0), max_jump)


class _Pool:
    """The candidates as arrays, so a step costs one vectorised distance computation."""

    def __init__(self, points: Sequence[MapPoint]) -> None:
        self.points = list(points)
        self.xy = np.array([(p.valence, p.arousal) for p in self.points],
                           dtype=np.float64).reshape(-1, 2)
        self.seconds = np.array([p.duration or 0.0 for p in self.points], dtype=np.float64)

    def typical_seconds(self) -> float:
        known = self.seconds[self.seconds > 0]
        return float(np.median(known)) if known.size else 0.0


def _default_jump(start: Point, target: Point, n: int) -> float:
    spacing = math.dist(start, target) / max(n - 1, 1)
    return max(2.0 * spacing, MIN_JUMP)


def _walk(pool: _Pool, start: Point, target: Point, n: int,
          max_jump: float | None) -> MoodPath:
    jump = max_jump if max_jump is not None else _default_jump(start, target, n)
    used = np.zeros(len(pool.points), dtype=bool)
    steps: list[MoodPathStep] = []
    for waypoint in _waypoints(start, target, n):
        allowed = ~used
        if steps:
            last = np.array([steps[-1].valence, steps[-1].arousal])
            allowed &= np.hypot(*(pool.xy - last).T) <= jump
        if not allowed.any():
            break
        distance = np.where(allowed, np.hypot(*(pool.xy - np.array(waypoint)).T), np.inf)
        chosen = int(np.argmin(distance))
        if distance[chosen] > jump:  # the library has nothing near this part of the line
            break
        used[chosen] = True
        point = pool.points[chosen]
        steps.append(MoodPathStep(point.id, point.valence, point.arousal, waypoint))
    seconds = float(sum(pool.seconds[used]))
    return MoodPath(start, target, jump, tuple(steps), len(steps) == n and n > 0, seconds)


def _walk_for_duration(pool: _Pool, start: Point, target: Point, total: float,
                       max_jump: float | None) -> MoodPath:
    """Pick the number of steps whose videos first reach `total` seconds: start from an
    estimate by the typical duration, then adjust one step at a time."""
    typical = pool.typical_seconds()
    if typical <= 0:
        raise ValueError("no video in the library has a known duration")
    limit = min(len(pool.points), MAX_STEPS)
    n = max(1, min(limit, math.ceil(total / typical)))
    path = _walk(pool, start, target, n, max_jump)
    while path.seconds < total and path.complete and n < limit:
        n += 1
        path = _walk(pool, start, target, n, max_jump)
    while n > 1:
        shorter = _walk(pool, start, target, n - 1, max_jump)
        if shorter.seconds < total or not shorter.complete:
            break
        n, path = n - 1, shorter
    return path


def _waypoints(start: Point, target: Point, n: int) -> list[Point]:
    if n == 1:
        return [start]
    return [(start[0] + (target[0] - start[0]) * i / (n - 1),
             start[1] + (target[1] - start[1]) * i / (n - 1)) for i in range(n)]
