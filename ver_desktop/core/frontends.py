"""Front ends: what turns a decoded segment into the sequence a model reads.

A model bundle names the front end it was trained on; workers compute exactly that one.
- `mir-1`: 26 MIRtoolbox-style values per 50-ms Hamming frame (features.py), ~20 ms per
  30-s clip on one core.
- `musicnn-msd-1`: per 3-s patch, the 200-unit penultimate layer and the 50 tag scores of
  the bundled musicnn encoder (encoder.py), ~0.4 s per 30-s clip on one core.
- `musicnn-msd-2`: the same after levelling the segment to LEVEL_DBFS RMS, so a quiet
  recording and a loud master of the same music give the same embedding (musicnn's
  log-mel input depends on the absolute level; home videos and old recordings sit far
  below mastered music).
- `musicnn-msd-3`, `musicnn-msd-4` and `musicnn-msd-5`: as `musicnn-msd-1` on 5, 3 and 2 of
  the segment's 3-s patches, spread evenly over it (the graph is almost all of the cost, per
  patch).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from ver_desktop.core.features import FEATURE_NAMES, FEATURE_VERSION, frame_features

if TYPE_CHECKING:
    from ver_desktop.core.encoder import Encoder

MIR = FEATURE_VERSION
MUSICNN = "musicnn-msd-1"
MUSICNN_LEVELLED = "musicnn-msd-2"
MUSICNN_KEPT = {"musicnn-msd-3": 5, "musicnn-msd-4": 3, "musicnn-msd-5": 2}  # patches kept
FRONT_ENDS = (MIR, MUSICNN, MUSICNN_LEVELLED, *MUSICNN_KEPT)
MUSICNN_OUTPUTS = ("penultimate", "tags")
LEVEL_DBFS = -18.0  # typical RMS of mastered music (the 4Q clips' median: -17.7 dBFS)
MAX_GAIN_DB = 30.0  # near-silence is not blown up into noise


def patches_run(version: str) -> int:
    """Encoder patches a front end runs per 30-s segment (0 for mir-1): how costly it is."""
    if version == MIR:
        return 0
    return MUSICNN_KEPT.get(version, 10)


def window_offsets(version: str, patches: int) -> np.ndarray:
    """Which of a window's `patches` consecutive encoder patches the front end `version`
    reads, as `compute` picks them from a segment (timelines build windows from these)."""
    from ver_desktop.core.encoder import spread

    if version == MUSICNN:
        return np.arange(patches)
    if version in MUSICNN_KEPT:
        return spread(patches, MUSICNN_KEPT[version])
    raise ValueError(f"timelines follow the musicnn front ends read as they are; the model "
                     f"reads {version!r}")


def feature_names(version: str) -> list[str]:
    """The columns of `compute(version, ...)`, as recorded in model bundles."""
    if version == MIR:
        return list(FEATURE_NAMES)
    if version in (MUSICNN, MUSICNN_LEVELLED, *MUSICNN_KEPT):
        from ver_desktop.core.encoder import read_encoder_info

        info = read_encoder_info()
        sizes = info.output_sizes
        return ([f"penultimate_{i}" for i in range(sizes["penultimate"])]
                + [f"tag:{name}" for name in info.meta["tags"]])
    raise ValueError(f"unknown front end {version!r}; known: {', '.join(FRONT_ENDS)}")


def compute(version: str, *, signal: np.ndarray, rate: int) -> np.ndarray:
    """(steps, features) float32 for a mono signal."""
    if version == MIR:
        return frame_features(signal=signal, rate=rate)
    if version == MUSICNN:
        return _encoder().embed(signal=signal, rate=rate, outputs=MUSICNN_OUTPUTS)
    if version == MUSICNN_LEVELLED:
        return _encoder().embed(signal=levelled(signal), rate=rate, outputs=MUSICNN_OUTPUTS)
    if version in MUSICNN_KEPT:
        return _encoder().embed(signal=signal, rate=rate, outputs=MUSICNN_OUTPUTS,
                                keep=MUSICNN_KEPT[version])
    raise ValueError(f"unknown front end {version!r}; known: {', '.join(FRONT_ENDS)}")


def levelled(signal: np.ndarray) -> np.ndarray:
    """`signal` scaled to LEVEL_DBFS RMS (by at most MAX_GAIN_DB either way)."""
    rms = float(np.sqrt(np.mean(np.square(signal, dtype=np.float64))))
    if rms == 0.0:
        return signal
    gain_db = np.clip(LEVEL_DBFS - 20 * np.log10(rms), -MAX_GAIN_DB, MAX_GAIN_DB)
    return (signal * np.float32(10 ** (gain_db / 20))).astype(np.float32, copy=False)


@cache
def _encoder() -> Encoder:
    """Loaded once per process: workers keep it for every file they read."""
    from ver_desktop.core.encoder import load_encoder

    return load_encoder()
