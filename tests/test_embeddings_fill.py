"""Preparing a library analysed before issue 22 for learning (core/usecases/embeddings.py):
each analysed file's segment is read again and its clip embedding stored; a file that
cannot be read again is reported and keeps its tag; the layer is refitted once at the end.
Real media (mediagen), a real library on SQLite and PostgreSQL; the workers run in-process
(pool.run_inline) so no process is spawned."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import mediagen
import numpy as np
import pytest
from sqlalchemy import text
from test_playlists import analysis

from ver_desktop.core import paths
from ver_desktop.core.bundle import read_bundle_info
from ver_desktop.core.extract import Extracted, task_for
from ver_desktop.core.library import BulkVideo, Library
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.personal import clip_embedding, unpack
from ver_desktop.core.pool import run_inline
from ver_desktop.core.usecases.embeddings import FillProgress, fill_embeddings, pending

INFO = read_bundle_info(paths.model_dir(None))
MODEL = ModelKey(INFO.name, INFO.version)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Four short real files (read whole: their analysed segment starts at 0) and one that
    was a video when analysed and is damaged now."""
    folder = tmp_path_factory.mktemp("prepare")
    made = [mediagen.write_media(folder / f"song{i}{suffix}",
                                 mediagen.music(14.0, seed=i, tempo=80 + 25 * i))
            for i, suffix in enumerate((".mp4", ".mkv", ".flac", ".webm"))]
    damaged = folder / "damaged.mp4"
    damaged.write_bytes(np.random.default_rng(3).bytes(50_000))
    return [*made, damaged]


@pytest.fixture
def library(library_url: str, media: list[Path]) -> Iterator[Library]:
    """The files as a library analysed by an earlier version: readings, no embeddings;
    the damaged file carries a person's tag."""
    library = Library(library_url)
    rng = np.random.default_rng(0)
    library.bulk_add([BulkVideo(path=os.fspath(p), size=1, mtime_ns=1, duration=14.0,
                                status="ok", analysis=analysis(*map(float, rng.uniform(-1, 1, 2)),
                                                                0.6))
                      for p in media], MODEL)
    damaged = library.video_id(os.fspath(media[-1]))
    assert damaged is not None
    library.set_user_label(damaged, quadrant="NV-NA")
    yield library
    library.close()


def stored(library: Library) -> dict[str, bytes | None]:
    with library.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT v.path, a.embedding FROM analyses a JOIN videos v ON v.id = a.video_id"))
        return {os.fsdecode(bytes(p) if isinstance(p, (bytes, memoryview)) else p):
                (None if e is None else bytes(e)) for p, e in rows}


def test_files_without_an_embedding_get_theirs_and_a_damaged_one_keeps_its_tag(
        library: Library, media: list[Path]) -> None:
    assert {path for _id, path, _start in pending(library, MODEL)} == set(map(os.fspath, media))
    seen: list[FillProgress] = []
    done = fill_embeddings(library, MODEL, INFO.front_end, spread=INFO.spread, workers=2,
                           cancelled=lambda: False, progress=seen.append, factory=run_inline)
    summary = done.value
    assert (summary.total, summary.filled) == (5, 4)
    assert [path for path, _why in summary.skipped] == [os.fspath(media[-1])]
    assert "FFmpeg" in summary.skipped[0][1] or "not" in summary.skipped[0][1]
    assert not summary.cancelled
    assert [p.done for p in seen] == [1, 2, 3, 4, 5] and seen[-1].total == 5
    assert "Prepared 4 of 5 files" in summary.sentence() and "keep their tags" in (
        summary.sentence())

    kept = stored(library)
    assert kept[os.fspath(media[-1])] is None  # still without one: it is asked for again
    for path in media[:-1]:  # what the scan of this version would have stored
        extracted = task_for(INFO.front_end)(os.fspath(path))
        assert isinstance(extracted, Extracted)
        data = kept[os.fspath(path)]
        assert data is not None and len(data) == 2 * 500
        np.testing.assert_allclose(unpack(data), clip_embedding(extracted.features),
                                   rtol=2e-3, atol=2e-3)
    assert [path for _id, path, _s in pending(library, MODEL)] == [os.fspath(media[-1])]

    # The damaged file lost nothing: its row and the person's tag are as they were
    damaged = library.video_id(os.fspath(media[-1]))
    assert damaged is not None
    row = library.rows(MODEL, [damaged])[damaged]
    assert row.status == "ok" and row.corrected and row.quadrant == "NV-NA"


def test_a_moved_segment_is_not_taken_for_the_analysed_one(library: Library,
                                                           media: list[Path]) -> None:
    """A file whose segment is no longer where it was analysed (it was replaced) is
    skipped: its next scan reads it again."""
    first = library.video_id(os.fspath(media[0]))
    todo = [(first, os.fspath(media[0]), 12.0)]
    summary = fill_embeddings(library, MODEL, INFO.front_end, spread=INFO.spread, workers=1,
                              cancelled=lambda: False, factory=run_inline,
                              todo=todo).value  # type: ignore[arg-type]
    assert summary.filled == 0 and "no longer what was analysed" in summary.skipped[0][1]
    assert stored(library)[os.fspath(media[0])] is None


def test_cancelled_at_once_stores_nothing(library: Library) -> None:
    done = fill_embeddings(library, MODEL, INFO.front_end, spread=INFO.spread, workers=1,
                           cancelled=lambda: True, factory=run_inline)
    assert done.value.cancelled and done.value.filled == 0 and not done.changes
    assert len(pending(library, MODEL)) == 5


def test_nothing_to_prepare_says_so(library_url: str) -> None:
    library = Library(library_url)
    try:
        done = fill_embeddings(library, MODEL, INFO.front_end, spread=INFO.spread,
                               workers=1, cancelled=lambda: False, factory=run_inline)
    finally:
        library.close()
    assert done.value.total == 0 and not done.changes
    assert done.value.sentence() == "Every analysed file is ready to learn from your tags."


def test_the_window_prepares_in_the_background_and_says_so(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           media: list[Path]) -> None:
    """The window's job (gui/embeddings_job.py): after the library opens, the files without
    an embedding are prepared in worker processes, the layer is refitted, and it says so in
    words; the damaged file is named in a notice and not asked for again."""
    from PySide6.QtCore import QSettings

    from ver_desktop.gui.embeddings_job import EmbeddingsController
    from ver_desktop.gui.session import Session
    from ver_desktop.gui.state import AppState
    from ver_desktop.gui.tasks import TaskRunner

    url = f"sqlite:///{tmp_path / 'lib.sqlite3'}"
    library = Library(url)
    gone = os.fspath(tmp_path / "gone.mp4")  # not there now: left to the next scan, unsaid
    library.bulk_add([BulkVideo(path=p, size=1, mtime_ns=1, duration=14.0, status="ok",
                                analysis=analysis(0.3, -0.2, 0.6))
                      for p in [*map(os.fspath, media), gone]], MODEL)
    runner = TaskRunner()
    settings = QSettings(os.fspath(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    state = AppState(runner, tmp_path, settings, url)
    said: list[str] = []
    notices: list[str] = []
    changes: list[object] = []
    state.message.connect(lambda text, _ms: said.append(text))
    state.notice.connect(notices.append)
    state.changed.connect(changes.append)
    state.open(Session(tmp_path, library, INFO))
    controller = EmbeddingsController(state, workers=1)
    finished: list[object] = []
    controller.prepared.connect(finished.append)
    controller.resume()
    try:
        qtbot.waitUntil(lambda: bool(finished), timeout=120_000)
    finally:
        controller.stop()
    assert said[0] == "Preparing 5 files so it can learn from your tags…"
    assert said[-1] == "Ready to learn from your tags."
    assert notices and "1 file could not be read again" in notices[0]
    assert changes  # the refitted layer was announced
    assert {path for _id, path, _s in pending(library, MODEL)} == {os.fspath(media[-1]), gone}
    damaged = library.video_id(os.fspath(media[-1]))
    assert controller.skipped == {damaged}

    # Resumed (after a scan): the damaged file is not read again, nothing more is said
    finished.clear()
    said.clear()
    controller.enabled = True
    controller.resume()
    qtbot.waitUntil(lambda: not controller.busy, timeout=60_000)
    controller.stop()
    assert not finished and not said
    library.close()


def test_the_window_prepares_an_older_library_when_it_opens(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                            media: list[Path],
                                                            bundled_model: Path) -> None:
    """gui/main_window.py starts the preparing job once the library is open: the files
    analysed without an embedding get theirs, and the status bar says it is ready."""
    from gui_helpers import WAIT_MS, open_window, settings_at

    data = tmp_path / "data"
    library = Library.at(paths.database_path(data))
    library.bulk_add([BulkVideo(path=os.fspath(p), size=1, mtime_ns=1, duration=14.0,
                                status="ok", analysis=analysis(0.3, -0.2, 0.6))
                      for p in media[:-1]], MODEL)
    library.close()
    window = open_window(qtbot, data, bundled_model, settings_at(tmp_path))
    session = window.session
    assert session is not None
    qtbot.waitUntil(lambda: not pending(session.library, MODEL) and not window.embeddings.busy,
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage()
                    == "Ready to learn from your tags.", timeout=WAIT_MS)
    window.close()
