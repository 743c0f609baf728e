"""What keeps the window responsive during a scan (benchmarks/bench_gui_scan.py measures
the stalls; these tests check the mechanisms, never timings)."""

from __future__ import annotations

import gc
from pathlib import Path

from gui_helpers import open_window, settings_at

from ver_desktop.core.scan import ScanProgress
from ver_desktop.gui.progress import ScanProgressWidget


def test_the_heap_is_frozen_once_the_engine_has_loaded(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                       data_dir: Path,
                                                       bundled_model: Path) -> None:
    # A full garbage collection over the loaded engine froze the window for ~180 ms at
    # the start of each scan; frozen objects are not walked.
    gc.unfreeze()
    window = open_window(qtbot, data_dir, bundled_model, settings_at(tmp_path))
    try:
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 10_000, timeout=30_000)
    finally:
        window.close()
        gc.unfreeze()


def test_progress_is_shown_at_most_a_few_times_a_second(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = ScanProgressWidget()
    qtbot.addWidget(widget)
    widget.started()
    texts: list[str] = []
    original = widget.label.setText
    widget.label.setText = lambda text: (texts.append(text), original(text))  # type: ignore[method-assign]
    for done in range(1, 101):
        widget.update_progress(ScanProgress(done, 100, f"/videos/clip {done}.mp4", 1.0))
    assert len(texts) == 1 and texts[0].startswith("1 / 100")  # the first at once
    qtbot.waitUntil(lambda: len(texts) == 2, timeout=2_000)
    assert texts[-1].startswith("100 / 100") and "clip 100.mp4" in texts[-1]  # then the latest
    assert widget.bar.value() == 100


def test_a_task_that_outlives_its_window_ends_quietly(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A CI run failed the next test's setup with 'Signal source has been deleted': a
    window closed while one of its background reads was still running."""
    import threading

    import shiboken6

    from ver_desktop.gui.tasks import TaskRunner

    runner = TaskRunner()
    gate = threading.Event()
    runner.run(lambda: gate.wait(10))
    threading.Timer(0.3, gate.set).start()
    shiboken6.delete(runner)  # waits for the task, which then has nobody to tell
    assert gate.is_set()
    qtbot.wait(50)
