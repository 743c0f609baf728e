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

# The quadrants in a person's words (the GUI, the CLI and mood-path explanations).
QUADRANT_NAMES: dict[str, str] = {
    "PV-PA": "happy, excited", "NV-PA": "tense, angry", "NV-NA": "sad, tired",
    "PV-NA": "calm, content",
}

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


# -- a person's tag on the map ---------------------------------------------------------------
# One rule, used by every view, filter, playlist and export (its SQL twin is in
# library/browse.py): a person's tag is certain (confidence 1) and its point is the model's
# point moved into the tagged sector by mirroring, so it keeps its distance from the middle.

CORRECTED_CONFIDENCE = 1.0
# Each quadrant's signs of valence and arousal; also the point its name stands for on a
# mood path (the middle of its sector).
QUADRANT_POINTS: dict[str, tuple[float, float]] = {
    "PV-PA": (1.0, 1.0), "NV-PA": (-1.0, 1.0), "NV-NA": (-1.0, -1.0), "PV-NA": (1.0, -1.0)}
# Octants where the arousal side is the larger one (45-90, 90-135, 225-270, 270-315 degrees).
AROUSAL_OCTANTS = frozenset({"aroused", "tensed", "tired", "sleepy"})
TIE_SHRINK = 0.99  # a point on an octant border is moved just inside the tagged octant


def corrected_point(valence: float, arousal: float, quadrant: str | None,
                    octant: str | None) -> tuple[float, float]:
    """The model's point moved into a person's tag: into the tagged quadrant by flipping
    signs; into the tagged octant (if one was named) by swapping the two distances from
    the axes. A point already inside is not moved."""
    if octant is not None:
        quadrant = OCTANT_QUADRANT[octant]
    if quadrant is None:
        return valence, arousal
    sign_v, sign_a = QUADRANT_POINTS[quadrant]
    size_v, size_a = abs(valence), abs(arousal)
    if octant is not None:
        big, small = max(size_v, size_a), min(size_v, size_a)
        if big == small:
            small *= TIE_SHRINK
        size_v, size_a = (small, big) if octant in AROUSAL_OCTANTS else (big, small)
    return sign_v * size_v, sign_a * size_a


# -- places on the map by name (mood paths' start and target) --------------------------------

PLAIN_WORDS = {"happy": "PV-PA", "excited": "PV-PA", "tense": "NV-PA", "angry": "NV-PA",
               "sad": "NV-NA", "calm": "PV-NA", "content": "PV-NA"}
OCTANT_RADIUS = 1.4  # an octant stands for the middle of its sector, this far out


def named_point(name: str) -> tuple[float, float] | None:
    """The point a quadrant (PV-PA), a plain word (sad, calm) or an octant (sleepy) stands
    for: the middle of its sector; None for anything else."""
    word = name.strip()
    if word.upper() in QUADRANT_POINTS:
        return QUADRANT_POINTS[word.upper()]
    if word.lower() in OCTANTS:
        angle = math.radians(OCTANTS.index(word.lower()) * 45 + 22.5)
        return (round(OCTANT_RADIUS * math.cos(angle), 3),
                round(OCTANT_RADIUS * math.sin(angle), 3))
    quadrant = PLAIN_WORDS.get(word.lower())
    return QUADRANT_POINTS[quadrant] if quadrant else None
