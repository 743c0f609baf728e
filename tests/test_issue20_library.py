"""Issue 20, the library's own defects: path maps that would corrupt paths (item 6), another
application's database (14), a read-only PostgreSQL role (15), two playlists of one name
(16), and a library stamped by an early build without the columns of its version (17)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from test_library import extracted, prediction

from ver_desktop.core.errors import LibraryError
from ver_desktop.core.library import FileStat, Library, migrations
from ver_desktop.core.library.playlist_store import PlaylistNameTaken
from ver_desktop.core.library.shared_paths import PathMap

MODEL = ("test-model", "1")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ver_desktop", *args], capture_output=True,
                          text=True, check=False, timeout=900)


# -- 6: path maps ---------------------------------------------------------------------------

@pytest.mark.parametrize(("entry", "words"), [
    ("/mnt/music=/shares/music;/mnt/music/jazz=/shares/jazz", "one inside the other"),
    ("/mnt/music/x=/mnt/music", "one inside the other"),
    ("/mnt/music=/mnt/music/shared", "one inside the other"),
    ("/mnt/a=/shares/music;/mnt/b=/shares/music", "both /mnt/a and /mnt/b as /shares/music"),
    ("/mnt/a=/shares;/mnt/b=/shares/b", "one inside the other"),
    ("music=/shares/music", "whole paths from the top"),
    ("/mnt/music=shares", "whole paths from the top"),
    ("A==/s", "LOCAL=SHARED"),
    ("/a=/s/m=", "LOCAL=SHARED"),
    ("/a", "LOCAL=SHARED"),
])
def test_a_path_map_that_would_corrupt_paths_is_refused_in_one_sentence(
        entry: str, words: str) -> None:
    with pytest.raises(LibraryError, match=words) as caught:
        PathMap.parse([entry])
    assert "\n" not in str(caught.value)


def test_a_folder_named_with_an_equals_sign_is_mapped_through_an_escape() -> None:
    path_map = PathMap.parse([r"/mnt/x\=y=/shares/x\;y; /mnt/b=/shares/b"])
    assert path_map.pairs == (("/mnt/x=y", "/shares/x;y"), ("/mnt/b", "/shares/b"))
    assert path_map.to_shared("/mnt/x=y/song.mp4") == "/shares/x;y/song.mp4"
    assert path_map.to_local("/shares/x;y/song.mp4") == "/mnt/x=y/song.mp4"
    assert PathMap.parse(["/a=/s", "/a=/s"]).pairs == (("/a", "/s"),)  # option and env


def test_every_path_round_trips_under_an_accepted_map() -> None:
    path_map = PathMap.parse(["/Volumes/Music=/shares/music;/mnt/video=/shares/video"])
    for path in ("/Volumes/Music/a.mp4", "/Volumes/Music", "/mnt/video/x/y.mkv",
                 "/home/me/z.mp4", "/Volumes/Musical/b.mp4"):
        assert path_map.to_local(path_map.to_shared(path)) == path


def test_the_command_line_refuses_a_bad_map_before_touching_the_library(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = cli("--data-dir", os.fspath(data), "--path-map", "/mnt/a=/s;/mnt/b=/s", "list")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "both /mnt/a and /mnt/b as /s" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# -- 14: another application's database ------------------------------------------------------

def _another_apps_file(path: Path, rails: bool) -> bytes:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        db.execute("INSERT INTO notes (body) VALUES ('buy milk')")
        if rails:  # Rails keeps a table of the same name with one column
            db.execute("CREATE TABLE schema_migrations (version VARCHAR PRIMARY KEY)")
            db.execute("INSERT INTO schema_migrations VALUES ('20240101000000')")
    return path.read_bytes()


@pytest.mark.parametrize("rails", [False, True])
def test_another_applications_sqlite_file_is_refused_and_left_untouched(
        tmp_path: Path, rails: bool) -> None:
    database = tmp_path / "library.sqlite3"
    before = _another_apps_file(database, rails)
    for _ in range(2):
        with pytest.raises(LibraryError, match="another application's data"):
            Library.at(database)
    assert database.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library.sqlite3"]  # no .bak
    done = cli("--data-dir", os.fspath(tmp_path), "list")
    assert done.returncode != 0 and "another application's data" in done.stderr
    assert "Traceback" not in done.stderr
    assert database.read_bytes() == before


def test_another_applications_postgresql_database_is_refused_and_left_untouched(
        shared: str) -> None:
    engine = create_engine(shared)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id SERIAL PRIMARY KEY, total INT)"))
    with pytest.raises(LibraryError, match="another application's data"):
        Library(shared)
    with pytest.raises(LibraryError, match="another application's data"):
        Library(shared, upgrade=True)
    with engine.connect() as connection:
        tables = set(connection.execute(text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public'")).scalars())
    engine.dispose()
    assert tables == {"invoices"}


def test_a_first_opening_that_stopped_early_still_makes_the_library(tmp_path: Path) -> None:
    """An empty schema_migrations table alone is what an interrupted first opening of an
    earlier version left: still ours, made anew."""
    database = tmp_path / "library.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute(migrations._CREATE_TABLE)
    library = Library.at(database)
    assert library.playlists() == []
    library.close()


# -- 15: a read-only role ------------------------------------------------------------------------

def _reader_url(shared: str) -> str:
    """A role that may only read the library's tables."""
    engine = create_engine(shared)
    role = f"reader_{make_url(shared).database}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN"))
        connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        connection.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
    engine.dispose()
    return make_url(shared).set(username=role).render_as_string(hide_password=False)


def test_a_read_only_role_reads_and_is_told_in_words_that_it_cannot_write(
        shared: str, tmp_path: Path) -> None:
    library = Library(shared)
    plan = library.plan_scan(["/m"], [FileStat("/m/a.mp4", 1, 1)], MODEL)
    library.record([(i, extracted(p), prediction()) for i, p in plan.to_analyse], [], MODEL)
    library.create_playlist("Calm", "manual", video_ids=[plan.to_analyse[0][0]])
    library.close()
    reader_url = _reader_url(shared)

    reader = Library(reader_url)
    assert [row.path for row in reader.videos(MODEL)] == ["/m/a.mp4"]
    assert [p.name for p in reader.playlists()] == ["Calm"]
    reader.close()

    listing = cli("--data-dir", os.fspath(tmp_path), "--library", reader_url,
                  "--model", "ver-musicnn", "list")
    assert listing.returncode == 0, listing.stderr
    tagging = cli("--data-dir", os.fspath(tmp_path), "--library", reader_url,
                  "tag", "/m/a.mp4", "--octant", "sleepy")
    assert tagging.returncode != 0
    assert "read-only for you" in tagging.stderr and "Traceback" not in tagging.stderr
    assert len(tagging.stderr.strip().splitlines()) == 1


# -- 16: unique playlist names ---------------------------------------------------------------

def test_two_playlists_of_one_name_cannot_be_made_at_once(library_url: str) -> None:
    """Eight clients make "Calm" at the same moment: one playlist, seven refusals."""
    Library(library_url).close()
    libraries = [Library(library_url) for _ in range(8)]
    start = threading.Barrier(len(libraries))
    outcomes: list[str] = []

    def make(library: Library) -> None:
        start.wait()
        try:
            library.create_playlist("Calm", "manual")
            outcomes.append("made")
        except PlaylistNameTaken as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=make, args=(lib,)) for lib in libraries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("made") == 1
    assert all("exists already" in o for o in outcomes if o != "made")
    assert [p.name for p in libraries[0].playlists()] == ["Calm"]
    other = libraries[0].create_playlist("Sad", "manual")
    with pytest.raises(PlaylistNameTaken):
        libraries[0].update_playlist(other, name="Calm")
    for library in libraries:
        library.close()


def test_an_older_library_with_twin_playlists_keeps_both_under_two_names(
        tmp_path: Path) -> None:
    database = tmp_path / "lib.sqlite3"
    Library.at(database).close()
    with sqlite3.connect(database) as db:  # as a version-6 library could hold them
        db.execute("DROP INDEX ux_playlists_name")
        db.execute("DELETE FROM schema_migrations WHERE version > 6")
        for name in ("Calm", "Calm", "Calm (2)", "Calm"):
            db.execute("INSERT INTO playlists (name, kind, play, created_at, updated_at) "
                       "VALUES (?, 'manual', 'segment', '2026-01-01', '2026-01-01')", (name,))
    library = Library.at(database)
    assert [p.name for p in library.playlists()] == ["Calm", "Calm (2)", "Calm (3)",
                                                     "Calm (4)"]
    with pytest.raises(PlaylistNameTaken):
        library.create_playlist("Calm (3)", "manual")
    library.close()


def test_a_playlist_name_is_bounded_and_not_blank(tmp_path: Path) -> None:
    library = Library.at(tmp_path / "lib.sqlite3")
    with pytest.raises(LibraryError, match="at most"):
        library.create_playlist("x" * 10_000, "manual")
    with pytest.raises(LibraryError, match="needs a name"):
        library.create_playlist("  ", "manual")
    library.close()


# -- 17: a version stamped without its columns -----------------------------------------------

def test_an_early_version_6_sqlite_library_gets_its_missing_columns(tmp_path: Path) -> None:
    database = tmp_path / "lib.sqlite3"
    library = Library.at(database)
    plan = library.plan_scan(["/m"], [FileStat("/m/a.mp4", 1, 1)], MODEL)
    library.close()
    with sqlite3.connect(database) as db:  # what an early build stamped 6 had
        db.execute('ALTER TABLE playlist_items DROP COLUMN "start"')
        db.execute('ALTER TABLE playlist_items DROP COLUMN "end"')
        db.execute("DELETE FROM schema_migrations WHERE version > 6")
    library = Library.at(database)
    playlist = library.create_playlist("Part", "manual", video_ids=[plan.to_analyse[0][0]],
                                       spans=[(10.0, 40.0)])
    assert library.playlist_items(playlist) == [(plan.to_analyse[0][0], (10.0, 40.0))]
    library.close()
    assert list(tmp_path.glob("lib.sqlite3.v6-*.bak"))  # backed up before the change


def test_a_shared_library_stamped_up_to_date_without_its_columns_asks_for_an_upgrade(
        shared: str, tmp_path: Path) -> None:
    Library(shared).close()
    engine = create_engine(shared)
    with engine.begin() as connection:
        connection.execute(text('ALTER TABLE playlist_items DROP COLUMN "start"'))
        connection.execute(text('ALTER TABLE playlist_items DROP COLUMN "end"'))
    engine.dispose()
    with pytest.raises(LibraryError, match="upgrade-library"):
        Library(shared)
    done = cli("--data-dir", os.fspath(tmp_path), "--library", shared, "upgrade-library")
    assert done.returncode == 0, done.stderr
    library = Library(shared)
    plan = library.plan_scan(["/m"], [FileStat("/m/a.mp4", 1, 1)], MODEL)
    playlist = library.create_playlist("Part", "manual", video_ids=[plan.to_analyse[0][0]],
                                       spans=[(1.0, 2.0)])
    assert library.playlist_items(playlist)[0][1] == (1.0, 2.0)
    library.close()
