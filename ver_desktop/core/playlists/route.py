"""The way a mood path goes on the valence-arousal plane: round the circle, not through the
middle.

A straight line from one quarter to the opposite one (tense to calm) crosses the neutral
middle, where the videos nearest the line lie on either side of it: a path made of them
went happy, sad, happy, sad... (issue 23). A way goes round instead: its angle turns
steadily from the start's to the target's, through the quarter between them, and its
distance from the middle moves steadily from the start's to the target's. It is drawn as
a few straight legs, one corner per quarter turn at most, so that "near the way" stays a
few corridors a database can test (`browse.near_segment`).

How far along the way a video lies is its angle, from the start's (for a way that turns),
so quarters follow one another in the way's order and never flip back. An end in the
neutral middle has no direction: then the way is the straight line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ver_desktop.core.labels import QUADRANT_NAMES, quadrant_of

Point = tuple[float, float]

ROUND_FROM = 0.3  # an end nearer the middle than this has no direction: the way is straight
STRAIGHT_BELOW = 30.0  # degrees: ends this close in angle are joined by a straight line
LEG_DEGREES = 90.0  # the way has a corner at least every quarter turn
EVEN = 30.0  # degrees: two ways round that differ by less than this are both tried


@dataclass(frozen=True)
class Route:
    """A way from `vertices[0]` to `vertices[-1]`; `turn` is how far it turns round the
    middle, in degrees (positive: anticlockwise), 0 for a straight way."""

    vertices: tuple[Point, ...]
    turn: float = 0.0
    why: str = ""  # why this way round, in words ("" when there was no choice)

    @property
    def start(self) -> Point:
        return self.vertices[0]

    @property
    def target(self) -> Point:
        return self.vertices[-1]

    @property
    def round(self) -> bool:
        return self.turn != 0.0

    def legs(self) -> list[tuple[Point, Point]]:
        return list(zip(self.vertices, self.vertices[1:], strict=False))

    def length(self) -> float:
        return sum(math.dist(a, b) for a, b in self.legs())

    def waypoints(self, n: int) -> list[Point]:
        """`n` points evenly spaced along the way, from its start to its target."""
        if n == 1:
            return [self.start]
        return [self.at(i / (n - 1)) for i in range(n)]

    def at(self, fraction: float) -> Point:
        """The point `fraction` of the way along it (by distance travelled)."""
        left = fraction * self.length()
        legs = self.legs()
        for a, b in legs[:-1]:
            if left <= math.dist(a, b):
                break
            left -= math.dist(a, b)
        else:
            a, b = legs[-1]
        leg = math.dist(a, b)
        t = 0.0 if leg == 0 else min(1.0, left / leg)
        return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)

    def progress(self, xy: np.ndarray) -> np.ndarray:
        """How far along the way each point lies: 0 at the start, 1 at the target (less or
        more before and beyond). By angle on a way that turns, so a quarter, once left,
        is never met again further on; by projection on a straight one."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        if not self.round:
            (v0, a0), (v1, a1) = self.start, self.target
            span = (v1 - v0) ** 2 + (a1 - a0) ** 2
            if span == 0:
                return np.zeros(len(xy))
            return ((xy[:, 0] - v0) * (v1 - v0) + (xy[:, 1] - a0) * (a1 - a0)) / span
        slack = (360.0 - abs(self.turn)) / 2  # the part of the circle the way leaves out
        angles = np.degrees(np.arctan2(xy[:, 1], xy[:, 0]))
        turned = (angles - _angle(self.start)) * math.copysign(1.0, self.turn)
        return (np.mod(turned + slack, 360.0) - slack) / abs(self.turn)

    def distance(self, xy: np.ndarray) -> np.ndarray:
        """How far each point lies from the way (its nearest leg)."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        nearest = np.full(len(xy), np.inf)
        for (v0, a0), (v1, a1) in self.legs():
            leg = np.array([v1 - v0, a1 - a0])
            rel = xy - np.array([v0, a0])
            t = np.clip(rel @ leg / max(float(leg @ leg), 1e-12), 0.0, 1.0)
            nearest = np.minimum(nearest, np.hypot(*(rel - t[:, None] * leg).T))
        return nearest

    def quadrants(self) -> list[str]:
        """The quarters the way passes through, in order."""
        passed: list[str] = []
        for i in range(201):
            quadrant = quadrant_of(*self.at(i / 200))
            if not passed or passed[-1] != quadrant:
                passed.append(quadrant)
        return passed

    def words(self) -> str:
        """The way in a person's words: "from tense, angry through sad, tired to calm,
        content (the side where more of the library lies)"."""
        names = [QUADRANT_NAMES[q] for q in self.quadrants()]
        if len(names) == 1:
            said = f"within {names[0]}"
        else:
            through = "".join(f" through {name}" for name in names[1:-1])
            said = f"from {names[0]}{through} to {names[-1]}"
        return f"{said} ({self.why})" if self.why else said


def routes(start: Point, target: Point) -> list[Route]:
    """The ways worth trying: the one way round (or straight), or both ways round when
    neither is clearly shorter (opposite quarters); then the library decides."""
    if min(math.hypot(*start), math.hypot(*target)) < ROUND_FROM:
        return [Route((start, target))]
    anticlockwise = (_angle(target) - _angle(start)) % 360.0
    clockwise = anticlockwise - 360.0
    ways = sorted((anticlockwise, clockwise), key=abs)
    if abs(ways[0]) < STRAIGHT_BELOW:
        return [Route((start, target))]
    if abs(ways[1]) - abs(ways[0]) >= EVEN:
        return [_round(start, target, ways[0])]
    return [_round(start, target, turn) for turn in ways]


def chosen(route: Route, others: int, *, better: bool) -> Route:
    """`route` with the reason it was taken over the `others` tried (the other way round)."""
    if not others:
        return route
    return replace(route, why="the side where more of the library lies" if better
                   else "both ways round are alike here")


def _round(start: Point, target: Point, turn: float) -> Route:
    """Corners every quarter turn at most, on the spiral from start to target."""
    legs = max(1, math.ceil(abs(turn) / LEG_DEGREES - 1e-9))
    r0, r1 = math.hypot(*start), math.hypot(*target)
    corners = []
    for i in range(1, legs):
        t = i / legs
        angle = math.radians(_angle(start) + turn * t)
        radius = r0 + (r1 - r0) * t
        corners.append((radius * math.cos(angle), radius * math.sin(angle)))
    return Route((start, *corners, target), turn)


def _angle(point: Point) -> float:
    return math.degrees(math.atan2(point[1], point[0]))
