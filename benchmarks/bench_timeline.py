"""Timelines: what computing one costs against decoding the same audio alone, and what
keeping them costs the library.

    .venv/bin/python benchmarks/bench_timeline.py [--hours 2] [--files 100] [--minutes 1]

In one process on one core (as one scan worker runs it), each measured in the same run:
  long file   a `--hours`-hour AAC/MP4 file: decoding all of its audio to 44.1 kHz mono
              (`media.stream_audio`, the baseline) against its whole timeline (decode,
              every 3-s patch through the encoder, the model's windows, stretches);
  many files  `--files` files of `--minutes` minute(s) each (AAC in .m4a), the same two;
  library     the SQLite library's growth per hour of timeline, after storing the many
              files' timelines and stretches 20 times over (generated music: a tone's
              would flatter).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import mediagen

from ver_desktop.core import paths
from ver_desktop.core.bundle import Classifier, load_classifier
from ver_desktop.core.library import FileStat, Library
from ver_desktop.core.media import stream_audio
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.timeline import Embedded, Stretch, Timeline, embed_whole, read_timeline

BLOCK = 1_319_472  # what the timeline reads at a time (10 patches)
COPIES = 20  # each file's timeline is stored this many times, as that many files


def decode_only(files: list[Path]) -> float:
    started = time.perf_counter()
    for path in files:
        for _block in stream_audio(path, BLOCK):
            pass
    return time.perf_counter() - started


def timelines(files: list[Path], classifier: Classifier
              ) -> tuple[float, list[tuple[Timeline, list[Stretch]]]]:
    started = time.perf_counter()
    found = []
    for path in files:
        embedded = embed_whole(os.fspath(path), classifier.front_end)
        if not isinstance(embedded, Embedded):
            raise RuntimeError(f"{path}: {embedded.reason}")
        found.append(read_timeline(embedded, classifier))
    return time.perf_counter() - started, found


def library_growth(folder: Path, found: list[tuple[Timeline, list[Stretch]]]) -> float:
    """Bytes the SQLite file grows per hour of timeline."""
    library = Library.at(folder / "growth.sqlite3")
    found = found * COPIES  # pages are 4 KiB: store enough that their slack does not count
    files = [FileStat(f"/films/{i:05d}.mp4", 1, 1) for i in range(len(found))]
    model = ModelKey("bench", "1")
    plan = library.plan_scan(["/films"], files, model)
    database = folder / "growth.sqlite3"

    def size() -> int:
        with library.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return database.stat().st_size

    before = size()
    for (video_id, _), (timeline, stretches) in zip(plan.to_analyse, found, strict=True):
        library.store_timeline(video_id, model, timeline, stretches)
    grown = size() - before
    library.close()
    return grown / (sum(timeline.duration for timeline, _ in found) / 3600)


def report(name: str, audio_hours: float, decode_s: float, timeline_s: float) -> None:
    print(f"{name:<28}{audio_hours * 60:>9.1f} min{decode_s:>10.1f} s{timeline_s:>10.1f} s"
          f"{timeline_s / decode_s:>9.1f}x{timeline_s / audio_hours / 60:>10.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=1.0)
    args = parser.parse_args()
    classifier = load_classifier(paths.bundled_model_dir(), threads=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        long_file = mediagen.write_long_tone_mp4(folder / "film.mp4", args.hours * 3600)
        songs = [mediagen.write_media(folder / f"song{i:03d}.m4a", mediagen.music(
            args.minutes * 60, seed=i, tempo=80 + i % 80)) for i in range(args.files)]
        long_decode = decode_only([long_file])
        long_timeline, found = timelines([long_file], classifier)
        many_decode = decode_only(songs)
        many_timeline, many = timelines(songs, classifier)
        timeline, stretches = found[0]
        per_hour = library_growth(folder, many)
    print(f"\n== timelines: {classifier.info.tag}, one process, one core ==")
    print(f"{'':<28}{'audio':>13}{'decode':>12}{'timeline':>12}{'ratio':>10}"
          f"{'s/min':>11}")
    report(f"one {args.hours:g}-hour file", args.hours, long_decode, long_timeline)
    report(f"{args.files} files of {args.minutes:g} min", args.files * args.minutes / 60,
           many_decode, many_timeline)
    print(f"library growth: {per_hour / 1024:.1f} KiB per hour of timeline (the "
          f"{args.hours:g}-hour tone's points pack into {len(timeline.to_bytes()) / 1024:.1f} "
          f"KiB, {len(stretches)} stretch(es))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
