"""Is this music? A file whose sound is mostly talk has no emotion the models can read.

The models learned from music. A video whose sound is mostly talk (a vlog, a speech at a
wedding, a phone call) still gets a tag, but that tag says little; the app flags it
"mostly speech" instead of presenting a confident emotion. `speech_likeness` is the share
of the analysed audio that is talk, frame by frame, by the speech detector of speech.py
(talk over music counts; singing does not). Only the audio the model reads is checked
(`read_audio`: 3 of the segment's 10 patches, 9 s, those the default model reads): a third of the
cost of the whole segment, with the same flags on the measurement (see
`python -m ver_desktop.training.content_check`, whose figures are in its docstring).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ver_desktop.core import speech

# A file is mostly talk when at least this share of its analysed audio is talk. Measured by
# training/content_check.py (figures in its docstring): talk has pauses, so real speech
# gave shares of 0.56-0.96 (one 3-s radio clip 0.15); 17 of the 900 4Q music clips (1.9 %)
# and none of Grekow's 315 reached 0.4; talk mixed over 4Q music at equal loudness was
# flagged in 29 of 30 clips, at -6 dB in 18 of 30. At 0.5, 10 music clips and 14 of the
# -6 dB mixes: 0.4 because a missed talk lands in a relaxing playlist, while a flagged song
# is only greyed and can be tagged by hand or shown with "Include talk".
SPEECH_THRESHOLD = 0.4
CHECKED_PATCHES = 3  # 3-s patches of the segment checked: those the default model reads


@dataclass(frozen=True)
class ContentCheck:
    speech_likeness: float  # the share of the analysed audio that is talk

    @property
    def mostly_speech(self) -> bool:
        return self.speech_likeness >= SPEECH_THRESHOLD


def read_audio(signal: np.ndarray, rate: int, patches: int | None = CHECKED_PATCHES
               ) -> np.ndarray:
    """`patches` 3-s encoder patches of `signal` spread over it, first and last included
    (as the default model picks them), joined; all of it when `patches` is None or the
    signal is under a patch."""
    from ver_desktop.core.encoder import HOP, MODEL_RATE, PATCH_FRAMES, patch_count, spread

    count = patch_count(samples=len(signal), rate=rate)
    if patches is None or count == 0:
        return signal
    offsets = spread(count, patches)
    patch = PATCH_FRAMES * HOP * rate // MODEL_RATE
    parts = [signal[int(i) * patch:(int(i) + 1) * patch] for i in offsets]
    joined = np.concatenate([p for p in parts if len(p)]) if parts else signal
    return joined if len(joined) else signal


def check_content(*, signal: np.ndarray, rate: int,
                  patches: int | None = CHECKED_PATCHES) -> ContentCheck:
    """How much of `signal` (of `patches` patches spread over it; None: all of it) is
    talk."""
    share = speech.talk_share(read_audio(signal, rate, patches), rate)
    return ContentCheck(round(share, 4))
