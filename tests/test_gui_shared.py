"""Two app windows on one shared library (PostgreSQL), as two people at two computers:
a scan in one and corrections and a playlist in the other, each seen by the other."""

from __future__ import annotations

import os
from pathlib import Path

from gui_helpers import WAIT_MS, make_collection, settings_at, settle, visible_rows
from pgserver import PostgresServer
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from ver_desktop.core import paths
from ver_desktop.core.library import Library
from ver_desktop.gui.main_window import MainWindow
from ver_desktop.gui.settings_dialog import LIBRARY_KEY, PATH_MAP_KEY, SettingsDialog


def shared_window(qtbot, folder: Path, url: str) -> MainWindow:  # type: ignore[no-untyped-def]
    """A window with its own data folder and settings on the library at `url`."""
    window = MainWindow(folder / "data", paths.bundled_model_dir(), settings_at(folder),
                        workers=1, library=url)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.session is not None, timeout=WAIT_MS)
    window.shared.timer.setInterval(200)  # the test need not wait 5 s for each look
    return window


def test_two_windows_on_one_shared_library_see_each_others_work(
        qtbot, tmp_path: Path, postgres: PostgresServer,  # type: ignore[no-untyped-def]
        media_files: dict[str, Path]) -> None:
    url = postgres.new_database("windows")
    first = shared_window(qtbot, tmp_path / "first", url)
    second = shared_window(qtbot, tmp_path / "second", url)
    folder = make_collection(tmp_path / "videos", media_files)
    first.add_paths([os.fspath(folder)])
    settle(qtbot, first)

    def tagged(window: MainWindow) -> list[object]:
        return [r for r in visible_rows(window) if r is not None and r.quadrant]

    qtbot.waitUntil(lambda: len(tagged(second)) == 2, timeout=WAIT_MS)  # the scan, seen
    row = tagged(second)[0]
    second.correct(octant="sleepy", ids=[row.id])  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: any(r is not None and r.id == row.id  # type: ignore[attr-defined]
                                and r.octant == "sleepy" and r.corrected
                                for r in visible_rows(first)), timeout=WAIT_MS)
    assert second.session is not None
    second.session.library.create_playlist("for Monday", "manual", video_ids=[row.id])  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "for Monday" in sidebar_names(first), timeout=WAIT_MS)
    for window in (first, second):
        window.close()
        window.runner.wait()
    postgres.drop_database(url)


def sidebar_names(window: MainWindow) -> list[str]:
    items = (window.sidebar.list.item(r).data(256) for r in range(window.sidebar.list.count()))
    return [item.playlist.name for item in items if getattr(item, "playlist", None)]


def local_window(qtbot, tmp_path: Path, monkeypatch) -> MainWindow:  # type: ignore[no-untyped-def]
    """A window on the library file in the test's data folder, whatever the environment."""
    monkeypatch.delenv(paths.LIBRARY_URL_ENV, raising=False)
    window = MainWindow(tmp_path / "data", paths.bundled_model_dir(), settings_at(tmp_path),
                        workers=1)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.session is not None, timeout=WAIT_MS)
    return window


def test_settings_keep_a_shared_librarys_address_and_this_computers_mounts(
        qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = local_window(qtbot, tmp_path, monkeypatch)
    dialog = SettingsDialog(window.state, [], parent=window)
    assert dialog.library_url.isEnabled() and dialog.library_url.text() == ""
    dialog.library_url.setText(" postgresql://me@server/music ")
    dialog.path_map.setText("/Volumes/Music=/shares/music")
    dialog.accept()
    assert window.settings.value(LIBRARY_KEY) == "postgresql://me@server/music"
    assert window.settings.value(PATH_MAP_KEY) == "/Volumes/Music=/shares/music"
    monkeypatch.setenv(paths.LIBRARY_URL_ENV, "postgresql://other@elsewhere/x")
    overridden = SettingsDialog(window.state, [], parent=window)
    assert not overridden.library_url.isEnabled()  # this run's library came from outside
    window.close()
    window.runner.wait()


def test_settings_refuse_a_path_map_that_would_corrupt_paths_and_say_why(
        qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 20, item 6: the map is checked before it is kept, the reason shown beside it
    with room for its words, and the dialog stays open to fix it."""
    window = local_window(qtbot, tmp_path, monkeypatch)
    dialog = SettingsDialog(window.state, [], parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path_map.setText("/mnt/a=/shares/music;/mnt/b=/shares/music")
    dialog.accept()
    problem = dialog.path_map_problem
    assert dialog.isVisible() and problem.isVisible()
    assert "both /mnt/a and /mnt/b" in problem.text()
    qtbot.waitUntil(lambda: problem.height() >= problem.heightForWidth(problem.width()),
                    timeout=WAIT_MS)
    assert window.settings.value(PATH_MAP_KEY) in (None, "")
    dialog.path_map.setText(r"/mnt/a\=b=/shares/ab")
    dialog.accept()
    assert not dialog.isVisible()
    assert window.settings.value(PATH_MAP_KEY) == r"/mnt/a\=b=/shares/ab"
    window.close()
    window.runner.wait()


def test_a_library_that_cannot_be_opened_leaves_settings_open_to_fix_it(
        qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """From the user test: the page said to check the address in Settings, which did not
    open without a library; and adding a folder said the library was "still opening"."""
    window = MainWindow(tmp_path / "data", paths.bundled_model_dir(), settings_at(tmp_path),
                        workers=1, library="postgresql://ver@127.0.0.1:1/nowhere")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "could not be opened" in window.empty.title.text(),
                    timeout=WAIT_MS)
    assert window.empty.hint.text().startswith("Cannot reach the shared library")
    assert "nowhere on 127.0.0.1" in window.windowTitle()
    window.add_paths([os.fspath(tmp_path)])
    assert "could not be opened" in window.statusBar().currentMessage()
    window.open_settings()
    qtbot.waitUntil(lambda: window.settings_dialog is not None
                    and window.settings_dialog.isVisible(), timeout=WAIT_MS)
    window.settings_dialog.reject()  # type: ignore[union-attr]
    window.close()
    window.runner.wait()


def test_a_server_that_stops_answering_is_said_once(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = PostgresServer.start()
    try:
        window = shared_window(qtbot, tmp_path, server.new_database("outage"))
        settle(qtbot, window)
        server.stop()
        qtbot.waitUntil(lambda: "Lost touch" in window.notice.text(), timeout=WAIT_MS)
        window.notice.setText("")  # had it been said at every look, it would come back
        looks = []
        read = window.shared.read

        def counted(*args: object) -> None:
            looks.append(args)
            read(*args)  # type: ignore[arg-type]

        window.shared.read = counted  # type: ignore[method-assign]
        qtbot.waitUntil(lambda: len(looks) >= 3, timeout=WAIT_MS)
        assert window.notice.text() == ""
        window.close()
        window.runner.wait()
    finally:
        server.stop()


def test_what_the_command_line_did_shows_when_the_window_comes_back(
        qtbot, tmp_path: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """From the user test: a playlist made with `ver-desktop playlist` beside the app did
    not appear until a restart (only shared libraries were watched)."""
    window = MainWindow(data_dir, paths.bundled_model_dir(), settings_at(tmp_path), workers=1)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.shared._stamp is not None, timeout=WAIT_MS)
    other = Library.at(paths.database_path(data_dir))  # the command line, as it opens it
    other.create_playlist("made in a terminal", "manual")
    other.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    QApplication.sendEvent(window, QEvent(QEvent.Type.ActivationChange))
    qtbot.waitUntil(lambda: "made in a terminal" in sidebar_names(window), timeout=WAIT_MS)
    window.close()
    window.runner.wait()
