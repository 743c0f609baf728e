"""The SQLite library: WAL, recorded migrations with a backup, exact paths, corrections."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest
from sqlalchemy import text

from ver_desktop.core.bundle import Prediction
from ver_desktop.core.extract import Extracted
from ver_desktop.core.library import FileStat, Library, VideoFilter, migrations

MODEL = ("test-model", "1")
T = TypeVar("T")


def prediction(quadrant: str = "PV-PA", octant: str = "happy") -> Prediction:
    return Prediction(quadrant, octant, {"PV-PA": 0.7, "NV-PA": 0.1, "NV-NA": 0.1, "PV-NA": 0.1},
                      dict.fromkeys(("happy", "aroused", "tensed", "frustrated", "miserable",
                                     "tired", "sleepy", "pleased"), 0.125), 0.5, 0.4)


def extracted(path: str) -> Extracted:
    return Extracted(path, np.zeros((10, 26), np.float32), 5.0, 35.0, 60.0, 0)


def test_new_database_is_wal_and_stamped(tmp_path: Path) -> None:
    library = Library.at(tmp_path / "lib.sqlite3")
    with library.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        versions = connection.execute(text("SELECT version FROM schema_migrations")).all()
    assert [v for (v,) in versions] == [m[0] for m in migrations.MIGRATIONS]


def test_pending_migration_backs_up_then_applies(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "lib.sqlite3"
    Library.at(database).close()
    latest = migrations.LATEST

    def add_column(connection) -> None:  # type: ignore[no-untyped-def]
        connection.execute(text("ALTER TABLE videos ADD COLUMN rating INTEGER"))

    monkeypatch.setattr(migrations, "MIGRATIONS",
                        (*migrations.MIGRATIONS, (latest + 1, "add rating", add_column)))
    monkeypatch.setattr(migrations, "LATEST", latest + 1)
    library = Library.at(database)
    backups = list(tmp_path.glob(f"lib.sqlite3.v{latest}-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("SELECT MAX(version) FROM schema_migrations").fetchone() == (latest,)
    with library.engine.connect() as connection:
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(videos)"))]
        assert "rating" in columns


def undo_step_6(db: sqlite3.Connection) -> None:
    """A library as it was before step 6 (timelines, stretches, playlist items' spans)."""
    db.execute("DROP TABLE stretches")
    db.execute("DROP TABLE timelines")
    db.execute('ALTER TABLE playlist_items DROP COLUMN "start"')
    db.execute('ALTER TABLE playlist_items DROP COLUMN "end"')


def test_a_version_1_library_gains_the_speech_column(tmp_path: Path) -> None:
    database = tmp_path / "lib.sqlite3"
    Library.at(database).close()
    with sqlite3.connect(database) as db:  # make it look like a library from before step 2
        undo_step_6(db)
        db.execute("ALTER TABLE analyses DROP COLUMN speech_likeness")
        db.execute("DROP TABLE claims")
        db.execute("ALTER TABLE playlists DROP COLUMN play")
        db.execute("ALTER TABLE videos DROP COLUMN search_text")
        db.execute("DELETE FROM schema_migrations WHERE version > 1")
    library = Library.at(database)
    assert list(tmp_path.glob("lib.sqlite3.v1-*.bak"))
    with library.engine.connect() as connection:
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(analyses)"))]
    assert "speech_likeness" in columns


def test_a_version_4_library_gets_its_search_keys(tmp_path: Path) -> None:
    database = tmp_path / "lib.sqlite3"
    library = Library.at(database)
    library.plan_scan([os.fspath(tmp_path)], [FileStat(os.fspath(tmp_path / "Café.mp4"), 1, 1)],
                      MODEL)
    library.close()
    with sqlite3.connect(database) as db:  # as a version-4 library stored it
        undo_step_6(db)
        db.execute("ALTER TABLE videos DROP COLUMN search_text")
        db.execute("DELETE FROM schema_migrations WHERE version > 4")
    library = Library.at(database)
    assert len(library.video_ids(MODEL, VideoFilter(search="cafe"))) == 1


Shapes = dict[str, list[tuple[str, str, int, int]]]


def table_shapes(database: Path) -> Shapes:
    """Each table of an SQLite file: its columns' names, types, NOT NULL and keys."""
    with sqlite3.connect(database) as db:
        tables = [t for (t,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted((c[1], c[2], c[3], c[5]) for c in db.execute(
            f"PRAGMA table_info({t})")) for t in tables}


def shapes_after_migrating(tmp_path: Path, undo: Callable[[sqlite3.Connection], None]
                           ) -> tuple[Shapes, Shapes]:
    """The shapes of a new SQLite library, and of one that `undo` took back to an older
    version and opening it migrated again."""
    fresh, old = tmp_path / "fresh.sqlite3", tmp_path / "old.sqlite3"
    Library.at(fresh).close()
    Library.at(old).close()
    with sqlite3.connect(old) as db:
        undo(db)
    Library.at(old).close()
    return table_shapes(old), table_shapes(fresh)


def test_a_migrated_library_has_the_shape_of_a_new_one(tmp_path: Path) -> None:
    def before_steps_2_to_6(db: sqlite3.Connection) -> None:
        undo_step_6(db)
        db.execute("ALTER TABLE analyses DROP COLUMN speech_likeness")
        db.execute("DROP TABLE claims")
        db.execute("ALTER TABLE playlists DROP COLUMN play")
        db.execute("ALTER TABLE videos DROP COLUMN search_text")
        db.execute("DELETE FROM schema_migrations WHERE version > 1")

    migrated, new = shapes_after_migrating(tmp_path, before_steps_2_to_6)
    assert migrated == new


def test_paths_that_are_not_utf8_round_trip(library_url: str, tmp_path: Path) -> None:
    library = Library(library_url)
    weird = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"\xff\xfe clip.mp4"))
    plan = library.plan_scan([os.fspath(tmp_path)], [FileStat(weird, 10, 1)], MODEL)
    assert [path for _, path in plan.to_analyse] == [weird]
    assert library.video_id(weird) is not None
    row = library.videos(MODEL)[0]
    assert row.path == weird and "\ufffd" in row.name


def test_correction_wins_and_survives_new_analyses(library_url: str, tmp_path: Path) -> None:
    library = Library(library_url)
    path = os.fspath(tmp_path / "a.mp4")
    plan = library.plan_scan([os.fspath(tmp_path)], [FileStat(path, 10, 1)], MODEL)
    video_id = plan.to_analyse[0][0]
    library.record([(video_id, extracted(path), prediction())], [], MODEL)
    library.set_user_label(video_id, octant="tired")
    library.record([(video_id, extracted(path), prediction("PV-PA", "aroused"))], [], MODEL)
    library.record([(video_id, extracted(path), prediction())], [], ("test-model", "2"))
    for model in (MODEL, ("test-model", "2")):
        row = library.videos(model)[0]
        assert (row.quadrant, row.octant, row.corrected) == ("NV-NA", "tired", True)
    assert [r.id for r in library.videos(MODEL, quadrant="NV-NA")] == [video_id]
    assert library.videos(MODEL, quadrant="PV-PA") == []


def test_plan_marks_changed_unchanged_missing_and_model_upgrades(
        library_url: str, tmp_path: Path) -> None:
    library = Library(library_url)
    root = os.fspath(tmp_path)
    a, b = os.path.join(root, "a.mp4"), os.path.join(root, "b.mp4")
    plan = library.plan_scan([root], [FileStat(a, 1, 1), FileStat(b, 1, 1)], MODEL)
    library.record([(i, extracted(p), prediction()) for i, p in plan.to_analyse], [], MODEL)
    plan = library.plan_scan([root], [FileStat(a, 1, 1), FileStat(b, 2, 2)], MODEL)
    assert (plan.unchanged, plan.changed, [p for _, p in plan.to_analyse]) == (1, 1, [b])
    library.record([(i, extracted(p), prediction()) for i, p in plan.to_analyse], [], MODEL)
    plan = library.plan_scan([root], [FileStat(a, 1, 1)], MODEL)
    assert plan.missing == 1 and plan.to_analyse == []
    assert {r.status for r in library.videos(MODEL)} == {"ok", "missing"}
    plan = library.plan_scan([root], [FileStat(a, 1, 1)], ("test-model", "2"))
    assert [p for _, p in plan.to_analyse] == [a]


def analyse(library: Library, root: str, files: list[FileStat], model: tuple[str, str],
            quadrant: str = "PV-PA") -> list[str]:
    """Plan a scan of `files` under `root` and record a tag for each file that needs one."""
    plan = library.plan_scan([root], files, model)
    octant = {"PV-PA": "happy", "NV-NA": "tired"}[quadrant]
    library.record([(vid, extracted(path), prediction(quadrant, octant))
                    for vid, path in plan.to_analyse], [], model)
    return [path for _, path in plan.to_analyse]


def test_forgetting_a_parent_folder_keeps_a_nested_library_folder(
        library_url: str, tmp_path: Path) -> None:
    """Issue 11, item 1: /nest/sub stays in the library, so its videos and corrections do."""
    library = Library(library_url)
    nest, sub = tmp_path / "nest", tmp_path / "nest" / "sub"
    library.add_folder(os.fspath(sub))
    library.add_folder(os.fspath(nest))
    inner, outer = os.fspath(sub / "a.mp4"), os.fspath(nest / "b.mp4")
    analyse(library, os.fspath(nest), [FileStat(inner, 10, 1), FileStat(outer, 10, 1)], MODEL)
    inner_id = library.video_id(inner)
    assert inner_id is not None
    library.set_user_label(inner_id, quadrant="NV-NA")
    assert library.forget_folder(os.fspath(nest)) == 1
    assert library.folders() == [os.fspath(sub)]
    assert library.video_id(outer) is None
    rows = library.videos(MODEL)
    assert [(r.path, r.quadrant, r.corrected) for r in rows] == [(inner, "NV-NA", True)]


def test_a_file_replaced_under_another_model_is_not_shown_with_its_old_tag(
        library_url: str, tmp_path: Path) -> None:
    """Issue 11, item 2: tag with A, replace the file, tag with B, scan with A again."""
    library = Library(library_url)
    root, path = os.fspath(tmp_path), os.fspath(tmp_path / "song.mp4")
    first, second = ("model-a", "1"), ("model-b", "1")
    assert analyse(library, root, [FileStat(path, 10, 1)], first) == [path]
    replaced = [FileStat(path, 20, 2)]
    assert analyse(library, root, replaced, second, "NV-NA") == [path]
    assert library.videos(first)[0].quadrant is None  # the old content's tag is gone
    assert analyse(library, root, replaced, first, "NV-NA") == [path]  # analysed again
    assert library.videos(first)[0].quadrant == "NV-NA"
    assert analyse(library, root, replaced, first) == []  # and now it is current


def test_a_library_from_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    """Issue 11, item 6."""
    from ver_desktop.core.errors import LibraryError

    database = tmp_path / "lib.sqlite3"
    Library.at(database).close()
    newer = migrations.LATEST + 1
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', 'later')",
                   (newer,))
    before = database.read_bytes()
    with pytest.raises(LibraryError, match=f"newer version of ver_desktop.*version {newer}"):
        Library.at(database)
    assert database.read_bytes() == before


def at_once(url: str, count: int, work: Callable[[Library], T]
            ) -> tuple[list[T], list[BaseException]]:
    """Run `work` in `count` threads at once, each with its own Library on `url`:
    (what the runs returned, what they raised)."""
    import threading

    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        library = Library(url)
        try:
            results.append(work(library))
        except BaseException as exc:
            errors.append(exc)
        finally:
            library.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_two_writers_storing_the_same_tag_at_once_never_collide(library_url: str,
                                                                tmp_path: Path) -> None:
    """Issue 11, item 13: a read-then-insert of the tag let concurrent writers hit the
    (video, model) key (1 IntegrityError in 300 batches, measured)."""

    database = library_url
    root = os.fspath(tmp_path)
    paths = [os.fspath(tmp_path / f"{i}.mp4") for i in range(20)]
    plan = Library(database).plan_scan([root], [FileStat(p, 1, 1) for p in paths], MODEL)
    errors: list[BaseException] = []

    def write(library: Library) -> None:
        for _ in range(25):
            library.record([(vid, extracted(path), prediction())
                            for vid, path in plan.to_analyse], [], MODEL)

    _, errors = at_once(database, 4, write)
    assert errors == []
    rows = Library(database).videos(MODEL)
    assert len(rows) == 20 and all(r.quadrant == "PV-PA" for r in rows)


def test_a_search_longer_than_any_file_name_finds_nothing_without_an_error(
        library_url: str, tmp_path: Path) -> None:
    """Issue 11, item 15: 50,000 characters exceeded SQLite's LIKE pattern limit."""
    from ver_desktop.core.library import VideoFilter

    library = Library(library_url)
    analyse(library, os.fspath(tmp_path), [FileStat(os.fspath(tmp_path / "aaa.mp4"), 1, 1)],
            MODEL)
    assert library.video_ids(MODEL, VideoFilter(search="a" * 50_000)) == []
    assert len(library.video_ids(MODEL, VideoFilter(search="aa"))) == 1


def test_a_playlist_name_with_a_lone_surrogate_is_stored(library_url: str, tmp_path: Path) -> None:
    """Issue 11, item 15: it raised UnicodeEncodeError."""
    library = Library(library_url)
    playlist = library.create_playlist("caf\udce9 mix", "manual")
    info = library.playlist(playlist)
    assert info is not None and info.name == "caf\ufffd mix"
    library.update_playlist(playlist, name="\udc80")
    assert library.playlist(playlist) is not None


def planned(library: Library, root: Path, count: int) -> list[int]:
    files = [FileStat(os.fspath(root / f"{i}.mp4"), 1, 1) for i in range(count)]
    return [video_id for video_id, _ in library.plan_scan([os.fspath(root)], files,
                                                          MODEL).to_analyse]


def test_a_second_scan_cannot_claim_what_a_first_has_in_hand(
        library_url: str, tmp_path: Path) -> None:
    """Issue 11, item 13: two scans of one library analysed every file twice."""
    library = Library(library_url)
    ids = planned(library, tmp_path, 10)
    assert library.claim("first", ids[:6]) == set(ids[:6])
    assert library.claim("second", ids) == set(ids[6:])  # only what nobody holds
    library.record([(ids[0], extracted("0.mp4"), prediction())], [], MODEL, scan="first")
    library.release("second")
    assert library.claim("third", ids) == set(ids[6:])  # 0 is done, 1-5 still held
    library.release("first")
    assert library.claim("third", ids) == set(ids[1:])


def test_a_claim_lapses_when_its_scan_is_gone(library_url: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    library = Library(library_url)
    ids = planned(library, tmp_path, 4)
    library.claim("killed", ids[:2])
    library.claim("remote", ids[2:])
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    stale = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=1)
    with library.engine.begin() as db:
        # a scan on this computer whose process has ended; one elsewhere gone quiet
        db.execute(text("UPDATE claims SET pid = :pid WHERE scan = 'killed'"),
                   {"pid": int(finished.stdout)})
        db.execute(text("UPDATE claims SET host = 'elsewhere', renewed_at = :at "
                        "WHERE scan = 'remote'"), {"at": stale})
    assert library.claim("next", ids) == set(ids)


def test_scans_planning_the_same_new_files_at_once_never_collide(library_url: str,
                                                                  tmp_path: Path) -> None:
    """Two scans that find the same new files both inserted them (3 threads planning 300
    new files: 10 UNIQUE constraint errors in 5 tries, measured)."""

    database = library_url
    Library(database).close()
    files = [FileStat(os.fspath(tmp_path / f"{i}.mp4"), 1, 1) for i in range(300)]
    plans, errors = at_once(database, 3, lambda library: library.plan_scan(
        [os.fspath(tmp_path)], files, MODEL))
    assert errors == []
    assert sum(p.new for p in plans) == 300
    assert Library(database).count() == 300


def test_folders_are_matched_by_their_exact_path_bytes(library_url: str, tmp_path: Path) -> None:
    """Issue 14: forgetting a folder named with bytes that are not UTF-8 removed nothing
    (its stored display name was compared); and a sibling whose name extends the folder's
    ('clips' and 'clips2') is not under it."""
    library = Library(library_url)
    odd = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9 videos"))
    sibling = os.fspath(tmp_path / "caf\udce9 videos2")  # the same bytes, then more
    files = [FileStat(os.path.join(odd, "a.mp4"), 1, 1),
             FileStat(os.path.join(odd, "deep", "b.mp4"), 1, 1),
             FileStat(os.path.join(sibling, "c.mp4"), 1, 1)]
    for root in (odd, sibling):
        library.add_folder(root)
    library.plan_scan([odd, sibling], files, MODEL)
    assert set(library.known_files([odd])) == {files[0].path, files[1].path}
    assert set(library.known_files(["/"])) == {f.path for f in files}  # the root of all
    # a folder filter (a smart playlist's) raised UnicodeEncodeError on such a folder
    rows = library.rows(MODEL, library.video_ids(MODEL, VideoFilter(folder=odd)))
    assert {r.path for r in rows.values()} == {files[0].path, files[1].path}
    assert [VideoFilter(folder=odd).matches(r) for r in rows.values()] == [True, True]
    assert not VideoFilter(folder=odd).matches(library.videos(MODEL)[-1])  # the sibling
    assert library.count(VideoFilter(folder=sibling)) == 1
    assert library.forget_folder(odd) == 2
    assert [r.path for r in library.videos(MODEL)] == [files[2].path]
    plan = library.plan_scan([files[2].path], [files[2]], MODEL)  # one dropped file
    assert plan.missing == 0 and [p for _, p in plan.to_analyse] == [files[2].path]


def test_an_empty_bulk_add_adds_nothing(library_url: str, tmp_path: Path) -> None:
    library = Library(library_url)
    assert library.bulk_add([], MODEL) == 0  # it used to insert a row of defaults and fail
    assert library.count() == 0
