"""Shared pieces of the GUI tests: a small generated collection and a window on a temporary
data dir with settings in a temporary file."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import mediagen
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

from ver_desktop.gui.main_window import MainWindow
from ver_desktop.gui.settings_dialog import TIMELINES_KEY
from ver_desktop.gui.sidebar import Place

WAIT_MS = 60_000


def make_collection(folder: Path, media_files: dict[str, Path]) -> Path:
    """Two good videos (from the session's generated media) and one broken file."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(media_files["music.mp4"], folder / "calm song.mp4")
    shutil.copyfile(media_files["music.mkv"], folder / "loud song.mkv")
    shutil.copyfile(media_files["text.mp4"], folder / "shopping list.mp4")
    return folder


def extra_clip(path: Path, seed: int = 11) -> Path:
    return mediagen.write_media(path, mediagen.music(8.0, seed=seed, tempo=140))


def settings_at(folder: Path, *, timelines: bool = False) -> QSettings:
    """Settings in a file of the test's own. Timelines in the background are off unless
    asked for: they would spend every GUI test's CPU on work it does not look at
    (tests/test_gui_timeline.py runs them as the app does)."""
    settings = QSettings(os.fspath(folder / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue(TIMELINES_KEY, "true" if timelines else "false")
    return settings


def open_window(qtbot, data_dir: Path, bundle: Path, settings: QSettings) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(data_dir, bundle, settings, workers=1)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.session is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.runner.idle, timeout=WAIT_MS)
    return window


def settle(qtbot, window: MainWindow, condition: Callable[[], bool] | None = None) -> None:  # type: ignore[no-untyped-def]
    """Wait until no scan runs, background tasks are done, and `condition` holds."""
    qtbot.waitUntil(lambda: not window.scans.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.runner.idle and (condition is None or condition()),
                    timeout=WAIT_MS)


def scan_and_wait(qtbot, window: MainWindow, paths: list[str]) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.scans.finished, timeout=WAIT_MS):
        window.add_paths(paths)
    settle(qtbot, window)


def scanned_window(qtbot, settings_dir: Path, data_dir: Path, bundle: Path,  # type: ignore[no-untyped-def]
                   folder: Path, ready: Callable[[MainWindow], bool]) -> MainWindow:
    """A window on a fresh library that has scanned `folder`, returned once `ready` holds."""
    window = open_window(qtbot, data_dir, bundle, settings_at(settings_dir))
    scan_and_wait(qtbot, window, [os.fspath(folder)])
    settle(qtbot, window, lambda: ready(window))
    return window


def visible_rows(window: MainWindow) -> list[object]:
    """Every row of the table, read through the model (waits for nothing)."""
    model = window.model
    return [model.video(i) for i in model.ids()]


def open_playlist(qtbot, window: MainWindow, name: str) -> None:  # type: ignore[no-untyped-def]
    settle(qtbot, window, lambda: any(
        getattr(window.sidebar.list.item(r).data(256), "playlist", None) is not None
        for r in range(window.sidebar.list.count())))
    for row in range(window.sidebar.list.count()):
        place = window.sidebar.list.item(row).data(256)
        if isinstance(place, Place) and place.playlist and place.playlist.name == name:
            window.sidebar.list.setCurrentRow(row)
            settle(qtbot, window)
            return
    raise AssertionError(f"no playlist {name!r} in the sidebar")


def shown_whole(label: QLabel) -> bool:
    """Shown with room for all its text (a label squeezed to no width is "visible" too)."""
    if not label.isVisibleTo(label.window()) or label.height() < label.fontMetrics().height():
        return False
    if label.wordWrap():  # wide enough for a few words a line, tall enough for all lines
        return (label.width() >= min(label.sizeHint().width(), 300)
                and label.height() >= label.heightForWidth(label.width()))
    return label.width() >= label.sizeHint().width()
