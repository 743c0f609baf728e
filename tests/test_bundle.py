"""Model bundles: the bundled model loads and agrees with itself; bad bundles are refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ver_desktop.core.bundle import load_classifier, read_bundle_info
from ver_desktop.core.errors import BundleError
from ver_desktop.core.labels import QUADRANT_OCTANTS


def test_bundled_model_records_both_protocols(bundled_model: Path) -> None:
    info = read_bundle_info(bundled_model)
    metrics = info.meta["metrics"]
    summary = metrics["cross_validation"]["summary"]
    assert len(metrics["cross_validation"]["per_fold"]) == 10
    assert 0.25 < summary["quadrant_accuracy"]["mean"] <= 1.0
    assert 0.25 < metrics["transfer"]["scores"]["quadrant_accuracy"] <= 1.0
    assert "artist" in info.meta["training"]["protocol"]
    assert info.role and info.front_end_ms and info.spread > 0


def test_predictions_are_consistent_and_batch_independent(bundled_model: Path) -> None:
    classifier = load_classifier(bundled_model)
    columns = len(classifier.info.meta["feature_names"])
    rng = np.random.default_rng(0)
    sequences = [rng.standard_normal((n, columns)).astype(np.float32) for n in (10, 10, 4)]
    together = classifier.predict(sequences)
    alone = [classifier.predict([s])[0] for s in sequences]
    for a, b in zip(together, alone, strict=True):
        assert a.quadrant_probs == pytest.approx(b.quadrant_probs, abs=1e-5)
        assert a.octant in QUADRANT_OCTANTS[a.quadrant]
        assert sum(a.quadrant_probs.values()) == pytest.approx(1.0, abs=1e-4)


def test_a_wider_spread_makes_the_same_point_less_certain(bundled_model: Path,
                                                          tmp_path: Path) -> None:
    folder = copy_bundle(bundled_model, tmp_path)
    classifier = load_classifier(bundled_model)
    sequence = np.random.default_rng(0).standard_normal(
        (6, len(classifier.info.meta["feature_names"]))).astype(np.float32)
    sure = classifier.predict([sequence])[0]
    edit_meta(folder, readout={"kind": "va-point", "spread": 1e6})
    unsure = load_classifier(folder).predict([sequence])[0]
    assert (unsure.valence, unsure.arousal, unsure.quadrant) == (
        sure.valence, sure.arousal, sure.quadrant)
    assert all(p == pytest.approx(0.25, abs=1e-4) for p in unsure.quadrant_probs.values())


def copy_bundle(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "bundle"
    shutil.copytree(source, target)
    return target


def edit_meta(folder: Path, **changes: object) -> None:
    meta = json.loads((folder / "bundle.json").read_text())
    meta.update(changes)
    (folder / "bundle.json").write_text(json.dumps(meta))


def test_feature_version_mismatch_is_refused(bundled_model: Path, tmp_path: Path) -> None:
    folder = copy_bundle(bundled_model, tmp_path)
    edit_meta(folder, feature_version="mir-0")
    with pytest.raises(BundleError, match="trained on features 'mir-0'"):
        load_classifier(folder)


def test_tampered_graph_is_refused(bundled_model: Path, tmp_path: Path) -> None:
    folder = copy_bundle(bundled_model, tmp_path)
    with open(folder / "model.onnx", "ab") as graph:
        graph.write(b"\0")
    with pytest.raises(BundleError, match="checksum"):
        load_classifier(folder)


@pytest.mark.parametrize("readout", [None, "va-point", {"kind": "va-point"},
                                     {"kind": "logits", "spread": 1.0},
                                     {"kind": "va-point", "spread": -1},
                                     {"kind": "va-point", "spread": "wide"}])
def test_a_bundle_without_a_valid_point_readout_is_refused(bundled_model: Path, tmp_path: Path,
                                                            readout: object) -> None:
    folder = copy_bundle(bundled_model, tmp_path)
    edit_meta(folder, readout=readout)
    with pytest.raises(BundleError, match="readout must be"):
        read_bundle_info(folder)


def test_a_bundle_from_before_the_point_models_says_to_retrain(bundled_model: Path,
                                                                tmp_path: Path) -> None:
    folder = copy_bundle(bundled_model, tmp_path)
    meta = json.loads((folder / "bundle.json").read_text())
    del meta["readout"]
    (folder / "bundle.json").write_text(json.dumps(meta))
    with pytest.raises(BundleError, match=r"older version of ver_desktop.*retrain"):
        read_bundle_info(folder)


def test_a_graph_outside_the_bundle_folder_is_refused(bundled_model: Path,
                                                       tmp_path: Path) -> None:
    folder = copy_bundle(bundled_model, tmp_path)
    shutil.copy(folder / "model.onnx", tmp_path / "elsewhere.onnx")
    edit_meta(folder, graph="../elsewhere.onnx")
    with pytest.raises(BundleError, match="outside its folder"):
        load_classifier(folder)


@pytest.mark.parametrize("content", ["", "not json", "[1, 2]", '{"format": "other"}'])
def test_malformed_metadata_is_refused(tmp_path: Path, content: str) -> None:
    (tmp_path / "bundle.json").write_text(content)
    with pytest.raises(BundleError):
        read_bundle_info(tmp_path)


def test_missing_bundle_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="no model bundle"):
        read_bundle_info(tmp_path / "nothing")


def test_features_of_another_front_end_are_refused_in_words(bundled_model: Path) -> None:
    classifier = load_classifier(bundled_model)
    with pytest.raises(ValueError, match=r"reads 250 musicnn-msd-\d values per step"):
        classifier.predict([np.zeros((1199, 26), np.float32)])


def external_data_graph(folder: Path) -> str:
    """A tiny graph saved with its weights in weights.bin beside it; returns its checksum."""
    import hashlib

    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weights = numpy_helper.from_array(np.ones((4, 2), np.float32), name="W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["features", "W"], ["va"])], "g",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("va", TensorProto.FLOAT, [1, 2])], [weights])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save_model(model, folder / "model.onnx", save_as_external_data=True,
                    location="weights.bin", size_threshold=0)
    return hashlib.sha256((folder / "model.onnx").read_bytes()).hexdigest()


def test_a_graph_with_external_data_is_refused(bundled_model: Path, tmp_path: Path) -> None:
    """Issue 11, item 7: weights.bin beside the graph is not covered by the checksum."""
    folder = copy_bundle(bundled_model, tmp_path)
    edit_meta(folder, sha256=external_data_graph(folder))
    assert (folder / "weights.bin").is_file()
    with pytest.raises(BundleError, match="external data"):
        load_classifier(folder)


def test_a_file_that_is_not_onnx_but_matches_its_checksum_is_refused_in_words(
        bundled_model: Path, tmp_path: Path) -> None:
    import hashlib

    folder = copy_bundle(bundled_model, tmp_path)
    (folder / "model.onnx").write_bytes(b"not a graph at all")
    edit_meta(folder, sha256=hashlib.sha256(b"not a graph at all").hexdigest())
    with pytest.raises(BundleError, match="not an ONNX graph"):
        load_classifier(folder)


MALFORMED: dict[str, dict[str, object]] = {
    "quadrants as a number": {"quadrants": 5},
    "octants as text": {"octants": "happy"},
    "feature names as a number": {"feature_names": 7},
    "normalisation without mean": {"normalisation": {"std": [1.0]}},
    "normalisation of the wrong length": {"normalisation": {"mean": [0.0], "std": [1.0]}},
    "normalisation as a list": {"normalisation": [1, 2]},
    "a zero std": {"normalisation": "zero-std"},
    "name as a number": {"name": 3},
    "graph as a list": {"graph": ["model.onnx"]},
    "readout spread as text": {"readout": {"kind": "va-point", "spread": "1"}},
    "readout spread not finite": {"readout": {"kind": "va-point", "spread": float("inf")}},
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_every_malformed_field_is_refused_in_words(bundled_model: Path, tmp_path: Path,
                                                   case: str) -> None:
    """Issue 11, item 8: one clear BundleError per fault, never a traceback of another kind."""
    folder = copy_bundle(bundled_model, tmp_path)
    changes = dict(MALFORMED[case])
    if changes.get("normalisation") == "zero-std":
        norm = json.loads((folder / "bundle.json").read_text())["normalisation"]
        changes["normalisation"] = {"mean": norm["mean"], "std": [0.0] * len(norm["std"])}
    edit_meta(folder, **changes)
    with pytest.raises(BundleError):
        load_classifier(folder)


def test_deeply_nested_metadata_is_refused_in_words(tmp_path: Path) -> None:
    (tmp_path / "bundle.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(BundleError, match="unreadable"):
        read_bundle_info(tmp_path)


def test_a_graph_with_another_input_name_is_refused(bundled_model: Path,
                                                    tmp_path: Path) -> None:
    import hashlib

    import onnx

    folder = copy_bundle(bundled_model, tmp_path)
    model = onnx.load(folder / "model.onnx")
    for node in model.graph.node:
        node.input[:] = ["frames" if i == "features" else i for i in node.input]
    model.graph.input[0].name = "frames"
    onnx.save_model(model, folder / "model.onnx")
    edit_meta(folder, sha256=hashlib.sha256((folder / "model.onnx").read_bytes()).hexdigest())
    with pytest.raises(BundleError, match="must take 'features'"):
        load_classifier(folder)
