"""Export a trained network to ONNX and write it as a bundle with its metadata."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from pathlib import Path
from typing import Any

import torch

from ver_desktop.core.bundle import BundleInfo, write_bundle
from ver_desktop.core.frontends import MIR
from ver_desktop.training.fit import Trained

OPSET = 17


def onnx_bytes(trained: Trained) -> bytes:
    """The network as an ONNX graph with dynamic batch and time axes."""
    model = trained.model.eval()
    example = torch.zeros(1, 120, model.config.features)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # The LSTM is exported at batch 1 with zero initial states, which is what the
        # warning asks for; the graph is checked at other batch sizes in the tests.
        warnings.filterwarnings("ignore", message="Exporting a model to ONNX with a batch")
        _export(model, example, buffer)
    return buffer.getvalue()


def _export(model: torch.nn.Module, example: torch.Tensor, buffer: io.BytesIO) -> None:
    torch.onnx.export(
        model, (example,), buffer,  # type: ignore[arg-type]
        input_names=["features"],
        output_names=["quadrant_logits", "octant_logits", "va"],
        dynamic_axes={"features": {0: "batch", 1: "time"}, "quadrant_logits": {0: "batch"},
                      "octant_logits": {0: "batch"}, "va": {0: "batch"}},
        opset_version=OPSET, dynamo=False,
    )


def save_bundle(trained: Trained, folder: Path, *, name: str, version: str,
                training: dict[str, Any], metrics: dict[str, Any],
                calibration: dict[str, float] | None = None,
                front_end: str = MIR) -> BundleInfo:
    meta = {
        "name": name,
        "version": version,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "architecture": {"type": "EmotionLSTM", **trained.model.config.to_dict()},
        "va_source": "regression head trained on valence_z/arousal_z (mean squared error)",
        "octant_rule": "most probable octant inside the predicted quadrant",
        "normalisation": {"mean": trained.normaliser.mean.tolist(),
                          "std": trained.normaliser.std.tolist()},
        "calibration": calibration or {},
        "training": training,
        "metrics": metrics,
    }
    return write_bundle(folder, onnx_bytes(trained), meta, front_end)
