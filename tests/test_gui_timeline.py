"""Emotion over time in the app: worked out in the background after the tags, shown in the
details pane, clicked to preview from a moment; a scan never waits for it."""

from __future__ import annotations

import os
from pathlib import Path

import mediagen
import numpy as np
from gui_helpers import WAIT_MS, settings_at, settle
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from ver_desktop.core import paths
from ver_desktop.core.labels import QUADRANT_NAMES
from ver_desktop.core.text import clock
from ver_desktop.gui.main_window import MainWindow
from ver_desktop.gui.session import Session
from ver_desktop.gui.sidebar import Place

TIMELINE_WAIT_MS = 240_000  # a loaded CI machine: two files through one worker


def scanned(qtbot, tmp_path: Path, data_dir: Path, folder: Path,  # type: ignore[no-untyped-def]
            files: int) -> tuple[MainWindow, Session]:
    """A window with timelines on that has scanned `folder` (`files` files in it)."""
    window = MainWindow(data_dir, paths.bundled_model_dir(),
                        settings_at(tmp_path, timelines=True), workers=1)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.session is not None, timeout=WAIT_MS)
    session = window.session
    assert session is not None
    window.add_paths([os.fspath(folder)])
    settle(qtbot, window, lambda: window.model.rowCount() == files)
    return window, session


def test_a_film_gets_its_timeline_in_the_background_and_previews_from_a_click(
        qtbot, tmp_path: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "videos"
    folder.mkdir()
    film = mediagen.write_media(folder / "film.mp4", np.concatenate(
        [mediagen.pad(60), mediagen.drums(60)]))
    mediagen.write_media(folder / "song.mkv", mediagen.music(20.0, seed=3))
    window, session = scanned(qtbot, tmp_path, data_dir, folder, 2)
    qtbot.waitUntil(lambda: not session.library.without_timeline(session.model),
                    timeout=TIMELINE_WAIT_MS)  # both, without anyone asking
    film_id = session.library.video_id(os.fspath(film))
    assert film_id is not None
    window.select_video(film_id)
    strip = window.details.timeline
    qtbot.waitUntil(lambda: strip.timeline is not None, timeout=WAIT_MS)
    assert [s.quadrant for s in strip.stretches] == ["PV-NA", "NV-PA"]
    assert "→" in window.details.timeline_caption.text()
    with qtbot.waitSignal(window.details.preview_requested, timeout=WAIT_MS) as clicked:
        x = round(strip._x(90.0))
        QTest.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(x, strip.height() // 2))
    path, seconds = clicked.args
    assert path == os.fspath(film) and abs(seconds - 90.0) < 2.0
    window.close()
    window.runner.wait()


def test_a_scan_does_not_wait_for_timelines_and_they_carry_on_after(
        qtbot, tmp_path: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "videos"
    folder.mkdir()
    mediagen.write_media(folder / "long.mp4", mediagen.music(240.0, seed=1))
    window, session = scanned(qtbot, tmp_path, data_dir, folder, 1)
    qtbot.waitUntil(lambda: window.timelines.busy, timeout=WAIT_MS)  # working on long.mp4
    late = mediagen.write_media(tmp_path / "late.mkv", mediagen.music(15.0, seed=2))
    with qtbot.waitSignal(window.scans.started, timeout=WAIT_MS):
        window.add_paths([os.fspath(late)])
    qtbot.waitUntil(lambda: not window.timelines.busy, timeout=WAIT_MS)  # it gave way
    settle(qtbot, window, lambda: window.model.rowCount() == 2)
    qtbot.waitUntil(lambda: not session.library.without_timeline(session.model),
                    timeout=TIMELINE_WAIT_MS)  # and both got theirs after the scan
    window.close()
    window.runner.wait()


def test_the_stretches_view_filters_tags_one_stretch_and_makes_a_playlist_of_them(
        qtbot, tmp_path: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "videos"
    folder.mkdir()
    film = mediagen.write_media(folder / "film.mp4", np.concatenate(
        [mediagen.pad(60), mediagen.drums(60), mediagen.pad(60)]))
    window, session = scanned(qtbot, tmp_path, data_dir, folder, 1)
    qtbot.waitUntil(lambda: not session.library.without_timeline(session.model),
                    timeout=TIMELINE_WAIT_MS)
    window.sidebar.select(Place("stretches"))
    view = window.stretches
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=WAIT_MS)
    assert [k.stretch.quadrant for k in view.model.items] == ["PV-NA", "NV-PA", "PV-NA"]
    assert len(window.map.points) == 3  # the map shows the stretches
    view.emotion.setCurrentIndex(view.emotion.findData("PV-NA"))
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=WAIT_MS)
    view.table.selectRow(0)
    first = view.selected()[0]
    span = (first.stretch.start, first.stretch.end)
    qtbot.waitUntil(lambda: window.details.row is not None  # its file, the stretch ringed
                    and window.details.row.id == first.video_id
                    and window.details.timeline.chosen == span, timeout=WAIT_MS)
    with qtbot.waitSignal(window.details.preview_requested, timeout=WAIT_MS) as preview:
        window.details.preview.click()  # Preview plays the chosen stretch
    assert preview.args == [first.path, first.stretch.start]
    window.correct(octant="tired")  # the Tag menu, on the selected stretch only
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=WAIT_MS)  # no longer calm
    tagged = {k.id: k for k in session.library.stretches(session.model)}
    assert tagged[first.id].corrected and tagged[first.id].stretch.octant == "tired"
    assert sum(k.corrected for k in tagged.values()) == 1
    row = session.library.rows(session.model, [first.video_id])[first.video_id]
    assert not row.corrected  # the file's own tag stays the model's
    view.table.selectRow(0)
    last = view.selected()[0]
    window.playlists.create_manual("calm minutes", *window.selection())
    qtbot.waitUntil(lambda: any(p.name == "calm minutes"
                                for p in session.library.playlists()), timeout=WAIT_MS)
    playlist = next(p for p in session.library.playlists() if p.name == "calm minutes")
    assert session.library.playlist_items(playlist.id) == [
        (last.video_id, (last.stretch.start, last.stretch.end))]
    assert last.stretch.start > 100 and os.fspath(film) == last.path
    window.reload_playlists(Place("playlist", playlist))
    qtbot.waitUntil(lambda: window.model.showing_fixed and window.model.rowCount() == 1
                    and window.model.video(film_id(window)) is not None, timeout=WAIT_MS)
    name = window.model.data(window.model.index(0, 1))
    assert name == f"{clock(last.stretch.start)}–{clock(last.stretch.end)}  film.mp4"
    quadrant = window.model.data(window.model.index(0, 3))
    # the stretch's emotion (in words), not the file's
    assert quadrant == QUADRANT_NAMES[last.stretch.quadrant]
    window.close()
    window.runner.wait()


def film_id(window: MainWindow) -> int:
    return window.model.ids()[0]
