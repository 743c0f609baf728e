"""The tagging use case (core/usecases/tags.py) on real libraries: what is stored for the
videos and stretches tagged, what stays, and the Changes that name them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from test_playlists import analysis

from ver_desktop.core.changes import Changes
from ver_desktop.core.labels import OCTANT_QUADRANT, corrected_point, octant_of, quadrant_of
from ver_desktop.core.library import BulkVideo, Library, VideoFilter
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.timeline import Timeline, cut
from ver_desktop.core.usecases.tags import (
    NoTimeline,
    NotInLibrary,
    PastTheEnd,
    clear_videos,
    stretch_at,
    tag_stretch_at,
    tag_stretches,
    tag_videos,
    video_of,
)

MODEL = ModelKey("test-model", "1")


@pytest.fixture
def library(library_url: str, tmp_path: Path) -> Iterator[Library]:
    """Three calm videos (PV-NA), the first with a 90-s timeline of two stretches."""
    library = Library(library_url)
    calm = analysis(0.5, -0.5, 0.7)
    library.bulk_add([BulkVideo(path=os.fspath(tmp_path / f"{i}.mp4"), size=i, mtime_ns=i,
                                duration=90.0, status="ok", analysis=calm)
                      for i in range(3)], MODEL)
    valence = np.linspace(-1, 1, 21, dtype=np.float32)
    timeline = Timeline(14.96, 2.992, 90.0, valence, np.full(21, 0.5, np.float32))
    stretches = cut(timeline.times(), timeline.valence, timeline.arousal, 90.0)
    assert len(stretches) == 2
    library.store_timeline(ids(library, tmp_path)[0], MODEL, timeline, stretches)
    yield library
    library.close()


def ids(library: Library, folder: Path) -> list[int]:
    found = [library.video_id(os.fspath(folder / f"{i}.mp4")) for i in range(3)]
    assert None not in found
    return [i for i in found if i is not None]


def test_tagging_videos_stores_the_tag_and_names_them(library: Library,
                                                       tmp_path: Path) -> None:
    first, second, third = ids(library, tmp_path)
    changes = tag_videos(library, [first, second], octant="tensed")
    assert changes == Changes(tags=True, video_ids=frozenset({first, second}))
    rows = library.rows(MODEL, [first, second, third])
    assert [(rows[i].quadrant, rows[i].octant, rows[i].corrected)
            for i in (first, second, third)] == [
        ("NV-PA", "tensed", True), ("NV-PA", "tensed", True), ("PV-NA", rows[third].octant,
                                                             False)]
    assert tag_videos(library, [third], quadrant="NV-NA") == Changes.of_rows([third])
    assert library.rows(MODEL, [third])[third].quadrant == "NV-NA"


def test_clearing_shows_the_models_tag_again(library: Library, tmp_path: Path) -> None:
    first, second, _ = ids(library, tmp_path)
    tag_videos(library, [first, second], quadrant="PV-PA")
    changes = clear_videos(library, [first])
    assert changes == Changes(tags=True, video_ids=frozenset({first}))
    rows = library.rows(MODEL, [first, second])
    assert (rows[first].quadrant, rows[first].corrected) == ("PV-NA", False)
    assert (rows[second].quadrant, rows[second].corrected) == ("PV-PA", True)
    assert tag_videos(library, [second]).video_ids == {second}  # no tag given: cleared too
    assert not library.rows(MODEL, [second])[second].corrected


def test_tagging_stretches_keeps_the_file_and_its_other_stretches(
        library: Library, tmp_path: Path) -> None:
    first = ids(library, tmp_path)[0]
    before = library.stretches(MODEL)
    changes = tag_stretches(library, [before[1].id], octant="miserable", video_ids=[first])
    assert changes == Changes(tags=True, video_ids=frozenset({first}))
    after = library.stretches(MODEL)
    assert [(k.stretch.octant, k.corrected) for k in after] == [
        (before[0].stretch.octant, False), ("miserable", True)]
    assert not library.rows(MODEL, [first])[first].corrected
    cleared = tag_stretches(library, [before[1].id])
    assert cleared == Changes(tags=True)  # files unknown: any may have changed
    assert [k.corrected for k in library.stretches(MODEL)] == [False, False]


def test_tag_at_a_moment_tags_the_stretch_that_holds_it(library: Library,
                                                         tmp_path: Path) -> None:
    first = ids(library, tmp_path)[0]
    stretches = library.stretches(MODEL)
    moment = stretches[1].stretch.start + 1.0
    done = tag_stretch_at(library, MODEL, first, moment, quadrant="NV-NA")
    assert done.value.id == stretches[1].id
    assert done.changes == Changes(tags=True, video_ids=frozenset({first}))
    assert [k.stretch.quadrant for k in library.stretches(MODEL)] == [
        stretches[0].stretch.quadrant, "NV-NA"]
    assert tag_stretch_at(library, MODEL, first, 0.0).value.id == stretches[0].id
    assert stretch_at(library, MODEL, first, 0.0).corrected is False


def test_tag_at_says_what_is_wrong_in_the_persons_words(library: Library,
                                                         tmp_path: Path) -> None:
    first, second, _ = ids(library, tmp_path)
    with pytest.raises(PastTheEnd, match=r"^1:40 is past the end of clip\.mp4$"):
        tag_stretch_at(library, MODEL, first, 100.0, octant="miserable", path="clip.mp4",
                       said="1:40")
    with pytest.raises(NoTimeline, match=r"^b\.mp4 has no emotion over time yet"):
        tag_stretch_at(library, MODEL, second, 1.0, octant="miserable", path="b.mp4")
    assert not any(k.corrected for k in library.stretches(MODEL))


def test_video_of_finds_a_path_as_given_or_says_it_is_not_there(
        library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert video_of(library, "0.mp4") == ids(library, tmp_path)[0]
    with pytest.raises(NotInLibrary, match=r"^nope\.mp4 is not in the library; scan its "
                                           r"folder first$"):
        video_of(library, "nope.mp4")


DROPPED = (-0.73, 0.41)  # in "tense, angry" (tensed's neighbour, frustrated)


def test_a_point_dropped_on_the_map_stays_where_it_was_dropped(library: Library,
                                                               tmp_path: Path) -> None:
    first, second, _ = ids(library, tmp_path)
    octant = octant_of(*DROPPED)
    changes = tag_videos(library, [first], point=DROPPED)
    assert changes == Changes(tags=True, video_ids=frozenset({first}))
    row = library.rows(MODEL, [first])[first]
    assert (row.valence, row.arousal) == pytest.approx(DROPPED, abs=0.01)
    assert (row.quadrant, row.octant, row.corrected) == ("NV-PA", octant, True)
    assert quadrant_of(*DROPPED) == row.quadrant  # quarter, octant and point agree
    point = next(p for p in library.map_points(MODEL) if p.id == first)
    assert (point.valence, point.arousal) == pytest.approx(DROPPED, abs=0.01)
    box = (DROPPED[0] - 0.02, DROPPED[0] + 0.02, DROPPED[1] - 0.02, DROPPED[1] + 0.02)
    assert {r.id for r in library.videos(MODEL, where=VideoFilter(region=box))} == {first}
    assert first in {r.id for r in library.videos(MODEL, where=VideoFilter(
        octants=frozenset({octant}), quadrants=frozenset({"NV-PA"})))}
    # a mood path's corridor round the dropped point finds it there, not where it was
    near = library.map_points(MODEL, near=(DROPPED, DROPPED, 0.05))
    assert [p.id for p in near] == [first]
    # Tag > a feeling (no point): the point kept is forgotten, the menu's rule again
    tag_videos(library, [first, second], octant="tensed")
    rows = library.rows(MODEL, [first, second])
    assert (rows[first].valence, rows[first].arousal) == pytest.approx(
        (rows[second].valence, rows[second].arousal))
    assert (rows[first].valence, rows[first].arousal) == pytest.approx(
        corrected_point(0.5, -0.5, None, "tensed"))
    assert not library.videos(MODEL, where=VideoFilter(region=box))


def test_a_point_dropped_on_an_axis_is_kept_in_the_quarter_its_octant_names(
        library: Library, tmp_path: Path) -> None:
    first, second, _ = ids(library, tmp_path)
    tag_videos(library, [first], point=(0.0, 0.6))  # 90 degrees: where "tensed" starts
    tag_videos(library, [second], point=(-0.6, 0.0))  # 180 degrees: "miserable"
    rows = library.rows(MODEL, [first, second])
    for video_id, octant in ((first, "tensed"), (second, "miserable")):
        row = rows[video_id]
        assert row.valence is not None and row.arousal is not None
        assert row.octant == octant == octant_of(row.valence, row.arousal)
        assert row.quadrant == quadrant_of(row.valence, row.arousal) == OCTANT_QUADRANT[octant]
    assert rows[first].valence == pytest.approx(0.0, abs=0.001)
    with pytest.raises(ValueError, match="not in"):
        tag_videos(library, [first], octant="pleased", point=(0.0, 0.6))


def test_a_stretch_dropped_on_the_map_stays_where_it_was_dropped(library: Library,
                                                                 tmp_path: Path) -> None:
    first = ids(library, tmp_path)[0]
    early, late = library.stretches(MODEL)
    tag_stretches(library, [early.id], point=DROPPED, video_ids=[first])
    kept = {k.id: k for k in library.stretches(MODEL)}
    shown = kept[early.id].stretch
    assert (shown.valence, shown.arousal) == pytest.approx(DROPPED, abs=0.01)
    assert (shown.quadrant, shown.octant) == ("NV-PA", octant_of(*DROPPED))
    assert kept[early.id].corrected and not kept[late.id].corrected
    point = next(p for p in library.stretch_points(MODEL) if p.id == early.id)
    assert (point.valence, point.arousal) == pytest.approx(DROPPED, abs=0.01)
    tag_stretches(library, [early.id], quadrant="NV-NA")  # by the menu: the rule again
    shown = next(k for k in library.stretches(MODEL) if k.id == early.id).stretch
    assert shown.quadrant == quadrant_of(shown.valence, shown.arousal) == "NV-NA"
    assert (shown.valence, shown.arousal) != pytest.approx(DROPPED, abs=0.01)
