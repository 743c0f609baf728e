"""It learns from you, in the window (issue 22), offscreen on a real library of generated
music and the bundled model: the refit after a person's tags (one after several quick
ones), Tag > That's right, the Help it learn view and its keys, the agreement sentence,
the details pane's "adjusted to your tags", and Settings' on/off."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from gui_helpers import (
    WAIT_MS,
    extra_clip,
    make_collection,
    scanned_window,
    settle,
    shown_whole,
    visible_rows,
)
from PySide6.QtCore import Qt

from ver_desktop.core.changes import Changes
from ver_desktop.core.library import VideoRow
from ver_desktop.core.usecases import learning, tags
from ver_desktop.gui.help_learn import HelpItLearnDialog
from ver_desktop.gui.main_window import MainWindow
from ver_desktop.gui.settings_dialog import SettingsDialog

MUSIC = 6  # files it can ask about: the collection's two songs and four more


@pytest.fixture
def window(qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path,  # type: ignore[no-untyped-def]
           media_files: dict[str, Path]) -> MainWindow:
    folder = make_collection(tmp_path / "videos", media_files)  # and one broken file
    for seed, name in enumerate(("drums", "waltz", "march", "lullaby"), start=21):
        extra_clip(folder / f"{name}.wav", seed=seed)
    window = scanned_window(qtbot, tmp_path, data_dir, bundled_model, folder,
                            lambda w: len(visible_rows(w)) == MUSIC + 1
                            and all(visible_rows(w)) and len(w.map.points) == MUSIC)
    yield window
    window.close()


def stored(window: MainWindow, video_id: int) -> VideoRow:
    session = window.session
    assert session is not None
    return session.library.rows(session.model, [video_id])[video_id]


def learned(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Wait until no refit is due or running and every background task is done."""
    settle(qtbot, window, lambda: not window.learning.busy)


def open_help(qtbot, window: MainWindow) -> HelpItLearnDialog:  # type: ignore[no-untyped-def]
    window.open_help_learn()
    dialog = window.help_learn
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.current is not None, timeout=WAIT_MS)
    return dialog


def test_several_quick_tags_make_one_refit_after_the_last(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """Each tag saved, then the layer refitted in the background, once for a burst of tags
    and after the last of them (the writer runs them in order)."""
    happened: list[str] = []
    tag_videos = tags.tag_videos

    def tagging(*args, **kwargs):  # type: ignore[no-untyped-def]
        happened.append("tag")
        return tag_videos(*args, **kwargs)

    def relearn(*_args, **_kwargs) -> Changes:  # type: ignore[no-untyped-def]
        happened.append("relearn")
        return Changes()

    monkeypatch.setattr(tags, "tag_videos", tagging)
    monkeypatch.setattr(learning, "relearn", relearn)
    ids = [r.id for r in visible_rows(window) if r.status == "ok"]  # type: ignore[attr-defined]
    for video_id, quadrant in zip(ids, ("PV-PA", "NV-NA", "PV-NA", "NV-PA", "PV-PA"),
                                  strict=False):
        window.correct(quadrant=quadrant, ids=[video_id])
    learned(qtbot, window)
    assert happened.count("tag") == 5
    assert 1 <= happened.count("relearn") <= 2  # one burst, one refit (two if it was slow)
    assert happened[-1] == "relearn"  # the last tag is learned from


def test_thats_right_keeps_the_shown_tag_as_the_persons(qtbot, window: MainWindow  # type: ignore[no-untyped-def]
                                                         ) -> None:
    row = next(r for r in visible_rows(window) if r.status == "ok")  # type: ignore[attr-defined]
    window.select_video(row.id)
    assert window.library_view.current_id() == row.id
    window.library_view.table.setFocus()
    window.actions_by_name["thats_right"].trigger()
    qtbot.waitUntil(lambda: stored(window, row.id).corrected, timeout=WAIT_MS)
    learned(qtbot, window)
    kept = stored(window, row.id)
    assert (kept.quadrant, kept.octant) == (row.quadrant, row.octant)
    assert window.actions_by_name["thats_right"].shortcut().toString() == "Ctrl+Return"


def test_help_it_learn_asks_and_one_key_answers(qtbot, window: MainWindow  # type: ignore[no-untyped-def]
                                                ) -> None:
    dialog = open_help(qtbot, window)
    assert dialog.isVisible()
    for label in (dialog.name, dialog.hears):
        assert label.text()
        assert shown_whole(label), label.text()
    first = dialog.current
    assert first is not None and dialog.name.text() == first.name
    assert all(button.isVisible() and button.width() >= button.sizeHint().width()
               for button in [*dialog.answers.values(), dialog.right, dialog.skip])

    qtbot.keyClick(dialog, Qt.Key.Key_1)  # happy, excited
    qtbot.waitUntil(lambda: dialog.current is not None
                    and dialog.current.video_id != first.video_id, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: stored(window, first.video_id).corrected, timeout=WAIT_MS)
    assert stored(window, first.video_id).quadrant == "PV-PA"

    second = dialog.current
    assert second is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # that's right
    qtbot.waitUntil(lambda: stored(window, second.video_id).corrected, timeout=WAIT_MS)
    assert stored(window, second.video_id).quadrant == second.quadrant
    learned(qtbot, window)
    # Neither is asked again; the sentence counts both tags.
    qtbot.waitUntil(lambda: "Of your last 2 tags" in dialog.agreement.text(), timeout=WAIT_MS)
    assert shown_whole(dialog.agreement)
    assert dialog.current is None or dialog.current.video_id not in (first.video_id,
                                                                     second.video_id)
    assert all(q.video_id not in (first.video_id, second.video_id) for q in dialog.queue)
    assert "2 of your tags" in dialog.learned.text()


def test_help_it_learn_says_when_nothing_is_left(qtbot, window: MainWindow  # type: ignore[no-untyped-def]
                                                 ) -> None:
    dialog = open_help(qtbot, window)
    for _ in range(MUSIC):
        qtbot.waitUntil(lambda: dialog.current is not None or dialog.pages.currentIndex() == 1,
                        timeout=WAIT_MS)
        if dialog.current is None:
            break
        qtbot.keyClick(dialog, Qt.Key.Key_S)  # skip
    learned(qtbot, window)
    qtbot.waitUntil(lambda: "Nothing left to ask" in dialog.empty.text(), timeout=WAIT_MS)
    assert dialog.pages.currentIndex() == 1 and shown_whole(dialog.empty)
    assert "you skipped" in dialog.empty.text()


def test_the_details_pane_says_a_tag_was_adjusted(qtbot, window: MainWindow  # type: ignore[no-untyped-def]
                                                  ) -> None:
    row = next(r for r in visible_rows(window) if r.status == "ok")  # type: ignore[attr-defined]
    adjusted = dataclasses.replace(row, quadrant="PV-NA", octant="pleased", adjusted=True,
                                   own_quadrant="NV-PA", own_octant="tensed")
    window.details.show_row(adjusted)
    line = window.details.fields["adjusted"]
    assert line.text() == "Adjusted to your tags (the model said tense, angry)"
    qtbot.waitUntil(lambda: shown_whole(line), timeout=WAIT_MS)  # once laid out
    within = dataclasses.replace(adjusted, own_quadrant="PV-NA", own_octant="sleepy")
    window.details.show_row(within)  # the same quarter: the emotion within it moved
    assert line.text() == "Adjusted to your tags (the model said sleepy)"
    window.details.show_row(dataclasses.replace(adjusted, corrected=True))  # a person's tag
    assert "your tag" in window.details.fields["tag"].text()
    assert not line.isVisibleTo(window.details)
    window.details.show_row(dataclasses.replace(row, adjusted=False))
    assert not line.isVisibleTo(window.details)


def open_settings(qtbot, window: MainWindow) -> SettingsDialog:  # type: ignore[no-untyped-def]
    window.settings_dialog = None
    window.open_settings()
    qtbot.waitUntil(lambda: window.settings_dialog is not None
                    and window.settings_dialog.learning_known is not None, timeout=WAIT_MS)
    assert window.settings_dialog is not None
    return window.settings_dialog


def test_settings_turns_learning_off_and_every_file_shows_the_models_tag(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow) -> None:
    rows = [r for r in visible_rows(window) if r.status == "ok"]  # type: ignore[attr-defined]
    for row in rows[:3]:  # three tags, all "sad": the layer leans that way
        window.correct(quadrant="NV-NA", ids=[row.id])
    learned(qtbot, window)
    dialog = open_settings(qtbot, window)
    assert dialog.learn.isChecked()  # on by default
    assert "Learned from 3 of your tags" in dialog.learning_words.text()
    assert shown_whole(dialog.learning_words)
    dialog.learn.setChecked(False)
    dialog.accept()
    learned(qtbot, window)
    session = window.session
    assert session is not None
    qtbot.waitUntil(lambda: not learning.state(session.library, session.model).enabled,
                    timeout=WAIT_MS)
    for row in session.library.rows(session.model, [r.id for r in rows]).values():
        assert not row.adjusted
        if not row.corrected:
            assert row.quadrant == row.own_quadrant and row.octant == row.own_octant
    again = open_settings(qtbot, window)
    assert not again.learn.isChecked()
    assert "off" in again.learning_words.text()
    again.reject()


def test_forget_asks_first_and_keeps_the_tags(qtbot, window: MainWindow  # type: ignore[no-untyped-def]
                                              ) -> None:
    row = next(r for r in visible_rows(window) if r.status == "ok")  # type: ignore[attr-defined]
    window.correct(quadrant="NV-NA", ids=[row.id])
    learned(qtbot, window)
    dialog = open_settings(qtbot, window)
    assert dialog.forget_button.isEnabled()
    dialog.forget_button.click()
    box = dialog.forget_box
    assert "Your tags themselves stay" in box.text()
    forget = next(b for b in box.buttons() if b.text() == "Forget")
    forget.click()
    qtbot.waitUntil(lambda: "none yet" in dialog.learning_words.text(), timeout=WAIT_MS)
    assert stored(window, row.id).corrected and stored(window, row.id).quadrant == "NV-NA"


def test_help_it_learn_on_an_empty_library_says_why_nothing_is_asked(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path) -> None:
    from gui_helpers import open_window, settings_at

    window = open_window(qtbot, data_dir, bundled_model, settings_at(tmp_path))
    try:
        window.open_help_learn()
        dialog = window.help_learn
        assert dialog is not None
        qtbot.waitUntil(lambda: "no file in the library has been analysed"
                        in dialog.empty.text(), timeout=WAIT_MS)
        assert dialog.pages.currentIndex() == 1 and shown_whole(dialog.empty)
    finally:
        window.close()



def test_thats_right_in_help_it_learn_saves_the_emotion_its_card_names(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow) -> None:
    """A refit may move the file between the card showing and Enter: the person confirmed
    what they read, so that is what is saved (a user test saw another emotion saved)."""
    dialog = open_help(qtbot, window)
    asked = dialog.current
    assert asked is not None
    # The card names an emotion in another quarter than the file shows by now.
    other = next(o for o in ("sleepy", "tensed") if o != asked.octant
                 and stored(window, asked.video_id).octant != o)
    quadrant = {"sleepy": "PV-NA", "tensed": "NV-PA"}[other]
    dialog.current = dataclasses.replace(asked, quadrant=quadrant, octant=other)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stored(window, asked.video_id).corrected, timeout=WAIT_MS)
    row = stored(window, asked.video_id)
    assert (row.quadrant, row.octant) == (quadrant, other)
