"""Issue 23's retest: a mood path by minutes whose items play longer parts of their files
keeps each item's emotion. A film a person tagged calm, whose analysed 30 s lie in its
tense song, played mostly that song near the calm end; now a file with a timeline grows
only inside a run of its item's quadrant (never into another quadrant or talk), and a
file without one still plays around its segment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ver_desktop.core.labels import OCTANTS, QUADRANT_POINTS, QUADRANTS, octant_of, quadrant_of
from ver_desktop.core.library import BulkVideo, Library
from ver_desktop.core.playlists import mood_path
from ver_desktop.core.playlists.filling import run_for
from ver_desktop.core.timeline import Stretch, Timeline

MODEL = ("test-model", "1")
TENSE, SAD, CALM = "NV-PA", "NV-NA", "PV-NA"
MINUTES = 20 * 60


def analysis(valence: float, arousal: float, segment: tuple[float, float]) -> dict[str, object]:
    return {"quadrant": quadrant_of(valence, arousal), "octant": octant_of(valence, arousal),
            "confidence": 0.9, "quadrant_probs": {q: 0.25 for q in QUADRANTS},
            "octant_probs": {o: 0.125 for o in OCTANTS}, "valence": valence,
            "arousal": arousal, "segment_start": segment[0], "segment_end": segment[1]}


def stretch(start: float, end: float, quadrant: str, speech: bool = False) -> Stretch:
    v, a = QUADRANT_POINTS[quadrant]
    return Stretch(start, end, quadrant, octant_of(v, a), v, a, speech)


# The film: tagged calm by a person, its analysed 30 s (237-267) in its tense song. Its
# calm runs: 0-40, 100-160 (the longest; talk between them, itself called calm by the
# model) and 300-340.
FILM = [stretch(0, 40, CALM), stretch(40, 100, CALM, speech=True), stretch(100, 160, CALM),
        stretch(160, 170, SAD), stretch(170, 300, TENSE), stretch(300, 340, CALM)]
FILM_SEGMENT = (237.0, 267.0)
# A sad song that turns calm: its sad run is 0-70 (its segment 20-50 in it)
RAIN = [stretch(0, 70, SAD), stretch(70, 240, CALM)]


def store(library: Library, video_id: int, stretches: list[Stretch]) -> None:
    duration = stretches[-1].end
    count = int(duration // 3)
    timeline = Timeline(1.5, 3.0, duration, np.zeros(count, np.float32),
                        np.zeros(count, np.float32))
    assert library.store_timeline(video_id, MODEL, timeline, stretches) is None


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """Twelve 4-minute songs from tense round by sad to calm (their segments give 6 of
    the 20 minutes), the film and the rain song; a real library on SQLite."""
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    rng = np.random.default_rng(5)
    entries = []
    for i, angle in enumerate(np.radians(np.linspace(135, 315, 12))):
        v, a = 1.2 * np.array([np.cos(angle), np.sin(angle)]) + rng.normal(0, 0.1, 2)
        entries.append(BulkVideo(path=str(tmp_path / f"song{i:02d}.mp4"), duration=240.0,
                                 status="ok", analysis=analysis(v, a, (100.0, 130.0))))
    entries.append(BulkVideo(path=str(tmp_path / "Concert film.mkv"), duration=340.0,
                             status="ok", analysis=analysis(-1.3, 1.2, FILM_SEGMENT)))
    entries.append(BulkVideo(path=str(tmp_path / "Rain on the roof.mp4"), duration=240.0,
                             status="ok", analysis=analysis(-0.9, -1.0, (20.0, 50.0))))
    library.bulk_add(entries, MODEL)
    yield library
    library.close()


def ids(library: Library) -> dict[str, int]:
    return {Path(row.path).name: i for i, row in library.rows(
        MODEL, library.video_ids(MODEL)).items()}


def test_a_film_tagged_calm_plays_its_calm_run_never_its_tense_song_or_talk(
        library: Library) -> None:
    named = ids(library)
    film, rain = named["Concert film.mkv"], named["Rain on the roof.mp4"]
    library.set_user_label(film, quadrant=CALM)  # the person's word wins over the segment
    store(library, film, FILM)
    store(library, rain, RAIN)
    path = mood_path(library, MODEL, QUADRANT_POINTS[TENSE], QUADRANT_POINTS[CALM],
                     total_seconds=MINUTES)
    steps = {step.video_id: step for step in path.steps}
    assert {film, rain} <= set(steps), path.video_ids
    assert steps[film].span == (100.0, 160.0)  # the longest calm run, all of it
    assert steps[film].seconds == pytest.approx(60.0)
    assert steps[rain].span is not None
    start, end = steps[rain].span
    assert 0.0 <= start < end <= 70.0 and end - start == pytest.approx(70.0)  # its sad run
    timelines = {film: FILM, rain: RAIN}
    for step in path.steps:  # never across into another quadrant's stretch or talk
        if step.video_id in timelines:
            quadrant = quadrant_of(step.valence, step.arousal)
            assert step.span is not None and run_within(timelines[step.video_id], quadrant,
                                                        step.span)
    # the short runs' leftover went to the others: the path still lasts 20 minutes
    assert abs(path.seconds - MINUTES) <= 0.05 * MINUTES and path.complete, path.problems
    assert max(s.seconds for s in path.steps) > 70.0


def run_within(stretches: list[Stretch], quadrant: str, span: tuple[float, float]) -> bool:
    """`span` lies wholly in one run of `quadrant`'s music (no talk)."""
    music = [x for x in stretches if x.quadrant == quadrant and not x.speech]
    covered = sum(max(0.0, min(x.end, span[1]) - max(x.start, span[0])) for x in music)
    return covered == pytest.approx(span[1] - span[0], abs=0.01)


def test_files_without_a_timeline_still_play_around_their_segment(library: Library) -> None:
    path = mood_path(library, MODEL, QUADRANT_POINTS[TENSE], QUADRANT_POINTS[CALM],
                     total_seconds=MINUTES)
    rows = library.rows(MODEL, path.video_ids)
    assert abs(path.seconds - MINUTES) <= 0.05 * MINUTES and path.complete, path.problems
    for step in path.steps:
        segment, span = rows[step.video_id].segment, step.span
        assert step.longer and segment is not None and span is not None
        assert span[0] <= segment[0] and segment[1] <= span[1]  # around it
        assert span[1] - span[0] == pytest.approx(step.seconds, abs=0.1)


def test_a_run_is_the_longest_of_the_quadrant_nearest_the_segment_on_a_tie() -> None:
    assert run_for(FILM, CALM, FILM_SEGMENT) == (100.0, 160.0)
    assert run_for(FILM, TENSE, FILM_SEGMENT) == (170.0, 300.0)
    twins = [stretch(0, 50, CALM), stretch(50, 60, TENSE), stretch(60, 110, CALM)]
    assert run_for(twins, CALM, (80.0, 90.0)) == (60.0, 110.0)
    assert run_for(twins, CALM, (10.0, 20.0)) == (0.0, 50.0)
    assert run_for(FILM, "PV-PA", FILM_SEGMENT) is None  # none of it: its segment only
