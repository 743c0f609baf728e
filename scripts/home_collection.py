"""A messy personal collection for acting out issue 23's session: music videos, talk
(family clips, vlogs, speeches), talk over music, films of several songs, and the broken
files a real folder holds.

    .venv/bin/python scripts/home_collection.py OUT_DIR [--seed 23]

Music comes from the 4Q clips (../shared/data/4q: each "song" joins 4 to 8 clips of one
quarter, so it lasts 2-4 minutes); talk is real recorded speech from Debian's
pocketsphinx-testdata (LibriVox readings) and codec2-examples (radio and studio voices),
which scripts/setup.sh installs. Nothing here is a test: it makes files for a person (or a
helper playing one) to scan.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import mediagen  # noqa: E402  (the tests' PyAV writer: real containers)

FOURQ = ROOT.parent / "shared" / "data" / "4q"
SPEECH = [*sorted(Path("/usr/share/pocketsphinx/test/data/librivox").glob("*.wav")),
          *sorted(Path("/usr/share/pocketsphinx/test/data/cards").glob("*.wav")),
          *(Path("/usr/share/codec2/wav") / name for name in
            ("all.wav", "ve9qrp.wav", "vk5qi.wav", "hts2a.wav", "mmt1.wav", "forig.wav"))]
RATE = 44_100
SONGS = {"PV-NA": ["Evening by the lake", "Slow morning", "Lullaby for Mia", "Rain on the roof",
                   "Sunday piano"],
         "PV-PA": ["Beach party 2019", "Road trip mix", "Dance class"],
         "NV-PA": ["Metal concert (phone)", "Gym playlist", "Drum practice"],
         "NV-NA": ["Grandad's record", "Blue night", "Farewell song", "Winter walk"]}
TALK = ["Birthday - grandma", "Wedding speech", "Vlog day 3", "Kids explaining Minecraft",
        "Phone call to Tom", "School play rehearsal"]


def decode(path: Path) -> np.ndarray:
    """Mono float32 at RATE."""
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        parts = [f.to_ndarray().ravel() for frame in container.decode(audio=0)
                 for f in resampler.resample(frame)]
        parts += [f.to_ndarray().ravel() for f in resampler.resample(None)]
    return np.concatenate(parts).astype(np.float32)


def level(x: np.ndarray, rms: float = 0.1) -> np.ndarray:
    return (x * rms / (np.sqrt(np.mean(x * x)) + 1e-9)).astype(np.float32)


def clips_by_quarter() -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    with open(FOURQ / "labels.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            audio = next((FOURQ / "audio").glob(row["id"] + ".*"), None)
            if audio is not None:
                found.setdefault(row["quadrant"], []).append(audio)
    return found


def song(clips: list[Path], rng: random.Random) -> np.ndarray:
    return np.concatenate([level(decode(p)) for p in rng.sample(clips, rng.randint(4, 8))])


def talk(rng: random.Random, seconds: float) -> np.ndarray:
    """Real speech, with short pauses and faint room noise, about `seconds` long."""
    parts: list[np.ndarray] = []
    while sum(map(len, parts)) < seconds * RATE:
        parts.append(level(decode(rng.choice(SPEECH)), 0.08))
        parts.append(np.zeros(int(rng.uniform(0.3, 1.2) * RATE), np.float32))
    out = np.concatenate(parts)[: int(seconds * RATE)]
    room = np.random.default_rng(rng.randint(0, 10**6)).normal(0, 0.002, len(out))
    return out + room.astype(np.float32)


def over(music: np.ndarray, speech: np.ndarray, db: float) -> np.ndarray:
    n = min(len(music), len(speech))
    return level(music[:n]) + level(speech[:n], 0.1 * 10 ** (db / 20))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    if not FOURQ.is_dir() or not SPEECH[0].exists():
        sys.exit("needs ../shared/data/4q and Debian's pocketsphinx-testdata (scripts/setup.sh)")
    rng = random.Random(args.seed)
    out = args.out
    (out / "Music videos").mkdir(parents=True, exist_ok=True)
    (out / "Family").mkdir(exist_ok=True)
    (out / "Films").mkdir(exist_ok=True)
    quarters = clips_by_quarter()
    for quarter, names in SONGS.items():
        for name in names:
            mediagen.write_media(out / "Music videos" / f"{name}.mp4",
                                 song(quarters[quarter], rng))
    for i, name in enumerate(TALK):
        suffix = ".mov" if i % 2 else ".mp4"
        mediagen.write_media(out / "Family" / f"{name}{suffix}", talk(rng, rng.uniform(45, 120)))
    for name, quarter, db in (("Toast with music", "PV-PA", 0.0),
                              ("Holiday slideshow with narration", "PV-NA", -3.0),
                              ("Graduation speech (band playing)", "PV-PA", -6.0)):
        mediagen.write_media(out / "Family" / f"{name}.mp4",
                             over(song(quarters[quarter], rng), talk(rng, 240), db))
    for name in ("Concert film", "Summer musical"):
        parts = [talk(rng, 25)] + [song(quarters[q], rng)[: 90 * RATE]
                                   for q in ("PV-PA", "NV-NA", "NV-PA", "PV-NA")]
        mediagen.write_media(out / "Films" / f"{name}.mkv", np.concatenate(parts))
    mediagen.write_media(out / "Family" / "Silent clip.mp4", np.zeros(20 * RATE, np.float32))
    mediagen.write_media(out / "Family" / "No sound (screen recording).mp4", None)
    portrait = np.full((96, 54, 3), 90, np.uint8)
    mediagen.write_media(out / "Music videos" / "Portrait phone video.mp4",
                         song(quarters["PV-NA"], rng), picture=lambda i: portrait)
    good = out / "Music videos" / f"{SONGS['PV-PA'][0]}.mp4"
    mediagen.write_truncated(good, out / "Family" / "Copy of holiday (broken).mp4")
    (out / "Family" / "notes.mp4").write_text("not a video\n")
    print(f"wrote the collection into {out}")


if __name__ == "__main__":
    main()
