"""Draw Russell's circle as the app uses it, for the README: valence across, arousal up, the
four quadrants in the app's colours and the eight octants by name.

    .venv/bin/python docs/figures/russell_circle.py

Writes docs/figures/russell_circle.png (Qt, offscreen; no display needed).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPainterPath, QPen

from ver_desktop.core.labels import OCTANTS, QUADRANTS
from ver_desktop.gui.style import QUADRANT_COLOURS, QUADRANT_NAMES

TARGET = Path(__file__).resolve().parent / "russell_circle.png"
SIZE = 900
RADIUS = 300.0
CENTRE = QPointF(SIZE / 2, SIZE / 2)
INK = QColor("#222222")
# Where each quadrant's sector starts, in degrees counter-clockwise from +valence.
QUADRANT_START = {"PV-PA": 0, "NV-PA": 90, "NV-NA": 180, "PV-NA": 270}


def point_at(degrees: float, distance: float) -> QPointF:
    """A point at `degrees` counter-clockwise from +valence (screen y grows downwards)."""
    angle = math.radians(degrees)
    return QPointF(CENTRE.x() + distance * math.cos(angle),
                   CENTRE.y() - distance * math.sin(angle))


def centred_text(painter: QPainter, centre: QPointF, text: str, width: float = 220) -> None:
    box = QRectF(centre.x() - width / 2, centre.y() - 40, width, 80)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)


def draw_quadrants(painter: QPainter) -> None:
    circle = QRectF(CENTRE.x() - RADIUS, CENTRE.y() - RADIUS, 2 * RADIUS, 2 * RADIUS)
    painter.setPen(Qt.PenStyle.NoPen)
    for quadrant in QUADRANTS:
        sector = QPainterPath(CENTRE)
        sector.arcTo(circle, QUADRANT_START[quadrant], 90)
        sector.closeSubpath()
        colour = QColor(QUADRANT_COLOURS[quadrant])
        colour.setAlpha(70)
        painter.setBrush(colour)
        painter.drawPath(sector)
    painter.setPen(QPen(QColor("#888888"), 1.5, Qt.PenStyle.DashLine))
    for k in (1, 3, 5, 7):  # octant borders inside each quadrant, clear of its label
        painter.drawLine(point_at(45 * k, RADIUS * 0.6), point_at(45 * k, RADIUS))
    painter.setPen(QPen(INK, 2.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(circle)


def draw_axes(painter: QPainter) -> None:
    painter.setPen(QPen(INK, 3))
    painter.drawLine(point_at(180, RADIUS + 30), point_at(0, RADIUS + 30))
    painter.drawLine(point_at(270, RADIUS + 30), point_at(90, RADIUS + 30))
    painter.setFont(QFont("DejaVu Sans", 13))
    centred_text(painter, point_at(0, RADIUS + 85), "pleasant\n(valence +)", 140)
    centred_text(painter, point_at(180, RADIUS + 85), "unpleasant\n(valence −)", 140)
    centred_text(painter, point_at(90, RADIUS + 55), "energetic (arousal +)", 300)
    centred_text(painter, point_at(270, RADIUS + 55), "calm, low energy (arousal −)", 320)


def draw_names(painter: QPainter) -> None:
    painter.setPen(INK)
    painter.setFont(QFont("DejaVu Sans", 15, QFont.Weight.Bold))
    for i, octant in enumerate(OCTANTS):  # each in the middle of its 45-degree sector
        centred_text(painter, point_at(22.5 + 45 * i, RADIUS * 0.78), octant, 150)
    for quadrant in QUADRANTS:
        middle = point_at(QUADRANT_START[quadrant] + 45, RADIUS * 0.42)
        painter.setPen(QColor(QUADRANT_COLOURS[quadrant]).darker(140))
        painter.setFont(QFont("DejaVu Sans", 13, QFont.Weight.Bold))
        centred_text(painter, QPointF(middle.x(), middle.y() - 12), quadrant, 150)
        painter.setFont(QFont("DejaVu Sans", 12))
        centred_text(painter, QPointF(middle.x(), middle.y() + 12), QUADRANT_NAMES[quadrant],
                     150)


def main() -> None:
    _app = QGuiApplication([])
    image = QImage(SIZE, SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#FFFFFF"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    draw_quadrants(painter)
    draw_axes(painter)
    draw_names(painter)
    painter.end()
    if not image.save(os.fspath(TARGET)):
        raise OSError(f"Qt could not write {TARGET}")
    print("wrote", TARGET)


if __name__ == "__main__":
    main()
