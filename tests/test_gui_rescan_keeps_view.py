"""A rescan nobody asked for (the folder watcher's, after files in the library were
rewritten) leaves the window as the person had it: the rows they selected stay selected,
and the outcome they were reading stays in view. A rescan the person asked for still
says its outcome."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_helpers import WAIT_MS, make_collection, scanned_window, settle, shown_whole, visible_rows
from PySide6.QtCore import Qt

from ver_desktop.gui.main_window import MainWindow
from ver_desktop.gui.scanning import ScanController, ScanRequest, found_nothing
from ver_desktop.gui.tasks import TaskRunner

NOTICE = "Moods written: 6 files written"


@pytest.fixture
def folder(tmp_path: Path, media_files: dict[str, Path]) -> Path:
    folder = make_collection(tmp_path / "videos", media_files)  # 2 songs, 1 broken file
    for name in ("notes a.mp4", "notes b.mp4", "notes c.mp4"):  # broken: fail at once
        (folder / name).write_text("not a video at all\n" * 40)
    return folder


@pytest.fixture
def window(qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path,  # type: ignore[no-untyped-def]
           folder: Path) -> MainWindow:
    window = scanned_window(qtbot, tmp_path, data_dir, bundled_model, folder,
                            lambda w: len(w.model.ids()) == 6 and all(visible_rows(w))
                            and w.watcher.roots != [])
    window.watcher.poll.stop()  # only the directory watch starts the scan below
    yield window
    window.close()


def click_rows(qtbot, window: MainWindow, rows: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Select rows as a person does: a click on the first, Ctrl+click on the others."""
    table = window.library_view.table
    for n, row in enumerate(rows):
        where = table.visualRect(window.model.index(row, 1)).center()
        modifier = Qt.KeyboardModifier.ControlModifier if n else Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, where)


def watcher_rescan(qtbot, window: MainWindow, folder: Path) -> object:  # type: ignore[no-untyped-def]
    """What writing moods into the files does: a hidden file comes and goes in the folder
    (the copy written beside each file), the folder watcher sees the folder change and
    rescans it. Returns the scan's summary once the table has read its rows again."""
    events: list[str] = []
    window.model.modelReset.connect(lambda: events.append("reset"))
    window.scans.finished.connect(lambda *_: events.append("finished"))
    with qtbot.waitSignal(window.scans.finished, timeout=WAIT_MS) as finished:
        hidden = folder / ".calm song.mp4.writing"
        hidden.write_bytes(b"half a file")
        hidden.unlink()
    assert window.scans.automatic is False  # the scan has ended
    # the announced change reads the id list again: wait for that reset
    settle(qtbot, window, lambda: "finished" in events
           and "reset" in events[events.index("finished"):])
    return finished.args[0]


def test_a_watcher_rescan_keeps_the_selected_rows(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                   folder: Path) -> None:
    click_rows(qtbot, window, [0, 2, 4])
    view = window.library_view
    chosen = [window.model.id_at(r) for r in (0, 2, 4)]
    assert view.selected_ids() == chosen and view.current_id() == chosen[2]

    summary = watcher_rescan(qtbot, window, folder)

    assert found_nothing(summary)  # the same no-op rescan the person met
    assert view.selected_ids() == chosen  # not only the current row
    assert view.current_id() == chosen[2]
    assert window.selection()[0] == chosen  # what actions on "the selected files" get


def test_a_selected_row_gone_from_the_list_leaves_the_others_selected(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow) -> None:
    click_rows(qtbot, window, [1, 3, 5])
    view = window.library_view
    chosen = [window.model.id_at(r) for r in (1, 3, 5)]
    gone = chosen[0]
    resets: list[int] = []
    window.model.modelReset.connect(lambda: resets.append(1))
    window.state.apply("forget the file", lambda s: _forget(s, gone))
    settle(qtbot, window, lambda: bool(resets) and window.model.row_of(gone) is None)
    assert view.selected_ids() == chosen[1:]
    assert view.current_id() == chosen[2]


def _forget(session, video_id: int):  # type: ignore[no-untyped-def]
    from ver_desktop.core.usecases.folders import forget_files

    return forget_files(session.library, [video_id])


def test_a_watcher_rescan_that_found_nothing_keeps_the_notice_in_view(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, folder: Path) -> None:
    window.state.keep_in_view(NOTICE)
    qtbot.waitUntil(lambda: shown_whole(window.notice), timeout=WAIT_MS)

    shown_during: list[bool] = []
    window.scans.started.connect(lambda: shown_during.append(window.notice.isVisible()))
    said: list[str] = []
    window.scans.finished.connect(lambda *_: said.append(window.statusBar().currentMessage()))
    watcher_rescan(qtbot, window, folder)

    assert shown_during == [True]  # not pushed away while the scan ran
    assert NOTICE in window.notice.text() and shown_whole(window.notice)
    assert "nothing new" in said[0]  # said in passing, in the status bar


def test_a_rescan_the_person_asked_for_still_says_its_outcome(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow) -> None:
    window.state.keep_in_view(NOTICE)
    qtbot.waitUntil(lambda: shown_whole(window.notice), timeout=WAIT_MS)
    with qtbot.waitSignal(window.scans.finished, timeout=WAIT_MS) as finished:
        window.rescan()  # File > Rescan
    assert found_nothing(finished.args[0])
    settle(qtbot, window, lambda: "Done: nothing new" in window.notice.text())
    assert NOTICE not in window.notice.text() and shown_whole(window.notice)


def test_the_person_asking_for_a_queued_watcher_scan_makes_it_theirs(qtbot) -> None:  # type: ignore[no-untyped-def]
    scans = ScanController(TaskRunner(), lambda: 1, lambda: None)  # no library: scans wait
    scans.request(["/videos"], automatic=True)
    scans.request(["/videos"])
    scans.request(["/videos"], automatic=True)
    assert scans._queue == [ScanRequest(("/videos",))]


@pytest.fixture
def long_window(qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path  # type: ignore[no-untyped-def]
                ) -> tuple[MainWindow, Path]:
    """A library of 60 files, more than the table shows at once (broken ones: a scan
    takes them in at once)."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(60):
        (folder / f"clip {n:02d}.mp4").write_text("not a video at all\n" * 40)
    window = scanned_window(qtbot, tmp_path, data_dir, bundled_model, folder,
                            lambda w: len(w.model.ids()) == 60 and w.watcher.roots != [])
    window.watcher.poll.stop()
    yield window, folder
    window.close()


def test_a_rescan_that_adds_a_row_above_keeps_the_scroll_and_the_selection(  # type: ignore[no-untyped-def]
        qtbot, long_window: tuple[MainWindow, Path]) -> None:
    window, folder = long_window
    table = window.library_view.table
    table.verticalScrollBar().setValue(30)
    qtbot.waitUntil(lambda: table.rowAt(0) == 30, timeout=WAIT_MS)
    click_rows(qtbot, window, [31, 33, 35])
    chosen = [window.model.id_at(r) for r in (31, 33, 35)]
    top = window.model.id_at(30)

    (folder / "a first clip.mp4").write_text("sorts before the others\n")  # a row above
    with qtbot.waitSignal(window.scans.finished, timeout=WAIT_MS) as finished:
        pass  # the folder watcher saw the new file
    assert finished.args[0].new == 1
    settle(qtbot, window, lambda: len(window.model.ids()) == 61)

    assert window.library_view.selected_ids() == chosen
    assert window.library_view.current_id() == chosen[2]
    assert window.model.id_at(table.rowAt(0)) == top  # the same rows in view
