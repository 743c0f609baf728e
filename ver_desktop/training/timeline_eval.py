"""How well timelines find where the emotion changes: test "films" made by joining real
clips of known quadrants, a few minutes each, cut into stretches and compared with the
truth. No torch: this reads the bundled model as the app does.

    .venv/bin/python -m ver_desktop.training.timeline_eval [--films 8] [--seed 0]
        [--out docs/timeline-evaluation.md]

Each film has 3 to 5 parts of different quadrants from one data set (the next part never
repeats the last one's quadrant), each 45-120 s of clips of that quadrant (4Q: 30-s
clips; Grekow: 6-s clips), drawn at random with `--seed` and never twice in one film.
Figures per data set:
  boundary F  a found boundary within +-3 s of a true one counts once (precision, recall,
              F-measure over all films);
  time right  the share of seconds whose stretch has the true quadrant;
  one tag     the same share if the film's single tag (what a scan gives: its most
              representative 30 s) stood for all of it.
The shipped model was trained on all 900 4Q clips, so 4Q films show how it cuts music it
knows; Grekow (other genres, other listeners) is the honest measure of transfer.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ver_desktop.core import paths
from ver_desktop.core.bundle import Classifier, load_classifier
from ver_desktop.core.extract import Extracted, extract
from ver_desktop.core.labels import QUADRANTS
from ver_desktop.core.media import SAMPLE_RATE, load_segment
from ver_desktop.core.timeline import Embedded, Stretch, embed_whole, read_timeline

TOLERANCE = 3.0
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@dataclass(frozen=True)
class Film:
    path: Path
    parts: list[tuple[float, float, str]]  # (start s, end s, quadrant)

    @property
    def boundaries(self) -> list[float]:
        return [start for start, _, _ in self.parts[1:]]


@dataclass
class Score:
    matched: int = 0
    found: int = 0
    true: int = 0
    seconds: float = 0.0
    right: float = 0.0
    one_tag_right: float = 0.0

    def add(self, film: Film, stretches: list[Stretch], tag: str | None) -> None:
        found = [s.start for s in stretches[1:]]
        self.matched += matched_boundaries(found, film.boundaries)
        self.found += len(found)
        self.true += len(film.boundaries)
        for start, end, quadrant in film.parts:
            self.seconds += end - start
            self.right += sum(overlap(start, end, s.start, s.end) for s in stretches
                              if s.quadrant == quadrant)
            self.one_tag_right += (end - start) if tag == quadrant else 0.0

    def row(self, name: str, films: int) -> str:
        precision = self.matched / self.found if self.found else 0.0
        recall = self.matched / self.true if self.true else 0.0
        f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return (f"| {name} | {films} | {self.seconds / 60:.0f} | {self.true} | {self.found} | "
                f"{precision:.2f} | {recall:.2f} | **{f:.2f}** | "
                f"**{self.right / self.seconds:.2f}** | {self.one_tag_right / self.seconds:.2f} |")


def matched_boundaries(found: list[float], true: list[float]) -> int:
    """Pairs of a found and a true boundary within TOLERANCE, each used once (nearest
    pairs first)."""
    pairs = sorted((abs(f - t), i, j) for i, f in enumerate(found) for j, t in enumerate(true)
                   if abs(f - t) <= TOLERANCE)
    used_found: set[int] = set()
    used_true: set[int] = set()
    for _, i, j in pairs:
        if i not in used_found and j not in used_true:
            used_found.add(i)
            used_true.add(j)
    return len(used_found)


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def clips_by_quadrant(name: str) -> dict[str, list[Path]]:
    folder = SHARED / name
    with open(folder / "labels.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found: dict[str, list[Path]] = {q: [] for q in QUADRANTS}
    for row in rows:
        audio = next((folder / "audio").glob(f"{row['id']}.*"), None)
        if audio is not None:
            found[row["quadrant"]].append(audio)
    return found


def make_film(clips: dict[str, list[Path]], rng: np.random.Generator, path: Path) -> Film:
    quadrants: list[str] = []
    for _ in range(int(rng.integers(3, 6))):
        choices = [q for q in QUADRANTS if not quadrants or q != quadrants[-1]]
        quadrants.append(str(rng.choice(choices)))
    used: set[Path] = set()
    audio: list[np.ndarray] = []
    parts: list[tuple[float, float, str]] = []
    position = 0.0
    for quadrant in quadrants:
        wanted, have = float(rng.uniform(45, 120)), 0.0
        start = position
        while have < wanted:
            unused = [c for c in clips[quadrant] if c not in used]
            clip = unused[int(rng.integers(len(unused)))]
            used.add(clip)
            samples = load_segment(clip).samples
            audio.append(samples)
            have += len(samples) / SAMPLE_RATE
        position = start + have
        parts.append((start, position, quadrant))
    write_flac(path, np.concatenate(audio), SAMPLE_RATE)
    return Film(path, parts)


def write_flac(path: Path, samples: np.ndarray, rate: int) -> None:
    """Mono float samples as a FLAC file (lossless: the film is exactly its clips)."""
    import av

    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16)
    with av.open(os.fspath(path), mode="w", format="flac") as out:
        stream = out.add_stream("flac", rate=rate, layout="mono")
        for first in range(0, len(pcm), 65536):
            frame = av.AudioFrame.from_ndarray(pcm[None, first:first + 65536], format="s16",
                                               layout="mono")
            frame.sample_rate, frame.pts = rate, first
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def evaluate(name: str, films: int, seed: int, classifier: Classifier, folder: Path) -> Score:
    clips = clips_by_quadrant(name)
    rng = np.random.default_rng(seed)
    score = Score()
    for index in range(films):
        film = make_film(clips, rng, folder / f"{name}-{index}.flac")
        embedded = embed_whole(os.fspath(film.path), classifier.front_end)
        if not isinstance(embedded, Embedded):
            raise RuntimeError(f"{film.path}: {embedded.reason}")
        _timeline, stretches = read_timeline(embedded, classifier)
        scanned = extract(os.fspath(film.path), classifier.front_end)
        tag = classifier.predict([scanned.features])[0].quadrant \
            if isinstance(scanned, Extracted) else None
        score.add(film, stretches, tag)
        film.path.unlink()
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--films", type=int, default=8, help="films per data set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    args = parser.parse_args(argv)
    classifier = load_classifier(paths.bundled_model_dir(), threads=1)
    header = ("| data set | films | minutes | true boundaries | found | precision | recall | "
              "boundary F (+-3 s) | time right | one tag for the film |\n"
              "|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("4q", "grekow"):
            score = evaluate(name, args.films, args.seed, classifier, Path(tmp))
            rows.append(score.row(name, args.films))
            print(rows[-1], flush=True)
    table = "\n".join([header, *rows])
    print(table)
    if args.out:
        command = (f".venv/bin/python -m ver_desktop.training.timeline_eval --films "
                   f"{args.films} --seed {args.seed} --out {args.out}")
        args.out.write_text(REPORT.format(model=classifier.info.tag, command=command,
                                          table=table))
    return 0


REPORT = """# How well timelines find where the emotion changes

Made by `{command}` with the bundled model ({model}); the method is in
`ver_desktop/core/timeline.py` and the protocol in `ver_desktop/training/timeline_eval.py`.

Test films join real clips of known quadrants: 3 to 5 parts per film, each 45-120 s of
clips of one quadrant, the next part always another quadrant. A found boundary counts when
it lies within 3 s of a true one (each used once). "Time right" is the share of the films'
seconds whose stretch has the true quadrant; "one tag" is that share if the single tag a
scan gives (its most representative 30 s) stood for the whole film.

{table}

The shipped model was trained on all 900 4Q clips, so the 4Q row shows how it cuts music it
has heard; the Grekow row (6-s clips of other genres, rated by other listeners) is the
measure of transfer. Figures depend on the clips drawn: another `--seed` gives others.
"""


if __name__ == "__main__":
    raise SystemExit(main())
