"""MIRtoolbox-style spectral features per Hamming-windowed frame, in numpy/scipy, float32.

Frames are 50 ms with a 50 % hop (MIRtoolbox's default): 2,205 samples, hop 1,102 at
44.1 kHz, so 30 s give 1,199 frames. Spectral features are computed on the magnitude
spectrum below `BAND_LIMIT_HZ`: much of the training audio was encoded with a low-pass at
11-16 kHz, while people's own videos usually carry the full band, so ignoring the top
octave keeps the features comparable across both (see docs in `FEATURE_NAMES` order).

The list, its order and its parameters are versioned by `FEATURE_VERSION`; a model bundle
records the version it was trained on and refuses a mismatch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.fft

from ver_desktop.core.errors import FeatureInputError

FEATURE_VERSION = "mir-1"
FRAME_SECONDS = 0.05
HOP_FRACTION = 0.5
BAND_LIMIT_HZ = 11_025.0
BRIGHTNESS_CUTOFF_HZ = 1_500.0
MEL_BANDS = 40
MFCC_COUNT = 13
SUPPORTED_RATES = (44_100,)

FEATURE_NAMES: tuple[str, ...] = (
    "centroid",  # Hz, first moment of the magnitude spectrum
    "spread",  # Hz, its standard deviation
    "skewness",
    "kurtosis",
    "flatness",  # geometric / arithmetic mean of the magnitudes
    "entropy",  # Shannon entropy of the normalised spectrum, divided by log(bins)
    "rolloff85",  # Hz below which 85 % of the magnitude lies
    "rolloff95",
    "brightness",  # share of the magnitude above 1,500 Hz
    "irregularity",  # Jensen: sum (a_k - a_k+1)^2 / sum a_k^2
    "flux",  # Euclidean distance between successive normalised spectra
    "zcr",  # sign changes per second
    "rms",  # root mean square of the (unwindowed) frame
    *(f"mfcc{i}" for i in range(1, MFCC_COUNT + 1)),  # 40 mel bands, log10, DCT-II, 1..13
)
_EPS = 1e-10


@dataclass(frozen=True)
class _Plan:
    """Constants that depend only on the sample rate, computed once."""

    frame: int
    hop: int
    bins: int
    window: np.ndarray
    powers: np.ndarray  # (bins, 4): normalised frequency to the powers 1..4
    bright_from: int
    mel: np.ndarray  # (bins, MEL_BANDS)
    dct: np.ndarray  # (MEL_BANDS, MFCC_COUNT)
    hz_per_bin: float
    nyquist_band: float


def frame_count(*, samples: int, rate: int) -> int:
    """How many frames `frame_features` returns for a signal of `samples` samples."""
    plan = _plan(rate)
    return 0 if samples < plan.frame else 1 + (samples - plan.frame) // plan.hop


def frame_features(*, signal: np.ndarray, rate: int) -> np.ndarray:
    """(frames, len(FEATURE_NAMES)) float32 features of a mono signal."""
    x = _validated(signal, rate)
    plan = _plan(rate)
    frames = np.lib.stride_tricks.sliding_window_view(x, plan.frame)[:: plan.hop]
    mag = _magnitudes(frames, plan)
    out = np.empty((len(frames), len(FEATURE_NAMES)), np.float32)
    total = mag.sum(axis=1) + _EPS
    _moments(mag, total, plan, out)
    _shape(mag, total, plan, out)
    out[:, 11] = _zero_crossings(x, plan, len(frames)) * rate
    out[:, 12] = np.sqrt(np.einsum("ij,ij->i", frames, frames) / plan.frame)
    out[:, 13:] = np.log10(mag @ plan.mel + _EPS) @ plan.dct
    return out


def checked_signal(signal: np.ndarray, rate: int, *, rows: Callable[..., int],
                   too_short: Callable[[float], str],
                   rates: tuple[int, ...] = SUPPORTED_RATES) -> np.ndarray:
    """The input contract every front end shares: a finite, floating-point, mono signal at
    one of `rates`, long enough that `rows(samples=, rate=)` is not zero (`too_short`
    gets its length in seconds). Returns it as contiguous float32."""
    if rate not in rates:
        raise FeatureInputError(f"sample rate must be one of {rates}, got {rate}")
    x = np.asarray(signal)
    if x.ndim != 1:
        raise FeatureInputError(f"signal must be mono (1-D), got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.floating):
        raise FeatureInputError(f"signal must be floating point, got {x.dtype}")
    if rows(samples=len(x), rate=rate) == 0:
        raise FeatureInputError(too_short(len(x) / rate))
    x = np.ascontiguousarray(x, dtype=np.float32)
    if not np.isfinite(x).all():
        raise FeatureInputError("signal contains NaN or infinite values")
    return x


def _validated(signal: np.ndarray, rate: int) -> np.ndarray:
    return checked_signal(signal, rate, rows=frame_count, too_short=lambda _: (
        f"signal shorter than one {FRAME_SECONDS * 1000:.0f} ms frame"))


def _magnitudes(frames: np.ndarray, plan: _Plan) -> np.ndarray:
    spectrum = scipy.fft.rfft(frames * plan.window, axis=1, workers=1)
    return np.abs(spectrum[:, : plan.bins])


def _moments(mag: np.ndarray, total: np.ndarray, plan: _Plan, out: np.ndarray) -> None:
    """Centroid, spread, skewness and kurtosis from raw moments (one matrix product)."""
    raw = (mag @ plan.powers).astype(np.float64) / total[:, None]
    m1, m2, m3, m4 = raw.T
    var = np.maximum(m2 - m1**2, 1e-12)
    sd = np.sqrt(var)
    mu3 = m3 - 3 * m1 * m2 + 2 * m1**3
    mu4 = m4 - 4 * m1 * m3 + 6 * m1**2 * m2 - 3 * m1**4
    out[:, 0] = m1 * plan.nyquist_band
    out[:, 1] = sd * plan.nyquist_band
    out[:, 2] = mu3 / sd**3
    out[:, 3] = mu4 / var**2


def _shape(mag: np.ndarray, total: np.ndarray, plan: _Plan, out: np.ndarray) -> None:
    """Flatness, entropy, roll-offs, brightness, irregularity and flux."""
    bins = mag.shape[1]
    log_mag = np.log(mag + _EPS)
    mean_log = log_mag.mean(axis=1)
    out[:, 4] = np.exp(mean_log) / (total / bins)
    # sum p log p with p = mag / total, without forming p.
    plogp = np.einsum("ij,ij->i", mag, log_mag) / total - np.log(total)
    out[:, 5] = -plogp / np.log(bins)
    cumulative = np.cumsum(mag, axis=1)
    out[:, 6] = _rolloff(cumulative, total, 0.85) * plan.hz_per_bin
    out[:, 7] = _rolloff(cumulative, total, 0.95) * plan.hz_per_bin
    out[:, 8] = (total - cumulative[:, plan.bright_from - 1]) / total
    step = np.diff(mag, axis=1)
    out[:, 9] = np.einsum("ij,ij->i", step, step) / (np.einsum("ij,ij->i", mag, mag) + _EPS)
    normalised = mag / total[:, None]
    change = np.diff(normalised, axis=0)
    out[0, 10] = 0.0
    out[1:, 10] = np.sqrt(np.einsum("ij,ij->i", change, change))


def _rolloff(cumulative: np.ndarray, total: np.ndarray, share: float) -> np.ndarray:
    below = cumulative < (share * total)[:, None]
    return below.sum(axis=1)


def _zero_crossings(x: np.ndarray, plan: _Plan, count: int) -> np.ndarray:
    """Share of adjacent sample pairs that change sign, per frame, from one cumulative sum."""
    changes = np.concatenate(([0], np.cumsum(np.signbit(x[1:]) != np.signbit(x[:-1]))))
    starts = np.arange(count) * plan.hop
    return (changes[starts + plan.frame - 1] - changes[starts]) / (plan.frame - 1)


@lru_cache(maxsize=4)
def _plan(rate: int) -> _Plan:
    frame = round(FRAME_SECONDS * rate)
    hop = int(frame * HOP_FRACTION)
    hz_per_bin = rate / frame
    bins = int(BAND_LIMIT_HZ / hz_per_bin) + 1
    band = (bins - 1) * hz_per_bin
    freqs = np.arange(bins) * hz_per_bin / band
    powers = np.stack([freqs**k for k in range(1, 5)], axis=1).astype(np.float32)
    return _Plan(
        frame=frame,
        hop=hop,
        bins=bins,
        window=np.hamming(frame).astype(np.float32),
        powers=powers,
        bright_from=int(np.ceil(BRIGHTNESS_CUTOFF_HZ / hz_per_bin)),
        mel=_mel_filterbank(bins, hz_per_bin),
        dct=_dct_matrix(),
        hz_per_bin=hz_per_bin,
        nyquist_band=band,
    )


def _mel_filterbank(bins: int, hz_per_bin: float) -> np.ndarray:
    """Triangular filters evenly spaced on the mel scale, 0 Hz to the band limit."""
    def mel(hz: np.ndarray) -> np.ndarray:
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    def hz(m: np.ndarray) -> np.ndarray:
        return 700.0 * (10 ** (m / 2595.0) - 1.0)

    edges = hz(np.linspace(0.0, mel(np.array(BAND_LIMIT_HZ)), MEL_BANDS + 2))
    freqs = np.arange(bins) * hz_per_bin
    bank = np.zeros((bins, MEL_BANDS), np.float32)
    for b in range(MEL_BANDS):
        lo, mid, hi = edges[b], edges[b + 1], edges[b + 2]
        rising = (freqs - lo) / (mid - lo)
        falling = (hi - freqs) / (hi - mid)
        bank[:, b] = np.clip(np.minimum(rising, falling), 0.0, None) * 2.0 / (hi - lo)
    return bank


def _dct_matrix() -> np.ndarray:
    """Orthonormal DCT-II rows 1..MFCC_COUNT (row 0, overall level, duplicates rms)."""
    basis = scipy.fft.dct(np.eye(MEL_BANDS), type=2, norm="ortho", axis=0)
    return basis[1 : MFCC_COUNT + 1].T.astype(np.float32).copy()
