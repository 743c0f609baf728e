"""`ver-desktop playlist ...`: the same core functions as the GUI, run through `main` on a
real SQLite library (filled directly, or by a real scan for the therapist's flow)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_playlists import MODEL, fill
from test_usecases_playlists import add_long_songs

from ver_desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from ver_desktop.core import paths
from ver_desktop.core.bundle import read_bundle_info
from ver_desktop.core.labels import quadrant_of
from ver_desktop.core.library import Library
from ver_desktop.core.playlists import read_m3u8, read_mpv_edl, read_xspf


@pytest.fixture
def filled(data_dir: Path, tmp_path: Path) -> tuple[Library, tuple[str, str]]:
    """A library whose tags are under the bundled model's name, as the CLI reads them."""
    info = read_bundle_info(paths.model_dir(None))
    library = Library.at(paths.database_path(data_dir))
    fill(library, tmp_path / "videos", 200)
    with library.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE analyses SET model_name = ?, model_version = ? "
                                   "WHERE model_name = ?", (info.name, info.version, MODEL[0]))
    return library, (info.name, info.version)


def lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


def test_moodpath_by_minutes_then_show_and_export(filled: tuple[Library, tuple[str, str]],
                                                  tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    library, model = filled
    status = main(["playlist", "moodpath", "Lift", "--from", "sad", "--to", "PV-PA",
                   "--minutes", "10", "--json"])
    made = json.loads(lines(capsys)[0])
    assert status == EXIT_OK, made["problems"]
    assert abs(made["seconds"] - 600) <= 90 and made["problems"] == []
    points = {p.id: p for p in library.map_points(model)}
    first, last = points[made["videos"][0]], points[made["videos"][-1]]
    assert quadrant_of(first.valence, first.arousal) == "NV-NA"
    assert quadrant_of(last.valence, last.arousal) == "PV-PA"
    assert main(["playlist", "show", "Lift", "--json"]) == EXIT_OK
    shown = [json.loads(line) for line in lines(capsys)]
    assert [row["id"] for row in shown] == made["videos"]
    assert all(row["stop"] - row["start"] == pytest.approx(30.0) for row in shown)
    for name in ("lift.m3u8", "lift.xspf", "lift.edl"):
        assert main(["playlist", "export", "Lift", os.fspath(tmp_path / name)]) == EXIT_OK
    expected = [row["path"] for row in shown]
    assert read_m3u8(tmp_path / "lift.m3u8") == expected
    assert read_xspf(tmp_path / "lift.xspf") == expected
    assert read_mpv_edl(tmp_path / "lift.edl") == expected
    assert (tmp_path / "lift.m3u8").read_text().count("#EXTVLCOPT:stop-time=") == len(shown)


def test_manual_smart_list_and_delete(filled: tuple[Library, tuple[str, str]], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    library, model = filled
    some = [row.path for row in library.videos(model)[:3]]
    assert main(["playlist", "new", "Mine", *some, "--play", "file"]) == EXIT_OK
    assert main(["playlist", "smart", "Calm sure", "--quadrant", "PV-NA",
                 "--min-confidence", "0.55", "--search", "clip_01"]) == EXIT_OK
    capsys.readouterr()
    assert main(["playlist", "list", "--json"]) == EXIT_OK
    listed = {item["name"]: item for item in map(json.loads, lines(capsys))}
    assert listed["Mine"] == {"name": "Mine", "kind": "manual", "play": "file", "videos": 3}
    assert listed["Calm sure"]["kind"] == "smart"
    assert main(["playlist", "show", "Calm sure", "--json"]) == EXIT_OK
    for row in map(json.loads, lines(capsys)):
        assert row["quadrant"] == "PV-NA" and row["confidence"] >= 0.55
        assert "clip_01" in row["path"].lower()
    assert main(["playlist", "delete", "Mine"]) == EXIT_OK
    assert [p.name for p in library.playlists()] == ["Calm sure"]


@pytest.mark.parametrize("argv, words", [
    (["playlist", "show", "Nope"], "no playlist is named 'Nope'"),
    (["playlist", "new", "X", "/not/in/library.mp4"], "is not in the library"),
    (["playlist", "moodpath", "X", "--from", "up", "--to", "PV-PA", "--count", "3"],
     "is not a place on the map"),
    (["playlist", "export", "Lift", "/tmp/list.txt"], "must end in .m3u8 or .xspf"),
    (["playlist", "smart", "S", "--min-confidence", "55"], "a share from 0 to 1"),
])
def test_mistakes_are_refused_in_one_sentence(filled: tuple[Library, tuple[str, str]],
                                              capsys: pytest.CaptureFixture[str],
                                              argv: list[str], words: str) -> None:
    main(["playlist", "moodpath", "Lift", "--from", "NV-NA", "--to", "PV-PA", "--count", "4"])
    capsys.readouterr()
    assert main(argv) == EXIT_USAGE
    error = capsys.readouterr().err
    assert words in error and "Traceback" not in error


def test_a_path_the_library_cannot_give_is_made_and_explained(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Library.at(paths.database_path(data_dir)).close()
    assert main(["playlist", "moodpath", "Empty", "--from", "sad", "--to", "happy",
                 "--count", "5"]) == EXIT_USAGE
    assert "no analysed videos" in capsys.readouterr().err


def test_global_options_after_the_command(filled: tuple[Library, tuple[str, str]],
                                          tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "elsewhere"
    assert main(["list", "--data-dir", os.fspath(other), "--json"]) == EXIT_OK
    assert lines(capsys) == []  # the other, empty library
    assert main(["list", "--json", "--model", "ver-musicnn"]) == EXIT_OK
    assert len(lines(capsys)) == 200
    assert main(["--data-dir", os.fspath(other), "list", "--json"]) == EXIT_OK
    assert lines(capsys) == []


def test_a_partial_mood_path_exits_1_with_its_reasons(filled: tuple[Library, tuple[str, str]],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["playlist", "moodpath", "Steep", "--from", "NV-NA", "--to", "PV-PA",
                   "--count", "6", "--max-step", "0.05"])
    assert status == EXIT_FAILED
    assert "larger than the largest step" in capsys.readouterr().err


@pytest.mark.parametrize("minutes", [20, 12])
def test_minutes_mean_minutes_and_what_cannot_be_given_is_said_first(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        minutes: int) -> None:
    """Issue 23: 12 songs of a minute on the way from tense to calm. 12 minutes are given
    by playing them whole (their segments give 6); 20 cannot be, and that is printed before
    the playlist is made, or instead of making it with --only-if-complete."""
    from ver_desktop.core.model_key import ModelKey

    info = read_bundle_info(paths.model_dir(None))
    library = Library.at(paths.database_path(data_dir))
    add_long_songs(library, ModelKey(info.name, info.version), tmp_path, 12, 60.0)
    ask = ["playlist", "moodpath", "Evening", "--from", "tense", "--to", "calm",
           "--minutes", str(minutes)]
    if minutes == 20:
        assert main([*ask, "--only-if-complete"]) == EXIT_FAILED
        said = capsys.readouterr().err
        assert "note: the library can give only 12 min on this way, of the 20 min" in said
        assert "Did not make 'Evening'" in said and library.playlists() == []
    status = main(ask)
    said = capsys.readouterr().err
    assert status == (EXIT_FAILED if minutes == 20 else EXIT_OK)
    assert ("note:" in said) == (minutes == 20)
    assert "note:" not in said or said.index("note:") < said.index("Made")
    assert "12 videos, 12 min, from tense, angry through sad, tired to calm, content" in said
    assert main(["playlist", "show", "Evening", "--json"]) == EXIT_OK
    shown = [json.loads(line) for line in lines(capsys)]
    assert sum(row["stop"] - row["start"] for row in shown) == pytest.approx(720.0)
    library.close()


def test_a_therapists_session_from_the_command_line(data_dir: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Scan real files, re-tag one, build a mood path by minutes, export it: the re-tagged
    video counts where the person put it."""
    import mediagen

    folder = tmp_path / "session"
    folder.mkdir()
    for i in range(6):
        mediagen.write_media(folder / f"song{i}.mp4",
                             mediagen.music(40.0, seed=10 + i, tempo=60 + 25 * i))
    assert main(["scan", os.fspath(folder), "--workers", "2"]) == EXIT_OK
    capsys.readouterr()
    retagged = os.fspath(folder / "song0.mp4")
    assert main(["tag", retagged, "--octant", "miserable"]) == EXIT_OK
    assert main(["playlist", "moodpath", "Lift", "--from", "sad", "--to", "happy",
                 "--minutes", "3", "--json"]) in (EXIT_OK, EXIT_FAILED)
    made = json.loads(lines(capsys)[0])
    assert abs(made["seconds"] - 180) <= 27 or made["problems"]
    assert main(["playlist", "show", "Lift", "--json"]) == EXIT_OK
    shown = [json.loads(line) for line in lines(capsys)]
    mine = [row for row in shown if row["path"] == retagged]  # 6 x 30 s: all of them play
    assert len(mine) == 1
    assert (mine[0]["quadrant"], mine[0]["octant"], mine[0]["confidence"]) == (
        "NV-NA", "miserable", 1.0)
    assert mine[0]["valence"] < 0 and mine[0]["arousal"] < 0
    target = tmp_path / "lift.xspf"
    assert main(["playlist", "export", "Lift", os.fspath(target)]) == EXIT_OK
    assert read_xspf(target) == [row["path"] for row in shown]
