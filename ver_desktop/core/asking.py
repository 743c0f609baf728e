"""Ask me: which files a person's answer would teach the personal layer most.

A file teaches most when the layer is unsure of its side on an axis (its shown point is
near the axis, counting the layer's own uncertainty) AND unlike what it has heard (its
predictive variance is high: nothing tagged resembles it). Per axis the score is
p (1 - p) * variance, p the chance of the positive side; the file's score is the sum over
both axes. After each answer the layer is refitted, so the next question already knows
the last answer.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
from scipy.special import ndtr

from ver_desktop.core.personal import Layer


def teaching_scores(layer: Layer, embeddings: np.ndarray, own: np.ndarray) -> np.ndarray:
    """(n,): how much an answer about each file would teach the layer."""
    shown = layer.adjust(embeddings, own)
    z = shown.points / layer.spread
    p = ndtr(z / np.sqrt(1.0 + shown.variance))
    return np.asarray((p * (1 - p) * shown.variance).sum(axis=1))


def ask_order(layer: Layer, embeddings: np.ndarray, own: np.ndarray, *,
              exclude: Collection[int] = (), count: int = 20) -> list[int]:
    """Indices of the `count` files to ask about, the most teaching first (ties: by index)."""
    scores = teaching_scores(layer, embeddings, own)
    if exclude:
        scores[list(exclude)] = -np.inf
    order = np.lexsort((np.arange(len(scores)), -scores))
    return [int(i) for i in order[:count] if np.isfinite(scores[i])]
