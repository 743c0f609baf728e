"""What writing moods into files costs (issue 25), against the floor of any write that can
never leave a file half written: copying the file beside itself and renaming the copy over
it. Three ways, each on fresh copies of the same generated files:

- **floor**: copy beside, flush, rename (`shutil.copyfile`, `fsync`, `os.replace`);
- **in place**: mutagen's own save into the file itself, as most taggers do (Picard, beets):
  the cheapest, but a crash mid-save can leave the file broken (no MKV: MKVToolNix only);
- **ver_desktop**: `filetags.plan` and `filetags.write`: hash the file, copy it, tag the
  copy, read it back, check the original is unchanged, rename, keep an undo entry.

    .venv/bin/python benchmarks/bench_write_moods.py [--songs 40] [--long-minutes 30]
        [--repeats 2]

Files: `--songs` 3-minute MP3s at 128 kbit/s (about 2.9 MB each), and one long MP4 and one
long MKV of `--long-minutes` of AAC audio (the size of a concert video's sound). Prints ms
per file for each way (the best of `--repeats`) and the ratio of ver_desktop's to the floor's
and to in place's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, os.fspath(Path(__file__).resolve().parents[1] / "tests"))

import mediagen  # the tests' media generator

from ver_desktop.core.moods import Mood, filetags

MOOD = Mood("PV-NA", "calm, content", "pleased", 0.45, -0.2, 0.81, by_person=False)
Way = Callable[[Path, Path], None]  # (file, scratch folder)


def floor(path: Path, _scratch: Path) -> None:
    copy = path.with_name(".copy-" + path.name)
    shutil.copyfile(path, copy)
    with open(copy, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(copy, path)


def in_place(path: Path, _scratch: Path) -> None:
    import mutagen

    audio = mutagen.File(path)
    assert audio is not None
    if audio.tags is None:
        audio.add_tags()
    if path.suffix == ".mp3":
        from mutagen.id3 import TMOO
        audio.tags.add(TMOO(encoding=3, text=[MOOD.text]))
        audio.save(v2_version=4)
    else:
        from mutagen.mp4 import MP4FreeForm
        audio.tags["----:com.apple.iTunes:MOOD"] = [MP4FreeForm(MOOD.text.encode())]
        audio.save()


def ours(path: Path, scratch: Path) -> None:
    outcome = filetags.write(filetags.plan(path, MOOD), scratch / "undo")
    assert outcome.status == "written", outcome.message


def make_sources(folder: Path, songs: int, minutes: float) -> list[Path]:
    made = [mediagen.write_media(folder / f"song {i:02d}.mp3",
                                 mediagen.music(180.0, seed=i), fmt=".mp3")
            for i in range(songs)]
    long_mp4 = mediagen.write_long_tone_mp4(folder / "concert.mp4", minutes * 60)
    long_mkv = _remux(long_mp4, folder / "concert.mkv")
    return [*made, long_mp4, long_mkv]


def _remux(source: Path, target: Path) -> Path:
    """The same audio packets in a Matroska file."""
    import av

    with av.open(os.fspath(source)) as src, av.open(os.fspath(target), "w") as out:
        stream = out.add_stream_from_template(src.streams.audio[0])
        for packet in src.demux(src.streams.audio[0]):
            if packet.dts is None:
                continue
            packet.stream = stream
            out.mux(packet)
    return target


def timed(way: Way, files: list[Path], scratch: Path, repeats: int) -> float:
    """Best total seconds over `repeats` runs, each on fresh copies of `files`."""
    best = float("inf")
    for _ in range(repeats):
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        copies = [Path(shutil.copy2(f, scratch / f.name)) for f in files]
        started = time.perf_counter()
        for path in copies:
            way(path, scratch)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--songs", type=int, default=40)
    parser.add_argument("--long-minutes", type=float, default=30.0)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-moods-") as temp:
        sources = Path(temp) / "sources"
        sources.mkdir()
        files = make_sources(sources, args.songs, args.long_minutes)
        groups = {"3-min MP3": [f for f in files if f.suffix == ".mp3"],
                  "long MP4": [f for f in files if f.suffix == ".mp4"],
                  "long MKV": [f for f in files if f.suffix == ".mkv"]}
        print(f"{'files':<11} {'n':>3} {'MB each':>8} {'floor':>9} {'in place':>9} "
              f"{'ours':>9} {'ours/floor':>11} {'ours/in place':>14}")
        for name, group in groups.items():
            scratch = Path(temp) / "scratch"
            size = sum(f.stat().st_size for f in group) / len(group) / 1e6
            each = {label: timed(way, group, scratch, args.repeats) / len(group)
                    * 1000 for label, way in (("floor", floor), ("in place", in_place),
                                              ("ours", ours))
                    if not (label == "in place" and name == "long MKV")}
            place = each.get("in place")
            print(f"{name:<11} {len(group):>3} {size:>8.1f} {each['floor']:>7.1f}ms "
                  + (f"{place:>7.1f}ms " if place else f"{'-':>9} ")
                  + f"{each['ours']:>7.1f}ms {each['ours'] / each['floor']:>10.2f}x "
                  + (f"{each['ours'] / place:>13.2f}x" if place else f"{'-':>14}"))


if __name__ == "__main__":
    main()
