"""The musicnn encoder: our numpy front end and onnxruntime against librosa and against
musicnn's own TensorFlow pipeline (tests/data/musicnn_reference.npz, written by
tools/musicnn/convert.py with librosa 0.8.1, resampy 0.2.2 and TF 2.15)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from test_boundaries import loaded_after

from ver_desktop.core import encoder
from ver_desktop.core.encoder import Encoder, load_encoder, log_mel, patch_count, patches
from ver_desktop.core.errors import BundleError, FeatureInputError
from ver_desktop.core.paths import bundled_encoder_dir

REFERENCE = Path(__file__).parent / "data" / "musicnn_reference.npz"
OUTPUTS = ("penultimate", "mean_pool", "max_pool", "tags")
RATE = 44_100
# Near a float16 rounding tie, float32 noise can put S one float16 step (at most 2**-10
# relative) apart; through log10(10000 S + 1) that is at most 2**-10 / ln(10) = 4.24e-4.
FLOAT16_TIE = 4.3e-4
# TF and onnxruntime sum in different orders; the conversion measured <= 2.2e-4 on real audio
# (max_pool, whose values reach ~30), and ~4e-5 on the reference.
GRAPH_TOLERANCE = 3e-4


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    with np.load(REFERENCE) as data:
        return {key: data[key] for key in data.files}


@pytest.fixture(scope="module")
def model() -> Encoder:
    return load_encoder()


def music(seconds: float, *, rate: int = RATE, seed: int = 0) -> np.ndarray:
    """A loud chord with vibrato over noise: float32, some mel bins above 6.55."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    pitches = 110.0 * 2 ** (rng.integers(0, 36, 4) / 12)
    tones = np.sin(2 * np.pi * pitches * (t[:, None] + 0.002 * np.sin(5 * t[:, None])))
    return (0.2 * tones.sum(axis=1) + 0.05 * rng.standard_normal(len(t))).astype(np.float32)


def librosa_log_mel(signal: np.ndarray) -> np.ndarray:
    """musicnn's front end written with librosa (reflect padding, as librosa 0.7 did)."""
    import librosa

    mel = librosa.feature.melspectrogram(y=signal, sr=16_000, hop_length=256, n_fft=512,
                                         n_mels=96, pad_mode="reflect").T
    return np.log10(10000 * mel.astype(np.float16).astype(np.float32) + 1)


def test_mel_filterbank_is_librosas() -> None:
    import librosa

    theirs = librosa.filters.mel(sr=16_000, n_fft=512, n_mels=96).T
    np.testing.assert_allclose(encoder.mel_filterbank(), theirs, rtol=0, atol=1e-8)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_log_mel_matches_librosa(seed: int) -> None:
    signal = music(4.0 + seed / 3, rate=16_000, seed=seed)
    theirs = librosa_log_mel(signal)
    ours = log_mel(signal)
    assert ours.shape == theirs.shape == (1 + len(signal) // 256, 96)
    assert ours.dtype == np.float32
    assert theirs.max() > np.log10(65505)  # float16 arithmetic would have overflowed here
    difference = np.abs(ours - theirs)
    assert difference.max() <= FLOAT16_TIE
    assert (difference > 0).mean() < 1e-3  # ties are rare


def test_front_end_reproduces_musicnn(reference: dict[str, np.ndarray]) -> None:
    signal = reference["signal_pcm16"] / np.float32(32768)  # as librosa.load reads PCM
    ours = patches(log_mel(signal))
    assert ours.shape == reference["patches"].shape == (2, 187, 96)
    assert np.isfinite(ours).all() and ours.max() > np.log10(65505)
    assert np.abs(ours - reference["patches"]).max() <= FLOAT16_TIE


def test_graph_reproduces_tensorflow(model: Encoder, reference: dict[str, np.ndarray]) -> None:
    signal = reference["signal_pcm16"] / np.float32(32768)
    values = model.run(patches(log_mel(signal)), OUTPUTS)
    for name in OUTPUTS:
        assert values[name].shape == reference[name].shape
        assert np.abs(values[name] - reference[name]).max() <= GRAPH_TOLERANCE, name


def test_resampling_reproduces_librosa_load_of_musicnns_time(
        reference: dict[str, np.ndarray]) -> None:
    ours = encoder.resample(reference["resample_in_pcm16"] / np.float32(32768), RATE)
    theirs = reference["resample_out"]
    assert ours.shape == theirs.shape
    difference = np.abs(ours - theirs)
    # resampy accumulates output times by repeated addition: at outputs that should fall
    # exactly on an input sample (1 in 160) it sometimes lands just before it and reads its
    # table from the other end. Everywhere else the two agree to float32 rounding.
    on_sample = np.arange(len(ours)) % 160 == 0
    assert difference[~on_sample].max() < 1e-6
    assert difference[on_sample].max() < 2e-3


def test_embed_layout(model: Encoder) -> None:
    signal = music(10.0, seed=3)
    rows = patch_count(samples=len(signal), rate=RATE)
    assert rows == 3
    default = model.embed(signal=signal, rate=RATE)
    assert default.shape == (rows, 200) and default.dtype == np.float32
    both = model.embed(signal=signal, rate=RATE, outputs=("penultimate", "tags"))
    assert both.shape == (rows, model.dimension(("penultimate", "tags"))) == (rows, 250)
    np.testing.assert_array_equal(both[:, :200], default)
    assert ((both[:, 200:] > 0) & (both[:, 200:] < 1)).all()
    assert len(model.tags) == 50 and model.tags[0] == "rock"
    assert model.tag == "musicnn-msd@1"


def test_kept_patches_are_spread_and_equal_to_those_of_the_full_embedding(
        model: Encoder) -> None:
    """The faster front ends (issue 12) run the graph on some of the patches; each row they
    return is the full embedding's row of the same patch."""
    assert encoder.spread(10, 3).tolist() == [0, 4, 9]
    assert encoder.spread(10, 5).tolist() == [0, 2, 4, 7, 9]
    assert encoder.spread(10, 2).tolist() == [0, 9]  # musicnn-msd-5: the first and the last
    assert encoder.spread(2, 3).tolist() == [0, 1]  # a 6-s clip keeps both its patches
    signal = music(30.0, seed=5)
    full = model.embed(signal=signal, rate=RATE)
    kept = model.embed(signal=signal, rate=RATE, keep=3)
    # The same patches through the graph in a smaller batch: onnxruntime's kernels may sum
    # in another order for another batch size (1.6e-5 apart seen on one CPU), so equal
    # within float32 rounding, far below any difference a tag could feel.
    np.testing.assert_allclose(kept, full[[0, 4, 9]], rtol=0, atol=1e-4)


def test_shortest_signal_gives_one_patch(model: Encoder) -> None:
    shortest = next(n for n in range(131_000, 133_000) if patch_count(samples=n, rate=RATE))
    signal = music(shortest / RATE, seed=4)
    assert len(signal) == shortest
    assert model.embed(signal=signal, rate=RATE).shape == (1, 200)
    with pytest.raises(FeatureInputError, match="shorter than one"):
        model.embed(signal=signal[:-1], rate=RATE)


@pytest.mark.parametrize("signal, rate, message", [
    (np.zeros(0, np.float32), RATE, "shorter"),
    (np.zeros((2, 200_000), np.float32), RATE, "mono"),
    (np.zeros(200_000, np.int16), RATE, "floating point"),
    (np.full(200_000, np.nan, np.float32), RATE, "NaN"),
    (np.r_[np.zeros(199_999), np.inf].astype(np.float32), RATE, "infinite"),
    (np.zeros(200_000, np.float32), 16_000, "sample rate"),
    (np.zeros(200_000, np.float32), 48_000, "sample rate"),
])
def test_bad_signals_are_refused(model: Encoder, signal: np.ndarray, rate: int,
                                 message: str) -> None:
    with pytest.raises(FeatureInputError, match=message):
        model.embed(signal=signal, rate=rate)


def test_unknown_output_is_refused(model: Encoder) -> None:
    with pytest.raises(ValueError, match="outputs must name"):
        model.embed(signal=music(4.0), rate=RATE, outputs=("logits",))


def test_graph_must_match_its_checksum(tmp_path: Path) -> None:
    folder = tmp_path / "musicnn-msd"
    shutil.copytree(bundled_encoder_dir(), folder)
    graph = folder / "model.onnx"
    data = bytearray(graph.read_bytes())
    data[-100] ^= 1
    graph.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="checksum"):
        load_encoder(folder)


def test_other_front_ends_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "musicnn-msd"
    shutil.copytree(bundled_encoder_dir(), folder)
    meta = json.loads((folder / "encoder.json").read_text())
    meta["front_end"]["n_mels"] = 128
    (folder / "encoder.json").write_text(json.dumps(meta))
    with pytest.raises(BundleError, match="front end"):
        load_encoder(folder)
    with pytest.raises(BundleError, match="missing"):
        load_encoder(tmp_path / "nowhere")


def test_bundled_encoder_ships_its_licence() -> None:
    meta = json.loads((bundled_encoder_dir() / "encoder.json").read_text())
    notice = (bundled_encoder_dir() / meta["license_file"]).read_text()
    assert meta["license"] == "ISC"
    assert "Permission to use, copy, modify, and/or distribute" in notice


def test_importing_the_encoder_loads_no_torch_qt_or_librosa() -> None:
    modules = loaded_after("import ver_desktop.core.encoder")
    assert "ver_desktop.core.encoder" in modules
    assert not [m for m in modules
                if m.split(".")[0] in {"torch", "PySide6", "shiboken6", "librosa"}]


# MTT_musicnn (issue 24): the same network trained on MagnaTagATune's tags, converted by the
# same script. Its reference holds the graph's outputs on the MSD reference's patches.
MTT_REFERENCE = Path(__file__).parent / "data" / "musicnn_mtt_reference.npz"


def test_mtt_graph_reproduces_tensorflow(reference: dict[str, np.ndarray]) -> None:
    with np.load(MTT_REFERENCE) as data:
        theirs = {key: data[key] for key in data.files}
    batch = reference["patches"]  # musicnn's own patches of the reference signal
    digest = hashlib.sha256(np.ascontiguousarray(batch, np.float32).tobytes()).hexdigest()
    assert str(theirs["patches_sha256"]) == digest
    values = encoder.bundled_encoder("musicnn-mtt").run(batch, OUTPUTS)
    for name in OUTPUTS:
        assert values[name].shape == theirs[name].shape
        assert np.abs(values[name] - theirs[name]).max() <= GRAPH_TOLERANCE, name


def test_encoders_load_by_name_once_per_process(model: Encoder) -> None:
    mtt = encoder.bundled_encoder("musicnn-mtt")
    assert mtt is encoder.bundled_encoder("musicnn-mtt")
    assert encoder.bundled_encoder() is encoder.bundled_encoder("musicnn-msd")
    assert mtt.tag == "musicnn-mtt@1" and encoder.bundled_encoder().tag == model.tag
    assert len(mtt.tags) == 50 and mtt.tags[:2] == ("guitar", "classical")
    assert mtt.dimension(("penultimate", "tags")) == 250
    meta = json.loads((bundled_encoder_dir("musicnn-mtt") / "encoder.json").read_text())
    notice = (bundled_encoder_dir("musicnn-mtt") / meta["license_file"]).read_text()
    assert meta["license"] == "ISC" and "MTT_musicnn" in notice
    assert "Permission to use, copy, modify, and/or distribute" in notice
    signal = music(7.0, seed=6)  # two patches
    msd_rows = model.embed(signal=signal, rate=RATE)
    mtt_rows = mtt.embed(signal=signal, rate=RATE)
    assert mtt_rows.shape == msd_rows.shape == (2, 200)
    assert not np.allclose(mtt_rows, msd_rows)  # another checkpoint's weights
