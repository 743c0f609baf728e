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

WHOLE = 1.0  # seconds: a stretch this close to the file's length plays the whole file


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


def span_around(segment: tuple[float, float] | None, duration: float,
                length: float) -> tuple[float, float]:
    """The stretch of a file of `duration` seconds that plays for `length` seconds around
    its analysed `segment` (its middle, if unknown), kept inside the file; the whole file
    when `length` nearly is."""
    if length >= duration - WHOLE:
        return (0.0, round(duration, 3))
    middle = (segment[0] + segment[1]) / 2 if segment is not None else duration / 2
    start = min(max(0.0, middle - length / 2), duration - length)
    return (round(start, 3), round(start + length, 3))
