"""Scan folders: discover media, decide what is stale, extract in worker processes, infer in
batches, and write every result through the one library writer.

Each batch of results is committed in one transaction, so a scan killed at any moment
leaves the library consistent: files already committed keep their tags, the rest stay
pending and the next scan picks them up.
"""

from __future__ import annotations

import math
import os
import stat as statmod
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ver_desktop.core.bundle import NOT_FINITE, Classifier, Prediction
from ver_desktop.core.errors import ErrorKind
from ver_desktop.core.extract import Extracted, Failed, Outcome, task_for
from ver_desktop.core.library import FileStat, Library
from ver_desktop.core.library.claims import new_token
from ver_desktop.core.media import MEDIA_EXTENSIONS
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.pool import Task, WorkersFactory, default_workers, extract_all, spawn_pool
from ver_desktop.core.text import count_of
from ver_desktop.core.usecases import learning


@dataclass(frozen=True)
class ScanProgress:
    done: int
    total: int
    path: str
    elapsed: float

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        return (self.total - self.done) / self.rate if self.rate > 0 else None


@dataclass
class ScanSummary:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0
    skipped_failed: int = 0
    held_elsewhere: int = 0  # files another running scan of this library had in hand
    stretch_items: int = 0  # playlist items that played a stretch of a changed file
    stretch_tags: int = 0  # people's tags on stretches of changed files, gone with them
    analysed: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # path, kind, reason
    unreadable_folders: list[str] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(("decode", "features", "inference", "database"),
                                              0.0))


ProgressCallback = Callable[[ScanProgress], None]


def lost_stretches(summary: ScanSummary) -> list[str]:
    """In words, what files that changed took with them: the stretches playlists played
    (those items play the file now) and people's tags on stretches."""
    said = []
    if summary.stretch_items:
        items = summary.stretch_items
        said.append(f"{count_of(items, 'playlist item')} played a stretch of a file that "
                    f"has changed: {'they play' if items != 1 else 'it plays'} the file now, "
                    "as the playlist plays its files")
    if summary.stretch_tags:
        tags = summary.stretch_tags
        said.append(f"{count_of(tags, 'stretch')} tagged by a person {_were(tags)} in a "
                    f"file that has changed: {'those tags are' if tags != 1 else 'that tag is'}"
                    " gone with the old content")
    return said


def _not_finite(extracted: Extracted, prediction: Prediction) -> str:
    """Why a file's numbers cannot be stored as a tag ("" when they can)."""
    if not prediction.finite:
        return NOT_FINITE
    spans = [extracted.start, extracted.end, extracted.duration, extracted.speech_likeness or 0.0]
    if not all(math.isfinite(x) for x in spans):
        return ("the file gave a length or position that is not a finite number, so it was "
                "not tagged")
    return ""


def _were(count: int) -> str:
    return "were" if count != 1 else "was"


def discover(roots: Iterable[str]) -> tuple[list[FileStat], list[str]]:
    """Media files under `roots` (a root may be a single file, taken whatever its suffix),
    and the folders that could not be listed."""
    found: dict[str, FileStat] = {}
    unreadable: list[str] = []
    for root in roots:
        try:
            info = os.stat(root)
        except OSError:
            unreadable.append(root)
            continue
        if statmod.S_ISDIR(info.st_mode):
            _walk(root, found, unreadable)
        else:
            found[root] = FileStat(root, info.st_size, info.st_mtime_ns)
    return sorted(found.values(), key=lambda f: f.path), unreadable


def _walk(folder: str, found: dict[str, FileStat], unreadable: list[str]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        unreadable.append(folder)
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    _walk(entry.path, found, unreadable)
            elif entry.name.startswith("."):
                # hidden: a half-written copy (ours while writing moods into a file, or
                # another program's) or macOS's "._" resource forks, never a video to list
                continue
            elif Path(entry.name).suffix.lower() in MEDIA_EXTENSIONS:
                # pipes, devices and broken links named like media are recorded too, so
                # they fail with their reason instead of vanishing from the scan
                info = entry.stat(follow_symlinks=entry.is_file())
                found[entry.path] = FileStat(entry.path, info.st_size, info.st_mtime_ns)
        except OSError:
            continue  # vanished or unreadable entry; the next scan sees it again


def changed_roots(library: Library, roots: Sequence[str]) -> list[str]:
    """The roots whose media files differ from what the library recorded: added, gone, or
    changed in place (size or modification time). A directory walk and one query per root,
    no decoding: cheap enough to poll for what a folder watcher misses."""
    stale = []
    for root in roots:
        found, _unreadable = discover([root])
        if {f.path: (f.size, f.mtime_ns) for f in found} != library.known_files([root]):
            stale.append(root)
    return stale


class Scanner:
    """Runs scans against one library with one classifier."""

    def __init__(self, library: Library, classifier: Classifier, *, workers: int | None = None,
                 factory: WorkersFactory = spawn_pool, task: Task | None = None,
                 batch_size: int = 16) -> None:
        self.library = library
        self.classifier = classifier
        self.workers = workers or default_workers()
        self.factory = factory
        self.task = task or task_for(classifier.front_end)
        self.batch_size = batch_size
        info = classifier.info
        self.model: ModelKey = ModelKey(info.name, info.version)

    def scan(self, roots: Sequence[str], *, progress: ProgressCallback | None = None,
             cancelled: Callable[[], bool] = lambda: False,
             retry_failed: bool = False) -> ScanSummary:
        started = time.perf_counter()
        roots = [os.path.abspath(r) for r in roots]
        found, unreadable = discover(roots)
        plan = self.library.plan_scan(roots, found, self.model, retry_failed=retry_failed)
        summary = ScanSummary(new=plan.new, changed=plan.changed, unchanged=plan.unchanged,
                              missing=plan.missing, skipped_failed=plan.skipped_failed,
                              unreadable_folders=unreadable,
                              stretch_items=plan.stretch_items, stretch_tags=plan.stretch_tags)
        # An unchanged rescan (the watcher's, every minute) claims nothing: no writes.
        token = new_token() if plan.to_analyse else None
        try:
            mine = self.library.claim(token, [video_id for video_id, _ in plan.to_analyse]) \
                if token else set()
            summary.held_elsewhere = len(plan.to_analyse) - len(mine)
            ids = {path: video_id for video_id, path in plan.to_analyse if video_id in mine}
            writer = _BatchWriter(self, ids, summary, token)
            # Workers only for files to analyse, never more than there are files: an
            # unchanged rescan (the watcher's, every minute) starts no process at all.
            outcomes = extract_all(list(ids), workers=min(self.workers, len(ids)),
                                   cancelled=cancelled, factory=self.factory,
                                   task=self.task) if ids else iter(())
            for done, outcome in enumerate(outcomes, start=1):
                writer.add(outcome)
                if progress:
                    progress(ScanProgress(done, len(ids), outcome.path,
                                          time.perf_counter() - started))
            writer.flush()
        finally:
            if token:
                self.library.release(token)
        if summary.analysed:  # new files show what the personal layer learned, at once
            learning.after_scan(self.library, self.model, self.classifier.info.spread,
                                writer.analysed_ids)
        summary.cancelled = cancelled()
        summary.seconds = time.perf_counter() - started
        return summary


class _BatchWriter:
    """Collects outcomes, infers in batches, commits each batch in one transaction."""

    def __init__(self, scanner: Scanner, ids: dict[str, int], summary: ScanSummary,
                 token: str | None) -> None:
        self.scanner = scanner
        self.ids = ids
        self.summary = summary
        self.token = token
        self.extracted: list[Extracted] = []
        self.failed: list[Failed] = []
        self.analysed_ids: list[int] = []  # for the personal layer at the end
        self.last_flush = time.perf_counter()

    def add(self, outcome: Outcome) -> None:
        if isinstance(outcome, Extracted):
            self.extracted.append(outcome)
            self.summary.stage_seconds["decode"] += outcome.decode_seconds
            self.summary.stage_seconds["features"] += outcome.feature_seconds
        else:
            self.failed.append(outcome)
        due = time.perf_counter() - self.last_flush > 1.0
        if len(self.extracted) + len(self.failed) >= self.scanner.batch_size or due:
            self.flush()

    def flush(self) -> None:
        stages = self.summary.stage_seconds
        started = time.perf_counter()
        predictions = self.scanner.classifier.predict([e.features for e in self.extracted])
        inferred = time.perf_counter()
        tagged = []
        for e, p in zip(self.extracted, predictions, strict=True):
            why = _not_finite(e, p)
            if why:  # NaN or infinity is no tag: the file fails with its reason
                self.failed.append(Failed(e.path, ErrorKind.INTERNAL, why))
            else:
                tagged.append((self.ids[e.path], e, p))
        self.scanner.library.record(
            tagged, [(self.ids[f.path], f.kind.value, f.reason) for f in self.failed],
            self.scanner.model, scan=self.token,
        )
        stages["inference"] += inferred - started
        stages["database"] += time.perf_counter() - inferred
        self.summary.analysed += len(tagged)
        self.analysed_ids += [video_id for video_id, _, _ in tagged]
        self.summary.failed.extend((f.path, f.kind.value, f.reason) for f in self.failed)
        self.extracted, self.failed = [], []
        self.last_flush = time.perf_counter()
