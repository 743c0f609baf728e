"""Stretches as items of their own: filtered, on the map, tagged one by one, in playlists and
mood paths, exported with their start and stop. On both backends."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ver_desktop.core.bundle import prediction_at
from ver_desktop.core.extract import Extracted
from ver_desktop.core.library import FileStat, Library
from ver_desktop.core.library.timelines import StretchFilter
from ver_desktop.core.playlists import (
    export_m3u8,
    mood_path,
    playlist_entries,
    playlist_stretches,
    stretch_rule_from_json,
    stretch_rule_to_json,
)
from ver_desktop.core.timeline import Stretch, Timeline

MODEL = ("test-model", "1")
# Each film: calm 0-100 s, tense 100-150 s, sad 150-400 s (a long stretch)
PARTS = [(0.0, 100.0, 0.6, -0.6), (100.0, 150.0, -0.5, 0.7), (150.0, 400.0, -0.6, -0.5)]


def film_stretches() -> list[Stretch]:
    from ver_desktop.core.labels import octant_of, quadrant_of

    return [Stretch(a, b, quadrant_of(v, r), octant_of(v, r), v, r) for a, b, v, r in PARTS]


@pytest.fixture
def library(library_url: str, tmp_path: Path) -> Iterator[Library]:
    """Three films with timelines and stretches."""
    library = Library(library_url)
    root = os.fspath(tmp_path)
    files = [FileStat(os.path.join(root, f"film {i}.mp4"), 1, 1) for i in range(3)]
    plan = library.plan_scan([root], files, MODEL)
    for video_id, path in plan.to_analyse:
        library.record([(video_id, Extracted(path, np.zeros((3, 2), np.float32), 0, 30, 400.0,
                                             0), prediction_at(0.5, -0.5, spread=1.0))],
                       [], MODEL)
        timeline = Timeline(15.0, 3.0, 400.0, np.zeros(124, np.float32),
                            np.zeros(124, np.float32))
        library.store_timeline(video_id, MODEL, timeline, film_stretches())
    yield library
    library.close()


def test_stretches_are_filtered_by_emotion_and_length(library: Library) -> None:
    calm = library.stretches(MODEL, StretchFilter(quadrants=frozenset({"PV-NA"})))
    assert [(k.name, k.stretch.start, k.stretch.end) for k in calm] == [
        (f"film {i}.mp4", 0.0, 100.0) for i in range(3)]
    long_ones = library.stretches(MODEL, StretchFilter(min_seconds=120))
    assert {k.stretch.quadrant for k in long_ones} == {"NV-NA"} and len(long_ones) == 3
    assert library.stretches(MODEL, StretchFilter(search="film 1")) == [
        k for k in library.stretches(MODEL) if k.name == "film 1.mp4"]


def test_a_persons_tag_on_one_stretch_changes_that_stretch_only(library: Library) -> None:
    before = library.stretches(MODEL)
    tense = next(k for k in before if k.stretch.quadrant == "NV-PA")
    library.set_stretch_label(tense.id, octant="sleepy")
    after = {k.id: k for k in library.stretches(MODEL)}
    assert after[tense.id].corrected and after[tense.id].stretch.octant == "sleepy"
    assert after[tense.id].stretch.quadrant == "PV-NA"
    point = next(p for p in library.stretch_points(MODEL) if p.id == tense.id)
    assert point.quadrant == "PV-NA" and point.valence > 0 > point.arousal  # moved there
    assert [k for k in before if k.id != tense.id] == [after[k.id] for k in before
                                                       if k.id != tense.id]
    calm = library.stretches(MODEL, StretchFilter(quadrants=frozenset({"PV-NA"}),
                                                  octants=frozenset({"sleepy"})))
    assert tense.id in [k.id for k in calm]
    file_row = library.rows(MODEL, [tense.video_id])[tense.video_id]
    assert not file_row.corrected  # the file's own tag is another matter
    library.set_stretch_label(tense.id)
    assert not {k.id: k for k in library.stretches(MODEL)}[tense.id].corrected


def test_a_mood_path_of_stretches_plays_each_from_its_start_to_its_end(
        library: Library, tmp_path: Path) -> None:
    path = mood_path(library, MODEL, (0.6, -0.6), (-0.6, -0.5), count=3, stretches=True)
    assert len(path.steps) == 3
    assert path.steps[0].span == (0.0, 100.0)
    assert path.steps[-1].span == (150.0, 400.0)
    playlist = library.create_playlist("calm to sad", "mood_path", rule=path.to_json(),
                                       video_ids=path.video_ids, spans=path.spans)
    info = library.playlist(playlist)
    assert info is not None
    entries = [entry for _, entry in playlist_entries(library, MODEL, info)]
    assert [(e.start, e.stop) for e in entries] == path.spans
    target = export_m3u8(entries, tmp_path / "path.m3u8")
    text = target.read_text()
    assert "#EXTVLCOPT:stop-time=100.000" in text and "#EXTVLCOPT:start-time=150.000" in text
    assert sum(e.duration or 0 for e in entries) == pytest.approx(path.seconds)


def test_a_manual_playlist_keeps_each_items_stretch_through_edits(library: Library) -> None:
    found = library.stretches(MODEL, StretchFilter(quadrants=frozenset({"NV-NA"})))
    ids = [k.video_id for k in found]
    spans = [(k.stretch.start, k.stretch.end) for k in found]
    playlist = library.create_playlist("mix", "manual", video_ids=ids, spans=spans)
    library.set_playlist_items(playlist, list(reversed(ids)))  # reordered by the table
    assert library.playlist_items(playlist) == list(reversed(list(zip(ids, spans,
                                                                      strict=True))))
    library.add_to_playlist(playlist, [ids[0]])  # a whole file joins
    assert library.playlist_items(playlist)[-1] == (ids[0], None)
    library.remove_from_playlist(playlist, [ids[-1]])
    assert ids[-1] not in [v for v, _ in library.playlist_items(playlist)]


def test_a_mood_path_of_stretches_says_when_there_are_none(library_url: str) -> None:
    empty = Library(library_url)
    path = mood_path(empty, MODEL, (0, 0), (1, 1), count=3, stretches=True)
    assert not path.steps and "emotion over time" in path.problems[0]
    empty.close()


def test_a_smart_playlist_of_stretches_follows_tags_and_plays_each_stretch(
        library: Library) -> None:
    rule = StretchFilter(quadrants=frozenset({"PV-NA"}), min_seconds=60)
    assert stretch_rule_from_json(stretch_rule_to_json(rule)) == rule
    playlist = library.create_playlist("calm minutes", "stretches",
                                       rule=stretch_rule_to_json(rule))
    info = library.playlist(playlist)
    assert info is not None
    entries = playlist_entries(library, MODEL, info)
    assert [(e.start, e.stop) for _, e in entries] == [(0.0, 100.0)] * 3
    sad = next(k for k in library.stretches(MODEL) if k.stretch.quadrant == "NV-NA")
    library.set_stretch_label(sad.id, quadrant="PV-NA")  # a person hears it as calm
    entries = playlist_entries(library, MODEL, info)
    assert (sad.stretch.start, sad.stretch.end) in [(e.start, e.stop) for _, e in entries]
    assert len(entries) == 4


def test_each_playlist_item_knows_the_stretch_it_plays(library: Library) -> None:
    tense = next(k for k in library.stretches(MODEL) if k.stretch.quadrant == "NV-PA")
    library.set_stretch_label(tense.id, octant="frustrated")
    items = [(tense.video_id, (tense.stretch.start, tense.stretch.end)),
             (tense.video_id, None), (tense.video_id, (1.0, 2.0))]
    found = playlist_stretches(library, MODEL, items)
    assert found[0] is not None and found[0].id == tense.id and found[0].corrected
    assert found[0].stretch.octant == "frustrated"
    assert found[1:] == [None, None]  # a whole file; a stretch no timeline has now
