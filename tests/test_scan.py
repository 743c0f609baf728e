"""Scanning folders end to end: real files, real worker processes, the real bundled model,
a real SQLite file. Broken files end with reasons; nothing stops the scan."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import Executor
from pathlib import Path

import crashy
import mediagen
import pytest
from conftest import EXPECTED, require_4q

from ver_desktop.core.bundle import Classifier
from ver_desktop.core.library import Library
from ver_desktop.core.pool import CRASH_REASON, run_inline
from ver_desktop.core.scan import Scanner, ScanSummary


@pytest.fixture
def collection(tmp_path: Path, media_files: dict[str, Path]) -> Path:
    """A folder tree holding every generated case, one level nested."""
    root = tmp_path / "videos"
    (root / "nested").mkdir(parents=True)
    for i, (name, path) in enumerate(sorted(media_files.items())):
        folder = root / "nested" if i % 2 and not name.startswith("music") else root
        shutil.copyfile(path, os.path.join(folder, os.path.basename(path)))
    return root


def states(library: Library, classifier: Classifier) -> dict[str, str]:
    rows = library.videos((classifier.info.name, classifier.info.version))
    result = {}
    for row in rows:
        key = "non_utf8" if "\ufffd" in row.name else row.name
        result[key] = "ok" if row.status == "ok" else (row.error_reason or row.status)
    return result


def test_scan_records_every_file_with_its_state(collection: Path, data_dir: Path,
                                                classifier: Classifier) -> None:
    library = Library.at(data_dir / "lib.sqlite3")
    summary = Scanner(library, classifier, workers=2).scan([os.fspath(collection)])
    assert summary.new == len(EXPECTED) and not summary.cancelled
    found = states(library, classifier)
    assert set(found) == set(EXPECTED)
    for name, expected in EXPECTED.items():
        if expected == "ok":
            assert found[name] == "ok", name
        else:
            assert found[name] != "ok" and "Traceback" not in found[name], name
    failed_kinds = {os.path.basename(p): kind for p, kind, _ in summary.failed}
    assert failed_kinds == {n: k for n, k in EXPECTED.items() if k != "ok"}
    ok_rows = library.videos((classifier.info.name, classifier.info.version), status="ok")
    for row in ok_rows:
        assert row.quadrant is not None and row.octant is not None and row.segment is not None
        assert 0.0 <= row.confidence <= 1.0  # type: ignore[operator]


def test_rescan_is_incremental(collection: Path, data_dir: Path,
                               classifier: Classifier) -> None:
    library = Library.at(data_dir / "lib.sqlite3")
    scanner = Scanner(library, classifier, workers=2)
    scanner.scan([os.fspath(collection)])
    again = scanner.scan([os.fspath(collection)])
    ok = sum(1 for v in EXPECTED.values() if v == "ok")
    assert (again.new, again.analysed, again.unchanged) == (0, 0, ok)
    assert again.skipped_failed == len(EXPECTED) - ok
    changed = collection / "music.mp4"
    changed.write_bytes(mediagen.write_media(collection / "tmp.mp4",
                                             mediagen.music(35.0, seed=9)).read_bytes())
    os.remove(collection / "tmp.mp4")
    os.remove(collection / "music.mkv")
    third = scanner.scan([os.fspath(collection)])
    assert (third.changed, third.analysed, third.missing) == (1, 1, 1)
    rows = {r.name: r.status for r in library.videos(
        (classifier.info.name, classifier.info.version))}
    assert rows["music.mkv"] == "missing" and rows["music.mp4"] == "ok"


def test_user_correction_survives_rescans(collection: Path, data_dir: Path,
                                          classifier: Classifier) -> None:
    library = Library.at(data_dir / "lib.sqlite3")
    scanner = Scanner(library, classifier, workers=2)
    scanner.scan([os.fspath(collection)])
    path = os.fspath(collection / "music.mp4")
    video_id = library.video_id(path)
    assert video_id is not None
    library.set_user_label(video_id, octant="sleepy")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))  # "changed" on disk
    scanner.scan([os.fspath(collection)], retry_failed=True)
    row = next(r for r in library.videos((classifier.info.name, classifier.info.version))
               if r.id == video_id)
    assert (row.quadrant, row.octant, row.corrected) == ("PV-NA", "sleepy", True)


def test_a_worker_killed_by_a_signal_costs_one_file(collection: Path, data_dir: Path,
                                                    classifier: Classifier) -> None:
    shutil.copyfile(collection / "music.mp4", collection / "crash_me.mp4")
    library = Library.at(data_dir / "lib.sqlite3")
    scanner = Scanner(library, classifier, workers=2, task=crashy.extract_or_die)
    summary = scanner.scan([os.fspath(collection)])
    crashed = [(os.path.basename(p), k, r) for p, k, r in summary.failed if k == "crashed"]
    assert crashed == [("crash_me.mp4", "crashed", CRASH_REASON)]
    found = states(library, classifier)
    assert all(found[name] == "ok" for name, state in EXPECTED.items() if state == "ok")


def test_cancel_stops_early_and_the_next_scan_resumes(collection: Path, data_dir: Path,
                                                      classifier: Classifier) -> None:
    library = Library.at(data_dir / "lib.sqlite3")
    scanner = Scanner(library, classifier, workers=1, factory=run_inline, batch_size=1)
    seen: list[str] = []
    summary = scanner.scan([os.fspath(collection)], progress=lambda p: seen.append(p.path),
                           cancelled=lambda: len(seen) >= 3)
    # Files already handed to a worker still finish; nothing else starts.
    assert summary.cancelled and 3 <= len(seen) <= 4
    pending = library.videos((classifier.info.name, classifier.info.version), status="pending")
    assert len(pending) == len(EXPECTED) - len(seen)
    resumed = scanner.scan([os.fspath(collection)])
    assert resumed.analysed + len(resumed.failed) == len(EXPECTED) - len(seen)
    assert library.videos((classifier.info.name, classifier.info.version),
                          status="pending") == []


def test_a_second_scan_leaves_the_first_one_s_files_to_it(collection: Path, data_dir: Path,
                                                          classifier: Classifier) -> None:
    """Issue 11, item 13: two scans of one library at once (two windows, the app beside
    the command line) analysed every file twice. The second starts while the first holds
    every file; it must analyse none of them."""
    database = data_dir / "lib.sqlite3"
    first = Scanner(Library.at(database), classifier, workers=1, factory=run_inline,
                    batch_size=1_000)
    second: list[ScanSummary] = []

    def start_the_second(_progress: object) -> None:
        if not second:
            other = Scanner(Library.at(database), classifier, workers=1, factory=run_inline)
            second.append(other.scan([os.fspath(collection)]))

    summary = first.scan([os.fspath(collection)], progress=start_the_second)
    assert summary.analysed + len(summary.failed) == len(EXPECTED)
    assert second[0].analysed == 0 and second[0].failed == []
    assert second[0].held_elsewhere >= len(EXPECTED) - 1  # one may be written already
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM claims").fetchone() == (0,)
    ok = sum(1 for state in EXPECTED.values() if state == "ok")
    assert library_states(database) == {"ok": ok, "failed": len(EXPECTED) - ok}


def library_states(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return dict(connection.execute("SELECT status, COUNT(*) FROM videos GROUP BY status"))


def test_killed_scan_leaves_a_consistent_library(tmp_path: Path, data_dir: Path,
                                                 classifier: Classifier) -> None:
    """SIGKILL the CLI mid-scan, then check integrity and that a rescan finishes the job."""
    root = tmp_path / "many"
    root.mkdir()
    source = mediagen.write_media(root / "clip000.mkv", mediagen.music(20.0, seed=1))
    for i in range(1, 30):
        shutil.copyfile(source, root / f"clip{i:03d}.mkv")
    command = [sys.executable, "-m", "ver_desktop", "--workers", "2", "scan", os.fspath(root)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = data_dir / "library.sqlite3"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _count(database, "analyses") < 3:
        time.sleep(0.05)
    workers = _children(process.pid)
    process.kill()
    process.wait()
    assert workers and _all_gone(workers), "worker processes outlived their killed parent"
    done = _count(database, "analyses")
    assert 3 <= done < 30
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        states = dict(connection.execute("SELECT status, COUNT(*) FROM videos GROUP BY status"))
    assert states.get("ok", 0) == done and states.get("ok", 0) + states.get("pending", 0) == 30
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "30 analysed" not in result.stdout and f"{30 - done} analysed" in result.stdout
    assert _count(database, "analyses") == 30


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _all_gone(pids: list[int], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _count(database: Path, table: str) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(database, timeout=5) as connection:
            return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_real_4q_clips_scan_end_to_end(tmp_path: Path, data_dir: Path,
                                       classifier: Classifier) -> None:
    shared = require_4q()
    root = tmp_path / "clips"
    root.mkdir()
    for clip in sorted((shared / "audio").iterdir())[:6]:
        os.symlink(clip, root / clip.name)
    library = Library.at(data_dir / "lib.sqlite3")
    summary = Scanner(library, classifier, workers=2).scan([os.fspath(root)])
    assert summary.analysed == 6 and summary.failed == []
    rows = library.videos((classifier.info.name, classifier.info.version))
    assert all(r.status == "ok" and r.quadrant for r in rows)


def test_non_finite_features_give_a_failure_with_its_reason_not_a_tag(
        media_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11, item 12: NaN features used to come back 'ok' and be tagged."""
    import numpy as np

    from ver_desktop.core import extract as extract_module
    from ver_desktop.core import frontends

    def nan_features(_self: object, *, signal: np.ndarray, rate: int) -> np.ndarray:
        return np.full((4, 26), np.nan, np.float32)

    monkeypatch.setattr(frontends.Mir, "compute", nan_features)
    outcome = extract_module.extract(os.fspath(media_files["music.mp4"]))
    assert not isinstance(outcome, extract_module.Extracted)
    assert outcome.kind == "internal" and "not finite" in outcome.reason


def test_workers_start_only_for_files_to_analyse(collection: Path, data_dir: Path,
                                                 classifier: Classifier) -> None:
    """Issue 14: every scan started a worker per CPU, even an unchanged rescan (the
    watcher's, every minute); never more workers than files now, and none for nothing."""
    started: list[int] = []

    def counted(workers: int) -> Executor:
        started.append(workers)
        return run_inline(workers)

    library = Library.at(data_dir / "lib.sqlite3")
    scanner = Scanner(library, classifier, workers=6, factory=counted)
    first = scanner.scan([os.fspath(collection)])
    assert started == [min(6, first.new)]
    started.clear()
    again = scanner.scan([os.fspath(collection)])
    assert again.analysed == 0 and started == []  # an unchanged rescan starts nothing
    extra = collection / "late arrival.mp4"
    shutil.copyfile(collection / "music.mp4", extra)
    scanner.scan([os.fspath(collection)])
    assert started == [1]  # one new file, one worker


def test_discovery_passes_over_hidden_files(tmp_path: Path) -> None:
    """A hidden file named like media is a half-written copy (ours while moods are written
    into a file, or another program's) or a macOS resource fork: never a video to list,
    even when a scan runs in the middle of a write."""
    from ver_desktop.core.scan import discover

    for name in ("song.mp3", ".ver-tmp-k2j3.mp3", "._song.mp3", ".hidden.mp4"):
        (tmp_path / name).write_bytes(b"data")
    found, unreadable = discover([os.fspath(tmp_path)])
    assert [Path(f.path).name for f in found] == ["song.mp3"] and unreadable == []
    # a hidden file named on its own is still taken: the person asked for it
    single, _ = discover([os.fspath(tmp_path / "._song.mp3")])
    assert len(single) == 1
