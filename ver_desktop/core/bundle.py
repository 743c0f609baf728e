"""A model bundle: an ONNX graph plus JSON metadata, and inference with onnxruntime.

Loading reads JSON and an ONNX graph; nothing in a bundle is ever executed as Python. A
bundle trained on another feature version is refused, never silently misread.

Bundle layout (a folder): `bundle.json` + the graph file it names (`model.onnx`).
The graph takes z-scored features `[batch, time, features]` and returns
`quadrant_logits [batch, 4]`, `octant_logits [batch, 8]` and `va [batch, 2]`
(valence and arousal from a regression head, on the scale of `valence_z`/`arousal_z`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ver_desktop.core.errors import BundleError
from ver_desktop.core.frontends import FRONT_ENDS, MIR, feature_names
from ver_desktop.core.labels import OCTANTS, QUADRANTS, consistent_octant

BUNDLE_FORMAT = "ver-desktop-bundle/1"
METADATA_FILE = "bundle.json"
_REQUIRED = ("format", "name", "version", "graph", "sha256", "feature_version",
             "feature_names", "quadrants", "octants", "normalisation")


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
        return self.path / str(self.meta["graph"])

    @property
    def front_end(self) -> str:
        """What the workers must compute for this model (see frontends.py)."""
        return str(self.meta["feature_version"])


def read_bundle_info(path: str | os.PathLike[str]) -> BundleInfo:
    """Read and check a bundle's metadata (no graph loaded)."""
    folder = Path(path)
    meta_path = folder / METADATA_FILE
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BundleError(f"no model bundle at {folder} ({METADATA_FILE} missing)") from None
    except (OSError, ValueError) as exc:
        raise BundleError(f"model bundle metadata {meta_path} is unreadable: {exc}") from None
    _check_meta(meta, folder)
    return BundleInfo(folder, meta)


def _check_meta(meta: Any, folder: Path) -> None:
    if not isinstance(meta, dict):
        raise BundleError(f"model bundle {folder}: metadata is not a JSON object")
    missing = [key for key in _REQUIRED if key not in meta]
    if missing:
        raise BundleError(f"model bundle {folder}: metadata lacks {', '.join(missing)}")
    if meta["format"] != BUNDLE_FORMAT:
        raise BundleError(f"model bundle {folder}: format {meta['format']!r} is not supported")
    version = meta["feature_version"]
    if version not in FRONT_ENDS or list(meta["feature_names"]) != feature_names(version):
        raise BundleError(
            f"model bundle {folder} was trained on features {version!r}, "
            f"but this version of ver_desktop computes {' or '.join(map(repr, FRONT_ENDS))}"
            " with other columns; retrain it or use a matching release"
        )
    if list(meta["quadrants"]) != list(QUADRANTS) or list(meta["octants"]) != list(OCTANTS):
        raise BundleError(f"model bundle {folder}: unexpected class lists")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Classifier:
    """Loaded bundle: z-scores features and runs the ONNX graph with onnxruntime."""

    def __init__(self, info: BundleInfo, *, threads: int = 1) -> None:
        import onnxruntime as ort  # deferred: only the parent process runs inference

        graph = info.graph_path
        if not graph.is_file():
            raise BundleError(f"model bundle {info.path}: graph {graph.name} is missing")
        if file_sha256(graph) != info.meta["sha256"]:
            raise BundleError(f"model bundle {info.path}: graph does not match its checksum")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.info = info
        norm = info.meta["normalisation"]
        self._mean = np.asarray(norm["mean"], np.float32)
        self._std = np.asarray(norm["std"], np.float32)
        # Temperatures chosen by cross-validation make the probabilities honest.
        calibration = info.meta.get("calibration") or {}
        self._temperatures = (float(calibration.get("quadrant", 1.0)),
                              float(calibration.get("octant", 1.0)))
        self._session = ort.InferenceSession(
            os.fspath(graph), sess_options=options, providers=["CPUExecutionProvider"]
        )

    @property
    def tag(self) -> str:
        return self.info.tag

    @property
    def front_end(self) -> str:
        return self.info.front_end

    def predict(self, sequences: list[np.ndarray]) -> list[Prediction]:
        """One prediction per (frames, features) array. Sequences of equal length run as one
        batch; the result does not depend on what else is in the call."""
        results: list[Prediction | None] = [None] * len(sequences)
        for indices in indices_by_length(sequences):
            batch = np.stack([sequences[i] for i in indices]).astype(np.float32)
            for index, prediction in zip(indices, self._run(batch), strict=True):
                results[index] = prediction
        return [r for r in results if r is not None]

    def _run(self, batch: np.ndarray) -> list[Prediction]:
        z = (batch - self._mean) / self._std
        quadrant_logits, octant_logits, va = self._session.run(None, {"features": z})
        quadrant_p = _softmax(quadrant_logits / self._temperatures[0])
        octant_p = _softmax(octant_logits / self._temperatures[1])
        return [_prediction(q, o, v) for q, o, v in zip(quadrant_p, octant_p, va, strict=True)]


def indices_by_length(sequences: list[np.ndarray]) -> list[list[int]]:
    """Indices of sequences grouped by length: each group runs as one batch without padding,
    so no result depends on what else is in the batch."""
    groups: dict[int, list[int]] = {}
    for index, seq in enumerate(sequences):
        groups.setdefault(len(seq), []).append(index)
    return list(groups.values())


def load_classifier(path: str | os.PathLike[str], *, threads: int = 1) -> Classifier:
    return Classifier(read_bundle_info(path), threads=threads)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _prediction(quadrant_p: np.ndarray, octant_p: np.ndarray, va: np.ndarray) -> Prediction:
    q_probs = {name: round(float(p), 6) for name, p in zip(QUADRANTS, quadrant_p, strict=True)}
    o_probs = {name: round(float(p), 6) for name, p in zip(OCTANTS, octant_p, strict=True)}
    quadrant = QUADRANTS[int(np.argmax(quadrant_p))]
    return Prediction(
        quadrant=quadrant,
        octant=consistent_octant(quadrant, o_probs),
        quadrant_probs=q_probs,
        octant_probs=o_probs,
        valence=round(float(va[0]), 6),
        arousal=round(float(va[1]), 6),
    )


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
        "feature_names": feature_names(front_end),
        "quadrants": list(QUADRANTS),
        "octants": list(OCTANTS),
        **meta,
    }
    (folder / METADATA_FILE).write_text(json.dumps(full, indent=2) + "\n", encoding="utf-8")
    return read_bundle_info(folder)
