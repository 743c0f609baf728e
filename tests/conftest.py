"""Shared fixtures: generated media (good and broken), a temporary data dir, the bundled model,
and the 4Q clips when ../shared is present."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
from collections.abc import Iterator
from pathlib import Path

import mediagen
import numpy as np
import pytest
from pgserver import PostgresServer

REPO = Path(__file__).resolve().parents[1]
SHARED_4Q = (REPO / ".." / "shared" / "data" / "4q").resolve()
SHARED_GREKOW = (REPO / ".." / "shared" / "data" / "grekow").resolve()
NON_UTF8_NAME = b"caf\xe9 \xff song.mkv"  # Latin-1 bytes: not valid UTF-8


def require_grekow() -> Path:
    if not (SHARED_GREKOW / "labels.csv").is_file():
        pytest.skip(f"the Grekow set is not at {SHARED_GREKOW} (../shared absent on this "
                    "machine)")
    return SHARED_GREKOW


def require_4q() -> Path:
    if not (SHARED_4Q / "labels.csv").is_file():
        pytest.skip(f"the 4Q data set is not at {SHARED_4Q} (../shared absent on this machine)")
    return SHARED_4Q


@pytest.fixture(scope="session")
def media_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One file per case a scan must handle, keyed by what it is."""
    folder = tmp_path_factory.mktemp("media")
    files: dict[str, Path] = {}
    for i, suffix in enumerate((".mp4", ".mkv", ".webm", ".avi")):
        files[f"music{suffix}"] = mediagen.write_media(
            folder / f"music{suffix}", mediagen.music(40.0, seed=i, tempo=90 + 20 * i))
    files["short.flac"] = mediagen.write_media(folder / "short.flac",
                                               mediagen.music(12.0, seed=7))
    files["no_audio.mp4"] = mediagen.write_media(folder / "no_audio.mp4", None)
    files["silent.mp4"] = mediagen.write_media(folder / "silent.mp4", mediagen.silence(20.0))
    files["too_short.wav"] = mediagen.write_media(folder / "too_short.wav",
                                                  mediagen.noise(1.0))
    files["empty.mp4"] = folder / "empty.mp4"
    files["empty.mp4"].write_bytes(b"")
    files["random.mkv"] = folder / "random.mkv"
    files["random.mkv"].write_bytes(np.random.default_rng(1).bytes(200_000))
    files["text.mp4"] = folder / "text.mp4"
    files["text.mp4"].write_text("this is a shopping list, not a video\n" * 50)
    files["truncated.mp4"] = mediagen.write_truncated(files["music.mp4"],
                                                      folder / "truncated.mp4", keep=0.3)
    files["truncated.mkv"] = mediagen.write_truncated(files["music.mkv"],
                                                      folder / "truncated.mkv", keep=0.5)
    weird = os.fsdecode(os.path.join(os.fsencode(folder), NON_UTF8_NAME))
    shutil.copyfile(files["music.mkv"], weird)
    files["non_utf8"] = Path(weird)
    return files


# What each generated file must end as: "ok" or the error kind.
EXPECTED = {
    "music.mp4": "ok", "music.mkv": "ok", "music.webm": "ok", "music.avi": "ok",
    "short.flac": "ok", "non_utf8": "ok",
    "no_audio.mp4": "no_audio", "silent.mp4": "silent", "too_short.wav": "too_short",
    "empty.mp4": "not_media", "random.mkv": "not_media", "text.mp4": "not_media",
    "truncated.mp4": "corrupt", "truncated.mkv": "ok",  # a cut mkv keeps what it has
}


@pytest.fixture(scope="session")
def long_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-hour AAC/MP4 file (a repeated tone), made in about a second."""
    return mediagen.write_long_tone_mp4(tmp_path_factory.mktemp("long") / "two_hours.mp4",
                                        2 * 3600.0)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("VER_DESKTOP_DATA_DIR", os.fspath(folder))
    return folder


@pytest.fixture(scope="session")
def bundled_model() -> Path:
    from ver_desktop.core.paths import bundled_model_dir

    folder = bundled_model_dir()
    assert (folder / "bundle.json").is_file(), f"the bundled model is missing from {folder}"
    return folder


@pytest.fixture(scope="session")
def classifier(bundled_model: Path):  # type: ignore[no-untyped-def]
    from ver_desktop.core.bundle import load_classifier

    return load_classifier(bundled_model)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the whole run (Debian's package; see pgserver)."""
    with PostgresServer.start() as server:
        yield server


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def library_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty library's URL on each backend: a SQLite file, or a fresh PostgreSQL
    database on the session's server. Tests taking it run once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lib.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    url = server.new_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def shared(postgres: PostgresServer) -> Iterator[str]:
    """An empty shared library on the session's PostgreSQL server."""
    url = postgres.new_database("shared")
    yield url
    postgres.drop_database(url)
