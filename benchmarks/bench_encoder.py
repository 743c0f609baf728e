"""Time of the musicnn encoder per 30-s clip against the mir-1 features in the same run.

    .venv/bin/python benchmarks/bench_encoder.py [--clips 5] [--seconds 30] [--repeats 3]
                                                 [--json out.json]

Generates seeded music-like clips at 44.1 kHz (not timed), then, on one core (one thread
for numpy and onnxruntime), alternately times on each clip:
  1. mir-1: `frame_features`, what a scan computes today (the baseline);
  2. the encoder: `Encoder.embed` (resampling to 16 kHz, log-mel patches, the ONNX graph
     on all 10 patches), and its stages apart;
  3. the default model's front end as a scan computes it (`FrontEnd.compute` of the
     bundled model's `feature_version`, e.g. musicnn-msd-4: the graph on 3 patches); its
     ratio to (1) is the figure the issue's target is about (<= 4).
Medians over `--repeats` x `--clips` calls; first calls and loading are reported apart.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_name] = "1"  # one core per measurement, before numpy loads

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.fspath(REPO / "tests"))

import mediagen

from ver_desktop.core import encoder
from ver_desktop.core.bundle import read_bundle_info
from ver_desktop.core.encoder import load_encoder
from ver_desktop.core.features import FEATURE_VERSION, frame_features
from ver_desktop.core.frontends import front_end
from ver_desktop.core.paths import bundled_model_dir

RATE = 44_100


def _ms(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return 1000 * (time.perf_counter() - started)


def _log_mel_patches(resampled: np.ndarray) -> np.ndarray:
    return encoder.patches(encoder.log_mel(resampled))


def measure(clips: list[np.ndarray], repeats: int) -> dict[str, Any]:
    loading = _ms(load_encoder)  # includes importing onnxruntime and the graph's checksum
    model = load_encoder()
    first = _ms(lambda: model.embed(signal=clips[0], rate=RATE))
    feature_first = _ms(lambda: frame_features(signal=clips[0], rate=RATE))
    default = front_end(read_bundle_info(bundled_model_dir()).meta["feature_version"])
    default.compute(signal=clips[0], rate=RATE)  # first call apart
    times: dict[str, list[float]] = {k: [] for k in ("features", "embed", "resample",
                                                     "log_mel", "graph", "default")}
    for _ in range(repeats):  # interleaved, so both see the same machine
        for clip in clips:
            times["features"].append(_ms(partial(frame_features, signal=clip, rate=RATE)))
            times["embed"].append(_ms(partial(model.embed, signal=clip, rate=RATE)))
            times["default"].append(_ms(partial(default.compute, signal=clip, rate=RATE)))
            resampled = encoder.resample(clip, RATE)
            times["resample"].append(_ms(partial(encoder.resample, clip, RATE)))
            times["log_mel"].append(_ms(partial(_log_mel_patches, resampled)))
            batch = _log_mel_patches(resampled)
            times["graph"].append(_ms(partial(model.run, batch, ("penultimate",))))
    medians = {k: float(np.median(v)) for k, v in times.items()}
    return {
        "clips": len(clips), "clip_seconds": len(clips[0]) / RATE, "repeats": repeats,
        "patches_per_clip": len(encoder.log_mel_patches(signal=clips[0], rate=RATE)),
        "encoder": model.tag, "features": FEATURE_VERSION,
        "median_ms": medians, "encoder_over_features": medians["embed"] / medians["features"],
        "default_front_end": default.version,
        "default_over_features": medians["default"] / medians["features"],
        "encoder_load_ms": loading, "encoder_first_call_ms": first,
        "features_first_call_ms": feature_first,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(f: dict[str, Any]) -> None:
    m = f["median_ms"]
    print(f"\n== encoder benchmark: {f['clips']} clips x {f['clip_seconds']:.0f} s at 44.1 kHz, "
          f"one core, median of {f['repeats']} x {f['clips']} ==")
    print(f"{'per clip':<44}{'ms':>10}")
    print(f"  {'mir-1 frame_features (baseline)':<42}{m['features']:>10.1f}"
          f"   first call {f['features_first_call_ms']:.1f} ms")
    print(f"  {f['encoder'] + ' Encoder.embed':<42}{m['embed']:>10.1f}"
          f"   first call {f['encoder_first_call_ms']:.1f} ms")
    print(f"    {'resample 44.1 -> 16 kHz':<40}{m['resample']:>10.1f}")
    print(f"    {'log-mel patches':<40}{m['log_mel']:>10.1f}")
    print(f"    {'graph (' + str(f['patches_per_clip']) + ' patches, onnxruntime)':<40}"
          f"{m['graph']:>10.1f}")
    print(f"  {'ratio encoder / mir-1':<42}{f['encoder_over_features']:>10.2f}")
    print(f"  {'default front end ' + f['default_front_end']:<42}{m['default']:>10.1f}")
    print(f"  {'ratio default front end / mir-1':<42}{f['default_over_features']:>10.2f}"
          "   target <= 4")
    print(f"  {'encoder load (once per process)':<42}{f['encoder_load_ms']:>10.1f}")
    print(f"  {'peak RSS of this process':<42}{f['peak_rss_mb']:>9.0f}M")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clips", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    clips = [mediagen.music(args.seconds, seed=i, tempo=80 + 7 * i) for i in range(args.clips)]
    figures = measure(clips, args.repeats)
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
