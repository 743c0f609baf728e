"""One emotion per file: every label and probability is read off one valence/arousal point,
so the quadrant, the octant, the point and the confidence can never disagree."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from ver_desktop.core import paths
from ver_desktop.core.bundle import (
    Prediction,
    load_classifier,
    prediction_at,
    read_bundle_info,
)
from ver_desktop.core.emotion_point import (
    emotion_at,
    fit_spread,
    octant_probabilities,
    quadrant_probabilities,
)
from ver_desktop.core.labels import OCTANT_QUADRANT, OCTANTS, QUADRANTS, octant_of, quadrant_of


def disagreements(predictions: list[Prediction]) -> list[Prediction]:
    """Predictions whose parts contradict each other in any way a user could see."""
    def wrong(p: Prediction) -> bool:
        return (p.quadrant != quadrant_of(p.valence, p.arousal)
                or p.octant != octant_of(p.valence, p.arousal)
                or OCTANT_QUADRANT[p.octant] != p.quadrant
                or p.quadrant_probs[p.quadrant] < max(p.quadrant_probs.values())
                or p.octant_probs[p.octant] < max(p.octant_probs.values())
                or p.confidence != p.quadrant_probs[p.quadrant])
    return [p for p in predictions if wrong(p)]


def random_points(count: int, seed: int = 0) -> np.ndarray:
    """Points near the origin, on the axes' scale and far out, in every direction."""
    rng = np.random.default_rng(seed)
    scale = rng.choice([0.001, 0.1, 1.0, 4.0], size=(count, 1))
    return rng.normal(size=(count, 2)) * scale


def test_quadrant_probabilities_are_the_product_of_each_axis_side() -> None:
    points = random_points(500)
    for spread in (0.3, 1.0, 2.5):
        expected = np.stack([norm.cdf(points[:, 0] / spread) * norm.cdf(points[:, 1] / spread),
                             norm.cdf(-points[:, 0] / spread) * norm.cdf(points[:, 1] / spread),
                             norm.cdf(-points[:, 0] / spread) * norm.cdf(-points[:, 1] / spread),
                             norm.cdf(points[:, 0] / spread) * norm.cdf(-points[:, 1] / spread)],
                            axis=1)
        assert quadrant_probabilities(points, spread=spread) == pytest.approx(expected, abs=1e-9)


def test_octant_probabilities_sum_to_one_and_favour_the_point_s_own_sector() -> None:
    points = random_points(4000, seed=1)
    for spread in (0.2, 0.8, 3.0):
        octants = octant_probabilities(points, spread=spread)
        assert octants.sum(axis=1) == pytest.approx(np.ones(len(points)))
        own = [OCTANTS.index(octant_of(v, a)) for v, a in points]
        assert np.array_equal(octants.argmax(axis=1), own)


def test_thousands_of_random_points_give_zero_disagreements() -> None:
    predictions = [prediction_at(float(v), float(a), spread=s)
                   for s in (0.25, 0.6, 1.5) for v, a in random_points(3000, seed=2)]
    assert disagreements(predictions) == []


def test_a_far_point_is_certain_and_the_origin_is_a_guess() -> None:
    far = emotion_at(3.0, 3.0, spread=0.5)
    assert far.quadrant == "PV-PA" and far.confidence > 0.99
    middle = emotion_at(0.0, 0.0, spread=0.5)
    assert all(p == pytest.approx(0.25) for p in middle.quadrant_probs.values())
    assert all(p == pytest.approx(0.125) for p in middle.octant_probs.values())


def test_fit_spread_recovers_the_noise_of_simulated_labels() -> None:
    rng = np.random.default_rng(3)
    points = rng.normal(size=(4000, 2))
    truth = points + rng.normal(scale=0.7, size=points.shape)
    labels = np.array([QUADRANTS.index(quadrant_of(v, a)) for v, a in truth])
    assert fit_spread(points, labels) == pytest.approx(0.7, rel=0.15)


def test_spread_must_be_positive() -> None:
    with pytest.raises(ValueError, match="spread must be positive"):
        octant_probabilities(np.zeros((1, 2)), spread=0.0)


@pytest.mark.parametrize("name", paths.bundled_models())
def test_every_bundled_model_never_disagrees_with_itself(name: str) -> None:
    """Thousands of random inputs, near and far from the training data, through the real
    graph."""
    folder = paths.model_dir(name)
    classifier = load_classifier(folder)
    columns = len(read_bundle_info(folder).meta["feature_names"])
    rng = np.random.default_rng(4)
    mean = np.asarray(classifier.info.meta["normalisation"]["mean"], np.float32)
    std = np.asarray(classifier.info.meta["normalisation"]["std"], np.float32)
    inputs = [(mean + std * rng.normal(scale=s, size=(int(rng.integers(1, 12)), columns)))
              .astype(np.float32) for s in rng.choice([0.1, 1.0, 3.0, 10.0], size=3000)]
    predictions = classifier.predict(inputs)
    assert len(predictions) == 3000 and disagreements(predictions) == []
    assert len({p.quadrant for p in predictions}) == 4  # not one answer for everything


def test_real_clips_of_both_data_sets_never_disagree() -> None:
    """Real music, decoded and encoded as the app does it: 4Q songs and Grekow's 6-s clips."""
    from conftest import require_4q, require_grekow

    from ver_desktop.core.extract import Extracted, extract

    classifier = load_classifier(paths.bundled_model_dir())
    clips = [p for folder in (require_4q(), require_grekow())
             for p in sorted((folder / "audio").iterdir())[:15]]
    outcomes = [extract(str(p), classifier.front_end) for p in clips]
    features = [o.features for o in outcomes if isinstance(o, Extracted)]
    assert len(features) == len(clips)
    assert disagreements(classifier.predict(features)) == []
