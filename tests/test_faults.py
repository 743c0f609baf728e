"""Storage faults with real files (issue 11, item 5): a damaged library is refused and never
written to, a full disk and a read-only library file end in one sentence that says what to
do, never a traceback. The full disk is a real 1-MB tmpfs and the read-only file a real
read-only bind mount, where this machine lets the tests mount (root with CAP_SYS_ADMIN)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ver_desktop.core.errors import LibraryError
from ver_desktop.core.library import FileStat, Library


def cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ver_desktop", "--data-dir", os.fspath(data),
                           *args], capture_output=True, text=True, check=False, timeout=600,
                          env=os.environ.copy())


def no_traceback(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Background on this error" not in result.stderr
    return result.stderr


def a_library(data: Path, videos: int = 400) -> Path:
    """A library with enough rows to span many pages."""
    database = data / "library.sqlite3"
    library = Library.at(database)
    stats = [FileStat(f"/music/{'long name ' * 8}{i}.mp4", i, i) for i in range(videos)]
    library.plan_scan(["/music"], stats, ("m", "1"))
    library.close()
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database


def test_a_damaged_library_is_refused_with_how_to_restore_and_not_written(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    database = a_library(data)
    with open(database, "r+b") as handle:  # scribble over one page in the middle
        handle.seek(8 * 4096)
        handle.write(b"\xa5" * 4096)
    before = database.read_bytes()
    with pytest.raises(LibraryError, match=r"damaged.*backup"):
        Library.at(database)
    for args in (("list",), ("scan", os.fspath(tmp_path))):
        result = cli(data, *args)
        assert result.returncode != 0
        assert "damaged" in no_traceback(result) and ".bak" in result.stderr
    assert database.read_bytes() == before


def mounted(command: list[str]) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or not mounted(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
                                         os.fspath(mount)]):
        pytest.skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", os.fspath(mount)], check=False)


def test_a_full_disk_ends_in_a_sentence_and_keeps_what_was_saved(
        full_disk: Path, tmp_path: Path, media_files: dict[str, Path]) -> None:
    data = full_disk / "data"
    videos = tmp_path / "videos"
    videos.mkdir()
    for i in range(3):
        shutil.copyfile(media_files["music.mp4"], videos / f"clip{i}.mp4")
    assert cli(data, "list").returncode == 0  # the library exists, then the disk fills up
    filler = full_disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(descriptor, b"\0" * 4096):
            pass
    except OSError:
        pass  # no space left: that is the point
    finally:
        os.close(descriptor)
    result = cli(data, "scan", os.fspath(videos))
    assert result.returncode == 1
    assert "disk that holds the library is full" in no_traceback(result)
    filler.unlink()
    assert cli(data, "scan", os.fspath(videos)).returncode == 0  # room again: it carries on
    assert len(cli(data, "list", "--json").stdout.splitlines()) == 3


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` (a file or a folder) on a read-only bind mount of itself, for the block."""
    if os.geteuid() != 0 or not mounted(["mount", "--bind", os.fspath(path), os.fspath(path)]):
        pytest.skip("cannot bind-mount here (needs root with CAP_SYS_ADMIN)")
    try:
        if not mounted(["mount", "-o", "remount,ro,bind", os.fspath(path)]):
            pytest.skip("cannot remount read-only here")
        yield
    finally:
        subprocess.run(["umount", "-l", os.fspath(path)], check=False)


@pytest.fixture
def read_only_library(tmp_path: Path) -> Iterator[Path]:
    data = tmp_path / "data"
    with read_only(a_library(data, videos=3)):
        yield data


def test_a_read_only_library_file_ends_in_a_sentence(read_only_library: Path,
                                                     tmp_path: Path,
                                                     media_files: dict[str, Path]) -> None:
    videos = tmp_path / "videos"
    videos.mkdir()
    shutil.copyfile(media_files["music.mp4"], videos / "clip.mp4")
    result = cli(read_only_library, "scan", os.fspath(videos))
    assert result.returncode != 0
    assert "read-only" in no_traceback(result)


def test_the_app_says_storage_faults_in_words_without_sqlalchemy_s_link() -> None:
    """Issue 11, item 16: the status bar showed SQLAlchemy's "Background on this error"."""
    from sqlalchemy.exc import OperationalError

    from ver_desktop.gui.tasks import in_words

    full = OperationalError("INSERT ...", {}, sqlite3.OperationalError("database or disk is full"))
    assert "Background on this error" in str(full)
    assert in_words(full).startswith("the disk that holds the library is full")
    assert in_words(ValueError("plain")) == "plain" and in_words(None) == ""


@pytest.fixture(params=["open when copied", "closed when copied"])
def read_only_folder(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A library whose whole folder is on read-only media (a read-only bind mount): copied
    there while it was open (its WAL side files came along), or after it was closed (only
    the database file: SQLite cannot create the side files it reads through)."""
    source, data = tmp_path / "source", tmp_path / "data"
    database = a_library(source, videos=3)
    data.mkdir()
    if request.param == "open when copied":
        with sqlite3.connect(database) as open_library:
            open_library.execute("UPDATE videos SET duration = 1.0")
            for file in source.iterdir():
                shutil.copyfile(file, data / file.name)
        assert (data / "library.sqlite3-wal").is_file()
    else:
        shutil.copyfile(database, data / database.name)
    with read_only(data):
        yield data


def test_a_library_on_read_only_media_can_be_listed_but_not_scanned_into(
        read_only_folder: Path, tmp_path: Path) -> None:
    """Issue 11, item 16: listing it failed too ("unable to open database file" when it
    had been closed before it was copied)."""
    before = {p.name: p.read_bytes() for p in read_only_folder.iterdir()}
    listing = cli(read_only_folder, "--model", os.fspath(tmp_path / "no-model"), "list")
    assert "no model bundle" in no_traceback(listing)  # the library itself opened fine
    listing = cli(read_only_folder, "list", "--status", "pending")
    assert listing.returncode == 0, no_traceback(listing)
    assert len(listing.stdout.splitlines()) == 3
    scan = cli(read_only_folder, "scan", os.fspath(tmp_path))
    assert scan.returncode != 0 and "read-only" in no_traceback(scan)
    assert {p.name: p.read_bytes() for p in read_only_folder.iterdir()} == before


def test_a_read_only_library_file_can_still_be_listed(read_only_library: Path) -> None:
    listing = cli(read_only_library, "list", "--status", "pending")
    assert listing.returncode == 0, no_traceback(listing)
    assert len(listing.stdout.splitlines()) == 3


def test_an_older_library_on_read_only_media_says_how_to_update_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    database = a_library(data, videos=3)
    with sqlite3.connect(database) as db:  # as a version that had no claims yet left it
        db.execute("DROP TABLE claims")
        db.execute("DELETE FROM schema_migrations WHERE version > 2")
    before = database.read_bytes()
    with read_only(data):
        listing = cli(data, "list")
    assert listing.returncode == 1
    assert "older version" in no_traceback(listing) and "read-only media" in listing.stderr
    assert database.read_bytes() == before
