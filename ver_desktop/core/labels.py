"""Russell's circumplex: quadrants, octants and how they relate to valence/arousal."""

from __future__ import annotations

import math

QUADRANTS: tuple[str, ...] = ("PV-PA", "NV-PA", "NV-NA", "PV-NA")

# Counter-clockwise from the positive valence axis, two per quadrant.
OCTANTS: tuple[str, ...] = (
    "happy",
    "aroused",
    "tensed",
    "frustrated",
    "miserable",
    "tired",
    "sleepy",
    "pleased",
)

OCTANT_QUADRANT: dict[str, str] = {o: QUADRANTS[i // 2] for i, o in enumerate(OCTANTS)}
QUADRANT_OCTANTS: dict[str, tuple[str, str]] = {
    q: (OCTANTS[2 * i], OCTANTS[2 * i + 1]) for i, q in enumerate(QUADRANTS)
}


def quadrant_of(valence: float, arousal: float) -> str:
    """The quadrant holding a point; zero counts as positive."""
    if valence >= 0:
        return "PV-PA" if arousal >= 0 else "PV-NA"
    return "NV-PA" if arousal >= 0 else "NV-NA"


def octant_of(valence: float, arousal: float) -> str:
    """The octant holding a point: 45-degree sectors counter-clockwise from +valence."""
    angle = math.degrees(math.atan2(arousal, valence)) % 360.0
    return OCTANTS[min(int(angle // 45.0), 7)]
