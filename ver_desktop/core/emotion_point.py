"""One emotion per file: the quadrant, the octant, their probabilities and the confidence are
all read off one predicted valence/arousal point, so they can never disagree.

A model predicts a point (valence, arousal) on a scale whose origin is the neutral middle of
the rating scale, so the quadrant is the signs of the point and the octant its angle, exactly
as the emotion map draws them. How sure the model is comes from one number, `spread`: the
model's error is taken to be an isotropic normal distribution of that standard deviation
around the point (chosen by cross-validation). A class's probability is the share of that
distribution inside its sector of Russell's circle.

Why the tag is always the most probable class: the angle of an isotropic normal point has a
density that is symmetric about the point's own angle and falls away from it, so of
equally wide sectors the one holding the point carries the most mass (and likewise for the
quadrants, whose probabilities are products of per-axis probabilities above one half).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import ndtr

from ver_desktop.core.labels import OCTANTS, QUADRANTS, octant_of, quadrant_of

_NODES_PER_OCTANT = 48  # Gauss-Legendre nodes: sector masses exact to ~1e-12


@dataclass(frozen=True)
class EmotionPoint:
    """A point on Russell's circle and everything read off it."""

    valence: float
    arousal: float
    quadrant: str
    octant: str
    quadrant_probs: dict[str, float]
    octant_probs: dict[str, float]

    @property
    def confidence(self) -> float:
        return self.quadrant_probs[self.quadrant]


def emotion_at(valence: float, arousal: float, *, spread: float) -> EmotionPoint:
    octants = octant_probabilities(np.array([[valence, arousal]]), spread=spread)[0]
    quadrants = octants.reshape(4, 2).sum(axis=1)
    return EmotionPoint(
        valence=float(valence), arousal=float(arousal),
        quadrant=quadrant_of(valence, arousal), octant=octant_of(valence, arousal),
        quadrant_probs={q: float(p) for q, p in zip(QUADRANTS, quadrants, strict=True)},
        octant_probs={o: float(p) for o, p in zip(OCTANTS, octants, strict=True)},
    )


def octant_probabilities(points: np.ndarray, *, spread: float) -> np.ndarray:
    """(n, 8): for each (valence, arousal) row, the mass of a normal distribution of standard
    deviation `spread` around it in each 45-degree sector (order of OCTANTS)."""
    if not spread > 0:
        raise ValueError(f"spread must be positive, got {spread}")
    points = np.asarray(points, np.float64).reshape(-1, 2)
    radius = np.hypot(points[:, 0], points[:, 1])[:, None] / spread
    angle = np.arctan2(points[:, 1], points[:, 0])[:, None]
    nodes, weights = _angle_nodes()
    density = _angle_density(nodes[None, :] - angle, radius)
    mass = (density * weights[None, :]).reshape(len(points), 8, -1).sum(axis=2)
    return mass / mass.sum(axis=1, keepdims=True)


def quadrant_probabilities(points: np.ndarray, *, spread: float) -> np.ndarray:
    """(n, 4) in the order of QUADRANTS: sums of their two octants."""
    return octant_probabilities(points, spread=spread).reshape(-1, 4, 2).sum(axis=2)


def _angle_density(offset: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """Density of the angle of a unit-variance normal point whose mean lies at distance
    `radius` from the origin, at `offset` radians from the mean's own angle."""
    along, across = radius * np.cos(offset), radius * np.sin(offset)
    return (np.exp(-radius**2 / 2) / (2 * np.pi)
            + along * np.exp(-across**2 / 2) * ndtr(along) / np.sqrt(2 * np.pi))


@lru_cache(maxsize=1)
def _angle_nodes() -> tuple[np.ndarray, np.ndarray]:
    """Quadrature nodes and weights over [0, 2 pi), grouped by octant."""
    x, w = np.polynomial.legendre.leggauss(_NODES_PER_OCTANT)
    half = np.pi / 8
    starts = np.arange(8) * (np.pi / 4)
    nodes = (starts[:, None] + half * (x[None, :] + 1)).reshape(-1)
    return nodes, np.tile(w * half, 8)


def fit_spread(points: np.ndarray, quadrants: np.ndarray,
               candidates: np.ndarray | None = None) -> float:
    """The spread that makes the quadrant probabilities of `points` most likely to give the
    labelled `quadrants` (indices into QUADRANTS): temperature scaling for a point model."""
    grid = np.geomspace(0.05, 5.0, 100) if candidates is None else candidates
    labels = np.asarray(quadrants)
    losses = [-np.mean(np.log(quadrant_probabilities(points, spread=s)[
        np.arange(len(labels)), labels] + 1e-12)) for s in grid]
    return float(grid[int(np.argmin(losses))])
