"""`ver-desktop scan`: add folders to the library and analyse them, with a progress bar and
a summary; Ctrl-C stops after the files in progress. What to scan and which folders join
the library are core's (core/usecases/folders.py), the scan is core's `Scanner`."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from ver_desktop.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    Commands,
    ProgressLine,
    SetupError,
    interrupt_flag,
    open_classifier,
    open_library,
    where,
)
from ver_desktop.core import paths
from ver_desktop.core.text import clock, count_of, printable, terminal_text

if TYPE_CHECKING:
    from ver_desktop.core.library import Library
    from ver_desktop.core.pool import WorkersFactory
    from ver_desktop.core.scan import ScanProgress, ScanSummary


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    scan = commands.add_parser("scan", run, parents=parents,
                               help="add folders to the library and analyse them")
    scan.add_argument("paths", nargs="*", metavar="DIR",
                      help="folders or files (default: the library's folders, else Videos)")
    scan.add_argument("--retry-failed", action="store_true",
                      help="try files that failed before again")
    scan.add_argument("--cluster", metavar="ADDRESS",
                      help="read the files on a Dask cluster: tcp://HOST:8786 (its workers "
                           "must see the files at the same paths), or local:N for N worker "
                           "processes here (needs the server extra)")


def run(args: argparse.Namespace) -> int:
    from ver_desktop.core.scan import Scanner
    from ver_desktop.core.usecases.folders import add_folders, roots_to_scan

    library = open_library(args)
    videos = paths.default_videos_dir()
    roots = roots_to_scan(library, args.paths, default=os.fspath(videos))
    if not roots:
        print(f"Nothing to scan yet: the library has no folders and {videos} does not "
              "exist.\nAdd a folder with: ver-desktop scan /path/to/videos")
        return EXIT_OK
    add_folders(library, roots)
    classifier = open_classifier(args)
    with _scan_workers(args) as (workers, factory):
        scanner = Scanner(library, classifier, workers=workers, factory=factory)
        stop = interrupt_flag()
        bar = _ProgressBar(sys.stderr)
        print(f"Scanning {terminal_text(', '.join(roots))} with {scanner.classifier.tag}",
              file=sys.stderr)
        summary = scanner.scan(roots, progress=bar.update, cancelled=stop.is_set,
                               retry_failed=args.retry_failed)
        bar.close()
    print_summary(summary, where(args))
    _still_to_prepare(library, scanner.classifier.info.name, scanner.classifier.info.version)
    return EXIT_INTERRUPTED if summary.cancelled else EXIT_OK


def _still_to_prepare(library: Library, name: str, version: str) -> None:
    """Files analysed by an earlier version cannot follow a person's tags until read again:
    say how many, and how (cli/learning.py)."""
    from ver_desktop.core.model_key import ModelKey
    from ver_desktop.core.usecases import learning

    left = learning.state(library, ModelKey(name, version)).without_embedding
    if left:
        print(f"{count_of(left, 'file')} still to prepare for learning from your tags: run "
              "ver-desktop learning prepare")


@contextlib.contextmanager
def _scan_workers(args: argparse.Namespace) -> Iterator[tuple[int | None, WorkersFactory]]:
    """How many files to read at once, and where: the local pool, or `--cluster`."""
    from ver_desktop.core.pool import spawn_pool

    if not args.cluster:
        yield args.workers, spawn_pool
        return
    from ver_desktop.core.cluster import ClusterError, open_cluster

    try:
        cluster = open_cluster(args.cluster)
    except ClusterError as exc:
        raise SetupError(str(exc)) from None
    with cluster:
        yield args.workers or cluster.threads(), cluster.workers


class _ProgressBar(ProgressLine):
    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream, 160)

    def update(self, progress: ScanProgress) -> None:
        eta = "--" if progress.eta is None else clock(progress.eta)
        width = 24
        filled = int(width * progress.done / max(progress.total, 1))
        line = (f"[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total} "
                f"{progress.rate:.1f} files/s ETA {eta}  {_short(progress.path)}")
        self.show(line, progress.done, progress.total)


def _short(path: str) -> str:
    name = terminal_text(os.path.basename(path).encode("utf-8", "replace").decode("utf-8"))
    return name if len(name) <= 50 else name[:47] + "..."


def _were(count: int) -> str:
    return "were" if count != 1 else "was"


def print_summary(summary: ScanSummary, data: str) -> None:
    """What a scan did, and where the library is (`data`: common.where)."""
    from ver_desktop.core.scan import lost_stretches

    print(f"{'Stopped' if summary.cancelled else 'Done'} in {summary.seconds:.1f} s: "
          f"{summary.new} new, {summary.changed} updated, {summary.unchanged} unchanged, "
          f"{summary.analysed} analysed, {len(summary.failed)} failed, "
          f"{summary.missing} missing")
    if summary.skipped_failed:
        print(f"  {count_of(summary.skipped_failed, 'file')} failed in an earlier scan and "
              f"{_were(summary.skipped_failed)} skipped (--retry-failed tries them again)")
    if summary.held_elsewhere:
        held = summary.held_elsewhere
        print(f"  {count_of(held, 'file')} {'are' if held != 1 else 'is'} being analysed by "
              "another scan of this library and left to it (the next scan takes any it "
              "leaves)")
    for words in lost_stretches(summary):
        print(f"  {words}")
    for path, kind, reason in summary.failed:
        print(f"  failed: {terminal_text(printable(path))}: {terminal_text(reason)} [{kind}]")
    for folder in summary.unreadable_folders:
        print(f"  could not read folder: {terminal_text(printable(folder))}")
    print(f"Library: {terminal_text(data)}")
