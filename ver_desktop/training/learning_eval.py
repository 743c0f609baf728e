"""Does the personal layer learn from a person? A simulated person tags k files of a set with
their labelled quarter, chosen at random or by "ask me" (core/asking.py); the layer is
fitted on those tags; the set's other files are scored before (the model's own points) and
after (the layer's). Many draws give a mean and a 10th percentile.

The data sets' labels play the person. On Grekow this is evaluation only: the shipped model
never trained on it, and nothing in the layer is tuned on it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ver_desktop.core.asking import ask_order
from ver_desktop.core.emotion_point import quadrant_probabilities
from ver_desktop.core.labels import QUADRANT_POINTS, QUADRANTS, quadrant_of
from ver_desktop.core.personal import clip_embedding, fit_layer, prior_layer
from ver_desktop.training.calibration import expected_calibration_error
from ver_desktop.training.dataset import Dataset
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


Chooser = Callable[[Simulated, int, np.random.Generator, float | None], np.ndarray]


def choose_random(data: Simulated, k: int, rng: np.random.Generator,
                  strength: float | None) -> np.ndarray:
    return rng.choice(len(data.own), size=k, replace=False)


_ASKED: dict[tuple[str, bytes, float | None], list[int]] = {}  # answers so far, per draw


def choose_asked(data: Simulated, k: int, rng: np.random.Generator,
                 strength: float | None) -> np.ndarray:
    """The files "ask me" offers, one answer at a time (the layer refitted after each), from
    a random half of the set (a person skips what they do not know). A draw's first k
    answers do not depend on how many more follow, so a longer run reuses a shorter one's."""
    offered = rng.choice(len(data.own), size=len(data.own) // 2, replace=False)
    chosen = _ASKED.setdefault((data.name, offered.tobytes(), strength), [])
    if len(chosen) >= k:
        return offered[chosen[:k]]
    layer = prior_layer(data.embeddings, data.spread)
    if chosen:
        rows = offered[chosen]
        layer = fit_layer(data.embeddings[rows], data.own[rows], data.sides[rows],
                          spread=data.spread, library=data.embeddings, strength=strength)
    for _ in range(k - len(chosen)):
        pick = ask_order(layer, data.embeddings[offered], data.own[offered],
                         exclude=set(chosen), count=1)[0]
        chosen.append(int(pick))
        rows = offered[chosen]
        layer = fit_layer(data.embeddings[rows], data.own[rows], data.sides[rows],
                          spread=data.spread, library=data.embeddings, strength=strength)
    return offered[chosen]


CHOOSERS: dict[str, Chooser] = {"random": choose_random, "ask me": choose_asked}


def simulate(data: Simulated, *, ks: tuple[int, ...] = KS, draws: int = DRAWS,
             ways: tuple[str, ...] = WAYS, strength: float | None = None,
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
                before.append(scores(data.own, data, rest,
                                     np.full(len(data.own), data.spread)))
                after.append({**scores(shown.points, data, rest, shown.spreads),
                              "ece_plain": scores(shown.points, data, rest, np.full(
                                  len(data.own), data.spread))["ece"]})
            rows.append(_summary(data.name, way, k, draws, before, after))
            print(f"{data.name}, {way}, k={k}: {rows[-1]['f1_before']:.3f} -> "
                  f"{rows[-1]['f1_after']:.3f}", file=sys.stderr, flush=True)
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
            "arousal_before": mean(before, "arousal"), "arousal_after": mean(after, "arousal"),
            "ece_before": mean(before, "ece"), "ece_after": mean(after, "ece"),
            "ece_after_model_spread": mean(after, "ece_plain")}


# -- the two sets as the app would hold them --------------------------------------------------

def transfer_set(dataset: Dataset, bundle: Path, name: str = "Grekow") -> Simulated:
    """A set the shipped model never trained on: its points are the bundled model's own."""
    from ver_desktop.core.bundle import load_classifier

    classifier = load_classifier(bundle)
    predictions = classifier.predict(dataset.features)
    own = np.array([[p.valence, p.arousal] for p in predictions])
    return Simulated(name, _embeddings(dataset), own, dataset.quadrants, dataset.va,
                     classifier.info.spread)


def held_out_set(dataset: Dataset, candidate: str, cache: Path,
                 name: str = "4Q held-out") -> Simulated:
    """The training set's own folds: each clip's point from the shipped candidate trained
    without its fold (artist-grouped), the spread fitted on those points as the bundle's is.
    The points are kept in `cache` (a rerun of the report does not train again)."""
    from ver_desktop.core.emotion_point import fit_spread
    from ver_desktop.training.transfer import POINT_CANDIDATES, _cross_validated

    ids = [e.id for e in dataset.examples]
    kept = cache / f"{candidate}-{len(ids)}-out-of-fold.json"
    if kept.exists() and json.loads(kept.read_text())["ids"] == ids:
        own = np.array(json.loads(kept.read_text())["points"])
    else:
        own, _ = _cross_validated(POINT_CANDIDATES[candidate], dataset)
        cache.mkdir(parents=True, exist_ok=True)
        kept.write_text(json.dumps({"ids": ids, "points": own.tolist()}))
    return Simulated(name, _embeddings(dataset), own, dataset.quadrants, dataset.va,
                     fit_spread(own, dataset.quadrants))


def _embeddings(dataset: Dataset) -> np.ndarray:
    return np.stack([clip_embedding(f) for f in dataset.features])


def evaluate(audio: Path, labels: Path, transfer_audio: Path, transfer_labels: Path, *,
             cache: Path, bundle: Path, draws: int, candidate: str,
             workers: int | None = None) -> list[dict[str, Any]]:
    """Every row of the report: 4Q held-out, then the transfer set (features cached)."""
    from ver_desktop.core.bundle import read_bundle_info
    from ver_desktop.training.dataset import FeatureCache, load_dataset

    front_end = read_bundle_info(bundle).front_end
    features = FeatureCache(cache / "features", front_end)
    train = load_dataset(labels, audio, features, workers=workers)
    transfer = load_dataset(transfer_labels, transfer_audio, features, workers=workers)
    return (simulate(held_out_set(train, candidate, cache / "learning"), draws=draws)
            + simulate(transfer_set(transfer, bundle), draws=draws))
