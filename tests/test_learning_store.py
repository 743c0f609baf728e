"""Issue 22's storage: embeddings and the model's own points beside the shown reading, the
layer's settings, the tag log; a step-8 library migrated on both backends."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, text

from ver_desktop.core.bundle import prediction_at
from ver_desktop.core.extract import Extracted
from ver_desktop.core.library import FileStat, Library
from ver_desktop.core.timeline import Stretch, Timeline

MODEL = ("test-model", "1")
STEP_9_COLUMNS = {"analyses": ("embedding", "own_valence", "own_arousal"),
                  "stretches": ("own_valence", "own_arousal")}


def _analysed(library: Library, root: Path, count: int = 3) -> list[int]:
    files = [FileStat(os.fspath(root / f"f{i}.mp4"), 1, 1) for i in range(count)]
    plan = library.plan_scan([os.fspath(root)], files, MODEL)
    library.record([(video_id, Extracted(path, np.ones((3, 4), np.float32), 0, 30, 90.0, 0),
                     prediction_at(0.3 + 0.1 * i, -0.4, spread=0.5))
                    for i, (video_id, path) in enumerate(plan.to_analyse)], [], MODEL)
    return [video_id for video_id, _ in plan.to_analyse]


def _as_step_8(url: str) -> None:
    """Take the library back to schema version 8 (what step 9 adds, dropped)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        for table, columns in STEP_9_COLUMNS.items():
            for column in columns:
                connection.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        connection.execute(text("DROP TABLE tag_log"))
        connection.execute(text("DROP TABLE learning_settings"))
        connection.execute(text("DELETE FROM schema_migrations WHERE version > 8"))
    engine.dispose()


def test_step_9_keeps_the_data_and_copies_the_own_points(library_url: str,
                                                          tmp_path: Path) -> None:
    library = Library(library_url)
    ids = _analysed(library, tmp_path)
    timeline = Timeline(15.0, 3.0, 90.0, np.zeros(20, np.float32), np.zeros(20, np.float32))
    library.store_timeline(ids[0], MODEL, timeline, [
        Stretch(0, 40, "PV-NA", "pleased", 0.6, -0.3), Stretch(40, 90, "NV-PA", "tensed",
                                                              -0.5, 0.7)])
    library.set_user_label(ids[1], quadrant="NV-NA")
    before = library.videos(MODEL)
    library.close()
    _as_step_8(library_url)
    library = Library(library_url, upgrade=True)
    assert library.videos(MODEL) == before
    with library.engine.connect() as connection:
        own = connection.execute(text(
            "SELECT valence, arousal, own_valence, own_arousal, embedding FROM analyses"
        )).all()
        stretches = connection.execute(text(
            "SELECT valence, arousal, own_valence, own_arousal FROM stretches")).all()
        version = connection.execute(text("SELECT MAX(version) FROM schema_migrations"))
        assert version.scalar() == 9
    assert len(own) == 3 and all(v == ov and a == oa and e is None for v, a, ov, oa, e in own)
    assert len(stretches) == 2 and all(v == ov and a == oa for v, a, ov, oa in stretches)
    library.close()


def test_a_migrated_step_8_sqlite_library_has_the_shape_of_a_new_one(tmp_path: Path) -> None:
    def shape(database: Path) -> dict[str, list[tuple[str, str, int, int]]]:
        with sqlite3.connect(database) as db:
            tables = [t for (t,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            return {t: sorted((c[1], c[2], c[3], c[5]) for c in db.execute(
                f"PRAGMA table_info({t})")) for t in tables}

    fresh, old = tmp_path / "fresh.sqlite3", tmp_path / "old.sqlite3"
    Library.at(fresh).close()
    Library.at(old).close()
    _as_step_8(f"sqlite:///{old}")
    Library.at(old).close()
    assert shape(old) == shape(fresh)
    assert list(tmp_path.glob("old.sqlite3.v8-*.bak"))

