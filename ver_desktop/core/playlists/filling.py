"""Minutes mean minutes: when a mood path's items, each playing its analysed 30 seconds,
cannot fill the time asked for, the items play longer stretches of their files (or whole
files) instead of the path quietly coming out at half the time (issue 23).

The extra time is shared out evenly: every item plays at least its segment and at most its
whole file, and those that can play longer all reach one common length (filling water to
one level), so no item is stretched to ten minutes while its neighbours keep 30 seconds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ver_desktop.core.timeline import Stretch

WHOLE = 1.0  # seconds: a stretch this close to the file's length plays the whole file
JOINED = 0.5  # seconds: stretches this close follow each other in one run
Span = tuple[float, float]


def lengths_to_fill(shortest: Sequence[float] | npt.NDArray[np.float64],
                    longest: Sequence[float] | npt.NDArray[np.float64],
                    total: float) -> npt.NDArray[np.float64]:
    """Each item's play time: at least `shortest`, at most `longest`, all that can reaching
    one common length, adding up to `total` (or to all of `longest` when that is less)."""
    low = np.asarray(shortest, dtype=np.float64)
    high = np.maximum(np.asarray(longest, dtype=np.float64), low)
    if high.sum() <= total:
        return high
    if low.sum() >= total:
        return low
    bottom, top = 0.0, float(high.max())
    for _ in range(60):  # the level, by halving: the sum grows with it
        level = (bottom + top) / 2
        if np.clip(level, low, high).sum() < total:
            bottom = level
        else:
            top = level
    return np.clip(top, low, high)


def span_around(segment: Span | None, duration: float, length: float) -> Span:
    """The stretch of a file of `duration` seconds that plays for `length` seconds around
    its analysed `segment` (its middle, if unknown), kept inside the file; the whole file
    when `length` nearly is."""
    return span_within(segment, (0.0, duration), length)


def span_within(segment: Span | None, room: Span, length: float) -> Span:
    """The part of `room` (a file, or a run of one emotion in it) that plays for `length`
    seconds nearest the analysed `segment` (around it when inside, from the room's end
    nearest it when not; the room's middle if unknown); all of `room` when `length`
    nearly is."""
    low, high = room
    if length >= high - low - WHOLE:
        return (round(low, 3), round(high, 3))
    middle = (segment[0] + segment[1]) / 2 if segment is not None else (low + high) / 2
    start = min(max(low, middle - length / 2), high - length)
    return (round(start, 3), round(start + length, 3))


def runs(stretches: Sequence[Stretch], quadrant: str) -> list[Span]:
    """The runs of one file's stretches of `quadrant` that follow each other (talk and
    other quadrants' stretches, or a gap, end a run: talk is never played as music)."""
    found: list[Span] = []
    for stretch in sorted(stretches, key=lambda x: x.start):
        if stretch.speech or stretch.quadrant != quadrant:
            found.append((np.nan, np.nan))  # ends the run
        elif found and stretch.start - found[-1][1] <= JOINED:
            found[-1] = (found[-1][0], stretch.end)
        else:
            found.append((stretch.start, stretch.end))
    return [run for run in found if not np.isnan(run[0])]


def run_for(stretches: Sequence[Stretch], quadrant: str, segment: Span | None) -> Span | None:
    """Where a longer part of the file may grow so that it keeps the item's emotion: its
    longest run of `quadrant` (to the second), nearest the analysed segment if several."""
    middle = None if segment is None else (segment[0] + segment[1]) / 2

    def key(run: Span) -> tuple[float, float]:
        away = 0.0 if middle is None else max(run[0] - middle, middle - run[1], 0.0)
        return (-round(run[1] - run[0]), away)

    return min(runs(stretches, quadrant), key=key, default=None)
