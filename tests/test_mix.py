"""Training on 4Q plus extra sets (training/mix.py): the extra clips' weights, that they are
trained on in every fold and never tested on, and that their weight reaches each readout."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from test_transfer import synthetic

from ver_desktop.core.frontends import MIR, MUSICNN
from ver_desktop.training.dataset import Dataset
from ver_desktop.training.fit import TrainConfig
from ver_desktop.training.linear import LinearConfig, fit_linear, sides_of_quadrants
from ver_desktop.training.mix import balanced_weights, mixed
from ver_desktop.training.transfer import POINT_CANDIDATES, PointCandidate, run_candidate


def extra_set(count: int, columns: int, seed: int, *, flipped: bool = False) -> Dataset:
    """Clips of another set, in folds 0-4; with `flipped`, their labels contradict what
    their features say about valence."""
    data = synthetic(count, columns, (2, 11), seed=seed)
    examples = [dataclasses.replace(e, id=f"x{e.id}") for e in data.examples]
    if flipped:
        swap = {0: 1, 1: 0, 2: 3, 3: 2}  # the other side of the valence axis
        examples = [dataclasses.replace(e, quadrant=swap[e.quadrant], valence=-e.valence)
                    for e in examples]
    return Dataset(examples, data.features)


def test_each_quadrant_of_an_extra_set_weighs_the_same() -> None:
    quadrants = np.array([0] * 10 + [1] * 5 + [2] * 1 + [3] * 4)
    weights = balanced_weights(quadrants, 100.0)
    assert weights.sum() == pytest.approx(100.0)
    for q in range(4):
        assert weights[quadrants == q].sum() == pytest.approx(25.0)


def test_a_mix_weighs_the_main_clips_one_each_and_each_set_by_its_share() -> None:
    main, extra = synthetic(40, 6, (2, 5)), extra_set(30, 6, seed=3)
    data = mixed(main, [(extra, 0.5), (extra_set(10, 6, seed=4), 0.0)])
    assert len(data.examples) == 70  # a set of weight 0 is left out
    assert data.sample_weights[:40].tolist() == [1.0] * 40
    assert data.sample_weights[40:].sum() == pytest.approx(20.0)
    assert data.is_main.tolist() == [True] * 40 + [False] * 30
    part = data.subset(np.arange(70) >= 35)  # subsets keep both
    assert part.is_main.sum() == 5 and part.sample_weights[:5].tolist() == [1.0] * 5


def test_extra_clips_are_trained_on_in_every_fold_and_never_tested() -> None:
    main = synthetic(50, 250, (2, 11))
    data = mixed(main, [(extra_set(40, 250, seed=5), 1.0)])
    candidate = PointCandidate("m", "", MUSICNN, linear=LinearConfig("mean", loss="sides"))
    result, _ = run_candidate(candidate, data, synthetic(20, 250, (2, 11), seed=1))
    tested = sum(round(f["quadrant_accuracy"] * 10) for f in result["cv"])
    assert len(result["cv"]) == 5 and tested == 50  # 10 main clips in each of 5 folds
    assert result["transfer"]["quadrant_accuracy"] > 0.6


def test_a_heavier_contradicting_set_pulls_the_readout_further() -> None:
    """The weight reaches the fit: an extra set whose labels contradict the main set's
    turns the valence readout more the more it weighs."""
    main = synthetic(60, 60, (2, 11))
    wrong = extra_set(60, 60, seed=6, flipped=True)
    test = synthetic(40, 60, (2, 11), seed=2)
    agreement = []
    for weight in (0.0, 0.3, 3.0):
        model = fit_linear(mixed(main, [(wrong, weight)]), LinearConfig("mean", loss="sides"))
        agreement.append(np.mean(np.sign(model.predict(test.features)[:, 0])
                                 == np.sign(test.va[:, 0])))
    assert agreement[0] > agreement[1] > agreement[2]
    assert agreement[2] < 0.5  # outweighed: valence is read the other way round


def test_the_weighted_lstm_trains_on_a_mix() -> None:
    main = synthetic(30, 26, (200, 300))
    extra = synthetic(20, 26, (200, 300), seed=7)
    candidate = PointCandidate("l", "", MIR, network=TrainConfig(
        epochs=2, objective="sides", min_crop=40, network={"pool": 40, "hidden": 4}))
    model = candidate.fit(mixed(main, [(extra, 0.5)]))
    assert candidate.points(model, main.features[:3]).shape == (3, 2)


def test_the_joint_readout_reads_each_axis_from_the_quadrant_scores() -> None:
    scores = np.log(np.array([[0.7, 0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.7]]))
    sides = sides_of_quadrants(scores)
    assert sides[0, 0] > 0 and sides[0, 1] > 0  # PV-PA
    assert sides[1, 0] > 0 and sides[1, 1] < 0  # PV-NA
    assert sides[0, 0] == pytest.approx(np.log(0.8 / 0.2))


def test_every_mixed_candidate_names_sets_that_are_rendered() -> None:
    from ver_desktop.training.midi_sets import SETS

    mixed_ones = [c for c in POINT_CANDIDATES.values() if c.extras]
    assert mixed_ones
    for candidate in mixed_ones:
        assert {name for name, _ in candidate.extras} <= set(SETS)
        for member in candidate.members:  # an ensemble's members train on the same mix
            assert POINT_CANDIDATES[member].extras == candidate.extras


def test_extra_sets_can_teach_the_valence_axis_alone() -> None:
    main = synthetic(60, 60, (2, 11))
    wrong = extra_set(60, 60, seed=6, flipped=True)
    alone = fit_linear(main, LinearConfig("mean", loss="sides"))
    config = LinearConfig("mean", loss="sides", extras_train="valence")
    mix = fit_linear(mixed(main, [(wrong, 3.0)]), config)
    test = synthetic(20, 60, (2, 11), seed=2)
    both, only_main = mix.predict(test.features), alone.predict(test.features)
    # Arousal is the main set's alone (the z-scoring saw the extra clips: close, not equal)
    assert np.corrcoef(both[:, 1], only_main[:, 1])[0, 1] > 0.95
    assert np.corrcoef(both[:, 0], only_main[:, 0])[0, 1] < 0  # valence turned round
    lstm = PointCandidate("l", "", MIR, network=TrainConfig(
        epochs=2, objective="sides", min_crop=40, extras_train="valence",
        network={"pool": 40, "hidden": 4}))
    short = synthetic(20, 26, (200, 300))
    model = lstm.fit(mixed(short, [(synthetic(10, 26, (200, 300), seed=8), 1.0)]))
    assert np.isfinite(lstm.points(model, short.features[:2])).all()
