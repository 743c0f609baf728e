"""Light and dark palettes: the custom-painted widgets draw their text in colours that stay
readable on their own background (WCAG contrast), and follow a switch at run time."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from ver_desktop.core.labels import QUADRANTS
from ver_desktop.core.library import MapPoint
from ver_desktop.gui import style
from ver_desktop.gui.details import ProbabilityBars
from ver_desktop.gui.emotion_map import EmotionMap
from ver_desktop.gui.empty import EmptyState

READABLE = 4.5


@pytest.fixture(params=[False, True], ids=["light", "dark"])
def dark(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[bool]:
    qapp.setStyle("Fusion")
    style.apply_palette(request.param)
    yield request.param
    style.apply_palette(False)


def text_contrast(image: QImage, area: QRect) -> tuple[QColor, float]:
    """The area's background (its commonest colour) and the best contrast of any pixel in
    it against that background: the text's, where the area holds only text."""
    pixels = [image.pixelColor(x, y) for x in range(area.left(), area.right() + 1)
              for y in range(area.top(), area.bottom() + 1)]
    background = QColor(Counter(p.rgb() for p in pixels).most_common(1)[0][0])
    return background, max(style.contrast(p, background) for p in pixels)


def check(image: QImage, area: QRect, dark: bool) -> None:
    background, best = text_contrast(image, area)
    assert (style.luminance(background) < 0.2) == dark, background.name()
    assert best >= READABLE, (background.name(), best)


def test_the_emotion_map_labels_are_readable(qtbot, dark: bool) -> None:  # type: ignore[no-untyped-def]
    emotion_map = EmotionMap()
    qtbot.addWidget(emotion_map)
    emotion_map.resize(400, 400)
    emotion_map.set_points([MapPoint(1, "a", 1.0, 1.0, "PV-PA", "happy", False)])
    image = emotion_map.grab().toImage()
    angle = math.radians(22.5)  # where "happy" is written
    spot = emotion_map.to_widget(2.2 * math.cos(angle), 2.2 * math.sin(angle)).toPoint()
    check(image, QRect(spot.x() - 25, spot.y() - 8, 50, 16), dark)


def test_the_probability_bars_are_readable(qtbot, dark: bool) -> None:  # type: ignore[no-untyped-def]
    bars = ProbabilityBars(QUADRANTS)
    qtbot.addWidget(bars)
    bars.resize(300, 80)
    bars.set_values(dict.fromkeys(QUADRANTS, 0.25), "PV-PA")
    check(bars.grab().toImage(), QRect(0, 0, 78, 80), dark)  # the class names


def test_the_empty_state_is_readable(qtbot, dark: bool) -> None:  # type: ignore[no-untyped-def]
    empty = EmptyState()
    qtbot.addWidget(empty)
    empty.resize(700, 400)
    empty.show()
    qtbot.waitExposed(empty)
    check(empty.grab().toImage(), empty.title.geometry(), dark)


def test_quadrant_colours_in_the_table_are_readable(dark: bool) -> None:
    base = QApplication.palette().base().color()
    for quadrant in QUADRANTS:
        assert style.contrast(style.quadrant_text_colour(quadrant), base) >= READABLE


def test_the_map_redraws_when_the_system_turns_dark(qtbot, qapp: QApplication) -> None:  # type: ignore[no-untyped-def]
    style.apply_palette(False)
    emotion_map = EmotionMap()
    qtbot.addWidget(emotion_map)
    emotion_map.resize(300, 300)
    emotion_map.show()
    qtbot.waitExposed(emotion_map)
    assert style.luminance(emotion_map.grab().toImage().pixelColor(5, 5)) > 0.8
    try:
        style.apply_palette(True)
        qapp.processEvents()
        corner = emotion_map.grab().toImage().pixelColor(5, 5)
        assert style.luminance(corner) < 0.2, corner.name()  # not the cached light picture
    finally:
        style.apply_palette(False)


def test_a_point_beyond_the_drawn_square_stays_visible_in_its_own_sector() -> None:
    from ver_desktop.core.labels import octant_of
    from ver_desktop.gui.emotion_map import EXTENT, display_position

    far = MapPoint(2, "far", 9.0, -3.0, "PV-NA", "pleased", False)
    v, a = display_position(far)
    assert max(abs(v), abs(a)) < EXTENT
    assert octant_of(v, a) == octant_of(9.0, -3.0) == "pleased"
    near = MapPoint(3, "near", 0.4, 0.3, "PV-PA", "happy", False)
    assert display_position(near) == (0.4, 0.3)
