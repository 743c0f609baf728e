"""Does the personal layer learn from a person? A simulated person tags k files of a set with
their labelled quarter, chosen at random or by "ask me" (core/asking.py); the layer is
fitted on those tags; the set's other files are scored before (the model's own points) and
after (the layer's). Many draws give a mean and a 10th percentile.

The data sets' labels play the person. On Grekow this is evaluation only: the shipped model
never trained on it, and nothing in the layer is tuned on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ver_desktop.core.asking import ask_order
from ver_desktop.core.emotion_point import quadrant_probabilities
from ver_desktop.core.labels import QUADRANT_POINTS, QUADRANTS, quadrant_of
from ver_desktop.core.personal import STRENGTH, empty_layer, fit_layer
from ver_desktop.training.calibration import expected_calibration_error
from ver_desktop.training.fit import macro_f1, spearman

KS = (5, 10, 20, 40, 80)
DRAWS = 30
WAYS = ("random", "ask me")


@dataclass(frozen=True)
class Simulated:
    """A set as the app would hold it: embeddings, the model's own points, the truth."""

    name: str
    embeddings: np.ndarray  # (n, d)
    own: np.ndarray  # (n, 2) the model's points
    quadrants: np.ndarray  # (n,) indices into QUADRANTS: what the person says
    va: np.ndarray  # (n, 2) the labelled valence/arousal (for Spearman)
    spread: float

    @property
    def sides(self) -> np.ndarray:
        return np.array([QUADRANT_POINTS[QUADRANTS[q]] for q in self.quadrants])


def scores(points: np.ndarray, data: Simulated, rows: np.ndarray,
           spreads: np.ndarray | None = None) -> dict[str, float]:
    guess = np.array([QUADRANTS.index(quadrant_of(v, a)) for v, a in points[rows]])
    truth = data.quadrants[rows]
    out = {"f1": macro_f1(truth, guess, 4),
           "valence": spearman(data.va[rows, 0], points[rows, 0]),
           "arousal": spearman(data.va[rows, 1], points[rows, 1])}
    if spreads is not None:
        probs = np.vstack([quadrant_probabilities(points[i:i + 1], spread=float(spreads[i]))
                           for i in rows])
        out["ece"] = expected_calibration_error(probs, truth)
    return out


Chooser = Callable[[Simulated, int, np.random.Generator, float], np.ndarray]


def choose_random(data: Simulated, k: int, rng: np.random.Generator,
                  strength: float) -> np.ndarray:
    return rng.choice(len(data.own), size=k, replace=False)


def choose_asked(data: Simulated, k: int, rng: np.random.Generator,
                 strength: float) -> np.ndarray:
    """The files "ask me" offers, one answer at a time (the layer refitted after each), from
    a random half of the set (a person skips what they do not know)."""
    offered = rng.choice(len(data.own), size=len(data.own) // 2, replace=False)
    chosen: list[int] = []
    layer = empty_layer(data.spread)
    for _ in range(k):
        pick = ask_order(layer, data.embeddings[offered], data.own[offered],
                         exclude=set(chosen), count=1)[0]
        chosen.append(int(pick))
        rows = offered[chosen]
        layer = fit_layer(data.embeddings[rows], data.own[rows], data.sides[rows],
                          spread=data.spread, library=data.embeddings, strength=strength)
    return offered[chosen]


CHOOSERS: dict[str, Chooser] = {"random": choose_random, "ask me": choose_asked}


def simulate(data: Simulated, *, ks: tuple[int, ...] = KS, draws: int = DRAWS,
             ways: tuple[str, ...] = WAYS, strength: float = STRENGTH,
             seed: int = 0) -> list[dict[str, Any]]:
    """One row per (way, k): mean and 10th percentile of before, after and the gain."""
    rows = []
    for way in ways:
        for k in ks:
            rng = np.random.default_rng(seed)
            before, after = [], []
            for _ in range(draws):
                tagged = CHOOSERS[way](data, k, rng, strength)
                rest = np.setdiff1d(np.arange(len(data.own)), tagged)
                layer = fit_layer(data.embeddings[tagged], data.own[tagged],
                                  data.sides[tagged], spread=data.spread,
                                  library=data.embeddings, strength=strength)
                shown = layer.adjust(data.embeddings, data.own)
                before.append(scores(data.own, data, rest))
                after.append(scores(shown.points, data, rest))
            rows.append(_summary(data.name, way, k, draws, before, after))
    return rows


def _summary(name: str, way: str, k: int, draws: int, before: list[dict[str, float]],
             after: list[dict[str, float]]) -> dict[str, Any]:
    def mean(values: list[dict[str, float]], key: str) -> float:
        return round(float(np.mean([v[key] for v in values])), 3)

    gains = np.array([a["f1"] - b["f1"] for a, b in zip(after, before, strict=True)])
    return {"set": name, "way": way, "k": k, "draws": draws,
            "f1_before": mean(before, "f1"), "f1_after": mean(after, "f1"),
            "gain": round(float(gains.mean()), 3),
            "gain_p10": round(float(np.percentile(gains, 10)), 3),
            "valence_before": mean(before, "valence"), "valence_after": mean(after, "valence"),
            "arousal_before": mean(before, "arousal"), "arousal_after": mean(after, "arousal")}
