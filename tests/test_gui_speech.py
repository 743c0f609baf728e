"""A video whose sound is mostly speech: its tag is shown as unreliable, in the table and
in the details pane (offscreen, real scan, real model)."""

from __future__ import annotations

from pathlib import Path

import mediagen
import pytest
import real_speech
from gui_helpers import scanned_window, settle, visible_rows
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from ver_desktop.gui.columns import position
from ver_desktop.gui.main_window import MainWindow

QUADRANT = position("quadrant")
STATUS = position("status")


@pytest.fixture
def window(qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    folder = tmp_path / "videos"
    folder.mkdir()
    mediagen.write_media(folder / "vlog.mp4", real_speech.talk(20.0))
    mediagen.write_media(folder / "song.mp4", mediagen.music(20.0))
    window = scanned_window(qtbot, tmp_path, data_dir, bundled_model, folder,
                            lambda w: len(visible_rows(w)) == 2 and all(visible_rows(w)))
    yield window
    window.close()


def cell(window: MainWindow, name: str, column: int, role: Qt.ItemDataRole) -> object:
    row = next(r for r in visible_rows(window) if r.name == name)  # type: ignore[attr-defined]
    position = window.model.row_of(row.id)
    assert position is not None
    return window.model.index(position, column).data(role)


def show(qtbot, window: MainWindow, name: str) -> None:  # type: ignore[no-untyped-def]
    row = next(r for r in visible_rows(window) if r.name == name)  # type: ignore[attr-defined]
    window.select_video(row.id)
    qtbot.waitUntil(lambda: window.details.row is not None and window.details.row.id == row.id,
                    timeout=10_000)


def test_the_table_marks_a_speech_tag_as_unreliable(window: MainWindow) -> None:
    assert cell(window, "vlog.mp4", STATUS, Qt.ItemDataRole.DisplayRole) == "ok · mostly speech"
    font = cell(window, "vlog.mp4", QUADRANT, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.italic()
    assert "unreliable" in str(cell(window, "vlog.mp4", QUADRANT, Qt.ItemDataRole.ToolTipRole))
    assert cell(window, "vlog.mp4", QUADRANT, Qt.ItemDataRole.DisplayRole)  # still shown
    # the music is shown as before
    assert cell(window, "song.mp4", STATUS, Qt.ItemDataRole.DisplayRole) == "ok"
    assert cell(window, "song.mp4", QUADRANT, Qt.ItemDataRole.FontRole) is None


def test_the_details_pane_says_why(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    show(qtbot, window, "vlog.mp4")
    warning = window.details.speech
    assert warning.isVisibleTo(window)
    assert "Mostly speech: the emotion tag is unreliable" in warning.text()
    row = window.details.row
    assert row is not None and row.speech_likeness is not None and row.speech_likeness >= 0.5
    assert f"speech likeness {row.speech_likeness:.0%}" in warning.text()
    show(qtbot, window, "song.mp4")
    assert not warning.isVisibleTo(window)


def test_a_correction_is_not_greyed(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    show(qtbot, window, "vlog.mp4")
    window.actions_by_name["octant:pleased"].trigger()
    settle(qtbot, window, lambda: str(cell(window, "vlog.mp4", QUADRANT,
                                           Qt.ItemDataRole.DisplayRole)).endswith("✎"))
    font = cell(window, "vlog.mp4", QUADRANT, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold() and not font.italic()
    assert cell(window, "vlog.mp4", STATUS, Qt.ItemDataRole.DisplayRole) == "ok"


def test_the_grid_and_the_map_treat_speech_as_the_table_does(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QStyleOptionViewItem

    grid = window.library_view.grid
    texts = {}
    for name in ("vlog.mp4", "song.mp4"):
        row = next(r for r in visible_rows(window) if r.name == name)  # type: ignore[attr-defined]
        position = window.model.row_of(row.id)
        assert position is not None
        option = QStyleOptionViewItem()
        grid.itemDelegate().initStyleOption(option, window.model.index(position, 0))
        texts[name] = option.text
    assert texts["vlog.mp4"].splitlines() == ["vlog.mp4", "mostly speech"]
    song = texts["song.mp4"].splitlines()
    assert song[0] == "song.mp4" and "%" in song[1]  # its emotion and how sure
    settle(qtbot, window, lambda: len(window.map.points) == 2)
    speech = {p.name: p.mostly_speech for p in window.map.points}
    assert speech == {"vlog.mp4": True, "song.mp4": False}  # drawn grey, not in a colour
