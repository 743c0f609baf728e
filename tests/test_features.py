"""The spectral feature set: shape, meaning of the values, input validation, and agreement
with librosa where the definitions coincide."""

from __future__ import annotations

import numpy as np
import pytest

from ver_desktop.core.errors import FeatureInputError
from ver_desktop.core.features import FEATURE_NAMES, frame_count, frame_features

RATE = 44_100


def column(features: np.ndarray, name: str) -> np.ndarray:
    return features[:, FEATURE_NAMES.index(name)]


def tone(freq: float, seconds: float = 2.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_thirty_seconds_give_1199_frames_of_float32() -> None:
    signal = np.random.default_rng(0).standard_normal(30 * RATE).astype(np.float32) * 0.1
    features = frame_features(signal=signal, rate=RATE)
    assert features.shape == (1199, len(FEATURE_NAMES)) == (1199, 26)
    assert features.dtype == np.float32
    assert frame_count(samples=30 * RATE, rate=RATE) == 1199
    assert np.isfinite(features).all()


def test_pure_tone_centroid_rolloff_and_zero_crossings() -> None:
    features = frame_features(signal=tone(1000.0), rate=RATE)
    assert np.median(column(features, "centroid")) == pytest.approx(1000.0, rel=0.05)
    assert np.median(column(features, "rolloff85")) == pytest.approx(1000.0, abs=60.0)
    assert np.median(column(features, "zcr")) == pytest.approx(2000.0, rel=0.02)
    assert np.median(column(features, "brightness")) < 0.1
    assert np.median(column(features, "rms")) == pytest.approx(0.5 / np.sqrt(2), rel=0.02)


def test_noise_is_flat_and_high_entropy_a_tone_is_not() -> None:
    rng = np.random.default_rng(1)
    noisy = frame_features(signal=rng.standard_normal(2 * RATE).astype(np.float32), rate=RATE)
    tonal = frame_features(signal=tone(440.0), rate=RATE)
    assert np.median(column(noisy, "flatness")) > 0.5 > np.median(column(tonal, "flatness"))
    assert np.median(column(noisy, "entropy")) > 0.9 > np.median(column(tonal, "entropy"))
    assert np.median(column(noisy, "brightness")) > 0.8


def test_flux_rises_when_the_spectrum_changes() -> None:
    signal = np.concatenate([tone(300.0, 1.0), tone(3000.0, 1.0)])
    flux = column(frame_features(signal=signal, rate=RATE), "flux")
    change = len(flux) // 2
    assert flux[change - 2 : change + 2].max() > 10 * np.median(flux)


def test_silence_gives_finite_values() -> None:
    features = frame_features(signal=np.zeros(RATE, np.float32), rate=RATE)
    assert np.isfinite(features).all()


def test_centroid_agrees_with_librosa() -> None:
    librosa = pytest.importorskip("librosa")
    rng = np.random.default_rng(2)
    signal = np.cumsum(rng.standard_normal(3 * RATE)).astype(np.float32)
    signal = (signal - signal.mean()) / np.abs(signal).max() * 0.5
    ours = column(frame_features(signal=signal, rate=RATE), "centroid")
    spectrum = np.abs(librosa.stft(signal, n_fft=2205, hop_length=1102, window="hamming",
                                   center=False))[: len(np.arange(0, 11_026, RATE / 2205))]
    freqs = np.arange(spectrum.shape[0]) * RATE / 2205
    theirs = (spectrum * freqs[:, None]).sum(0) / spectrum.sum(0)
    assert np.allclose(ours, theirs, rtol=1e-3)


@pytest.mark.parametrize(
    ("signal", "rate", "message"),
    [
        (np.zeros((2, RATE), np.float32), RATE, "mono"),
        (np.zeros(RATE, np.int16), RATE, "floating"),
        (np.full(RATE, np.nan, np.float32), RATE, "NaN"),
        (np.zeros(100, np.float32), RATE, "shorter"),
        (np.zeros(RATE, np.float32), 22_050, "sample rate"),
    ],
)
def test_bad_input_is_refused_at_the_boundary(signal: np.ndarray, rate: int,
                                              message: str) -> None:
    with pytest.raises(FeatureInputError, match=message):
        frame_features(signal=signal, rate=rate)


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        frame_features(np.zeros(RATE, np.float32), RATE)  # type: ignore[misc]
