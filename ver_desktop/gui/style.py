"""Colours, palettes and small text formats shared by the views."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from ver_desktop.core.labels import QUADRANT_NAMES as QUADRANT_NAMES  # the views read it here
from ver_desktop.core.text import clock as clock

# One colour per quadrant, distinguishable for common colour-vision deficiencies
# (Okabe-Ito): happy/excited orange, angry/tense vermilion, sad/bored blue, calm green.
QUADRANT_COLOURS: dict[str, str] = {
    "PV-PA": "#E69F00", "NV-PA": "#D55E00", "NV-NA": "#0072B2", "PV-NA": "#009E73",
}
UNKNOWN_COLOUR = "#888888"


def colour(quadrant: str | None) -> QColor:
    return QColor(QUADRANT_COLOURS.get(quadrant or "", UNKNOWN_COLOUR))


def quadrant_text_colour(quadrant: str | None) -> QColor:
    """The quadrant's colour for text: the palette colour (Okabe-Ito) as it is when it is
    readable on the table's background, else darkened or lightened until it is."""
    return readable(colour(quadrant), QGuiApplication.palette().color(QPalette.ColorRole.Base))


def speech_warning(likeness: float | None) -> str:
    share = f" ({likeness:.0%} of what was analysed is talk)" if likeness is not None else ""
    return f"Mostly speech: the emotion tag is unreliable{share}. The models learned from music."


def luminance(c: QColor) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    def linear(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 (none) to 21 (black on white); 4.5 is readable text."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(fg: QColor, bg: QColor, minimum: float = 4.5) -> QColor:
    """`fg`, moved towards white on a dark `bg` (black on a light one) until readable."""
    target = QColor("white") if luminance(bg) < 0.4 else QColor("black")
    found = QColor(fg)
    for step in range(1, 11):
        if contrast(found, bg) >= minimum:
            break
        t = step / 10
        found = QColor.fromRgbF(fg.redF() + (target.redF() - fg.redF()) * t,
                                fg.greenF() + (target.greenF() - fg.greenF()) * t,
                                fg.blueF() + (target.blueF() - fg.blueF()) * t)
    return found


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def apply_palette(dark: bool) -> None:
    """Fusion with a light or dark palette, following the system's colour scheme."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return
    palette = QPalette()
    if dark:
        roles = {
            QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e6e6e6",
            QPalette.ColorRole.Base: "#1f1f1f", QPalette.ColorRole.AlternateBase: "#272727",
            QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#353535",
            QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d7bd9",
            QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase:
            "#353535", QPalette.ColorRole.ToolTipText: "#e6e6e6",
            QPalette.ColorRole.PlaceholderText: "#8a8a8a", QPalette.ColorRole.Mid: "#555555",
        }
        for role, value in roles.items():
            palette.setColor(role, QColor(value))
    app.setPalette(palette)
