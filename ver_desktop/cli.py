"""Command line: `ver-desktop scan | classify | list | tag | playlist | train`; no command
opens the app. Global options (--data-dir, --model, --workers) go before or after the command.

Exit status: 0 success, 1 when some input failed (classify), 2 for usage or setup errors,
130 when interrupted. No traceback reaches the user for a bad file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ver_desktop import __version__, playlist_cli
from ver_desktop.core import paths
from ver_desktop.core.labels import OCTANTS, QUADRANT_NAMES, QUADRANTS
from ver_desktop.core.text import clock, count_of, terminal_text
from ver_desktop.playlist_cli import add_filter_options

if TYPE_CHECKING:  # heavy modules load only when a command needs them
    from ver_desktop.core.bundle import Classifier, Prediction
    from ver_desktop.core.extract import Outcome
    from ver_desktop.core.library import Library, VideoRow
    from ver_desktop.core.pool import WorkersFactory
    from ver_desktop.core.scan import ScanProgress, ScanSummary
    from ver_desktop.core.timeline import Stretch, Timeline

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class SetupError(Exception):
    """Something the user must fix before the command can run (exit 2)."""


def _global_options(parser: argparse.ArgumentParser, *, here: bool) -> None:
    """The options every command takes, before or after the command's name (`here` False:
    a command's copy, which leaves the value given before the command alone)."""
    default: Any = None if here else argparse.SUPPRESS
    parser.add_argument("--data-dir", default=default, help="library and caches (default: "
                        f"${paths.DATA_DIR_ENV}, else the platform's user data folder)")
    parser.add_argument("--library", default=default, metavar="URL",
                        help="a shared library, postgresql://USER@HOST/DATABASE (default: "
                        f"${paths.LIBRARY_URL_ENV}, else the file in the data folder)")
    parser.add_argument("--path-map", action="append", default=default, metavar="LOCAL=SHARED",
                        help="in a shared library, where this computer mounts a share, "
                        "such as /Volumes/Music=/shares/music (repeatable; also "
                        "$VER_DESKTOP_PATH_MAP, pairs separated by ';')")
    parser.add_argument("--model", default=default, help=f"a bundled model (default: "
                        f"{paths.DEFAULT_MODEL}) or a bundle folder")
    parser.add_argument("--workers", type=int, default=default,
                        help="decoding processes (default: CPU count)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ver-desktop",
        description="Tag videos with the emotion their audio carries (Russell's circumplex).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _global_options(parser, here=True)
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, here=False)
    commands = _Commands(parser.add_subparsers(dest="command", metavar="COMMAND",
                                               help="with no command, the desktop app opens"),
                         common)

    opening = commands.add_parser("open", help="open the desktop app and add these folders "
                                               "or files to the library (\"Open with\")")
    opening.add_argument("paths", nargs="*", metavar="PATH")

    scan = commands.add_parser("scan", help="add folders to the library and analyse them")
    scan.add_argument("paths", nargs="*", metavar="DIR",
                      help="folders or files (default: the library's folders, else Videos)")
    scan.add_argument("--retry-failed", action="store_true",
                      help="try files that failed before again")
    scan.add_argument("--cluster", metavar="ADDRESS",
                      help="read the files on a Dask cluster: tcp://HOST:8786 (its workers "
                           "must see the files at the same paths), or local:N for N worker "
                           "processes here (needs the server extra)")

    classify = commands.add_parser("classify", help="classify files without a library")
    classify.add_argument("paths", nargs="+", metavar="PATH")
    classify.add_argument("--json", action="store_true", help="one JSON object per line")

    timeline = commands.add_parser("timeline", help="a file's emotion over time: a point "
                                   "every 3 s and its stretches of one emotion")
    timeline.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    timeline.add_argument("--json", action="store_true", help="one JSON object")

    stretches = commands.add_parser("stretches", help="stretches of one emotion across the "
                                    "library's timelines, e.g. calm ones of 2 minutes or more")
    playlist_cli.add_stretch_filter_options(stretches)
    stretches.add_argument("--json", action="store_true", help="one JSON object per line")

    listing = commands.add_parser("list", help="show what the library holds")
    add_filter_options(listing)
    listing.add_argument("--json", action="store_true", help="one JSON object per line")

    playlist_cli.add_parser(commands.actions, [common])

    tag = commands.add_parser("tag", help="set your own emotion for a file in the library")
    tag.add_argument("path")
    group = tag.add_mutually_exclusive_group(required=True)
    group.add_argument("--quadrant", choices=QUADRANTS)
    group.add_argument("--octant", choices=OCTANTS)
    group.add_argument("--clear", action="store_true", help="remove your tag")
    tag.add_argument("--at", metavar="SECONDS|M:SS",
                     help="tag only the stretch of the file's timeline at this moment")

    commands.add_parser("upgrade-library", help="update a shared library to this version "
                        "(back it up with pg_dump first)")

    train = commands.add_parser("train", help="train a model bundle from labelled audio")
    train.add_argument("--audio", required=True, type=Path, help="folder of media files")
    train.add_argument("--labels", required=True, type=Path, help="labels CSV (4Q layout)")
    train.add_argument("--out", required=True, type=Path, help="bundle folder to write")
    train.add_argument("--name", default=paths.DEFAULT_MODEL)
    train.add_argument("--bundle-version", default="0.1.0")
    train.add_argument("--candidate", metavar="NAME",
                       help="the model to train (names in ver_desktop/training/transfer.py; "
                            "default: the one the bundled default model was trained as)")
    train.add_argument("--epochs", type=int, help="train a network for this many epochs "
                                                  "instead of the candidate's own number")
    train.add_argument("--transfer-audio", type=Path,
                       help="audio of a set never trained on, to measure transfer (Grekow)")
    train.add_argument("--transfer-labels", type=Path, help="its labels CSV")
    train.add_argument("--role", default="accurate",
                       help="what the model is for, in a few words (shown in Settings)")
    train.add_argument("--cv", action=argparse.BooleanOptionalAction, default=True,
                       help="run 10-fold artist-grouped cross-validation first")
    train.add_argument("--limit", type=int, help="use only the first N labelled files")
    experiment = commands.add_parser(
        "experiment", help="reproduce the paper's grid with cross-validation, write the report")
    experiment.add_argument("--audio", required=True, type=Path)
    experiment.add_argument("--labels", required=True, type=Path)
    experiment.add_argument("--results", type=Path,
                            help="where per-fold results are kept (default: data dir)")
    experiment.add_argument("--report", type=Path, default=Path("docs/reproduction.md"))
    experiment.add_argument("--epochs", type=int, default=100)
    experiment.add_argument("--pool", type=int, default=8, help="frames averaged per step")
    experiment.add_argument("--classes", type=int, nargs="+", choices=(4, 8), default=[4, 8])
    experiment.add_argument("--hidden", type=int, nargs="+", default=[40, 80, 120])
    experiment.add_argument("--losses", nargs="+", choices=("hmse", "ce"),
                            default=["hmse", "ce"])
    experiment.add_argument("--folds", type=int, nargs="+", help="default: all")
    experiment.add_argument("--limit", type=int, help="use only the first N labelled files")
    experiment.add_argument("--candidates", nargs="+", default=[], metavar="NAME",
                            help="also cross-validate these candidate models "
                                 "(names in ver_desktop/training/candidates.py, or 'all')")
    experiment.add_argument("--transfer-audio", type=Path,
                            help="audio of a set never trained on (Grekow): every point "
                                 "candidate is also trained on all labelled clips and "
                                 "measured there")
    experiment.add_argument("--transfer-labels", type=Path, help="its labels CSV")
    experiment.add_argument("--point-candidates", nargs="+", default=[], metavar="NAME",
                            help="point candidates for the transfer protocol (names in "
                                 "ver_desktop/training/transfer.py, or 'all')")
    experiment.add_argument("--report-only", action="store_true",
                            help="rewrite the report from stored results; train nothing")
    return parser


class _Commands:
    """The subcommands, each also taking the global options after its name (people type
    `ver-desktop classify --model ver-musicnn FILE`)."""

    def __init__(self, actions: Any, common: argparse.ArgumentParser) -> None:
        self.actions, self.common = actions, common

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = self.actions.add_parser(
            name, parents=[self.common], **kwargs)
        return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(playlist_cli.joined_points(sys.argv[1:] if argv is None else argv))
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.command in (None, "open"):
        return cmd_gui(args)
    handlers = {"scan": cmd_scan, "classify": cmd_classify, "list": cmd_list, "tag": cmd_tag,
                "upgrade-library": cmd_upgrade_library, "timeline": cmd_timeline,
                "stretches": cmd_stretches,
                "train": cmd_train, "experiment": cmd_experiment, "playlist": cmd_playlist}
    try:
        return handlers[args.command](args)
    except (SetupError, playlist_cli.PlaylistUsageError) as exc:
        print(f"ver-desktop: {terminal_text(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        from ver_desktop.core.library.faults import storage_problem

        problem = storage_problem(exc, paths.database_path(paths.data_dir(args.data_dir)))
        if problem is None:
            raise
        print(f"ver-desktop: {terminal_text(problem)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("\nver-desktop: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def cmd_gui(args: argparse.Namespace) -> int:
    """No command, or `open PATH...`: open the desktop app (Qt is imported only here)."""
    from ver_desktop.gui.app import main as gui_main

    return gui_main(data_dir=args.data_dir, model=args.model, workers=args.workers,
                    library=args.library, path_map=args.path_map or [],
                    paths_to_add=getattr(args, "paths", []))


# -- shared setup ----------------------------------------------------------------------------


def _classifier(args: argparse.Namespace) -> Classifier:
    from ver_desktop.core.bundle import load_classifier
    from ver_desktop.core.errors import BundleError

    folder = paths.model_dir(args.model)
    try:
        return load_classifier(folder, threads=2)
    except BundleError as exc:
        raise SetupError(str(exc)) from None


def _library(args: argparse.Namespace) -> Library:
    """The library; a damaged, newer or unwritable one ends the command in one sentence
    (main's storage handler)."""
    from ver_desktop.core.library import Library, shared_paths

    data = paths.data_dir(args.data_dir)
    try:
        return Library(paths.library_url(data, args.library),
                       upgrade=args.command == "upgrade-library",
                       path_map=shared_paths.from_environment(args.path_map or []))
    except OSError as exc:
        raise SetupError(f"cannot open the library in {data}: {exc.strerror}") from None


def _interrupt_flag() -> threading.Event:
    """Ctrl-C asks the running job to stop cleanly instead of killing it mid-write."""
    flag = threading.Event()

    def handler(_signum: int, _frame: object) -> None:
        if flag.is_set():
            _quit_now()
        flag.set()
        print("\nstopping after the files in progress (Ctrl-C again to quit now)",
              file=sys.stderr)

    signal.signal(signal.SIGINT, handler)
    return flag


def _quit_now() -> None:
    """The second Ctrl-C: stop the worker processes and leave at once. Every write to the
    library is one transaction, so what was committed stays and the next scan carries on;
    waiting for the pool to wind down is what used to hang here."""
    import multiprocessing

    print("quitting now; the next scan carries on where this one stopped", file=sys.stderr)
    for child in multiprocessing.active_children():
        child.kill()
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


# -- scan ------------------------------------------------------------------------------------


def cmd_scan(args: argparse.Namespace) -> int:
    from ver_desktop.core.scan import Scanner

    library = _library(args)
    roots = [os.path.abspath(p) for p in args.paths] or library.folders()
    if not roots:
        videos = paths.default_videos_dir()
        if not videos.is_dir():
            print(f"Nothing to scan yet: the library has no folders and {videos} does not "
                  "exist.\nAdd a folder with: ver-desktop scan /path/to/videos")
            return EXIT_OK
        roots = [os.fspath(videos)]
    for root in roots:
        if not os.path.exists(root):
            raise SetupError(f"{root} does not exist")
        if os.path.isdir(root):
            library.add_folder(root)
    classifier = _classifier(args)
    with _scan_workers(args) as (workers, factory):
        scanner = Scanner(library, classifier, workers=workers, factory=factory)
        stop = _interrupt_flag()
        bar = _ProgressBar(sys.stderr)
        print(f"Scanning {terminal_text(', '.join(roots))} with {scanner.classifier.tag}",
              file=sys.stderr)
        summary = scanner.scan(roots, progress=bar.update, cancelled=stop.is_set,
                               retry_failed=args.retry_failed)
        bar.close()
    _print_summary(summary, _where(args))
    return EXIT_INTERRUPTED if summary.cancelled else EXIT_OK


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


class _ProgressBar:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.shown = False

    def update(self, progress: ScanProgress) -> None:
        eta = "--" if progress.eta is None else clock(progress.eta)
        width = 24
        filled = int(width * progress.done / max(progress.total, 1))
        line = (f"[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total} "
                f"{progress.rate:.1f} files/s ETA {eta}  {_short(progress.path)}")
        if self.tty:
            self.stream.write("\r" + line[:160].ljust(160))
            self.stream.flush()
            self.shown = True
        elif progress.done % 25 == 0 or progress.done == progress.total:
            print(line, file=self.stream)

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")


def _short(path: str) -> str:
    name = terminal_text(os.path.basename(path).encode("utf-8", "replace").decode("utf-8"))
    return name if len(name) <= 50 else name[:47] + "..."


def _were(count: int) -> str:
    return "were" if count != 1 else "was"


def _where(args: argparse.Namespace) -> str:
    """The library as a person recognises it: its file, or a shared library's address."""
    url = paths.library_url(paths.data_dir(args.data_dir), args.library)
    if paths.is_shared(url):
        from ver_desktop.core.library.address import for_people

        return "shared, " + for_people(url)
    return os.fspath(paths.database_path(paths.data_dir(args.data_dir)))


def _print_summary(summary: ScanSummary, data: str) -> None:
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
        print(f"  failed: {terminal_text(_printable(path))}: {terminal_text(reason)} [{kind}]")
    for folder in summary.unreadable_folders:
        print(f"  could not read folder: {terminal_text(_printable(folder))}")
    print(f"Library: {terminal_text(data)}")


def _printable(path: str) -> str:
    return os.fsencode(path).decode("utf-8", "replace")



# -- classify --------------------------------------------------------------------------------


def cmd_classify(args: argparse.Namespace) -> int:
    from ver_desktop.core.extract import Extracted, task_for
    from ver_desktop.core.pool import default_workers, extract_all

    classifier = _classifier(args)
    inputs = [os.path.abspath(p) for p in args.paths]
    workers = min(args.workers or default_workers(), len(set(inputs)))
    outcomes: dict[str, Outcome] = {}
    for outcome in extract_all(list(dict.fromkeys(inputs)), workers=workers,
                               cancelled=lambda: False, task=task_for(classifier.front_end)):
        outcomes[outcome.path] = outcome
    extracted = [o for o in outcomes.values() if isinstance(o, Extracted)]
    predictions = dict(zip([e.path for e in extracted],
                           classifier.predict([e.features for e in extracted]), strict=True))
    failed = False
    for given, path in zip(args.paths, inputs, strict=True):
        record = _classify_record(given, outcomes[path], predictions.get(path), classifier.tag)
        failed = failed or record["status"] != "ok"
        print(json.dumps(record) if args.json else _classify_text(record), flush=True)
    return EXIT_FAILED if failed else EXIT_OK


def _classify_record(given: str, outcome: Outcome, prediction: Prediction | None,
                     model: str) -> dict[str, Any]:
    from ver_desktop.core.content import SPEECH_THRESHOLD
    from ver_desktop.core.extract import Extracted

    record: dict[str, Any] = {"path": _printable(given), "status": "error", "error": None,
                                 "quadrant": None, "octant": None, "quadrant_probs": None,
                                 "octant_probs": None, "valence": None, "arousal": None,
                                 "confidence": None, "mostly_speech": None,
                                 "speech_likeness": None, "segment": None, "model": model}
    if not isinstance(outcome, Extracted) or prediction is None:
        record["error"] = getattr(outcome, "reason", "could not be analysed")
        return record
    record.update(status="ok", quadrant=prediction.quadrant, octant=prediction.octant,
                  quadrant_probs=prediction.quadrant_probs, octant_probs=prediction.octant_probs,
                  valence=prediction.valence, arousal=prediction.arousal,
                  confidence=prediction.confidence,
                  segment=[round(outcome.start, 3), round(outcome.end, 3)])
    if outcome.speech_likeness is not None:
        record.update(speech_likeness=round(outcome.speech_likeness, 4),
                      mostly_speech=outcome.speech_likeness >= SPEECH_THRESHOLD)
    return record


def _classify_text(record: dict[str, Any]) -> str:
    path = terminal_text(record["path"])
    if record["status"] != "ok":
        return f"{path}: error: {terminal_text(str(record['error']))}"
    start, end = record["segment"]
    speech = " (mostly speech: tag unreliable)" if record["mostly_speech"] else ""
    return (f"{path}: {record['quadrant']} / {record['octant']} "
            f"(confidence {record['confidence']:.0%}, valence {record['valence']:+.2f}, "
            f"arousal {record['arousal']:+.2f}, from {start:.1f}-{end:.1f} s){speech}")


# -- list and tag ----------------------------------------------------------------------------


def _model_key(args: argparse.Namespace) -> tuple[str, str]:
    """The chosen model's (name, version), read from its bundle without loading it."""
    from ver_desktop.core.bundle import read_bundle_info
    from ver_desktop.core.errors import BundleError

    try:
        info = read_bundle_info(paths.model_dir(args.model))
    except BundleError as exc:
        raise SetupError(str(exc)) from None
    return info.name, info.version


def cmd_list(args: argparse.Namespace) -> int:
    library = _library(args)
    where = playlist_cli.filter_from(args)
    rows = library.videos(_model_key(args), where)
    for row in rows:
        if args.json:
            print(json.dumps(row.to_json()))
        else:
            print(_list_line(row))
    if not args.json:
        print(count_of(len(rows), "video"), file=sys.stderr)
    return EXIT_OK


def cmd_playlist(args: argparse.Namespace) -> int:
    return playlist_cli.run(args, _library(args), _model_key(args))


def _list_line(row: VideoRow) -> str:
    path = terminal_text(_printable(row.path))
    if row.status != "ok" and not row.corrected:
        reason = f": {terminal_text(row.error_reason)}" if row.error_reason else ""
        return f"{row.status:<8} {path}{reason}"
    mark = "*" if row.corrected else " "
    tags = f"{row.quadrant or '-':<6}{mark}{row.octant or '-':<11}"
    numbers = ("" if row.confidence is None else
               f"{row.confidence:4.0%}  V {row.valence:+.2f}  A {row.arousal:+.2f}  ")
    speech = "(mostly speech: tag unreliable) " if row.mostly_speech and not row.corrected else ""
    return f"{row.status:<8} {tags}{numbers}{speech}{path}"


def cmd_timeline(args: argparse.Namespace) -> int:
    """The library's timeline of each PATH (a folder: each media file under it), computed
    now (and kept, for a file in the library) when it has none. With --json, one object per
    file and line."""
    from ver_desktop.core.scan import discover

    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        raise SetupError(f"{missing[0]} does not exist")
    found, _unreadable = discover([os.path.abspath(p) for p in args.paths])
    if not found:
        raise SetupError("no media files there (see the README for the formats read)")
    library, classifier = _library(args), _classifier(args)
    failed = 0
    for stat in found:
        if not _show_timeline(args, library, classifier, stat.path):
            failed += 1
    return EXIT_FAILED if failed else EXIT_OK


def _show_timeline(args: argparse.Namespace, library: Library, classifier: Classifier,
                   path: str) -> bool:
    model = (classifier.info.name, classifier.info.version)
    video_id = library.video_id(path)
    stored = library.timeline(video_id, model) if video_id is not None else None
    if stored is not None:
        timeline, stretches = stored[0], [kept.stretch for kept in stored[1]]
    else:
        worked = _timeline_now(library, classifier, video_id, path)
        if isinstance(worked, str):
            print(f"ver-desktop: {terminal_text(_printable(path))}: "
                  f"{terminal_text(worked)}", file=sys.stderr)
            return False
        timeline, stretches = worked
    if args.json:
        print(json.dumps({"path": _printable(path), "model": classifier.info.tag,
                          "points": timeline.points_json(),
                          "segments": [s.to_json() for s in stretches]}), flush=True)
        return True
    print(f"{terminal_text(_printable(path))}: {clock(timeline.duration)}, "
          f"{count_of(len(stretches), 'stretch')} of one emotion, a point every "
          f"{timeline.hop:.1f} s (--json lists them)")
    for stretch in stretches:
        words = QUADRANT_NAMES[stretch.quadrant]
        print(f"  {clock(stretch.start):>8} - {clock(stretch.end):<8} {words} "
              f"({stretch.octant}; valence {stretch.valence:+.2f}, arousal "
              f"{stretch.arousal:+.2f})", flush=True)
    return True


def _timeline_now(library: Library, classifier: Classifier, video_id: int | None,
                  path: str) -> tuple[Timeline, list[Stretch]] | str:
    """The file's timeline worked out now (and kept, for a file in the library), or why
    there is none: one bad file costs itself, never the rest of the folder."""
    from ver_desktop.core.extract import Failed
    from ver_desktop.core.library.timelines import CHANGED
    from ver_desktop.core.timeline import Embedded, embed_whole, unchanged, worked_out

    embedded = embed_whole(path, classifier.front_end)
    if not isinstance(embedded, Embedded):
        return embedded.reason
    worked = worked_out(embedded, classifier)
    if isinstance(worked, Failed):
        return worked.reason
    if not unchanged(embedded):
        return CHANGED.reason
    if video_id is not None:
        model = (classifier.info.name, classifier.info.version)
        not_kept = library.store_timeline(video_id, model, *worked,
                                          identity=embedded.identity)
        if not_kept is not None:
            return not_kept.reason
    return worked


def cmd_stretches(args: argparse.Namespace) -> int:
    """Stretches across the library's timelines (files without one yet are not listed:
    `timeline PATH` or the app works them out)."""
    where = playlist_cli.stretch_filter_from(args)
    found = _library(args).stretches(_model_key(args), where)
    for kept in found:
        if args.json:
            print(json.dumps(kept.to_json()))
            continue
        x = kept.stretch
        mine = ", your tag" if kept.corrected else ""
        emotion = f"{QUADRANT_NAMES[x.quadrant]} ({x.octant}{mine})"
        print(f"{clock(x.start):>8} - {clock(x.end):<8} {emotion:<30} "
              f"{terminal_text(_printable(kept.path))}")
    if not args.json:
        print(count_of(len(found), "stretch"), file=sys.stderr)
    return EXIT_OK


def cmd_upgrade_library(args: argparse.Namespace) -> int:
    """A shared library is never updated behind its users' backs (see migrations.py)."""
    _library(args).close()  # opening with upgrade=True applied what was missing
    print(f"The library is up to date: {_where(args)}", file=sys.stderr)
    return EXIT_OK


def cmd_tag(args: argparse.Namespace) -> int:
    library = _library(args)
    video_id = library.video_id(os.path.abspath(args.path))
    if video_id is None:
        raise SetupError(f"{args.path} is not in the library; scan its folder first")
    if args.at is not None:
        return _tag_stretch(args, library, video_id)
    if args.clear:
        library.clear_user_label(video_id)
    else:
        library.set_user_label(video_id, quadrant=args.quadrant, octant=args.octant)
    return EXIT_OK


def _tag_stretch(args: argparse.Namespace, library: Library, video_id: int) -> int:
    """Tag the one stretch at `--at`: the file's other stretches and its own tag stay."""
    moment = _seconds(args.at)
    stored = library.timeline(video_id, _model_key(args))
    if stored is None:
        raise SetupError(f"{args.path} has no emotion over time yet: run "
                         "ver-desktop timeline on it first")
    found = next((kept for kept in stored[1]
                  if kept.stretch.start <= moment < kept.stretch.end), None)
    if found is None:
        raise SetupError(f"{args.at} is past the end of {args.path}")
    if args.clear:
        library.set_stretch_label(found.id)
    else:
        library.set_stretch_label(found.id, quadrant=args.quadrant, octant=args.octant)
    x = found.stretch
    what = "back to the model's tag" if args.clear else (args.octant or args.quadrant)
    print(f"Tagged the stretch {clock(x.start)}-{clock(x.end)} of "
          f"{terminal_text(_printable(found.path or args.path))}: {what} (the file's other "
          "stretches and its own tag keep theirs)", file=sys.stderr)
    return EXIT_OK


def _seconds(text: str) -> float:
    """"90", "1:30" or "0:01:30" as seconds."""
    try:
        parts = [float(p) for p in text.split(":")]
    except ValueError:
        parts = []
    if (not 1 <= len(parts) <= 3 or not all(0 <= p < math.inf for p in parts)
            or any(p >= 60 for p in parts[1:])):  # nan and inf are no time
        raise SetupError(f"--at takes seconds (90) or minutes:seconds (1:30), not {text!r}")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


# -- train -----------------------------------------------------------------------------------


def require_training() -> None:
    """`train` and `experiment` need torch (the `train` extra); the packaged app has neither."""
    try:
        import ver_desktop.training.command  # noqa: F401
    except ImportError as exc:
        raise SetupError("training needs a source install with the train extra "
                         f"(pip install -e '.[train]'); here: {exc}") from None


def cmd_train(args: argparse.Namespace) -> int:
    require_training()
    from ver_desktop.training.command import run_training
    from ver_desktop.training.transfer import POINT_CANDIDATES, SHIPPED

    args.candidate = args.candidate or SHIPPED
    if not args.labels.is_file() or not args.audio.is_dir():
        raise SetupError("--labels must be a CSV file and --audio a folder")
    if (args.transfer_labels is None) != (args.transfer_audio is None):
        raise SetupError("--transfer-audio and --transfer-labels go together")
    if args.transfer_labels and (not args.transfer_labels.is_file()
                                 or not args.transfer_audio.is_dir()):
        raise SetupError("--transfer-labels must be a CSV file and --transfer-audio a folder")
    if args.candidate not in POINT_CANDIDATES:
        raise SetupError(f"unknown candidate {args.candidate}; "
                         f"known: {', '.join(POINT_CANDIDATES)}")
    return run_training(args, paths.cache_dir(paths.data_dir(args.data_dir)))


def cmd_experiment(args: argparse.Namespace) -> int:
    require_training()
    from ver_desktop.training.candidates import CANDIDATES
    from ver_desktop.training.command import run_experiment

    if not args.labels.is_file() or not args.audio.is_dir():
        raise SetupError("--labels must be a CSV file and --audio a folder")
    from ver_desktop.training.transfer import POINT_CANDIDATES

    unknown = sorted(set(args.candidates) - {*CANDIDATES, "all"})
    if unknown:
        raise SetupError(f"unknown candidate(s) {', '.join(unknown)}; "
                         f"known: {', '.join(CANDIDATES)}")
    unknown = sorted(set(args.point_candidates) - {*POINT_CANDIDATES, "all"})
    if unknown:
        raise SetupError(f"unknown point candidate(s) {', '.join(unknown)}; "
                         f"known: {', '.join(POINT_CANDIDATES)}")
    if (args.transfer_labels is None) != (args.transfer_audio is None):
        raise SetupError("--transfer-audio and --transfer-labels go together")
    if args.point_candidates and args.transfer_labels is None:
        raise SetupError("--point-candidates needs --transfer-audio and --transfer-labels")
    data = paths.data_dir(args.data_dir)
    return run_experiment(args, paths.cache_dir(data), args.results or data / "experiments")
