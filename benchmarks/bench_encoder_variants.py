"""Faster variants of the musicnn graph, timed and compared with the shipped float32 graph.

    .venv/bin/python benchmarks/bench_encoder_variants.py [--clips 40] [--repeats 3]
                                                          [--json out.json]

Builds each variant in a temporary folder (nothing in the repository changes), then on one
core (one onnxruntime thread) times the graph on the 10 log-mel patches of a 30-s clip and
measures the embedding drift against the float32 graph on 4Q clips:
  * float32, as shipped, one patch per run (what the app does) and ten per run;
  * float32 with onnxruntime's graph optimisations off / basic / all;
  * dynamic int8 (weights int8, activations quantised on the fly), onnxruntime's tool;
  * static int8 (QDQ and QOperator formats, per-channel weights), calibrated on the
    patches of `--clips` 4Q clips; the drift is measured on `--clips` other 4Q clips.
The mir-1 features of the same clips are timed in the same run as the baseline, and the
physical floor beside them: the graph's multiply-accumulates per patch (from its shapes)
and this core's float32 matrix-product rate (numpy, one thread, in the same run).
Needs ../shared/data/4q (clips for calibration and drift).
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # one core per measurement, before numpy loads

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from ver_desktop.core import encoder
from ver_desktop.core.features import frame_features
from ver_desktop.core.media import load_segment
from ver_desktop.core.paths import bundled_encoder_dir

RATE = 44_100
SHARED_4Q = Path(__file__).resolve().parents[2] / "shared" / "data" / "4q"
OUTPUT = "penultimate"


def clips_4q(count: int, offset: int) -> list[np.ndarray]:
    files = sorted((SHARED_4Q / "audio").iterdir())[offset::7][:count]
    return [load_segment(path).samples for path in files]


def session(graph: Path, level: str = "all") -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = {
        "off": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}[level]
    return ort.InferenceSession(os.fspath(graph), sess_options=options,
                                providers=["CPUExecutionProvider"])


def embed(runner: Any, patches: np.ndarray, batch: int) -> np.ndarray:
    name = runner.get_inputs()[0].name
    return np.concatenate([runner.run([OUTPUT], {name: patches[i:i + batch]})[0]
                           for i in range(0, len(patches), batch)])


class _Reader:
    """Calibration patches for onnxruntime's static quantisation."""

    def __init__(self, patches: np.ndarray, name: str) -> None:
        self._items: Iterator[np.ndarray] = iter(patches)
        self._name = name

    def get_next(self) -> dict[str, np.ndarray] | None:
        item = next(self._items, None)
        return None if item is None else {self._name: item[None]}


def build_variants(folder: Path, calibration: np.ndarray) -> dict[str, Path]:
    from onnxruntime.quantization import (
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_dynamic,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    source = bundled_encoder_dir() / "model.onnx"
    prepared = folder / "prepared.onnx"
    quant_pre_process(os.fspath(source), os.fspath(prepared))
    variants = {"float32": source}
    dynamic = folder / "dynamic.onnx"
    quantize_dynamic(os.fspath(prepared), os.fspath(dynamic), weight_type=QuantType.QInt8,
                     per_channel=True)
    variants["int8 dynamic"] = dynamic
    for label, quant_format in (("QDQ", QuantFormat.QDQ), ("QOperator", QuantFormat.QOperator)):
        target = folder / f"static-{label}.onnx"
        quantize_static(os.fspath(prepared), os.fspath(target),
                        _Reader(calibration, "log_mel"), quant_format=quant_format,
                        per_channel=True, activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QInt8,
                        calibrate_method=CalibrationMethod.MinMax)
        variants[f"int8 static {label}"] = target
    return variants


def macs_per_patch(graph: Path) -> int:
    """Multiply-accumulates of the Conv and MatMul nodes for one patch."""
    import onnx
    from onnx import numpy_helper, shape_inference

    model = onnx.load(os.fspath(graph))
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 1
    model = shape_inference.infer_shapes(model)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in [*model.graph.value_info, *model.graph.output, *model.graph.input]}
    weights = {i.name: numpy_helper.to_array(i).shape for i in model.graph.initializer}
    total = 0
    for node in model.graph.node:
        if node.op_type == "Conv":  # every output value: in-channels x kernel MACs
            total += int(np.prod(shapes[node.output[0]])) * int(np.prod(weights[node.input[1]][1:]))
        elif node.op_type == "MatMul":
            total += int(np.prod(shapes[node.input[0]])) * int(weights[node.input[1]][-1])
    return total


def matmul_gmacs(size: int = 1024, repeats: int = 5) -> float:
    """This core's float32 matrix-product rate, in billions of multiply-accumulates per s."""
    rng = np.random.default_rng(0)
    a, b = (rng.random((size, size), dtype=np.float32) for _ in range(2))
    a @ b
    best = min(ms(partial(np.matmul, a, b)) for _ in range(repeats))
    return size**3 / (best / 1000) / 1e9


def ms(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return 1000 * (time.perf_counter() - started)


def drift(reference: np.ndarray, other: np.ndarray) -> dict[str, float]:
    difference = np.abs(reference - other)
    return {"max_abs": float(difference.max()), "mean_abs": float(difference.mean()),
            "reference_std": float(reference.std())}


def measure(clips: int, repeats: int) -> dict[str, Any]:
    calibration_clips = clips_4q(clips, 0)
    test_clips = clips_4q(clips, 3)
    calibration = np.concatenate([encoder.log_mel_patches(signal=c, rate=RATE)
                                  for c in calibration_clips])
    test = [encoder.log_mel_patches(signal=c, rate=RATE) for c in test_clips]
    ten = [t for t in test if len(t) == 10]
    rows: dict[str, dict[str, Any]] = {}
    features_ms = float(np.median([ms(partial(frame_features, signal=c, rate=RATE))
                                   for c in test_clips[:10] for _ in range(repeats)]))
    with tempfile.TemporaryDirectory() as temporary:
        variants = build_variants(Path(temporary), calibration)
        reference_runner = session(variants["float32"])
        reference = np.concatenate([embed(reference_runner, t, 1) for t in test])
        cases: list[tuple[str, Path, str, int]] = [
            ("float32, 1 patch per run (shipped)", variants["float32"], "all", 1),
            ("float32, 10 patches per run", variants["float32"], "all", 10),
            ("float32, optimisations off", variants["float32"], "off", 1),
            ("float32, basic optimisations", variants["float32"], "basic", 1),
        ]
        for name, graph in variants.items():
            if name != "float32":
                cases += [(name, graph, "all", 1), (name + ", 10 per run", graph, "all", 10)]
        for label, graph, level, batch in cases:
            runner = session(graph, level)
            embed(runner, ten[0], batch)  # first run apart
            per_clip = float(np.median([ms(partial(embed, runner, p, batch))
                                        for p in ten[:10] for _ in range(repeats)]))
            values = np.concatenate([embed(runner, t, batch) for t in test])
            rows[label] = {"graph_ms_per_clip": per_clip, "graph_kb": graph.stat().st_size // 1024,
                           "drift": drift(reference, values)}
    return {"clips": clips, "repeats": repeats, "features_ms_per_clip": features_ms,
            "macs_per_patch": macs_per_patch(bundled_encoder_dir() / "model.onnx"),
            "matmul_gmacs": matmul_gmacs(),
            "patches_tested": int(sum(len(t) for t in test)), "variants": rows}


def report(figures: dict[str, Any]) -> None:
    base = figures["features_ms_per_clip"]
    print(f"\n== musicnn graph variants, one core: ms per 30-s clip (10 patches); drift of the "
          f"200-d embedding against float32 on {figures['patches_tested']} 4Q patches ==")
    print(f"mir-1 features (baseline): {base:.1f} ms per clip")
    print(f"{'variant':<44}{'graph ms':>9}{'x mir-1':>8}{'KB':>7}{'max drift':>10}"
          f"{'mean':>8}")
    for label, row in figures["variants"].items():
        d = row["drift"]
        print(f"{label:<44}{row['graph_ms_per_clip']:>9.1f}"
              f"{row['graph_ms_per_clip'] / base:>8.2f}{row['graph_kb']:>7}"
              f"{d['max_abs']:>10.4f}{d['mean_abs']:>8.4f}")
    spread = next(iter(figures["variants"].values()))["drift"]["reference_std"]
    print(f"(the embedding's values spread with a standard deviation of {spread:.3f})")
    macs, rate = figures["macs_per_patch"], figures["matmul_gmacs"]
    shipped = next(iter(figures["variants"].values()))["graph_ms_per_clip"]
    floor = 10 * macs / (rate * 1e9) * 1000
    print(f"floor: {macs / 1e9:.2f} G multiply-accumulates per patch, {10 * macs / 1e9:.1f} G "
          f"per clip; this core multiplies float32 matrices at {rate:.1f} G/s, so 10 patches "
          f"cost at least {floor:.0f} ms; the shipped graph runs at "
          f"{floor / shipped:.0%} of that rate")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clips", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not (SHARED_4Q / "audio").is_dir():
        print(f"needs the 4Q clips at {SHARED_4Q}", file=sys.stderr)
        return 2
    figures = measure(args.clips, args.repeats)
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
