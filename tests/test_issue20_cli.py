"""Issue 20, items 9-12: names printed escaped, playlist exports that never write through a
link, export errors in one sentence, and absurd numbers refused at the command line. In
process, through `main`, on a real SQLite library."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from pathlib import Path

import pytest
from test_playlists import MODEL, analysis, fill

from ver_desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from ver_desktop.core import paths
from ver_desktop.core.bundle import read_bundle_info
from ver_desktop.core.library import BulkVideo, Library
from ver_desktop.core.playlists import read_m3u8
from ver_desktop.core.text import terminal_text

HOSTILE = "red\x1b[31m \u202eevil\r\x07"  # colour, reversed text, carriage return, bell
RAW = ("\x1b", "\u202e", "\r", "\x07")


@pytest.fixture
def filled(data_dir: Path, tmp_path: Path) -> Library:
    """30 videos under the bundled model's name, one with a hostile name, and a playlist
    with a hostile name holding them."""
    info = read_bundle_info(paths.model_dir(None))
    library = Library.at(paths.database_path(data_dir))
    fill(library, tmp_path / "videos", 30)
    hostile = os.fsdecode(os.fsencode(os.fspath(tmp_path / "videos" / f"{HOSTILE}"))
                          + b"\xff.mp4")
    library.bulk_add([BulkVideo(path=hostile, size=1, mtime_ns=1, duration=20.0, status="ok",
                                error_kind=None, error_reason=None,
                                analysis=analysis(-1.0, -0.5, 0.9))], MODEL)
    with library.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE analyses SET model_name = ?, model_version = ? "
                                   "WHERE model_name = ?", (info.name, info.version, MODEL[0]))
    ids = [library.video_id(hostile), *library.video_ids((info.name, info.version))[:2]]
    library.create_playlist(HOSTILE, "manual", video_ids=ids, play="file")
    library.create_playlist("Plain", "manual", video_ids=ids[1:], play="file")
    return library


def printed(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    return out + err


def assert_escaped(text: str) -> None:
    assert not any(raw in text for raw in RAW), repr(text)
    assert "\\x1b[31m" in text and "\\u202e" in text and "\\x0d" in text and "\\x07" in text


# -- 9: terminal escapes ---------------------------------------------------------------------


def test_terminal_text_shows_controls_bidi_and_undecodable_bytes() -> None:
    shown = terminal_text("a\x1b[31m\u202e\u2066\u200f\r\x07\x85\x7f" + os.fsdecode(b"\xff"))
    assert shown == "a\\x1b[31m\\u202e\\u2066\\u200f\\x0d\\x07\\x85\\x7f\\xff"
    assert terminal_text("Café 日本 / ok") == "Café 日本 / ok"


def test_playlist_list_and_show_print_hostile_names_escaped(
        filled: Library, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playlist", "list"]) == EXIT_OK
    listed = printed(capsys)
    assert_escaped(listed)
    assert main(["playlist", "show", HOSTILE]) == EXIT_OK
    shown = printed(capsys)
    assert_escaped(shown)
    assert "\\u202eevil\\x0d\\x07\ufffd.mp4" in shown  # the file's name, shown (U+FFFD: its
    # byte that is not UTF-8, as the library shows such names)


@pytest.mark.parametrize("command", [["show", "NOSUCH"], ["delete", "NOSUCH"],
                                     ["export", "NOSUCH", "out.m3u8"]])
def test_unknown_playlist_lists_the_names_escaped(filled: Library, tmp_path: Path,
                                                  command: list[str],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    if command[0] == "export":
        command = [*command[:2], os.fspath(tmp_path / command[2])]
    assert main(["playlist", *command]) == EXIT_USAGE
    said = printed(capsys)
    assert "no playlist is named 'NOSUCH'" in said and "'Plain'" in said
    assert_escaped(said)


def test_a_hostile_name_in_an_error_is_escaped(filled: Library, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playlist", "new", "New", os.fspath(tmp_path / HOSTILE)]) == EXIT_USAGE
    assert_escaped(printed(capsys))
    assert main(["tag", os.fspath(tmp_path / HOSTILE), "--quadrant", "PV-PA"]) == EXIT_USAGE
    assert_escaped(printed(capsys))


def test_timeline_of_a_folder_prints_failing_names_escaped(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "films"
    folder.mkdir()
    (folder / f"{HOSTILE}.mp4").write_bytes(b"not a video at all")
    assert main(["timeline", os.fspath(folder)]) == EXIT_FAILED
    assert_escaped(printed(capsys))


# -- 10: never through a link ----------------------------------------------------------------


def test_export_refuses_a_link_and_leaves_what_it_points_at(
        filled: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my session notes\n")
    (tmp_path / "lift.m3u8").symlink_to(notes)
    assert main(["playlist", "export", "Plain", os.fspath(tmp_path / "lift.m3u8")]) == EXIT_USAGE
    assert "lift.m3u8 is a link; give the real path" in printed(capsys)
    assert notes.read_text() == "my session notes\n"


def test_export_through_a_link_to_the_library_leaves_it_whole(
        filled: Library, data_dir: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    database = paths.database_path(data_dir)
    filled.close()
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    (tmp_path / "lift.xspf").symlink_to(database)
    assert main(["playlist", "export", "Plain", os.fspath(tmp_path / "lift.xspf")]) == EXIT_USAGE
    assert "is a link" in printed(capsys)
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    assert main(["playlist", "list"]) == EXIT_OK  # the library still opens


def test_export_never_writes_into_another_name_of_the_same_file(
        filled: Library, tmp_path: Path) -> None:
    """A hard link is no symlink, but writing in place would still change the other name:
    the export is renamed onto the target instead."""
    other = tmp_path / "other.txt"
    other.write_text("keep me\n")
    os.link(other, tmp_path / "lift.m3u8")
    assert main(["playlist", "export", "Plain", os.fspath(tmp_path / "lift.m3u8")]) == EXIT_OK
    assert other.read_text() == "keep me\n"
    assert len(read_m3u8(tmp_path / "lift.m3u8")) == 2


def test_the_shared_export_refuses_the_library_database(filled: Library,
                                                         data_dir: Path) -> None:
    """The app's export dialog takes any name; the core function it calls refuses the
    library's files and any SQLite database."""
    from ver_desktop.core.playlists import Entry, ExportError, export_playlist

    database = paths.database_path(data_dir)
    before = database.read_bytes()
    entries = [Entry("/videos/a.mp4", "a", 10.0)]
    for target in (database, database.with_name(database.name + "-wal")):
        with pytest.raises(ExportError, match="is a database"):
            export_playlist(entries, target, "m3u8")
    copy = data_dir / "copy.m3u8"
    copy.write_bytes(before)
    with pytest.raises(ExportError, match="is a database"):
        export_playlist(entries, copy, "m3u8")
    assert database.read_bytes() == before


# -- 11: export errors in one sentence -------------------------------------------------------


def export_fails(capsys: pytest.CaptureFixture[str], target: Path) -> str:
    assert main(["playlist", "export", "Plain", os.fspath(target)]) == EXIT_USAGE
    said = printed(capsys)
    assert "Traceback" not in said and said.count("\n") == 1, said
    assert "the library" not in said  # the playlist's disk is not the library's
    return said


def test_export_to_a_folder_or_a_dangling_link(filled: Library, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "folder.m3u8").mkdir()
    assert "folder.m3u8 is a folder" in export_fails(capsys, tmp_path / "folder.m3u8")
    (tmp_path / "gone.edl").symlink_to(tmp_path / "nowhere" / "x.edl")
    assert "gone.edl is a link" in export_fails(capsys, tmp_path / "gone.edl")
    assert "does not exist" in export_fails(capsys, tmp_path / "nowhere" / "x.xspf")


def test_a_link_to_a_full_disk_is_refused_not_blamed_on_the_library(
        filled: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """/dev/full answers every write with ENOSPC; through a link it used to be reported as
    the library's disk being full."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    (tmp_path / "full.m3u8").symlink_to("/dev/full")
    assert "is a link" in export_fails(capsys, tmp_path / "full.m3u8")


@pytest.mark.parametrize(("where", "code", "words"), [
    ("fsync", errno.ENOSPC, "the disk that holds {target} is full"),
    ("mkstemp", errno.EROFS, "is on a read-only disk"),
    ("replace", errno.EACCES, "no permission to write {target}"),
])
def test_a_failed_export_leaves_the_old_file_and_no_temporary_file(
        filled: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], where: str, code: int, words: str) -> None:
    """A full disk, a read-only disk and a refused rename, simulated (root passes every
    permission check, and mounting a small or read-only disk needs privileges a test has
    not)."""
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "lift.m3u8"
    target.write_text("#EXTM3U\nold.mp4\n")

    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    module = tempfile if where == "mkstemp" else os
    monkeypatch.setattr(module, where, fail)
    said = export_fails(capsys, target)
    monkeypatch.undo()
    assert words.format(target=target) in said
    assert target.read_text() == "#EXTM3U\nold.mp4\n"
    assert sorted(p.name for p in folder.iterdir()) == ["lift.m3u8"]


# -- 12: absurd values -----------------------------------------------------------------------


MOOD = ["playlist", "moodpath", "Path", "--from", "sad", "--to", "happy"]


@pytest.mark.parametrize(("argv", "words"), [
    ([*MOOD, "--minutes", "nan"], "--minutes must be more than 0"),
    ([*MOOD, "--minutes", "inf"], "--minutes must be more than 0"),
    ([*MOOD, "--minutes", "1e308"], "at most 10080"),
    ([*MOOD, "--count", "1000000000"], "--count must be from 1 to 500"),
    ([*MOOD, "--count", "0"], "--count must be from 1 to 500"),
    ([*MOOD[:3], "--from", "inf,0", "--to", "happy", "--count", "3"], "not a place on the map"),
    ([*MOOD[:3], "--from", "nan,nan", "--to", "happy", "--count", "3"],
     "not a place on the map"),
    ([*MOOD, "--count", "3", "--max-step", "-1"], "--max-step must be a distance"),
    ([*MOOD, "--count", "3", "--max-step", "0"], "--max-step must be a distance"),
    ([*MOOD, "--count", "3", "--max-step", "nan"], "--max-step must be a distance"),
    (["stretches", "--min-minutes", "nan"], "--min-minutes takes a number of minutes"),
])
def test_absurd_numbers_end_in_one_sentence(filled: Library, argv: list[str], words: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == EXIT_USAGE
    said = printed(capsys)
    assert words in said and said.count("\n") == 1, said
    assert "Path" not in [p.name for p in filled.playlists()]


def test_the_apps_own_point_hint_works_verbatim(filled: Library,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*MOOD[:3], "--from", "somewhere", "--to", "happy", "--count", "3"]) \
        == EXIT_USAGE
    hint = printed(capsys).split("such as ")[-1].strip()
    assert hint == "-1,-0.5"
    status = main([*MOOD[:3], "--from", hint, "--to", "-0.5,-1e-1", "--count", "3"])
    assert status in (EXIT_OK, EXIT_FAILED), printed(capsys)
    made = next(p for p in filled.playlists() if p.name == "Path")
    assert made.kind == "mood_path"


def test_search_for_bytes_that_are_not_utf8(filled: Library,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--search", os.fsdecode(b"\xff.mp4")]) == EXIT_OK
    found = capsys.readouterr().out.splitlines()
    assert len(found) == 1 and "evil" in found[0]
    assert main(["stretches", "--search", os.fsdecode(b"\xff")]) == EXIT_OK


@pytest.mark.parametrize("moment", ["nan", "inf", "1:nan", "nan:00"])
def test_tag_at_a_time_that_is_no_number(filled: Library, moment: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tag", _a_clip(filled), "--at", moment, "--quadrant", "PV-PA"]) == EXIT_USAGE
    said = printed(capsys)
    assert "--at takes seconds" in said and "past the end" not in said


def _a_clip(library: Library) -> str:
    info = read_bundle_info(paths.model_dir(None))
    return next(row.path for row in library.videos((info.name, info.version))
                if "Clip" in row.path)
