"""The transfer protocol: candidates, their exported graphs, the selection rule, and that the
shipped model is the one the rule chose from the stored results."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ver_desktop.core import paths
from ver_desktop.core.bundle import load_classifier, read_bundle_info
from ver_desktop.core.frontends import MIR, MUSICNN
from ver_desktop.core.labels import OCTANTS, QUADRANTS, octant_of, quadrant_of
from ver_desktop.training.dataset import Dataset, Example
from ver_desktop.training.experiment import load_transfer_results
from ver_desktop.training.export import save_bundle
from ver_desktop.training.fit import TrainConfig
from ver_desktop.training.linear import LinearConfig
from ver_desktop.training.transfer import (
    POINT_CANDIDATES,
    SHIPPED,
    PointCandidate,
    choose,
    point_scores,
    run_candidate,
)

RESULTS = Path(__file__).resolve().parents[1] / "docs" / "experiments"


def synthetic(count: int, columns: int, rows: tuple[int, int], seed: int = 0) -> Dataset:
    """Clips whose even input columns carry valence and odd ones arousal, in 5 folds."""
    rng = np.random.default_rng(seed)
    examples, features = [], []
    for i in range(count):
        valence, arousal = rng.normal(size=2)
        frames = rng.normal(size=(int(rng.integers(*rows)), columns)).astype(np.float32)
        frames[:, ::2] += valence
        frames[:, 1::2] += arousal
        quadrant = QUADRANTS.index(quadrant_of(valence, arousal))
        octant = OCTANTS.index(octant_of(valence, arousal))
        examples.append(Example(f"c{i}", Path(f"c{i}.opus"), f"artist{i % 7}", quadrant, octant,
                                float(valence), float(arousal), i % 5))
        features.append(frames)
    return Dataset(examples, features)


def test_points_are_scored_by_their_signs_and_angles() -> None:
    data = synthetic(40, 4, (5, 6))
    perfect = data.va.astype(np.float64)
    scores = point_scores(perfect, data)
    assert scores["quadrant_accuracy"] == scores["octant_accuracy"] == 1.0
    assert scores["valence_spearman"] == pytest.approx(1.0)
    flipped = point_scores(-perfect, data)
    assert flipped["quadrant_accuracy"] == 0.0


KINDS = {
    "ridge on statistics": PointCandidate("t1", "", MIR, linear=LinearConfig("stats", crops=1,
                                                                             min_crop=20)),
    "sides on the mean": PointCandidate("t2", "", MUSICNN, linear=LinearConfig("mean",
                                                                              loss="sides")),
    "sides on the patches' spread": PointCandidate("t5", "", MUSICNN, linear=LinearConfig(
        "spread", loss="sides")),
    "one readout of the quadrant for both axes": PointCandidate(
        "t6", "", MUSICNN, linear=LinearConfig("mean", loss="joint")),
    "LSTM on sides": PointCandidate("t3", "", MIR, network=TrainConfig(
        epochs=2, objective="sides", min_crop=40, network={"pool": 40, "hidden": 4})),
    "LSTM on the point": PointCandidate("t4", "", MIR, network=TrainConfig(
        epochs=2, objective="point", network={"pool": 40, "hidden": 4})),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_candidate_learns_and_exports_the_same_points(kind: str,
                                                                     tmp_path: Path) -> None:
    candidate = KINDS[kind]
    columns = 26 if candidate.front_end == MIR else 250
    rows = (200, 300) if candidate.front_end == MIR else (2, 11)
    data = synthetic(60, columns, rows)
    result, model = run_candidate(candidate, data, synthetic(20, columns, rows, seed=1))
    assert len(result["cv"]) == 5 and result["spread"] > 0
    if candidate.linear is not None:  # the signal is plain in every column
        assert result["transfer"]["quadrant_accuracy"] > 0.6
    info = save_bundle(model, tmp_path / "bundle", name="t", version="0", spread=1.0,
                       training={}, metrics={}, front_end=candidate.front_end)
    graph = load_classifier(info.path).predict(data.features[:8])
    expected = candidate.points(model, data.features[:8])
    assert np.array([[p.valence, p.arousal] for p in graph]) == pytest.approx(expected,
                                                                               abs=1e-4)


def test_an_ensemble_exports_the_mean_of_its_members(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    members = {"m1": KINDS["sides on the mean"], "m2": dataclasses.replace(
        KINDS["sides on the mean"], linear=LinearConfig("mean"))}
    monkeypatch.setattr("ver_desktop.training.transfer.POINT_CANDIDATES", members)
    ensemble = PointCandidate("e", "", MUSICNN, members=("m1", "m2"))
    data = synthetic(40, 250, (2, 11))
    model = ensemble.fit(data)
    both = [members[m].points(part, data.features) for m, part in zip(("m1", "m2"), model,
                                                                         strict=True)]
    assert ensemble.points(model, data.features) == pytest.approx(np.mean(both, axis=0))
    info = save_bundle(model, tmp_path / "e", name="e", version="0", spread=1.0, training={},
                       metrics={}, front_end=MUSICNN)
    graph = load_classifier(info.path).predict(data.features[:5])
    assert [p.valence for p in graph] == pytest.approx(np.mean(both, axis=0)[:5, 0], abs=1e-4)


def result_of(kind: str, front_end: str, cv: float, transfer: float) -> dict[str, Any]:
    return {"kind": kind, "front_end": front_end, "cv": [{"quadrant_macro_f1": cv}],
            "transfer": {"quadrant_macro_f1": transfer}}


BASELINE = {"cv_quadrant_macro_f1": 0.64, "transfer_quadrant_macro_f1": 0.48}


def test_the_rule_needs_both_sets_above_the_baseline() -> None:
    results = {"good-on-4q-only": result_of("lstm", MUSICNN, 0.90, 0.40),
               "good-on-both": result_of("linear", MUSICNN, 0.70, 0.50)}
    assert choose(results, BASELINE)[0] == "good-on-both"


def test_the_rule_prefers_the_faster_front_end_within_a_tie() -> None:
    results = {"slow": result_of("linear", MUSICNN, 0.700, 0.520),
               "fast": result_of("linear", MIR, 0.695, 0.520)}
    assert choose(results, BASELINE)[0] == "fast"


def test_the_rule_prefers_an_lstm_that_clears_the_baseline(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(POINT_CANDIDATES, "some-lstm", KINDS["LSTM on sides"])
    results = {"linear": result_of("linear", MUSICNN, 0.74, 0.54),
               "lstm": result_of("lstm", MUSICNN, 0.70, 0.50),
               "mix": {**result_of("ensemble", MUSICNN, 0.72, 0.52),
                       "config": {"members": ["some-lstm"]}}}
    assert choose(results, BASELINE)[0] == "mix"
    assert choose(results, BASELINE, prefer_lstm=False)[0] == "linear"
    results["lstm"]["transfer"]["quadrant_macro_f1"] = 0.40  # no longer clears Grekow
    del results["mix"]
    assert choose(results, BASELINE)[0] == "linear"


def test_the_rule_falls_back_to_the_best_linear_readout() -> None:
    results = {"lstm": result_of("lstm", MUSICNN, 0.60, 0.50),
               "linear": result_of("linear", MIR, 0.62, 0.44)}
    chosen, why = choose(results, BASELINE)
    assert chosen == "linear" and "no candidate clears" in why


def test_the_shipped_model_changes_only_for_one_better_on_both_sets() -> None:
    results = {"shipped": result_of("linear", MUSICNN, 0.71, 0.55),
               "better-on-grekow": result_of("linear", MUSICNN, 0.70, 0.60)}
    chosen, why = choose(results, BASELINE, incumbent="shipped")
    assert choose(results, BASELINE)[0] == "better-on-grekow"  # the rule's pick
    assert chosen == "shipped" and "not better than it on both sets" in why
    results["better-on-both"] = result_of("linear", MUSICNN, 0.72, 0.59)
    chosen, why = choose(results, BASELINE, incumbent="shipped")
    assert chosen == "better-on-both" and "better than shipped on both sets" in why


def test_the_stored_results_choose_the_shipped_candidate() -> None:
    """docs/reproduction.md, the rule and the bundled default agree."""
    results = load_transfer_results(RESULTS)
    assert set(results) == set(POINT_CANDIDATES)
    assert all(r["summary"] == POINT_CANDIDATES[n].summary for n, r in results.items())
    baseline = json.loads((RESULTS / "transfer-baseline.json").read_text())
    assert choose(results, baseline, incumbent=SHIPPED)[0] == SHIPPED
    default = read_bundle_info(paths.bundled_model_dir())
    assert default.meta["training"]["candidate"] == SHIPPED
    assert default.meta["metrics"]["transfer"]["scores"]["quadrant_macro_f1"] == pytest.approx(
        results[SHIPPED]["transfer"]["quadrant_macro_f1"], abs=0.02)
