"""Preparing files for learning: the clip embedding (core/personal.py) of every file analysed
before this version, read again from its analysed segment. One implementation for the
window's background job (gui/embeddings_job.py, `EmbeddingsController`) and for the command
line's `learning prepare` (cli/learning.py).

Each file's segment is read again with the model's front end in worker processes (as a scan
reads it: core/extract.py, core/pool.py), and its embedding is stored packed (1 KB). A file
that cannot be read now, or that is no longer what was analysed, is skipped with its reason
logged: it keeps its tag, and only the layer cannot adjust it. Once anything was stored the
layer is refitted once (learning.relearn), so the newly prepared files follow what it learned.
Writes go through `write` (the window's one database writer; here by default).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ver_desktop.core.changes import NOTHING, Changes, Done
from ver_desktop.core.pool import WorkersFactory, extract_all, spawn_pool

if TYPE_CHECKING:
    from ver_desktop.core.extract import Outcome
    from ver_desktop.core.library import Library
    from ver_desktop.core.model_key import ModelKey

log = logging.getLogger(__name__)

T = TypeVar("T")
Write = Callable[[Callable[[], T]], T]  # runs a write on the library's writer, returns its value

BATCH = 50  # embeddings stored per transaction
ALL = 10**9  # "every file" for library.without_embedding
SEGMENT_SLACK = 0.05  # seconds: the segment read again must be the one analysed
CHANGED = ("the file is no longer what was analysed (its segment moved); the next scan "
           "reads it again")


@dataclass(frozen=True)
class FillProgress:
    done: int  # files read (prepared or skipped)
    total: int
    path: str  # the last file read
    seconds: float  # since the fill started

    @property
    def eta(self) -> float | None:
        if self.done == 0 or self.done >= self.total:
            return None
        return self.seconds / self.done * (self.total - self.done)


@dataclass(frozen=True)
class FillSummary:
    total: int  # files that needed an embedding when it started
    filled: int
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    cancelled: bool = False

    def sentence(self) -> str:
        """What it did, in a person's words."""
        if self.total == 0:
            return "Every analysed file is ready to learn from your tags."
        text = (f"Prepared {self.filled:,} of {self.total:,} files so it can learn from your "
                "tags")
        if self.skipped:
            text += f"; {self.skipped_words()}"
        if self.cancelled:
            text += "; stopped (run it again to carry on)"
        return text + "."

    def skipped_words(self) -> str:
        count = len(self.skipped)
        return (f"{count:,} {'file' if count == 1 else 'files'} could not be read again and "
                "keep their tags as they are")


def pending(library: Library, model: ModelKey) -> list[tuple[int, str, float | None]]:
    """The analysed files without an embedding: (video id, path, analysed segment start)."""
    return [(video_id, path, start)
            for video_id, path, start, _end in library.without_embedding(model, ALL)]


def fill_embeddings(library: Library, model: ModelKey, front_end: str, *, spread: float,
                    workers: int, cancelled: Callable[[], bool],
                    progress: Callable[[FillProgress], None] | None = None,
                    write: Write[Any] | None = None,
                    factory: WorkersFactory = spawn_pool,
                    todo: list[tuple[int, str, float | None]] | None = None,
                    ) -> Done[FillSummary]:
    """Read every analysed file without an embedding again (`todo`: these instead), store
    the embeddings, and refit the layer once if any was stored. Stops early when
    `cancelled()` (what was stored stays)."""
    from ver_desktop.core.extract import Extracted, task_for

    run: Write[Any] = write if write is not None else _here
    todo = pending(library, model) if todo is None else todo
    if not todo:
        return Done(FillSummary(0, 0), NOTHING)
    by_path = {path: (video_id, start) for video_id, path, start in todo}
    started = time.monotonic()
    ready: dict[int, bytes] = {}
    skipped: list[tuple[str, str]] = []
    filled = done = 0
    for outcome in extract_all(list(by_path), workers=max(1, workers), cancelled=cancelled,
                               factory=factory, task=task_for(front_end)):
        video_id, start = by_path[outcome.path]
        packed = _embedding(outcome, start) if isinstance(outcome, Extracted) else None
        if packed is None:
            why = _why(outcome)
            skipped.append((outcome.path, why))
            log.warning("not prepared for learning: %r: %s", outcome.path, why)
        else:
            ready[video_id] = packed
        done += 1
        if len(ready) >= BATCH:
            filled += _store(library, model, ready, run)
        if progress is not None:
            progress(FillProgress(done, len(todo), outcome.path, time.monotonic() - started))
    filled += _store(library, model, ready, run)
    moved = NOTHING
    if filled:
        moved = run(lambda: _relearn(library, model, spread))
    summary = FillSummary(len(todo), filled, skipped, cancelled=done < len(todo))
    return Done(summary, moved)


def _embedding(outcome: Outcome, start: float | None) -> bytes | None:
    """The packed embedding of what was read, if it is the segment that was analysed."""
    from ver_desktop.core.extract import Extracted
    from ver_desktop.core.personal import clip_embedding, pack

    extracted = cast("Extracted", outcome)
    if start is not None and abs(extracted.start - start) > SEGMENT_SLACK:
        return None
    return pack(clip_embedding(extracted.features))


def _why(outcome: Outcome) -> str:
    from ver_desktop.core.extract import Failed

    return outcome.reason if isinstance(outcome, Failed) else CHANGED


def _store(library: Library, model: ModelKey, ready: dict[int, bytes],
           run: Write[Any]) -> int:
    if not ready:
        return 0
    batch = dict(ready)
    ready.clear()
    run(lambda: library.store_embeddings(model, batch))
    return len(batch)


def _relearn(library: Library, model: ModelKey, spread: float) -> Changes:
    from ver_desktop.core.usecases import learning

    return learning.relearn(library, model, spread)


def _here(fn: Callable[[], T]) -> T:
    return fn()
