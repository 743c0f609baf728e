"""File > Export library table… and File > Import tags… (gui/table_io.py, issue 25) on a
small real library: the export writes CSV and JSON that read back as the library, and says
so in the window; an import shows its dry run first (the files it would tag, the lines it
could not use with their line numbers), and Tag these files sets the person's tags, which
the table then shows and the personal layer learns from. Only the modal file dialogs are
replaced. With VER_SHOTS (a folder) set, the import's preview is saved there."""

from __future__ import annotations

import csv
import json
import os
from itertools import pairwise
from pathlib import Path

import pytest
from gui_helpers import WAIT_MS, open_window, settings_at, shown_whole
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from test_usecases_moods import small_library

from ver_desktop.gui import table_io
from ver_desktop.gui.columns import position
from ver_desktop.gui.main_window import MainWindow

CODES = ("PV-", "NV-")  # quadrant codes: for files, never for a person's eyes


def ready_window(qtbot, data_dir: Path, bundle: Path, folder: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    """The window once its background preparing for learning is over: its notice (the
    small library's files are too short to prepare) would replace the one under test."""
    window = open_window(qtbot, data_dir, bundle, settings_at(folder))
    qtbot.waitUntil(lambda: not window.embeddings.busy, timeout=WAIT_MS)
    return window


def row_id(window: MainWindow, path: Path) -> int | None:
    return next((i for i in window.model.ids()
                 if getattr(window.model.video(i), "path", "") == os.fspath(path)), None)


def feeling_shown(window: MainWindow, video_id: int) -> str:
    """What the table's Feeling column shows for the file."""
    row = window.model.row_of(video_id)
    if row is None:
        return ""
    return str(window.model.index(row, position("octant")).data(Qt.ItemDataRole.DisplayRole))


def lines_of(shown: object) -> list[str]:
    return [shown.item(r).text() for r in range(shown.count())]  # type: ignore[attr-defined]


def test_export_writes_csv_and_json_and_says_so(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                data_dir: Path, bundled_model: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    files = small_library(data_dir, tmp_path / "media")
    window = ready_window(qtbot, data_dir, bundled_model, tmp_path)
    chosen: list[Path] = []
    monkeypatch.setattr(table_io, "ask_save_path", lambda _parent: chosen[-1])

    chosen.append(tmp_path / "out" / "library.csv")
    chosen[-1].parent.mkdir()
    assert window.actions_by_name["library_table"].isEnabled()  # with no playlist shown too
    window.actions_by_name["library_table"].trigger()
    qtbot.waitUntil(lambda: "Exported" in window.notice.text(), timeout=WAIT_MS)
    assert f"Exported 4 files (4 with a mood) to {chosen[-1]}" in window.notice.text()
    with open(chosen[-1], newline="", encoding="utf-8-sig") as f:
        rows = {row["path"]: row for row in csv.DictReader(f)}
    assert set(rows) == {os.fspath(p) for p in files.values()}
    assert (rows[os.fspath(files["video"])]["emotion"], rows[os.fspath(files["video"])][
        "by_person"]) == ("tensed", "yes")
    assert rows[os.fspath(files["song"])]["by_person"] == "no"

    chosen.append(tmp_path / "out" / "library.json")
    window.actions_by_name["library_table"].trigger()
    qtbot.waitUntil(lambda: "library.json" in window.notice.text(), timeout=WAIT_MS)
    listed = {row["path"]: row for row in json.loads(chosen[-1].read_text(encoding="utf-8"))}
    assert set(listed) == set(rows)
    assert listed[os.fspath(files["video"])]["by_person"] is True
    assert shown_whole(window.notice)

    chosen.append(tmp_path / "no such folder" / "x.csv")  # a failure is said in words
    window.actions_by_name["library_table"].trigger()
    qtbot.waitUntil(lambda: "Could not export" in window.notice.text(), timeout=WAIT_MS)
    said = window.notice.text()
    assert "does not exist" in said and "Traceback" not in said
    assert not any(code in said for code in CODES)
    window.close()


def test_the_file_dialogs_offer_csv_and_json_in_documents(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                         data_dir: Path,
                                                         bundled_model: Path) -> None:
    window = open_window(qtbot, data_dir, bundled_model, settings_at(tmp_path))
    save = table_io.save_dialog(window)  # built, not run: running it waits for a person
    assert save.nameFilters() == ["CSV (*.csv)", "JSON (*.json)"]
    assert save.testOption(QFileDialog.Option.DontUseNativeDialog)  # offscreen in tests
    assert save.selectedFiles()[0] == os.path.join(table_io.start_folder(),
                                                   table_io.DEFAULT_NAME)
    save.selectNameFilter("JSON (*.json)")
    save.filterSelected.emit("JSON (*.json)")
    assert save.defaultSuffix() == "json"  # a name typed bare gets the type chosen
    opened = table_io.open_dialog(window)
    assert opened.fileMode() == QFileDialog.FileMode.ExistingFile
    assert table_io.table_format(Path("x.JSON")) == "json"
    assert table_io.table_format(Path("x.txt")) == "csv"
    window.close()


def test_import_previews_then_tags_and_the_table_shows_it(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                          data_dir: Path, bundled_model: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    files = small_library(data_dir, tmp_path / "media")
    table = tmp_path / "my tags.csv"
    with open(table, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["path", "emotion"], [os.fspath(files["song"]), "happy"],
                                 ["/not/here.mp4", "tired"],
                                 [os.fspath(files["avi"]), "cheerful"]])
    window = ready_window(qtbot, data_dir, bundled_model, tmp_path)
    qtbot.waitUntil(lambda: row_id(window, files["song"]) is not None, timeout=WAIT_MS)
    song = row_id(window, files["song"])
    assert song is not None
    monkeypatch.setattr(table_io, "ask_open_path", lambda _parent: table)

    window.actions_by_name["import_tags"].trigger()
    dialog = window.import_tags_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.imported is not None, timeout=WAIT_MS)
    problems = lines_of(dialog.problems)
    assert len(problems) == 2, problems
    assert problems[0] == "Line 3: /not/here.mp4 is not in the library"
    assert problems[1].startswith("Line 4: ") and "cheerful" in problems[1]
    assert lines_of(dialog.files) == ["calm song.mp3: happy"]
    assert dialog.summary.text().startswith("Nothing changed (a dry run). 1 file to tag; "
                                            "2 lines not used")
    assert dialog.tag.isEnabled() and dialog.problems.isVisible()
    said = [dialog.summary.text(), *problems, *lines_of(dialog.files)]
    assert not any(code in line for line in said for code in CODES)
    assert "happy" not in feeling_shown(window, song)  # a dry run changes nothing
    qtbot.waitUntil(lambda: shown_whole(dialog.summary), timeout=WAIT_MS)
    shots = os.environ.get("VER_SHOTS")  # a folder for the screenshots, if given
    if shots:
        assert dialog.grab().save(f"{shots}/issue25-import-tags.png")

    with qtbot.waitSignal(window.learning.learned, timeout=WAIT_MS):  # it learns from them
        dialog.tag.click()
        qtbot.waitUntil(lambda: feeling_shown(window, song) == "happy ✎", timeout=WAIT_MS)
    assert dialog.summary.text().startswith("1 file tagged; 2 lines not used")
    assert lines_of(dialog.files) == ["calm song.mp3: happy"]
    assert dialog.cancel.text() == "Close" and not dialog.tag.isEnabled()
    qtbot.waitUntil(lambda: shown_whole(dialog.summary), timeout=WAIT_MS)
    assert window.notice.isVisible()
    qtbot.waitUntil(lambda: shown_whole(window.notice), timeout=WAIT_MS)
    assert "Imported tags: 1 file tagged" in window.notice.text()
    row = window.model.video(song)
    assert row is not None and row.corrected and row.octant == "happy"
    dialog.close()
    window.close()


def test_a_table_without_the_columns_is_said_in_words(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                      data_dir: Path, bundled_model: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    small_library(data_dir, tmp_path / "media")
    table = tmp_path / "names.csv"
    table.write_text("name,stars\nsong,5\n", encoding="utf-8")
    window = open_window(qtbot, data_dir, bundled_model, settings_at(tmp_path))
    monkeypatch.setattr(table_io, "ask_open_path", lambda _parent: table)
    window.open_import_tags()
    dialog = window.import_tags_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: "Could not read the table" in dialog.summary.text(),
                    timeout=WAIT_MS)
    assert "'path' column" in dialog.summary.text()
    assert not dialog.tag.isEnabled()
    monkeypatch.setattr(table_io, "ask_open_path", lambda _parent: None)  # Cancel in it
    window.open_import_tags()
    assert window.import_tags_dialog is dialog
    dialog.close()
    window.close()


def test_an_edited_excel_export_previews_and_the_dialog_never_overlaps(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, data_dir: Path, bundled_model: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Our export as Excel saves it outside the US and UK (semicolons, Windows-1252) with
    one emotion edited: the edit is the one file to tag. At its smallest the dialog shows
    its texts whole and nothing overlaps."""
    files = small_library(data_dir, tmp_path / "media")
    window = ready_window(qtbot, data_dir, bundled_model, tmp_path)
    qtbot.waitUntil(lambda: row_id(window, files["avi"]) is not None, timeout=WAIT_MS)
    avi = window.model.video(row_id(window, files["avi"]))  # type: ignore[arg-type]
    assert avi is not None and avi.octant
    table = tmp_path / "édité.csv"
    lines = ["path;quadrant;words;emotion;by_person;model_quadrant;model_emotion",
             f"{files['song']};PV-NA;calm, content;frustrated;no;PV-NA;pleased",
             f"{files['video']};NV-PA;tense, angry;tensed;yes;PV-NA;pleased",
             f"{files['avi']};{avi.quadrant};;{avi.octant};no;{avi.quadrant};{avi.octant}",
             f"{files['gone']};;;;no;;",
             "/not/here/café.mp4;PV-NA;calm, content;pleased;no;PV-NA;pleased"]
    table.write_bytes("\r\n".join(lines).encode("cp1252"))
    monkeypatch.setattr(table_io, "ask_open_path", lambda _parent: table)

    window.actions_by_name["import_tags"].trigger()
    dialog = window.import_tags_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.busy and dialog.imported is not None, timeout=WAIT_MS)
    assert lines_of(dialog.files) == ["calm song.mp3: frustrated"]
    assert lines_of(dialog.problems) == ["Line 6: /not/here/café.mp4 is not in the library"]
    assert dialog.summary.text() == (
        "Nothing changed (a dry run). 1 file to tag; 1 file already tagged so; 2 rows of "
        "the model's readings passed over (not a person's tags); 1 line not used (each is "
        "listed with its line number and why).")

    dialog.resize(100, 100)  # as small as a person can make it
    assert dialog.size() == table_io.MINIMUM
    column = [dialog.intro, dialog.files_heading, dialog.files, dialog.problems_heading,
              dialog.problems, dialog.summary, dialog.buttons]

    def laid_out() -> bool:
        tops = [w.geometry() for w in column]
        return all(a.bottom() < b.top() for a, b in pairwise(tops))

    qtbot.waitUntil(laid_out, timeout=5000)
    assert shown_whole(dialog.intro) and shown_whole(dialog.summary)
    assert dialog.files.height() >= 90 and dialog.problems.height() >= 90
    dialog.close()
    window.close()
