"""Is this music? A cheap check for audio the emotion models were never trained on.

The models learned from music. A video whose sound is mostly speech (a vlog, a lecture, a
phone call) still gets a tag, but that tag says little; the app flags it "mostly speech"
instead of presenting a confident emotion. Three classic cues of speech against music
(Scheirer & Slaney 1997), from the loudness envelope of the analysed segment:
- `low_energy`: share of 20-ms frames quieter than half the mean loudness (speech pauses
  between words and phrases; music sustains);
- `pauses`: share of frames 30 dB or more below the loud frames (near silence);
- `syllabic`: share of the envelope's modulation energy at 3-6 Hz, the syllable rate.
A logistic model over the three (fitted by `python -m ver_desktop.training.content_check`,
which prints its weights and error rates) gives `speech_likeness` in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAME_SECONDS = 0.02
CUES = ("low_energy", "pauses", "syllabic")
# Fitted by ver_desktop.training.content_check on the 4Q music clips against synthetic speech;
# standardisation (mean, sd) per cue, then logistic weights and bias.
CUE_MEAN = np.array([0.2276, 0.05603, 0.26882])
CUE_SD = np.array([0.14586, 0.10342, 0.10335])
WEIGHTS = np.array([4.12472, 1.58615, 1.40517])
BIAS = -4.82768
SPEECH_THRESHOLD = 0.5


@dataclass(frozen=True)
class ContentCheck:
    speech_likeness: float

    @property
    def mostly_speech(self) -> bool:
        return self.speech_likeness >= SPEECH_THRESHOLD


def speech_cues(*, signal: np.ndarray, rate: int) -> np.ndarray:
    """The three cues of the module docstring, for a mono signal of a few seconds or more."""
    frame = int(rate * FRAME_SECONDS)
    count = len(signal) // frame
    if count < 50:
        raise ValueError("at least one second of audio is needed")
    frames = np.asarray(signal[: count * frame], np.float64).reshape(count, frame)
    rms = np.sqrt(np.mean(frames * frames, axis=1)) + 1e-9
    level = 20 * np.log10(rms)
    low_energy = float(np.mean(rms < 0.5 * rms.mean()))
    pauses = float(np.mean(level < np.percentile(level, 95) - 30))
    return np.array([low_energy, pauses, _syllabic(level)])


def _syllabic(level: np.ndarray) -> float:
    """Share of 0.5-12 Hz envelope modulation energy that lies at 3-6 Hz (2-s windows)."""
    window = int(2 / FRAME_SECONDS)
    hops = range(0, len(level) - window + 1, window // 2)
    spectra = [np.abs(np.fft.rfft((level[i:i + window] - level[i:i + window].mean())
                                  * np.hanning(window))) ** 2 for i in hops]
    power = np.mean(spectra, axis=0)
    freqs = np.fft.rfftfreq(window, FRAME_SECONDS)
    total = power[(freqs >= 0.5) & (freqs <= 12)].sum()
    return float(power[(freqs >= 3) & (freqs <= 6)].sum() / total) if total > 0 else 0.0


def check_content(*, signal: np.ndarray, rate: int) -> ContentCheck:
    z = (speech_cues(signal=signal, rate=rate) - CUE_MEAN) / CUE_SD
    score = 1 / (1 + np.exp(-(float(z @ WEIGHTS) + BIAS)))
    return ContentCheck(round(float(score), 4))
