"""File > Write moods… (gui/write_moods.py, issue 25) on a small real library: Preview lists
the files and writes nothing, Write puts the moods into the files (exiftool reads them
back) with the summary shown whole in the dialog and kept in the window's notice, and Undo
puts them back. With VER_SHOTS (a folder) set, the dialog is saved there."""

from __future__ import annotations

import os
from pathlib import Path

from gui_helpers import WAIT_MS, open_window, settings_at, shown_whole
from test_filetags import exiftool_tags
from test_usecases_moods import small_library

from ver_desktop.core.usecases.moods import MoodsWritten
from ver_desktop.gui import write_moods
from ver_desktop.gui.write_moods import WriteMoodsDialog


def answer_put_back(monkeypatch, yes: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """Put back as before asks first: answer `yes` (or Cancel); returns what was asked."""
    asked: list[str] = []

    def answer(_parent: object, preview: MoodsWritten) -> bool:
        asked.append(preview.summary)
        return yes

    monkeypatch.setattr(write_moods, "confirm_put_back", answer)
    return asked


def test_preview_write_and_undo_from_the_file_menu(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                   data_dir: Path, bundled_model: Path,
                                                   monkeypatch) -> None:
    files = small_library(data_dir, tmp_path / "media")
    song, video = files["song"], files["video"]
    window = open_window(qtbot, data_dir, bundled_model, settings_at(tmp_path))
    # its background preparing for learning ends with a notice of its own: wait it out
    qtbot.waitUntil(lambda: not window.embeddings.busy, timeout=WAIT_MS)
    window.actions_by_name["write_moods"].trigger()
    dialog = window.write_moods_dialog
    assert isinstance(dialog, WriteMoodsDialog) and dialog.isVisible()
    assert dialog.every_file.isChecked()  # nothing selected: every file in the library
    assert dialog.tags.isChecked() and dialog.nfo.isChecked()
    before = song.read_bytes()

    def lines() -> list[str]:
        return [dialog.lines.item(r).text() for r in range(dialog.lines.count())]

    dialog.preview.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.lines.count() > 0, timeout=WAIT_MS)
    assert any("calm song.mp3" in line for line in lines())
    assert dialog.summary.text().startswith("Nothing was written (a preview)")
    assert song.read_bytes() == before and not video.with_suffix(".nfo").exists()

    dialog.write.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.lines.count() > 0, timeout=WAIT_MS)
    assert dialog.summary.text().startswith("3 files written"), lines()
    assert "mood" in exiftool_tags(song)
    assert exiftool_tags(video)["mood"] == "tense, angry (tensed)"
    assert video.with_suffix(".nfo").is_file()
    qtbot.waitUntil(lambda: shown_whole(dialog.summary), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: shown_whole(window.notice), timeout=WAIT_MS)
    assert "3 files written" in window.notice.text()
    shots = os.environ.get("VER_SHOTS")  # a folder for the screenshots, if given
    if shots:
        assert dialog.grab().save(f"{shots}/issue25-write-moods.png")

    asked = answer_put_back(monkeypatch, yes=False)  # Cancel: nothing is put back
    dialog.undo.click()
    qtbot.waitUntil(lambda: not dialog.busy and asked != [], timeout=WAIT_MS)
    assert asked == ["Nothing was changed (a preview): 3 files would be put back as they "
                     "were."]
    assert "mood" in exiftool_tags(song) and video.with_suffix(".nfo").exists()
    asked = answer_put_back(monkeypatch, yes=True)
    dialog.undo.click()
    qtbot.waitUntil(lambda: not dialog.busy and "as they were." in dialog.summary.text()
                    and not dialog.summary.text().startswith("Nothing"), timeout=WAIT_MS)
    assert dialog.summary.text() == "3 files put back as they were.", lines()
    assert "mood" not in exiftool_tags(song) and "mood" not in exiftool_tags(video)
    assert not video.with_suffix(".nfo").exists()
    assert "put back" in window.notice.text()
    dialog.close()
    window.close()


def test_the_selected_files_only_and_nothing_chosen(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                   data_dir: Path, bundled_model: Path,
                                                   monkeypatch) -> None:
    files = small_library(data_dir, tmp_path / "media")
    window = open_window(qtbot, data_dir, bundled_model, settings_at(tmp_path))
    # its background preparing for learning ends with a notice of its own: wait it out
    qtbot.waitUntil(lambda: not window.embeddings.busy, timeout=WAIT_MS)
    def song_id() -> int | None:  # the table loads off the UI thread: wait for the row
        return next((i for i in window.model.ids()
                     if getattr(window.model.video(i), "path", "") == os.fspath(files["song"])),
                    None)

    qtbot.waitUntil(lambda: song_id() is not None, timeout=WAIT_MS)
    song = song_id()
    assert song is not None
    window.select_video(song)
    qtbot.waitUntil(lambda: window.library_view.selected_ids() == [song], timeout=WAIT_MS)
    window.open_write_moods()
    dialog = window.write_moods_dialog
    assert dialog is not None and dialog.only_selected.isChecked()
    dialog.write.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.lines.count() > 0, timeout=WAIT_MS)
    assert dialog.summary.text() == "1 file written.", dialog.summary.text()
    assert "mood" in exiftool_tags(files["song"]) and "mood" not in exiftool_tags(files["video"])
    assert dialog.only_selected.text() == "The selected files (1)"

    # Put back as before follows the choices: NFO files only (the song has none) ...
    asked = answer_put_back(monkeypatch, yes=True)
    dialog.tags.setChecked(False)
    dialog.undo.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.summary.text().startswith("There was"),
                    timeout=WAIT_MS)
    assert "mood" in exiftool_tags(files["song"])
    # ... then the selected song's own tags
    dialog.tags.setChecked(True)
    dialog.nfo.setChecked(False)
    assert not dialog.new_nfo.isEnabled()  # it is about NFO files
    dialog.undo.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.summary.text().startswith("1 file put"),
                    timeout=WAIT_MS)
    assert dialog.summary.text() == "1 file put back as it was.", dialog.summary.text()
    assert len(asked) == 1  # asked once: the first look found nothing to put back
    assert "mood" not in exiftool_tags(files["song"])

    dialog.tags.setChecked(False)
    assert not dialog.write.isEnabled() and not dialog.preview.isEnabled()
    assert not dialog.undo.isEnabled()
    dialog.close()
    window.open_write_moods()  # opened again: the last run's lines are not shown as new
    assert window.write_moods_dialog is dialog and dialog.lines.count() == 0
    assert dialog.summary.text().startswith("Preview lists what would change")
    dialog.close()
    window.close()
