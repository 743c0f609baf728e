"""Mood-path playlists (music therapy's iso principle): start where the listener is on the
valence-arousal plane and move, step by step, towards where they want to be.

The algorithm lays `n` evenly spaced waypoints on the straight line from `start` to
`target` and takes for each, in order, the unused video nearest to it; of those, the one
nearest the start opens the path, the one nearest the target closes it, and the rest are
matched to the waypoints between (least total squared distance). Every path therefore
begins near the start and ends near the target whenever the library has videos there.
Points are the library's effective points: a video a person re-tagged sits in the sector
they chose (`labels.corrected_point`).

By duration, `n` is the number of steps whose videos' play time (the analysed segment, or
the whole file, as the playlist plays them) comes closest to the time asked for; the aim
is within `DURATION_TOLERANCE` of it.

What a library cannot give is said in words in `MoodPath.problems`, never by returning an
empty or half path in silence: too few videos, none near part of the line (which music to
add), a step larger than the largest step asked for, a duration that cannot be matched.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from ver_desktop.core.labels import QUADRANT_NAMES, quadrant_of
from ver_desktop.core.library import Library, MapPoint, check_play
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.text import count_of

MAX_STEPS = 500
DURATION_TOLERANCE = 0.15  # a path by minutes lasts within 15 % of what was asked
STRAY = 0.6  # a video farther than this from its waypoint means the library is thin there
USES_MOST = 0.8  # a path using this share of the library strays because it is using it up

Point = tuple[float, float]


@dataclass(frozen=True)
class MoodPathStep:
    video_id: int
    valence: float
    arousal: float
    waypoint: Point
    seconds: float  # how long this item plays (0 when unknown)
    span: tuple[float, float] | None = None  # a stretch of the file, when paths use them


@dataclass(frozen=True)
class MoodPath:
    start: Point
    target: Point
    max_jump: float | None  # the largest step asked for, if any
    steps: tuple[MoodPathStep, ...]
    problems: tuple[str, ...]  # what the library could not give, in words
    play: str = "segment"

    @property
    def complete(self) -> bool:
        return not self.problems

    @property
    def seconds(self) -> float:
        return float(sum(step.seconds for step in self.steps))

    @property
    def video_ids(self) -> list[int]:
        return [s.video_id for s in self.steps]

    @property
    def spans(self) -> list[tuple[float, float] | None]:
        return [s.span for s in self.steps]

    def largest_jump(self) -> float:
        return max((math.dist((a.valence, a.arousal), (b.valence, b.arousal))
                    for a, b in itertools.pairwise(self.steps)), default=0.0)

    def to_json(self) -> dict[str, Any]:
        """What a saved mood-path playlist keeps, so the map can draw it again."""
        return {"start": list(self.start), "target": list(self.target),
                "max_jump": self.max_jump, "complete": self.complete,
                "problems": list(self.problems), "play": self.play,
                "points": [[s.valence, s.arousal] for s in self.steps]}


def play_seconds(point: MapPoint, play: str) -> float:
    """How long a video plays in a playlist that plays `play` ("segment" or "file")."""
    first, second = ((point.segment_seconds, point.duration) if play == "segment"
                     else (point.duration, point.segment_seconds))
    return float(first or second or 0.0)


def plan_mood_path(points: Sequence[MapPoint], start: Point, target: Point, *,
                   count: int | None = None, total_seconds: float | None = None,
                   max_jump: float | None = None, play: str = "segment") -> MoodPath:
    """A path of `count` videos, or of videos that play for about `total_seconds`,
    chosen from `points` (all of a library's, or `map_points`' result)."""
    return _plan(points, start, target, count, total_seconds, max_jump, play)[0]


def mood_path(library: Library, model: ModelKey, start: Point, target: Point, *,
              count: int | None = None, total_seconds: float | None = None,
              max_jump: float | None = None, play: str = "segment",
              stretches: bool = False) -> MoodPath:
    """`plan_mood_path` over a library, reading only the videos near the way: a corridor
    around the line from start to target, widened until every pick lies inside it (then
    no video outside could have been nearer) or it holds the whole library. At 100,000
    videos this reads a few thousand rows instead of all of them. With `stretches`, the
    path is made of stretches of one emotion (from the files' timelines), each playing
    from its start to its end."""
    if stretches:
        available = library.count_stretch_points(model)
        read = library.stretch_points
        empty = ("no file has its emotion over time yet: the app works it out after the "
                 "tags (or run ver-desktop timeline FILE)")
    else:
        available = library.count_mood_points(model)
        read = library.map_points
        empty = EMPTY_LIBRARY
    radius = FIRST_RADIUS
    while True:
        points = read(model, near=(start, target, radius))
        path, pool = _plan(points, start, target, count, total_seconds, max_jump, play,
                           available=available, empty=empty,
                           noun="stretch" if stretches else "video")
        whole = len(points) >= available or radius > WIDEST
        if whole or (pool.reach <= radius and not pool.exhausted):
            return path
        radius *= 2


FIRST_RADIUS = 0.05  # small: a big library is dense near any way; a small one is cheap to widen
WIDEST = 1e4  # past this every point is inside (a guard against a point that never is)


EMPTY_LIBRARY = "the library has no analysed videos yet: add a folder and let it scan"


def _plan(points: Sequence[MapPoint], start: Point, target: Point, count: int | None,
          total_seconds: float | None, max_jump: float | None, play: str, *,
          available: int | None = None, empty: str = EMPTY_LIBRARY,
          noun: str = "video") -> tuple[MoodPath, _Pool]:
    """The path, and the pool it was chosen from (how far its picks reached). `available`
    is how many videos the whole library offers when `points` is only part of it."""
    if (count is None) == (total_seconds is None):
        raise ValueError("give either count or total_seconds")
    if count is not None and not 1 <= count <= MAX_STEPS:
        raise ValueError(f"count must be between 1 and {MAX_STEPS}")
    if total_seconds is not None and total_seconds <= 0:
        raise ValueError("total_seconds must be positive")
    check_play(play)
    pool = _Pool([p for p in points if not p.mostly_speech], play)  # speech has no mood
    library_size = len(pool.points) if available is None else available
    if not pool.points:
        if library_size:
            pool.exhausted = True  # none near the way: look wider
        return MoodPath(start, target, max_jump, (), (empty,), play), pool
    if count is not None:
        steps = _walk(pool, start, target, count)
        notes = _shortage(library_size, count, noun)
    else:
        steps, notes = _walk_for_duration(pool, start, target, float(total_seconds or 0),
                                          library_size)
    thin = _thin_stretches(steps)
    if thin and len(steps) >= USES_MOST * library_size:
        thin = [f"it uses {len(steps)} of the library's {library_size} videos, so some "
                "sit far from the way between start and target: ask for less time, or add "
                "more music"]
    problems = [*notes, *thin, *_big_steps(steps, max_jump)]
    return MoodPath(start, target, max_jump, tuple(steps), tuple(problems), play), pool


class _Pool:
    """The candidates as arrays, so a step costs one vectorised distance computation."""

    def __init__(self, points: Sequence[MapPoint], play: str) -> None:
        self.points = list(points)
        self.xy = np.array([(p.valence, p.arousal) for p in self.points],
                           dtype=np.float64).reshape(-1, 2)
        self.seconds = np.array([play_seconds(p, play) for p in self.points], np.float64)
        self.reach = 0.0  # the farthest any pick lay from its waypoint
        self.exhausted = False  # a walk wanted more videos than these




def _walk(pool: _Pool, start: Point, target: Point, n: int) -> list[MoodPathStep]:
    """Each waypoint's nearest unused video; then, of those, the one nearest the start
    opens the path, the one nearest the target closes it, and the rest are matched to the
    waypoints between so that their total squared distance is least. (Greedy picks alone
    can leave the last waypoint a video from elsewhere: a sad-to-calm path over nearly a
    whole library once ended on an energetic track.)"""
    used = np.zeros(len(pool.points), dtype=bool)
    pool.exhausted |= n >= len(pool.points)
    waypoints = _waypoints(start, target, min(n, len(pool.points)))
    chosen: list[int] = []
    for waypoint in waypoints:
        distance = np.where(used, np.inf, np.hypot(*(pool.xy - np.array(waypoint)).T))
        chosen.append(int(np.argmin(distance)))
        pool.reach = max(pool.reach, float(distance[chosen[-1]]))
        used[chosen[-1]] = True
    order = _ordered(pool.xy, chosen, waypoints)
    return [MoodPathStep(pool.points[i].video_id, pool.points[i].valence,
                         pool.points[i].arousal, waypoint, float(pool.seconds[i]),
                         pool.points[i].span)
            for i, waypoint in zip(order, waypoints, strict=True)]


def _ordered(xy: np.ndarray, chosen: list[int], waypoints: list[Point]) -> list[int]:
    if len(chosen) < 3:
        return sorted(chosen, key=lambda i: math.dist(xy[i], waypoints[0]))
    first = min(chosen, key=lambda i: math.dist(xy[i], waypoints[0]))
    last = min((i for i in chosen if i != first), key=lambda i: math.dist(xy[i], waypoints[-1]))
    middle = [i for i in chosen if i not in (first, last)]
    inner = np.array(waypoints[1:-1])
    costs = ((xy[middle][:, None, :] - inner[None, :, :]) ** 2).sum(axis=2)
    videos, places = linear_sum_assignment(costs)
    by_place = sorted(zip(places, videos, strict=True))
    return [first, *(middle[v] for _, v in by_place), last]


def _walk_for_duration(pool: _Pool, start: Point, target: Point, total: float,
                       library_size: int) -> tuple[list[MoodPathStep], list[str]]:
    """The walk whose play time comes closest to `total`, and what fell short."""
    known = pool.seconds[pool.seconds > 0]
    if not known.size:
        return [], ["no video in the library has a known length yet: let the scan finish"]
    limit = min(len(pool.points), MAX_STEPS)
    n = max(1, min(limit, round(total / float(np.median(known)))))
    tried: dict[int, list[MoodPathStep]] = {}
    while n not in tried and 1 <= n <= limit:  # move towards the total, one step at a time
        tried[n] = _walk(pool, start, target, n)
        played = sum(s.seconds for s in tried[n])
        n += 1 if played < total else -1
    best = min(tried.values(), key=lambda steps: abs(sum(s.seconds for s in steps) - total))
    played = sum(s.seconds for s in best)
    notes = []
    if abs(played - total) > DURATION_TOLERANCE * total:
        what = f"{_minutes(played)} of the {_minutes(total)} asked for"
        if played < total:
            notes.append(f"the whole library plays only {what}: add more music"
                         if len(best) == library_size else f"could fill only {what}")
        else:
            notes.append(f"the shortest path that reaches the target lasts {what}: its "
                         "videos are long (play segments only, or ask for more time)")
    return best, notes


def _shortage(available: int, asked: int, noun: str = "video") -> list[str]:
    if available >= asked:
        return []
    return [f"only {count_of(available, noun)} in the library, "
            f"{asked} asked for"]


def _thin_stretches(steps: Sequence[MoodPathStep]) -> list[str]:
    """Where the nearest video was far from its waypoint: name the music that is missing."""
    missing: list[str] = []
    for step in steps:
        if math.dist((step.valence, step.arousal), step.waypoint) > STRAY:
            words = QUADRANT_NAMES[quadrant_of(*step.waypoint)]
            if words not in missing:
                missing.append(words)
    if not missing:
        return []
    return [f"few videos near part of the path: add more {' and '.join(missing)} music"]


def _big_steps(steps: Sequence[MoodPathStep], max_jump: float | None) -> list[str]:
    if max_jump is None:
        return []
    big = [math.dist((a.valence, a.arousal), (b.valence, b.arousal))
           for a, b in itertools.pairwise(steps)]
    over = [jump for jump in big if jump > max_jump]
    if not over:
        return []
    return [f"{len(over)} step{'s are' if len(over) != 1 else ' is'} larger than the "
            f"largest step asked for ({max(over):.2f} against {max_jump:.2f}): the library "
            "has gaps along this path"]


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


def _waypoints(start: Point, target: Point, n: int) -> list[Point]:
    if n == 1:
        return [start]
    return [(start[0] + (target[0] - start[0]) * i / (n - 1),
             start[1] + (target[1] - start[1]) * i / (n - 1)) for i in range(n)]
