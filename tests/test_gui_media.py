"""Thumbnails and the preview player in the window, offscreen, on generated media."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from gui_helpers import (
    make_collection,
    open_window,
    scan_and_wait,
    settings_at,
    settle,
    visible_rows,
)
from PySide6.QtCore import Qt

from ver_desktop.gui.main_window import MainWindow


@pytest.fixture
def browsing(qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path,  # type: ignore[no-untyped-def]
             media_files: dict[str, Path]) -> MainWindow:
    folder = make_collection(tmp_path / "videos", media_files)
    shutil.copyfile(media_files["short.flac"], folder / "song.flac")
    window = open_window(qtbot, data_dir, bundled_model, settings_at(tmp_path))
    scan_and_wait(qtbot, window, [os.fspath(folder)])
    settle(qtbot, window, lambda: all(visible_rows(window)) and len(window.map.points) == 3)
    yield window
    window.close()


def select(qtbot, window: MainWindow, name: str) -> int:  # type: ignore[no-untyped-def]
    video_id = next(r.id for r in visible_rows(window) if r is not None and r.name == name)
    window.select_video(video_id)
    qtbot.waitUntil(lambda: window.details.row is not None
                    and window.details.row.id == video_id, timeout=10_000)
    return video_id


def test_the_details_pane_shows_a_video_s_thumbnail(qtbot, browsing: MainWindow) -> None:  # type: ignore[no-untyped-def]
    select(qtbot, browsing, "calm song.mp4")
    label = browsing.details.thumbnail
    qtbot.waitUntil(lambda: not label.pixmap().isNull(), timeout=10_000)
    assert label.isVisible()
    row = browsing.details.row
    assert row is not None
    picture = browsing.thumbnails.pixmap(row)
    assert picture is not None and picture.width() == 160 and picture.height() == 120
    cache = browsing.data_dir / "cache" / "thumbnails"
    assert len(list(cache.glob("*.png"))) >= 1


def test_an_audio_file_gets_the_placeholder(qtbot, browsing: MainWindow) -> None:  # type: ignore[no-untyped-def]
    select(qtbot, browsing, "song.flac")
    row = browsing.details.row
    assert row is not None
    qtbot.waitUntil(lambda: browsing.thumbnails.pixmap(row) is not None, timeout=10_000)
    assert browsing.thumbnails.pixmap(row) is browsing.thumbnails._placeholders["audio"]


def test_the_table_and_grid_show_thumbnails(qtbot, browsing: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view = browsing.library_view
    assert not view.table.isColumnHidden(0)
    model = browsing.model
    qtbot.waitUntil(lambda: all(model.data(model.index(r, 0), Qt.ItemDataRole.DecorationRole)
                                is not None for r in range(model.rowCount())), timeout=10_000)
    browsing.actions_by_name["grid"].setChecked(True)
    assert view.stack.currentWidget() is view.grid
    delegate = view.grid.itemDelegate()
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, model.index(0, 0))
    assert option.text == visible_rows(browsing)[0].name  # type: ignore[union-attr]
