"""Real recorded speech for tests, read from the Debian packages scripts/setup.sh installs
(pocketsphinx-testdata: LibriVox readings and spoken cards, public domain; codec2-examples:
radio voices). A test that needs them fails with a clear message when they are absent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ver_desktop.core.media import SAMPLE_RATE, stream_audio

POCKETSPHINX = Path("/usr/share/pocketsphinx/test/data")
CODEC2 = Path("/usr/share/codec2/wav")


def _read(path: Path) -> np.ndarray:
    if not path.is_file():
        pytest.fail(f"{path} is missing: run scripts/setup.sh, which installs the Debian "
                    "packages pocketsphinx-testdata and codec2-examples (real speech)")
    return np.concatenate(list(stream_audio(path, 1 << 20)))


def librivox() -> np.ndarray:
    """24 s of a man reading Sense and Sensibility (five clips), mono at 44.1 kHz."""
    return np.concatenate([_read(POCKETSPHINX / "librivox" /
                                 f"sense_and_sensibility_01_austen_64kb-0{n}.wav")
                           for n in (870, 880, 890, 920, 930)])


def voices() -> np.ndarray:
    """57 s of radio voices, men and women (codec2's all.wav), mono at 44.1 kHz."""
    return _read(CODEC2 / "all.wav")


def talk(seconds: float) -> np.ndarray:
    """`seconds` of real talk: the LibriVox readings, then the radio voices."""
    samples = np.concatenate([librivox(), voices()])
    if seconds * SAMPLE_RATE > len(samples):
        raise ValueError(f"only {len(samples) / SAMPLE_RATE:.0f} s of speech here")
    return samples[:round(seconds * SAMPLE_RATE)].astype(np.float32)


def over(music: np.ndarray, speech: np.ndarray, db: float) -> np.ndarray:
    """`speech` mixed over `music` (of one length) at `db` against the music's loudness."""
    def rms(x: np.ndarray) -> float:
        return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))

    gain = 10 ** (db / 20) * rms(music) / max(rms(speech), 1e-9)
    return (music + gain * speech).astype(np.float32)
