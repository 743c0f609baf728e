"""core/usecases/moods.write_moods and undo_moods (issue 25, the window's File > Write
moods...): a small real library (an MP3 song and an MP4 video on the disk, an AVI video and
a file gone from the disk) previewed, written into the files' own tags and NFO sidecars,
read back by exiftool, written again (already so) and put back byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import mediagen
from test_filetags import exiftool_tags, mutagen_tags, payload
from test_moods_table import bundled_key
from test_playlists import analysis

from ver_desktop.core import paths
from ver_desktop.core.library import BulkVideo, Library
from ver_desktop.core.usecases.moods import (
    Chosen,
    MoodsWritten,
    chosen_moods,
    undo_moods,
    write_moods,
)
from ver_desktop.core.usecases.tags import tag_videos


def small_library(data_dir: Path, folder: Path) -> dict[str, Path]:
    """An MP3 the model calls calm, an MP4 video the person tagged tensed, an AVI video and
    an MP3 no longer on the disk, in the data folder's own library."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "song": mediagen.write_media(folder / "calm song.mp3", mediagen.music(2.0), fmt=".mp3"),
        "video": mediagen.write_media(folder / "tagged video.mp4", mediagen.music(2.0, seed=1)),
        "avi": mediagen.write_media(folder / "other video.avi", mediagen.music(2.0, seed=2)),
        "gone": folder / "gone.mp3",
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    library = Library("sqlite:///" + os.fspath(paths.database_path(data_dir)))
    try:
        library.bulk_add([
            BulkVideo(path=os.fspath(path), size=i + 1, mtime_ns=i + 1, duration=2.0,
                      status="ok", analysis=analysis(0.5, -0.5 + 0.3 * i, 0.7))
            for i, path in enumerate(files.values())], bundled_key())
        tagged = library.video_id(os.fspath(files["video"]))
        assert tagged is not None
        tag_videos(library, [tagged], octant="tensed")
    finally:
        library.close()
    return files


def chosen_in(data_dir: Path, *files: Path) -> Chosen:
    library = Library("sqlite:///" + os.fspath(paths.database_path(data_dir)))
    try:
        return chosen_moods(library, bundled_key(), [os.fspath(f) for f in files])
    finally:
        library.close()


def write(chosen: Chosen, data_dir: Path, *, tags: bool, nfo: bool,
          dry_run: bool) -> MoodsWritten:
    library = Library("sqlite:///" + os.fspath(paths.database_path(data_dir)))
    try:
        return write_moods(library, chosen, data_dir, tags=tags, nfo=nfo, dry_run=dry_run)
    finally:
        library.close()


def undo(data_dir: Path) -> MoodsWritten:
    library = Library("sqlite:///" + os.fspath(paths.database_path(data_dir)))
    try:
        return undo_moods(library, data_dir)
    finally:
        library.close()


def test_preview_write_again_and_undo(tmp_path: Path, data_dir: Path) -> None:
    files = small_library(data_dir, tmp_path / "media")
    song, video, avi = files["song"], files["video"], files["avi"]
    before = {path: path.read_bytes() for path in (song, video, avi)}
    kept = {path: (mutagen_tags(path), payload(path)) for path in (song, video)}
    chosen = chosen_in(data_dir)
    assert [why for _, why in chosen.passed_over] == ["the file is not on the disk"]

    preview = write(chosen, data_dir, tags=True, nfo=True, dry_run=True)
    assert {path: path.read_bytes() for path in before} == before  # nothing touched
    assert not list((tmp_path / "media").glob("*.nfo"))
    assert preview.done == 4 and preview.already == 0  # song, video (tags, NFO), AVI's NFO
    assert not preview.left_alone  # the AVI takes no tags of its own: only its NFO is asked
    assert preview.summary.startswith("Nothing was written (a preview): 4 files would be")
    assert "1 file passed over" in preview.summary
    assert any("would write tense, angry (tensed) into tagged video.mp4" in line
               for line in preview.lines)

    written = write(chosen, data_dir, tags=True, nfo=True, dry_run=False)
    assert written.done == 4 and not written.left_alone, written.lines
    assert written.summary == ("4 files written; 1 file passed over (no mood yet, mostly "
                               "speech that nobody tagged, or not on the disk).")
    for code in ("PV-NA", "NV-PA", "PV-PA", "NV-NA"):
        assert code not in written.summary
    assert exiftool_tags(video)["mood"] == "tense, angry (tensed)"  # the person's tag wins
    assert "mood" in exiftool_tags(song)
    assert "Mood: tense, angry" in video.with_suffix(".nfo").read_text()
    assert avi.with_suffix(".nfo").is_file()
    assert not song.with_suffix(".nfo").exists()  # NFOs are for videos only

    again = write(chosen, data_dir, tags=True, nfo=True, dry_run=False)
    assert again.done == 0 and again.already == 4

    back = undo(data_dir)
    assert back.done == 4 and not back.left_alone, back.lines
    assert back.summary == "4 files put back as they were."
    # the tags as they were and every byte that is not a tag (mutagen may lay tags out anew)
    assert {path: (mutagen_tags(path), payload(path)) for path in kept} == kept
    assert "mood" not in exiftool_tags(song) and "mood" not in exiftool_tags(video)
    assert avi.read_bytes() == before[avi]
    assert not list((tmp_path / "media").glob("*.nfo"))
    assert undo(data_dir).summary.startswith("There was nothing to put back")


def test_only_the_ways_chosen_and_only_the_files_chosen(tmp_path: Path,
                                                         data_dir: Path) -> None:
    files = small_library(data_dir, tmp_path / "media")
    chosen = chosen_in(data_dir, files["video"])
    only_nfo = write(chosen, data_dir, tags=False, nfo=True, dry_run=False)
    assert only_nfo.done == 1 and "mood" not in exiftool_tags(files["video"])
    assert files["video"].with_suffix(".nfo").is_file()
    song = write(chosen_in(data_dir, files["song"]), data_dir, tags=False, nfo=True,
                       dry_run=False)
    assert song.done == 0 and "NFO files are for videos" in song.left_alone[0][1]
    assert "1 file left alone" in song.summary
    avi = write(chosen_in(data_dir, files["avi"]), data_dir, tags=True, nfo=False,
                      dry_run=True)
    assert "takes no mood tags" in avi.lines[0]
    assert not files["avi"].with_suffix(".nfo").exists()


def test_the_library_follows_its_own_writes_so_a_scan_keeps_the_tags(
        tmp_path: Path, data_dir: Path) -> None:
    """Writing the moods changes the files' bytes (their tags), not their sound: the next
    scan must find nothing changed, keep every tag and analyse nothing again. A file someone
    else changed before the write stays changed for the library."""
    from ver_desktop.core.scan import discover

    folder = tmp_path / "music"
    folder.mkdir()
    ours, theirs = (mediagen.write_media(folder / name, mediagen.music(2.0, seed=i), fmt=".mp3")
                    for i, name in enumerate(("ours.mp3", "theirs.mp3")))
    data_dir.mkdir(parents=True, exist_ok=True)
    library = Library("sqlite:///" + os.fspath(paths.database_path(data_dir)))
    try:
        library.bulk_add([BulkVideo(path=os.fspath(p), size=p.stat().st_size,
                                    mtime_ns=p.stat().st_mtime_ns, duration=2.0, status="ok",
                                    analysis=analysis(0.5, 0.5, 0.7)) for p in (ours, theirs)],
                         bundled_key())
        with theirs.open("ab") as changed:  # someone else's change, not yet scanned
            changed.write(b"\0")
        chosen = chosen_moods(library, bundled_key())
        assert write_moods(library, chosen, data_dir, tags=True, nfo=False,
                           dry_run=False).done == 2

        def plan() -> tuple[int, int]:
            found, _ = discover([os.fspath(folder)])
            made = library.plan_scan([os.fspath(folder)], found, bundled_key())
            return made.unchanged, made.changed

        stored = library.known_files([os.fspath(folder)])
        assert stored[os.fspath(ours)] == (ours.stat().st_size, ours.stat().st_mtime_ns)
        assert stored[os.fspath(theirs)] != (theirs.stat().st_size,
                                             theirs.stat().st_mtime_ns)
        assert plan() == (1, 1)  # ours kept its tag; theirs is analysed again
        assert undo_moods(library, data_dir).done == 2
        assert plan() == (1, 0)  # the undo is followed too (theirs is now pending)
        assert [row.quadrant for row in library.videos(bundled_key())
                if row.path == os.fspath(ours)] == ["PV-PA"]
    finally:
        library.close()
