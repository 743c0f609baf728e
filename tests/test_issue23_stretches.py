"""Issue 23's retest of the stretches view, as a person meets it: at the window's narrowest
its search field and File column have room for their words, and "Include talk" off leaves
talk out under "Any emotion" too."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from gui_helpers import WAIT_MS, scanned_window, settle, shown_whole, visible_rows
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel

from ver_desktop.core.labels import octant_of, quadrant_of
from ver_desktop.core.timeline import Stretch, Timeline
from ver_desktop.gui.main_window import MainWindow
from ver_desktop.gui.sidebar import Place

NAME = "Birthday - grandma.mp4"  # a typical name (it read "Birthday - gr…")
# (file, start, end, valence, arousal, talk): a birthday with a speech, a concert
PARTS = [(NAME, 0.0, 15.0, 0.5, -0.5, False), (NAME, 15.0, 40.0, -0.5, 0.6, True),
         ("Concert film.mkv", 0.0, 20.0, 0.6, 0.6, False),
         ("Concert film.mkv", 20.0, 40.0, -0.6, -0.5, False)]


@pytest.fixture
def window(qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path,  # type: ignore[no-untyped-def]
           media_files: dict[str, Path]) -> MainWindow:
    """The stretches view over two files whose stretches are stored in the library (as the
    timeline pass stores them; working them out is tests/test_gui_timeline.py's part)."""
    folder = tmp_path / "videos"
    folder.mkdir()
    shutil.copyfile(media_files["music.mp4"], folder / NAME)
    shutil.copyfile(media_files["music.mkv"], folder / "Concert film.mkv")
    window = scanned_window(qtbot, tmp_path, data_dir, bundled_model, folder,
                            lambda w: len(visible_rows(w)) == 2 and all(visible_rows(w)))
    session = window.session
    assert session is not None
    for name in (NAME, "Concert film.mkv"):
        video_id = session.library.video_id(os.fspath(folder / name))
        assert video_id is not None
        timeline = Timeline(15.0, 3.0, 40.0, np.zeros(9, np.float32), np.zeros(9, np.float32))
        assert session.library.store_timeline(video_id, session.model, timeline, [
            Stretch(a, b, quadrant_of(v, r), octant_of(v, r), v, r, speech=t)
            for file, a, b, v, r, t in PARTS if file == name]) is None
    window.sidebar.select(Place("stretches"))
    settle(qtbot, window, lambda: window.stretches.model.rowCount() > 0)
    yield window
    window.close()


def test_the_stretches_view_at_the_narrowest_window_cuts_nothing(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow) -> None:
    narrowest = window.minimumSizeHint().width()
    assert narrowest <= 960  # half of a 1920-px screen
    window.resize(narrowest, 800)
    view = window.stretches
    view.table.selectRow(0)  # the details pane shows the stretch's file, as in use
    qtbot.waitUntil(lambda: window.details.body.isVisible(), timeout=WAIT_MS)
    settle(qtbot, window, lambda: window.width() == narrowest)
    search = view.search
    words = search.fontMetrics().horizontalAdvance(search.placeholderText())
    assert search.isVisibleTo(window) and search.width() >= words + 16  # it read "S…"
    for label in view.findChildren(QLabel):
        if label.text() and label.isVisibleTo(window):
            assert shown_whole(label), label.text()
    for widget in (search, view.emotion, view.minutes, view.include_talk):
        assert widget.width() >= widget.minimumSizeHint().width()
        right = widget.mapTo(window, QPoint(widget.width(), 0)).x()
        assert right <= window.width()  # the row wraps, never runs off
    table = view.table
    needs = table.fontMetrics().horizontalAdvance(NAME) + 12  # the cell's padding
    assert table.columnWidth(0) >= needs, table.columnWidth(0)  # it read "Birthday - gr…"
    assert table.columnViewportPosition(0) == 0
    for column in range(1, view.model.columnCount()):  # the others are in view as well
        assert (table.columnViewportPosition(column) + table.columnWidth(column)
                <= table.viewport().width()), column
    shots = os.environ.get("VER_SHOTS")
    if shots:
        window.grab().save(f"{shots}/issue23-stretches-minimum-width.png")


def test_include_talk_off_leaves_talk_out_under_any_emotion(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow) -> None:
    view = window.stretches
    assert view.emotion.currentData() is None and not view.include_talk.isChecked()

    def listed() -> list[tuple[str, float, bool]]:
        return [(k.name, k.stretch.start, k.stretch.speech) for k in view.model.items]

    settle(qtbot, window, lambda: len(listed()) == 3)
    assert (NAME, 15.0, True) not in listed()  # it was listed under "Any emotion"
    assert len(window.map.points) == 3  # the map shows what the list does
    view.include_talk.setChecked(True)
    settle(qtbot, window, lambda: (NAME, 15.0, True) in listed())
    assert len(listed()) == 4 and len(window.map.points) == 4
    view.include_talk.setChecked(False)
    view.emotion.setCurrentIndex(view.emotion.findData(quadrant_of(-0.5, 0.6)))
    settle(qtbot, window, lambda: listed() == [])  # the talk's point is tense: left out
