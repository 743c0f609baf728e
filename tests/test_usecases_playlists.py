"""The playlist use case (core/usecases/playlists.py) on real libraries: what each
operation stores, what it refuses in words, what the shown and played items are, and the
Changes each returns."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from test_playlists import analysis

from ver_desktop.core.changes import NOTHING, Changes
from ver_desktop.core.errors import AppError
from ver_desktop.core.labels import named_point
from ver_desktop.core.library import BulkVideo, Library, VideoFilter
from ver_desktop.core.library.timelines import StretchFilter
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.playlists import ExportError, read_m3u8, read_xspf
from ver_desktop.core.timeline import Timeline, cut
from ver_desktop.core.usecases import playlists as uc
from ver_desktop.core.usecases.tags import NotInLibrary, tag_stretches, tag_videos

MODEL = ModelKey("test-model", "1")
PLAYLISTS = Changes(playlists=True)
# (valence, arousal) of each file: two of each quadrant, and one missing from the disk
POINTS = [(-1.0, -1.0), (-0.6, -0.7), (-0.5, 0.6), (-0.2, 0.3), (0.3, -0.2), (0.6, -0.5),
          (0.7, 0.6), (1.0, 1.0)]


@pytest.fixture
def library(library_url: str, tmp_path: Path) -> Iterator[Library]:
    """Eight tagged files of 90 s (v0.mp4 ... v7.mp4), the last one missing from its disk;
    v0.mp4 has a timeline of two stretches."""
    library = Library(library_url)
    library.bulk_add([BulkVideo(path=os.fspath(tmp_path / f"v{i}.mp4"), size=i, mtime_ns=i,
                                duration=90.0, status="missing" if i == 7 else "ok",
                                analysis=analysis(*point, 0.8))
                      for i, point in enumerate(POINTS)], MODEL)
    timeline = Timeline(14.96, 2.992, 90.0, np.linspace(-1, 1, 21, dtype=np.float32),
                        np.full(21, 0.5, np.float32))
    stretches = cut(timeline.times(), timeline.valence, timeline.arousal, 90.0)
    library.store_timeline(ids(library, tmp_path)[0], MODEL, timeline, stretches)
    yield library
    library.close()


def ids(library: Library, folder: Path) -> list[int]:
    found = [library.video_id(os.fspath(folder / f"v{i}.mp4")) for i in range(len(POINTS))]
    return [i for i in found if i is not None]


def test_names_are_suggested_free_refused_when_taken_and_found(library: Library,
                                                                 tmp_path: Path) -> None:
    assert uc.free_name(library, "Calm") == "Calm"
    uc.create_manual(library, "Calm", ids(library, tmp_path)[:1])
    assert uc.free_name(library, "Calm") == "Calm (2)"
    assert uc.new_name(library, "Calm (2)") == "Calm (2)"
    with pytest.raises(uc.PlaylistRefused, match=r"^a playlist named 'Calm' exists already"):
        uc.create_manual(library, "Calm", ids(library, tmp_path)[1:2])
    with pytest.raises(uc.PlaylistRefused, match=r"^a playlist needs a name$"):
        uc.new_name(library, "  ")
    assert uc.find(library, "Calm").name == "Calm"
    with pytest.raises(AppError, match=r"^no playlist is named 'x' \(playlists: 'Calm'\)$"):
        uc.find(library, "x")
    assert [p.name for p in library.playlists()] == ["Calm"]


def test_a_manual_playlist_keeps_its_items_in_order(library: Library,
                                                    tmp_path: Path) -> None:
    v = ids(library, tmp_path)
    done = uc.create_manual(library, "Mine", [v[3], v[0], v[5]],
                            spans=[None, (0.0, 40.0), None], play="file")
    assert done.changes == PLAYLISTS
    assert library.playlist_items(done.value) == [(v[3], None), (v[0], (0.0, 40.0)),
                                                  (v[5], None)]
    playlist = library.playlist(done.value)
    assert playlist is not None and (playlist.kind, playlist.play) == ("manual", "file")


def test_a_playlist_of_paths_refuses_one_the_library_lacks(
        library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = uc.create_from_paths(library, "Two", ["v1.mp4", os.fspath(tmp_path / "v2.mp4")])
    v = ids(library, tmp_path)
    assert library.playlist_video_ids(done.value) == [v[1], v[2]]
    with pytest.raises(NotInLibrary, match=r"^nope\.mp4 is not in the library"):
        uc.create_from_paths(library, "Three", ["v1.mp4", "nope.mp4"])
    assert [p.name for p in library.playlists()] == ["Two"]


def test_a_smart_playlist_follows_the_library(library: Library, tmp_path: Path) -> None:
    v = ids(library, tmp_path)
    done = uc.create_smart(library, "Happy", VideoFilter(quadrants=frozenset({"PV-PA"})))
    assert done.changes == PLAYLISTS
    playlist = uc.find(library, "Happy")
    assert uc.contents(library, MODEL, playlist).video_ids == [v[6]]  # v7 is missing
    tag_videos(library, [v[0]], quadrant="PV-PA")
    assert uc.contents(library, MODEL, playlist).video_ids == [v[0], v[6]]
    assert dict((p.name, n) for p, n in uc.listed(library, MODEL)) == {"Happy": 2}


def test_stretch_playlists_fixed_and_smart(library: Library, tmp_path: Path) -> None:
    v = ids(library, tmp_path)
    stretches = library.stretches(MODEL)
    done = uc.create_of_stretches(library, MODEL, "Bits", StretchFilter())
    assert done.changes == PLAYLISTS
    assert done.value.stretches == stretches
    assert done.value.seconds == pytest.approx(90.0)
    spans = [(k.stretch.start, k.stretch.end) for k in stretches]
    assert library.playlist_items(done.value.playlist_id) == [(v[0], s) for s in spans]
    with pytest.raises(uc.PlaylistRefused, match=r"^no stretch in the library matches"):
        uc.create_of_stretches(library, MODEL, "None", StretchFilter(min_seconds=1000))
    first = stretches[0].stretch.quadrant
    smart = uc.create_smart_stretches(library, "Smart bits",
                                      StretchFilter(quadrants=frozenset({first})))
    playlist = library.playlist(smart.value)
    assert playlist is not None and playlist.kind == "stretches"
    found = uc.contents(library, MODEL, playlist)
    assert found.spans == [spans[0]]
    assert [k.id if k else None for k in found.stretches] == [stretches[0].id]
    assert sorted(p.name for p in library.playlists()) == ["Bits", "Smart bits"]


def test_a_mood_path_is_kept_or_refused_when_it_has_no_step(library: Library,
                                                            tmp_path: Path) -> None:
    done = uc.create_mood_path(library, MODEL, "Lift", (-1.0, -1.0), (1.0, 1.0), count=4)
    assert done.changes == PLAYLISTS and done.value.playlist_id is not None
    path = done.value.path
    assert len(path.steps) == 4
    assert library.playlist_video_ids(done.value.playlist_id) == path.video_ids
    playlist = uc.find(library, "Lift")
    assert playlist.kind == "mood_path" and playlist.rule == path.to_json()
    with pytest.raises(uc.PlaylistRefused, match=r"^no mood path: "):
        uc.create_mood_path(library, ModelKey("other", "1"), "Empty", (-1.0, -1.0),
                            (1.0, 1.0), count=3)  # no file has that model's tag
    assert "Empty" not in [p.name for p in library.playlists()]
    kept = uc.create_mood_path(library, ModelKey("other", "1"), "Empty", (-1.0, -1.0),
                               (1.0, 1.0), count=3, keep_empty=True)
    assert kept.value.playlist_id is not None and kept.value.path.problems
    assert library.playlist_video_ids(kept.value.playlist_id) == []


def long_songs(library_url: str, folder: Path, count: int, seconds: float) -> Library:
    library = Library(library_url)
    add_long_songs(library, MODEL, folder, count, seconds)
    return library


def add_long_songs(library: Library, model: ModelKey, folder: Path, count: int,
                   seconds: float) -> None:
    """`count` songs of `seconds` from tense round by sad to calm, each analysed from 100 s
    to 130 s; and three happy ones off that way."""
    angles = np.radians(np.linspace(135, 315, count))
    points = [(1.2 * np.cos(t), 1.2 * np.sin(t)) for t in angles] + [(1.0, 1.0)] * 3
    library.bulk_add([BulkVideo(path=os.fspath(folder / f"song{i}.mp4"), size=i, mtime_ns=i,
                                duration=seconds, status="ok", analysis={
                                    **analysis(float(v), float(a), 0.8),
                                    "segment_start": 100.0, "segment_end": 130.0})
                      for i, (v, a) in enumerate(points)], model)


def test_twenty_minutes_from_songs_whose_segments_give_six(library_url: str,
                                                           tmp_path: Path) -> None:
    """Issue 23: a 20-minute path from 12 songs of 4 minutes (their segments give 6) lasts
    20 minutes: each item plays a longer stretch of its song, around its analysed
    segment, and the exported playlist starts and stops there."""
    library = long_songs(library_url, tmp_path, 12, 240.0)
    tense, calm = named_point("tense"), named_point("calm")
    assert tense is not None and calm is not None
    made = uc.create_mood_path(library, MODEL, "Evening", tense, calm, total_seconds=1200)
    path = made.value.path
    assert path.complete and abs(path.seconds - 1200) <= 0.15 * 1200, path.problems
    shown = uc.shown(library, MODEL, uc.find(library, "Evening"))
    assert len(shown) == 12
    played = 0.0
    for item in shown:
        start, stop = item.entry.start, item.entry.stop
        assert start is not None and stop is not None
        assert 0 <= start <= 100 and 130 <= stop <= 240  # the segment plays within it
        played += stop - start
    assert abs(played - 1200) <= 0.15 * 1200
    target = tmp_path / "evening.m3u8"
    uc.export(library, MODEL, uc.find(library, "Evening"), target)
    assert target.read_text().count("#EXTVLCOPT:stop-time=") == 12
    library.close()


def test_what_the_library_cannot_give_is_known_before_the_playlist_is_made(
        library_url: str, tmp_path: Path) -> None:
    library = long_songs(library_url, tmp_path, 12, 60.0)
    tense, calm = named_point("tense"), named_point("calm")
    assert tense is not None and calm is not None
    path = uc.plan_mood_path(library, MODEL, tense, calm, total_seconds=1200)
    assert path.problems == ("the library can give only 12 min on this way, of the 20 min "
                             "asked for, even playing whole files: add more music, or ask "
                             "for less time",)
    assert library.playlists() == []  # nothing made yet: the person decides
    kept = uc.keep_mood_path(library, "Anyway", path)
    assert library.playlist_video_ids(kept.value.playlist_id or 0) == path.video_ids
    with pytest.raises(uc.PlaylistRefused, match="exists already"):
        uc.keep_mood_path(library, "Anyway", path)
    library.close()


def test_editing_a_playlist(library: Library, tmp_path: Path) -> None:
    v = ids(library, tmp_path)
    playlist_id = uc.create_manual(library, "Edit", [v[0], v[1]],
                                   spans=[(0.0, 40.0), None]).value
    assert uc.add_items(library, playlist_id, [v[1], v[2]]) == PLAYLISTS
    assert library.playlist_video_ids(playlist_id) == [v[0], v[1], v[2]]  # v1 not twice
    assert uc.add_items(library, playlist_id, []) == NOTHING
    order = uc.moved([v[0], v[1], v[2]], v[0], 5)
    assert order == [v[1], v[2], v[0]] and uc.moved(order, v[1], -1) == order
    assert uc.reorder(library, playlist_id, order) == PLAYLISTS
    assert library.playlist_items(playlist_id) == [(v[1], None), (v[2], None),
                                                   (v[0], (0.0, 40.0))]  # its stretch kept
    assert uc.remove_items(library, playlist_id, [v[2]]) == PLAYLISTS
    assert library.playlist_video_ids(playlist_id) == [v[1], v[0]]
    assert uc.remove_items(library, playlist_id, []) == NOTHING
    assert uc.set_play(library, playlist_id, "file") == PLAYLISTS
    assert uc.rename(library, playlist_id, "Edited") == PLAYLISTS
    info = library.playlist(playlist_id)
    assert info is not None and (info.name, info.play) == ("Edited", "file")
    uc.create_manual(library, "Other", [v[3]])
    with pytest.raises(AppError, match="exists already"):
        uc.rename(library, playlist_id, "Other")
    assert uc.delete(library, playlist_id) == PLAYLISTS
    assert library.playlist(playlist_id) is None


def test_shown_items_carry_their_stretch_and_play_skips_missing_files(
        library: Library, tmp_path: Path) -> None:
    v = ids(library, tmp_path)
    stretch = library.stretches(MODEL)[1]
    tag_stretches(library, [stretch.id], octant="miserable", video_ids=[v[0]])
    span = (stretch.stretch.start, stretch.stretch.end)
    playlist_id = uc.create_manual(library, "Show", [v[0], v[7], v[0]],
                                   spans=[span, None, None]).value
    playlist = library.playlist(playlist_id)
    assert playlist is not None
    items = uc.shown(library, MODEL, playlist)
    assert [(s.row.id, s.entry.start, s.entry.stop) for s in items] == [
        (v[0], span[0], span[1]), (v[7], 0.0, 30.0), (v[0], 0.0, 30.0)]
    assert [(s.quadrant, s.octant, s.corrected) for s in items] == [
        ("NV-NA", "miserable", True), ("PV-PA", items[1].row.octant, False),
        (items[2].row.quadrant, items[2].row.octant, False)]
    assert [s.row.id for s in uc.to_play(library, MODEL, playlist)] == [v[0], v[0]]


def test_export_writes_what_the_playlist_plays_in_the_format_asked(
        library: Library, tmp_path: Path) -> None:
    v = ids(library, tmp_path)
    playlist_id = uc.create_manual(library, "Out", [v[2], v[1]]).value
    playlist = library.playlist(playlist_id)
    assert playlist is not None
    target = tmp_path / "out.M3U8"
    done = uc.export(library, MODEL, playlist, target)
    assert done.value == 2 and done.changes == NOTHING
    assert read_m3u8(target) == [os.fspath(tmp_path / "v2.mp4"),
                                 os.fspath(tmp_path / "v1.mp4")]
    assert "#EXTVLCOPT:stop-time=30.000" in target.read_text()
    as_xspf = tmp_path / "named.txt"
    assert uc.export(library, MODEL, playlist, as_xspf, "xspf", relative=False).value == 2
    assert read_xspf(as_xspf) == read_m3u8(target)
    with pytest.raises(ExportError, match=r"out\.pls must end in \.m3u8 or \.xspf \(VLC "
                                          r"and most players\) or \.edl \(mpv\)$"):
        uc.export(library, MODEL, playlist, tmp_path / "out.pls")
    assert not (tmp_path / "out.pls").exists()
