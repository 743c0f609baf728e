"""It learns from you, at the command line (issue 22): `tag PATH WORD|right` teaches the
layer and says what moved, `list --json` shows the adjusted tags beside the model's own,
`ask` offers untagged files only, `agreement` counts, `learning off|on|forget|status`, and
`learning prepare` gives back the embeddings of a library analysed before this version.

One real scan of generated media (in process, through `main`), copied for each test; every
other command runs in process too, so the model loads once per command, not per process."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import mediagen
import numpy as np
import pytest

from ver_desktop.cli import EXIT_OK, EXIT_USAGE, build_parser, main
from ver_desktop.core import paths
from ver_desktop.core.labels import OCTANT_QUADRANT, QUADRANTS
from ver_desktop.core.personal import unpack

PADS, DRUMS, SONGS = 12, 8, 10


def chord(seconds: float, root: float, *, seed: int) -> np.ndarray:
    """A soft, slowly swelling major chord on `root` (the model hears mediagen.pad calm)."""
    rate = 44_100
    t = np.arange(int(seconds * rate)) / rate
    swell = 0.5 + 0.5 * np.sin(2 * np.pi * (0.08 + 0.01 * seed) * t)
    tones = sum(np.sin(2 * np.pi * root * ratio * t) for ratio in (1.0, 1.26, 1.5))
    return (0.2 * tones * swell).astype(np.float32)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    """A library of 30 short real files (pads, drums, songs), scanned once."""
    folder = tmp_path_factory.mktemp("learn_media")
    kinds: dict[str, list[str]] = {"pad": [], "drums": [], "song": []}
    for i in range(PADS):
        kinds["pad"].append(os.fspath(mediagen.write_media(
            folder / f"pad{i:02d}.mp4", chord(14.0, 196.0 * 2 ** (i / 12), seed=i))))
    for i in range(DRUMS):
        kinds["drums"].append(os.fspath(mediagen.write_media(
            folder / f"drums{i}.mkv", mediagen.drums(14.0, tempo=150 + 12 * i, seed=i))))
    for i in range(SONGS):
        kinds["song"].append(os.fspath(mediagen.write_media(
            folder / f"song{i}.flac", mediagen.music(14.0, seed=i, tempo=90 + 12 * i))))
    data = tmp_path_factory.mktemp("learn_data")
    handler = signal.getsignal(signal.SIGINT)
    try:
        assert main(["--data-dir", os.fspath(data), "--workers", "2", "scan",
                     os.fspath(folder)]) == EXIT_OK
    finally:
        signal.signal(signal.SIGINT, handler)
    return data, kinds


@pytest.fixture
def data(scanned: tuple[Path, dict[str, list[str]]], tmp_path: Path) -> Iterator[Path]:
    """A copy of the scanned library for one test."""
    source = sqlite3.connect(paths.database_path(scanned[0]))
    (tmp_path / "data").mkdir()
    target = sqlite3.connect(paths.database_path(tmp_path / "data"))
    source.backup(target)
    source.close()
    target.close()
    yield tmp_path / "data"


@pytest.fixture
def kinds(scanned: tuple[Path, dict[str, list[str]]]) -> dict[str, list[str]]:
    return scanned[1]


def cli(capsys: pytest.CaptureFixture[str], data: Path, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    handler = signal.getsignal(signal.SIGINT)
    try:
        code = main(["--data-dir", os.fspath(data), "--workers", "2", *argv])
    finally:
        signal.signal(signal.SIGINT, handler)
    out, err = capsys.readouterr()
    return code, out, err


def rows(capsys: pytest.CaptureFixture[str], data: Path) -> dict[str, dict[str, object]]:
    code, out, _err = cli(capsys, data, "list", "--json")
    assert code == EXIT_OK
    return {str(r["path"]): r for r in map(json.loads, out.splitlines())}


def state(capsys: pytest.CaptureFixture[str], data: Path) -> dict[str, object]:
    code, out, _err = cli(capsys, data, "learning", "status", "--json")
    assert code == EXIT_OK
    return dict(json.loads(out))


# -- parsing: no library needed -------------------------------------------------------------


@pytest.mark.parametrize(("argv", "message"), [
    (["tag", "x.mp4"], "say what the file is"),
    (["tag", "x.mp4", "gloomy"], "is not a tag"),
    (["tag", "x.mp4", "sad", "--quadrant", "PV-PA"], "not both"),
    (["tag", "x.mp4", "right", "--at", "10"], "whole file"),
    (["ask", "--count", "0"], "--count"),
])
def test_usage_errors_say_what_to_type(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       argv: list[str], message: str) -> None:
    code, out, err = cli(capsys, tmp_path, *argv)
    assert code == EXIT_USAGE and message in err and not out


def test_learning_takes_one_action_and_status_is_the_default() -> None:
    parser = build_parser()
    assert parser.parse_args(["learning"]).action == "status"
    assert parser.parse_args(["learning", "prepare"]).action == "prepare"
    with pytest.raises(SystemExit):
        parser.parse_args(["learning", "maybe"])


def test_the_words_of_a_tag() -> None:
    from ver_desktop.cli.tag import _read_emotion

    def read(word: str) -> tuple[str | None, str | None, bool]:
        args = build_parser().parse_args(["tag", "x.mp4", word])
        _read_emotion(args)
        return args.quadrant, args.octant, args.right

    assert read("happy") == ("PV-PA", None, False)  # the quarter; --octant happy is the emotion
    assert read("Tense") == ("NV-PA", None, False)
    assert read("sad") == ("NV-NA", None, False)
    assert read("calm") == ("PV-NA", None, False)
    assert read("pv-na") == ("PV-NA", None, False)
    assert read("sleepy") == (None, "sleepy", False)
    assert read("right") == (None, None, True) and read("yes") == (None, None, True)


# -- the flow -------------------------------------------------------------------------------


def test_tags_teach_the_rest_of_the_library(capsys: pytest.CaptureFixture[str], data: Path,
                                            kinds: dict[str, list[str]]) -> None:
    before = rows(capsys, data)
    assert len(before) == PADS + DRUMS + SONGS
    for row in before.values():
        assert row["status"] == "ok" and row["adjusted"] is False
        assert (row["model_quadrant"], row["model_octant"]) == (row["quadrant"], row["octant"])
    assert state(capsys, data)["without_embedding"] == 0  # a scan of this version keeps them

    # The person hears the pads as sad, the drums as calm and the songs as happy, whatever
    # the model said, and tags 20 of the 30 files so.
    word_of = {"pad": "sad", "drums": "calm", "song": "happy"}
    quarter = {"sad": "NV-NA", "calm": "PV-NA", "happy": "PV-PA"}
    taught = {p: word_of[kind] for kind, n in (("pad", 8), ("drums", 6), ("song", 6))
              for p in kinds[kind][:n]}
    said = []
    for path, word in taught.items():
        code, out, err = cli(capsys, data, "tag", path, word)
        assert code == EXIT_OK and not out
        said.append(err)
        assert f"Tagged {path}: {word}" in err
        assert "now show a tag adjusted to yours (learned from your" in err
    after = rows(capsys, data)
    for path, word in taught.items():
        assert after[path]["corrected"] is True and after[path]["quadrant"] == quarter[word]
    untagged = {p: r for p, r in after.items() if p not in taught}
    adjusted = {p for p, r in untagged.items() if r["adjusted"]}
    for path, row in untagged.items():
        assert row["model_quadrant"] == before[path]["quadrant"]  # the model's own is kept
        assert row["adjusted"] == ((row["quadrant"], row["octant"])
                                   != (row["model_quadrant"], row["model_octant"]))
    # The rest follow the person: the other pads are sad now, the other drums less tense
    # (valence up), and most of the ten show a tag adjusted to the person's
    assert all(after[p]["quadrant"] == "NV-NA" for p in kinds["pad"][8:])
    assert all(float(after[p]["valence"]) > float(before[p]["valence"])  # type: ignore[arg-type]
               for p in kinds["drums"][6:])
    assert len(adjusted) >= len(untagged) // 2
    with capsys.disabled():  # the figures, for the report
        print(f"\nafter 20 tags: {len(adjusted)} of {len(untagged)} adjusted: " + ", ".join(
            f"{os.path.basename(p)} {before[p]['quadrant']}->{after[p]['quadrant']}"
            for p in sorted(adjusted)) + f"; last line: {said[-1]!r}")
    assert state(capsys, data)["tags"] == 20

    # In words: an adjusted row says so, and what the model said
    code, out, _err = cli(capsys, data, "list")
    for path in adjusted:
        line = next(x for x in out.splitlines() if x.endswith(path))
        assert "adjusted to your tags; the model said" in line

    # ask offers untagged files only, the most teaching first
    code, out, _err = cli(capsys, data, "ask", "--json", "--count", "5")
    offered = [json.loads(line) for line in out.splitlines()]
    assert code == EXIT_OK and 1 <= len(offered) <= 5
    assert not {q["path"] for q in offered} & set(taught)
    scores = [q["score"] for q in offered]
    assert scores == sorted(scores, reverse=True)
    code, out, _err = cli(capsys, data, "ask", "--count", "3")
    assert "answer with: ver-desktop tag PATH happy|tense|sad|calm|EMOTION|right" in (
        out.replace("Answer", "answer"))
    assert "logit" not in out and "embedding" not in out

    # agreement: the last 20 tags, each scored against what showed just before it
    code, out, _err = cli(capsys, data, "agreement", "--json")
    agreed = json.loads(out)
    model_right = sum(before[p]["quadrant"] == quarter[w] for p, w in taught.items())
    assert (agreed["total"], agreed["scored"], agreed["model_right"]) == (20, 20, model_right)
    assert model_right <= agreed["learned_right"] <= 20  # learning helped, or did no harm
    code, out, _err = cli(capsys, data, "agreement")
    assert out.strip() == agreed["sentence"] and "Of your last 20 tags" in out
    with capsys.disabled():
        print(agreed["sentence"])


def test_off_shows_the_models_own_and_on_brings_the_layer_back(
        capsys: pytest.CaptureFixture[str], data: Path, kinds: dict[str, list[str]]) -> None:
    for path in kinds["pad"][:4]:
        assert cli(capsys, data, "tag", path, "sad")[0] == EXIT_OK
    learned = rows(capsys, data)
    code, out, _err = cli(capsys, data, "learning", "off")
    assert code == EXIT_OK and "off" in out
    off = rows(capsys, data)
    for row in off.values():
        assert row["adjusted"] is False
        if not row["corrected"]:
            assert row["quadrant"] == row["model_quadrant"]
    assert sum(bool(r["corrected"]) for r in off.values()) == 4  # the tags stay
    code, out, err = cli(capsys, data, "tag", kinds["song"][0], "happy")
    assert "Learning from your tags is off" in err
    assert cli(capsys, data, "tag", kinds["song"][0], "--clear")[0] == EXIT_OK
    code, out, _err = cli(capsys, data, "learning", "on", "--json")
    assert json.loads(out)["enabled"] is True
    back = rows(capsys, data)
    assert {p: (r["quadrant"], r["adjusted"]) for p, r in back.items()} == {
        p: (r["quadrant"], r["adjusted"]) for p, r in learned.items()}


def test_right_keeps_what_shows_and_forget_keeps_the_tags(
        capsys: pytest.CaptureFixture[str], data: Path, kinds: dict[str, list[str]]) -> None:
    song = kinds["song"][1]
    shown = rows(capsys, data)[song]
    code, out, err = cli(capsys, data, "tag", song, "right")
    assert code == EXIT_OK and "that's right" in err
    row = rows(capsys, data)[song]
    assert row["corrected"] is True and row["quadrant"] == shown["quadrant"]
    assert OCTANT_QUADRANT[str(row["octant"])] == row["quadrant"] in QUADRANTS
    agreed = json.loads(cli(capsys, data, "agreement", "--json")[1])
    assert (agreed["total"], agreed["learned_right"]) == (1, 1)  # it was right: it said so

    for path in kinds["pad"][:3]:
        cli(capsys, data, "tag", path, "tense")
    assert state(capsys, data)["tags"] == 4
    code, out, _err = cli(capsys, data, "learning", "forget")
    assert code == EXIT_OK and "your tags stay" in out
    now = state(capsys, data)
    assert now["tags"] == 0 and now["adjusted"] == 0
    after = rows(capsys, data)
    assert sum(bool(r["corrected"]) for r in after.values()) == 4
    assert not any(r["adjusted"] for r in after.values())


def test_prepare_gives_an_older_library_its_embeddings_back(
        capsys: pytest.CaptureFixture[str], data: Path, kinds: dict[str, list[str]]) -> None:
    database = paths.database_path(data)
    with sqlite3.connect(database) as connection:
        kept = dict(connection.execute("SELECT video_id, embedding FROM analyses"))
        connection.execute("UPDATE analyses SET embedding = NULL")
    damaged = kinds["song"][3]
    code, out, err = cli(capsys, data, "scan", os.path.dirname(damaged))
    assert f"{len(kept)} files still to prepare for learning from your tags: run ver-desktop " \
           "learning prepare" in out
    Path(damaged).rename(damaged + ".away")  # unreadable now: skipped, its tag kept
    try:
        assert cli(capsys, data, "tag", damaged, "tense")[0] == EXIT_OK
        assert state(capsys, data)["without_embedding"] == len(kept)
        code, out, err = cli(capsys, data, "learning")
        assert f"once {len(kept)} files are prepared for it" in out + err
        assert "ver-desktop learning prepare" in out + err
        code, out, err = cli(capsys, data, "ask")  # nothing prepared: nothing to ask yet
        assert code == EXIT_OK and out.startswith("Nothing to ask:") and "learning prepare" in out
        assert cli(capsys, data, "ask", "--json")[1] == ""
        code, out, err = cli(capsys, data, "learning", "prepare")
    finally:
        Path(damaged + ".away").rename(damaged)
    assert code == EXIT_OK, err
    assert f"Prepared {len(kept) - 1} of {len(kept)} files" in out
    assert f"not prepared: {damaged}" in out
    with sqlite3.connect(database) as connection:
        back = dict(connection.execute("SELECT video_id, embedding FROM analyses"))
    missing = [v for v, e in back.items() if e is None]
    assert len(missing) == 1
    for video_id, data_bytes in back.items():
        if data_bytes is not None:
            np.testing.assert_allclose(unpack(data_bytes), unpack(kept[video_id]),
                                       rtol=1e-2, atol=1e-2)
    row = rows(capsys, data)[damaged]
    assert row["corrected"] is True and row["quadrant"] == "NV-PA"
    assert state(capsys, data)["without_embedding"] == 1


# -- on either backend, without media ---------------------------------------------------------


def test_the_commands_on_a_shared_library(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                          library_url: str) -> None:
    """tag, list --json, ask --json, agreement --json and learning off on SQLite and on
    PostgreSQL (--library): 40 files the model hears calm, in two kinds whose embeddings
    differ; the person says one kind is sad, and the rest of that kind follows."""
    from test_playlists import analysis

    from ver_desktop.core.bundle import read_bundle_info
    from ver_desktop.core.library import BulkVideo, Library
    from ver_desktop.core.model_key import ModelKey
    from ver_desktop.core.personal import pack

    info = read_bundle_info(paths.model_dir(None))
    model = ModelKey(info.name, info.version)
    rng = np.random.default_rng(5)
    names = [f"/music/{kind}{i:02d}.mp4" for kind in ("dark", "light") for i in range(20)]
    library = Library(library_url)
    try:
        library.bulk_add([BulkVideo(path=name, size=1, mtime_ns=1, duration=30.0, status="ok",
                                    analysis=analysis(float(rng.uniform(0.1, 0.4)),
                                                      float(rng.uniform(-0.6, -0.2)), 0.5))
                          for name in names], model)
        ids = {name: library.video_id(name) for name in names}
        library.store_embeddings(model, {
            ids[name]: pack(rng.normal(1.0 if "dark" in name else -1.0, 0.3, 500))
            for name in names})
    finally:
        library.close()

    def run(*argv: str) -> str:
        code, out, err = cli(capsys, tmp_path, "--library", library_url, *argv)
        assert code == EXIT_OK, err
        return out

    for name in names[:8]:
        run("tag", name, "sad")
    shown = {r["path"]: r for r in map(json.loads, run("list", "--json").splitlines())}
    dark_rest = [shown[n] for n in names[8:20]]
    light = [shown[n] for n in names[20:]]
    assert all(r["quadrant"] == "NV-NA" and r["adjusted"] for r in dark_rest)
    assert all(r["model_quadrant"] == "PV-NA" for r in dark_rest)
    assert sum(r["quadrant"] == "PV-NA" for r in light) >= 15  # the other kind mostly stays
    asked = [json.loads(line)["path"] for line in run("ask", "--json").splitlines()]
    assert asked and not set(asked) & set(names[:8])
    agreed = json.loads(run("agreement", "--json"))
    assert (agreed["total"], agreed["model_right"]) == (8, 0)
    run("learning", "off")
    shown = {r["path"]: r for r in map(json.loads, run("list", "--json").splitlines())}
    assert not any(r["adjusted"] for r in shown.values())
    assert json.loads(run("learning", "--json"))["enabled"] is False
