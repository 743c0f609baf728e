"""Where things live: data dir (argument, then environment, then platform default) and the
bundled resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "ver_desktop"
DATA_DIR_ENV = "VER_DESKTOP_DATA_DIR"
LIBRARY_URL_ENV = "VER_DESKTOP_LIBRARY_URL"
RESOURCES_ENV = "VER_DESKTOP_RESOURCES"
DEFAULT_MODEL = "ver-musicnn"
DEFAULT_ENCODER = "musicnn-msd"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--data-dir`, else $VER_DESKTOP_DATA_DIR, else the platform's user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_path(data: Path) -> Path:
    return data / "library.sqlite3"


def library_url(data: Path, explicit: str | None = None, saved: str | None = None) -> str:
    """Where the library lives: `--library`, else $VER_DESKTOP_LIBRARY_URL, else the one
    saved in Settings, else the SQLite file in the data dir. A shared library is a
    PostgreSQL URL; `postgresql://` is taken to mean the psycopg driver."""
    chosen = explicit or os.environ.get(LIBRARY_URL_ENV) or saved
    if not chosen:
        return "sqlite:///" + os.fspath(database_path(data))
    for plain in ("postgresql://", "postgres://"):
        if chosen.startswith(plain):
            return "postgresql+psycopg://" + chosen[len(plain):]
    return chosen


def is_shared(url: str) -> bool:
    return not url.startswith("sqlite")


def cache_dir(data: Path) -> Path:
    return data / "cache"


def resources_dir() -> Path:
    """$VER_DESKTOP_RESOURCES, else the frozen app's bundle, else the source tree's."""
    from_env = os.environ.get(RESOURCES_ENV)
    if from_env:
        return Path(from_env)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def bundled_model_dir(name: str = DEFAULT_MODEL) -> Path:
    return resources_dir() / "models" / name


def bundled_models() -> list[str]:
    """Names of the model bundles shipped in resources/models."""
    folder = resources_dir() / "models"
    return sorted(p.name for p in folder.iterdir() if (p / "bundle.json").is_file())


def model_dir(choice: str | os.PathLike[str] | None = None) -> Path:
    """A bundled model's name (e.g. "ver-musicnn"), else a bundle folder; None: default."""
    if not choice:
        return bundled_model_dir()
    if str(choice) in bundled_models():
        return bundled_model_dir(str(choice))
    return Path(choice).expanduser()


def bundled_encoder_dir(name: str = DEFAULT_ENCODER) -> Path:
    return resources_dir() / "encoders" / name


def default_videos_dir() -> Path:
    return Path(platformdirs.user_videos_dir())
