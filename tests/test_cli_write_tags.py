"""`ver-desktop write-tags`: a library's moods into its music files' own tags, as a person
runs it: a dry run that changes nothing, a write an independent reader (exiftool) sees,
the person's tag winning, a second run that finds it done, and an undo."""

from __future__ import annotations

import os
from pathlib import Path

import mediagen
from test_filetags import exiftool_tags
from test_moods_table import bundled_key, cli, data_library
from test_playlists import analysis

from ver_desktop.core.library import BulkVideo
from ver_desktop.core.usecases.tags import tag_videos


def music_library(data_dir: Path, folder: Path) -> list[Path]:
    """Two generated songs in the data folder's library: one the model calls calm, one the
    person tagged tensed (the model said happy)."""
    folder.mkdir(parents=True, exist_ok=True)
    songs = [mediagen.write_media(folder / name, mediagen.music(3.0, seed=i), fmt=".mp3")
             for i, name in enumerate(("calm song.mp3", "tagged song.mp3"))]
    with data_library(data_dir) as library:
        library.bulk_add([
            BulkVideo(path=os.fspath(songs[0]), size=1, mtime_ns=1, duration=3.0, status="ok",
                      analysis=analysis(0.5, -0.5, 0.7)),
            BulkVideo(path=os.fspath(songs[1]), size=2, mtime_ns=2, duration=3.0, status="ok",
                      analysis=analysis(0.6, 0.4, 0.6)),
        ], bundled_key())
        tagged = library.video_id(os.fspath(songs[1]))
        assert tagged is not None
        tag_videos(library, [tagged], octant="tensed")
    return songs


def test_write_tags_dry_run_write_again_and_undo(tmp_path: Path, data_dir: Path) -> None:
    calm, tagged = music_library(data_dir, tmp_path / "music")
    before = [calm.read_bytes(), tagged.read_bytes()]
    dry = cli("write-tags", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Nothing was written" in dry.stderr and "MOOD" in dry.stdout
    assert [calm.read_bytes(), tagged.read_bytes()] == before
    done = cli("write-tags")
    assert done.returncode == 0, done.stderr
    assert "2 files written" in done.stderr
    assert exiftool_tags(tagged)["mood"] == "tense, angry (tensed)"  # the person's tag wins
    assert exiftool_tags(calm)["verquadrant"] == "PV-NA"
    again = cli("write-tags", os.fspath(tagged))
    assert again.returncode == 0 and "1 file already up to date" in again.stderr
    written = [calm.read_bytes(), tagged.read_bytes()]
    looked = cli("write-tags", "--undo", "--dry-run")  # what a put back would do
    assert looked.returncode == 0, looked.stderr
    assert "Nothing was changed (a preview): 2 files would be put back" in looked.stderr
    assert "would put back the tags calm song.mp3 had before" in looked.stdout
    assert [calm.read_bytes(), tagged.read_bytes()] == written
    back = cli("write-tags", "--undo")
    assert back.returncode == 0, back.stderr
    assert "mood" not in exiftool_tags(calm) and "mood" not in exiftool_tags(tagged)


def test_write_tags_usage_errors(tmp_path: Path, data_dir: Path) -> None:
    music_library(data_dir, tmp_path / "music")
    nothing = cli("write-tags", "--undo", "--dry-run")
    assert nothing.returncode == 0 and "There was nothing to put back" in nothing.stderr
    missing = cli("write-tags", os.fspath(tmp_path / "nowhere.mp3"))
    assert missing.returncode == 2 and "not in the library" in missing.stderr
