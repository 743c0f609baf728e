"""Colours, palettes and small text formats shared by the views."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

# One colour per quadrant, distinguishable for common colour-vision deficiencies
# (Okabe-Ito): happy/excited orange, angry/tense vermilion, sad/bored blue, calm green.
QUADRANT_COLOURS: dict[str, str] = {
    "PV-PA": "#E69F00", "NV-PA": "#D55E00", "NV-NA": "#0072B2", "PV-NA": "#009E73",
}
QUADRANT_NAMES: dict[str, str] = {
    "PV-PA": "happy, excited", "NV-PA": "tense, angry", "NV-NA": "sad, tired",
    "PV-NA": "calm, content",
}
UNKNOWN_COLOUR = "#888888"


def colour(quadrant: str | None) -> QColor:
    return QColor(QUADRANT_COLOURS.get(quadrant or "", UNKNOWN_COLOUR))


def clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    if minutes >= 60:
        return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


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
