"""Library folders are followed without a rescan: a file rewritten in place (which a
directory watch does not report) is analysed again; an unchanged folder is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_helpers import (
    make_collection,
    scanned_window,
    settle,
    visible_rows,
)
from PySide6.QtCore import QEvent

from ver_desktop.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path,  # type: ignore[no-untyped-def]
           media_files: dict[str, Path]) -> MainWindow:
    folder = make_collection(tmp_path / "videos", media_files)
    window = scanned_window(qtbot, tmp_path, data_dir, bundled_model, folder,
                            lambda w: all(visible_rows(w)) and w.watcher.roots != [])
    yield window
    window.close()


def row_named(window: MainWindow, name: str):  # type: ignore[no-untyped-def]
    return next(r for r in visible_rows(window) if r.name == name)  # type: ignore[attr-defined]


def test_a_file_rewritten_in_place_is_analysed_again(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                    media_files: dict[str, Path]) -> None:
    before = row_named(window, "calm song.mp4")
    assert before.duration > 30
    window.watcher.poll.setInterval(300)
    with (qtbot.waitSignal(window.scans.finished, timeout=60_000) as finished,
          open(before.path, "r+b") as file):  # same name, same inode, new content
        file.write(media_files["short.flac"].read_bytes())
        file.truncate()
    summary = finished.args[0]
    assert summary.changed == 1 and summary.analysed == 1
    settle(qtbot, window, lambda: row_named(window, "calm song.mp4").duration < 15)
    assert row_named(window, "calm song.mp4").status == "ok"


def test_an_unchanged_folder_starts_no_scan(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.watcher.poll.setInterval(100)
    with qtbot.assertNotEmitted(window.scans.started, wait=1500):
        pass
    assert window.watcher._last_check > float("-inf")  # it did look


def test_activating_the_window_checks_at_once(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                             media_files: dict[str, Path]) -> None:
    window.watcher.poll.stop()
    window.watcher.min_check_s = 0.0
    path = row_named(window, "loud song.mkv").path
    with open(path, "ab") as file:
        file.write(b"\0" * 1000)  # grows in place: size and time change
    with qtbot.waitSignal(window.scans.finished, timeout=60_000) as finished:
        window.activateWindow()
        window.changeEvent(QEvent(QEvent.Type.ActivationChange))
    assert finished.args[0].changed == 1
