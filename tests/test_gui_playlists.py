"""Playlists, the failed-files view, the folder watcher, settings and about, in the window."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gui_helpers import (
    extra_clip,
    make_collection,
    open_playlist,
    scanned_window,
    settle,
    shown_whole,
    visible_rows,
)
from PySide6.QtCore import Qt

from ver_desktop.core import paths
from ver_desktop.core.playlists import read_m3u8, read_xspf
from ver_desktop.gui.about import AboutDialog, model_card
from ver_desktop.gui.main_window import MainWindow
from ver_desktop.gui.settings_dialog import SettingsDialog
from ver_desktop.gui.sidebar import Place


@pytest.fixture
def collection(tmp_path: Path, media_files: dict[str, Path]) -> Path:
    folder = make_collection(tmp_path / "videos", media_files)
    for i in range(3):  # a few more points for paths
        extra_clip(folder / f"extra {i}.mp4", seed=20 + i)
    return folder


@pytest.fixture
def window(qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path,  # type: ignore[no-untyped-def]
           collection: Path) -> MainWindow:
    window = scanned_window(qtbot, tmp_path, data_dir, bundled_model, collection,
                            lambda w: len(w.map.points) == 5)
    yield window
    window.close()


def test_manual_playlist_add_reorder_remove(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    ids = window.model.ids()[:3]
    window.playlists.create_manual("Evening", ids)
    open_playlist(qtbot, window, "Evening")
    assert window.model.ids() == ids
    assert window.library_view.select_id(ids[2])
    window.actions_by_name["move_up"].trigger()
    settle(qtbot, window)
    expected = [ids[0], ids[2], ids[1]]
    assert window.model.ids() == expected
    assert window.session is not None
    playlist = window.sidebar.place().playlist
    assert playlist is not None
    assert window.session.library.playlist_video_ids(playlist.id) == expected
    assert window.library_view.select_id(ids[0])
    window.actions_by_name["remove_from_playlist"].trigger()
    settle(qtbot, window, lambda: window.model.ids() == [ids[2], ids[1]])


def test_a_second_playlist_of_one_name_is_refused_in_words_and_suggestions_are_free(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow) -> None:
    """Names are unique in the library (issue 20, item 16): the window says so, and the
    names it suggests are ones no playlist has."""
    ids = window.model.ids()[:2]
    window.playlists.create_manual("Mood path", ids)
    open_playlist(qtbot, window, "Mood path")
    window.playlists.create_manual("Mood path", ids[:1])
    qtbot.waitUntil(lambda: "exists already" in window.statusBar().currentMessage(),
                    timeout=30_000)
    assert window.sidebar.playlist_names() == {"Mood path"}
    window.playlists.new_mood_path()
    dialog = window.playlists._dialog
    assert dialog.name.text() == "Mood path (2)"
    dialog.reject()


def test_smart_playlist_follows_corrections(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.library_view.filters.quadrant_buttons["NV-PA"].setChecked(True)
    settle(qtbot, window)
    before = set(window.model.ids())
    window.playlists.create_smart("Tense")
    open_playlist(qtbot, window, "Tense")
    assert set(window.model.ids()) == before
    window.sidebar.select(Place("library"))
    window.library_view.filters.quadrant_buttons["NV-PA"].setChecked(False)
    settle(qtbot, window, lambda: window.model.rowCount() == 6 and all(visible_rows(window)))
    candidate = next(r for r in visible_rows(window)
                     if r.status == "ok" and r.quadrant != "NV-PA")  # type: ignore[attr-defined]
    window.correct(quadrant="NV-PA", ids=[candidate.id])  # type: ignore[attr-defined]
    settle(qtbot, window)
    open_playlist(qtbot, window, "Tense")
    assert candidate.id in window.model.ids()  # type: ignore[attr-defined]


def test_mood_path_is_drawn_played_in_order_and_exported(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    points = window.map.points
    start = min(points, key=lambda p: p.valence)
    target = max(points, key=lambda p: p.valence)
    window.playlists.build_mood_path("Lift", {
        "start": (start.valence, start.arousal), "target": (target.valence, target.arousal),
        "count": 3, "total_seconds": None, "max_jump": 10.0})
    settle(qtbot, window, lambda: window.sidebar.place().kind == "playlist")
    settle(qtbot, window, lambda: bool(window.map.path))
    ids = window.model.ids()
    assert len(ids) == 3 and ids[0] == start.id and ids[-1] == target.id
    assert len(window.map.path) == 3 and window.map.path_ends is not None
    playlist = window.sidebar.place().playlist
    assert playlist is not None and playlist.kind == "mood_path"
    session = window.session
    assert session is not None
    paths = [session.library.rows(session.model, [i])[i].path for i in ids]
    window.playlists.export_to(playlist, tmp_path / "lift.m3u8", "m3u8")
    window.playlists.relative_export = False
    window.playlists.export_to(playlist, tmp_path / "lift.xspf", "xspf")
    settle(qtbot, window, lambda: (tmp_path / "lift.xspf").is_file())
    assert read_m3u8(tmp_path / "lift.m3u8") == paths
    assert read_xspf(tmp_path / "lift.xspf") == paths
    assert "file:///" in (tmp_path / "lift.xspf").read_text()
    assert "videos/" in (tmp_path / "lift.m3u8").read_text()


def test_the_scan_summary_stays_until_the_user_moves_on(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    summary = window.notice
    assert shown_whole(summary)  # not squeezed to nothing beside the count
    assert "Done: 5 tagged, 1 failed" in summary.text() and "see Failed files" in summary.text()
    qtbot.wait(50)  # a status message's timeout would not hide it
    summary.linkActivated.emit("failed")  # the link opens the failed files
    settle(qtbot, window, lambda: window.sidebar.place().kind == "failed")
    assert not summary.isVisibleTo(window)


def test_failed_files_view_lists_reasons_and_retries(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.sidebar.select(Place("failed"))
    settle(qtbot, window, lambda: window.model.rowCount() == 1 and all(visible_rows(window)))
    row = visible_rows(window)[0]
    assert row.name == "shopping list.mp4" and row.error_reason  # type: ignore[attr-defined]
    name_cell = window.model.index(0, 1)
    shown = str(name_cell.data(Qt.ItemDataRole.DisplayRole))
    assert shown.startswith("shopping list.mp4 — ") and row.error_reason in shown  # type: ignore[attr-defined]
    assert name_cell.data(Qt.ItemDataRole.DecorationRole) is not None  # a warning icon
    table = window.library_view.table
    assert table.isColumnHidden(3) and table.columnWidth(1) >= 560  # room for the reason
    assert row.error_reason in str(name_cell.data(Qt.ItemDataRole.ToolTipRole))  # type: ignore[attr-defined]
    assert window.retry_button.isVisibleTo(window)
    with qtbot.waitSignal(window.scans.finished, timeout=60_000) as finished:
        window.retry_button.click()
    summary = finished.args[0]
    assert [path for path, _kind, _reason in summary.failed] == [row.path]  # type: ignore[attr-defined]
    settle(qtbot, window, lambda: window.model.rowCount() == 1)
    window.sidebar.select(Place("library"))
    settle(qtbot, window, lambda: window.model.rowCount() == 6)  # still working


def test_watched_folder_picks_up_a_new_file(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                            collection: Path) -> None:
    qtbot.waitUntil(lambda: os.fspath(collection) in window.watcher.watcher.directories(),
                    timeout=10_000)
    extra_clip(collection / "arrived later.mp4", seed=99)
    qtbot.waitUntil(lambda: window.scans.busy, timeout=20_000)
    settle(qtbot, window, lambda: window.model.rowCount() == 7 and all(visible_rows(window)))
    names = {r.name: r for r in visible_rows(window)}  # type: ignore[attr-defined]
    assert names["arrived later.mp4"].status == "ok"


def test_settings_and_about(qtbot, window: MainWindow, bundled_model: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.session is not None
    dialog = SettingsDialog(window.state, window.session.library.folders(), parent=window)
    qtbot.addWidget(dialog)
    assert dialog.folders.count() == 1
    assert dialog.model.count() == 1  # nothing to switch to: no note on switching
    assert not dialog.model_note.isVisibleTo(dialog) and not dialog.reanalyse.isVisibleTo(dialog)
    dialog.workers.setValue(1)
    dialog.accept()
    assert window.settings.value("workers") in (1, "1")
    assert window.workers() == 1
    card = model_card(bundled_model)
    assert paths.DEFAULT_MODEL in card
    about = AboutDialog(bundled_model, window.data_dir, window)
    qtbot.addWidget(about)
    first = about.text.toPlainText()  # for people: no model versions, no statistics
    for jargon in ("F1", "Spearman", "ECE", "do not edit", paths.DEFAULT_MODEL):
        assert jargon not in first, jargon
    assert "in 10" in first and "What it cannot do" in first and "mostly speech" in first
    about.details.click()  # the model card, one click away
    assert paths.DEFAULT_MODEL in about.text.toPlainText()
    about.details.click()  # and back
    assert about.text.toPlainText() == first


def test_dragging_rows_reorders_a_manual_playlist(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QModelIndex, Qt

    ids = window.model.ids()[:4]
    model, table = window.model, window.library_view.table
    assert not model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsDragEnabled  # the library
    window.playlists.create_manual("Dragged", ids)
    open_playlist(qtbot, window, "Dragged")
    assert model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsDragEnabled
    assert table.dragDropMode() == table.DragDropMode.InternalMove
    # What the view does on a drop between rows: rows 2 and 3 dragged above row 0.
    mime = model.mimeData([model.index(2, 1), model.index(3, 1)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    expected = [ids[2], ids[3], ids[0], ids[1]]
    assert model.ids() == expected
    # ...and dropped onto a row: row 0 goes before the last row.
    mime = model.mimeData([model.index(0, 1)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, model.index(3, 1))
    expected = [ids[3], ids[0], ids[2], ids[1]]
    assert model.ids() == expected
    settle(qtbot, window)
    playlist = window.sidebar.place().playlist
    assert window.session is not None and playlist is not None
    assert window.session.library.playlist_video_ids(playlist.id) == expected


def test_files_dropped_on_the_table_still_reach_the_window(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(os.fspath(tmp_path))])
    event = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.library_view.table.viewport(), event)
    assert event.isAccepted()
    window.setAcceptDrops(False)  # then nobody takes it: the table itself never did
    event = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.library_view.table.viewport(), event)
    assert not event.isAccepted()
    window.setAcceptDrops(True)


def test_the_map_draws_a_mood_paths_intended_route(qtbot) -> None:  # type: ignore[no-untyped-def]
    # A path that stopped early still shows where it was meant to go.
    from ver_desktop.gui.emotion_map import EmotionMap

    emotion_map = EmotionMap()
    qtbot.addWidget(emotion_map)
    emotion_map.resize(400, 400)
    start, target = (-0.3, 0.9), (0.6, -0.4)

    def marked_pixels() -> int:
        image = emotion_map.grab().toImage()
        background = image.pixelColor(2, 2)
        count = 0
        for i in range(30, 71):  # the middle of the route, away from the end circles
            t = i / 100
            spot = emotion_map.to_widget(start[0] + (target[0] - start[0]) * t,
                                         start[1] + (target[1] - start[1]) * t).toPoint()
            count += any(image.pixelColor(spot.x() + dx, spot.y() + dy) != background
                         for dx in (-1, 0, 1) for dy in (-1, 0, 1))
        return count

    emotion_map.set_path([], None)
    without = marked_pixels()
    emotion_map.set_path([start], (start, target))
    assert marked_pixels() > without + 10


def test_playlist_actions_are_enabled_only_where_they_apply(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    actions = window.actions_by_name
    window.sidebar.select(Place("library"))
    settle(qtbot, window)
    window.export_menu.aboutToShow.emit()  # as opening Playlist > Export
    for name in ("play_playlist", "rename_playlist", "delete_playlist", "export_m3u8",
                 "export_xspf", "remove_from_playlist", "move_up", "segments_only"):
        assert not actions[name].isEnabled(), name
    window.playlists.create_smart("Everything")
    open_playlist(qtbot, window, "Everything")
    assert actions["play_playlist"].isEnabled() and actions["export_xspf"].isEnabled()
    assert not actions["remove_from_playlist"].isEnabled()  # its rule decides
    assert not actions["move_up"].isEnabled()
    window.playlists.create_manual("Mine", window.model.ids()[:2])
    open_playlist(qtbot, window, "Mine")
    assert actions["remove_from_playlist"].isEnabled() and actions["move_up"].isEnabled()


def test_a_background_failure_reaches_the_status_bar(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Callbacks that have nothing to say about an error, and tasks without a callback,
    report through the runner: logged and shown, never swallowed or raised in a slot."""
    def broken() -> list[str]:
        raise OSError(5, "Input/output error")

    with qtbot.waitSignal(window.runner.failed, timeout=10_000):
        window.runner.run(broken, window.runner.reporting("read the library's folders",
                                                          window.watcher.watch))
    assert "Could not read the library's folders" in window.statusBar().currentMessage()
    assert "Input/output error" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.runner.failed, timeout=10_000) as failed:
        window.runner.run(broken)  # no callback at all
    assert failed.args[0] == "finish a background task"
    window.model.session = None  # a read of rows that fails is reported, not raised
    session = window.session
    assert session is not None

    def failing_rows(*_args: object) -> None:
        raise OSError(5, "disk gone")

    original = session.library.rows
    session.library.rows = failing_rows  # type: ignore[method-assign]
    try:
        window.model.session = session
        with qtbot.waitSignal(window.runner.failed, timeout=10_000) as failed:
            window.model._fetch(window.model.ids()[:2])
        assert failed.args[0] == "read the library's rows"
    finally:
        session.library.rows = original  # type: ignore[method-assign]


def test_the_mood_path_dialog_speaks_in_emotions(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from ver_desktop.gui.playlists import MoodPathDialog

    dialog = MoodPathDialog(window)
    qtbot.addWidget(dialog)
    names = [dialog.start.itemText(i).strip() for i in range(dialog.start.count())]
    assert "Sad, tired" in names and "Calm, content" in names and "sleepy" in names
    assert not any("-" in name and "V" in name for name in names)  # no PV-PA codes
    assert not dialog.exact.isChecked()  # numbers are the advanced option
    dialog.start.setCurrentIndex(dialog.start.findData("NV-NA"))
    dialog.target.setCurrentIndex(dialog.target.findData("sleepy"))
    dialog.by_minutes.setChecked(True)
    dialog.minutes.setValue(2)
    request = dialog.request()
    assert request["start"] == (-1.0, -1.0) and request["target"][0] > 0 > request["target"][1]
    assert request["count"] is None and request["total_seconds"] == 120
    assert request["play"] == "segment" and request["max_jump"] is None
    dialog.set_points(-0.5, 0.2, 0.7, -0.4)  # picked on the map
    assert dialog.exact.isChecked() and dialog.request()["start"] == (-0.5, 0.2)
    window.playlists.build_mood_path("Two minutes", request)
    settle(qtbot, window, lambda: window.sidebar.place().kind == "playlist")
    playlist = window.sidebar.place().playlist
    assert playlist is not None and playlist.play == "segment"
    assert "Mood path" in window.notice.text() and shown_whole(window.notice)


def test_the_export_dialog_opens_where_the_last_export_went(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    from PySide6.QtWidgets import QFileDialog

    window.playlists.create_manual("Evening", window.model.ids()[:2])
    open_playlist(qtbot, window, "Evening")
    folder = tmp_path / "session lists"
    folder.mkdir()
    offered: list[str] = []

    def save_as(_parent: object, _title: str, proposed: str, _filter: str) -> tuple[str, str]:
        offered.append(proposed)
        return os.fspath(folder / "evening.m3u8"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)  # a modal dialog
    window.export_menu.aboutToShow.emit()  # as opening Playlist > Export
    window.actions_by_name["export_m3u8"].trigger()
    settle(qtbot, window, lambda: (folder / "evening.m3u8").is_file())
    window.actions_by_name["export_xspf"].trigger()
    assert os.path.dirname(offered[-1]) == os.fspath(folder)
    assert offered[-1].endswith("Evening.xspf")


def test_small_things_a_user_noticed(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from PySide6.QtGui import QDesktopServices

    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    keys = [m.group(1).lower() for a in file_menu.actions()
            if (m := re.search(r"&(\w)", a.text()))]
    assert len(keys) == len(set(keys)), keys  # each mnemonic once
    long_name = "Tuesday group, week 3: from restless to settled (slow start, long ending)"
    window.playlists.create_manual(long_name, window.model.ids()[:1])
    open_playlist(qtbot, window, long_name)
    item = window.sidebar.list.currentItem()
    assert item.toolTip() == f"{item.text().strip()}" and long_name in item.toolTip()
    assert window.sidebar.list.wordWrap()
    window.sidebar.select(Place("library"))
    settle(qtbot, window, lambda: window.model.rowCount() == 6 and all(visible_rows(window)))
    song = next(r for r in visible_rows(window) if r.status == "ok")  # type: ignore[attr-defined]
    window.select_video(song.id)  # type: ignore[attr-defined]
    settle(qtbot, window, lambda: window.details.row is not None)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)  # no launcher
    window.details.open_button.click()
    assert "No program to play it" in window.statusBar().currentMessage()
    window.correct(quadrant="PV-NA", ids=[song.id])  # type: ignore[attr-defined]
    said = f"Tagged “{song.name}” as calm, content."  # type: ignore[attr-defined]
    settle(qtbot, window, lambda: said in window.notice.text())  # kept in view, in words
