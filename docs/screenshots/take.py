"""Take the README's screenshots: run the app on a generated collection under Xvfb and
capture the screen (ImageMagick's `import`) in each main state.

    xvfb-run -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots/take.py

Needs Debian's xvfb and imagemagick. Writes empty.png, scanning.png, browsing.png (with
the scan's outcome kept in the status bar), grid.png, failed.png (reasons beside the
names), mood-path-dialog.png (emotions to pick), mood-path.png (a 5-minute path of
segments, drawn on the map), about.png and dark.png (the dark palette, a mostly-speech
video selected) next to this file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings
from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parent
sys.path.insert(0, os.fspath(HERE.parents[1] / "tests"))
import mediagen  # noqa: E402
import numpy as np  # noqa: E402

from ver_desktop.core import paths  # noqa: E402
from ver_desktop.gui import style  # noqa: E402
from ver_desktop.gui.about import AboutDialog  # noqa: E402
from ver_desktop.gui.app import make_app  # noqa: E402
from ver_desktop.gui.main_window import MainWindow  # noqa: E402
from ver_desktop.gui.playlists import MoodPathDialog  # noqa: E402

NAMES = ["Beach day", "Birthday party", "Rainy window", "Night drive", "Wedding dance",
         "Storm over the hills", "Sunday breakfast", "Train to Lyon", "Grandma's garden",
         "Skate park", "Thunder", "Lullaby", "Street market", "Snow walk", "Concert",
         "Late at the office", "Fireworks", "Harbour at dusk", "Kids in the pool", "Forest"]


def spin(app: QApplication, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def shoot(app: QApplication, name: str) -> None:
    spin(app, 0.6)
    target = HERE / f"{name}.png"
    subprocess.run(["import", "-window", "root", "-depth", "8", os.fspath(target)], check=True)
    print("wrote", target)


def scene(seed: int) -> mediagen.Picture:
    """A 160x90 picture per video: a sky-to-ground gradient in its own colours with a
    slowly moving sun, so the thumbnails tell the videos apart."""
    rng = np.random.default_rng(seed)
    top, bottom, sun = (rng.integers(30, 230, 3) for _ in range(3))
    rows = np.linspace(0.0, 1.0, 90)[:, None, None]
    base = (top * (1 - rows) + bottom * rows) * np.ones((1, 160, 1))
    yy, xx = np.mgrid[0:90, 0:160]

    def picture(i: int) -> np.ndarray:
        image = base.copy()
        disc = (xx - (20 + i % 120)) ** 2 + (yy - 30) ** 2 < 14 ** 2
        image[disc] = sun
        return image.astype(np.uint8)

    return picture


def generate(folder: Path) -> None:
    for i in range(40):
        name = f"{NAMES[i % len(NAMES)]}{'' if i < len(NAMES) else ' 2'}.mp4"
        samples = (mediagen.music(12.0, seed=i, tempo=60 + 7 * i, bright=0.3 + 0.03 * i)
                   if i % 5 else mediagen.noise(12.0, seed=i))
        mediagen.write_media(folder / name, samples, picture=scene(i))
    mediagen.write_media(folder / "Voice memo.m4a", mediagen.music(12.0, seed=99))
    from test_content import babble  # after the app exists: the tests' conftest would
    # otherwise choose the offscreen platform

    mediagen.write_media(folder / "Podcast.mp4", babble(20.0), picture=scene(77))
    (folder / "notes.mp4").write_text("not a video")


def shoot_failed(app: QApplication, window: MainWindow) -> None:
    """The Failed files view: each file's reason beside its name."""
    for row in range(window.sidebar.list.count()):
        if window.sidebar.list.item(row).text() == "Failed files":
            window.sidebar.list.setCurrentRow(row)
    spin(app, 1.5)
    shoot(app, "failed")
    window.sidebar.list.setCurrentRow(0)
    spin(app, 1.0)


def shoot_dark(app: QApplication, window: MainWindow) -> None:
    """The dark palette, with the speech-like video selected (its tag shown unreliable)."""
    window.sidebar.list.setCurrentRow(0)  # back to the whole library
    spin(app, 1.0)
    style.apply_palette(True)
    podcast = next((i for i in window.model.ids()
                    if (row := window.model.video(i)) is not None and row.name == "Podcast.mp4"),
                   None)
    if podcast is not None:
        window.library_view.select_id(podcast)
    spin(app, 1.5)
    shoot(app, "dark")


def main() -> int:
    app = make_app()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        media = root / "Videos"
        media.mkdir()
        generate(media)
        settings = QSettings(os.fspath(root / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(root / "data", paths.bundled_model_dir(), settings, workers=1)
        window.setGeometry(0, 0, 1280, 800)
        window.show()
        while window.session is None:
            spin(app, 0.1)
        shoot(app, "empty")
        window.add_paths([os.fspath(media)])
        while not window.progress.isVisible() or window.progress.bar.value() < 8:
            spin(app, 0.05)
        shoot(app, "scanning")
        while window.scans.busy or not window.runner.idle:
            spin(app, 0.1)
        spin(app, 1.0)
        window.library_view.select_id(window.model.ids()[3])
        shoot(app, "browsing")
        window.actions_by_name["grid"].setChecked(True)
        spin(app, 2.0)
        shoot(app, "grid")
        window.actions_by_name["grid"].setChecked(False)
        shoot_failed(app, window)
        dialog = MoodPathDialog(window)
        dialog.name.setText("From tense to calm")
        dialog.start.setCurrentIndex(dialog.start.findData("NV-PA"))
        dialog.target.setCurrentIndex(dialog.target.findData("PV-NA"))
        dialog.by_minutes.setChecked(True)
        dialog.minutes.setValue(5)
        dialog.move(380, 160)
        dialog.show()
        shoot(app, "mood-path-dialog")
        request = dialog.request()
        dialog.close()
        window.playlists.build_mood_path("From tense to calm", request)
        deadline = time.perf_counter() + 30
        while (not window.map.path or not window.runner.idle) and \
                time.perf_counter() < deadline:
            spin(app, 0.1)
        shoot(app, "mood-path")
        about = AboutDialog(paths.bundled_model_dir(), root / "data", window)
        about.move(330, 120)
        about.show()
        shoot(app, "about")
        about.close()
        shoot_dark(app, window)
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
