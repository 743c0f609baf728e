"""The settings dialog's model chooser, offscreen, with both bundled models and real scans."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gui_helpers import (
    extra_clip,
    make_collection,
    scan_and_wait,
    scanned_window,
    settle,
    visible_rows,
)

from ver_desktop.core import paths
from ver_desktop.gui.app import chosen_model
from ver_desktop.gui.main_window import MainWindow
from ver_desktop.gui.settings_dialog import SettingsDialog


@pytest.fixture
def window(qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path,  # type: ignore[no-untyped-def]
           media_files: dict[str, Path]) -> MainWindow:
    folder = make_collection(tmp_path / "videos", media_files)
    window = scanned_window(qtbot, tmp_path, data_dir, bundled_model, folder,
                            lambda w: all(visible_rows(w)))
    yield window
    window.close()


def open_dialog(qtbot, window: MainWindow) -> SettingsDialog:  # type: ignore[no-untyped-def]
    window.settings_dialog = None
    window.open_settings()
    qtbot.waitUntil(lambda: window.settings_dialog is not None, timeout=10_000)
    assert window.settings_dialog is not None
    return window.settings_dialog


def choose(dialog: SettingsDialog, name: str, *, reanalyse: bool) -> None:
    dialog.model.setCurrentIndex(dialog.model.findData(name))
    dialog.reanalyse.setChecked(reanalyse)
    dialog.accept()


def test_the_dialog_lists_each_bundled_model_with_its_speed(qtbot, window: MainWindow  # type: ignore[no-untyped-def]
                                                            ) -> None:
    dialog = open_dialog(qtbot, window)
    names = [dialog.model.itemData(i) for i in range(dialog.model.count())]
    assert names == paths.bundled_models() == ["ver-lstm", "ver-musicnn"]
    assert dialog.chosen_model() == "ver-lstm"  # the one in use
    assert "fast" in dialog.model_summary.text() and " ms " in dialog.model_summary.text()
    assert not dialog.reanalyse.isEnabled()  # nothing to re-analyse with the same model
    assert "does not re-tag" in dialog.model_note.text()
    dialog.model.setCurrentIndex(dialog.model.findData("ver-musicnn"))
    assert "accurate" in dialog.model_summary.text() and "F1" in dialog.model_summary.text()
    assert dialog.reanalyse.isEnabled()
    dialog.reject()


def test_a_new_model_tags_later_drops_and_keeps_other_tags_apart(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                  window: MainWindow) -> None:
    choose(open_dialog(qtbot, window), "ver-musicnn", reanalyse=False)
    qtbot.waitUntil(lambda: window.session is not None
                    and window.session.bundle.name == "ver-musicnn", timeout=30_000)
    assert chosen_model(window.settings) == "ver-musicnn"  # used at the next start
    settle(qtbot, window, lambda: all(visible_rows(window)))
    ok = [r for r in visible_rows(window) if r.status == "ok"]  # type: ignore[attr-defined]
    assert ok and all(r.quadrant is None for r in ok)  # not re-tagged behind the user's back
    position = window.model.row_of(ok[0].id)
    assert position is not None
    assert window.model.index(position, 8).data() == "not analysed by this model"
    clip = extra_clip(tmp_path / "new.mp4")
    scan_and_wait(qtbot, window, [os.fspath(clip)])
    settle(qtbot, window, lambda: window.model.rowCount() == 4 and all(visible_rows(window)))
    row = next(r for r in visible_rows(window) if r.name == "new.mp4")  # type: ignore[attr-defined]
    assert row.model is not None and row.model.startswith("ver-musicnn@")  # type: ignore[attr-defined]


def test_re_analysing_with_another_model_keeps_corrections(qtbot, window: MainWindow  # type: ignore[no-untyped-def]
                                                           ) -> None:
    row = next(r for r in visible_rows(window) if r.status == "ok")  # type: ignore[attr-defined]
    assert window.library_view.select_id(row.id)
    window.actions_by_name["octant:sleepy"].trigger()
    settle(qtbot, window, lambda: window.model.video(row.id) is not None
           and window.model.video(row.id).corrected)  # type: ignore[union-attr]
    with qtbot.waitSignal(window.scans.finished, timeout=120_000):
        choose(open_dialog(qtbot, window), "ver-musicnn", reanalyse=True)
    settle(qtbot, window, lambda: all(visible_rows(window)))
    rows = {r.id: r for r in visible_rows(window)}  # type: ignore[attr-defined]
    assert rows[row.id].corrected and rows[row.id].octant == "sleepy"
    tagged = [r for r in rows.values() if r.status == "ok"]
    assert tagged and all(r.model.startswith("ver-musicnn@") for r in tagged)
