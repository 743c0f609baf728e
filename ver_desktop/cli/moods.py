"""`ver-desktop export`, `import-tags`, `write-tags` and `write-nfo`: the library's moods
leaving the app (issue 25) as a CSV or JSON table, a person's tags coming back from a CSV,
moods in music files' own tags, and NFO sidecars beside videos for Kodi, Jellyfin and Emby.
The work is core's (core/moods/, core/usecases/moods.py); this says what happened in plain
words, and the codes stay in the files."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ver_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    Commands,
    SetupError,
    model_key,
    open_library,
)
from ver_desktop.core import paths
from ver_desktop.core.text import count_of, printable, terminal_text

if TYPE_CHECKING:
    from ver_desktop.core.library import Library
    from ver_desktop.core.model_key import ModelKey
    from ver_desktop.core.moods import Mood
    from ver_desktop.core.moods.filetags import Outcome as filetags_Outcome
    from ver_desktop.core.moods.nfo import NfoChange
    from ver_desktop.core.moods.table import ImportPlan


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    export = commands.add_parser("export", run_export, parents=parents,
                                 help="write every file's mood to a CSV or JSON table")
    export.add_argument("--format", choices=("csv", "json"), required=True)
    export.add_argument("--out", required=True, metavar="FILE")

    imported = commands.add_parser("import-tags", run_import, parents=parents,
                                   help="set your own tags from a CSV (path and quadrant "
                                        "or emotion columns)")
    imported.add_argument("file", metavar="FILE")
    imported.add_argument("--dry-run", action="store_true",
                          help="say what would be tagged; change nothing")

    tags = commands.add_parser("write-tags", run_write_tags, parents=parents,
                               help="write each file's mood into its own tags (MP3, Ogg, "
                                    "Opus, FLAC, M4A, MP4)")
    tags.add_argument("paths", nargs="*", metavar="PATH",
                      help="files in the library (default: every one with a mood)")
    tags.add_argument("--dry-run", action="store_true",
                      help="say what would change; write nothing")
    tags.add_argument("--undo", action="store_true",
                      help="put back the tags every earlier write replaced, newest first")

    nfo = commands.add_parser("write-nfo", run_write_nfo, parents=parents,
                              help="write each video's mood into an NFO file beside it "
                                   "(Kodi, Jellyfin, Emby)")
    nfo.add_argument("paths", nargs="*", metavar="PATH",
                     help="videos in the library (default: every one with a mood)")
    nfo.add_argument("--dry-run", action="store_true",
                     help="say what would change; write nothing")
    nfo.add_argument("--undo", action="store_true",
                     help="put the NFO files (of the videos named, else every one written) "
                          "back as they were before the moods were written")


# -- export and import -----------------------------------------------------------------------


def run_export(args: argparse.Namespace) -> int:
    from ver_desktop.core.moods.table import library_rows, write_table

    rows = library_rows(open_library(args), model_key(args))
    target = write_table(rows, Path(args.out), args.format)
    tagged = sum(1 for row in rows if row["quadrant"] is not None)
    print(f"Wrote {count_of(len(rows), 'file')} ({tagged} with a mood) to "
          f"{_shown(os.fspath(target))}", file=sys.stderr)
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    from ver_desktop.core.moods.table import apply_tags, read_tags

    library = open_library(args)
    model = model_key(args)
    found = read_tags(Path(args.file), library, model)
    for line, why in sorted(found.problems + found.notes):
        print(f"line {line}: {terminal_text(why)}", file=sys.stderr)
    verb = "Would tag" if args.dry_run else "Tagged"
    for tag in found.tags:
        print(f"{verb} {_shown(tag.path)}: {tag.words}")
    if found.tags and not args.dry_run:
        apply_tags(library, found)
        _relearn(args, library, model)
    print(_import_summary(found, args.dry_run), file=sys.stderr)
    return EXIT_FAILED if found.problems else EXIT_OK


def _import_summary(found: ImportPlan, dry_run: bool) -> str:
    parts = [f"{count_of(len(found.tags), 'file')} {'to tag' if dry_run else 'tagged'}"]
    if found.same:
        parts.append(f"{count_of(len(found.same), 'file')} already tagged so")
    if found.not_persons:
        parts.append(f"{count_of(found.not_persons, 'row')} of the model's readings "
                     "passed over (not a person's tags)")
    if found.problems:
        parts.append(f"{count_of(len(found.problems), 'line')} not used (said above)")
    return ("Nothing changed (a dry run). " if dry_run else "") + "; ".join(parts)


def _relearn(args: argparse.Namespace, library: Library, model: ModelKey) -> None:
    """As after `tag`: the personal layer learns from the new tags, in one line."""
    from ver_desktop.cli.common import model_and_spread
    from ver_desktop.cli.learning import learned_line
    from ver_desktop.core.usecases import learning

    _model, spread = model_and_spread(args)
    learning.relearn(library, model, spread)
    print(learned_line(library, model), file=sys.stderr)


# -- NFO sidecars ----------------------------------------------------------------------------


def undo_folder(args: argparse.Namespace) -> Path:
    """Where the NFOs' earlier contents are kept for --undo (core's place for it)."""
    from ver_desktop.core.usecases.moods import nfo_undo_folder

    return nfo_undo_folder(paths.data_dir(args.data_dir))


def tags_undo_folder(args: argparse.Namespace) -> Path:
    """Where what each tag write replaced is kept for --undo (core's place for it)."""
    from ver_desktop.core.usecases import moods

    return moods.tags_undo_folder(paths.data_dir(args.data_dir))


def run_write_tags(args: argparse.Namespace) -> int:
    """Moods into the files' own tags (core/moods/filetags.py): the dry run lists each
    change, a write says what became of each file, and a summary counts them."""
    from ver_desktop.core.moods import filetags

    folder, passed = tags_undo_folder(args), 0
    if args.undo:
        if args.dry_run or args.paths:
            raise SetupError("--undo puts back every earlier write at once; it takes no "
                             "paths and has no dry run")
        outcomes = [filetags.undo(entry) for entry in filetags.undo_entries(folder)]
    else:
        chosen, passed = _moods(args)
        plans = [filetags.plan(path, mood) for path, mood in chosen]
        if args.dry_run:
            for planned in plans:
                for line in planned.lines():
                    print(terminal_text(printable(line)))
            print(f"Nothing written (a dry run): {count_of(len(plans), 'file')} looked at, "
                  f"{passed} passed over", file=sys.stderr)
            return EXIT_OK
        outcomes = filetags.write_all(plans, folder)
    for outcome in outcomes:
        print(terminal_text(printable(outcome.message)))
    print(_tags_summary(outcomes) + (f"; {passed} passed over (no mood yet, mostly speech "
                                     "that nobody tagged, or not on the disk)" if passed
                                     else ""), file=sys.stderr)
    return EXIT_OK if all(o.ok or o.status == "not taggable" for o in outcomes) \
        else EXIT_FAILED


def _tags_summary(outcomes: list[filetags_Outcome]) -> str:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    said = ", ".join(f"{n} {status}" for status, n in counts.items()) or "nothing to do"
    return f"{count_of(len(outcomes), 'file')}: {said}"


def run_write_nfo(args: argparse.Namespace) -> int:
    from ver_desktop.core.moods import nfo

    if args.undo:
        return _undo(args)
    chosen, passed = _moods(args)
    changes = nfo.planned(chosen)
    if not args.dry_run:
        changes = [nfo.write(change, undo_folder(args)) for change in changes]
    for change in changes:
        print(_line(change, args.dry_run))
    summary = _nfo_summary(changes, args.dry_run)
    if passed:
        summary += (f"; {count_of(passed, 'video')} passed over (no mood yet, mostly speech "
                    "that nobody tagged, or not on the disk)")
    print(summary, file=sys.stderr)
    return EXIT_FAILED if any(c.outcome == "left alone" for c in changes) else EXIT_OK


def _moods(args: argparse.Namespace) -> tuple[list[tuple[str, Mood]], int]:
    """(file, mood) for the files named, else every one with a mood (core's
    usecases/moods.py), and how many were passed over (a file named is said why)."""
    from ver_desktop.core.usecases.moods import chosen_moods

    chosen = chosen_moods(open_library(args), model_key(args), args.paths)
    if args.paths:
        for path, why in chosen.passed_over:
            print(f"{_shown(path)} passed over: {why}", file=sys.stderr)
    return chosen.moods, len(chosen.passed_over)


def _undo(args: argparse.Namespace) -> int:
    from ver_desktop.core.moods import nfo

    if args.dry_run:
        raise SetupError("--undo puts files back at once; it has no dry run")
    folder = undo_folder(args)
    if args.paths:
        changes = [nfo.undo(nfo.nfo_path(os.path.abspath(p)), folder) for p in args.paths]
    else:
        changes = nfo.undo_all(folder)
    for change in changes:
        print(_line(change, False))
    print(_nfo_summary(changes, False), file=sys.stderr)
    return EXIT_FAILED if any(c.outcome == "left alone" for c in changes) else EXIT_OK


def _line(change: NfoChange, dry_run: bool) -> str:
    words = terminal_text(printable(change.words))
    return f"would write {words}" if dry_run and change.outcome in ("new", "updated") \
        else words


def _nfo_summary(changes: list[NfoChange], dry_run: bool) -> str:
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.outcome] = counts.get(change.outcome, 0) + 1
    names = {"new": "new", "updated": "updated", "same": "already so", "undone": "put back",
             "left alone": "left alone"}
    said = ", ".join(f"{counts[k]} {names[k]}" for k in names if k in counts) or "none"
    lead = "Nothing written (a dry run). " if dry_run else ""
    return f"{lead}{count_of(len(changes), 'NFO file')}: {said}"


def _shown(path: str) -> str:
    return terminal_text(printable(path))
