"""Calibration of the class probabilities: temperature scaling chosen by cross-validation,
judged by expected calibration error (ECE). The app shows the top probability as the
model's confidence, so it should mean what it says."""

from __future__ import annotations

import itertools

import numpy as np

TEMPERATURES = np.exp(np.linspace(np.log(0.25), np.log(8.0), 121))


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by count."""
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            error += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(error)


def scaled(probs: np.ndarray, temperature: float) -> np.ndarray:
    logits = np.log(np.clip(probs, 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=1, keepdims=True)


def fit_temperature(probs: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood (a 1-D grid search)."""
    def nll(t: float) -> float:
        return float(-np.mean(np.log(scaled(probs, t)[np.arange(len(labels)), labels] + 1e-12)))

    return float(min(TEMPERATURES, key=nll))


def cross_validated(probs: np.ndarray, labels: np.ndarray, folds: np.ndarray) -> dict[str, float]:
    """Out-of-fold probabilities in, honest figures out: each fold's ECE after scaling uses
    a temperature fitted on the other folds only. The returned temperature uses all."""
    before, after = [], []
    for fold in np.unique(folds):
        test = folds == fold
        t = fit_temperature(probs[~test], labels[~test])
        before.append(expected_calibration_error(probs[test], labels[test]))
        after.append(expected_calibration_error(scaled(probs[test], t), labels[test]))
    return {"temperature": round(fit_temperature(probs, labels), 4),
            "ece_before": round(float(np.mean(before)), 4),
            "ece_after": round(float(np.mean(after)), 4)}
