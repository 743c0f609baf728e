"""The one way a folder holding an ONNX graph and its JSON metadata is read: model bundles
(bundle.py) and the audio encoder (encoder.py) both come through here.

Reading runs no code from the folder: JSON, then a graph whose SHA-256 must match the one
the metadata records, opened by onnxruntime on the CPU.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ver_desktop.core.errors import BundleError

if TYPE_CHECKING:
    import onnxruntime


def read_metadata(folder: Path, file_name: str, what: str) -> dict[str, Any]:
    """The JSON object in `folder/file_name`; `what` names the folder in messages."""
    path = folder / file_name
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BundleError(f"no {what} at {folder} ({file_name} missing)") from None
    except (OSError, ValueError, RecursionError) as exc:
        raise BundleError(f"{what} metadata {path} is unreadable: {exc}") from None
    if not isinstance(meta, dict):
        raise BundleError(f"{what} {folder}: metadata is not a JSON object")
    return meta


def graph_path(folder: Path, meta: dict[str, Any], what: str) -> Path:
    """The graph file the metadata names, which must lie inside `folder`."""
    name = meta.get("graph")
    if not isinstance(name, str) or not name:
        raise BundleError(f"{what} {folder}: metadata names no graph file")
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise BundleError(f"{what} {folder}: graph {name!r} lies outside its folder")
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_session(folder: Path, meta: dict[str, Any], what: str, *,
                 threads: int = 1) -> onnxruntime.InferenceSession:
    """An onnxruntime session on the folder's graph, after its checksum was verified.

    The graph is read once and handed to onnxruntime as bytes: what runs is exactly what was
    checksummed, and a graph that would load weights from other files (ONNX external data,
    which the checksum does not cover) cannot load at all. One intra-op thread by default:
    the app runs many small graphs side by side."""
    import onnxruntime as ort  # deferred: importing this module stays cheap

    graph = graph_path(folder, meta, what)
    try:
        data = graph.read_bytes()
    except FileNotFoundError:
        raise BundleError(f"{what} {folder}: graph {graph.name} is missing") from None
    except OSError as exc:
        raise BundleError(f"{what} {folder}: graph {graph.name} is unreadable: "
                          f"{exc.strerror}") from None
    if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        raise BundleError(f"{what} {folder}: graph does not match its checksum")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    try:
        return ort.InferenceSession(data, sess_options=options,
                                    providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors for bad graphs
        if "xternal data" in str(exc) or "model_path must not be empty" in str(exc):
            raise BundleError(f"{what} {folder}: graph {graph.name} keeps weights in other "
                              "files (ONNX external data), which its checksum does not "
                              "cover; it is not loaded") from None
        raise BundleError(f"{what} {folder}: graph {graph.name} is not an ONNX graph "
                          "onnxruntime can load") from None
