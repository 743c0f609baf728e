"""Screenshots of emotion over time: a film's timeline in the details pane, the stretches
view, and a playlist of calm stretches. Runs the app on generated films (calm pads, loud
hits and music joined), lets it work out the timelines in the background, and saves the
window as Qt draws it.

    xvfb-run -a -s "-screen 0 1280x800x24" \
        sh -c 'openbox & .venv/bin/python docs/screenshots/take_timeline.py'

Writes timeline.png, stretches.png and stretch-playlist.png next to this file.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings
from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent
sys.path.insert(0, os.fspath(HERE.parents[1] / "tests"))
import mediagen  # noqa: E402
import numpy as np  # noqa: E402

from ver_desktop.core import paths  # noqa: E402
from ver_desktop.gui.app import make_app  # noqa: E402
from ver_desktop.gui.main_window import MainWindow  # noqa: E402
from ver_desktop.gui.settings_dialog import TIMELINES_KEY  # noqa: E402
from ver_desktop.gui.sidebar import Place  # noqa: E402


def wait(app: QApplication, condition: Callable[[], bool], seconds: float = 600) -> None:
    end = time.perf_counter() + seconds
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("the app did not get there")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def settle(app: QApplication, seconds: float = 0.8) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def shoot(app: QApplication, window: MainWindow, name: str) -> None:
    settle(app)
    target = HERE / f"{name}.png"
    window.grab().save(os.fspath(target))
    print("wrote", target)


def generate(folder: Path) -> None:
    folder.mkdir(parents=True)
    calm, loud = mediagen.pad, mediagen.drums
    films = {
        "Wedding film.mp4": [calm(70), mediagen.music(80, seed=4, tempo=130), calm(50),
                             loud(40)],
        "Summer holiday.mp4": [mediagen.music(60, seed=2, tempo=100), calm(90), loud(60)],
        "Concert night.mkv": [loud(50), mediagen.music(70, seed=5, tempo=150), calm(60)],
    }
    for name, parts in films.items():
        mediagen.write_media(folder / name, np.concatenate(parts))
    for i, name in enumerate(("Lullaby.mp4", "Street market.mp4")):
        mediagen.write_media(folder / name, mediagen.music(25, seed=10 + i, tempo=70 + 50 * i))


def main() -> int:
    app = make_app()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "Home videos"
        generate(folder)
        settings = QSettings(os.fspath(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue(TIMELINES_KEY, "true")
        window = MainWindow(Path(tmp) / "data", paths.bundled_model_dir(), settings)
        window.resize(1280, 800)
        window.show()
        wait(app, lambda: window.session is not None)
        session = window.session
        assert session is not None
        window.add_paths([os.fspath(folder)])
        wait(app, lambda: window.model.rowCount() == 5 and not window.scans.busy)
        wait(app, lambda: not session.library.without_timeline(session.model))
        film = session.library.video_id(os.fspath(folder / "Wedding film.mp4"))
        assert film is not None
        window.select_video(film)
        wait(app, lambda: window.details.timeline.timeline is not None)
        shoot(app, window, "timeline")
        window.sidebar.select(Place("stretches"))
        wait(app, lambda: window.stretches.model.rowCount() > 0)
        window.stretches.emotion.setCurrentIndex(window.stretches.emotion.findData("PV-NA"))
        wait(app, lambda: all(k.stretch.quadrant == "PV-NA"
                              for k in window.stretches.model.items))
        window.stretches.table.selectRow(len(window.stretches.model.items) - 1)
        wait(app, lambda: window.details.timeline.chosen is not None
             and window.details.timeline.timeline is not None)
        shoot(app, window, "stretches")
        window.stretches.table.selectAll()
        window.playlists.create_manual("Calm minutes", *window.selection())
        wait(app, lambda: any(p.name == "Calm minutes" for p in session.library.playlists()))
        playlist = next(p for p in session.library.playlists() if p.name == "Calm minutes")
        window.reload_playlists(Place("playlist", playlist))
        wait(app, lambda: window.sidebar.place().kind == "playlist"
             and window.model.showing_fixed and window.model.rowCount() > 0)
        window.library_view.table.selectRow(0)
        shoot(app, window, "stretch-playlist")
        window.close()
        window.runner.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
