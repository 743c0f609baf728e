"""Convert musicnn's MSD_musicnn or MTT_musicnn (TF1 checkpoints inside the musicnn 0.1.0
wheel) to ONNX.

Run it through convert.sh, which builds the TensorFlow environment. It writes, for
`--checkpoint MSD_musicnn` (the default)
  resources/encoders/musicnn-msd/model.onnx, encoder.json, LICENSE
  tests/data/musicnn_reference.npz
and for `--checkpoint MTT_musicnn`
  resources/encoders/musicnn-mtt/model.onnx, encoder.json, LICENSE
  tests/data/musicnn_mtt_reference.npz (the graph's outputs only: the front end is the same
  and is tested against the MSD reference, whose patches are the same signal's)
and prints the largest |ONNX - TF| difference per output, on real audio and on the reference.

The graph takes log-mel patches `log_mel [batch, 187, 96]` (musicnn's own front end) and
returns per patch `penultimate [batch, 200]`, `mean_pool [batch, 753]`, `max_pool [batch, 753]`
and `tags [batch, 50]` (sigmoid scores of the checkpoint's 50 tags: last.fm's for MSD,
MagnaTagATune's for MTT).

The reference is musicnn's own Python pipeline (`musicnn.extractor.batch_data` and
`extractor`) run on a short seeded signal, so that ver_desktop's numpy front end and
onnxruntime can be tested against it without TensorFlow.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import librosa
import numpy as np
import onnx
import onnxruntime as ort
import soundfile
import tensorflow as tf
import tf2onnx
from musicnn import configuration as mconfig
from musicnn import extractor as mextractor
from musicnn import models as mmodels

REPO = Path(__file__).resolve().parents[2]
SHARED_AUDIO = REPO.parent / "shared" / "data" / "4q" / "audio"
VERSION = "1"  # of this conversion; bump when the graph or its outputs change
OPSET = 17
PATCH_FRAMES = 187  # librosa.time_to_frames(3 s, sr=16000, n_fft=512, hop=256) + 1
INPUT = "log_mel"
OUTPUTS = ("penultimate", "mean_pool", "max_pool", "tags")
TOLERANCE = 1e-3  # refuse to write a graph further than this from TensorFlow
REFERENCE_SECONDS = 6.0  # two whole patches and a 2-frame tail; keeps the file < 300 KB
REFERENCE_SEED = 20190801
RESAMPLER_SECONDS = 0.1  # of 44.1 kHz audio through librosa.resample, as librosa.load does


@dataclass(frozen=True)
class Checkpoint:
    """One of musicnn's musicnn-architecture checkpoints and where its conversion goes."""

    checkpoint: str
    name: str  # the encoder folder under resources/encoders/
    labels: tuple[str, ...]
    trained_on: str
    reference: str  # under tests/data/
    # The MSD reference also holds the signal, its patches and a resampling check (the
    # front end's tests); the others hold the graph's outputs only, on the same signal.
    front_end_reference: bool


CHECKPOINTS = {each.checkpoint: each for each in (
    Checkpoint("MSD_musicnn", "musicnn-msd", tuple(mconfig.MSD_LABELS),
               "Million Song Dataset, last.fm top-50 tags", "musicnn_reference.npz", True),
    Checkpoint("MTT_musicnn", "musicnn-mtt", tuple(mconfig.MTT_LABELS),
               "MagnaTagATune, its 50 most frequent tags", "musicnn_mtt_reference.npz", False),
)}


def build_graph(source: Checkpoint) -> tf.Graph:
    """musicnn's own model code in inference mode (batch norm on moving averages, no
    dropout), with named outputs."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, PATCH_FRAMES, mconfig.N_MELS], name=INPUT)
        with tf.name_scope("model"):  # as musicnn's extractor builds it
            logits, *_, mean_pool, max_pool, penultimate = mmodels.define_model(
                x, False, source.checkpoint, len(source.labels))
        tf.identity(penultimate, name="penultimate")
        tf.identity(mean_pool, name="mean_pool")
        tf.identity(max_pool, name="max_pool")
        tf.sigmoid(logits, name="tags")
    return graph


def restore(graph: tf.Graph, source: Checkpoint) -> tf.compat.v1.Session:
    checkpoint = Path(mextractor.__file__).parent / source.checkpoint
    session = tf.compat.v1.Session(graph=graph)
    with graph.as_default():
        # The checkpoint's files have an empty base name: the prefix is the folder + "/".
        tf.compat.v1.train.Saver().restore(session, os.fspath(checkpoint) + "/")
    return session


def to_onnx(session: tf.compat.v1.Session) -> onnx.ModelProto:
    frozen = tf.compat.v1.graph_util.convert_variables_to_constants(
        session, session.graph.as_graph_def(), list(OUTPUTS))
    model, _ = tf2onnx.convert.from_graph_def(
        frozen, input_names=[f"{INPUT}:0"], output_names=[f"{n}:0" for n in OUTPUTS],
        opset=OPSET)
    _canonical_names(model)
    onnx.checker.check_model(model)
    return model


def _canonical_names(model: onnx.ModelProto) -> None:
    """`log_mel:0` becomes `log_mel` (the outputs alike) and every other tensor and node is
    numbered in graph order: tf2onnx's own names vary from run to run, these do not, so
    re-running the conversion gives the same bytes."""
    graph = model.graph
    names = {f"{n}:0": n for n in (INPUT, *OUTPUTS)}
    fixed = len(names)

    def rename(old: str) -> str:
        if old and old not in names:
            names[old] = f"t{len(names) - fixed}"
        return names.get(old, old)

    for index, node in enumerate(graph.node):
        node.input[:] = [rename(n) for n in node.input]
        node.output[:] = [rename(n) for n in node.output]
        node.name = f"{node.op_type}_{index}"
    for value in [*graph.input, *graph.output, *graph.value_info]:
        value.name = rename(value.name)
    for value in [*graph.input, *graph.output]:  # tf2onnx names the batch axis unk__<n>
        value.type.tensor_type.shape.dim[0].dim_param = "batch"
    for tensor in graph.initializer:
        tensor.name = rename(tensor.name)
    ordered = sorted(graph.initializer, key=lambda t: int(t.name[1:]))
    graph.ClearField("initializer")
    graph.initializer.extend(ordered)
    value_info = sorted(graph.value_info, key=lambda v: v.name)
    graph.ClearField("value_info")
    graph.value_info.extend(value_info)


def run_tf(session: tf.compat.v1.Session, patches: np.ndarray) -> dict[str, np.ndarray]:
    values = session.run([f"{n}:0" for n in OUTPUTS], {f"{INPUT}:0": patches})
    return dict(zip(OUTPUTS, values, strict=True))


def run_onnx(model: onnx.ModelProto, patches: np.ndarray) -> dict[str, np.ndarray]:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    values = session.run(list(OUTPUTS), {INPUT: patches.astype(np.float32)})
    return dict(zip(OUTPUTS, values, strict=True))


def max_differences(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, float]:
    return {n: float(np.abs(a[n] - b[n]).max()) for n in OUTPUTS}


def musicnn_patches(path: Path) -> np.ndarray:
    """musicnn's own front end: librosa.load at 16 kHz, mel, float16, log, 3-s patches."""
    batch, _ = mextractor.batch_data(os.fspath(path), PATCH_FRAMES, PATCH_FRAMES)
    return batch.astype(np.float32)


def check_real_audio(session: tf.compat.v1.Session, model: onnx.ModelProto,
                     files: list[Path]) -> float:
    worst = 0.0
    for path in files:
        patches = musicnn_patches(path)
        diffs = max_differences(run_tf(session, patches), run_onnx(model, patches))
        worst = max(worst, *diffs.values())
        print(f"  {path.name}: {len(patches)} patches, max |ONNX-TF| "
              + ", ".join(f"{n} {d:.2e}" for n, d in diffs.items()))
    return worst


def reference_signal() -> np.ndarray:
    """A seeded chord change over noise with a slow tremolo, as 16-bit PCM at 16 kHz. Loud
    enough that some mel bins exceed float16's 65504 / 10000 (see the encoder's log)."""
    rate = mconfig.SR
    t = np.arange(int(REFERENCE_SECONDS * rate)) / rate
    half = t < REFERENCE_SECONDS / 2
    chords = np.where(half[:, None], [220.0, 277.18, 329.63, 440.0],
                      [146.83, 293.66, 369.99, 440.0])
    tremolo = 0.75 + 0.25 * np.sin(2 * np.pi * 1.5 * t)
    tones = (0.15 * np.sin(2 * np.pi * chords * t[:, None])).sum(axis=1) * tremolo
    noise = 0.01 * np.random.default_rng(REFERENCE_SEED).standard_normal(len(t))
    return np.round(np.clip(tones + noise, -1.0, 1.0) * 32767).astype(np.int16)


def resampler_reference() -> tuple[np.ndarray, np.ndarray]:
    """Seeded broadband 16-bit audio at 44.1 kHz and librosa.load's resampling of it."""
    rng = np.random.default_rng(REFERENCE_SEED + 1)
    pcm = np.round(rng.uniform(-0.5, 0.5, int(RESAMPLER_SECONDS * 44_100)) * 32767)
    pcm = pcm.astype(np.int16)
    return pcm, librosa.resample(pcm / np.float32(32768), 44_100, mconfig.SR)


def make_reference(session: tf.compat.v1.Session, model: onnx.ModelProto,
                   target: Path, source: Checkpoint) -> float:
    pcm = reference_signal()
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "reference.wav"
        soundfile.write(wav, pcm, mconfig.SR, subtype="PCM_16")
        patches = musicnn_patches(wav)
        # extractor's loop over later batches keeps the first batch's penultimate (it
        # unpacks into `backend_` but concatenates `penultimate_`): one batch avoids that.
        mconfig.BATCH_SIZE = len(patches)
        taggram, _, features = mextractor.extractor(
            os.fspath(wav), model=source.checkpoint, input_length=3, input_overlap=False,
            extract_features=True)
    theirs = {"tags": taggram, **{n: features[n] for n in OUTPUTS if n != "tags"}}
    ours_tf = run_tf(session, patches)
    print("  musicnn.extractor vs our TF graph: "
          + ", ".join(f"{n} {d:.2e}" for n, d in max_differences(theirs, ours_tf).items()))
    diffs = max_differences(theirs, run_onnx(model, patches))
    print("  musicnn.extractor vs ONNX:         "
          + ", ".join(f"{n} {d:.2e}" for n, d in diffs.items()))
    outputs = {n: np.asarray(theirs[n], np.float32) for n in OUTPUTS}
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.front_end_reference:
        resample_in, resample_out = resampler_reference()
        np.savez_compressed(
            target, signal_pcm16=pcm, sample_rate=np.int64(mconfig.SR), patches=patches,
            resample_in_pcm16=resample_in, resample_out=resample_out.astype(np.float32),
            **outputs)
    else:  # the patches' checksum ties the outputs to the MSD reference's patches
        digest = hashlib.sha256(np.ascontiguousarray(patches, np.float32).tobytes())
        np.savez_compressed(target, patches_sha256=np.array(digest.hexdigest()), **outputs)
    print(f"  wrote {_shown(target)} ({target.stat().st_size / 1024:.0f} KB, "
          f"{len(patches)} patches)")
    return max(diffs.values())


def _shown(path: Path) -> str:
    return os.path.relpath(path, REPO) if path.resolve().is_relative_to(REPO) else str(path)


def licence_text(source: Checkpoint) -> str:
    dist = importlib.metadata.distribution("musicnn")
    text = dist.read_text("LICENSE.md")
    if not text or "Permission to use, copy, modify, and/or distribute" not in text:
        sys.exit("musicnn's ISC licence text was not found in its package metadata")
    header = (f"musicnn {dist.version} (https://github.com/jordipons/musicnn): the "
              f"{source.checkpoint} model, converted to ONNX by ver_desktop's "
              "tools/musicnn/convert.py.\n"
              "Its licence (ISC), as shipped in the musicnn package:\n\n")
    return header + text.strip() + "\n"


def metadata(source: Checkpoint, graph_path: Path, sizes: dict[str, int],
             worst: dict[str, float | None]) -> dict:
    digest = hashlib.sha256(graph_path.read_bytes()).hexdigest()
    return {
        "format": "ver-desktop-encoder/1",
        "name": source.name,
        "version": VERSION,
        "graph": graph_path.name,
        "sha256": digest,
        "license": "ISC",
        "license_file": "LICENSE",
        "source": {"package": "musicnn", "version": importlib.metadata.version("musicnn"),
                   "checkpoint": source.checkpoint,
                   "url": "https://github.com/jordipons/musicnn",
                   "trained_on": source.trained_on},
        "converted_with": {"tensorflow": tf.__version__, "tf2onnx": tf2onnx.__version__,
                           "onnx": onnx.__version__, "opset": OPSET},
        "front_end": {"resampler": f"resampy {importlib.metadata.version('resampy')} "
                                   "kaiser_best, as librosa.load",
                      "sample_rate": mconfig.SR, "n_fft": mconfig.FFT_SIZE,
                      "hop_length": mconfig.FFT_HOP, "n_mels": mconfig.N_MELS,
                      "window": "hann", "center": True, "pad_mode": "reflect", "power": 2.0,
                      "fmin": 0.0, "fmax": mconfig.SR / 2, "mel_scale": "slaney",
                      "mel_norm": "slaney", "quantise": "float16",
                      "compression": "log10(10000 * S + 1)"},
        "patch_frames": PATCH_FRAMES,
        "patch_hop_frames": PATCH_FRAMES,
        "input": {"name": INPUT, "shape": ["batch", PATCH_FRAMES, mconfig.N_MELS]},
        "outputs": [{"name": n, "size": sizes[n]} for n in OUTPUTS],
        "tags": list(source.labels),
        "max_abs_diff_vs_tensorflow": worst,
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--checkpoint", choices=list(CHECKPOINTS), default="MSD_musicnn",
                        help="which of musicnn's checkpoints (default: MSD_musicnn)")
    parser.add_argument("--out", type=Path,
                        help="the encoder folder (default: resources/encoders/musicnn-msd "
                             "or musicnn-mtt)")
    parser.add_argument("--reference", type=Path,
                        help="the reference file (default: tests/data/musicnn_reference.npz "
                             "or musicnn_mtt_reference.npz)")
    parser.add_argument("--audio", type=Path, nargs="*",
                        help="real audio to compare ONNX with TF on (default: the first 4 "
                             "clips of ../shared/data/4q/audio when present)")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    source = CHECKPOINTS[args.checkpoint]
    out = args.out or REPO / "resources" / "encoders" / source.name
    reference_path = args.reference or REPO / "tests" / "data" / source.reference
    audio = args.audio if args.audio is not None else sorted(SHARED_AUDIO.glob("*.opus"))[:4]
    print(f"converting {source.checkpoint} to {_shown(out)}")
    session = restore(build_graph(source), source)
    model = to_onnx(session)
    print("ONNX vs TF on real audio (musicnn's own front end):")
    real = check_real_audio(session, model, audio) if audio else None
    if real is None:
        print("  no audio given and ../shared/data/4q is absent: skipped")
    print("reference (musicnn.extractor on a seeded 16 kHz signal):")
    reference = make_reference(session, model, reference_path, source)
    worst = max(reference, real or 0.0)
    print(f"max |ONNX - TF| over all outputs: real audio {real or float('nan'):.2e}, "
          f"reference {reference:.2e}")
    if worst > TOLERANCE:
        print(f"refusing to write the graph: difference above {TOLERANCE}", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    graph_path = out / "model.onnx"
    onnx.save(model, os.fspath(graph_path))
    sizes = {n: int(v.shape[1]) for n, v in run_onnx(model, np.zeros(
        (1, PATCH_FRAMES, mconfig.N_MELS), np.float32)).items()}
    meta = metadata(source, graph_path, sizes, {"real_audio": real, "reference": reference})
    (out / "encoder.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    (out / "LICENSE").write_text(licence_text(source), encoding="utf-8")
    print(f"wrote {_shown(out)}: model.onnx "
          f"({graph_path.stat().st_size / 1e6:.2f} MB), encoder.json, LICENSE")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
