"""Render the app icon (resources/icons/ver-desktop.svg) into the PNG sizes of the
freedesktop hicolor theme, plus the Windows .ico and macOS .icns the spec uses.

    .venv/bin/python packaging/render_icons.py

Writes packaging/linux/icons/hicolor/<N>x<N>/apps/ver-desktop.png (and scalable/ with the
SVG), packaging/windows/ver-desktop.ico and packaging/macos/ver-desktop.icns.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "icons" / "ver-desktop.svg"
HICOLOR = ROOT / "packaging" / "linux" / "icons" / "hicolor"
ICON_NAME = "ver-desktop"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def save(image: QImage, target: Path) -> None:
    """Written in the format its suffix names (.png, .ico, .icns: Qt's image plugins)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(os.fspath(target)):
        raise OSError(f"Qt could not write {target}")
    print("wrote", target.relative_to(ROOT))


def main() -> None:
    _app = QGuiApplication([])
    renderer = QSvgRenderer(os.fspath(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"not a valid SVG: {SOURCE}")
    for size in SIZES:
        save(render(renderer, size), HICOLOR / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png")
    scalable = HICOLOR / "scalable" / "apps" / f"{ICON_NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable)
    print("wrote", scalable.relative_to(ROOT))
    save(render(renderer, 256), ROOT / "packaging" / "windows" / f"{ICON_NAME}.ico")
    save(render(renderer, 512), ROOT / "packaging" / "macos" / f"{ICON_NAME}.icns")


if __name__ == "__main__":
    main()
