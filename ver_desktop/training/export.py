"""Export a trained point model (an LSTM or a linear readout) to ONNX and write it as a
bundle with its metadata. Every graph takes z-scored features `[batch, time, features]` and
returns `va [batch, 2]`."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ver_desktop.core.bundle import READOUT_KIND, BundleInfo, write_bundle
from ver_desktop.core.frontends import MIR
from ver_desktop.training.fit import Normaliser, Trained
from ver_desktop.training.linear import LinearPoint
from ver_desktop.training.transfer import Scaled

OPSET = 17


class _PointOf(nn.Module):
    """An EmotionLSTM reduced to the output every label is read from: its V/A point."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)[2]


class ClipLinear(nn.Module):
    """A LinearPoint as a graph: summarise the z-scored steps, standardise, one affine map."""

    def __init__(self, linear: LinearPoint) -> None:
        super().__init__()
        self.summary = linear.summary
        self.joint = linear.loss == "joint"  # 4 quadrant scores, read as each axis's sides
        weights = linear.weights / linear.scale[:, None]
        bias = linear.bias - (linear.center / linear.scale) @ linear.weights
        self.affine = nn.Linear(len(weights), weights.shape[1])
        with torch.no_grad():
            self.affine.weight.copy_(torch.as_tensor(weights.T, dtype=torch.float32))
            self.affine.bias.copy_(torch.as_tensor(bias, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mean = x.mean(dim=1)
        if self.summary == "mean":
            out = self.affine(mean)
        else:
            std = torch.sqrt(torch.clamp((x * x).mean(dim=1) - mean * mean, min=0.0))
            if self.summary == "spread":
                out = self.affine(torch.cat([mean, std], dim=1))
            else:
                change = (x[:, 1:] - x[:, :-1]).abs().mean(dim=1)
                out = self.affine(torch.cat([mean, std, change], dim=1))
        if not self.joint:
            return out
        # sides_of_quadrants (training/linear.py): PV-PA, NV-PA, NV-NA, PV-NA
        def either(a: int, b: int) -> torch.Tensor:  # log(e^a + e^b); ONNX lacks logaddexp
            return torch.logsumexp(out[:, [a, b]], dim=1)

        valence = either(0, 3) - either(1, 2)
        arousal = either(0, 1) - either(2, 3)
        return torch.stack([valence, arousal], dim=1)


class _MeanOf(nn.Module):
    """An ensemble: the mean of its members' points (members share one input normaliser)."""

    def __init__(self, members: list[nn.Module]) -> None:
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([m(x) for m in self.members]).mean(dim=0)


class _Times(nn.Module):
    def __init__(self, module: nn.Module, factor: float) -> None:
        super().__init__()
        self.module = module
        self.factor = factor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.module(x) * self.factor


PointModel = Trained | LinearPoint | Scaled | list[Any]


def point_graph(model: PointModel) -> tuple[nn.Module, Normaliser, dict[str, Any]]:
    """The module to export, its input normaliser and a description of its architecture."""
    if isinstance(model, Scaled):
        module, normaliser, architecture = point_graph(model.model)
        return (_Times(module, model.scale), normaliser,
                {**architecture, "onto_label_scale": round(model.scale, 6)})
    if isinstance(model, list):
        parts = [point_graph(member) for member in model]
        normaliser = parts[0][1]
        for _, other, _ in parts[1:]:  # all fitted on the same clips, so the same statistics
            np.testing.assert_allclose(other.mean, normaliser.mean, rtol=1e-5)
        return (_MeanOf([module for module, _, _ in parts]), normaliser,
                {"type": "mean of points", "members": [arch for _, _, arch in parts]})
    if isinstance(model, LinearPoint):
        return (ClipLinear(model), model.normaliser,
                {"type": "ClipLinear", "summary": model.summary, "loss": model.loss,
                 "regularisation": model.alpha})
    return (_PointOf(model.model.eval()), model.normaliser,
            {"type": "EmotionLSTM", **model.model.config.to_dict()})


def onnx_bytes(module: nn.Module, features: int) -> bytes:
    """The module as an ONNX graph with dynamic batch and time axes."""
    module = module.eval()
    example = torch.zeros(1, 120, features)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # The LSTM is exported at batch 1 with zero initial states, which is what the
        # warning asks for; the graph is checked at other batch sizes in the tests.
        warnings.filterwarnings("ignore", message="Exporting a model to ONNX with a batch")
        # The LSTM's size checks are traced as constants: the graph is checked at other
        # batch sizes and lengths in the tests.
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        torch.onnx.export(
            module, (example,), buffer,  # type: ignore[arg-type]
            input_names=["features"], output_names=["va"],
            dynamic_axes={"features": {0: "batch", 1: "time"}, "va": {0: "batch"}},
            opset_version=OPSET, dynamo=False,
        )
    return buffer.getvalue()


def save_bundle(model: PointModel, folder: Path, *, name: str, version: str,
                spread: float, training: dict[str, Any], metrics: dict[str, Any],
                front_end: str = MIR, extra: dict[str, Any] | None = None) -> BundleInfo:
    module, normaliser, architecture = point_graph(model)
    meta = {
        "name": name,
        "version": version,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "architecture": architecture,
        "readout": {"kind": READOUT_KIND, "spread": round(float(spread), 4),
                    "rule": "quadrant: the signs of the (valence, arousal) point; octant: its "
                            "angle; probabilities: a normal distribution of standard deviation "
                            "`spread` around it, integrated over each sector"},
        "normalisation": {"mean": np.asarray(normaliser.mean).tolist(),
                          "std": np.asarray(normaliser.std).tolist()},
        "training": training,
        "metrics": metrics,
        **(extra or {}),
    }
    graph = onnx_bytes(module, len(normaliser.mean))
    return write_bundle(folder, graph, meta, front_end)
