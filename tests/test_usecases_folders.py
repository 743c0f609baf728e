"""The folder use case (core/usecases/folders.py) on real libraries: which folders join,
which videos a forgotten folder takes with it, and what the Changes say."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ver_desktop.core.changes import NOTHING, Changes
from ver_desktop.core.library import BulkVideo, Library
from ver_desktop.core.usecases.folders import (
    MissingPath,
    add_folders,
    forget_files,
    forget_folder,
    roots_to_scan,
)

MODEL = ("test-model", "1")


@pytest.fixture
def library(library_url: str) -> Iterator[Library]:
    library = Library(library_url)
    yield library
    library.close()


def folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    """music/, music/live/ (nested) and films/, each with one file on the disk."""
    music, live, films = tmp_path / "music", tmp_path / "music" / "live", tmp_path / "films"
    for folder in (music, live, films):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "a.mp4").write_bytes(b"x")
    return music, live, films


def videos(library: Library, *paths: Path) -> list[int]:
    library.bulk_add([BulkVideo(path=os.fspath(p), size=1, mtime_ns=1, duration=10.0,
                                status="ok") for p in paths], MODEL)
    found = [library.video_id(os.fspath(p)) for p in paths]
    return [i for i in found if i is not None]


def test_folders_join_once_and_files_are_left_to_the_scan(
        library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    music, _live, films = folders(tmp_path)
    monkeypatch.chdir(tmp_path)
    done = add_folders(library, ["music", os.fspath(music), os.fspath(films / "a.mp4"),
                                 os.fspath(tmp_path / "gone")])
    assert done.value == 1 and done.changes == Changes(folders=True)
    assert library.folders() == [os.fspath(music)]
    again = add_folders(library, [os.fspath(music), os.fspath(films)])
    assert again.value == 1 and again.changes == Changes(folders=True)
    assert add_folders(library, [os.fspath(films)]).changes == NOTHING
    assert library.folders() == sorted([os.fspath(music), os.fspath(films)])


def test_forgetting_a_folder_keeps_what_another_folder_holds(
        library: Library, tmp_path: Path) -> None:
    music, live, films = folders(tmp_path)
    add_folders(library, [os.fspath(music), os.fspath(live), os.fspath(films)])
    song, concert, film = videos(library, music / "a.mp4", live / "a.mp4", films / "a.mp4")
    playlist = library.create_playlist("All", "manual", video_ids=[song, concert, film])
    done = forget_folder(library, os.fspath(music))
    assert done.value == 1  # the song; the concert is also under live/, still a folder
    assert done.changes == Changes(folders=True, videos=True, playlists=True)
    assert library.folders() == sorted([os.fspath(live), os.fspath(films)])
    assert library.video_id(os.fspath(music / "a.mp4")) is None
    assert library.playlist_video_ids(playlist) == [concert, film]
    assert (music / "a.mp4").exists()  # nothing on the disk is touched
    empty = forget_folder(library, os.fspath(films / "nothing-here"))
    assert empty.value == 0 and empty.changes == Changes(folders=True)


def test_forgetting_files_takes_them_and_their_playlist_items(
        library: Library, tmp_path: Path) -> None:
    music, _live, films = folders(tmp_path)
    song, film = videos(library, music / "a.mp4", films / "a.mp4")
    playlist = library.create_playlist("Both", "manual", video_ids=[song, film])
    done = forget_files(library, [song])
    assert done.value == 1
    assert done.changes == Changes(videos=True, playlists=True, video_ids=frozenset({song}))
    assert library.playlist_video_ids(playlist) == [film]
    assert library.rows(MODEL, [song, film]).keys() == {film}
    assert forget_files(library, []) == type(done)(0, NOTHING)


def test_roots_are_the_paths_given_else_the_folders_else_the_default(
        library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    music, _live, films = folders(tmp_path)
    assert roots_to_scan(library, [], default=os.fspath(tmp_path / "Videos")) == []
    assert roots_to_scan(library, [], default=os.fspath(films)) == [os.fspath(films)]
    add_folders(library, [os.fspath(music)])
    assert roots_to_scan(library, [], default=os.fspath(films)) == [os.fspath(music)]
    monkeypatch.chdir(tmp_path)
    assert roots_to_scan(library, ["films"]) == [os.fspath(films)]
    with pytest.raises(MissingPath, match=r"gone does not exist$"):
        roots_to_scan(library, ["films", "gone"])
