"""core/usecases/moods.write_moods and undo_moods (issue 25, the window's File > Write
moods...): a small real library (an MP3 song and an MP4 video on the disk, an AVI video and
a file gone from the disk) previewed, written into the files' own tags and NFO sidecars,
read back by exiftool, written again (already up to date) and put back byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import mediagen
from test_filetags import exiftool_tags, mutagen_tags, payload
from test_moods_table import bundled_key, data_library
from test_playlists import analysis

from ver_desktop.core.library import BulkVideo
from ver_desktop.core.usecases.moods import (
    Chosen,
    MoodsWritten,
    Ways,
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
    with data_library(data_dir) as library:
        library.bulk_add([
            BulkVideo(path=os.fspath(path), size=i + 1, mtime_ns=i + 1, duration=2.0,
                      status="ok", analysis=analysis(0.5, -0.5 + 0.3 * i, 0.7))
            for i, path in enumerate(files.values())], bundled_key())
        tagged = library.video_id(os.fspath(files["video"]))
        assert tagged is not None
        tag_videos(library, [tagged], octant="tensed")
    return files


def chosen_in(data_dir: Path, *files: Path) -> Chosen:
    with data_library(data_dir) as library:
        return chosen_moods(library, bundled_key(), [os.fspath(f) for f in files])


def write(chosen: Chosen, data_dir: Path, *, tags: bool, nfo: bool,
          dry_run: bool) -> MoodsWritten:
    with data_library(data_dir) as library:
        return write_moods(library, chosen, data_dir, Ways(tags=tags, nfo=nfo),
                           dry_run=dry_run)


def undo(data_dir: Path) -> MoodsWritten:
    with data_library(data_dir) as library:
        return undo_moods(library, data_dir)


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
    assert preview.done == 3 and preview.already == 0  # song, video (tags and NFO: one), AVI
    assert not preview.left_alone  # the AVI takes no tags of its own: only its NFO is asked
    assert preview.summary.startswith("Nothing was written (a preview): 3 files would be")
    assert "1 file passed over" in preview.summary
    assert any("would write tense, angry (tensed) into tagged video.mp4" in line
               for line in preview.lines)

    written = write(chosen, data_dir, tags=True, nfo=True, dry_run=False)
    assert written.done == 3 and not written.left_alone, written.lines
    assert written.summary == "3 files written; 1 file passed over: the file is not on the disk."
    for code in ("PV-NA", "NV-PA", "PV-PA", "NV-NA"):
        assert code not in written.summary
    assert exiftool_tags(video)["mood"] == "tense, angry (tensed)"  # the person's tag wins
    assert "mood" in exiftool_tags(song)
    assert "Mood: tense, angry" in video.with_suffix(".nfo").read_text()
    assert avi.with_suffix(".nfo").is_file()
    assert not song.with_suffix(".nfo").exists()  # NFOs are for videos only

    again = write(chosen, data_dir, tags=True, nfo=True, dry_run=False)
    assert again.done == 0 and again.already == 3

    back = undo(data_dir)
    assert back.done == 3 and not back.left_alone, back.lines
    assert back.summary == "3 files put back as they were."
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
    assert song.done == 0 and "NFO files are for videos" in song.unfit[0][1]
    assert "1 file not of a kind for what was chosen" in song.summary
    assert song.troubles == 0  # nothing went wrong: a command exits 0
    avi = write(chosen_in(data_dir, files["avi"]), data_dir, tags=True, nfo=False,
                dry_run=True)
    assert "takes no mood tags" in avi.lines[0]  # a file named is said why
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
    with data_library(data_dir) as library:
        library.bulk_add([BulkVideo(path=os.fspath(p), size=p.stat().st_size,
                                    mtime_ns=p.stat().st_mtime_ns, duration=2.0, status="ok",
                                    analysis=analysis(0.5, 0.5, 0.7)) for p in (ours, theirs)],
                         bundled_key())
        with theirs.open("ab") as changed:  # someone else's change, not yet scanned
            changed.write(b"\0")
        chosen = chosen_moods(library, bundled_key())
        assert write_moods(library, chosen, data_dir, Ways(tags=True, nfo=False),
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


def test_put_back_follows_the_files_and_ways_chosen(tmp_path: Path, data_dir: Path) -> None:
    """Undoing the selected files' NFOs leaves the other files' tags and NFOs as written."""
    files = small_library(data_dir, tmp_path / "media")
    song, video = files["song"], files["video"]
    write(chosen_in(data_dir), data_dir, tags=True, nfo=True, dry_run=False)
    with data_library(data_dir) as library:
        only_nfo = undo_moods(library, data_dir, Ways(tags=False, nfo=True),
                              videos=[os.fspath(video)])
        assert only_nfo.done == 1 and not only_nfo.left_alone, only_nfo.lines
        assert not video.with_suffix(".nfo").exists()
        assert files["avi"].with_suffix(".nfo").is_file()  # not chosen: kept
        assert "mood" in exiftool_tags(video) and "mood" in exiftool_tags(song)
        song_only = undo_moods(library, data_dir, Ways(tags=True, nfo=True),
                               videos=[os.fspath(song)])
        assert song_only.done == 1 and "mood" not in exiftool_tags(song)
        assert "mood" in exiftool_tags(video)
        nothing = undo_moods(library, data_dir, Ways(), videos=[os.fspath(song)])
        assert nothing.summary.startswith("There was nothing to put back")


def test_words_for_each_kind_of_file_left_out(tmp_path: Path, data_dir: Path) -> None:
    """A damaged file says it could not be analysed (not "no mood yet"); music is not
    listed file by file when NFOs are written for the whole library, only counted; a video
    without an NFO gets none when new ones are not asked for; a mood set in another program
    is named in the preview as the one replaced; progress is told and Stop stops."""
    files = small_library(data_dir, tmp_path / "media")
    broken = tmp_path / "media" / "broken.mp3"
    broken.write_bytes(b"not audio at all")
    with data_library(data_dir) as library:
        library.bulk_add([BulkVideo(path=os.fspath(broken), size=1, mtime_ns=1,
                                    duration=None, status="failed", error_kind="not_media",
                                    error_reason="not an audio or video file, or one too "
                                                 "damaged to play")], bundled_key())
        chosen = chosen_moods(library, bundled_key())
        assert (os.fspath(broken), "it could not be analysed (not an audio or video file, "
                "or one too damaged to play)") in chosen.passed_over

        only_nfo = write_moods(library, chosen, data_dir,
                               Ways(tags=False, nfo=True, new_nfo=False), dry_run=True)
        assert len(only_nfo.unfit) == 3  # the song (music), the two videos (no NFO yet)
        assert not any("calm song.mp3" in line for line in only_nfo.lines)  # counted only
        assert any("has no NFO file yet" in line for line in only_nfo.lines)
        assert "3 files not of a kind for what was chosen" in only_nfo.summary

        from mutagen.id3 import ID3, TMOO
        tags = ID3(files["song"])
        tags.add(TMOO(encoding=3, text=["energetic"]))
        tags.save(files["song"])
        steps: list[tuple[int, int]] = []
        preview = write_moods(library, chosen, data_dir, Ways(), dry_run=True,
                              progress=lambda done, total: steps.append((done, total)))
        assert any("replacing its mood “energetic”" in line for line in preview.lines)
        assert steps == [(1, 3), (2, 3), (3, 3)]
        assert preview.lines[0].startswith("would write")  # what is done comes first
        assert "passed over" in preview.lines[-1]  # what was left out comes last

        stopped = write_moods(library, chosen, data_dir, Ways(), dry_run=False,
                              should_stop=lambda: True)
        assert stopped.stopped and stopped.done == 0
        assert stopped.summary.startswith("Stopped before the end: 0 files written")
        assert "energetic" in exiftool_tags(files["song"])["mood"]  # nothing was written


def test_a_folder_named_means_every_file_under_it(tmp_path: Path, data_dir: Path) -> None:
    """As `scan FOLDER` does: a folder among the paths stands for every library file under
    it, for the write and for the put back; files elsewhere are not touched."""
    files = small_library(data_dir, tmp_path / "media")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with data_library(data_dir) as library:
        other = mediagen.write_media(elsewhere / "other.mp3", mediagen.music(2.0), fmt=".mp3")
        library.bulk_add([BulkVideo(path=os.fspath(other), size=1, mtime_ns=1, duration=2.0,
                                    status="ok", analysis=analysis(0.5, 0.5, 0.7))],
                         bundled_key())
        chosen = chosen_moods(library, bundled_key(), [os.fspath(tmp_path / "media")])
        assert sorted(Path(p).name for p, _ in chosen.moods) == [
            "calm song.mp3", "other video.avi", "tagged video.mp4"]
        written = write_moods(library, chosen, data_dir, Ways(), dry_run=False)
        assert written.done == 3 and "mood" not in exiftool_tags(other)
        back = undo_moods(library, data_dir, Ways(), videos=[os.fspath(tmp_path / "media")])
        assert back.done == 3 and "mood" not in exiftool_tags(files["song"])
        assert not files["video"].with_suffix(".nfo").exists()


def test_a_preview_of_put_back_changes_nothing(tmp_path: Path, data_dir: Path) -> None:
    """What Put back as before would do, first: nothing changes, a file written twice is
    judged by its newest write (not called changed by the older one), and the put back
    that follows does what the preview said."""
    files = small_library(data_dir, tmp_path / "media")
    song = files["song"]
    write(chosen_in(data_dir), data_dir, tags=True, nfo=True, dry_run=False)
    with data_library(data_dir) as library:
        song_id = library.video_id(os.fspath(song))
        assert song_id is not None
        tag_videos(library, [song_id], octant="miserable")  # the person changes her mind
        again = write_moods(library, chosen_moods(library, bundled_key(), [os.fspath(song)]),
                            data_dir, Ways(), dry_run=False)
        assert again.done == 1
        before = {p: p.read_bytes() for p in song.parent.iterdir()}
        looked = undo_moods(library, data_dir, Ways(), dry_run=True)
        assert {p: p.read_bytes() for p in song.parent.iterdir()} == before
        assert looked.done == 3 and not looked.left_alone, looked.lines
        assert looked.summary == ("Nothing was changed (a preview): 3 files would be put "
                                  "back as they were.")
        back = undo_moods(library, data_dir, Ways())
        assert back.done == 3 and not back.left_alone, back.lines
        assert "mood" not in exiftool_tags(song)
