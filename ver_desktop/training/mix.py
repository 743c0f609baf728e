"""Training on the 4Q clips plus extra labelled sets (the MIDI sets rendered by
training/midi_sets.py), each with a weight.

An extra set's weight is its share of the training weight next to the main set: with
weight w, its clips weigh w * (main clips) in all, split equally over the four quadrants,
then equally over the clips in each. So P(quadrant | this set) is even, as it is in the
balanced 4Q set, and "this sounds like rendered piano" says nothing about the quadrant.
The main set's clips weigh 1 each; only they are cross-validated and scored.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ver_desktop.training.dataset import Dataset


def mixed(main: Dataset, extras: Sequence[tuple[Dataset, float]]) -> Dataset:
    """`main` with every extra set's clips added, weighted as the module says."""
    examples, features = list(main.examples), list(main.features)
    weights = [main.sample_weights]
    is_main = [np.ones(len(main.examples), bool)]
    for extra, weight in extras:
        if weight <= 0 or not extra.examples:
            continue
        examples += extra.examples
        features += extra.features
        weights.append(balanced_weights(extra.quadrants, weight * len(main.examples)))
        is_main.append(np.zeros(len(extra.examples), bool))
    return Dataset(examples, features, np.concatenate(weights), np.concatenate(is_main))


def balanced_weights(quadrants: np.ndarray, total: float) -> np.ndarray:
    """Weights summing to `total`, equal for each quadrant present, equal within one."""
    present = np.unique(quadrants)
    counts = {int(q): int(np.sum(quadrants == q)) for q in present}
    return np.array([total / len(present) / counts[int(q)] for q in quadrants])
