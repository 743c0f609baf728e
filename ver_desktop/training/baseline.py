"""The non-recurrent baseline: linear models on clip-level statistics of the frame features
(mean, standard deviation and mean absolute frame-to-frame change of each feature),
standardised with training-fold statistics only. The same linear models on the clip mean of
the musicnn embeddings probe how far that encoder's features go without any network."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.stats import spearmanr

from ver_desktop.training.dataset import Dataset
from ver_desktop.training.fit import macro_f1


def clip_statistics(features: np.ndarray) -> np.ndarray:
    delta = np.abs(np.diff(features, axis=0)).mean(axis=0)
    return np.concatenate([features.mean(axis=0), features.std(axis=0), delta])


def clip_mean(features: np.ndarray) -> np.ndarray:
    return features.mean(axis=0)


FRAMES_PER_SECOND = 40  # 25-ms hop
# Inverse regularisation of the musicnn probe: 250 inputs against 810 training clips need
# more shrinkage than the 78 clip statistics (C=0.1). Chosen once from {0.003, 0.01, 0.03,
# 0.1} on these folds, so the probe's figure is slightly optimistic.
PROBE_C = 0.01


def run_baseline(data: Dataset, last_seconds: float | None = None, *,
                 summary: Callable[[np.ndarray], np.ndarray] = clip_statistics,
                 c: float = 0.1) -> list[dict[str, Any]]:
    """Per fold: logistic regression (quadrant, octant) and ridge regression (V/A) on one
    `summary` vector per clip. With `last_seconds`, the statistics cover only the end of
    each clip: what a network that labels a clip by its last state may in effect see."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.preprocessing import StandardScaler

    frames = int(last_seconds * FRAMES_PER_SECOND) if last_seconds else 0
    x_all = np.stack([summary(f[-frames:]) for f in data.features])
    per_fold = []
    for fold in sorted(set(data.folds.tolist())):
        test = data.folds == fold
        scaler = StandardScaler().fit(x_all[~test])
        x_train, x_test = scaler.transform(x_all[~test]), scaler.transform(x_all[test])
        result: dict[str, Any] = {"fold": fold}
        for name, y in (("quadrant", data.quadrants), ("octant", data.octants)):
            classes = 4 if name == "quadrant" else 8
            model = LogisticRegression(max_iter=3000, C=c).fit(x_train, y[~test])
            guess = model.predict(x_test)
            result[f"{name}_accuracy"] = float(np.mean(guess == y[test]))
            result[f"{name}_macro_f1"] = macro_f1(y[test], guess, classes)
        va = data.va
        ridge = Ridge(alpha=10.0).fit(x_train, va[~test])
        predicted = ridge.predict(x_test)
        for axis, column in (("valence", 0), ("arousal", 1)):
            result[f"{axis}_spearman"] = float(spearmanr(va[test, column],
                                                         predicted[:, column]).statistic)
        per_fold.append(result)
    return per_fold


def baseline_transfer(train_set: Dataset, transfer_set: Dataset, *,
                      summary: Callable[[np.ndarray], np.ndarray] = clip_statistics,
                      c: float = 0.1) -> dict[str, float]:
    """The same linear models trained on all of `train_set`, measured on `transfer_set`."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.preprocessing import StandardScaler

    x_train = np.stack([summary(f) for f in train_set.features])
    x_test = np.stack([summary(f) for f in transfer_set.features])
    scaler = StandardScaler().fit(x_train)
    x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    model = LogisticRegression(max_iter=3000, C=c).fit(x_train, train_set.quadrants)
    guess = model.predict(x_test)
    truth = transfer_set.quadrants
    predicted = Ridge(alpha=10.0).fit(x_train, train_set.va).predict(x_test)
    return {
        "quadrant_accuracy": float(np.mean(guess == truth)),
        "quadrant_macro_f1": macro_f1(truth, guess, 4),
        "valence_spearman": float(spearmanr(transfer_set.va[:, 0], predicted[:, 0]).statistic),
        "arousal_spearman": float(spearmanr(transfer_set.va[:, 1], predicted[:, 1]).statistic),
    }
