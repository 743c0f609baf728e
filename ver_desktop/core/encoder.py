"""A pretrained audio encoder (musicnn's MSD_musicnn, ISC) as per-patch embeddings.

Two are converted (tools/musicnn/convert.py), each a folder of resources/encoders/:
`musicnn-msd` (MSD_musicnn, the default, trained on last.fm tags of the Million Song
Dataset) and `musicnn-mtt` (MTT_musicnn, the same network trained on MagnaTagATune's tags,
for training experiments). Both read the same log-mel patches and have the same outputs;
`bundled_encoder(name)` loads one once per process.

`Encoder.embed(signal=..., rate=44100)` returns `(patches, D)` float32: one row per 3-s patch
of the signal, the graph outputs named in `outputs` side by side, in that order:
`penultimate` (200, the default), `tags` (50 sigmoid scores, names in `Encoder.tags`),
`mean_pool` and `max_pool` (753 each). E.g. `outputs=("penultimate", "tags")` gives
columns 0-199 penultimate, 200-249 tags.

The front end is musicnn's own (`musicnn.extractor.batch_data` under the librosa 0.7 and
resampy 0.2 it was released with) in numpy; tests/test_encoder.py checks it against that:
  * 44.1 -> 16 kHz with resampy 0.2's `kaiser_best` filter (what librosa.load used),
    rebuilt here as one weight matrix. The filter matters more than one would guess:
    log10(10000 S + 1) lifts the nearly empty 7.5-8 kHz bands, where resamplers differ
    most. Against resampy 0.2 on 4Q clips, scipy's default resample_poly moved the 200-d
    embedding by up to 1.3 (its values spread about 0.6), soxr_hq (librosa.load since
    0.10) by up to 0.7, resampy 0.4's kaiser_best by up to 1.3; this replica by < 1e-3;
  * power mel spectrogram: centred STFT, reflect padding, periodic Hann window, n_fft 512,
    hop 256, 96 Slaney-scale bands 0-8 kHz with Slaney (area) normalisation;
  * rounded to float16 (musicnn's training data was stored so), then log10(10000 S + 1)
    computed in float32. musicnn writes `np.log10(10000 * S16 + 1)`: numpy < 2 promoted
    that to float32, numpy 2 keeps float16 and overflows to inf wherever S > 6.55 (any
    loud music), so the float32 step is explicit here;
  * non-overlapping 187-frame patches from frame 0; a tail shorter than a patch is dropped.

Loaded like a model bundle: JSON metadata and a checksummed ONNX graph, nothing executed.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.fft

from ver_desktop.core.errors import BundleError
from ver_desktop.core.features import checked_signal
from ver_desktop.core.onnx_graph import open_session, read_metadata
from ver_desktop.core.paths import DEFAULT_ENCODER, bundled_encoder_dir

ENCODER_FORMAT = "ver-desktop-encoder/1"
METADATA_FILE = "encoder.json"
SUPPORTED_RATES = (44_100,)
MODEL_RATE = 16_000
N_FFT = 512
HOP = 256
N_MELS = 96
PATCH_FRAMES = 187  # 3 s: librosa.time_to_frames(3, sr=16000, n_fft=512, hop_length=256) + 1
DEFAULT_OUTPUTS = ("penultimate",)
BATCH_PATCHES = 1  # patches per graph run: bigger batches are no faster on one thread
_FRONT_END = {"sample_rate": MODEL_RATE, "n_fft": N_FFT, "hop_length": HOP, "n_mels": N_MELS}
_REQUIRED = ("format", "name", "version", "graph", "sha256", "input", "outputs", "tags",
             "front_end", "patch_frames")


def patch_count(*, samples: int, rate: int) -> int:
    """How many rows `Encoder.embed` returns for a signal of `samples` samples."""
    resampled = -(-samples * MODEL_RATE // rate)  # as `resample`: ceil
    frames = 1 + resampled // HOP
    return max(0, (frames - PATCH_FRAMES) // PATCH_FRAMES + 1)


def log_mel_patches(*, signal: np.ndarray, rate: int, keep: int | None = None) -> np.ndarray:
    """(patches, 187, 96) float32 log-mel patches, the graph's input, of a 44.1 kHz signal.
    With `keep`, only the patches `spread` picks, and only their audio is resampled and
    transformed (the rows equal the full computation's rows of the same patches)."""
    x = _validated(signal, rate)
    if keep is None:
        return patches(log_mel(resample(x, rate)))
    chosen = spread(patch_count(samples=len(x), rate=rate), keep)
    frames = (chosen[:, None] * PATCH_FRAMES + np.arange(PATCH_FRAMES)).reshape(-1)
    resampled = resample(x, rate, only=_samples_under(frames, -(-len(x) * MODEL_RATE // rate)))
    return log_mel(resampled, frames=frames).reshape(len(chosen), PATCH_FRAMES, N_MELS)


def _samples_under(frames: np.ndarray, count: int) -> list[tuple[int, int]]:
    """The 16-kHz sample ranges that the STFT frames `frames` (sorted) read, merged and
    clipped to the signal, whose reflected edges fall inside them."""
    ranges: list[tuple[int, int]] = []
    for frame in frames:
        low, high = max(0, frame * HOP - N_FFT // 2), min(count, frame * HOP + N_FFT // 2 + 1)
        if ranges and low <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], high))
        else:
            ranges.append((low, high))
    return [(int(low), int(high)) for low, high in ranges]


def spread(count: int, keep: int) -> np.ndarray:
    """Indices of at most `keep` of `count` patches, evenly spread, first and last included."""
    return np.unique(np.round(np.linspace(0, count - 1, min(count, keep))).astype(np.int64))


def resample(signal: np.ndarray, rate: int, *,
             only: Sequence[tuple[int, int]] | None = None) -> np.ndarray:
    """`signal` at MODEL_RATE, as librosa.load (resampy 0.2, kaiser_best) resampled it.
    With `only`, just those [first, stop) output ranges are computed, the rest left 0.

    The output falls in blocks of `up` samples that each read one window of input with the
    same weights: one matrix product (about 10x faster than scipy's resample_poly with
    this long filter, and equal to it within float32 rounding)."""
    up, down, lead, bank = _resampler(rate)
    count = -(-len(signal) * up // down)  # ceil, as librosa's fix_length
    blocks = -(-count // up)
    padded = np.zeros(lead + blocks * down + len(bank), np.float32)
    padded[lead:lead + len(signal)] = signal
    windows = np.lib.stride_tricks.sliding_window_view(padded, len(bank))[::down][:blocks]
    wanted = [(0, blocks)] if only is None else [(low // up, -(-high // up))
                                                  for low, high in only]
    out = np.zeros((blocks, up), np.float32)
    for low, high in wanted:
        for first in range(low, high, _BLOCKS_PER_PRODUCT):  # bounds the windows' copy
            stop = min(high, first + _BLOCKS_PER_PRODUCT)
            out[first:stop] = np.ascontiguousarray(windows[first:stop]) @ bank
    return out.reshape(-1)[:count]


# resampy 0.2's kaiser_best: a Kaiser-windowed sinc tabulated at 512 points per zero crossing.
_KB_ZEROS, _KB_PRECISION = 64, 512
_KB_BETA, _KB_ROLLOFF = 14.769656459379492, 0.9475937167399596
_BLOCKS_PER_PRODUCT = 4096  # 13 MB of windows at 44.1 kHz, 41 s of output


@lru_cache(maxsize=2)
def _resampler(rate: int) -> tuple[int, int, int, np.ndarray]:
    """(up, down, taps before, weights [window, up]): resampy 0.2's kaiser_best resampling
    from `rate` as a weight matrix from one window of input to `up` output samples."""
    common = math.gcd(rate, MODEL_RATE)
    up, down = MODEL_RATE // common, rate // common
    size = _KB_ZEROS * _KB_PRECISION
    table = (_KB_ROLLOFF * np.sinc(_KB_ROLLOFF * np.linspace(0, _KB_ZEROS, size + 1))
             * np.kaiser(2 * size + 1, _KB_BETA)[size:])
    exact = up / down * _KB_PRECISION  # table entries per input sample
    step = int(exact)  # resampy steps through the table by whole entries: copied
    taps = len(table) // step + 1  # per side; the table reads as 0 past its end
    out = np.arange(up)[:, None]
    before = out * down // up  # the input sample at or before each output, in the window
    phase = (out * down % up) / up  # how far past it the output lies, in input samples
    tap = np.arange(taps)
    entries = np.arange(len(table))
    past = np.interp(phase * exact + tap * step, entries, table, right=0.0)
    future = np.interp((1 - phase) * exact + tap * step, entries, table, right=0.0)
    bank = np.zeros((taps + int(before[-1, 0]) + taps, up))
    bank[taps - 1 + before - tap, out] = past  # x[n - tap]
    bank[taps + before + tap, out] = future  # x[n + 1 + tap]
    return up, down, taps - 1, (bank * (up / down)).astype(np.float32)


def log_mel(signal: np.ndarray, *, frames: np.ndarray | None = None) -> np.ndarray:
    """(frames, 96) float32 log-mel spectrogram of a 16 kHz signal, as musicnn computes it;
    with `frames`, only those STFT frames."""
    padded = np.pad(signal, N_FFT // 2, mode="reflect")
    windows = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
    if frames is not None:
        windows = windows[frames]
    # librosa windows in float64 and keeps complex64; doing the same keeps float16 ties rare.
    spectrum = scipy.fft.rfft(windows * _window(), axis=1, workers=1).astype(np.complex64)
    power = np.abs(spectrum) ** 2
    mel = (power @ mel_filterbank()).astype(np.float16)
    return np.log10(10000.0 * mel.astype(np.float32) + 1.0)


def patches(spectrogram: np.ndarray) -> np.ndarray:
    """Non-overlapping PATCH_FRAMES-frame patches from frame 0, the short tail dropped."""
    count = max(0, (len(spectrogram) - PATCH_FRAMES) // PATCH_FRAMES + 1)
    used = spectrogram[: count * PATCH_FRAMES]
    return np.ascontiguousarray(used.reshape(count, PATCH_FRAMES, spectrogram.shape[1]))


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    """The periodic Hann window librosa uses (scipy.signal.get_window("hann", N_FFT)), in
    numpy: importing scipy.signal would load most of scipy into every worker."""
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(N_FFT) / N_FFT)


@lru_cache(maxsize=1)
def mel_filterbank() -> np.ndarray:
    """(257, 96) float32: librosa.filters.mel(sr=16000, n_fft=512, n_mels=96), i.e. Slaney
    mel scale and Slaney (area) normalisation, 0 Hz to Nyquist."""
    fft_hz = np.linspace(0.0, MODEL_RATE / 2, N_FFT // 2 + 1)
    edges = _mel_to_hz(np.linspace(0.0, _hz_to_mel(MODEL_RATE / 2), N_MELS + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_hz[None, :]
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return np.ascontiguousarray(weights.T, dtype=np.float32)


# Slaney's mel scale: linear below 1 kHz (3 mels per 200 Hz), logarithmic above.
_F_SP, _MIN_LOG_HZ = 200.0 / 3, 1000.0
_MIN_LOG_MEL, _LOG_STEP = _MIN_LOG_HZ / _F_SP, np.log(6.4) / 27.0


def _hz_to_mel(hz: float) -> float:
    if hz < _MIN_LOG_HZ:
        return hz / _F_SP
    return float(_MIN_LOG_MEL + np.log(hz / _MIN_LOG_HZ) / _LOG_STEP)


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    linear = _F_SP * mels
    logarithmic = _MIN_LOG_HZ * np.exp(_LOG_STEP * (mels - _MIN_LOG_MEL))
    return np.where(mels >= _MIN_LOG_MEL, logarithmic, linear)


def _validated(signal: np.ndarray, rate: int) -> np.ndarray:
    return checked_signal(signal, rate, rows=patch_count, rates=SUPPORTED_RATES,
                          too_short=lambda seconds: (
                              f"signal of {seconds:.2f} s is shorter than one "
                              f"{PATCH_FRAMES * HOP / MODEL_RATE:.2f}-s encoder patch"))


@dataclass(frozen=True)
class EncoderInfo:
    """The metadata of an encoder folder, validated."""

    path: Path
    meta: dict[str, Any]

    @property
    def tag(self) -> str:
        return f"{self.meta['name']}@{self.meta['version']}"

    @property
    def output_sizes(self) -> dict[str, int]:
        return {str(o["name"]): int(o["size"]) for o in self.meta["outputs"]}


def read_encoder_info(path: str | os.PathLike[str] | None = None, *,
                      name: str = DEFAULT_ENCODER) -> EncoderInfo:
    """Read and check an encoder folder's metadata: `path`, else the bundled encoder `name`
    (a folder of resources/encoders/, by default musicnn-msd)."""
    folder = Path(path) if path is not None else bundled_encoder_dir(name)
    meta = read_metadata(folder, METADATA_FILE, "encoder")
    if [k for k in _REQUIRED if k not in meta]:
        raise BundleError(f"encoder {folder}: metadata lacks one of {', '.join(_REQUIRED)}")
    if meta["format"] != ENCODER_FORMAT:
        raise BundleError(f"encoder {folder}: format {meta['format']!r} is not supported")
    front_end = {k: meta["front_end"].get(k) for k in _FRONT_END}
    if front_end != _FRONT_END or meta["patch_frames"] != PATCH_FRAMES:
        raise BundleError(f"encoder {folder} expects a front end ({front_end}, "
                          f"{meta['patch_frames']} frames) this version does not compute")
    return EncoderInfo(folder, meta)


class Encoder:
    """A loaded encoder: musicnn's front end in numpy, the graph in onnxruntime."""

    def __init__(self, info: EncoderInfo, *, threads: int = 1) -> None:
        self.info = info
        self.tags: tuple[str, ...] = tuple(info.meta["tags"])
        self._input = str(info.meta["input"]["name"])
        # One thread by default: the app runs encoders in parallel worker processes.
        self._session = open_session(info.path, info.meta, "encoder", threads=threads)

    @property
    def tag(self) -> str:
        return self.info.tag

    def dimension(self, outputs: Sequence[str] = DEFAULT_OUTPUTS) -> int:
        sizes = self.info.output_sizes
        return sum(sizes[name] for name in self._checked(outputs))

    def embed(self, *, signal: np.ndarray, rate: int,
              outputs: Sequence[str] = DEFAULT_OUTPUTS, keep: int | None = None) -> np.ndarray:
        """(patches, dimension(outputs)) float32: one row per 3-s patch of the signal, the
        named outputs side by side in the order given (see the module's docstring). With
        `keep`, only that many patches, spread evenly from the first to the last (the
        graph's cost is per patch)."""
        names = self._checked(outputs)
        batch = log_mel_patches(signal=signal, rate=rate, keep=keep)
        values = self.run(batch, names)
        return np.concatenate([values[name] for name in names], axis=1)

    def run(self, batch: np.ndarray, outputs: Sequence[str]) -> dict[str, np.ndarray]:
        """The graph's named outputs for (patches, 187, 96) log-mel patches."""
        names = self._checked(outputs)
        runs = [self._session.run(names, {self._input: batch[i:i + BATCH_PATCHES]})
                for i in range(0, len(batch), BATCH_PATCHES)]
        return {name: np.concatenate([r[k] for r in runs]).astype(np.float32, copy=False)
                for k, name in enumerate(names)}

    def _checked(self, outputs: Sequence[str]) -> list[str]:
        names = list(outputs)
        unknown = [n for n in names if n not in self.info.output_sizes]
        if not names or unknown:
            raise ValueError(f"outputs must name some of {list(self.info.output_sizes)}, "
                             f"got {names}")
        return names


def load_encoder(path: str | os.PathLike[str] | None = None, *, name: str = DEFAULT_ENCODER,
                 threads: int = 1) -> Encoder:
    """The encoder in `path`, else the bundled encoder `name` (by default musicnn-msd)."""
    return Encoder(read_encoder_info(path, name=name), threads=threads)


def bundled_encoder(name: str = DEFAULT_ENCODER) -> Encoder:
    """The bundled encoder `name` on one thread, loaded once per process: workers keep it
    for every file they read."""
    return _bundled(name)


@cache  # keyed on the name itself, however the caller gave it
def _bundled(name: str) -> Encoder:
    return load_encoder(name=name)
