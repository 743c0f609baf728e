"""Issue 23 in the window, as a person meets it: the scan's outcome stays in view with room
for its words, a dragged point stays where it is dropped (and the notice says what was
kept), the table and menus speak in words, the keyboard and the grid behave, and a folder
dragged over the window is welcomed in words."""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path

import pytest
from gui_helpers import WAIT_MS, make_collection, scanned_window, settle, shown_whole, visible_rows
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QFontMetrics
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication, QLabel, QStyleOptionViewItem

from ver_desktop.core.labels import OCTANTS, QUADRANT_NAMES, octant_of, tag_words
from ver_desktop.core.library import MapPoint, VideoFilter
from ver_desktop.gui import style
from ver_desktop.gui.columns import position
from ver_desktop.gui.emotion_map import EmotionMap, display_position, point_words
from ver_desktop.gui.main_window import MainWindow

LONG_NAME = "Copy of holiday video from the summer at grandma's house.mp4"


@pytest.fixture
def window(qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path,  # type: ignore[no-untyped-def]
           media_files: dict[str, Path]) -> MainWindow:
    folder = make_collection(tmp_path / "videos", media_files)  # 2 songs, 1 broken file
    (folder / LONG_NAME).write_text("not a video at all\n" * 40)
    window = scanned_window(qtbot, tmp_path, data_dir, bundled_model, folder,
                            lambda w: all(visible_rows(w)) and len(w.map.points) == 2)
    yield window
    window.close()


def test_the_scan_summary_is_in_view_with_room_for_it_and_stays(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow) -> None:
    notice = window.notice
    assert "Done: 2 tagged, 2 failed" in notice.text()
    assert shown_whole(notice)
    window.resize(window.minimumSizeHint().width(), window.height())  # narrowest it goes
    qtbot.waitUntil(lambda: shown_whole(notice), timeout=WAIT_MS)  # wraps, is not cut
    settle(qtbot, window)  # later work (the map, counts, rows) does not take it away
    assert shown_whole(notice) and "Done: 2 tagged" in notice.text()
    window.select_video(window.map.points[0].id)  # at the narrowest, the details are whole
    qtbot.waitUntil(lambda: window.details.body.isVisible(), timeout=WAIT_MS)
    details = window.details
    qtbot.waitUntil(lambda: details.width() >= details.minimumSizeHint().width(),
                    timeout=WAIT_MS)
    for button in (details.preview, details.open_button, details.folder_button):
        assert button.width() >= button.minimumSizeHint().width()
    assert window.map.width() >= window.map.minimumWidth() >= 260  # room for its names


def test_a_dragged_point_follows_the_mouse_and_stays_where_it_is_dropped(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow) -> None:
    chart = window.map
    point = chart.points[0]
    target = next(o for o in ("sleepy", "tensed") if o != point.octant)
    angle = math.radians(OCTANTS.index(target) * 45 + 35)  # near its border, not its middle
    end = chart.to_widget(1.6 * math.cos(angle), 1.6 * math.sin(angle)).toPoint()
    start = chart.to_widget(point.valence, point.arousal).toPoint()
    qtbot.mousePress(chart, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(chart, end)
    assert chart.dragging_over() == tag_words(None, target)  # lit and named while dragged
    qtbot.mouseRelease(chart, Qt.MouseButton.LeftButton, pos=end)
    settle(qtbot, window, lambda: any(p.id == point.id and p.corrected for p in chart.points))
    dropped = chart.to_emotion(QPointF(end))
    moved = next(p for p in chart.points if p.id == point.id)
    assert (moved.valence, moved.arousal) == pytest.approx(dropped, abs=0.01)
    assert moved.octant == target == octant_of(moved.valence, moved.arousal)
    drawn = chart.to_widget(*display_position(moved))
    assert math.hypot(drawn.x() - end.x(), drawn.y() - end.y()) <= 1.0  # where it was let go
    settle(qtbot, window, lambda: getattr(window.model.video(point.id), "corrected", False))
    row = window.model.video(point.id)  # the table says the same
    assert row is not None and (row.octant, row.corrected) == (target, True)
    assert (row.valence, row.arousal) == pytest.approx(dropped, abs=0.01)
    said = window.notice.text()  # said in words
    assert f"as {tag_words(None, target)}, kept where you dropped it" in said, said
    assert shown_whole(window.notice)
    shots = os.environ.get("VER_SHOTS")  # a folder for the screenshots, if given
    if shots:
        window.grab().save(f"{shots}/issue23-map-after-drag.png")
    session = window.session
    assert session is not None
    box = (dropped[0] - 0.02, dropped[0] + 0.02, dropped[1] - 0.02, dropped[1] + 0.02)
    assert [r.id for r in session.library.videos(session.model, where=VideoFilter(
        region=box))] == [point.id]  # a region round the drop holds it
    window.library_view.filters.octant_buttons[target].setChecked(True)  # the filter agrees
    settle(qtbot, window, lambda: point.id in window.model.ids() and all(
        getattr(window.model.video(i), "octant", None) == target for i in window.model.ids()))
    window.library_view.filters.octant_buttons[target].setChecked(False)
    assert window.library_view.select_id(point.id)  # Tag > the same feeling, by the menu
    window.actions_by_name[f"octant:{target}"].trigger()
    settle(qtbot, window, lambda: next(
        (p for p in chart.points if p.id == point.id), moved).valence != moved.valence)
    again = next(p for p in chart.points if p.id == point.id)
    assert again.corrected and again.octant == target  # no point kept: the menu's rule
    inside = math.degrees(math.atan2(again.arousal, again.valence)) % 360 \
        - OCTANTS.index(target) * 45
    assert 7.5 <= inside <= 37.5  # well inside the part tagged, not by an axis


def test_the_table_and_the_menus_speak_in_words(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    model = window.model
    column = position("quadrant")
    assert model.headerData(column, Qt.Orientation.Horizontal) == "Emotion"
    said = [model.data(model.index(r, column)) for r in range(model.rowCount())]
    words = set(QUADRANT_NAMES.values())
    assert [s for s in said if s] and all(s in words for s in said if s), said
    assert not any("-" in (point_words(p)) for p in window.map.points)  # no PV-NA
    window.select_video(window.map.points[0].id)
    qtbot.waitUntil(lambda: window.details.row is not None, timeout=WAIT_MS)
    shown = window.details.fields["tag"].text()
    assert shown and not any(code in shown for code in QUADRANT_NAMES), shown
    menu = [a.text() for a in window.tag_menu.actions() if a.text()]
    assert not any(code in text for text in menu for code in QUADRANT_NAMES)
    quarters = [t for t in menu if t.startswith("Quarter:")]
    feelings = [t for t in menu if t.startswith("Feeling:")]
    assert len(quarters) == 4 and len(feelings) == 8
    filters = window.library_view.filters
    captions = {label.text() for label in filters.findChildren(QLabel)
                if label.isVisibleTo(window)}
    assert {"Quarter:", "Feeling:"} <= captions  # the "Happy" quarter beside the "happy" feeling


def test_ctrl_end_keeps_the_name_column_in_view(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.resize(window.minimumSizeHint().width(), window.height())
    table = window.library_view.table
    bar = table.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=WAIT_MS)  # more columns than room
    table.setFocus()
    table.setCurrentIndex(window.model.index(0, position("name")))
    qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert table.currentIndex().row() == window.model.rowCount() - 1
    assert bar.value() == 0  # the Name column still shows


def test_grid_captions_keep_the_name_and_the_emotion_apart(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view = window.library_view
    window.actions_by_name["grid"].setChecked(True)
    broken = next(r for r in visible_rows(window) if r.name == LONG_NAME)  # type: ignore[attr-defined]
    row = window.model.row_of(broken.id)  # type: ignore[attr-defined]
    assert row is not None
    option = QStyleOptionViewItem()
    option.rect = view.grid.visualRect(window.model.index(row, 0))
    option.fontMetrics = view.grid.fontMetrics()
    view.grid.itemDelegate().initStyleOption(option, window.model.index(row, 0))
    name, status = option.text.splitlines()
    assert status == "failed"  # its own line, not run into the name
    assert name.startswith("Copy of") and name.endswith(".mp4") and "…" in name
    assert option.fontMetrics.horizontalAdvance(name) <= option.rect.width()


def test_a_folder_dragged_over_the_window_is_welcomed_in_words(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(os.fspath(tmp_path))])
    enter = QDragEnterEvent(QPoint(300, 300), Qt.DropAction.CopyAction, data,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    overlay = window.drop_overlay
    assert shown_whole(overlay) and "Drop to add" in overlay.text()
    QApplication.sendEvent(window, QDragLeaveEvent())
    assert not overlay.isVisible()


def test_space_pauses_and_plays_the_preview(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    song = next(r for r in visible_rows(window) if r.name == "calm song.mp4")  # type: ignore[attr-defined]
    window.select_video(song.id)  # type: ignore[attr-defined]
    window.playback.preview(song.path, 1.0)  # type: ignore[attr-defined]
    player = window.player
    state = player.player.playbackState
    qtbot.waitUntil(lambda: state() == QMediaPlayer.PlaybackState.PlayingState,
                    timeout=WAIT_MS)
    window.library_view.table.setFocus()
    qtbot.keyClick(window.library_view.table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: state() == QMediaPlayer.PlaybackState.PausedState,
                    timeout=WAIT_MS)
    qtbot.keyClick(window.library_view.table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: state() == QMediaPlayer.PlaybackState.PlayingState,
                    timeout=WAIT_MS)
    search = window.library_view.filters.search
    search.setFocus()
    qtbot.keyClicks(search, "a b")  # typing a space in the search still types it
    assert search.text() == "a b"
    assert state() == QMediaPlayer.PlaybackState.PlayingState
    player.close_player()


def test_a_talk_video_stays_grey_when_it_is_the_one_selected(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = EmotionMap()
    qtbot.addWidget(chart)
    chart.resize(300, 300)
    talk = MapPoint(1, "Wedding speech", 0.9, 0.9, "PV-PA", "aroused", False,
                    mostly_speech=True)
    chart.set_points([talk])
    chart.set_highlight(1)
    spot = chart.to_widget(0.9, 0.9).toPoint()
    shown = chart.grab().toImage().pixelColor(spot)
    grey, orange = style.colour(None), style.colour("PV-PA")
    distance = (abs(shown.red() - grey.red()) + abs(shown.green() - grey.green())
                + abs(shown.blue() - grey.blue()))
    assert distance < 40, shown.name()
    assert shown.name() != orange.name()


def test_choosing_a_region_on_the_map_moves_nothing(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.resize(window.minimumSizeHint().width(), window.height())
    settle(qtbot, window)
    watched = (window.library_view.table, window.library_view.filters, window.map,
               window.details)
    before = [w.geometry() for w in watched]
    chosen = frozenset({window.map.points[0].id})
    window.map.region_selected.emit(chosen)
    settle(qtbot, window, lambda: window.model.ids() == sorted(chosen))
    label = window.library_view.filters.map_label
    assert shown_whole(label) and "1 chosen on the map" in label.text()
    assert [w.geometry() for w in watched] == before  # nothing jumped to make room
    window.library_view.filters.clear_map.click()
    settle(qtbot, window, lambda: len(window.model.ids()) == 4)
    assert [w.geometry() for w in watched] == before


def test_a_stretch_dragged_on_the_map_stays_where_it_is_dropped(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, data_dir: Path) -> None:
    import mediagen
    import numpy as np
    from test_gui_timeline import TIMELINE_WAIT_MS, scanned

    from ver_desktop.gui.sidebar import Place

    folder = tmp_path / "videos"
    folder.mkdir()
    mediagen.write_media(folder / "film.mp4", np.concatenate([mediagen.pad(60),
                                                              mediagen.drums(60)]))
    window, session = scanned(qtbot, tmp_path, data_dir, folder, 1)
    qtbot.waitUntil(lambda: not session.library.without_timeline(session.model),
                    timeout=TIMELINE_WAIT_MS)
    window.sidebar.select(Place("stretches"))
    chart = window.map
    qtbot.waitUntil(lambda: len(chart.points) >= 2, timeout=WAIT_MS)
    point = chart.points[0]
    target = next(o for o in ("tired", "aroused") if o != point.octant)
    angle = math.radians(OCTANTS.index(target) * 45 + 12)
    end = chart.to_widget(1.1 * math.cos(angle), 1.1 * math.sin(angle)).toPoint()
    qtbot.mousePress(chart, Qt.MouseButton.LeftButton,
                     pos=chart.to_widget(point.valence, point.arousal).toPoint())
    qtbot.mouseMove(chart, end)
    qtbot.mouseRelease(chart, Qt.MouseButton.LeftButton, pos=end)
    settle(qtbot, window, lambda: any(p.id == point.id and p.corrected for p in chart.points))
    moved = next(p for p in chart.points if p.id == point.id)
    drawn = chart.to_widget(*display_position(moved))
    assert math.hypot(drawn.x() - end.x(), drawn.y() - end.y()) <= 1.0
    assert moved.octant == target
    kept = {k.id: k for k in session.library.stretches(session.model)}
    assert (kept[point.id].stretch.valence, kept[point.id].stretch.arousal) == pytest.approx(
        chart.to_emotion(QPointF(end)), abs=0.01)
    assert sum(k.corrected for k in kept.values()) == 1  # that stretch only
    assert f"as {tag_words(None, target)}, kept where you dropped it" in window.notice.text()
    assert shown_whole(window.notice)
    other = chart.points[-1]  # Tag > a feeling on a stretch says what was saved, too
    window.stretches.select_stretch(other.id)
    qtbot.waitUntil(lambda: [k.id for k in window.stretches.selected()] == [other.id],
                    timeout=WAIT_MS)
    window.actions_by_name["octant:sleepy"].trigger()
    said = f"Tagged “{other.name}” as {tag_words(None, 'sleepy')}."
    settle(qtbot, window, lambda: said in window.notice.text())
    assert "kept where you dropped" not in window.notice.text() and shown_whole(window.notice)
    window.close()
    window.runner.wait()


def test_the_window_fits_half_a_full_hd_screen_with_nothing_cut(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow) -> None:
    narrowest = window.minimumSizeHint().width()
    assert narrowest <= 960  # half of a 1920-px screen (it was 1206)
    window.resize(narrowest, 800)
    window.select_video(window.map.points[0].id)
    details = window.details
    qtbot.waitUntil(lambda: details.body.isVisible(), timeout=WAIT_MS)
    settle(qtbot, window, lambda: window.width() == narrowest)
    filters = window.library_view.filters
    for label in (details.title, details.fields["tag"], details.fields["path"],
                  filters.confidence_label, *(c for c in filters.findChildren(QLabel)
                                              if c.text() in ("Quarter:", "Feeling:"))):
        assert shown_whole(label), label.text()
    for button in (*filters.quadrant_buttons.values(), *filters.octant_buttons.values(),
                   filters.include_talk, details.preview, details.folder_button):
        assert button.isVisibleTo(window) and button.width() >= button.sizeHint().width()
        inside = button.mapTo(window, QPoint(button.width(), 0)).x()
        assert inside <= window.width(), button.text()  # the bar wraps, never runs off
    assert filters.search.width() >= filters.search.minimumWidth()
    scroll = details.parentWidget().parentWidget()  # the pane's scroll area, never sideways
    assert details.width() <= scroll.width()
    assert window.map.width() >= window.map.minimumWidth() >= 260  # the map's names whole
    table = window.library_view.table
    name = position("name")
    assert table.columnViewportPosition(name) >= 0
    assert (table.columnViewportPosition(name) + table.columnWidth(name)
            <= table.viewport().width())  # the Name column shows whole
    shots = os.environ.get("VER_SHOTS")
    if shots:
        window.grab().save(f"{shots}/issue23-minimum-width.png")


def test_the_emotion_column_holds_its_longest_words(window: MainWindow) -> None:
    table = window.library_view.table
    font = table.font()
    font.setBold(True)  # a person's tag is bold, with a ✎
    metrics = QFontMetrics(font)
    longest = max(metrics.horizontalAdvance(f"{words} ✎")
                  for words in style.QUADRANT_NAMES.values())
    assert table.columnWidth(position("quadrant")) >= longest + 12  # and the cell's margins


def test_a_tag_from_the_menu_says_what_was_saved(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    song = next(r for r in visible_rows(window) if r.name == "calm song.mp4")  # type: ignore[attr-defined]
    assert window.library_view.select_id(song.id)  # type: ignore[attr-defined]
    window.actions_by_name["octant:pleased"].trigger()
    said = f"Tagged “calm song.mp4” as {tag_words(None, 'pleased')}."
    settle(qtbot, window, lambda: said in window.notice.text())
    assert shown_whole(window.notice)
    shots = os.environ.get("VER_SHOTS")
    if shots:
        window.grab().save(f"{shots}/issue23-menu-tag-notice.png")
    window.library_view.table.selectAll()  # two songs and two broken files
    count = len(window.library_view.selected_ids())
    qtbot.keyClick(window.library_view.table, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    settle(qtbot, window, lambda: f"Tagged {count} files as" in window.notice.text())
    shown = window.notice.text()
    assert f"Tagged {count} files as {tag_words('PV-PA', None)}." in shown
    assert "calm song" not in shown  # the older tag's notice is replaced, not added to
    assert shown_whole(window.notice)


def test_the_speech_warning_agrees_with_the_sound_line(qtbot) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from ver_desktop.core.library import VideoRow
    from ver_desktop.core.timeline import Stretch, Timeline
    from ver_desktop.gui.details import DetailsPane

    pane = DetailsPane()
    qtbot.addWidget(pane)
    pane.resize(340, 900)
    pane.show()
    # its analysed 30 s are talk (0:39-1:21), the rest of its 3 minutes music
    row = VideoRow(id=1, path="/v/talk then music.mp4", name="talk then music.mp4",
                   folder="/v", duration=180.0, status="ok", error_reason=None,
                   quadrant="NV-PA", octant="tensed", confidence=0.4, valence=-0.3,
                   arousal=0.3, corrected=False, model="m", segment=(45.0, 75.0),
                   mostly_speech=True, speech_likeness=0.9)
    stretches = [Stretch(0.0, 39.0, "PV-NA", "pleased", 0.5, -0.3),
                 Stretch(39.0, 81.0, "NV-PA", "tensed", -0.3, 0.3, speech=True),
                 Stretch(81.0, 180.0, "PV-NA", "pleased", 0.5, -0.3)]
    timeline = Timeline(15.0, 3.0, 180.0, np.zeros(56, np.float32), np.zeros(56, np.float32))
    pane.show_row(row)
    assert "Mostly speech" in pane.speech.text()  # before the timeline is known
    pane.set_timeline((timeline, stretches))
    warning, sound = pane.speech.text(), pane.sound.text()
    assert sound.startswith("Sound: music, with talk from 0:39 to 1:21"), sound
    assert "analysed part is mostly talk" in warning and "most of the file is music" in warning
    assert "Mostly speech" not in warning  # no longer at odds with the line below
    assert warning.count(".") == 1  # one short sentence
    assert shown_whole(pane.speech) and shown_whole(pane.sound)
    shots = os.environ.get("VER_SHOTS")
    if shots:
        pane.grab().save(f"{shots}/issue23-speech-warning-agrees.png")
    talk = [Stretch(0.0, 150.0, "NV-PA", "tensed", -0.3, 0.3, speech=True),
            Stretch(150.0, 180.0, "PV-NA", "pleased", 0.5, -0.3)]
    pane.set_timeline((timeline, talk))  # mostly talk, and so is the part analysed
    assert "Mostly speech" in pane.speech.text() and "mostly talk" in pane.sound.text()
    # flagged (talk under the music where the tag was read), but no stretch of talk there
    short = [Stretch(0.0, 39.0, "PV-NA", "pleased", 0.5, -0.3),
             Stretch(39.0, 60.0, "NV-PA", "tensed", -0.3, 0.3, speech=True),
             Stretch(60.0, 180.0, "PV-NA", "pleased", 0.5, -0.3)]
    pane.show_row(dataclasses.replace(row, segment=(150.0, 180.0)))
    pane.set_timeline((timeline, short))
    warning = pane.speech.text()
    assert "part the tag was read from" in warning and "most of the file is music" in warning
    assert pane.sound.text().startswith("Sound: music, with talk from 0:39 to 1:00")
    assert shown_whole(pane.speech)
