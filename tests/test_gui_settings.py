"""The settings dialog's model chooser, offscreen, with real scans. The app bundles one model;
a second is installed beside it (a renamed copy) so switching between them can be tested."""

from __future__ import annotations

import json
import os
import shutil
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
from ver_desktop.core.model_choice import model_summary
from ver_desktop.gui.app import chosen_model
from ver_desktop.gui.main_window import MainWindow
from ver_desktop.gui.settings_dialog import SettingsDialog

SECOND = "ver-second"


@pytest.fixture
def two_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app's resources with a second model installed: the default, renamed."""
    resources = tmp_path / "resources"
    shutil.copytree(paths.resources_dir(), resources)
    second = resources / "models" / SECOND
    shutil.copytree(paths.bundled_model_dir(), second)
    meta = json.loads((second / "bundle.json").read_text())
    meta.update(name=SECOND, version="9.9.9", role="a second opinion")
    (second / "bundle.json").write_text(json.dumps(meta))
    monkeypatch.setenv(paths.RESOURCES_ENV, os.fspath(resources))
    return resources


@pytest.fixture
def window(qtbot, tmp_path: Path, data_dir: Path, two_models: Path,  # type: ignore[no-untyped-def]
           media_files: dict[str, Path]) -> MainWindow:
    bundled_model = paths.bundled_model_dir()
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
    assert names == paths.bundled_models() == sorted([paths.DEFAULT_MODEL, SECOND])
    assert dialog.chosen_model() == paths.DEFAULT_MODEL  # the one in use
    text = dialog.model_summary.text()
    heard = model_summary(paths.DEFAULT_MODEL).heard_right
    assert heard is not None and f"{round(heard * 10)} in 10 songs by artists" in text
    assert "accurate" in text and "minutes for 1,000 songs on a 2-core laptop" in text
    assert "F1" not in text  # plain words
    labels = [dialog.model.itemText(i) for i in range(dialog.model.count())]
    assert not any("@" in label for label in labels)  # what each is for, not its version
    assert not dialog.reanalyse.isEnabled()  # nothing to re-analyse with the same model
    assert "does not re-tag" in dialog.model_note.text()
    dialog.model.setCurrentIndex(dialog.model.findData(SECOND))
    assert "a second opinion" in dialog.model_summary.text()
    assert dialog.reanalyse.isEnabled()
    dialog.reject()


def test_a_new_model_tags_later_drops_and_keeps_other_tags_apart(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                  window: MainWindow) -> None:
    choose(open_dialog(qtbot, window), SECOND, reanalyse=False)
    qtbot.waitUntil(lambda: window.session is not None
                    and window.session.bundle.name == SECOND, timeout=30_000)
    assert chosen_model(window.settings) == SECOND  # used at the next start
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
    assert row.model is not None and row.model.startswith(f"{SECOND}@")  # type: ignore[attr-defined]


def test_re_analysing_with_another_model_keeps_corrections(qtbot, window: MainWindow  # type: ignore[no-untyped-def]
                                                           ) -> None:
    row = next(r for r in visible_rows(window) if r.status == "ok")  # type: ignore[attr-defined]
    assert window.library_view.select_id(row.id)
    window.actions_by_name["octant:sleepy"].trigger()
    settle(qtbot, window, lambda: window.model.video(row.id) is not None
           and window.model.video(row.id).corrected)  # type: ignore[union-attr]
    with qtbot.waitSignal(window.scans.finished, timeout=120_000):
        choose(open_dialog(qtbot, window), SECOND, reanalyse=True)
    settle(qtbot, window, lambda: all(visible_rows(window)))
    rows = {r.id: r for r in visible_rows(window)}  # type: ignore[attr-defined]
    assert rows[row.id].corrected and rows[row.id].octant == "sleepy"
    tagged = [r for r in rows.values() if r.status == "ok"]
    assert tagged and all(r.model.startswith(f"{SECOND}@") for r in tagged)


def test_after_a_model_switch_the_timeline_job_works_for_the_new_model(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow) -> None:
    """The job reads the model from the application state when it starts: after a switch
    (and the re-analysis it asked for) the files get the new model's timelines, and no job
    runs for the old one any more."""
    session = window.session
    assert session is not None
    old = session.model
    seen: list[object] = []
    window.timelines.stored.connect(lambda _id: seen.append(window.timelines.model))
    window.set_timelines(True)  # a job starts for the model in use
    with qtbot.waitSignal(window.scans.finished, timeout=120_000):
        choose(open_dialog(qtbot, window), SECOND, reanalyse=True)
    fresh = window.session
    assert fresh is not None and fresh.model != old and fresh.model.name == SECOND
    seen.clear()  # what the job stores from now on
    settle(qtbot, window, lambda: all(visible_rows(window)))
    tagged = [r for r in visible_rows(window) if r.status == "ok"]  # type: ignore[attr-defined]
    assert tagged
    qtbot.waitUntil(lambda: not fresh.library.without_timeline(fresh.model)
                    and not window.timelines.busy, timeout=240_000)
    for row in tagged:
        assert fresh.library.timeline(row.id, fresh.model) is not None  # type: ignore[attr-defined]
    assert seen and all(model == fresh.model for model in seen)
