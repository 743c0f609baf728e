"""The command line, run as a user runs it: a real process, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require_4q, require_grekow

from ver_desktop.core import paths
from ver_desktop.core.labels import (
    OCTANTS,
    QUADRANT_OCTANTS,
    QUADRANTS,
    octant_of,
    quadrant_of,
)

CONTRACT_KEYS = {"path", "status", "error", "quadrant", "octant", "quadrant_probs",
                 "octant_probs", "valence", "arousal", "segment", "model", "confidence",
                 "mostly_speech", "speech_likeness"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "ver_desktop", *args], capture_output=True,
                            text=True, check=False, env=os.environ.copy(), timeout=1200)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_classify_json_contract(media_files: dict[str, Path], data_dir: Path) -> None:
    paths_in = [media_files["music.mp4"], media_files["text.mp4"], media_files["music.webm"],
                Path("/no/such/file.mkv")]
    result = run("classify", "--json", *map(os.fspath, paths_in))
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["path"] for r in records] == [os.fspath(p) for p in paths_in]
    for record in records:
        assert set(record) == CONTRACT_KEYS
    ok = [r for r in records if r["status"] == "ok"]
    assert len(ok) == 2
    for record in ok:
        assert record["error"] is None
        assert set(record["quadrant_probs"]) == set(QUADRANTS)
        assert set(record["octant_probs"]) == set(OCTANTS)
        assert abs(sum(record["quadrant_probs"].values()) - 1) < 1e-3
        assert record["octant"] in QUADRANT_OCTANTS[record["quadrant"]]
        assert isinstance(record["valence"], float) and isinstance(record["arousal"], float)
        # one emotion: the tag is where the point is, and the most probable
        assert record["quadrant"] == quadrant_of(record["valence"], record["arousal"])
        assert record["octant"] == octant_of(record["valence"], record["arousal"])
        assert record["confidence"] == max(record["quadrant_probs"].values())
        assert isinstance(record["mostly_speech"], bool)
        assert 0.0 <= record["speech_likeness"] <= 1.0
        start, end = record["segment"]
        assert end - start == pytest.approx(30.0, abs=0.05)
        assert "@" in record["model"]
    errors = [r for r in records if r["status"] == "error"]
    assert [bool(r["error"]) for r in errors] == [True, True]
    assert all(r["quadrant"] is None and r["mostly_speech"] is None for r in errors)


def test_classify_all_good_exits_zero_and_prints_text(media_files: dict[str, Path],
                                                       data_dir: Path) -> None:
    result = run("classify", os.fspath(media_files["short.flac"]))
    assert result.returncode == 0
    assert "confidence" in result.stdout and "short.flac" in result.stdout


def test_usage_errors_exit_two(data_dir: Path) -> None:
    assert run("classify").returncode == 2
    assert run("list", "--quadrant", "HAPPY").returncode == 2
    assert run("--model", "/no/model", "classify", "x.mp4").returncode == 2
    assert run("no-such-command").returncode == 2


def test_scan_then_list_then_tag(tmp_path: Path, media_files: dict[str, Path],
                                 data_dir: Path) -> None:
    folder = tmp_path / "videos"
    folder.mkdir()
    for name in ("music.mp4", "music.avi", "random.mkv"):
        (folder / name).write_bytes(media_files[name].read_bytes())
    scan = run("scan", os.fspath(folder))
    assert scan.returncode == 0
    assert "3 new" in scan.stdout and "2 analysed" in scan.stdout and "1 failed" in scan.stdout
    assert "random.mkv: not an audio or video file" in scan.stdout
    assert (data_dir / "library.sqlite3").is_file()
    rows = [json.loads(line) for line in run("list", "--json").stdout.splitlines()]
    assert len(rows) == 3
    target = next(r for r in rows if r["path"].endswith("music.mp4"))
    assert run("tag", target["path"], "--octant", "miserable").returncode == 0
    listed = run("list", "--quadrant", "NV-NA", "--json").stdout.splitlines()
    assert [json.loads(line)["path"] for line in listed][:1] == [target["path"]]
    assert json.loads(listed[0])["corrected"] is True
    again = run("scan")  # no folder: the library's own folders
    assert again.returncode == 0 and "2 unchanged" in again.stdout
    failed = run("list", "--status", "failed").stdout
    assert "random.mkv" in failed and "not an audio or video file" in failed


def test_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VER_DESKTOP_DATA_DIR", os.fspath(tmp_path / "env"))
    assert paths.data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert paths.data_dir(None) == tmp_path / "env"
    monkeypatch.delenv("VER_DESKTOP_DATA_DIR")
    assert paths.data_dir(None).name == "ver_desktop"


def test_data_dir_flag_beats_environment(tmp_path: Path, media_files: dict[str, Path],
                                         data_dir: Path) -> None:
    explicit = tmp_path / "explicit"
    run("--data-dir", os.fspath(explicit), "scan", os.fspath(media_files["short.flac"]))
    assert (explicit / "library.sqlite3").is_file()
    assert not (data_dir / "library.sqlite3").exists()


def test_train_command_builds_a_bundle_that_classifies(tmp_path: Path, data_dir: Path) -> None:
    """Train a linear readout on a slice of the real 4Q clips and measure it on a slice of
    the Grekow set, twice: the second run reuses the cached features."""
    shared = require_4q()
    grekow = require_grekow()
    out = tmp_path / "bundle"
    args = ["train", "--audio", os.fspath(shared / "audio"), "--labels",
            os.fspath(shared / "labels.csv"), "--out", os.fspath(out), "--candidate",
            "linear-mir", "--limit", "60", "--role", "a trial"]
    first = run(*args, "--no-cv")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "features: 60/60" in first.stdout
    assert "no cross-validation" in json.loads((out / "bundle.json").read_text())[
        "metrics"]["spread_from"]
    second = run(*args, "--transfer-audio", os.fspath(grekow / "audio"), "--transfer-labels",
                 os.fspath(grekow / "labels.csv"))
    assert second.returncode == 0, second.stdout + second.stderr
    assert "features: 60/60" in second.stdout  # the transfer set's, extracted once
    assert "4Q cross-validation: quadrant F1" in second.stdout and "transfer:" in second.stdout
    meta = json.loads((out / "bundle.json").read_text())
    summary = meta["metrics"]["cross_validation"]["summary"]
    assert 0.0 <= summary["quadrant_accuracy"]["mean"] <= 1.0
    assert 0.0 <= meta["metrics"]["transfer"]["scores"]["quadrant_macro_f1"] <= 1.0
    assert meta["role"] == "a trial" and meta["front_end_ms"] > 0
    assert meta["readout"]["kind"] == "va-point" and meta["readout"]["spread"] > 0
    clip = sorted((shared / "audio").iterdir())[0]
    result = run("--model", os.fspath(out), "classify", "--json", os.fspath(clip))
    assert result.returncode == 0 and json.loads(result.stdout)["status"] == "ok"


def test_train_refuses_an_unknown_candidate_and_half_a_transfer_set(tmp_path: Path) -> None:
    shared = require_4q()
    common = ["train", "--audio", os.fspath(shared / "audio"), "--labels",
              os.fspath(shared / "labels.csv"), "--out", os.fspath(tmp_path / "b")]
    unknown = run(*common, "--candidate", "no-such-model")
    assert unknown.returncode == 2 and "unknown candidate no-such-model" in unknown.stderr
    half = run(*common, "--transfer-audio", os.fspath(tmp_path))
    assert half.returncode == 2 and "go together" in half.stderr


def test_experiment_writes_the_reproduction_report(tmp_path: Path, data_dir: Path) -> None:
    """A tiny run of the paper grid (one configuration, two folds, one epoch)."""
    shared = require_4q()
    report = tmp_path / "docs" / "reproduction.md"
    result = run("--workers", "2", "experiment", "--audio", os.fspath(shared / "audio"),
                 "--labels", os.fspath(shared / "labels.csv"), "--results",
                 os.fspath(tmp_path / "results"), "--report", os.fspath(report),
                 "--limit", "150", "--epochs", "1", "--classes", "4", "--hidden", "40",
                 "--losses", "hmse", "--folds", "0", "1", "--candidates", "texture")
    assert result.returncode == 0, result.stdout + result.stderr
    text = report.read_text()
    assert "## Beyond the paper: candidates" in text and "| `texture` |" in text
    assert len(list((tmp_path / "results" / "candidates" / "texture").glob("fold*.json"))) == 2
    assert "| 40 | 89.6 % | 1.039 | HMSE | 2 |" in text
    assert "## Non-recurrent baseline" in text and "| 4 quadrants |" in text
    assert (report.parent / "figures" / "reproduction_curves_4.png").stat().st_size > 1000
    stored = list((tmp_path / "results" / "paper").glob("*/fold*.json"))
    assert len(stored) == 2
    again = run("experiment", "--audio", os.fspath(shared / "audio"), "--labels",
                os.fspath(shared / "labels.csv"), "--results", os.fspath(tmp_path / "results"),
                "--report", os.fspath(report), "--limit", "150", "--epochs", "1",
                "--classes", "4", "--hidden", "40", "--losses", "hmse", "--folds", "0", "1")
    assert "0 trainings to run (2 already done)" in again.stdout


def test_experiment_runs_the_transfer_protocol(tmp_path: Path, data_dir: Path) -> None:
    """A point candidate on a slice of 4Q and of Grekow: stored, tabled, chosen by the rule."""
    shared, grekow = require_4q(), require_grekow()
    report = tmp_path / "docs" / "reproduction.md"
    result = run("--workers", "2", "experiment", "--audio", os.fspath(shared / "audio"),
                 "--labels", os.fspath(shared / "labels.csv"), "--results",
                 os.fspath(tmp_path / "results"), "--report", os.fspath(report),
                 "--limit", "60", "--epochs", "1", "--classes", "4", "--hidden", "40",
                 "--losses", "hmse", "--folds", "0", "--transfer-audio",
                 os.fspath(grekow / "audio"), "--transfer-labels",
                 os.fspath(grekow / "labels.csv"), "--point-candidates", "linear-mir")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "linear-mir: transfer quadrant F1" in result.stdout
    stored = json.loads((tmp_path / "results" / "transfer" / "linear-mir.json").read_text())
    assert len(stored["transfer_points"]) == 60 and stored["cv"]
    assert (tmp_path / "results" / "transfer-baseline.json").is_file()
    text = report.read_text()
    assert "## Transfer: 4Q cross-validation and Grekow side by side" in text
    assert "| `linear-mir`" in text and "| linear baseline |" in text
    assert "**Chosen: `linear-mir`**" in text and "**Selection rule**" in text


def test_experiment_refuses_an_unknown_candidate(tmp_path: Path) -> None:
    shared = require_4q()
    result = run("experiment", "--audio", os.fspath(shared / "audio"), "--labels",
                 os.fspath(shared / "labels.csv"), "--candidates", "no-such-model")
    assert result.returncode == 2
    assert "unknown candidate(s) no-such-model" in result.stderr


def test_a_library_from_a_newer_version_is_refused_in_words(data_dir: Path) -> None:
    import sqlite3

    from ver_desktop.core.library import Library, migrations

    database = paths.database_path(data_dir)
    Library.at(database).close()
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', 'later')",
                   (migrations.LATEST + 1,))
    result = run("list")
    assert result.returncode == 1
    assert "newer version of ver_desktop" in result.stderr and "--data-dir" in result.stderr


def test_control_characters_in_names_never_reach_the_terminal(
        tmp_path: Path, media_files: dict[str, Path], data_dir: Path) -> None:
    """Issue 11, item 10: a name holding ESC [2J used to clear the screen of whoever listed it."""
    import shutil

    folder = tmp_path / "videos"
    folder.mkdir()
    tune = folder / "tune\x1b[2J.mp4"
    shutil.copyfile(media_files["music.mp4"], tune)
    (folder / "bell\x07.mp4").write_text("not a video\n")
    outputs = [run("scan", os.fspath(folder)), run("list"),
               run("classify", os.fspath(tune), os.fspath(folder / "bell\x07.mp4"))]
    for result in outputs:
        assert "\x1b" not in result.stdout + result.stderr
        assert "\x07" not in result.stdout + result.stderr
    assert "tune\\x1b[2J.mp4" in outputs[1].stdout and "bell\\x07.mp4" in outputs[1].stdout
    assert "bell\\x07.mp4" in outputs[0].stdout  # its failure in the scan summary


def test_ctrl_c_twice_quits_at_once_and_the_next_scan_carries_on(
        tmp_path: Path, long_file: Path, data_dir: Path) -> None:
    """Issue 11, item 4: the second Ctrl-C used to hang, and the first printed worker
    tracebacks. Ctrl-C is sent to the whole process group, as a terminal does; the second
    goes as soon as the first is acknowledged, while the files in progress (two-hour films,
    hard links of one) are still being read."""
    import signal
    import time

    folder = tmp_path / "videos"
    folder.mkdir()
    for i in range(FILES := 12):
        os.link(long_file, folder / f"film{i:02d}.mp4")
    scan = subprocess.Popen([sys.executable, "-m", "ver_desktop", "--workers", "2", "scan",
                             os.fspath(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=os.environ.copy(), start_new_session=True)
    assert scan.stderr is not None
    first_line = scan.stderr.readline()  # printed once the scan starts
    assert first_line.startswith("Scanning"), first_line
    # The first Ctrl-C once a film is done, so the next ones are surely in progress (before
    # that, on a loaded machine, nothing may be in progress and the scan ends at once).
    database = data_dir / "library.sqlite3"
    deadline = time.monotonic() + 300
    while _analyses(database) < 1 and scan.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(scan.pid, signal.SIGINT)
    seen = ""
    while "Ctrl-C again" not in seen and (line := scan.stderr.readline()):
        seen += line
    assert "stopping after the files in progress" in seen, seen
    os.killpg(scan.pid, signal.SIGINT)
    _, stderr = scan.communicate(timeout=60)
    assert scan.returncode == 130, seen + stderr
    assert "quitting now" in stderr and "Traceback" not in seen + stderr
    again = run("scan", os.fspath(folder))
    assert again.returncode == 0, again.stderr
    listing = [json.loads(line) for line in run("list", "--json").stdout.splitlines()]
    assert len(listing) == FILES and all(row["status"] == "ok" for row in listing)


def _analyses(database: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(database, timeout=5) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM analyses").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_pipes_and_broken_links_named_like_videos_fail_with_their_reason(
        tmp_path: Path, media_files: dict[str, Path], data_dir: Path) -> None:
    """Issue 11, item 11: a FIFO used to wait for the 120-s stall timer (twice), and scan
    skipped pipes and broken links without a word."""
    import shutil

    folder = tmp_path / "videos"
    folder.mkdir()
    shutil.copyfile(media_files["music.mp4"], folder / "good.mp4")
    os.mkfifo(folder / "pipe.mp4")
    (folder / "gone.mkv").symlink_to(tmp_path / "nowhere.mkv")
    scan = run("scan", os.fspath(folder))
    assert scan.returncode == 0
    assert "pipe.mp4: not a regular file (a named pipe" in scan.stdout
    assert "gone.mkv: a link to a file that does not exist" in scan.stdout
    classify = run("classify", "--json", os.fspath(folder / "pipe.mp4"))
    record = json.loads(classify.stdout)
    assert classify.returncode == 1 and "named pipe" in record["error"]
