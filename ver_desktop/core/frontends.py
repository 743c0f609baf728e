"""Front ends: what turns a decoded segment into the sequence a model reads.

A model bundle names the front end it was trained on; workers compute exactly that one.
Each front end is one object in `FRONT_ENDS`, under its version; adding one is adding an
entry there.
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
- `musicnn-msd-6`: as `musicnn-msd-4` (3 spread patches) with every output of the graph:
  the penultimate layer, its 753-unit mean and max pools and the tag scores (1,756 values
  per patch; the same graph run, so the same cost). For training experiments (issue 24).
- `musicnn-mtt-1`: as `musicnn-msd-4` (the same 3 patches) with musicnn's MTT_musicnn
  encoder (the same network trained on MagnaTagATune's tags) instead: its penultimate layer
  and its 50 tag scores, named with an `mtt:` prefix. The same cost.
- `musicnn-both-1`: per patch of the same 3, the `musicnn-msd-4` columns then the
  `musicnn-mtt-1` ones (500): two graphs per patch, about twice the cost.
  These two are for training experiments too (issue 24): the desktop bundle carries the MTT
  encoder only when a bundled model reads it (packaging/ver-desktop.spec), and timelines
  refuse them (they embed whole files with musicnn-msd only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ver_desktop.core.features import FEATURE_NAMES, FEATURE_VERSION, frame_features
from ver_desktop.core.paths import DEFAULT_ENCODER

if TYPE_CHECKING:
    from ver_desktop.core.encoder import Encoder

MIR = FEATURE_VERSION
MUSICNN = "musicnn-msd-1"
MUSICNN_LEVELLED = "musicnn-msd-2"
MUSICNN_OUTPUTS = ("penultimate", "tags")
MSD_ENCODER = DEFAULT_ENCODER  # "musicnn-msd", its columns named as they always were
MTT_ENCODER = "musicnn-mtt"
# What each encoder's column names start with, so that two encoders' columns differ
# (both have e.g. a "rock" tag).
COLUMN_PREFIX = {MSD_ENCODER: "", MTT_ENCODER: "mtt:"}
SEGMENT_PATCHES = 10  # encoder patches in a 30-s segment
LEVEL_DBFS = -18.0  # typical RMS of mastered music (the 4Q clips' median: -17.7 dBFS)
MAX_GAIN_DB = 30.0  # near-silence is not blown up into noise


class FrontEnd(Protocol):
    """What the workers compute for a model, and what a bundle records of it."""

    @property
    def version(self) -> str: ...

    @property
    def patches_run(self) -> int:
        """Encoder graph runs per 30-s segment, a patch through each encoder read (0 without
        an encoder): how costly it is, the graphs being almost all of the cost."""
        ...

    def compute(self, *, signal: np.ndarray, rate: int) -> np.ndarray:
        """(steps, features) float32 for a mono signal."""
        ...

    def feature_names(self) -> list[str]:
        """The columns of `compute`, as recorded in model bundles."""
        ...

    def window_offsets(self, patches: int) -> np.ndarray:
        """Which of a window's `patches` consecutive encoder patches `compute` reads, as it
        picks them from a segment (timelines build windows from these); a ValueError for a
        front end timelines cannot follow."""
        ...


@dataclass(frozen=True)
class Mir:
    """Hand-made frame features (features.py)."""

    version: str

    @property
    def patches_run(self) -> int:
        return 0

    def compute(self, *, signal: np.ndarray, rate: int) -> np.ndarray:
        return frame_features(signal=signal, rate=rate)

    def feature_names(self) -> list[str]:
        return list(FEATURE_NAMES)

    def window_offsets(self, patches: int) -> np.ndarray:
        raise _not_followed(self.version)


@dataclass(frozen=True)
class Musicnn:
    """Bundled musicnn encoders' outputs per 3-s patch, those of each of `encoders` side by
    side in that order; `level` scales the segment to LEVEL_DBFS first, `keep` reads only
    that many patches spread over it, `outputs` names the graph's outputs read."""

    version: str
    level: bool = False
    keep: int | None = None
    outputs: tuple[str, ...] = MUSICNN_OUTPUTS
    encoders: tuple[str, ...] = (MSD_ENCODER,)

    @property
    def patches_run(self) -> int:
        return (self.keep or SEGMENT_PATCHES) * len(self.encoders)

    def compute(self, *, signal: np.ndarray, rate: int) -> np.ndarray:
        if self.level:
            signal = levelled(signal)
        if len(self.encoders) == 1:
            return _encoder(self.encoders[0]).embed(signal=signal, rate=rate,
                                                    outputs=self.outputs, keep=self.keep)
        from ver_desktop.core.encoder import log_mel_patches

        # the same log-mel patches for every encoder: computed once
        batch = log_mel_patches(signal=signal, rate=rate, keep=self.keep)
        runs = [_encoder(name).run(batch, self.outputs) for name in self.encoders]
        return np.concatenate([values[output] for values in runs for output in self.outputs],
                              axis=1)

    def feature_names(self) -> list[str]:
        from ver_desktop.core.encoder import read_encoder_info

        names: list[str] = []
        for encoder in self.encoders:
            info = read_encoder_info(name=encoder)
            sizes = info.output_sizes
            prefix = COLUMN_PREFIX[encoder]
            for output in self.outputs:
                names += ([f"{prefix}tag:{name}" for name in info.meta["tags"]]
                          if output == "tags"
                          else [f"{prefix}{output}_{i}" for i in range(sizes[output])])
        return names

    def window_offsets(self, patches: int) -> np.ndarray:
        from ver_desktop.core.encoder import spread

        # Timelines embed the audio as it is read, with musicnn-msd's usual outputs
        if (self.level or self.outputs != MUSICNN_OUTPUTS
                or self.encoders != (MSD_ENCODER,)):
            raise _not_followed(self.version)
        if self.keep is None:
            return np.arange(patches)
        return spread(patches, self.keep)


def _registry(*front_ends: FrontEnd) -> dict[str, FrontEnd]:
    return {each.version: each for each in front_ends}


FRONT_ENDS = _registry(
    Mir(MIR),
    Musicnn(MUSICNN),
    Musicnn(MUSICNN_LEVELLED, level=True),
    Musicnn("musicnn-msd-3", keep=5),
    Musicnn("musicnn-msd-4", keep=3),
    Musicnn("musicnn-msd-5", keep=2),
    Musicnn("musicnn-msd-6", keep=3, outputs=("penultimate", "mean_pool", "max_pool", "tags")),
    Musicnn("musicnn-mtt-1", keep=3, encoders=(MTT_ENCODER,)),
    Musicnn("musicnn-both-1", keep=3, encoders=(MSD_ENCODER, MTT_ENCODER)),
)


def front_end(version: str) -> FrontEnd:
    """The registered front end `version`; a ValueError naming the known ones otherwise."""
    try:
        return FRONT_ENDS[version]
    except KeyError:
        raise ValueError(f"unknown front end {version!r}; known: "
                         f"{', '.join(FRONT_ENDS)}") from None


def encoders_read(version: str) -> tuple[str, ...]:
    """The bundled encoders (folders of resources/encoders/) front end `version` runs: what
    a bundle with a model reading it must carry."""
    reads = front_end(version)
    return reads.encoders if isinstance(reads, Musicnn) else ()


def whole_patches(*, signal: np.ndarray, rate: int) -> np.ndarray:
    """Every 3-s patch of `signal` as the musicnn front ends embed it before picking, one
    row each: what timelines cut their windows from (see `FrontEnd.window_offsets`)."""
    return _encoder().embed(signal=signal, rate=rate, outputs=MUSICNN_OUTPUTS)


def levelled(signal: np.ndarray) -> np.ndarray:
    """`signal` scaled to LEVEL_DBFS RMS (by at most MAX_GAIN_DB either way)."""
    rms = float(np.sqrt(np.mean(np.square(signal, dtype=np.float64))))
    if rms == 0.0:
        return signal
    gain_db = np.clip(LEVEL_DBFS - 20 * np.log10(rms), -MAX_GAIN_DB, MAX_GAIN_DB)
    return (signal * np.float32(10 ** (gain_db / 20))).astype(np.float32, copy=False)


def _not_followed(version: str) -> ValueError:
    return ValueError(f"timelines follow the musicnn front ends read as they are; the model "
                      f"reads {version!r}")


def _encoder(name: str = MSD_ENCODER) -> Encoder:
    """The bundled encoder `name`, loaded once per process: workers keep it for every file
    they read."""
    from ver_desktop.core.encoder import bundled_encoder

    return bundled_encoder(name)
