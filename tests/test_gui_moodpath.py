"""Issue 23 in the window: the mood-path dialog says what the library cannot give before
the playlist is made (make it anyway, or change the request), the outcome stays in view,
and the map draws the way the path goes round the middle."""

from __future__ import annotations


def test_the_map_draws_the_way_round_the_middle(qtbot) -> None:  # type: ignore[no-untyped-def]
    from ver_desktop.gui.emotion_map import EmotionMap

    emotion_map = EmotionMap()
    qtbot.addWidget(emotion_map)
    emotion_map.resize(400, 400)
    start, corner, target = (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)
    emotion_map.set_path([], None)
    blank = emotion_map.grab().toImage()

    def marked(a: tuple[float, float], b: tuple[float, float]) -> int:
        """Spots along the middle of the line from a to b drawn on since `blank`."""
        image = emotion_map.grab().toImage()
        count = 0
        for i in range(30, 71):
            t = i / 100
            spot = emotion_map.to_widget(a[0] + (b[0] - a[0]) * t,
                                         a[1] + (b[1] - a[1]) * t).toPoint()
            count += any(image.pixelColor(spot.x() + dx, spot.y() + dy)
                         != blank.pixelColor(spot.x() + dx, spot.y() + dy)
                         for dx in (-1, 0, 1) for dy in (-1, 0, 1))
        return count

    emotion_map.set_path([start], (start, target), [start, corner, target])
    round_way = marked(start, corner), marked(corner, target), marked(start, target)
    emotion_map.set_path([start], (start, target))  # a path saved before: straight
    straight = marked(start, corner), marked(corner, target), marked(start, target)
    assert round_way[0] > straight[0] + 10 and round_way[1] > straight[1] + 10
    assert straight[2] > round_way[2] + 10
