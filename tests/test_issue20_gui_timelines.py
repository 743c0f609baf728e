"""Issue 20 in the app: the background queue of timelines goes past a file of 33-41 s
(which once stopped it for good), past a file it cannot read (with its reason), and keeps
nothing of a file replaced since its scan (worked out again once a scan has seen it)."""

from __future__ import annotations

import os
from pathlib import Path

import mediagen
from gui_helpers import WAIT_MS, settings_at, settle

from ver_desktop.core import paths
from ver_desktop.gui.main_window import MainWindow

TIMELINE_WAIT_MS = 240_000  # a loaded CI machine: several files through one worker


def test_one_bad_file_never_stops_the_queue_of_timelines(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "videos"
    folder.mkdir()
    lengths = {"a.mkv": 20.0, "b.mkv": 36.0, "c junk.mkv": 45.0, "d replaced.mkv": 50.0,
               "e.mkv": 60.0}  # shortest first: the queue meets b, then c and d, then e
    for seed, (name, seconds) in enumerate(lengths.items()):
        mediagen.write_media(folder / name, mediagen.music(seconds, seed=seed))
    window = MainWindow(data_dir, paths.bundled_model_dir(), settings_at(tmp_path), workers=1)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.session is not None, timeout=WAIT_MS)
    session = window.session
    assert session is not None
    window.add_paths([os.fspath(folder)])
    settle(qtbot, window, lambda: window.model.rowCount() == len(lengths))
    ids = {name: session.library.video_id(os.fspath(folder / name)) for name in lengths}
    junk = folder / "c junk.mkv"  # unreadable now, though its size and mtime are the same
    stat = junk.stat()
    junk.write_bytes(os.urandom(stat.st_size))
    os.utime(junk, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    replaced = folder / "d replaced.mkv"  # another, shorter song since the scan
    mediagen.write_media(replaced, mediagen.music(12.0, seed=9))
    broken: list[str] = []
    window.timelines.broken.connect(broken.append)
    window.set_timelines(True)

    def has_timeline(name: str) -> bool:
        video_id = ids[name]
        return video_id is not None and session.library.timeline(video_id,
                                                                 session.model) is not None

    def done() -> bool:
        return (all(map(has_timeline, ("a.mkv", "b.mkv", "e.mkv")))
                and ids["c junk.mkv"] in window.timelines.failures)

    qtbot.waitUntil(lambda: bool(broken) or done(), timeout=TIMELINE_WAIT_MS)
    assert broken == []
    assert window.timelines.failures.keys() == {ids["c junk.mkv"]}  # with its reason
    assert window.timelines.failures[ids["c junk.mkv"]]
    changed = ids["d replaced.mkv"]
    assert changed is not None
    kept = session.library.timeline(changed, session.model)
    # none, or (had a scan seen the new song meanwhile) the new song's
    assert kept is None or kept[0].duration < 20
    window.close()
    window.runner.wait()
