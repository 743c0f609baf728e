"""The bundled models: each loads, names the front end it needs and records both evaluation
protocols, and the model card is generated from their own metadata."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ver_desktop.core import paths
from ver_desktop.core.bundle import load_classifier, read_bundle_info
from ver_desktop.core.errors import BundleError
from ver_desktop.core.frontends import FRONT_ENDS, MIR, MUSICNN, front_end
from ver_desktop.training.model_card import write_model_card

MODELS = tuple(paths.bundled_models())


def test_every_bundled_model_records_both_protocols() -> None:
    assert paths.DEFAULT_MODEL in MODELS
    for name in MODELS:
        info = read_bundle_info(paths.model_dir(name))
        assert info.front_end in FRONT_ENDS
        metrics = info.meta["metrics"]
        assert len(metrics["cross_validation"]["per_fold"]) == 10 and metrics["candidate"]
        assert "Grekow" in metrics["transfer"]["data"]
        assert 0.25 < metrics["transfer"]["scores"]["quadrant_accuracy"] <= 1.0
        assert "cross-validation" in metrics["spread_from"] and info.spread > 0


def test_model_choice_by_name_or_folder(tmp_path: Path) -> None:
    assert paths.model_dir(None) == paths.bundled_model_dir()
    assert paths.model_dir("ver-musicnn") == paths.resources_dir() / "models" / "ver-musicnn"
    assert paths.model_dir(tmp_path) == tmp_path


def test_musicnn_front_end_gives_one_row_per_three_seconds() -> None:
    signal = np.random.default_rng(1).normal(0, 0.1, 30 * 44_100).astype(np.float32)
    rows = front_end(MUSICNN).compute(signal=signal, rate=44_100)
    assert rows.shape == (10, len(front_end(MUSICNN).feature_names())) == (10, 250)
    assert rows.dtype == np.float32 and np.isfinite(rows).all()
    with pytest.raises(ValueError, match="unknown front end"):
        front_end("mir-0")


def test_accurate_model_classifies_a_real_file(media_files: dict[str, Path],
                                               data_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ver_desktop", "--model", "ver-musicnn", "classify", "--json",
         os.fspath(media_files["music.mp4"])], capture_output=True, text=True, check=False,
        env=os.environ.copy(), timeout=300)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["status"] == "ok" and record["model"].startswith("ver-musicnn@")
    assert sum(record["quadrant_probs"].values()) == pytest.approx(1.0, abs=1e-3)


def test_a_bundle_of_one_front_end_refuses_the_other_s_columns(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    shutil.copytree(paths.model_dir("ver-musicnn"), folder)
    meta = json.loads((folder / "bundle.json").read_text())
    meta["feature_names"] = front_end(MIR).feature_names()
    (folder / "bundle.json").write_text(json.dumps(meta))
    with pytest.raises(BundleError, match="trained on features 'musicnn-msd-4'"):
        load_classifier(folder)


def test_model_card_is_generated_from_the_bundles(tmp_path: Path) -> None:
    for name in MODELS:
        shutil.copytree(paths.model_dir(name), tmp_path / name)
    card = tmp_path / "MODEL_CARD.md"
    write_model_card(tmp_path, card)
    text = card.read_text()
    for name in MODELS:
        meta = read_bundle_info(tmp_path / name).meta
        f1 = meta["metrics"]["cross_validation"]["summary"]["quadrant_macro_f1"]
        assert f"`{name}@{meta['version']}`" in text
        assert f"{f1['mean']:.3f} ± {f1['sd']:.3f}" in text
        transfer = meta["metrics"]["transfer"]["scores"]["quadrant_macro_f1"]
        assert f"| quadrant macro-F1 | Grekow | {transfer:.3f} |" in text
    assert "research use" in text and "speech" in text


def test_the_shipped_model_card_names_the_shipped_models() -> None:
    text = (paths.resources_dir() / "models" / "MODEL_CARD.md").read_text()
    for name in MODELS:
        info = read_bundle_info(paths.model_dir(name))
        assert f"`{info.tag}`" in text, "regenerate it: python -m ver_desktop.training.model_card"


def test_the_scan_time_in_words_follows_the_front_end() -> None:
    from ver_desktop.core.model_choice import ModelSummary, scan_minutes

    assert scan_minutes(121.0) == pytest.approx(2.81, abs=0.01)
    assert scan_minutes(363.0) > 2 * scan_minutes(121.0) - 1
    slow = ModelSummary("slow", "slow@1", "careful", 300.0, None, None)
    assert slow.speed == "about 5 minutes for 1,000 songs on a 2-core laptop"
    assert ModelSummary("x", "x@1", "", 0.0, None, None).speed.startswith("about 1 minute ")
    assert ModelSummary("x", "x@1", "", None, None, None).speed == ""
