"""Mood-path playlists (music therapy's iso principle): start where the listener is on the
valence-arousal plane and move, step by step, towards where they want to be.

The way goes round the circle, not through the neutral middle (`route.Route`): from tense
to calm it passes through sad or through happy, whichever side the library covers better
when neither is clearly shorter. `n` waypoints are spaced evenly along the way, each takes
the unused video nearest to it, and the videos play in the order of how far along the way
they lie (their angle), so a quarter once left is not met again; the video nearest the
start opens the path and the one nearest the target closes it. Points are the library's
effective points: a video a person re-tagged sits in the sector they chose
(`labels.corrected_point`). Speech has no mood, so videos that are mostly talk are left out.

By duration, `n` is the number of steps whose segments come closest to the time asked
for. Minutes mean minutes: when the segments run
short, items play longer stretches of their files or whole files (`filling`), so a path
lasts what was asked whenever the library holds that much music near the way; when it does
not, `problems` says how much it can give.

What a library cannot give is said in words in `MoodPath.problems`, never by returning an
empty or half path in silence: too few videos, none near part of the way (which music to
add), a step larger than the largest step asked for, a duration that cannot be matched.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ver_desktop.core.labels import QUADRANT_NAMES, quadrant_of
from ver_desktop.core.library import Library, MapPoint, check_play
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.playlists.filling import (
    JOINED,
    Span,
    lengths_to_fill,
    run_for,
    span_around,
    span_within,
)
from ver_desktop.core.playlists.route import Point, Route, chosen, routes
from ver_desktop.core.text import count_of
from ver_desktop.core.timeline import Stretch

MAX_STEPS = 500
DURATION_TOLERANCE = 0.15  # a path by minutes lasts within 15 % of what was asked
FILL_BELOW = 0.95  # segments giving less than this share of the time play longer
STRAY = 0.6  # a video farther than this from its waypoint means the library is thin there
USES_MOST = 0.8  # a path using this share of the library strays because it is using it up


@dataclass(frozen=True)
class MoodPathStep:
    video_id: int
    valence: float
    arousal: float
    waypoint: Point
    seconds: float  # how long this item plays (0 when unknown)
    span: tuple[float, float] | None = None  # a stretch of the file, when it plays one
    longer: bool = False  # plays more than its segment, to fill the time asked for


@dataclass(frozen=True)
class MoodPath:
    start: Point
    target: Point
    max_jump: float | None  # the largest step asked for, if any
    steps: tuple[MoodPathStep, ...]
    problems: tuple[str, ...]  # what the library could not give, in words
    play: str = "segment"
    route: Route | None = None  # the way it follows
    asked_seconds: float | None = None  # by minutes: the time asked for
    noun: str = "video"  # what each item is: a video, or a stretch of one
    shortfall: tuple[str, ...] = ()  # of `problems`, what of the request it cannot give

    @property
    def complete(self) -> bool:
        return not self.problems

    @property
    def falls_short(self) -> bool:
        """It gives less than was asked (time, count, or a step over the largest asked
        for); advice alone ("add more sad music") does not count."""
        return bool(self.shortfall) or (self.max_jump is not None
                                         and self.largest_jump() > self.max_jump)

    @property
    def seconds(self) -> float:
        return float(sum(step.seconds for step in self.steps))

    @property
    def video_ids(self) -> list[int]:
        return [s.video_id for s in self.steps]

    @property
    def spans(self) -> list[tuple[float, float] | None]:
        return [s.span for s in self.steps]

    @property
    def points(self) -> list[Point]:
        return [(s.valence, s.arousal) for s in self.steps]

    def largest_jump(self) -> float:
        return largest_step(self.points)

    def description(self) -> str:
        """The way in words, and how the time was filled: "from tense, angry through sad,
        tired to calm, content; 6 of 19 videos play longer stretches or whole files to
        fill the time"."""
        said = self.route.words() if self.route is not None else ""
        longer = sum(step.longer for step in self.steps)
        if longer:
            said += (f"; {longer} of {count_of(len(self.steps), self.noun)} play longer "
                     "stretches or whole files to fill the time")
        return said

    def summary(self) -> str:
        """What was made, in a line: "19 videos, 20 min, from tense, angry through..."."""
        return (f"{count_of(len(self.steps), self.noun)}, {minutes_words(self.seconds)}, "
                f"{self.description()}")

    def to_json(self) -> dict[str, Any]:
        """What a saved mood-path playlist keeps, so the map can draw it again."""
        return {"start": list(self.start), "target": list(self.target),
                "max_jump": self.max_jump, "complete": self.complete,
                "problems": list(self.problems), "play": self.play,
                "points": [[s.valence, s.arousal] for s in self.steps],
                "route": [list(v) for v in self.route.vertices] if self.route else None,
                "description": self.description(), "asked_seconds": self.asked_seconds,
                "seconds": round(self.seconds, 1)}


def largest_step(points: Sequence[Point]) -> float:
    return max((math.dist(a, b) for a, b in itertools.pairwise(points)), default=0.0)


def quarters_gone_back(points: Sequence[Point]) -> int:
    """How many steps land in a quarter the path had already left (happy, sad, happy: 1)."""
    left: set[str] = set()
    back = 0
    for a, b in itertools.pairwise(quadrant_of(*p) for p in points):
        if a != b:
            left.add(a)
            back += b in left
    return back


def play_seconds(point: MapPoint, play: str) -> float:
    """How long a video plays in a playlist that plays `play` ("segment" or "file")."""
    first, second = ((point.segment_seconds, point.duration) if play == "segment"
                     else (point.duration, point.segment_seconds))
    return float(first or second or 0.0)


def longest_seconds(point: MapPoint, play: str) -> float:
    """The most a video can play to fill a path's time: its whole file, when a playlist of
    segments may lengthen it; a stretch plays as it is."""
    if point.span is None and play == "segment" and point.duration:
        return max(float(point.duration), play_seconds(point, play))
    return play_seconds(point, play)


@dataclass(frozen=True)
class _Ask:
    count: int | None
    total_seconds: float | None
    max_jump: float | None
    play: str
    noun: str = "video"
    empty: str = ""


def _ask(count: int | None, total_seconds: float | None, max_jump: float | None,
         play: str, **more: str) -> _Ask:
    if (count is None) == (total_seconds is None):
        raise ValueError("give either count or total_seconds")
    if count is not None and not 1 <= count <= MAX_STEPS:
        raise ValueError(f"count must be between 1 and {MAX_STEPS}")
    if total_seconds is not None and total_seconds <= 0:
        raise ValueError("total_seconds must be positive")
    check_play(play)
    return _Ask(count, total_seconds, max_jump, play, **more)


def plan_mood_path(points: Sequence[MapPoint], start: Point, target: Point, *,
                   count: int | None = None, total_seconds: float | None = None,
                   max_jump: float | None = None, play: str = "segment") -> MoodPath:
    """A path of `count` videos, or of videos that play for about `total_seconds`,
    chosen from `points` (all of a library's, or `map_points`' result)."""
    ask = _ask(count, total_seconds, max_jump, play, empty=EMPTY_LIBRARY)
    return _best([_plan(points, route, ask)[0] for route in routes(start, target)])


def mood_path(library: Library, model: ModelKey, start: Point, target: Point, *,
              count: int | None = None, total_seconds: float | None = None,
              max_jump: float | None = None, play: str = "segment",
              stretches: bool = False) -> MoodPath:
    """`plan_mood_path` over a library, reading only the videos near the way: a corridor
    around each leg of the way, widened until every pick lies inside it (then no video
    outside could have been nearer) or it holds the whole library. At 100,000 videos this
    reads a few thousand rows instead of all of them. With `stretches`, the path is made
    of stretches of one emotion (from the files' timelines), each playing from its start
    to its end. Items lengthened to fill the time play a longer part of their file that
    keeps their emotion (`refilled`)."""
    if stretches:
        available = library.count_stretch_points(model)
        read = library.stretch_points
        ask = _ask(count, total_seconds, max_jump, play, noun="stretch", empty=(
            "no file has its emotion over time yet: the app works it out after the tags "
            "(or run ver-desktop timeline FILE)"))
    else:
        available = library.count_mood_points(model)
        read = library.map_points
        ask = _ask(count, total_seconds, max_jump, play, empty=EMPTY_LIBRARY)
    path = _best(_plan_near(read, model, routes(start, target), ask, available))
    if not any(s.longer for s in path.steps):
        return path
    ids = path.video_ids  # one read of the path's files, and one of their stretches
    rows = library.rows(model, ids)
    timelines: dict[int, list[Stretch]] = {}
    for kept in library.stretches_of(model, ids):
        timelines.setdefault(kept.video_id, []).append(kept.stretch)
    files = {i: (row.segment, row.duration) for i, row in rows.items()}
    return refilled(path, files, timelines, available)


Reader = Callable[..., list[MapPoint]]
FIRST_RADIUS = 0.02  # small: a big library is dense near any way; a small one is cheap to widen
WIDEST = 1e4  # past this every point is inside (a guard against a point that never is)
EMPTY_LIBRARY = "the library has no analysed videos yet: add a folder and let it scan"


def _plan_near(read: Reader, model: ModelKey, ways: list[Route], ask: _Ask,
               available: int) -> list[MoodPath]:
    """A path along each way, read in one pass for all of them (a corridor around every
    leg), widened until each way's picks lie inside it."""
    radius = FIRST_RADIUS
    while True:
        near = tuple((a, b, radius) for route in ways for a, b in route.legs())
        points = read(model, near=near)
        planned = [_plan(points, route, ask, available=available) for route in ways]
        whole = len(points) >= available or radius > WIDEST
        if whole or all(pool.reach <= radius and not pool.exhausted for _, pool in planned):
            return [path for path, _ in planned]
        radius *= 2


def refilled(path: MoodPath, files: Mapping[int, tuple[Span | None, float | None]],
             timelines: Mapping[int, Sequence[Stretch]], library_size: int) -> MoodPath:
    """`path` by minutes filled again so that each item's longer part keeps its emotion:
    a file with a timeline grows only inside its longest run of the item's quadrant (the
    person's tag winning), never into another quadrant or talk, and plays that run when
    its analysed segment lies elsewhere; the time a short run cannot take goes to the
    others. A file without a timeline grows around its segment (`files`: each video's
    segment and duration)."""
    rooms = [_room(step, *files.get(step.video_id, (None, None)),
                   timelines.get(step.video_id)) for step in path.steps]
    lengths = lengths_to_fill([r.shortest for r in rooms], [r.longest for r in rooms],
                              float(path.asked_seconds or path.seconds))
    steps = tuple(_placed(step, room, float(length))
                  for step, room, length in zip(path.steps, rooms, lengths, strict=True))
    notes = _time_notes(steps, float(path.asked_seconds or 0), library_size, path.noun)
    advice = [p for p in path.problems if p not in path.shortfall]
    return replace(path, steps=steps, problems=(*notes, *advice), shortfall=tuple(notes))


@dataclass(frozen=True)
class _Room:
    """Where an item may play: `run` (a part of its file) from `shortest` to `longest`
    seconds, around `segment`; `run` None: its segment, or around it in the whole file."""

    segment: Span | None
    seconds: float  # its segment's
    shortest: float
    longest: float
    run: Span | None = None
    timed: bool = False  # `run` is a run of one emotion from the file's timeline


def _room(step: MoodPathStep, segment: Span | None, duration: float | None,
          timeline: Sequence[Stretch] | None) -> _Room:
    seconds = (segment[1] - segment[0]) if segment is not None else step.seconds
    if not timeline:  # no timeline: today's rule, around the segment in the whole file
        whole = max(float(duration), seconds) if duration else seconds
        return _Room(segment, seconds, seconds, whole, (0.0, float(duration))
                     if duration else None)
    run = run_for(timeline, quadrant_of(step.valence, step.arousal), segment)
    if run is None:  # none of its emotion where the model could tell: its segment only
        return _Room(segment, seconds, seconds, seconds)
    length = run[1] - run[0]
    return _Room(segment, seconds, min(seconds, length), length, run, timed=True)


def _placed(step: MoodPathStep, room: _Room, length: float) -> MoodPathStep:
    """The step playing `length` seconds of its room (its segment when that is all)."""
    own = not room.timed or (room.segment is not None and room.run is not None
                             and _inside(room.segment, room.run))  # its segment keeps it
    if room.run is None or (own and length <= room.seconds + 0.05):
        return replace(step, seconds=room.seconds, span=None, longer=False)
    span = span_within(room.segment, room.run, length)
    played = round(span[1] - span[0], 1)
    return replace(step, seconds=played, span=span, longer=played > room.seconds + 0.05)


def _inside(segment: Span, run: Span) -> bool:
    return run[0] - JOINED <= segment[0] and segment[1] <= run[1] + JOINED


def _best(paths: list[MoodPath]) -> MoodPath:
    """Of the ways tried, the one the library covers best: one that gives all that was
    asked, then the one with more videos near the way, then the one whose videos lie
    nearest their waypoints; the first (the shorter) on a tie."""
    def key(path: MoodPath) -> tuple[bool, int, float]:
        near = 0 if path.route is None else int(
            (path.route.distance(np.array(path.points)) <= STRAY).sum())
        return (bool(path.shortfall), -near, round(_stray(path), 3))

    best = min(paths, key=key)
    if best.route is None:
        return best
    others = len(paths) - 1
    better = others > 0 and key(best) < min(key(p) for p in paths if p is not best)
    return replace(best, route=chosen(best.route, others, better=better))


def _stray(path: MoodPath) -> float:
    """How far, on average, the path's videos lie from their waypoints."""
    if not path.steps:
        return math.inf
    return float(np.mean([math.dist((s.valence, s.arousal), s.waypoint) for s in path.steps]))


def _plan(points: Sequence[MapPoint], route: Route, ask: _Ask, *,
          available: int | None = None) -> tuple[MoodPath, _Pool]:
    """The path, and the pool it was chosen from (how far its picks reached). `available`
    is how many videos the whole library offers when `points` is only part of it."""
    pool = _Pool([p for p in points if not p.mostly_speech], ask.play)  # speech has no mood
    pool.keep_to(route)
    library_size = len(pool.points) if available is None else available
    made = _Made(route, ask)
    if not pool.points:
        if library_size:
            pool.exhausted = True  # none near the way: look wider
        return made.path((), (ask.empty,), (ask.empty,)), pool
    if ask.count is not None:
        steps = _steps(pool, *_walk(pool, route, ask.count))
        off_way = _off_way(len(steps), min(ask.count, library_size), route, ask.noun)
        notes = [*_shortage(library_size, ask.count, ask.noun), *off_way]
    else:
        steps, notes = _walk_for_duration(pool, route, float(ask.total_seconds or 0),
                                          library_size, ask.noun)
        off_way = []
    if not steps:
        notes = [f"no {ask.noun} in the library is {_way_words(route)} (the feelings this "
                 "way passes through): add such music"]
    thin = [] if off_way else _thin_stretches(steps)  # the way's quarters are used up
    if thin and len(steps) >= USES_MOST * library_size:
        thin = [f"it uses {len(steps)} of the library's {library_size} videos, so some "
                "sit far from the way between start and target: ask for less time, or add "
                "more music"]
    problems = (*notes, *thin, *_big_steps(steps, ask.max_jump))
    return made.path(steps, problems, tuple(notes)), pool


@dataclass(frozen=True)
class _Made:
    route: Route
    ask: _Ask

    def path(self, steps: Sequence[MoodPathStep], problems: Sequence[str],
             shortfall: Sequence[str]) -> MoodPath:
        return MoodPath(self.route.start, self.route.target, self.ask.max_jump,
                        tuple(steps), tuple(problems), self.ask.play, self.route,
                        self.ask.total_seconds, self.ask.noun, tuple(shortfall))


class _Pool:
    """The candidates as arrays, so a step costs one vectorised distance computation."""

    def __init__(self, points: Sequence[MapPoint], play: str) -> None:
        self.points = list(points)
        self.xy = np.array([(p.valence, p.arousal) for p in self.points],
                           dtype=np.float64).reshape(-1, 2)
        self.seconds = np.array([play_seconds(p, play) for p in self.points], np.float64)
        self.longest = np.array([longest_seconds(p, play) for p in self.points], np.float64)
        self.reach = 0.0  # the farthest any pick lay from its waypoint
        self.exhausted = False  # a walk wanted more videos than these
        self.on_way = np.ones(len(self.points), dtype=bool)  # in the quarters passed

    def keep_to(self, route: Route) -> None:
        """Keep to the videos in the quarters a way that turns passes through: one from
        elsewhere would send the path back to a quarter it had left, or on to one it
        never meant to visit (a way through the middle has no quarters to keep to)."""
        if route.round and self.points:
            v, a = self.xy.T >= 0  # as labels.quadrant_of: zero counts as positive
            quadrant = np.where(v, np.where(a, "PV-PA", "PV-NA"), np.where(a, "NV-PA", "NV-NA"))
            self.on_way = np.isin(quadrant, route.quadrants())


Walk = tuple[list[int], list[Point]]  # the picks (pool indices) in play order, their waypoints


def _walk(pool: _Pool, route: Route, n: int) -> Walk:
    """Each waypoint's nearest unused video (of those in the quarters the way passes
    through), in play order."""
    used = ~pool.on_way
    free = int((~used).sum())
    pool.exhausted |= n >= free
    waypoints = route.waypoints(min(n, free)) if free else []
    picks: list[int] = []
    for waypoint in waypoints:
        distance = np.where(used, np.inf, np.hypot(*(pool.xy - np.array(waypoint)).T))
        picks.append(int(np.argmin(distance)))
        pool.reach = max(pool.reach, float(distance[picks[-1]]))
        used[picks[-1]] = True
    return _ordered(pool.xy, route, picks), waypoints


def _ordered(xy: np.ndarray, route: Route, picks: list[int]) -> list[int]:
    """The picks in the order of how far along the way they lie; the one nearest the start
    first and the one nearest the target last (a video beyond the target, or off to one
    side of the start, does not take their places)."""
    if len(picks) < 3:
        return sorted(picks, key=lambda i: math.dist(xy[i], route.start))
    spot = xy[picks]
    to_start = np.hypot(*(spot - np.array(route.start)).T)
    to_target = np.hypot(*(spot - np.array(route.target)).T)
    along = route.progress(spot)
    beside = np.where(along >= 1, -to_target, np.where(along <= 0, to_start, 0.0))
    order = [picks[i] for i in np.lexsort((beside, np.clip(along, 0.0, 1.0)))]
    first = picks[int(np.argmin(to_start))]
    order.remove(first)
    last = min(order, key=lambda i: math.dist(xy[i], route.target))
    order.remove(last)
    return [first, *order, last]


def _steps(pool: _Pool, picks: list[int], waypoints: list[Point],
           lengths: np.ndarray | None = None) -> list[MoodPathStep]:
    steps = []
    for k, (i, waypoint) in enumerate(zip(picks, waypoints, strict=True)):
        point, seconds = pool.points[i], float(pool.seconds[i])
        played = seconds if lengths is None else round(float(lengths[k]), 1)
        longer = played > seconds + 0.05
        span = (span_around(None, float(point.duration or played), played) if longer
                else point.span)
        steps.append(MoodPathStep(point.video_id, point.valence, point.arousal, waypoint,
                                  played if longer else seconds, span, longer))
    return steps


def _walk_for_duration(pool: _Pool, route: Route, total: float, library_size: int,
                       noun: str) -> tuple[list[MoodPathStep], list[str]]:
    """The walk that plays closest to `total` (longer stretches filling what segments
    leave), and what fell short."""
    known = pool.seconds[pool.seconds > 0]
    if not known.size:
        return [], [f"no {noun} in the library has a known length yet: let the scan finish"]
    steps = _filled(pool, route, _walk_to_time(pool, route, total), total)
    return steps, _time_notes(steps, total, library_size, noun)


def _walk_to_time(pool: _Pool, route: Route, total: float) -> Walk:
    """The walk whose segments play closest to `total`, moving one step at a time."""
    limit = min(int(pool.on_way.sum()), MAX_STEPS)
    known = pool.seconds[pool.seconds > 0]
    n = max(1, min(limit, round(total / float(np.median(known)))))
    tried: dict[int, Walk] = {}
    while n not in tried and 1 <= n <= max(limit, 1):  # none on the way: one empty walk
        tried[n] = _walk(pool, route, n)
        n += 1 if pool.seconds[tried[n][0]].sum() < total else -1
    return min(tried.values(), key=lambda w: abs(pool.seconds[w[0]].sum() - total))


def _filled(pool: _Pool, route: Route, walk: Walk, total: float) -> list[MoodPathStep]:
    """The walk's steps, lengthened to fill `total` when their segments fall short; then
    the videos far from the way are left out when those near it can fill the time."""
    picks, waypoints = walk
    if pool.seconds[picks].sum() >= FILL_BELOW * total:
        return _steps(pool, picks, waypoints)
    kept = _near_enough(pool, route, picks, total)
    if len(kept) < len(picks):
        picks, waypoints = kept, route.waypoints(len(kept))
    lengths = lengths_to_fill(pool.seconds[picks], pool.longest[picks], total)
    return _steps(pool, picks, waypoints, lengths)


def _near_enough(pool: _Pool, route: Route, picks: list[int], total: float) -> list[int]:
    """`picks` (in order) without those farther than STRAY from the way, save the first and
    the last; back the nearest of them come, while the rest cannot fill `total`."""
    if len(picks) < 3:
        return picks
    away = route.distance(pool.xy[picks])
    keep = away <= STRAY
    keep[[0, -1]] = True
    for index in np.argsort(away):
        if pool.longest[picks][keep].sum() >= total:
            break
        keep[index] = True
    return [pick for pick, kept in zip(picks, keep, strict=True) if kept]


def _fits(steps: Sequence[MoodPathStep], total: float) -> bool:
    return abs(sum(s.seconds for s in steps) - total) <= DURATION_TOLERANCE * total


def _time_notes(steps: Sequence[MoodPathStep], total: float, library_size: int,
                noun: str) -> list[str]:
    played = sum(s.seconds for s in steps)
    if _fits(steps, total):
        return []
    if played > total:
        return [f"the shortest path that reaches the target lasts {minutes_words(played)} "
                f"of the {minutes_words(total)} asked for: its videos are long (play "
                "segments, or ask for more time)"]
    what = (f"only {minutes_words(played)} on this way, of the {minutes_words(total)} "
            "asked for")
    if noun == "stretch":
        return [f"the stretches of one emotion give {what}: ask for less time, or turn "
                "stretches off to play whole files"]
    whole = ("the whole library plays" if len(steps) >= library_size
             else "the library can give")
    return [f"{whole} {what}, even playing whole files: add more music, or ask for less "
            "time"]


def _shortage(available: int, asked: int, noun: str = "video") -> list[str]:
    if available >= asked:
        return []
    return [f"only {count_of(available, noun)} in the library, "
            f"{asked} asked for"]


def _off_way(found: int, asked: int, route: Route, noun: str) -> list[str]:
    if found >= asked:
        return []
    return [f"only {count_of(found, noun)} in the library {'is' if found == 1 else 'are'} "
            f"{_way_words(route)} (the feelings this way passes through), not {asked}: add "
            "more such music, or ask for fewer"]


def _way_words(route: Route) -> str:
    return " or ".join(QUADRANT_NAMES[q] for q in route.quadrants())


def _thin_stretches(steps: Sequence[MoodPathStep]) -> list[str]:
    """Parts of the way with no video of the path near them: name the music missing there.
    (Each video plays in the order of the way, not always beside its own waypoint.)"""
    missing: list[str] = []
    spots = np.array([(s.valence, s.arousal) for s in steps]).reshape(-1, 2)
    for step in steps:
        if np.hypot(*(spots - np.array(step.waypoint)).T).min() > STRAY:
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


def minutes_words(seconds: float) -> str:
    """A path's length as a person says it: "20 min", "45 s"."""
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"
