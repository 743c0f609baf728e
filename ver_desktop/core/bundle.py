"""A model bundle: an ONNX graph plus JSON metadata, and inference with onnxruntime.

Loading reads JSON and an ONNX graph (core/onnx_graph.py); nothing in a bundle is ever
executed as Python. A bundle trained on another feature version is refused, never silently
misread.

Bundle layout (a folder): `bundle.json` + the graph file it names (`model.onnx`).
The graph takes z-scored features `[batch, time, features]` and returns `va [batch, 2]`: one
valence/arousal point per sequence, measured from the neutral middle of the scale. Every
label is read off that point (core/emotion_point.py) with the bundle's `readout.spread`, so
the quadrant, octant, point and confidence always agree.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ver_desktop.core import frontends
from ver_desktop.core.emotion_point import emotion_at
from ver_desktop.core.errors import BundleError
from ver_desktop.core.frontends import FRONT_ENDS, MIR
from ver_desktop.core.labels import OCTANTS, QUADRANTS
from ver_desktop.core.onnx_graph import file_sha256, graph_path, open_session, read_metadata

BUNDLE_FORMAT = "ver-desktop-bundle/1"
METADATA_FILE = "bundle.json"
_REQUIRED = ("format", "name", "version", "graph", "sha256", "feature_version",
             "feature_names", "quadrants", "octants", "normalisation", "readout")
READOUT_KIND = "va-point"
NOT_FINITE = ("the model gave numbers that are not finite for this sound (far outside what "
              "it was trained on), so it was not tagged")


@dataclass(frozen=True)
class Prediction:
    quadrant: str
    octant: str
    quadrant_probs: dict[str, float]
    octant_probs: dict[str, float]
    valence: float
    arousal: float

    @property
    def confidence(self) -> float:
        return self.quadrant_probs[self.quadrant]

    @property
    def finite(self) -> bool:
        """False when any of its numbers is NaN or infinite: such a reading is no tag."""
        numbers = [self.valence, self.arousal, *self.quadrant_probs.values(),
                   *self.octant_probs.values()]
        return all(math.isfinite(x) for x in numbers)


@dataclass(frozen=True)
class BundleInfo:
    """The metadata of a bundle, validated."""

    path: Path
    meta: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.meta["name"])

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    @property
    def tag(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def graph_path(self) -> Path:
        return graph_path(self.path, self.meta, "model bundle")

    @property
    def role(self) -> str:
        """What the model is for, in a few words ("accurate", "fast"); "" if not given."""
        return str(self.meta.get("role", ""))

    @property
    def front_end_ms(self) -> float | None:
        """Its front end's measured time per 30-s clip on one core, if recorded."""
        value = self.meta.get("front_end_ms")
        return float(value) if isinstance(value, int | float) else None

    @property
    def spread(self) -> float:
        return float(self.meta["readout"]["spread"])

    @property
    def front_end(self) -> str:
        """What the workers must compute for this model (see frontends.py)."""
        return str(self.meta["feature_version"])


def read_bundle_info(path: str | os.PathLike[str]) -> BundleInfo:
    """Read and check a bundle's metadata (no graph loaded)."""
    folder = Path(path)
    meta = read_metadata(folder, METADATA_FILE, "model bundle")
    _check_meta(meta, folder)
    return BundleInfo(folder, meta)


def _check_meta(meta: dict[str, Any], folder: Path) -> None:
    """Every field the app reads, checked at load: one clear message per fault."""
    if "readout" not in meta and "format" in meta:
        raise BundleError(f"model bundle {folder} was made for an older version of ver_desktop "
                          "(separate quadrant and valence/arousal heads); retrain it")
    missing = [key for key in _REQUIRED if key not in meta]
    if missing:
        raise BundleError(f"model bundle {folder}: metadata lacks {', '.join(missing)}")
    if meta["format"] != BUNDLE_FORMAT:
        raise BundleError(f"model bundle {folder}: format {meta['format']!r} is not supported")
    for key in ("name", "version", "graph", "sha256", "feature_version"):
        if not isinstance(meta[key], str) or not meta[key]:
            raise BundleError(f"model bundle {folder}: {key} must be a non-empty text")
    version = meta["feature_version"]
    if (version not in FRONT_ENDS
            or meta["feature_names"] != FRONT_ENDS[version].feature_names()):
        raise BundleError(
            f"model bundle {folder} was trained on features {version!r}, "
            f"but this version of ver_desktop computes {' or '.join(map(repr, FRONT_ENDS))}"
            " with other columns; retrain it or use a matching release"
        )
    if meta["quadrants"] != list(QUADRANTS) or meta["octants"] != list(OCTANTS):
        raise BundleError(f"model bundle {folder}: its quadrants and octants must be "
                          f"{list(QUADRANTS)} and {list(OCTANTS)}")
    _check_normalisation(meta["normalisation"], len(meta["feature_names"]), folder)
    readout = meta["readout"]
    spread: Any = readout.get("spread") if isinstance(readout, dict) else None
    if (not isinstance(readout, dict) or readout.get("kind") != READOUT_KIND
            or not _finite_number(spread) or spread <= 0):
        raise BundleError(f"model bundle {folder}: readout must be {{'kind': '{READOUT_KIND}', "
                          "'spread': a positive number}")


def _check_normalisation(norm: Any, columns: int, folder: Path) -> None:
    mean: Any = norm.get("mean") if isinstance(norm, dict) else None
    std: Any = norm.get("std") if isinstance(norm, dict) else None
    if not (_numbers(mean, columns) and _numbers(std, columns)):
        raise BundleError(f"model bundle {folder}: normalisation must hold 'mean' and 'std', "
                          f"{columns} finite numbers each")
    if min(std) <= 0:
        raise BundleError(f"model bundle {folder}: normalisation 'std' must be positive")


def _numbers(values: Any, count: int) -> bool:
    return (isinstance(values, list) and len(values) == count
            and all(map(_finite_number, values)))


def _finite_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class Classifier:
    """Loaded bundle: z-scores features and runs the ONNX graph with onnxruntime."""

    def __init__(self, info: BundleInfo, *, threads: int = 1) -> None:
        self.info = info
        norm = info.meta["normalisation"]
        self._mean = np.asarray(norm["mean"], np.float32)
        self._std = np.asarray(norm["std"], np.float32)
        self._spread = info.spread
        self._session = open_session(info.path, info.meta, "model bundle", threads=threads)
        inputs = [i.name for i in self._session.get_inputs()]
        outputs = [o.name for o in self._session.get_outputs()]
        if inputs != ["features"] or "va" not in outputs:
            raise BundleError(f"model bundle {info.path}: its graph must take 'features' and "
                              f"give 'va'; it takes {inputs} and gives {outputs}")

    @property
    def tag(self) -> str:
        return self.info.tag

    @property
    def front_end(self) -> str:
        return self.info.front_end

    def predict(self, sequences: list[np.ndarray]) -> list[Prediction]:
        """One prediction per (frames, features) array. Sequences of equal length run as one
        batch; the result does not depend on what else is in the call."""
        wrong = [s.shape for s in sequences if s.ndim != 2 or s.shape[1] != len(self._mean)]
        if wrong:
            raise ValueError(f"{self.tag} reads {len(self._mean)} {self.front_end} values per "
                             f"step; got arrays of shape {wrong[0]}")
        results: list[Prediction | None] = [None] * len(sequences)
        for indices in indices_by_length(sequences):
            batch = np.stack([sequences[i] for i in indices]).astype(np.float32)
            for index, prediction in zip(indices, self._run(batch), strict=True):
                results[index] = prediction
        return [r for r in results if r is not None]

    def _run(self, batch: np.ndarray) -> list[Prediction]:
        # Wild inputs overflow here; the result says so itself (`Prediction.finite`).
        with np.errstate(over="ignore", invalid="ignore"):
            z = (batch - self._mean) / self._std
            (points,) = self._session.run(["va"], {"features": z})
            return [prediction_at(float(v), float(a), spread=self._spread) for v, a in points]


def indices_by_length(sequences: list[np.ndarray]) -> list[list[int]]:
    """Indices of sequences grouped by length: each group runs as one batch without padding,
    so no result depends on what else is in the batch."""
    groups: dict[int, list[int]] = {}
    for index, seq in enumerate(sequences):
        groups.setdefault(len(seq), []).append(index)
    return list(groups.values())


def load_classifier(path: str | os.PathLike[str], *, threads: int = 1) -> Classifier:
    return Classifier(read_bundle_info(path), threads=threads)


def prediction_at(valence: float, arousal: float, *, spread: float) -> Prediction:
    """Everything the app stores and shows, read off one point (rounded first, so what is
    stored is exactly the point the labels were read from)."""
    valence, arousal = round(valence, 6), round(arousal, 6)
    if not (math.isfinite(valence) and math.isfinite(arousal)):
        return _unreadable(valence, arousal)
    point = emotion_at(valence, arousal, spread=spread)
    return Prediction(
        quadrant=point.quadrant,
        octant=point.octant,
        quadrant_probs={q: round(p, 6) for q, p in point.quadrant_probs.items()},
        octant_probs={o: round(p, 6) for o, p in point.octant_probs.items()},
        valence=valence,
        arousal=arousal,
    )


def _unreadable(valence: float, arousal: float) -> Prediction:
    """A reading with no place on the circle: not `finite`, so never stored as a tag (its
    labels are placeholders; its probabilities NaN)."""
    nan = float("nan")
    return Prediction(QUADRANTS[0], OCTANTS[0], dict.fromkeys(QUADRANTS, nan),
                      dict.fromkeys(OCTANTS, nan), valence, arousal)


def write_bundle(folder: Path, graph_bytes: bytes, meta: dict[str, Any],
                 front_end: str = MIR) -> BundleInfo:
    """Write a bundle folder: the graph, then metadata naming it with its checksum."""
    folder.mkdir(parents=True, exist_ok=True)
    graph = folder / "model.onnx"
    graph.write_bytes(graph_bytes)
    full = {
        "format": BUNDLE_FORMAT,
        "graph": graph.name,
        "sha256": file_sha256(graph),
        "feature_version": front_end,
        "feature_names": frontends.front_end(front_end).feature_names(),
        "quadrants": list(QUADRANTS),
        "octants": list(OCTANTS),
        **meta,
    }
    (folder / METADATA_FILE).write_text(json.dumps(full, indent=2) + "\n", encoding="utf-8")
    return read_bundle_info(folder)
