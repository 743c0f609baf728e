"""Library tables (core/moods/table.py, `ver-desktop export` and `import-tags`): every
file's mood, the person's tag winning, with its stretches, as CSV and JSON; a person's tags
read back from a CSV into another library (or the same one after clearing), bad lines
reported by number and the rest taken; a dry run changes nothing."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from test_playlists import analysis

from ver_desktop.core import paths
from ver_desktop.core.bundle import read_bundle_info
from ver_desktop.core.library import BulkVideo, Library
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.moods.table import (
    COLUMNS,
    TableError,
    apply_tags,
    csv_bytes,
    decoded,
    library_rows,
    read_tags,
    separator_of,
    understood,
    write_table,
)
from ver_desktop.core.timeline import Timeline, cut
from ver_desktop.core.usecases.tags import clear_videos, tag_videos


def bundled_key() -> ModelKey:
    info = read_bundle_info(paths.model_dir(None))
    return ModelKey(info.name, info.version)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a person runs it (the data folder from $VER_DESKTOP_DATA_DIR)."""
    result = subprocess.run([sys.executable, "-m", "ver_desktop", *args], capture_output=True,
                            text=True, check=False, env=os.environ.copy(), timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def fill(library: Library, folder: Path, model: ModelKey) -> list[str]:
    """Three videos on the disk: calm with a two-stretch timeline, one the person tagged
    tensed, and one that failed (no mood)."""
    folder.mkdir(parents=True, exist_ok=True)
    clips = [os.fspath(folder / name) for name in ("a calm one.mp4", "b, tagged.mkv",
                                                    "c failed.mp4")]
    for clip in clips:
        Path(clip).write_bytes(b"")
    library.bulk_add([
        BulkVideo(path=clips[0], size=1, mtime_ns=1, duration=90.0, status="ok",
                  analysis=analysis(0.5, -0.5, 0.7)),
        BulkVideo(path=clips[1], size=2, mtime_ns=2, duration=60.0, status="ok",
                  analysis=analysis(0.6, 0.4, 0.6)),
        BulkVideo(path=clips[2], size=3, mtime_ns=3, duration=None, status="error",
                  error_reason="not a media file"),
    ], model)
    valence = np.linspace(-1, 1, 21, dtype=np.float32)
    timeline = Timeline(14.96, 2.992, 90.0, valence, np.full(21, 0.5, np.float32))
    stretches = cut(timeline.times(), timeline.valence, timeline.arousal, 90.0)
    library.store_timeline(ids(library, clips)[0], model, timeline, stretches)
    tag_videos(library, [ids(library, clips)[1]], octant="tensed")
    return clips


def ids(library: Library, clips: list[str]) -> list[int]:
    found = [library.video_id(c) for c in clips]
    return [i for i in found if i is not None]


@contextmanager
def data_library(data_dir: Path) -> Iterator[Library]:
    """The data folder's own library (what the commands open), closed after use."""
    data_dir.mkdir(parents=True, exist_ok=True)
    library = Library("sqlite:///" + os.fspath(paths.database_path(data_dir)))
    try:
        yield library
    finally:
        library.close()


def library_of(data_dir: Path, folder: Path) -> list[str]:
    """The data folder's own library (what the commands open), filled by `fill`."""
    with data_library(data_dir) as library:
        return fill(library, folder, bundled_key())


def test_rows_say_the_shown_mood_the_models_own_and_the_stretches(tmp_path: Path) -> None:
    model = ModelKey("m", "1")
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    clips = fill(library, tmp_path / "v", model)
    rows = {r["path"]: r for r in library_rows(library, model)}
    library.close()
    calm, tagged, failed = (rows[c] for c in clips)
    assert all(tuple(r) == COLUMNS for r in rows.values())
    assert (calm["quadrant"], calm["words"], calm["by_person"]) == (
        "PV-NA", "calm, content", False)
    assert (calm["model_quadrant"], calm["confidence"]) == ("PV-NA", 0.7)
    assert [(s["quadrant"], s["talk"]) for s in calm["stretches"]] == [
        ("NV-PA", False), ("PV-PA", False)]
    assert calm["stretches"][0]["start"] == 0.0 and calm["stretches"][-1]["end"] == 90.0
    # the person's tag wins; the model's own reading is still there
    assert (tagged["quadrant"], tagged["emotion"], tagged["confidence"]) == (
        "NV-PA", "tensed", 1.0)
    assert tagged["by_person"] and tagged["model_quadrant"] == "PV-PA"
    assert tagged["valence"] < 0 < tagged["arousal"]
    assert (failed["status"], failed["quadrant"], failed["stretches"]) == ("error", None, [])


def test_csv_and_json_files_hold_every_file(tmp_path: Path) -> None:
    model = ModelKey("m", "1")
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    clips = fill(library, tmp_path / "v", model)
    rows = library_rows(library, model)
    library.close()
    write_table(rows, tmp_path / "t.csv", "csv")
    write_table(rows, tmp_path / "t.json", "json")
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbfpath,")  # for Excel
    with open(tmp_path / "t.csv", newline="", encoding="utf-8-sig") as f:
        read = list(csv.DictReader(f))
    assert [r["path"] for r in read] == clips
    assert [r["by_person"] for r in read] == ["no", "yes", "no"]
    assert json.loads(read[0]["stretches"]) == rows[0]["stretches"]
    assert read[2]["quadrant"] == "" and read[2]["stretches"] == ""
    listed = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in listed] == clips
    assert listed == json.loads(json.dumps(rows))
    assert sorted(os.listdir(tmp_path)) == ["lib.sqlite3", "t.csv", "t.json", "v"]


def test_the_table_is_never_written_through_a_link(tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("keep")
    os.symlink(target, tmp_path / "t.csv")
    try:
        write_table([], tmp_path / "t.csv", "csv")
    except TableError as exc:
        assert "link" in str(exc)
    else:
        raise AssertionError("a link was written through")
    assert target.read_text() == "keep"


def test_a_persons_tags_come_back_in_another_library(tmp_path: Path) -> None:
    model = ModelKey("m", "1")
    first = Library(f"sqlite:///{tmp_path / 'one.sqlite3'}")
    clips = fill(first, tmp_path / "v", model)
    tag_videos(first, [ids(first, clips)[0]], quadrant="NV-NA")
    shown = {r["path"]: (r["quadrant"], r["emotion"]) for r in library_rows(first, model)}
    write_table(library_rows(first, model), tmp_path / "t.csv", "csv")
    first.close()
    second = Library(f"sqlite:///{tmp_path / 'two.sqlite3'}")
    second.bulk_add([BulkVideo(path=c, size=1, mtime_ns=1, duration=60.0, status="ok",
                               analysis=analysis(0.5, 0.5, 0.9)) for c in clips], model)
    found = read_tags(tmp_path / "t.csv", second, model)
    assert [t.path for t in found.tags] == clips[:2]
    assert found.not_persons == 1 and found.problems == []
    assert not any(r.corrected for r in second.videos(model))  # reading changes nothing
    apply_tags(second, found)
    rows = {r.path: r for r in second.videos(model)}
    assert [rows[c].corrected for c in clips] == [True, True, False]
    assert rows[clips[0]].quadrant == shown[clips[0]][0] == "NV-NA"
    assert (rows[clips[1]].quadrant, rows[clips[1]].octant) == shown[clips[1]]
    again = read_tags(tmp_path / "t.csv", second, model)
    assert again.tags == [] and len(again.same) == 2
    second.close()


def test_bad_lines_are_reported_by_number_and_the_rest_taken(tmp_path: Path) -> None:
    model = ModelKey("m", "1")
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    clips = fill(library, tmp_path / "v", model)
    clear_videos(library, ids(library, clips))
    table = tmp_path / "tags.csv"
    with open(table, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([
            ["Path", "Quadrant", "Emotion"],
            [clips[0], "PV-NA", ""],  # line 2: a code
            ["/nowhere/else.mp4", "calm", ""],  # 3: not in the library
            [clips[1], "", "furious"],  # 4: not an emotion
            [clips[2], "tense", "pleased"],  # 5: they disagree
            [],
            [f"v/{Path(clips[1]).name}", "calm, content", ""],  # 7: relative to the table
            [clips[2], "", "sleepy"],  # 8: an emotion alone
        ])
    found = read_tags(table, library, model)
    assert [line for line, _ in found.problems] == [3, 4, 5]
    assert "not in the library" in found.problems[0][1]
    assert "furious" in found.problems[1][1] and "pleased" in found.problems[2][1]
    assert [(t.line, t.quadrant, t.octant) for t in found.tags] == [
        (2, "PV-NA", None), (7, "PV-NA", None), (8, "PV-NA", "sleepy")]
    apply_tags(library, found)
    rows = {r.path: r for r in library.videos(model)}
    assert [(rows[c].quadrant, rows[c].corrected) for c in clips] == [
        ("PV-NA", True), ("PV-NA", True), ("PV-NA", True)]
    assert rows[clips[2]].octant == "sleepy"
    library.close()


def test_a_table_without_the_columns_is_refused(tmp_path: Path) -> None:
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    table = tmp_path / "t.csv"
    table.write_text("file,mood\nx.mp4,calm\n")
    try:
        read_tags(table, library, ModelKey("m", "1"))
    except TableError as exc:
        assert "'path' column" in str(exc) and "read as separated by commas" in str(exc)
    else:
        raise AssertionError("accepted a table without a path column")
    library.close()


def test_tags_are_understood_as_codes_words_or_emotions() -> None:
    assert understood("pv-na", "") == ("PV-NA", None)
    assert understood("Calm,  Content", None) == ("PV-NA", None)
    assert understood("", "Pleased") == ("PV-NA", "pleased")
    assert understood("happy", "") == ("PV-PA", None)
    assert understood("", "happy") == ("PV-PA", "happy")  # the emotion happy
    assert understood("", "sad") == ("NV-NA", None)  # a quarter's word in that column
    for bad in (("", ""), ("joyful", ""), ("NV-NA", "pleased")):
        try:
            understood(*bad)
        except TableError:
            continue
        raise AssertionError(f"{bad} was understood")


def test_a_name_that_is_not_utf8_round_trips_through_the_csv(tmp_path: Path) -> None:
    name = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9.mp4"))
    data = csv_bytes([{"path": name, "quadrant": "PV-NA", "by_person": True}])
    assert os.fsencode(name) in data
    model = ModelKey("m", "1")
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    library.bulk_add([BulkVideo(path=name, size=1, mtime_ns=1, duration=1.0, status="ok",
                                analysis=analysis(-0.5, 0.5, 0.5))], model)
    (tmp_path / "t.csv").write_bytes(data)
    assert [t.path for t in read_tags(tmp_path / "t.csv", library, model).tags] == [name]
    library.close()


# -- the commands ----------------------------------------------------------------------------


def test_export_then_import_after_clearing_brings_the_tags_back(tmp_path: Path,
                                                                data_dir: Path) -> None:
    clips = library_of(data_dir, tmp_path / "videos")
    out = tmp_path / "moods.csv"
    done = cli("export", "--format", "csv", "--out", os.fspath(out))
    assert done.returncode == 0, done.stderr
    assert "3 files (2 with a mood)" in done.stderr
    assert cli("export", "--format", "json", "--out", os.fspath(tmp_path / "m.json")
               ).returncode == 0
    assert len(json.loads((tmp_path / "m.json").read_text())) == 3
    assert cli("tag", clips[1], "--clear").returncode == 0
    dry = cli("import-tags", os.fspath(out), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Would tag" in dry.stdout and "tensed" in dry.stdout
    assert "a dry run" in dry.stderr
    assert '"corrected": false' in cli("list", "--json").stdout.splitlines()[1]
    imported = cli("import-tags", os.fspath(out))
    assert imported.returncode == 0, imported.stderr
    assert "1 file tagged" in imported.stderr and "PV-" not in imported.stdout
    listed = [json.loads(line) for line in cli("list", "--json").stdout.splitlines()]
    assert [(r["corrected"], r["octant"]) for r in listed][1] == (True, "tensed")


def test_import_reports_bad_lines_and_usage_errors(tmp_path: Path, data_dir: Path) -> None:
    clips = library_of(data_dir, tmp_path / "videos")
    table = tmp_path / "t.csv"
    with open(table, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["path", "emotion"], [clips[0], "sleepy"],
                                 ["/not/here.mp4", "tired"], [clips[2], "cheerful"],
                                 [clips[0], "tired"]])
    result = cli("import-tags", os.fspath(table))
    assert result.returncode == 1, result.stderr  # some input not used, as for classify
    assert "line 5: " in result.stderr and "also on line 2" in result.stderr
    assert "tired" in result.stdout and "sleepy" not in result.stdout
    assert "line 3: /not/here.mp4 is not in the library" in result.stderr
    assert "line 4: " in result.stderr and "cheerful" in result.stderr
    assert "2 lines not used" in result.stderr
    assert cli("import-tags", os.fspath(tmp_path / "none.csv")).returncode == 2
    assert cli("export", "--format", "xml", "--out", "x").returncode == 2
    assert cli("export", "--format", "csv").returncode == 2


# -- a table edited in a spreadsheet, and CSVs from Excel (issue 25, a user test) -----------


def exported(library: Library, model: ModelKey, target: Path) -> list[dict[str, str]]:
    """The library's CSV export, read back as a spreadsheet shows it."""
    write_table(library_rows(library, model), target, "csv")
    with open(target, newline="", encoding="utf-8-sig", errors="surrogateescape") as f:
        return list(csv.DictReader(f))


def saved(rows: list[dict[str, str]], target: Path, **how: str) -> Path:
    """The rows saved as a spreadsheet saves them (`how`: encoding, delimiter)."""
    with open(target, "w", newline="", encoding=how.get("encoding", "utf-8-sig"),
              errors="surrogateescape") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]),
                                delimiter=how.get("delimiter", ","))
        writer.writeheader()
        writer.writerows(rows)
    return target


def more_files(library: Library, folder: Path, model: ModelKey, count: int) -> None:
    """`count` more calm files the model read and nobody tagged."""
    library.bulk_add([BulkVideo(path=os.fspath(folder / f"d more {i}.mp4"), size=1,
                                mtime_ns=1, duration=30.0, status="ok",
                                analysis=analysis(0.3, -0.6, 0.8)) for i in range(count)],
                     model)


def test_an_emotion_edited_in_the_export_is_tagged_with_its_quarter(
        tmp_path: Path, data_dir: Path) -> None:
    """The user test: export, change one emotion in a spreadsheet (by_person left "no"),
    add a row for a file that does not exist, import."""
    clips = library_of(data_dir, tmp_path / "videos")
    with data_library(data_dir) as library:
        more_files(library, tmp_path / "videos", bundled_key(), 3)
    out = tmp_path / "moods.csv"
    assert cli("export", "--format", "csv", "--out", os.fspath(out)).returncode == 0
    with open(out, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    calm = next(r for r in rows if r["path"] == clips[0])
    assert (calm["quadrant"], calm["words"], calm["by_person"]) == (
        "PV-NA", "calm, content", "no")
    assert calm["emotion"] in ("sleepy", "pleased")
    calm["emotion"] = "frustrated"  # the quadrant and words cells left as they were
    rows.append({**rows[-1], "path": "/nowhere/gone.mp4"})
    saved(rows, out)
    wrong_line = len(rows) + 1  # after the header

    dry = cli("import-tags", os.fspath(out), "--dry-run")
    assert "Would tag" in dry.stdout and "frustrated" in dry.stdout, dry.stdout
    imported = cli("import-tags", os.fspath(out))
    assert imported.returncode == 1, imported.stderr  # a line not used
    said = imported.stderr
    assert f"line {wrong_line}: /nowhere/gone.mp4 is not in the library" in said
    assert "1 file tagged" in said and "1 file already tagged so" in said
    assert "4 rows of the model's readings passed over" in said  # 3 more + the failed one
    assert "1 line not used" in said and "not in the quarter" not in said
    listed = {r["path"]: r for r in map(json.loads, cli("list", "--json").stdout.splitlines())}
    assert (listed[clips[0]]["quadrant"], listed[clips[0]]["octant"],
            listed[clips[0]]["corrected"]) == ("NV-PA", "frustrated", True)
    assert [r["path"] for r in listed.values() if r["corrected"]] == clips[:2]
    twice = cli("import-tags", os.fspath(out)).stderr  # the same file again changes nothing
    assert "0 files tagged; 2 files already tagged so; 4 rows of the model's" in twice
    # with by_person set to yes too the edit wins the same way (it clashed before)
    more = next(r for r in rows if "d more 0" in r["path"])
    more["by_person"], more["emotion"] = "yes", "miserable"
    saved(rows[:-1], out)
    again = read_tags_of(data_dir, out)
    assert [(t.path, t.quadrant, t.octant) for t in again.tags] == [
        (more["path"], "NV-NA", "miserable")]
    assert again.problems == [] and len(again.same) == 2


def read_tags_of(data_dir: Path, table: Path):  # type: ignore[no-untyped-def]
    with data_library(data_dir) as library:
        return read_tags(table, library, bundled_key())


def test_a_quarter_edited_alone_drops_the_old_emotion(tmp_path: Path) -> None:
    model = ModelKey("m", "1")
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    clips = fill(library, tmp_path / "v", model)
    more_files(library, tmp_path / "v", model, 2)
    rows = exported(library, model, tmp_path / "t.csv")
    old_emotion = rows[0]["emotion"]
    rows[0]["quadrant"] = "NV-NA"  # the quadrant code changed, the old emotion left
    rows[3]["words"] = "happy, excited"  # the words changed, quadrant and emotion left
    rows[1]["emotion"] = "frustrated"  # the person's own tag: tensed -> frustrated
    rows[4]["emotion"] = ""  # the emotion emptied: the quarter alone
    found = read_tags(saved(rows, tmp_path / "t.csv"), library, model)
    assert found.problems == [] and found.not_persons == 1  # the failed file
    assert [(t.path, t.quadrant, t.octant) for t in found.tags] == [
        (clips[0], "NV-NA", None), (clips[1], "NV-PA", "frustrated"),
        (rows[3]["path"], "PV-PA", None), (rows[4]["path"], "PV-NA", None)]
    assert old_emotion and all(t.octant != old_emotion for t in found.tags)
    apply_tags(library, found)
    shown = {r.path: r for r in library.videos(model)}
    assert (shown[clips[0]].quadrant, shown[clips[0]].corrected) == ("NV-NA", True)
    library.close()


def test_cells_edited_to_disagree_are_a_problem_naming_both(tmp_path: Path) -> None:
    model = ModelKey("m", "1")
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    fill(library, tmp_path / "v", model)
    more_files(library, tmp_path / "v", model, 1)
    rows = exported(library, model, tmp_path / "t.csv")
    rows[0]["quadrant"], rows[0]["emotion"] = "NV-NA", "frustrated"  # sad, and tense
    rows[3]["quadrant"], rows[3]["words"] = "PV-PA", "sad, tired"
    rows[1]["emotion"] = "furious"  # not an emotion: said, even on an edited row
    found = read_tags(saved(rows, tmp_path / "t.csv"), library, model)
    assert found.tags == []
    said = dict(found.problems)
    assert sorted(said) == [2, 3, 5]
    assert said[2] == ("the quadrant column says sad, tired but the emotion frustrated is "
                       "in the quarter tense, angry; change one of them to match the other")
    assert "happy, excited" in said[5] and "sad, tired" in said[5]
    assert "furious" in said[3] and "emotion column" in said[3]
    library.close()


def test_an_old_export_does_not_undo_tags_made_since(tmp_path: Path) -> None:
    """A row of the model's reading, unedited, is not the person's tag even when the
    library shows something else now (tagged since, or another library)."""
    model = ModelKey("m", "1")
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    clips = fill(library, tmp_path / "v", model)
    table = tmp_path / "old.csv"
    write_table(library_rows(library, model), table, "csv")
    tag_videos(library, [ids(library, clips)[0]], octant="miserable")
    found = read_tags(table, library, model)
    assert found.tags == [] and found.not_persons == 2 and len(found.same) == 1
    library.close()


def test_a_semicolon_or_tab_csv_from_excel_is_read(tmp_path: Path) -> None:
    model = ModelKey("m", "1")
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    clips = fill(library, tmp_path / "v", model)
    made = tmp_path / "excel.csv"  # as Excel saves where the decimal mark is a comma
    made.write_bytes(f"Path;Emotion;Stars\r\n{clips[0]};tired;4,5\r\n"
                     f"{clips[2]};sad;3\r\n".encode())
    found = read_tags(made, library, model)
    assert found.problems == []
    assert [(t.path, t.quadrant, t.octant) for t in found.tags] == [
        (clips[0], "NV-NA", "tired"), (clips[2], "NV-NA", None)]
    rows = exported(library, model, tmp_path / "t.csv")  # our export re-saved with ';'
    rows[0]["emotion"] = "happy"
    found = read_tags(saved(rows, tmp_path / "semi.csv", delimiter=";"), library, model)
    assert [(t.path, t.octant) for t in found.tags] == [(clips[0], "happy")]
    (tmp_path / "tabs.tsv").write_text(f"path\tquadrant\n{clips[0]}\tcalm\n",
                                       encoding="utf-8")
    assert [t.quadrant for t in read_tags(tmp_path / "tabs.tsv", library, model).tags] == [
        "PV-NA"]
    library.close()


def test_a_windows_1252_csv_with_an_accented_name_is_read(tmp_path: Path) -> None:
    model = ModelKey("m", "1")
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    name = os.fspath(tmp_path / "Café del Mar – Ibiza.mp3")  # é and an en dash
    library.bulk_add([BulkVideo(path=name, size=1, mtime_ns=1, duration=1.0, status="ok",
                                analysis=analysis(-0.5, 0.5, 0.5))], model)
    table = tmp_path / "windows.csv"
    table.write_bytes(f"path;emotion\r\n{name};pleased\r\n".encode("cp1252"))
    with open(table, "rb") as f:
        assert b"Caf\xe9 del Mar \x96 Ibiza" in f.read()  # not UTF-8
    found = read_tags(table, library, model)
    assert found.problems == []
    assert [(t.path, t.octant) for t in found.tags] == [(name, "pleased")]
    library.close()


def test_our_export_of_a_name_that_is_not_utf8_round_trips(tmp_path: Path) -> None:
    """Not taken for Windows-1252: the byte-order mark says UTF-8 (bytes kept as they are)."""
    name = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9 \x81.mp4"))
    model = ModelKey("m", "1")
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    library.bulk_add([BulkVideo(path=name, size=1, mtime_ns=1, duration=1.0, status="ok",
                                analysis=analysis(-0.5, 0.5, 0.5))], model)
    rows = exported(library, model, tmp_path / "t.csv")
    assert rows[0]["path"] == name and rows[0]["by_person"] == "no"
    rows[0]["emotion"] = "sleepy"
    found = read_tags(saved(rows, tmp_path / "t.csv"), library, model)
    assert found.problems == []
    assert [(t.path, t.quadrant, t.octant) for t in found.tags] == [(name, "PV-NA", "sleepy")]
    library.close()


def test_the_text_and_its_separator_are_found() -> None:
    assert decoded(b"\xef\xbb\xbfpath,x\n") == "path,x\n"
    assert decoded("path;caf\u00e9".encode()) == "path;caf\u00e9"
    assert decoded("path;caf\u00e9".encode("cp1252")) == "path;caf\u00e9"
    assert separator_of("path,quadrant") == "," and separator_of("path") == ","
    assert separator_of("Path;Emotion;Notes, more") == ";"
    assert separator_of("path\temotion") == "\t"
