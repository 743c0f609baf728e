"""A linear readout to a valence/arousal point from one summary vector per clip: ridge
regression of the labelled point, or one logistic regression per axis on the side of it the
labelled quadrant lies; the regularisation chosen by cross-validation over the training
data's own folds only.

Summaries: `stats` (mean, standard deviation and mean absolute frame-to-frame change of each
z-scored input column; for mir-1 frames) and `mean` (the mean over steps; for the 3-s
musicnn patches). With `crops`, every training clip also contributes summaries of random
stretches of 3 s to its full length, so the model has seen short clips as well as long ones
(a summary's spread and change depend on how long a stretch it covers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ver_desktop.training.dataset import Dataset
from ver_desktop.training.fit import Normaliser

SUMMARIES = ("stats", "mean")
ALPHAS = tuple(float(a) for a in np.geomspace(0.1, 1e4, 13))


def summarise(frames: np.ndarray, kind: str) -> np.ndarray:
    """One vector for a (steps, columns) array of z-scored inputs."""
    if kind == "mean":
        return frames.mean(axis=0)
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
    # axis on the side of it the labelled quadrant lies, its log-odds as the coordinate
    loss: str = "ridge"


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
        return ((x - self.center) / self.scale) @ self.weights + self.bias


def fit_linear(data: Dataset, config: LinearConfig) -> LinearPoint:
    rng = np.random.default_rng(config.seed)
    normaliser = Normaliser.fit(data.features)
    rows, targets, groups = _training_rows(data, normaliser, config, rng)
    sides = _sides_of(np.repeat(data.quadrants, config.crops + 1))
    center, scale = rows.mean(axis=0), rows.std(axis=0) + 1e-6
    x = (rows - center) / scale
    if config.loss == "sides":
        weights, bias, alpha = _sides(x, sides, groups)
    else:
        alpha = _chosen_alpha(x, targets, groups)
        weights, bias = _ridge(x, targets, alpha)
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


def _ridge(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    mean_y = y.mean(axis=0)
    gram = x.T @ x + alpha * np.eye(x.shape[1])
    weights = np.linalg.solve(gram, x.T @ (y - mean_y))
    return weights, mean_y - x.mean(axis=0) @ weights


def _sides_of(quadrants: np.ndarray) -> np.ndarray:
    """(n, 2) booleans: positive valence (PV-PA, PV-NA), positive arousal (PV-PA, NV-PA)."""
    return np.stack([(quadrants == 0) | (quadrants == 3), quadrants <= 1], axis=1)


C_VALUES = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


def _sides(x: np.ndarray, sides: np.ndarray,
           groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Per axis, a logistic regression with C chosen by log-loss over the training folds."""
    from sklearn.linear_model import LogisticRegression

    weights, bias, chosen = np.zeros((x.shape[1], 2)), np.zeros(2), 0.0
    for axis in range(2):
        y = sides[:, axis]
        losses = []
        for c in C_VALUES:
            loss = 0.0
            for group in np.unique(groups):
                held = groups == group
                model = LogisticRegression(C=c, max_iter=2000).fit(x[~held], y[~held])
                p = np.clip(model.predict_proba(x[held])[:, 1], 1e-9, 1 - 1e-9)
                loss -= float(np.sum(np.where(y[held], np.log(p), np.log(1 - p))))
            losses.append(loss)
        chosen = C_VALUES[int(np.argmin(losses))]
        model = LogisticRegression(C=chosen, max_iter=2000).fit(x, y)
        weights[:, axis], bias[axis] = model.coef_[0], model.intercept_[0]
    return weights, bias, chosen


def _chosen_alpha(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> float:
    """The alpha with the least squared error over the training data's own folds."""
    errors = []
    for alpha in ALPHAS:
        total = 0.0
        for group in np.unique(groups):
            held = groups == group
            weights, bias = _ridge(x[~held], y[~held], alpha)
            total += float(np.sum((x[held] @ weights + bias - y[held]) ** 2))
        errors.append(total)
    return ALPHAS[int(np.argmin(errors))]
