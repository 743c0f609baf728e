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
# library/browse.py): a person's tag is certain (confidence 1). The model's point stays
# where it is when it already lies well inside the tagged sector; otherwise it goes to the
# middle of the tagged octant (a quadrant-only tag: the quadrant's octant on the side the
# model leaned to), as far out as the model's point was and never in the neutral middle.
# (Mirroring it in, as before, left points on an axis: 0.01 inside "happy, excited".)

CORRECTED_CONFIDENCE = 1.0
# Each quadrant's signs of valence and arousal; also the point its name stands for on a
# mood path (the middle of its sector).
QUADRANT_POINTS: dict[str, tuple[float, float]] = {
    "PV-PA": (1.0, 1.0), "NV-PA": (-1.0, 1.0), "NV-NA": (-1.0, -1.0), "PV-NA": (1.0, -1.0)}
# Octants where the arousal side is the larger one (45-90, 90-135, 225-270, 270-315 degrees).
AROUSAL_OCTANTS = frozenset({"aroused", "tensed", "tired", "sleepy"})
# "Well inside" a sector: a sixth of its width away from its borders (15 degrees from the
# axes for a quadrant, 7.5 degrees for an octant), as ratios of the smaller distance from
# an axis to the larger one (tangents, so SQL needs no trigonometry).
QUADRANT_MARGIN = math.tan(math.radians(15.0))
OCTANT_MARGINS = (math.tan(math.radians(7.5)), math.tan(math.radians(37.5)))
MIN_TAGGED_RADIUS = 0.5  # a moved point sits at least this far from the neutral middle
# The middle of an octant (22.5 degrees from its axis): its larger and smaller distances
# from the axes, per unit of distance from the middle.
MIDDLE_BIG, MIDDLE_SMALL = math.cos(math.radians(22.5)), math.sin(math.radians(22.5))


def leans_to_arousal(quadrant: str, size_v: float, size_a: float) -> bool:
    """Whether a point mirrored into `quadrant` lies in its arousal-side octant (the
    borders as `octant_of` draws them)."""
    return size_a >= size_v if quadrant in ("PV-PA", "NV-NA") else size_a > size_v


def well_inside(valence: float, arousal: float, quadrant: str, octant: str | None) -> bool:
    """Whether the point lies in the tagged sector, a margin away from its borders."""
    if quadrant_of(valence, arousal) != quadrant:
        return False
    size_v, size_a = abs(valence), abs(arousal)
    big, small = max(size_v, size_a), min(size_v, size_a)
    if octant is None:
        return big > 0 and small >= big * QUADRANT_MARGIN
    on_side = size_a > size_v if octant in AROUSAL_OCTANTS else size_v > size_a
    low, high = OCTANT_MARGINS
    return on_side and big * low <= small <= big * high


def corrected_point(valence: float, arousal: float, quadrant: str | None,
                    octant: str | None,
                    dropped: tuple[float | None, float | None] = (None, None)
                    ) -> tuple[float, float]:
    """Where a person's tag puts the model's point: where they dropped it on the map, when
    they did (`dropped`, kept with the tag); else where it is, when well inside the
    tagged sector; else the middle of the tagged octant (for a quadrant, the octant the
    point leaned to), as far from the middle as the point was (at least
    MIN_TAGGED_RADIUS)."""
    if dropped[0] is not None and dropped[1] is not None:
        return dropped[0], dropped[1]
    if octant is not None:
        quadrant = OCTANT_QUADRANT[octant]
    if quadrant is None:
        return valence, arousal
    if well_inside(valence, arousal, quadrant, octant):
        return valence, arousal
    size_v, size_a = abs(valence), abs(arousal)
    to_arousal = (octant in AROUSAL_OCTANTS if octant is not None
                  else leans_to_arousal(quadrant, size_v, size_a))
    radius = max(size_v, size_a, MIN_TAGGED_RADIUS)
    big, small = radius * MIDDLE_BIG, radius * MIDDLE_SMALL
    sign_v, sign_a = QUADRANT_POINTS[quadrant]
    return (sign_v * small, sign_a * big) if to_arousal else (sign_v * big, sign_a * small)


# A point off the axes' exact lines: on the valence axis's negative half or the arousal
# axis's positive half, `quadrant_of` and `octant_of` name different quarters.
AXIS_NUDGE = 1e-4


def dropped_tag(valence: float, arousal: float) -> tuple[float, float, str]:
    """A point a person dropped on the map, as it is kept: the point (moved off an axis
    by AXIS_NUDGE, far under a pixel, where the quarter it is in and the octant it is in
    would disagree) and its octant, so quadrant, octant and point all agree."""
    if valence == 0 and arousal > 0:
        valence = -AXIS_NUDGE  # 90 degrees starts "tensed", in "tense, angry"
    elif arousal == 0 and valence < 0:
        arousal = -AXIS_NUDGE  # 180 degrees starts "miserable", in "sad, tired"
    return valence, arousal, octant_of(valence, arousal)


def tag_words(quadrant: str | None, octant: str | None) -> str:
    """A person's tag as they would say it: "calm, content (pleased)"."""
    if octant is not None:
        return f"{QUADRANT_NAMES[OCTANT_QUADRANT[octant]]} ({octant})"
    return QUADRANT_NAMES[quadrant] if quadrant else "the model's tag"


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
