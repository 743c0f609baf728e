"""Talk in the library: talk stretches are kept as talk, left out of mood paths and of
emotion filters unless asked; mostly-talk files likewise; step 10 brings an old library's
stretches to the new shape. On both backends where a library is made."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from test_library import shapes_after_migrating

from ver_desktop.core.bundle import prediction_at
from ver_desktop.core.extract import Extracted
from ver_desktop.core.library import FileStat, Library
from ver_desktop.core.library.browse import VideoFilter
from ver_desktop.core.library.timelines import StretchFilter
from ver_desktop.core.playlists import mood_path
from ver_desktop.core.timeline import CUT_VERSION, Stretch, Timeline

MODEL = ("test-model", "1")
# A wedding film: a calm song 0-100 s, a speech 100-180 s (its point tense), a calm song
WEDDING = [(0.0, 100.0, 0.6, -0.6, False), (100.0, 180.0, -0.5, 0.6, True),
           (180.0, 300.0, 0.5, -0.5, False)]


def stretches() -> list[Stretch]:
    from ver_desktop.core.labels import octant_of, quadrant_of

    return [Stretch(a, b, quadrant_of(v, r), octant_of(v, r), v, r, speech=t)
            for a, b, v, r, t in WEDDING]


@pytest.fixture
def library(library_url: str, tmp_path: Path) -> Iterator[Library]:
    """A wedding film with its timeline, a vlog that is mostly talk, a tense song."""
    library = Library(library_url)
    root = os.fspath(tmp_path)
    names = ["Wedding speech.mp4", "vlog.mp4", "song.mp4"]
    files = [FileStat(os.path.join(root, n), 1, 1) for n in names]
    plan = library.plan_scan([root], files, MODEL)
    talk = {"Wedding speech.mp4": 0.1, "vlog.mp4": 0.9, "song.mp4": 0.0}
    for video_id, path in plan.to_analyse:
        name = os.path.basename(path)
        library.record([(video_id, Extracted(path, np.zeros((3, 2), np.float32), 0, 30, 300.0,
                                             0, speech_likeness=talk[name]),
                         prediction_at(-0.5, 0.6, spread=1.0))], [], MODEL)
        if name == "Wedding speech.mp4":
            timeline = Timeline(15.0, 3.0, 300.0, np.zeros(90, np.float32),
                                np.zeros(90, np.float32), np.zeros(100, np.float32))
            library.store_timeline(video_id, MODEL, timeline, stretches())
    yield library
    library.close()


def test_talk_stretches_are_kept_as_talk_and_left_out_of_the_list_unless_asked(
        library: Library) -> None:
    kept = library.stretches(MODEL)
    assert [k.stretch.speech for k in kept] == [False, True, False]
    tense = StretchFilter(quadrants=frozenset({"NV-PA"}))
    assert library.stretches(MODEL, tense) == []
    asked = library.stretches(MODEL, StretchFilter(quadrants=frozenset({"NV-PA"}),
                                                   include_talk=True))
    assert [(k.stretch.start, k.stretch.speech) for k in asked] == [(100.0, True)]
    # no emotion chosen ("Any emotion"): talk is still left out unless asked
    assert [k.stretch.start for k in library.stretches(MODEL, StretchFilter())] == [
        0.0, 180.0]
    assert [k.stretch.start for k in library.stretches(
        MODEL, StretchFilter(include_talk=True))] == [0.0, 100.0, 180.0]
    points = {p.span: p.mostly_speech for p in library.stretch_points(MODEL)}
    assert points == {(0.0, 100.0): False, (100.0, 180.0): True, (180.0, 300.0): False}


def test_a_mood_path_over_stretches_leaves_talk_out(library: Library) -> None:
    path = mood_path(library, MODEL, (-0.5, 0.6), (0.6, -0.6), count=3, stretches=True)
    assert (100.0, 180.0) not in path.spans and path.spans


def test_emotion_filters_leave_mostly_talk_files_out_unless_asked(library: Library) -> None:
    names = {r.id: r.name for r in library.videos(MODEL)}
    tense = VideoFilter(quadrants=frozenset({"NV-PA"}))
    assert sorted(names[i] for i in library.video_ids(MODEL, tense)) == [
        "Wedding speech.mp4", "song.mp4"]
    asked = VideoFilter(quadrants=frozenset({"NV-PA"}), include_talk=True)
    assert "vlog.mp4" in [names[i] for i in library.video_ids(MODEL, asked)]
    vlog = next(r for r in library.videos(MODEL) if r.name == "vlog.mp4")
    assert not tense.matches(vlog) and asked.matches(vlog)
    points = {p.name: p.mostly_speech for p in library.map_points(MODEL)}
    assert points["vlog.mp4"] and not points["song.mp4"]


def test_at_least_two_minutes_keeps_a_stretch_shown_as_two_minutes(library: Library) -> None:
    """119.6 s reads 2:00 (text.clock); "at least 2 min" must not hide it."""
    video_id = library.stretches(MODEL)[0].video_id
    timeline = Timeline(15.0, 3.0, 300.0, np.zeros(90, np.float32), np.zeros(90, np.float32))
    library.store_timeline(video_id, MODEL, timeline, [
        Stretch(0.0, 119.6, "PV-NA", "sleepy", 0.5, -0.5),
        Stretch(119.6, 300.0, "NV-NA", "tired", -0.5, -0.5)])
    long_ones = library.stretches(MODEL, StretchFilter(min_seconds=120))
    assert [k.stretch.start for k in long_ones] == [0.0, 119.6]
    assert [k.stretch.start for k in library.stretches(
        MODEL, StretchFilter(max_seconds=120))] == [0.0]


def test_the_timeline_pass_gives_a_file_scanned_before_its_talk_share(
        library: Library) -> None:
    video_id = library.stretches(MODEL)[0].video_id
    talk = np.zeros(100, np.float32)
    talk[:12] = 0.8  # the analysed segment, 0-30 s, is talk
    timeline = Timeline(15.0, 3.0, 300.0, np.zeros(90, np.float32), np.zeros(90, np.float32),
                        talk)
    library.store_timeline(video_id, MODEL, timeline, stretches())
    row = library.rows(MODEL, [video_id])[video_id]
    assert row.speech_likeness == pytest.approx(0.8, abs=0.01) and row.mostly_speech
    talk[:] = 0.5  # a film of talk (with its pauses) whose analysed 30 s are a song
    talk[:12] = 0.0
    library.store_timeline(video_id, MODEL, timeline, stretches())
    row = library.rows(MODEL, [video_id])[video_id]
    assert row.speech_likeness == pytest.approx(0.44, abs=0.01) and row.mostly_speech


def test_step_10_gives_an_old_librarys_stretches_the_talk_column(library_url: str,
                                                                 tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    library = Library(library_url)
    root = os.fspath(tmp_path)
    plan = library.plan_scan([root], [FileStat(os.path.join(root, "a.mp4"), 1, 1)], MODEL)
    video_id = plan.to_analyse[0][0]
    read = Extracted(plan.to_analyse[0][1], np.zeros((3, 2), np.float32), 0, 30, 300.0, 0)
    library.record([(video_id, read, prediction_at(0.5, 0.5, spread=1.0))], [], MODEL)
    timeline = Timeline(15.0, 3.0, 300.0, np.zeros(90, np.float32), np.zeros(90, np.float32))
    library.store_timeline(video_id, MODEL, timeline, stretches(), cut_version=1)
    library.close()
    engine = create_engine(library_url)
    with engine.begin() as db:  # as version 9 left it
        db.execute(text("ALTER TABLE stretches DROP COLUMN speech"))
        db.execute(text("DELETE FROM schema_migrations WHERE version >= 10"))
    engine.dispose()
    library = Library(library_url, upgrade=True)
    try:
        assert [k.stretch.speech for k in library.stretches(MODEL)] == [False] * 3
        assert library.without_timeline(MODEL) == [(video_id, plan.to_analyse[0][1])]
        assert CUT_VERSION == 2  # so those stretches are cut again, talk found
        library.store_timeline(video_id, MODEL, timeline, stretches())
        assert [k.stretch.speech for k in library.stretches(MODEL)] == [False, True, False]
    finally:
        library.close()


def test_a_migrated_library_has_the_shape_of_a_new_one(tmp_path: Path) -> None:
    def before_step_10(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE stretches DROP COLUMN speech")
        db.execute("DELETE FROM schema_migrations WHERE version >= 10")

    migrated, new = shapes_after_migrating(tmp_path, before_step_10)
    assert migrated == new


def test_the_cli_says_where_the_talk_is_and_leaves_it_out_unless_asked(
        tmp_path: Path, data_dir: Path) -> None:
    import json
    import subprocess
    import sys

    from ver_desktop.core import paths
    from ver_desktop.core.bundle import read_bundle_info

    info = read_bundle_info(paths.bundled_model_dir())
    model = (info.name, info.version)
    library = Library.at(paths.database_path(data_dir))
    path = os.fspath(tmp_path / "Wedding speech.mp4")
    plan = library.plan_scan([os.fspath(tmp_path)], [FileStat(path, 1, 1)], model)
    video_id = plan.to_analyse[0][0]
    read = Extracted(path, np.zeros((3, 2), np.float32), 0, 30, 300.0, 0, speech_likeness=0.1)
    library.record([(video_id, read, prediction_at(0.6, -0.6, spread=1.0))], [], model)
    timeline = Timeline(15.0, 3.0, 300.0, np.zeros(90, np.float32), np.zeros(90, np.float32))
    library.store_timeline(video_id, model, timeline, stretches())
    library.close()

    def cli(*args: str) -> str:
        return subprocess.run([sys.executable, "-m", "ver_desktop", "--data-dir",
                               os.fspath(data_dir), *args], capture_output=True, text=True,
                              timeout=600, check=True).stdout

    assert "(music, with talk from 1:40 to 3:00) " in cli("list")
    assert json.loads(cli("list", "--json"))["sound"] == "music, with talk from 1:40 to 3:00"
    assert cli("stretches", "--quadrant", "tense") == ""
    talk = cli("stretches", "--quadrant", "tense", "--include-talk")
    assert "talk (no emotion read)" in talk and "1:40" in talk
    every = cli("stretches")  # any emotion: talk left out as well, as in the app
    assert "0:00" in every and "3:00" in every and "talk" not in every
    assert "talk (no emotion read)" in cli("stretches", "--include-talk")
