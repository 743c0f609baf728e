"""A linear readout to a valence/arousal point from one summary vector per clip: ridge
regression of the labelled point, or one logistic regression per axis on the side of it the
labelled quadrant lies; the regularisation chosen by cross-validation over the training
data's own folds only.

Summaries: `stats` (mean, standard deviation and mean absolute frame-to-frame change of each
z-scored input column; for mir-1 frames), `mean` (the mean over steps; for the 3-s
musicnn patches) and `spread` (mean and standard deviation over steps: how much the patches
differ). With `crops`, every training clip also contributes summaries of random
stretches of 3 s to its full length, so the model has seen short clips as well as long ones
(a summary's spread and change depend on how long a stretch it covers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ver_desktop.training.dataset import Dataset
from ver_desktop.training.fit import Normaliser

SUMMARIES = ("stats", "mean", "spread")
ALPHAS = tuple(float(a) for a in np.geomspace(0.1, 1e4, 13))


def summarise(frames: np.ndarray, kind: str) -> np.ndarray:
    """One vector for a (steps, columns) array of z-scored inputs."""
    if kind == "mean":
        return frames.mean(axis=0)
    if kind == "spread":
        return np.concatenate([frames.mean(axis=0), frames.std(axis=0)])
    change = np.abs(np.diff(frames, axis=0)).mean(axis=0) if len(frames) > 1 else \
        np.zeros(frames.shape[1], frames.dtype)
    return np.concatenate([frames.mean(axis=0), frames.std(axis=0), change])


@dataclass(frozen=True)
class LinearConfig:
    summary: str  # one of SUMMARIES
    crops: int = 0  # random extra stretches per training clip
    min_crop: int = 1  # shortest stretch, in input rows (3 s)
    seed: int = 0
    # "ridge": regress the labelled (valence, arousal); "sides": one logistic regression per
    # axis on the side of it the labelled quadrant lies, its log-odds as the coordinate;
    # "joint": one 4-class logistic regression on the quadrant, each axis's coordinate the
    # log-odds of its two sides (the axes learnt together)
    loss: str = "ridge"
    # With extra training sets (training/mix.py): "both" axes learn from them, or only
    # "valence" (the arousal readout from the main set alone); "sides" only
    extras_train: str = "both"


@dataclass
class LinearPoint:
    """A fitted readout: z-score frames, summarise, standardise, then one affine map."""

    normaliser: Normaliser
    summary: str
    center: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # (summary size, 2)
    bias: np.ndarray  # (2,)
    alpha: float  # the ridge alpha, or the logistic regressions' C
    loss: str = "ridge"

    def predict(self, features: list[np.ndarray]) -> np.ndarray:
        x = np.stack([summarise(self.normaliser.apply(f), self.summary) for f in features])
        out = ((x - self.center) / self.scale) @ self.weights + self.bias
        return sides_of_quadrants(out) if self.loss == "joint" else out


def fit_linear(data: Dataset, config: LinearConfig) -> LinearPoint:
    rng = np.random.default_rng(config.seed)
    normaliser = Normaliser.fit(data.features)
    rows, targets, groups = _training_rows(data, normaliser, config, rng)
    quadrants = np.repeat(data.quadrants, config.crops + 1)
    # Each clip's weight (training/mix.py) shared by its crops
    row_weights = np.repeat(data.sample_weights, config.crops + 1)
    center, scale = rows.mean(axis=0), rows.std(axis=0) + 1e-6
    x = (rows - center) / scale
    if config.loss == "sides":
        main_rows = np.repeat(data.is_main, config.crops + 1)
        arousal_weights = row_weights * main_rows if config.extras_train == "valence" \
            else row_weights
        weights, bias, alpha = _sides(x, _sides_of(quadrants), groups,
                                      (row_weights, arousal_weights))
    elif config.loss == "joint":
        weights, bias, alpha = _joint(x, quadrants, groups, row_weights)
    else:
        alpha = _chosen_alpha(x, targets, groups, row_weights)
        weights, bias = _ridge(x, targets, alpha, row_weights)
    return LinearPoint(normaliser, config.summary, center, scale, weights, bias, alpha,
                       config.loss)


def _training_rows(data: Dataset, normaliser: Normaliser, config: LinearConfig,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, targets, groups = [], [], []
    for frames, target, fold in zip(data.features, data.va, data.folds, strict=True):
        z = normaliser.apply(frames)
        stretches = [z] + [_crop(z, config.min_crop, rng) for _ in range(config.crops)]
        for stretch in stretches:
            rows.append(summarise(stretch, config.summary))
            targets.append(target)
            groups.append(fold)
    return np.stack(rows), np.stack(targets), np.array(groups)


def _crop(frames: np.ndarray, shortest: int, rng: np.random.Generator) -> np.ndarray:
    if len(frames) <= shortest:
        return frames
    length = int(rng.integers(shortest, len(frames) + 1))
    start = int(rng.integers(0, len(frames) - length + 1))
    return frames[start:start + length]


def _ridge(x: np.ndarray, y: np.ndarray, alpha: float,
           w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w = w / w.mean()  # all 1: the unweighted ridge, as before weights existed
    mean_y = w @ y / w.sum()
    weighted = x * w[:, None]
    gram = weighted.T @ x + alpha * np.eye(x.shape[1])
    weights = np.linalg.solve(gram, weighted.T @ (y - mean_y))
    return weights, mean_y - (w @ x / w.sum()) @ weights


def _sides_of(quadrants: np.ndarray) -> np.ndarray:
    """(n, 2) booleans: positive valence (PV-PA, PV-NA), positive arousal (PV-PA, NV-PA)."""
    return np.stack([(quadrants == 0) | (quadrants == 3), quadrants <= 1], axis=1)


C_VALUES = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


def _sides(x: np.ndarray, sides: np.ndarray, groups: np.ndarray,
           axis_weights: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray, float]:
    """Per axis, a logistic regression with C chosen by log-loss over the training folds
    (each axis with its own row weights; rows of weight 0 are left out)."""
    weights, bias, chosen = np.zeros((x.shape[1], 2)), np.zeros(2), 0.0
    for axis in range(2):
        kept = axis_weights[axis] > 0
        y = sides[kept, axis].astype(int)
        w = axis_weights[axis][kept]
        chosen = _chosen_c(x[kept], y, groups[kept], w)
        model = _logistic(chosen, x[kept], y, w)
        weights[:, axis], bias[axis] = model.coef_[0], model.intercept_[0]
    return weights, bias, chosen


def _joint(x: np.ndarray, quadrants: np.ndarray, groups: np.ndarray,
           w: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """One 4-class logistic regression on the quadrant (C chosen as for `_sides`): its
    (columns, 4) weights and 4 biases; `sides_of_quadrants` reads the point from them."""
    chosen = _chosen_c(x, quadrants, groups, w)
    model = _logistic(chosen, x, quadrants, w)
    weights, bias = np.zeros((x.shape[1], 4)), np.full(4, -30.0)  # an absent class: never
    weights[:, model.classes_] = model.coef_.T
    bias[model.classes_] = model.intercept_
    return weights, bias, chosen


def sides_of_quadrants(scores: np.ndarray) -> np.ndarray:
    """(n, 2) log-odds of the positive side of each axis from (n, 4) quadrant scores
    (PV-PA, NV-PA, NV-NA, PV-NA)."""
    either = np.logaddexp  # log(e^a + e^b): the score of one side
    valence = either(scores[:, 0], scores[:, 3]) - either(scores[:, 1], scores[:, 2])
    arousal = either(scores[:, 0], scores[:, 1]) - either(scores[:, 2], scores[:, 3])
    return np.stack([valence, arousal], axis=1)


def _logistic(c: float, x: np.ndarray, y: np.ndarray, w: np.ndarray) -> Any:
    from sklearn.linear_model import LogisticRegression

    even = bool(np.all(w == w[0]))  # unweighted exactly as before weights existed
    return LogisticRegression(C=c, max_iter=2000).fit(
        x, y, sample_weight=None if even else w / w.mean())


def _chosen_c(x: np.ndarray, y: np.ndarray, groups: np.ndarray, w: np.ndarray) -> float:
    """The C with the least weighted log-loss on the held-out groups of the training data."""
    losses = []
    for c in C_VALUES:
        loss = 0.0
        for group in np.unique(groups):
            held = groups == group
            model = _logistic(c, x[~held], y[~held], w[~held])
            p = np.clip(model.predict_proba(x[held]), 1e-9, 1.0)
            # A class the training groups lacked has no column: its rows cannot be scored
            column = np.minimum(np.searchsorted(model.classes_, y[held]),
                                len(model.classes_) - 1)
            seen = model.classes_[column] == y[held]
            picked = p[np.flatnonzero(seen), column[seen]]
            loss -= float(np.sum(w[held][seen] * np.log(picked)))
        losses.append(loss)
    return C_VALUES[int(np.argmin(losses))]


def _chosen_alpha(x: np.ndarray, y: np.ndarray, groups: np.ndarray, w: np.ndarray) -> float:
    """The alpha with the least squared error over the training data's own folds."""
    errors = []
    for alpha in ALPHAS:
        total = 0.0
        for group in np.unique(groups):
            held = groups == group
            weights, bias = _ridge(x[~held], y[~held], alpha, w[~held])
            error = np.sum((x[held] @ weights + bias - y[held]) ** 2, axis=1)
            total += float(w[held] @ error)
        errors.append(total)
    return ALPHAS[int(np.argmin(errors))]
