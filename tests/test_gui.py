"""The desktop window, offscreen, on a real library, real generated media and the bundled
model: adding folders, drops, filters, the map, corrections, window state."""

from __future__ import annotations

import os
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
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from ver_desktop.gui.main_window import MainWindow


@pytest.fixture
def collection(tmp_path: Path, media_files: dict[str, Path]) -> Path:
    return make_collection(tmp_path / "videos", media_files)


@pytest.fixture
def window(qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir, bundled_model, settings_at(tmp_path))
    yield window
    window.close()


@pytest.fixture
def browsing(qtbot, window: MainWindow, collection: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    scan_and_wait(qtbot, window, [os.fspath(collection)])
    settle(qtbot, window, lambda: all(visible_rows(window)) and len(window.map.points) == 2)
    return window


def drop(window: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(os.fspath(p)) for p in paths])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)


def test_empty_library_invites_a_drop(window: MainWindow) -> None:
    assert window.pages.currentWidget() is window.empty
    assert "Drop a folder" in window.empty.title.text()
    assert window.details.body.isHidden()  # no empty labels while nothing is selected
    assert window.progress.isHidden()


def test_dropped_folder_is_added_scanned_and_shown(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                   collection: Path) -> None:
    with qtbot.waitSignal(window.scans.finished, timeout=60_000):
        drop(window, [collection])
        qtbot.waitUntil(lambda: window.progress.isVisible(), timeout=10_000)
    settle(qtbot, window, lambda: len(window.map.points) == 2 and all(visible_rows(window)))
    rows = {r.name: r for r in visible_rows(window)}  # type: ignore[attr-defined]
    assert set(rows) == {"calm song.mp4", "loud song.mkv", "shopping list.mp4"}
    assert rows["shopping list.mp4"].status == "failed"
    assert rows["shopping list.mp4"].error_reason
    assert rows["calm song.mp4"].quadrant and rows["calm song.mp4"].status == "ok"
    assert window.session is not None
    assert window.session.library.folders() == [os.fspath(collection)]
    assert window.pages.currentWidget() is window.browse
    assert window.progress.isHidden()
    failed_row = window.model.row_of(rows["shopping list.mp4"].id)
    assert failed_row is not None
    status = window.model.index(failed_row, 8).data()
    assert status.startswith("failed")
    window.details.show_row(rows["shopping list.mp4"])
    assert window.details.form.isRowVisible(window.details.fields["problem"])
    assert window.details.fields["problem"].text() == rows["shopping list.mp4"].error_reason


def test_a_single_dropped_file_is_selected_with_its_details(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                            collection: Path) -> None:
    clip = collection / "loud song.mkv"
    with qtbot.waitSignal(window.scans.planned, timeout=60_000):
        drop(window, [clip])
    # the file is listed at once, marked as being worked on
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    settle(qtbot, window, lambda: window.details.row is not None
           and window.details.row.status == "ok")
    assert window.details.row is not None
    assert window.details.row.name == "loud song.mkv"
    assert "loud song.mkv" in window.details.title.text()
    assert window.details.quadrants.values  # probabilities arrived
    assert abs(sum(window.details.quadrants.values.values()) - 1.0) < 1e-3
    assert window.library_view.current_id() == window.details.row.id
    assert not window.details.form.isRowVisible(window.details.fields["problem"])
    assert not window.details.body.isHidden()


def test_quadrant_toggle_search_and_confidence_filter_the_table(qtbot, browsing: MainWindow  # type: ignore[no-untyped-def]
                                                                ) -> None:
    window = browsing
    rows = [r for r in visible_rows(window) if r.status == "ok"]  # type: ignore[attr-defined]
    quadrant = rows[0].quadrant
    window.library_view.filters.quadrant_buttons[quadrant].setChecked(True)
    settle(qtbot, window, lambda: all(visible_rows(window)))
    shown = visible_rows(window)
    assert shown and {r.quadrant for r in shown} == {quadrant}  # type: ignore[attr-defined]
    assert len(shown) == sum(r.quadrant == quadrant for r in rows)
    window.library_view.filters.quadrant_buttons[quadrant].setChecked(False)
    window.library_view.filters.search.setText("LOUD")
    settle(qtbot, window, lambda: window.model.rowCount() == 1 and all(visible_rows(window)))
    assert visible_rows(window)[0].name == "loud song.mkv"  # type: ignore[attr-defined]
    window.library_view.filters.search.clear()
    window.library_view.filters.confidence.setValue(100)
    settle(qtbot, window, lambda: window.model.rowCount() == 0)


def test_sorting_by_a_column(qtbot, browsing: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = browsing
    window.library_view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    settle(qtbot, window, lambda: all(visible_rows(window)))
    names = [r.name for r in visible_rows(window)]  # type: ignore[attr-defined]
    assert names == sorted(names, key=str.lower, reverse=True)


def test_rectangle_on_the_map_filters_the_table(qtbot, browsing: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = browsing
    emotion_map = window.map
    target = emotion_map.points[0]
    spot = emotion_map.to_widget(target.valence, target.arousal).toPoint()
    start, end = spot - QPoint(4, 4), spot + QPoint(4, 4)
    qtbot.mousePress(emotion_map, Qt.MouseButton.LeftButton, pos=start - QPoint(3, 3))
    qtbot.mouseMove(emotion_map, start)
    qtbot.mouseMove(emotion_map, end)
    qtbot.mouseRelease(emotion_map, Qt.MouseButton.LeftButton, pos=end)
    settle(qtbot, window, lambda: window.model.rowCount() >= 1)
    ids = window.model.ids()
    assert target.id in ids
    assert len(ids) < 3  # the broken file has no point; the region holds only nearby ones
    assert window.library_view.filters.clear_map.isVisibleTo(window)
    window.library_view.filters.clear_map.click()
    settle(qtbot, window, lambda: window.model.rowCount() == 3)


def test_correction_by_shortcut_survives_a_rescan(qtbot, browsing: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = browsing
    row = next(r for r in visible_rows(window) if r.status == "ok")  # type: ignore[attr-defined]
    other = "tensed" if row.octant != "tensed" else "sleepy"
    assert window.library_view.select_id(row.id)
    window.actions_by_name[f"octant:{other}"].trigger()
    settle(qtbot, window, lambda: window.model.video(row.id) is not None
           and window.model.video(row.id).corrected)  # type: ignore[union-attr]
    corrected = window.model.video(row.id)
    assert corrected is not None and corrected.octant == other
    with qtbot.waitSignal(window.scans.finished, timeout=60_000):
        window.rescan(retry_failed=True)
    settle(qtbot, window, lambda: window.model.video(row.id) is not None)
    after = window.model.video(row.id)
    assert after is not None and after.corrected and after.octant == other
    point = next(p for p in window.map.points if p.id == row.id)
    assert point.corrected and point.octant == other


def test_dragging_a_point_on_the_map_corrects_it(qtbot, browsing: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = browsing
    point = window.map.points[0]
    start = window.map.to_widget(point.valence, point.arousal).toPoint()
    end = window.map.to_widget(-1.2, -0.6).toPoint()  # inside "miserable" (180-225 degrees)
    qtbot.mousePress(window.map, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(window.map, end)
    qtbot.mouseRelease(window.map, Qt.MouseButton.LeftButton, pos=end)
    settle(qtbot, window, lambda: any(p.id == point.id and p.corrected
                                      for p in window.map.points))
    moved = next(p for p in window.map.points if p.id == point.id)
    assert (moved.quadrant, moved.octant) == ("NV-NA", "miserable")


def test_window_state_and_column_layout_are_remembered(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                       data_dir: Path,
                                                       bundled_model: Path) -> None:
    settings = settings_at(tmp_path)
    first = open_window(qtbot, data_dir, bundled_model, settings)
    header = first.library_view.table.horizontalHeader()
    header.resizeSection(1, 333)
    header.moveSection(9, 2)  # folder next to the name
    first.close()
    assert (tmp_path / "settings.ini").is_file()
    second = open_window(qtbot, data_dir, bundled_model, settings_at(tmp_path))
    header = second.library_view.table.horizontalHeader()
    assert header.sectionSize(1) == 333
    assert header.visualIndex(9) == 2
    second.close()


def test_the_keyboard_reaches_preview_and_keeps_one_video_in_hand(qtbot, browsing: MainWindow  # type: ignore[no-untyped-def]
                                                                  ) -> None:
    """Return previews; Tab leaves the table; Ctrl+End selects the row it moves to, so the
    details pane and a tag shortcut act on the highlighted video."""
    window = browsing
    table = window.library_view.table
    table.setFocus()
    assert window.library_view.select_id(window.model.ids()[0])
    settle(qtbot, window, lambda: window.details.row is not None)
    qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = window.model.ids()[-1]
    settle(qtbot, window, lambda: window.details.row is not None
           and window.details.row.id == last)
    assert window.library_view.selected_ids() == [last]  # what Alt+1 would tag
    with qtbot.waitSignal(window.details.preview_requested, timeout=5_000) as asked:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert asked.args[0] == window.details.row.path  # type: ignore[union-attr]
    if window.player is not None:
        window.player.close_player()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus()
    # The Preview button sits right under the title, above the tag and the bars.
    details = window.details
    assert details.preview.mapTo(details, QPoint(0, 0)).y() < \
        details.quadrants.mapTo(details, QPoint(0, 0)).y()


def test_the_map_follows_the_filters_rings_a_chosen_region_and_empty_results_say_so(  # type: ignore[no-untyped-def]
        qtbot, browsing: MainWindow) -> None:
    window = browsing
    rows = [r for r in visible_rows(window) if r.status == "ok"]  # type: ignore[attr-defined]
    assert len(window.map.points) == 2
    window.library_view.filters.search.setText("loud")
    settle(qtbot, window, lambda: len(window.map.points) == 1)  # filtered out: not drawn
    assert window.map.points[0].name == "loud song.mkv"
    window.library_view.filters.search.setText("no such video")
    settle(qtbot, window, lambda: window.model.rowCount() == 0)
    assert window.no_match.isVisibleTo(window) and "No videos match" in window.no_match.text()
    window.library_view.filters.search.clear()
    settle(qtbot, window, lambda: window.model.rowCount() == 3 and len(window.map.points) == 2)
    assert not window.no_match.isVisibleTo(window)
    chosen = frozenset({rows[0].id})  # type: ignore[attr-defined]
    window.map.region_selected.emit(chosen)
    settle(qtbot, window, lambda: window.model.rowCount() == 1)
    assert window.map.chosen == chosen  # ringed until cleared
    window.library_view.filters.clear_map.click()
    settle(qtbot, window, lambda: window.model.rowCount() == 3)
    assert window.map.chosen == frozenset()


def test_a_missing_file_can_be_forgotten_from_the_failed_view(qtbot, browsing: MainWindow,  # type: ignore[no-untyped-def]
                                                              collection: Path) -> None:
    from ver_desktop.gui.sidebar import Place

    window = browsing
    (collection / "calm song.mp4").unlink()
    scan_and_wait(qtbot, window, [os.fspath(collection)])
    window.sidebar.select(Place("failed"))
    settle(qtbot, window, lambda: window.model.rowCount() == 2 and all(visible_rows(window)))
    missing = next(r for r in visible_rows(window) if r.status == "missing")  # type: ignore[attr-defined]
    assert window.forget_button.isVisibleTo(window)
    assert window.library_view.select_id(missing.id)  # type: ignore[attr-defined]
    window.forget_button.click()
    settle(qtbot, window, lambda: window.model.rowCount() == 1)
    assert window.session is not None
    assert window.session.library.video_id(missing.path) is None  # type: ignore[attr-defined]


def test_filter_buttons_speak_plainly_and_look_on_when_on(browsing: MainWindow) -> None:
    filters = browsing.library_view.filters
    assert [b.text() for b in filters.quadrant_buttons.values()] == ["Happy", "Tense", "Sad",
                                                                     "Calm"]
    assert "PV-PA" in filters.quadrant_buttons["PV-PA"].toolTip()
    sleepy = filters.octant_buttons["sleepy"].styleSheet()
    assert "checked" in sleepy and "#009E73" in sleepy and "bold" in sleepy  # calm's colour


def test_a_tag_that_leaves_the_filter_takes_its_row_out_of_table_and_map(  # type: ignore[no-untyped-def]
        qtbot, browsing: MainWindow) -> None:
    """Found by a user test: a file corrected out of the emotion filtered for stayed in the
    table (and in the count) while its point left the map."""
    window = browsing
    row = next(r for r in visible_rows(window) if r.status == "ok")  # type: ignore[attr-defined]
    window.library_view.filters.quadrant_buttons[row.quadrant].setChecked(True)
    settle(qtbot, window, lambda: row.id in window.model.ids() and all(visible_rows(window)))
    before = window.model.rowCount()
    other = next(q for q in ("PV-PA", "NV-PA", "NV-NA", "PV-NA") if q != row.quadrant)
    window.correct(quadrant=other, ids=[row.id])
    settle(qtbot, window, lambda: row.id not in window.model.ids())
    assert window.model.rowCount() == before - 1
    assert row.id not in {p.id for p in window.map.points}
    assert window.count.text().startswith(f"{before - 1} of ")
