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
    library_rows,
    read_tags,
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


def library_of(data_dir: Path, folder: Path) -> list[str]:
    """The data folder's own library (what the commands open), filled by `fill`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    library = Library("sqlite:///" + os.fspath(paths.database_path(data_dir)))
    try:
        return fill(library, folder, bundled_key())
    finally:
        library.close()


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
        assert "'path' column" in str(exc)
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
