"""Issue 23: mood paths that move step by step (round the circle through one neighbouring
quarter, never back to a quarter they left) and minutes that mean minutes (longer
stretches or whole files when 30-s segments fall short, else what the library can give,
said in words)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ver_desktop.core.labels import QUADRANT_POINTS, QUADRANTS, named_point, quadrant_of
from ver_desktop.core.library import MapPoint
from ver_desktop.core.playlists import plan_mood_path, quarters_gone_back, routes
from ver_desktop.core.playlists.filling import lengths_to_fill, span_around

PAIRS = list(itertools.permutations(QUADRANTS, 2))


def spread(count: int, seed: int, sd: float | None = None,
           seconds: tuple[float, float] = (120.0, 300.0)) -> list[MapPoint]:
    """Points evenly over -2..2 (or around the middle, as a model places a small
    collection), each file `seconds` long with a 30-s analysed segment."""
    rng = np.random.default_rng(seed)
    va = (rng.uniform(-2, 2, size=(count, 2)) if sd is None
          else rng.normal(0.0, sd, size=(count, 2)))
    return [MapPoint(i, f"p{i}", float(v), float(a), quadrant_of(v, a), None, False,
                     float(rng.uniform(*seconds)), 30.0) for i, (v, a) in enumerate(va)]


def along_the_way(count: int, seconds: float) -> list[MapPoint]:
    """Songs from tense round through sad to calm, each `seconds` long."""
    rng = np.random.default_rng(5)
    songs = []
    for i, angle in enumerate(np.radians(np.linspace(135, 315, count))):
        v, a = 1.2 * np.array([np.cos(angle), np.sin(angle)]) + rng.normal(0, 0.1, 2)
        songs.append(MapPoint(i, f"s{i}", float(v), float(a), quadrant_of(v, a), None,
                              False, seconds, 30.0))
    return songs


def test_a_way_to_the_opposite_quarter_goes_round_through_one_neighbour() -> None:
    tense, calm = named_point("tense"), named_point("calm")
    assert tense is not None and calm is not None
    both = routes(tense, calm)  # neither way round is shorter: the library decides
    assert [r.quadrants() for r in both] == [["NV-PA", "PV-PA", "PV-NA"],
                                             ["NV-PA", "NV-NA", "PV-NA"]] or [
        r.quadrants() for r in both] == [["NV-PA", "NV-NA", "PV-NA"],
                                         ["NV-PA", "PV-PA", "PV-NA"]]
    for route in both:  # never through the neutral middle
        assert min(np.hypot(*route.at(t / 50)) for t in range(51)) > 0.9
    sad = QUADRANT_POINTS["NV-NA"]
    (neighbour,) = routes(tense, sad)
    assert neighbour.quadrants() == ["NV-PA", "NV-NA"]
    (from_middle,) = routes((0.05, 0.0), calm)  # the middle has no side to go round by
    assert not from_middle.round
    assert "from tense, angry through" in both[0].words()


@pytest.mark.parametrize("seed", range(3))
def test_paths_never_go_back_to_a_quarter_they_left(seed: int) -> None:
    """A library with music everywhere: every pair of the four quarters, in order, with
    steps no larger than three waypoints' spacing."""
    library = spread(1000, seed)
    for start, target in PAIRS:
        path = plan_mood_path(library, QUADRANT_POINTS[start], QUADRANT_POINTS[target],
                              count=15)
        assert path.complete and len(path.steps) == 15 and path.route is not None
        assert quarters_gone_back(path.points) == 0, (start, target)
        quarters = [quadrant_of(*p) for p in path.points]
        assert quarters[0] == start and quarters[-1] == target
        assert set(quarters) <= set(path.route.quadrants())
        assert path.largest_jump() <= 3 * path.route.length() / 14, (start, target)
        progress = path.route.progress(np.array(path.points))[1:-1]
        assert all(b >= a for a, b in itertools.pairwise(progress)), (start, target)


def test_a_small_collection_near_the_middle_keeps_its_order() -> None:
    """The user test's case: few songs, all near the middle, a path using half of them.
    The straight line through the middle went happy, sad, happy, sad..."""
    songs = spread(40, 1, sd=0.6)
    for start, target in PAIRS:
        path = plan_mood_path(songs, QUADRANT_POINTS[start], QUADRANT_POINTS[target],
                              count=20)
        assert quarters_gone_back(path.points) == 0, (start, target)
        timed = plan_mood_path(songs, QUADRANT_POINTS[start], QUADRANT_POINTS[target],
                               total_seconds=20 * 60)
        assert quarters_gone_back(timed.points) == 0, (start, target)
        assert abs(timed.seconds - 1200) <= 0.15 * 1200, timed.problems


@pytest.mark.parametrize(("present", "through"), [("NV-NA", "sad, tired"),
                                                  ("PV-PA", "happy, excited")])
def test_the_way_round_is_the_side_the_library_covers(present: str, through: str) -> None:
    rng = np.random.default_rng(4)
    library = []
    for quadrant in ("NV-PA", present, "PV-NA"):
        centre = np.array(QUADRANT_POINTS[quadrant])
        for v, a in centre + rng.normal(0, 0.3, size=(15, 2)):
            library.append(MapPoint(len(library), "", float(v), float(a),
                                    quadrant_of(v, a), None, False, 200.0, 30.0))
    path = plan_mood_path(library, QUADRANT_POINTS["NV-PA"], QUADRANT_POINTS["PV-NA"],
                          count=12)
    assert path.route is not None and path.route.quadrants()[1] == present
    assert (f"from tense, angry through {through} to calm, content (the side where more "
            "of the library lies)") in path.description()
    assert quarters_gone_back(path.points) == 0


def test_twenty_minutes_from_long_files_whose_segments_give_six() -> None:
    """12 songs of 4 minutes: their 30-s segments give 6 minutes. The path plays longer
    stretches of them and lasts the 20 minutes asked for."""
    songs = along_the_way(12, 240.0)
    path = plan_mood_path(songs, QUADRANT_POINTS["NV-PA"], QUADRANT_POINTS["PV-NA"],
                          total_seconds=20 * 60)
    assert abs(path.seconds - 1200) <= 0.15 * 1200 and path.complete, path.problems
    assert all(step.longer and step.span is not None for step in path.steps)
    for step in path.steps:
        assert step.span is not None
        start, end = step.span
        assert 0 <= start < end <= 240.0 and end - start == pytest.approx(step.seconds)
    assert "play longer stretches or whole files to fill the time" in path.description()
    assert not path.shortfall
    assert quarters_gone_back(path.points) == 0
    short = plan_mood_path(songs, QUADRANT_POINTS["NV-PA"], QUADRANT_POINTS["PV-NA"],
                           total_seconds=5 * 60)  # segments are enough: none longer
    assert not any(step.longer for step in short.steps) and short.complete


def test_a_library_that_cannot_fill_the_time_says_how_much_it_can_give() -> None:
    """Twelve 1-minute songs on the way from tense round by sad to calm (and three happy
    ones off it): 12 minutes, said in words, whether it plays segments or whole files."""
    happy = [MapPoint(100 + i, "", 1.0 + 0.1 * i, 1.0, "PV-PA", None, False, 60.0, 30.0)
             for i in range(3)]
    songs = along_the_way(12, 60.0) + happy
    path = plan_mood_path(songs, QUADRANT_POINTS["NV-PA"], QUADRANT_POINTS["PV-NA"],
                          total_seconds=20 * 60)
    assert len(path.steps) == 12 and path.seconds == pytest.approx(12 * 60.0)
    assert path.problems == ("the library can give only 12 min on this way, of the 20 min "
                             "asked for, even playing whole files: add more music, or ask "
                             "for less time",)
    assert path.shortfall == path.problems  # what was asked and cannot be given
    whole = plan_mood_path(songs, QUADRANT_POINTS["NV-PA"], QUADRANT_POINTS["PV-NA"],
                           total_seconds=20 * 60, play="file")
    assert whole.seconds == path.seconds and not whole.complete


def test_lengths_are_shared_out_evenly_and_stretches_stay_inside_their_files() -> None:
    lengths = lengths_to_fill([30, 30, 30], [60, 300, 300], 390)
    assert list(np.round(lengths)) == [60, 165, 165]
    assert list(lengths_to_fill([30, 30], [40, 50], 500)) == [40, 50]  # all there is
    assert list(lengths_to_fill([30, 30], [40, 50], 50)) == [30, 30]  # enough already
    assert span_around((100.0, 130.0), 240.0, 90.0) == (70.0, 160.0)  # around the segment
    assert span_around((200.0, 230.0), 240.0, 90.0) == (150.0, 240.0)  # kept inside
    assert span_around(None, 240.0, 239.5) == (0.0, 240.0)  # nearly all: the whole file


def test_a_saved_path_keeps_what_older_versions_read_and_adds_its_way() -> None:
    path = plan_mood_path(spread(200, 3), QUADRANT_POINTS["NV-PA"], QUADRANT_POINTS["PV-NA"],
                          count=8)
    saved = path.to_json()
    assert {"start", "target", "max_jump", "complete", "problems", "play",
            "points"} <= set(saved)
    assert saved["route"][0] == [-1.0, 1.0] and saved["route"][-1] == [1.0, -1.0]
    assert len(saved["route"]) == 3 and "through" in saved["description"]


@pytest.mark.parametrize("ask", [{"count": 5}, {"total_seconds": 600.0}])
def test_a_library_with_nothing_on_the_way_says_which_music_to_add(
        ask: dict[str, float]) -> None:
    happy = [MapPoint(i, "", 1.0 + 0.1 * i, 1.0, "PV-PA", None, False, 60.0, 30.0)
             for i in range(5)]
    path = plan_mood_path(happy, QUADRANT_POINTS["NV-PA"], QUADRANT_POINTS["NV-NA"],
                          **ask)  # type: ignore[arg-type]
    assert not path.steps
    assert path.problems == ("no video in the library is tense, angry or sad, tired (the "
                             "feelings this way passes through): add such music",)


def test_songs_far_from_the_way_are_left_out_when_the_rest_can_fill_the_time() -> None:
    """Segments fall short, so items play longer anyway: then songs far from the way (a
    sad one in the middle of the map) are left out rather than played out of place."""
    songs = along_the_way(10, 240.0)
    stray = MapPoint(50, "stray", -0.05, -0.1, "NV-NA", None, False, 240.0, 30.0)
    path = plan_mood_path([*songs, stray], QUADRANT_POINTS["NV-PA"],
                          QUADRANT_POINTS["PV-NA"], total_seconds=20 * 60)
    assert 50 not in path.video_ids and path.complete
    assert path.seconds == pytest.approx(1200.0)
    counted = plan_mood_path([*songs, stray], QUADRANT_POINTS["NV-PA"],
                             QUADRANT_POINTS["PV-NA"], count=11)  # by count, all of them
    assert 50 in counted.video_ids
