"""Probability calibration: ECE and the fitted temperature (the point models' spread is
tested in test_emotion_point.py)."""

from __future__ import annotations

import numpy as np
import pytest

from ver_desktop.training.calibration import (
    cross_validated,
    expected_calibration_error,
    fit_temperature,
    scaled,
)


def overconfident(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Predictions right 60 % of the time that claim about 95 %."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, n)
    guess = np.where(rng.random(n) < 0.6, labels, (labels + 1) % 4)
    probs = np.full((n, 4), 0.05 / 3)
    probs[np.arange(n), guess] = 0.95
    return probs, labels


def test_ece_of_perfectly_calibrated_and_overconfident_predictions() -> None:
    probs, labels = overconfident()
    assert expected_calibration_error(probs, labels) == pytest.approx(0.35, abs=0.03)
    honest = np.full((4, 4), 0.25)
    assert expected_calibration_error(honest, np.arange(4)) == pytest.approx(0.0, abs=1e-9)


def test_temperature_softens_overconfidence() -> None:
    probs, labels = overconfident()
    temperature = fit_temperature(probs, labels)
    assert temperature > 1.5
    assert expected_calibration_error(scaled(probs, temperature), labels) < 0.05
    folds = np.arange(len(labels)) % 5
    summary = cross_validated(probs, labels, folds)
    assert summary["ece_after"] < summary["ece_before"] / 3
