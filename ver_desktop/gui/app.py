"""Start the desktop app: the window shows first; the engine loads behind it."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ver_desktop import __version__
from ver_desktop.core import paths
from ver_desktop.gui import style
from ver_desktop.gui.main_window import MainWindow

# Smoke tests of the packaged app (tests/test_packaging.py): close the window as soon as the
# library is open, so the process exits by itself.
QUIT_WHEN_READY_ENV = "VER_DESKTOP_QUIT_WHEN_READY"
DESKTOP_FILE = "ver-desktop"  # packaging/linux/ver-desktop.desktop


def make_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(paths.APP_NAME)
    app.setOrganizationName(paths.APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_FILE)
    app.setWindowIcon(QIcon(os.fspath(paths.resources_dir() / "icons" / "ver-desktop.svg")))
    app.setStyle("Fusion")
    style.apply_palette(style.system_prefers_dark())
    hints = app.styleHints()
    if hints is not None:  # follow the system when it switches between light and dark
        hints.colorSchemeChanged.connect(lambda _scheme: style.apply_palette(
            style.system_prefers_dark()))
    return app


def chosen_model(settings: QSettings) -> str | None:
    """The bundled model picked in Settings (None: the default); --model overrides it."""
    name = str(settings.value("model", "") or "")
    return name if name in paths.bundled_models() else None


def open_window(data_dir: Path, bundle_dir: Path, settings: QSettings | None = None,
                workers: int | None = None, library: str | None = None,
                path_map: Sequence[str] = ()) -> MainWindow:
    window = MainWindow(data_dir, bundle_dir, settings or QSettings(), workers, library,
                        path_map)
    window.show()
    return window


def main(*, data_dir: str | None = None, model: str | None = None,
         workers: int | None = None, paths_to_add: Sequence[str] = (),
         library: str | None = None, path_map: Sequence[str] = ()) -> int:
    app = make_app()
    settings = QSettings()
    bundle = paths.model_dir(model or chosen_model(settings))
    window = open_window(paths.data_dir(data_dir), bundle, settings, workers=workers,
                         library=library, path_map=path_map)
    window.raise_()
    if paths_to_add:  # "Open with ver_desktop" from a file manager
        window.session_ready.connect(lambda: window.add_paths(list(paths_to_add)))
    if os.environ.get(QUIT_WHEN_READY_ENV):
        window.session_ready.connect(window.close)
    status = app.exec()
    # Callbacks delivered while the window closed may have started more background tasks:
    # let them end before Python tears the window down under them.
    window.runner.wait()
    return status
