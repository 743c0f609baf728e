"""Where a person's tag puts a video on the map (labels.corrected_point): well inside the
tagged sector, never on an axis, and the same in every place that reads it (the row, the
map's SQL, the filters)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
from test_playlists import analysis

from ver_desktop.core.labels import (
    OCTANT_QUADRANT,
    OCTANTS,
    QUADRANTS,
    corrected_point,
    octant_of,
    quadrant_of,
)
from ver_desktop.core.library import BulkVideo, Library, VideoFilter
from ver_desktop.core.model_key import ModelKey

MODEL = ModelKey("test-model", "1")
# Near an axis, on a border, in the neutral middle, far out, and plainly inside a quadrant.
POINTS = [(0.5, -0.01), (0.5, 0.01), (-0.3, 0.3), (0.02, -0.03), (1.8, -1.2), (0.9, 0.6),
          (-1.1, -0.2), (0.0, 0.7)]


def degrees_from_axes(valence: float, arousal: float) -> float:
    angle = math.degrees(math.atan2(abs(arousal), abs(valence)))
    return min(angle, 90.0 - angle)


def test_a_quadrant_tag_puts_the_point_well_inside_its_quarter() -> None:
    # Was (0.5, 0.01): mirrored in, 0.01 from the axis, inside "happy, excited" by a hair.
    v, a = corrected_point(0.5, -0.01, "PV-PA", None)
    assert quadrant_of(v, a) == "PV-PA" and degrees_from_axes(v, a) >= 15
    assert math.hypot(v, a) >= 0.5  # not in the neutral middle either
    assert corrected_point(0.9, 0.6, "PV-PA", None) == (0.9, 0.6)  # well inside: it stays
    for (mv, ma) in POINTS:
        for quadrant in QUADRANTS:
            v, a = corrected_point(mv, ma, quadrant, None)
            assert quadrant_of(v, a) == quadrant and degrees_from_axes(v, a) >= 15


def test_an_octant_tag_puts_the_point_in_the_middle_of_its_octant_unless_inside() -> None:
    for (mv, ma) in POINTS:
        for octant in OCTANTS:
            v, a = corrected_point(mv, ma, None, octant)
            assert octant_of(v, a) == octant, (mv, ma, octant)
            angle = math.degrees(math.atan2(a, v)) % 360.0
            inside = angle - OCTANTS.index(octant) * 45
            assert 7.5 - 1e-9 <= inside <= 37.5 + 1e-9  # a margin from both borders


@pytest.fixture
def library(library_url: str, tmp_path: Path) -> Library:
    library = Library(library_url)
    library.bulk_add([BulkVideo(path=os.fspath(tmp_path / f"{i}.mp4"), size=i, mtime_ns=i,
                                duration=60.0, status="ok", analysis=analysis(v, a, 0.6))
                      for i, (v, a) in enumerate(POINTS)], MODEL)
    return library


@pytest.mark.parametrize("tag", [*((q, None) for q in QUADRANTS),
                                 *((None, o) for o in OCTANTS)])
def test_the_row_the_map_and_the_filters_agree(library: Library,
                                               tag: tuple[str | None, str | None]) -> None:
    quadrant, octant = tag
    ids = [row.id for row in library.videos(MODEL)]
    for video_id in ids:
        library.set_user_label(video_id, quadrant=quadrant, octant=octant)
    rows = library.rows(MODEL, ids)
    points = {p.id: p for p in library.map_points(MODEL)}
    wanted = quadrant or OCTANT_QUADRANT[str(octant)]
    for video_id in ids:
        row, point = rows[video_id], points[video_id]
        assert row.valence is not None and row.arousal is not None
        assert (point.valence, point.arousal) == pytest.approx((row.valence, row.arousal))
        assert (point.quadrant, point.octant) == (row.quadrant, row.octant)
        assert row.quadrant == wanted == quadrant_of(row.valence, row.arousal)
        assert row.octant == octant_of(row.valence, row.arousal)
    assert {r.id for r in library.videos(MODEL, quadrant=wanted)} == set(ids)
    for video_id in ids:  # a region drawn round the shown point holds it; its octant too
        row = rows[video_id]
        assert row.valence is not None and row.arousal is not None
        box = (row.valence - 0.01, row.valence + 0.01, row.arousal - 0.01, row.arousal + 0.01)
        found = library.videos(MODEL, where=VideoFilter(
            region=box, octants=frozenset({str(row.octant)})))
        assert video_id in {r.id for r in found}
    library.close()


def test_step_11_gives_an_old_library_room_for_dropped_points(library_url: str,
                                                             tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    from ver_desktop.core.usecases.tags import tag_videos

    library = Library(library_url)
    library.bulk_add([BulkVideo(path=os.fspath(tmp_path / f"{i}.mp4"), size=i, mtime_ns=i,
                                duration=60.0, status="ok", analysis=analysis(v, a, 0.6))
                      for i, (v, a) in enumerate(POINTS[:2])], MODEL)
    first, second = (row.id for row in library.videos(MODEL))
    tag_videos(library, [first], octant="tired")  # a tag given before step 11
    before = library.rows(MODEL, [first])[first]
    library.close()
    engine = create_engine(library_url)
    with engine.begin() as db:  # as version 10 left it
        for table, columns in (("user_labels", ("valence", "arousal")),
                               ("stretches", ("user_valence", "user_arousal"))):
            for column in columns:
                db.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        db.execute(text("DELETE FROM schema_migrations WHERE version >= 11"))
    engine.dispose()
    library = Library(library_url, upgrade=True)
    try:
        after = library.rows(MODEL, [first])[first]
        assert (after.valence, after.arousal, after.octant) == pytest.approx(
            (before.valence, before.arousal, "tired"))  # the old tag shows as it did
        tag_videos(library, [second], point=(0.33, -0.81))
        row = library.rows(MODEL, [second])[second]
        assert (row.valence, row.arousal) == pytest.approx((0.33, -0.81), abs=0.01)
    finally:
        library.close()


def test_a_library_migrated_to_step_11_has_the_shape_of_a_new_one(tmp_path: Path) -> None:
    import sqlite3

    from test_library import shapes_after_migrating

    def before_step_11(db: sqlite3.Connection) -> None:
        for table, column in (("user_labels", "valence"), ("user_labels", "arousal"),
                              ("stretches", "user_valence"), ("stretches", "user_arousal")):
            db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        db.execute("DELETE FROM schema_migrations WHERE version >= 11")

    migrated, new = shapes_after_migrating(tmp_path, before_step_11)
    assert migrated == new
