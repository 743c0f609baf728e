"""Take the README's screenshots: run the app on a generated collection under Xvfb and
capture the screen (ImageMagick's `import`) in each main state.

    xvfb-run -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots/take.py

Needs Debian's xvfb and imagemagick. Writes empty.png, scanning.png, browsing.png and
mood-path.png next to this file.
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

from ver_desktop.core import paths  # noqa: E402
from ver_desktop.gui.app import make_app  # noqa: E402
from ver_desktop.gui.main_window import MainWindow  # noqa: E402

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


def generate(folder: Path) -> None:
    for i in range(40):
        name = f"{NAMES[i % len(NAMES)]}{'' if i < len(NAMES) else ' 2'}.mp4"
        samples = (mediagen.music(12.0, seed=i, tempo=60 + 7 * i, bright=0.3 + 0.03 * i)
                   if i % 5 else mediagen.noise(12.0, seed=i))
        mediagen.write_media(folder / name, samples)
    (folder / "notes.mp4").write_text("not a video")


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
        points = window.map.points
        start = min(points, key=lambda p: p.valence - p.arousal)
        target = max(points, key=lambda p: p.valence - p.arousal)
        window.playlists.build_mood_path("From tense to calm", {
            "start": (start.valence, start.arousal), "target": (target.valence, target.arousal),
            "count": 8, "total_seconds": None, "max_jump": None})
        deadline = time.perf_counter() + 30
        while (not window.map.path or not window.runner.idle) and \
                time.perf_counter() < deadline:
            spin(app, 0.1)
        shoot(app, "mood-path")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
