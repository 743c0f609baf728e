"""Ask me: which files a person's answer would teach the personal layer most.

A file teaches most when the layer is least sure what correction it needs: its predictive
variance (core/personal.py `Layer.variance`), which is largest for files unlike every
file tagged so far and shrinks around each answer. Asking by this alone, rather than also
by how near the model's point is to an axis, measured better on both sets
(docs/learning.md): a disagreement on a file the model was sure of is what convinces the
layer that the person's music differs, and answers spread over the library reach more of
it. After each answer the layer is refitted, so the next question already knows the last.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from ver_desktop.core.personal import Layer


def teaching_scores(layer: Layer, embeddings: np.ndarray, own: np.ndarray) -> np.ndarray:
    """(n,): how much an answer about each file would teach the layer."""
    shown = layer.adjust(embeddings, own)
    return np.asarray(shown.variance.sum(axis=1))


def ask_order(layer: Layer, embeddings: np.ndarray, own: np.ndarray, *,
              exclude: Collection[int] = (), count: int = 20) -> list[int]:
    """Indices of the `count` files to ask about, the most teaching first (ties: by index)."""
    scores = teaching_scores(layer, embeddings, own)
    if exclude:
        scores[list(exclude)] = -np.inf
    order = np.lexsort((np.arange(len(scores)), -scores))
    return [int(i) for i in order[:count] if np.isfinite(scores[i])]
