"""Issue 22's storage: embeddings and the model's own points beside the shown reading, the
layer's settings, the tag log; a step-8 library migrated on both backends."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, text
from test_library import table_shapes

from ver_desktop.core import personal
from ver_desktop.core.bundle import Classifier, prediction_at
from ver_desktop.core.extract import Extracted
from ver_desktop.core.library import FileStat, Library, migrations
from ver_desktop.core.library.learning_store import LearningSettingsRow, Rewrite
from ver_desktop.core.pool import run_inline
from ver_desktop.core.scan import Scanner
from ver_desktop.core.timeline import Stretch, Timeline
from ver_desktop.core.usecases import learning, tags

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
        assert version.scalar() == migrations.LATEST  # step 9 and every step after it
    assert len(own) == 3 and all(v == ov and a == oa and e is None for v, a, ov, oa, e in own)
    assert len(stretches) == 2 and all(v == ov and a == oa for v, a, ov, oa in stretches)
    library.close()


def test_a_migrated_step_8_sqlite_library_has_the_shape_of_a_new_one(tmp_path: Path) -> None:
    fresh, old = tmp_path / "fresh.sqlite3", tmp_path / "old.sqlite3"
    Library.at(fresh).close()
    Library.at(old).close()
    _as_step_8(f"sqlite:///{old}")
    Library.at(old).close()
    assert table_shapes(old) == table_shapes(fresh)
    assert list(tmp_path.glob("old.sqlite3.v8-*.bak"))



# -- what scans keep, and the store's reads and writes ----------------------------------------


def test_a_scan_keeps_each_files_embedding_and_own_point(tmp_path: Path,
                                                         media_files: dict[str, Path],
                                                         classifier: Classifier) -> None:
    folder = tmp_path / "media"
    folder.mkdir()
    for name in ("music.mp4", "short.flac"):
        shutil.copyfile(media_files[name], folder / name)
    library = Library.at(tmp_path / "lib.sqlite3")
    summary = Scanner(library, classifier, workers=1, factory=run_inline).scan(
        [os.fspath(folder)])
    assert summary.analysed == 2
    with library.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT embedding, valence, arousal, own_valence, own_arousal FROM analyses"
        )).all()
    for embedding, valence, arousal, own_valence, own_arousal in rows:
        values = personal.unpack(embedding)
        assert len(embedding) <= 1024 and np.isfinite(values).all() and values.std() > 0
        assert (own_valence, own_arousal) == (valence, arousal)  # nothing learned yet
    model = (classifier.info.name, classifier.info.version)
    assert library.without_embedding(model) == []
    library.close()


def test_embeddings_made_later_are_stored_on_their_files(library_url: str,
                                                         tmp_path: Path) -> None:
    library = Library(library_url)
    files = [FileStat(os.fspath(tmp_path / f"old{i}.mp4"), 1, 1) for i in range(3)]
    plan = library.plan_scan([os.fspath(tmp_path)], files, MODEL)
    ids = [v for v, _ in plan.to_analyse]
    library.record([(v, Extracted(p, np.ones((3, 4), np.float32), 5, 35, 90.0, 0),
                     prediction_at(0.2, 0.1, spread=0.5)) for v, p in plan.to_analyse], [],
                   MODEL)
    with library.engine.begin() as connection:  # analysed before embeddings were kept
        connection.execute(text("UPDATE analyses SET embedding = NULL"))
    waiting = library.without_embedding(MODEL, limit=2)
    assert [(v, s, e) for v, _, s, e in waiting] == [(ids[0], 5, 35), (ids[1], 5, 35)]
    assert waiting[0][1] == files[0].path
    data = personal.pack(np.arange(8, dtype=np.float32))
    assert library.store_embeddings(MODEL, {ids[0]: data, ids[1]: data}) == 2
    assert [v for v, *_ in library.without_embedding(MODEL)] == [ids[2]]
    assert library.store_embeddings(("other", "1"), {ids[2]: data}) == 0
    assert library.count_without_embedding(MODEL) == 1
    library.close()


def test_readings_are_read_off_each_point_as_a_scan_reads_them() -> None:
    rng = np.random.default_rng(3)
    points = rng.normal(scale=0.6, size=(200, 2))
    spreads = rng.uniform(0.3, 0.9, 200)
    for point, spread, reading in zip(points, spreads, learning.readings(points, spreads),
                                      strict=True):
        expected = prediction_at(*point, spread=float(spread))
        assert (reading.quadrant, reading.octant) == (expected.quadrant, expected.octant)
        assert (reading.valence, reading.arousal) == (expected.valence, expected.arousal)
        for mine, theirs in ((reading.quadrant_probs, expected.quadrant_probs),
                             (reading.octant_probs, expected.octant_probs)):
            assert mine.keys() == theirs.keys()
            assert all(abs(mine[k] - theirs[k]) <= 2e-6 for k in mine)


def test_a_rewrite_leaves_an_analysis_a_scan_replaced_meanwhile(tmp_path: Path) -> None:
    library = Library.at(tmp_path / "lib.sqlite3")
    ids = _analysed(library, tmp_path, 2)
    (files,) = list(library.analysed_files(MODEL))
    library.record([(ids[0], Extracted("x", np.ones((3, 4), np.float32), 0, 30, 90.0, 0),
                     prediction_at(-0.7, 0.6, spread=0.5))], [], MODEL)  # a new reading
    moved = learning.readings(np.array([[0.9, 0.9], [0.9, 0.9]]), np.array([0.5, 0.5]))
    library.rewrite_readings([Rewrite(f, p) for f, p in zip(files, moved, strict=True)])
    rows = library.rows(MODEL, ids)
    assert rows[ids[0]].quadrant == "NV-PA" and not rows[ids[0]].adjusted  # the scan's
    assert rows[ids[1]].quadrant == "PV-PA" and rows[ids[1]].adjusted
    assert rows[ids[1]].own_quadrant == "PV-NA"
    assert rows[ids[1]].to_json()["model_quadrant"] == "PV-NA"
    library.close()


def test_each_file_tag_is_logged_against_what_showed_and_a_clear_is_not(
        library_url: str, tmp_path: Path) -> None:
    library = Library(library_url)
    ids = _analysed(library, tmp_path, 2)
    (files,) = list(library.analysed_files(MODEL))
    shown = learning.readings(np.array([[-0.5, -0.5]]), np.array([0.5]))[0]
    library.rewrite_readings([Rewrite(files[0], shown)])  # a layer shows it sad
    tags.tag_videos(library, ids, quadrant="NV-NA")
    tags.tag_videos(library, ids[:1])
    tags.tag_videos(library, ids[1:], octant="happy")
    log = library.tag_log(MODEL, 10)
    assert [(e.video_id, e.quadrant, e.shown_quadrant, e.own_quadrant) for e in log] == [
        (ids[1], "PV-PA", "PV-NA", "PV-NA"),
        (ids[1], "NV-NA", "PV-NA", "PV-NA"), (ids[0], "NV-NA", "NV-NA", "PV-NA")]
    assert library.count_tag_log(MODEL) == 3 and library.count_tag_log(("other", "1")) == 0
    library.forget_videos(ids[:1])  # what it said about the layer stays
    assert library.count_tag_log(MODEL) == 3
    library.close()


def test_settings_default_to_on_and_remember_forget(library_url: str) -> None:
    library = Library(library_url)
    assert library.learning_settings(MODEL) == LearningSettingsRow(True, None)
    library.set_learning_settings(MODEL, enabled=False)
    forgot = library.set_learning_settings(MODEL, forget=True)
    assert not forgot.enabled and forgot.forgotten_at is not None
    assert library.learning_settings(MODEL) == forgot
    assert library.learning_settings(("other", "1")).enabled
    library.close()
