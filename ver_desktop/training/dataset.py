"""A labelled data set in the layout of the 4Q set (labels.csv + audio/<id>.*), with its
features extracted once and cached on disk."""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ver_desktop.core.extract import Extracted, task_for
from ver_desktop.core.frontends import MIR
from ver_desktop.core.labels import OCTANTS, QUADRANTS, octant_of
from ver_desktop.core.pool import default_workers, extract_all

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Example:
    id: str
    path: Path
    artist: str
    quadrant: int
    octant: int
    valence: float  # from the neutral middle of the data set's scale (see NEUTRAL_4Q)
    arousal: float
    fold: int


@dataclass
class Dataset:
    examples: list[Example]
    features: list[np.ndarray]  # one (frames, features) array per example
    # Training weight per example (None: 1 each); see training/mix.py
    weights: np.ndarray | None = None
    # Which examples belong to the set being cross-validated and scored (None: all); the
    # others are extra training data that is never tested on
    main: np.ndarray | None = None

    @property
    def sample_weights(self) -> np.ndarray:
        return np.ones(len(self.examples)) if self.weights is None else self.weights

    @property
    def is_main(self) -> np.ndarray:
        return np.ones(len(self.examples), bool) if self.main is None else self.main

    @property
    def quadrants(self) -> np.ndarray:
        return np.array([e.quadrant for e in self.examples])

    @property
    def octants(self) -> np.ndarray:
        return np.array([e.octant for e in self.examples])

    @property
    def va(self) -> np.ndarray:
        return np.array([[e.valence, e.arousal] for e in self.examples], np.float32)

    @property
    def folds(self) -> np.ndarray:
        return np.array([e.fold for e in self.examples])

    def subset(self, mask: np.ndarray) -> Dataset:
        keep = np.flatnonzero(mask)
        return Dataset([self.examples[i] for i in keep], [self.features[i] for i in keep],
                       None if self.weights is None else self.weights[keep],
                       None if self.main is None else self.main[keep])


def read_labels(labels_csv: Path, audio_dir: Path) -> list[Example]:
    """Rows of a labels CSV whose audio file exists, in file order.

    Two layouts are read: the 4Q set's (`valence_z`, `arousal_z`, `octant`, `fold`) and the
    Grekow set's (`valence`, `arousal` rated on -1..1, no octant: it is the angle of the
    rated point, as on the app's map; one fold)."""
    files = {p.stem: p for p in audio_dir.iterdir() if p.is_file()}
    examples = []
    with open(labels_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            path = files.get(row["id"])
            if path is not None:
                examples.append(_example(row, path))
    return examples


# The 4Q set's `valence_z`/`arousal_z` are z-scores against the Warriner lexicon (valence mean
# 5.06, SD 1.27; arousal 4.21, SD 0.90 on a 1-9 scale), while its quadrants split the scale at
# its neutral middle, 5: at z = (-0.047, 0.878). Measured from the origin of that middle, the
# signs of (valence, arousal) give the labelled quadrant for 99 % / 97 % of clips (from
# z = 0: 99 % / 83 %), so a model's point lands in the quadrant it means.
NEUTRAL_4Q = ((5.0 - 5.06) / 1.27, (5.0 - 4.21) / 0.90)


def _example(row: dict[str, str], path: Path) -> Example:
    if "valence_z" in row:
        valence = float(row["valence_z"]) - NEUTRAL_4Q[0]
        arousal = float(row["arousal_z"]) - NEUTRAL_4Q[1]
        octant = row["octant"]
    else:
        valence, arousal = float(row["valence"]), float(row["arousal"])
        octant = octant_of(valence, arousal)
    return Example(
        id=row["id"], path=path, artist=row.get("artist", ""),
        quadrant=QUADRANTS.index(row["quadrant"]), octant=OCTANTS.index(octant),
        valence=valence, arousal=arousal, fold=int(row.get("fold") or 0),
    )


class FeatureCache:
    """Features on disk, keyed by path, size, mtime and front end."""

    def __init__(self, folder: Path, front_end: str = MIR) -> None:
        self.front_end = front_end
        self.folder = folder / front_end
        self.folder.mkdir(parents=True, exist_ok=True)

    def _file(self, path: Path) -> Path:
        stat = path.stat()
        key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{self.front_end}"
        return self.folder / (hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()
                              + ".npy")

    def get(self, path: Path) -> np.ndarray | None:
        file = self._file(path)
        return np.load(file, allow_pickle=False) if file.exists() else None

    def put(self, path: Path, features: np.ndarray) -> None:
        file = self._file(path)
        # Per process: candidates trained in parallel may compute the same file at once.
        tmp = file.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, features, allow_pickle=False)
        os.replace(tmp, file)


def load_dataset(labels_csv: Path, audio_dir: Path, cache: FeatureCache, *,
                 workers: int | None = None, progress: Progress | None = None,
                 limit: int | None = None) -> Dataset:
    """Examples with features (the first `limit` rows if given); only files missing from
    the cache are decoded."""
    examples = read_labels(labels_csv, audio_dir)[:limit]
    found = {e.path: cache.get(e.path) for e in examples}
    missing = [os.fspath(p) for p, f in found.items() if f is None]
    outcomes = extract_all(missing, workers=workers or default_workers(),
                           cancelled=lambda: False,
                           task=task_for(cache.front_end)) if missing else iter(())
    for done, outcome in enumerate(outcomes, start=1):
        if isinstance(outcome, Extracted):
            cache.put(Path(outcome.path), outcome.features)
            found[Path(outcome.path)] = outcome.features
        if progress:
            progress(done, len(missing), outcome.path)
    kept = [e for e in examples if found[e.path] is not None]
    return Dataset(kept, [found[e.path] for e in kept])  # type: ignore[misc]
