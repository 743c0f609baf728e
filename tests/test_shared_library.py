"""A library shared by several computers on a real PostgreSQL server (issue 14): opening,
updating, and several clients writing at once as separate processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from test_library import extracted, prediction

from ver_desktop.core import paths
from ver_desktop.core.errors import LibraryError
from ver_desktop.core.library import FileStat, Library, VideoFilter, migrations, shared_paths
from ver_desktop.core.library.shared_paths import PathMap

MODEL = ("test-model", "1")


def test_an_unreachable_server_is_said_in_one_sentence() -> None:
    with pytest.raises(LibraryError, match="cannot reach the shared library") as caught:
        Library("postgresql+psycopg://ver@127.0.0.1:1/nowhere")
    assert "Traceback" not in str(caught.value) and "sqlalche.me" not in str(caught.value)


def test_library_urls_come_from_the_option_the_environment_settings_or_the_data_dir(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.LIBRARY_URL_ENV, raising=False)
    assert paths.library_url(tmp_path) == f"sqlite:///{tmp_path / 'library.sqlite3'}"
    assert paths.library_url(tmp_path, saved="postgresql://a@h/db") == \
        "postgresql+psycopg://a@h/db"
    monkeypatch.setenv(paths.LIBRARY_URL_ENV, "postgresql://b@h/db")
    assert paths.library_url(tmp_path, saved="postgresql://a@h/db").endswith("//b@h/db")
    assert paths.library_url(tmp_path, "postgresql+psycopg://c@h/db").endswith("//c@h/db")


def test_a_shared_library_is_updated_only_when_asked_and_all_or_nothing(
        shared: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """No file to back up on a server: the update is refused with what to run (pg_dump,
    then upgrade-library); asked for, it runs in one transaction, so a failing step
    leaves the library as it was."""
    Library(shared).close()
    latest = migrations.LATEST

    def add_column(connection) -> None:  # type: ignore[no-untyped-def]
        connection.execute(text("ALTER TABLE videos ADD COLUMN rating INTEGER"))

    def broken(connection) -> None:  # type: ignore[no-untyped-def]
        connection.execute(text("ALTER TABLE videos ADD COLUMN mood INTEGER"))
        connection.execute(text("SELECT no_such_function()"))

    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS,
                                                   (latest + 1, "add rating", add_column),
                                                   (latest + 2, "broken", broken)))
    monkeypatch.setattr(migrations, "LATEST", latest + 2)
    with pytest.raises(LibraryError, match=r"pg_dump .*upgrade-library"):
        Library(shared)
    with pytest.raises(LibraryError, match="no_such_function"):
        Library(shared, upgrade=True)
    assert _version_and_columns(shared) == (latest, False)  # the first step undone too
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:-1])
    monkeypatch.setattr(migrations, "LATEST", latest + 1)
    Library(shared, upgrade=True).close()
    assert _version_and_columns(shared) == (latest + 1, True)
    Library(shared).close()  # up to date: opens as usual


def test_step_6_brings_a_version_5_shared_library_its_timeline_tables(shared: str) -> None:
    """The first step that runs on PostgreSQL: its DDL is written for each backend."""
    Library(shared).close()
    engine = create_engine(shared)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE stretches"))
        connection.execute(text("DROP TABLE timelines"))
        connection.execute(text('ALTER TABLE playlist_items DROP COLUMN "start"'))
        connection.execute(text('ALTER TABLE playlist_items DROP COLUMN "end"'))
        connection.execute(text("DELETE FROM schema_migrations WHERE version >= 6"))
    engine.dispose()
    with pytest.raises(LibraryError, match="upgrade-library"):
        Library(shared)
    Library(shared, upgrade=True).close()
    engine = create_engine(shared)
    with engine.connect() as connection:
        tables = set(connection.execute(text(
            "SELECT table_name FROM information_schema.tables")).scalars())
    engine.dispose()
    assert {"timelines", "stretches"} <= tables


def _version_and_columns(url: str) -> tuple[int, bool]:
    """The library's schema version, and whether videos has the test's `rating` column."""
    engine = create_engine(url)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT MAX(version) FROM schema_migrations"))
        columns = connection.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'videos'"))
        found = (int(version.scalar() or 0), "rating" in set(columns.scalars()))
    engine.dispose()
    return found


def python(code: str, *args: str) -> subprocess.Popen[str]:
    """Another client: a separate Python process running `code` with `args` in sys.argv."""
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str], timeout: float = 900) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    return out


CORRECT = """
import sys
from ver_desktop.core.library import Library
library = Library(sys.argv[1])
ids, octant = [int(i) for i in sys.argv[2].split(",")], sys.argv[3]
for _ in range(int(sys.argv[4])):
    for video_id in ids:
        library.set_user_label(video_id, octant=octant)
print("done")
"""

EDIT_PLAYLIST = """
import sys
from ver_desktop.core.library import Library
library = Library(sys.argv[1])
playlist, ids = int(sys.argv[2]), [int(i) for i in sys.argv[3].split(",")]
for _ in range(int(sys.argv[4])):
    library.add_to_playlist(playlist, ids)
    library.remove_from_playlist(playlist, ids[::2])
print("done")
"""


def seeded(url: str, root: Path, count: int) -> list[int]:
    library = Library(url)
    files = [FileStat(os.fspath(root / f"{i:03d}.mp4"), 1, 1) for i in range(count)]
    ids = [video_id for video_id, _ in library.plan_scan([os.fspath(root)], files,
                                                         MODEL).to_analyse]
    library.close()
    return ids


def test_two_people_correcting_at_once_lose_nothing_and_the_last_writer_wins(
        shared: str, tmp_path: Path) -> None:
    """Three client processes: two tag the same videos differently, one tags others.
    Every video ends with one of its writers' tags (no error, no lost row), the others
    keep theirs, and a later correction replaces an earlier one."""
    ids = seeded(shared, tmp_path, 30)
    same, others = ids[:10], ids[10:]
    clients = [python(CORRECT, shared, ",".join(map(str, same)), "tired", "20"),
               python(CORRECT, shared, ",".join(map(str, same)), "happy", "20"),
               python(CORRECT, shared, ",".join(map(str, others)), "tensed", "10")]
    for client in clients:
        assert finish(client).strip() == "done"
    library = Library(shared)
    rows = library.rows(MODEL, ids)
    assert {rows[i].octant for i in same} <= {"tired", "happy"}
    assert {rows[i].octant for i in others} == {"tensed"}
    assert all(row.corrected for row in rows.values())
    library.set_user_label(same[0], octant="sleepy")  # the last writer
    assert library.rows(MODEL, [same[0]])[same[0]].octant == "sleepy"


def test_two_people_editing_one_playlist_take_turns(shared: str, tmp_path: Path) -> None:
    """Each edit reads and writes the playlist under its row's lock: with two processes
    adding and removing the same videos, no video is ever listed twice."""
    ids = seeded(shared, tmp_path, 12)
    library = Library(shared)
    playlist = library.create_playlist("session", "manual")
    editors = [python(EDIT_PLAYLIST, shared, str(playlist), ",".join(map(str, ids)), "15")
               for _ in range(2)]
    for editor in editors:
        finish(editor)
    items = library.playlist_video_ids(playlist)
    assert len(items) == len(set(items))
    assert set(items) == set(ids[1::2])  # what the last edit left


@pytest.mark.slow
def test_scans_of_two_folders_and_a_person_correcting_share_one_library(
        shared: str, tmp_path: Path, media_files: dict[str, Path]) -> None:
    """Three clients at once, each its own process and data folder: two command-line
    scans of different folders, and a person correcting and editing a playlist on the
    files the first scan will find. Both scans store every file, the person's tags and
    playlist survive the scans, and no client sees an error."""
    folders = [tmp_path / "first", tmp_path / "second"]
    for folder, names in zip(folders, (["music.mp4", "music.mkv", "text.mp4"],
                                       ["music.webm", "short.flac", "random.mkv"]), strict=True):
        folder.mkdir()
        for name in names:
            shutil.copy(media_files[name], folder / name)
    person = Library(shared)
    mine = [FileStat(os.fspath(folders[0] / n), (folders[0] / n).stat().st_size,
                     (folders[0] / n).stat().st_mtime_ns)
            for n in ("music.mp4", "music.mkv")]
    planned = person.plan_scan([os.fspath(folders[0])], mine, MODEL).to_analyse
    ids = [video_id for video_id, _ in planned]
    scans = [subprocess.Popen(
        [sys.executable, "-m", "ver_desktop", "--library", shared, "--data-dir",
         os.fspath(tmp_path / f"data{i}"), "--workers", "1", "scan", os.fspath(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i, folder in enumerate(folders)]
    playlist = person.create_playlist("calm start", "manual", video_ids=ids)
    while any(scan.poll() is None for scan in scans):  # corrections while both scan
        person.set_user_label(ids[0], octant="pleased")
        person.add_to_playlist(playlist, ids)
    for scan in scans:
        _out, err = scan.communicate(timeout=900)
        assert scan.returncode == 0, err
        assert "Traceback" not in err and "locked" not in err
    model = person.rows(MODEL, ids)  # the test model's rows: only the person's tag
    assert model[ids[0]].octant == "pleased"
    assert person.playlist_video_ids(playlist) == ids
    statuses = {row.path: row.status for row in person.videos(("", ""))}
    assert sorted(statuses.values()).count("ok") == 4
    assert sorted(statuses.values()).count("failed") == 2
    bundled = person.rows(_bundled_model(), ids)
    assert bundled[ids[0]].octant == "pleased" and bundled[ids[0]].corrected
    assert bundled[ids[1]].quadrant is not None  # tagged by the scan


def _bundled_model() -> tuple[str, str]:
    from ver_desktop.core.bundle import read_bundle_info

    info = read_bundle_info(paths.bundled_model_dir())
    return info.name, info.version


@pytest.fixture
def no_path_map() -> Iterator[None]:
    """The path map is the process's: put the default back after a test that sets one."""
    yield
    shared_paths.use(PathMap())


def test_a_share_mounted_at_different_places_is_one_library(
        shared: str, tmp_path: Path, no_path_map: None) -> None:
    """Two computers mount one share at /Volumes/Music and /mnt/music, and both map it to
    /shares/music: what one scanned, the other finds unchanged at its own paths, filters
    by its own folder, and tags; the library holds the shared form only."""
    share = tmp_path / "share"
    (share / "calm").mkdir(parents=True)
    mac, linux = tmp_path / "Volumes" / "Music", tmp_path / "mnt" / "music"
    for mount in (mac, linux):
        mount.parent.mkdir(parents=True)
        mount.symlink_to(share)

    def stats(mount: Path) -> list[FileStat]:
        return [FileStat(os.fspath(mount / "calm" / f"{i}.mp4"), 1, 1) for i in range(3)]

    first = Library(shared, path_map=PathMap.parse([f"{mac}=/shares/music"]))
    first.add_folder(os.fspath(mac))
    plan = first.plan_scan([os.fspath(mac)], stats(mac), MODEL)
    first.record([(i, extracted(p), prediction()) for i, p in plan.to_analyse], [], MODEL)
    first.close()

    second = Library(shared, path_map=PathMap.parse([f"{linux}=/shares/music"]))
    assert second.folders() == [os.fspath(linux)]
    mine = [s.path for s in stats(linux)]
    assert sorted(r.path for r in second.videos(MODEL)) == mine
    assert second.known_files([os.fspath(linux)]) == {p: (1, 1) for p in mine}
    plan = second.plan_scan([os.fspath(linux)], stats(linux), MODEL)
    assert (plan.new, plan.unchanged, plan.to_analyse) == (0, 3, [])
    assert second.count(VideoFilter(folder=os.fspath(linux / "calm"))) == 3
    video_id = second.video_id(mine[0])
    assert video_id is not None
    second.set_user_label(video_id, octant="sleepy")
    with second.engine.connect() as connection:
        stored = connection.execute(text("SELECT path FROM videos ORDER BY path")).scalars()
        assert [bytes(p) for p in stored] == [f"/shares/music/calm/{i}.mp4".encode()
                                              for i in range(3)]
    second.close()
    listing = subprocess.run(
        [sys.executable, "-m", "ver_desktop", "--library", shared, "--path-map",
         f"{mac}=/shares/music", "--model", "ver-musicnn", "list", "--json"],
        capture_output=True, text=True, timeout=600, check=True)
    assert sorted(json.loads(line)["path"] for line in listing.stdout.splitlines()) == \
        [s.path for s in stats(mac)]


def test_a_path_map_entry_without_its_two_halves_is_refused_in_words() -> None:
    with pytest.raises(LibraryError, match="LOCAL=SHARED"):
        PathMap.parse(["/Volumes/Music"])
    assert PathMap.parse(["/a=/x; /b=/y"]).to_shared("/b/c.mp4") == "/y/c.mp4"
    assert PathMap.parse(["/a=/x"]).to_shared("/ab/c.mp4") == "/ab/c.mp4"
    assert PathMap.parse(["/a=/x"]).to_local("/x/c.mp4") == "/a/c.mp4"


@pytest.mark.parametrize(("url", "words"), [
    ("nonsense", "not a library address"),
    ("mysql://a@b/c", "SQLite file or a PostgreSQL database"),
    ("postgresql+psycopg2://a@127.0.0.1:1/x", "install the server extra"),
])
def test_a_library_address_that_cannot_work_is_said_in_one_sentence(url: str,
                                                                     words: str) -> None:
    with pytest.raises(LibraryError, match=words):
        Library(url)
