"""What finding talk (core/speech.py) adds to a scan and to a timeline, on one core.

    .venv/bin/python benchmarks/bench_speech.py [--clips 50] [--minutes 5]

scan      over `--clips` 4Q clips (every 18th; ../shared/data/4q): per file, decoding the
          segment, the model's features, and the talk check as a scan runs it (the 3 patches
          the model reads) against the same check over the whole segment;
timeline  a `--minutes`-minute generated AAC file: the whole timeline read (decode, encoder,
          talk per patch) against the talk detection alone over the same audio.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # one core, as one scan worker

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import mediagen

from ver_desktop.core import frontends, paths, speech
from ver_desktop.core.bundle import load_classifier
from ver_desktop.core.content import check_content
from ver_desktop.core.media import load_segment, stream_audio
from ver_desktop.core.timeline import embed_whole

SHARED_4Q = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "4q" / "audio"
BLOCK = 1_319_472  # what a timeline reads at a time (10 patches)


def scan_costs(clips: list[Path], front_end: str) -> dict[str, float]:
    """Milliseconds per file of each stage."""
    spent = dict.fromkeys(("decode", "features", "talk, 3 patches", "talk, whole segment"),
                          0.0)
    check_content(signal=np.zeros(44_100 * 5, np.float32), rate=44_100)  # load the model
    for clip in clips:
        started = time.perf_counter()
        segment = load_segment(clip)
        decoded = time.perf_counter()
        frontends.front_end(front_end).compute(signal=segment.samples, rate=segment.rate)
        featured = time.perf_counter()
        check_content(signal=segment.samples, rate=segment.rate)
        checked = time.perf_counter()
        check_content(signal=segment.samples, rate=segment.rate, patches=None)
        whole = time.perf_counter()
        for key, seconds in zip(spent, (decoded - started, featured - decoded,
                                        checked - featured, whole - checked), strict=True):
            spent[key] += seconds
    return {key: 1000 * seconds / len(clips) for key, seconds in spent.items()}


def timeline_costs(minutes: float, front_end: str) -> tuple[float, float]:
    """Seconds of a whole timeline read of a generated file, and of its talk alone."""
    with tempfile.TemporaryDirectory() as folder:
        path = mediagen.write_media(Path(folder) / "film.m4a",
                                    mediagen.music(minutes * 60, seed=1))
        started = time.perf_counter()
        embed_whole(os.fspath(path), front_end)
        whole = time.perf_counter() - started
        talk = 0.0
        for block in stream_audio(path, BLOCK):
            started = time.perf_counter()
            speech.talk_frames(block, 44_100)
            talk += time.perf_counter() - started
    return whole, talk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5.0)
    args = parser.parse_args()
    front_end = load_classifier(paths.bundled_model_dir(), threads=1).front_end
    clips = sorted(SHARED_4Q.iterdir())[::18][:args.clips] if SHARED_4Q.is_dir() else []
    if clips:
        costs = scan_costs(clips, front_end)
        base = costs["decode"] + costs["features"]
        print(f"scan, {len(clips)} 4Q clips, ms per file: "
              + ", ".join(f"{key} {value:.0f}" for key, value in costs.items()))
        print(f"  talk adds {costs['talk, 3 patches'] / base:.0%} to decode + features "
              f"({costs['talk, whole segment'] / base:.0%} over the whole segment)")
    else:
        print(f"no 4Q clips at {SHARED_4Q}: scan costs not measured")
    whole, talk = timeline_costs(args.minutes, front_end)
    print(f"timeline, {args.minutes:g}-min file: whole read {whole:.1f} s, of which talk "
          f"{talk:.1f} s ({talk / whole:.0%}; {talk / max(whole - talk, 1e-9):.0%} on top of "
          "the rest)")


if __name__ == "__main__":
    main()
