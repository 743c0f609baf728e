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


def test_bundled_model_records_its_cross_validation(bundled_model: Path) -> None:
    info = read_bundle_info(bundled_model)
    summary = info.meta["metrics"]["cross_validation"]["summary"]
    assert len(info.meta["metrics"]["cross_validation"]["per_fold"]) == 10
    assert 0.25 < summary["quadrant_accuracy"]["mean"] <= 1.0
    assert "artist" in info.meta["training"]["protocol"]


def test_predictions_are_consistent_and_batch_independent(bundled_model: Path) -> None:
    classifier = load_classifier(bundled_model)
    rng = np.random.default_rng(0)
    sequences = [rng.standard_normal((n, 26)).astype(np.float32) for n in (1199, 1199, 400)]
    together = classifier.predict(sequences)
    alone = [classifier.predict([s])[0] for s in sequences]
    for a, b in zip(together, alone, strict=True):
        assert a.quadrant_probs == pytest.approx(b.quadrant_probs, abs=1e-5)
        assert a.octant in QUADRANT_OCTANTS[a.quadrant]
        assert sum(a.quadrant_probs.values()) == pytest.approx(1.0, abs=1e-4)


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


@pytest.mark.parametrize("content", ["", "not json", "[1, 2]", '{"format": "other"}'])
def test_malformed_metadata_is_refused(tmp_path: Path, content: str) -> None:
    (tmp_path / "bundle.json").write_text(content)
    with pytest.raises(BundleError):
        read_bundle_info(tmp_path)


def test_missing_bundle_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="no model bundle"):
        read_bundle_info(tmp_path / "nothing")
