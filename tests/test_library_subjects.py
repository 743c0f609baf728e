"""Issue 21: the library split by subject (one class each, `Library` made of them all), a
named model key, and stretches stored with the version of the cut that made them: a
timeline cut by another version counts as not there yet, so it is cut again, and a
person's tags on its stretches survive that as they survive any new timeline."""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, text
from test_issue20_timelines import _stretches, _timeline

from ver_desktop.core import timeline as cutting
from ver_desktop.core.bundle import prediction_at
from ver_desktop.core.errors import LibraryError
from ver_desktop.core.extract import Extracted
from ver_desktop.core.library import FileStat, Library, migrations
from ver_desktop.core.library.base import LibraryBase
from ver_desktop.core.library.folders import FolderStore
from ver_desktop.core.library.playlist_store import PlaylistStore
from ver_desktop.core.library.scans import ScanStore
from ver_desktop.core.library.tags import TagStore
from ver_desktop.core.library.timeline_store import TimelineStore
from ver_desktop.core.library.videos import VideoStore
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.timeline import CUT_VERSION

MODEL = ModelKey("test-model", "1")
SUBJECTS = (VideoStore, FolderStore, TagStore, PlaylistStore, TimelineStore, ScanStore)


def _tagged_file(library: Library, root: Path) -> tuple[int, str]:
    plan = library.plan_scan([os.fspath(root)],
                             [FileStat(os.fspath(root / "film.mp4"), 10, 20)], MODEL)
    (video_id, path), = plan.to_analyse
    library.record([(video_id, Extracted(path, np.zeros((3, 2), np.float32), 0, 30, 90.0, 0),
                     prediction_at(0.5, -0.5, spread=1.0))], [], MODEL)
    return video_id, path


# -- one class per subject -------------------------------------------------------------------

def test_the_library_is_made_of_one_class_per_subject_and_each_method_has_one_home() -> None:
    assert all(issubclass(Library, subject) and issubclass(subject, LibraryBase)
               for subject in SUBJECTS)
    homes: dict[str, list[str]] = {}
    for subject in SUBJECTS:
        for name, _ in inspect.getmembers(subject, inspect.isfunction):
            if not name.startswith("_") and name in vars(subject):
                homes.setdefault(name, []).append(subject.__name__)
    assert {name: where for name, where in homes.items() if len(where) > 1} == {}
    own = [name for name in vars(Library) if not name.startswith("_")]
    assert sorted(own) == ["at", "close"]  # opening and closing; the rest is the subjects'


def test_a_use_case_can_depend_on_one_subject(library_url: str, tmp_path: Path) -> None:
    def waiting(timelines: TimelineStore) -> list[tuple[int, str]]:
        return timelines.without_timeline(MODEL)

    library = Library(library_url)
    video_id, path = _tagged_file(library, tmp_path)
    assert waiting(library) == [(video_id, path)]
    library.close()


def test_a_plain_name_and_version_tuple_still_reads_as_a_model_key(
        library_url: str, tmp_path: Path) -> None:
    library = Library(library_url)
    video_id, _ = _tagged_file(library, tmp_path)
    library.store_timeline(video_id, MODEL, _timeline(), _stretches(0.0, 40.0, 90.0))
    plain = (MODEL.name, MODEL.version)
    assert library.rows(plain, [video_id]) == library.rows(MODEL, [video_id])
    assert library.rows(MODEL, [video_id])[video_id].model == "test-model@1"
    assert library.stretches(plain) == library.stretches(MODEL) != []
    assert library.without_timeline(plain) == []
    assert library.count(model=plain) == library.count() == 1
    library.close()


# -- stretches stored with the version of the cut --------------------------------------------

def test_a_timeline_cut_by_an_older_version_is_listed_again_and_not_returned(
        library_url: str, tmp_path: Path) -> None:
    library = Library(library_url)
    video_id, path = _tagged_file(library, tmp_path)
    assert library.store_timeline(video_id, MODEL, _timeline(), _stretches(0.0, 40.0, 90.0),
                                  cut_version=CUT_VERSION - 1) is None
    assert library.without_timeline(MODEL) == [(video_id, path)]
    assert library.timeline(video_id, MODEL) is None
    library.store_timeline(video_id, MODEL, _timeline(), _stretches(0.0, 40.0, 90.0))
    assert library.without_timeline(MODEL) == []
    found = library.timeline(video_id, MODEL)
    assert found is not None and [k.stretch.end for k in found[1]] == [40.0, 90.0]
    library.close()


def test_a_new_version_of_the_cut_has_every_stored_timeline_cut_again(
        library_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Raising `CUT_VERSION` is all it takes: what the old cut stored is not there yet."""
    library = Library(library_url)
    video_id, path = _tagged_file(library, tmp_path)
    library.store_timeline(video_id, MODEL, _timeline(), _stretches(0.0, 40.0, 90.0))
    assert library.timeline(video_id, MODEL) is not None
    monkeypatch.setattr(cutting, "CUT_VERSION", CUT_VERSION + 1)
    assert library.without_timeline(MODEL) == [(video_id, path)]
    assert library.timeline(video_id, MODEL) is None
    library.store_timeline(video_id, MODEL, _timeline(), _stretches(0.0, 40.0, 90.0))
    assert library.without_timeline(MODEL) == []
    with library.engine.connect() as connection:
        stored = connection.execute(text("SELECT cut_version FROM timelines")).scalars().all()
    assert stored == [CUT_VERSION + 1]
    library.close()


def test_a_persons_stretch_tags_survive_a_recut(library_url: str, tmp_path: Path) -> None:
    """Cut again with its boundaries moved: a tag on a stretch still there stays on it, a
    tag on one that is gone goes to the new stretch covering most of it."""
    library = Library(library_url)
    video_id, _ = _tagged_file(library, tmp_path)
    library.store_timeline(video_id, MODEL, _timeline(), _stretches(0.0, 40.0, 70.0, 90.0),
                           cut_version=CUT_VERSION - 1)
    first, second, _ = library.stretches(MODEL)
    library.set_stretch_label(first.id, octant="tired")
    library.set_stretch_label(second.id, quadrant="PV-PA")
    library.store_timeline(video_id, MODEL, _timeline(), _stretches(0.0, 40.0, 62.0, 90.0))
    found = library.timeline(video_id, MODEL)
    assert found is not None
    after = found[1]
    assert [(k.stretch.start, k.corrected) for k in after] == [
        (0.0, True), (40.0, True), (62.0, False)]
    assert after[0].id == first.id and after[0].stretch.octant == "tired"
    assert after[1].stretch.quadrant == "PV-PA"
    library.close()


# -- migration step 8 -------------------------------------------------------------------------

def test_step_8_gives_a_version_7_library_the_cut_version_of_its_timelines(
        library_url: str, tmp_path: Path) -> None:
    """Existing timelines were all cut by version 1: step 8 says so; they are cut again
    only by a later cut (issue 23's talk stretches are cut version 2)."""
    library = Library(library_url)
    video_id, _ = _tagged_file(library, tmp_path)
    library.store_timeline(video_id, MODEL, _timeline(), _stretches(0.0, 40.0, 90.0))
    library.close()
    engine = create_engine(library_url)
    with engine.begin() as connection:  # as a version-7 library stored it
        connection.execute(text("ALTER TABLE timelines DROP COLUMN cut_version"))
        connection.execute(text("DELETE FROM schema_migrations WHERE version > 7"))
    engine.dispose()
    server = not library_url.startswith("sqlite")
    if server:
        with pytest.raises(LibraryError, match="upgrade-library"):
            Library(library_url)
    library = Library(library_url, upgrade=server)
    if not server:
        assert list(tmp_path.glob("lib.sqlite3.v7-*.bak"))  # backed up before the change
    with library.engine.connect() as connection:
        version = connection.execute(text("SELECT MAX(version) FROM schema_migrations"))
        assert version.scalar() == migrations.LATEST >= 8
        assert connection.execute(text("SELECT cut_version FROM timelines")).scalars().all() \
            == [1]
    recut = [video_id] if cutting.CUT_VERSION > 1 else []
    assert [found for found, _ in library.without_timeline(MODEL)] == recut
    assert (library.timeline(video_id, MODEL) is None) == bool(recut)
    library.close()


def test_step_8_leaves_a_library_that_has_the_column_as_it_is(tmp_path: Path) -> None:
    """A library stamped below its shape (an early build, a test) already has it."""
    database = tmp_path / "lib.sqlite3"
    library = Library.at(database)
    video_id, _ = _tagged_file(library, tmp_path)
    library.store_timeline(video_id, MODEL, _timeline(), _stretches(0.0, 90.0))
    library.close()
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM schema_migrations WHERE version > 7"))
    engine.dispose()
    library = Library.at(database)
    assert library.timeline(video_id, MODEL) is not None
    library.close()
