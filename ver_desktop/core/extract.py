"""What a worker process does with one path: decode the segment and compute its features.

This module is the whole of a worker's import graph: no Qt, no torch, no database.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from ver_desktop.core import frontends
from ver_desktop.core.content import check_content
from ver_desktop.core.errors import ErrorKind, MediaError
from ver_desktop.core.frontends import MIR
from ver_desktop.core.media import load_segment


@dataclass(frozen=True)
class Extracted:
    path: str
    features: np.ndarray  # (frames, features) float32
    start: float
    end: float
    duration: float
    bad_packets: int
    decode_seconds: float = 0.0
    feature_seconds: float = 0.0
    speech_likeness: float | None = None  # see content.py


@dataclass(frozen=True)
class Failed:
    path: str
    kind: ErrorKind
    reason: str


Outcome = Extracted | Failed


def extract(path: str, front_end: str = MIR) -> Outcome:
    """Features of `path`'s representative segment, or why there are none."""
    try:
        started = time.perf_counter()
        segment = load_segment(path)
        decoded = time.perf_counter()
        features = frontends.front_end(front_end).compute(signal=segment.samples,
                                                          rate=segment.rate)
        if not np.isfinite(features).all():  # no tag from numbers the model cannot read
            return Failed(path, ErrorKind.INTERNAL, "the sound gave feature values that are "
                          "not finite numbers, so it was not tagged")
        talk = talk_share(segment.samples, segment.rate)
        finished = time.perf_counter()
    except MediaError as exc:
        return Failed(path, exc.kind, exc.reason)
    except MemoryError:
        return Failed(path, ErrorKind.INTERNAL, "ran out of memory while reading the file")
    except Exception as exc:  # a decoder surprise must cost one file, not the scan
        return Failed(path, ErrorKind.INTERNAL, f"unexpected error while reading: {exc!r}")
    return Extracted(path, features, segment.start, segment.end, segment.duration,
                     segment.bad_packets, decoded - started, finished - decoded, talk)


def talk_share(samples: np.ndarray, rate: int) -> float | None:
    """The segment's talk share (content.py); None when the speech detector cannot run
    here (its native library missing or refused): the file is still tagged, unflagged."""
    try:
        return check_content(signal=samples, rate=rate).speech_likeness
    except (ImportError, OSError):
        return None


def task_for(front_end: str) -> Callable[[str], Outcome]:
    """The picklable worker task that computes `front_end` (what a bundle asks for)."""
    return partial(extract, front_end=front_end)


def quiet_worker_threads() -> None:
    """Each worker is one core's worth of work: keep numeric libraries single-threaded.
    Must run before numpy is imported in the child, so it goes into the environment the
    parent passes to `spawn`."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
