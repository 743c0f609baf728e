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
    model_key,
    open_library,
)
from ver_desktop.core import paths
from ver_desktop.core.text import printable, terminal_text

if TYPE_CHECKING:
    from ver_desktop.core.library import Library
    from ver_desktop.core.model_key import ModelKey


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    export = commands.add_parser("export", run_export, parents=parents,
                                 help="write every file's mood to a CSV or JSON table")
    export.add_argument("--format", choices=("csv", "json"), required=True,
                        help="CSV (one row per file, for spreadsheets; import-tags reads it "
                             "back) or JSON (for scripts)")
    export.add_argument("--out", required=True, metavar="FILE",
                        help="the file to write (replaced whole, never half written)")

    imported = commands.add_parser("import-tags", run_import, parents=parents,
                                   help="set your own tags from a CSV (path and quadrant "
                                        "or emotion columns; in an edited export, the rows "
                                        "you changed)")
    imported.add_argument("file", metavar="FILE")
    imported.add_argument("--dry-run", action="store_true",
                          help="say what would be tagged; change nothing")

    tags = commands.add_parser("write-tags", run_write_tags, parents=parents,
                               help="write each file's mood into its own tags (MP3, Ogg, "
                                    "Opus, FLAC, M4A, MP4, MKV)")
    tags.add_argument("paths", nargs="*", metavar="PATH",
                      help="files or folders in the library (default: every file with a mood)")
    tags.add_argument("--dry-run", action="store_true",
                      help="say what would change; write nothing")
    tags.add_argument("--undo", action="store_true",
                      help="put back the tags the earlier writes replaced (of the files "
                           "named, else of every one), newest first")

    nfo = commands.add_parser("write-nfo", run_write_nfo, parents=parents,
                              help="write each video's mood into an NFO file beside it "
                                   "(Kodi, Jellyfin, Emby)")
    nfo.add_argument("paths", nargs="*", metavar="PATH",
                     help="videos or folders in the library (default: every video with a mood)")
    nfo.add_argument("--dry-run", action="store_true",
                     help="say what would change; write nothing")
    nfo.add_argument("--existing-only", action="store_true",
                     help="only add the mood to NFO files already there (a new NFO makes "
                          "Kodi read that video's details from it instead of looking it "
                          "up online)")
    nfo.add_argument("--undo", action="store_true",
                     help="put the NFO files (of the videos named, else every one written) "
                          "back as they were before the moods were written")


# -- export and import -----------------------------------------------------------------------


def run_export(args: argparse.Namespace) -> int:
    from ver_desktop.core.usecases.moods import export_table

    done = export_table(open_library(args), model_key(args), Path(args.out), args.format)
    print(f"Wrote {done.counted} to {_shown(os.fspath(done.path))}", file=sys.stderr)
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    """core's import_tags (the window's File > Import tags… does the same); the summary's
    words are core's too."""
    from ver_desktop.core.usecases.moods import import_tags

    library = open_library(args)
    model = model_key(args)
    done = import_tags(library, model, Path(args.file), dry_run=args.dry_run)
    for line, why in done.said:
        print(f"line {line}: {terminal_text(why)}", file=sys.stderr)
    verb = "Would tag" if args.dry_run else "Tagged"
    for tag in done.plan.tags:
        print(f"{verb} {_shown(tag.path)}: {tag.words}")
    if done.plan.tags and not args.dry_run:
        _relearn(args, library, model)
    print(terminal_text(done.summary), file=sys.stderr)
    return EXIT_FAILED if done.plan.problems else EXIT_OK


def _relearn(args: argparse.Namespace, library: Library, model: ModelKey) -> None:
    """As after `tag`: the personal layer learns from the new tags, in one line."""
    from ver_desktop.cli.common import model_and_spread
    from ver_desktop.cli.learning import learned_line
    from ver_desktop.core.usecases import learning

    _model, spread = model_and_spread(args)
    learning.relearn(library, model, spread)
    print(learned_line(library, model), file=sys.stderr)


# -- moods into the files' own tags and NFO sidecars -----------------------------------------


def run_write_tags(args: argparse.Namespace) -> int:
    """Moods into the files' own tags (core/moods/filetags.py)."""
    return _write(args, tags=True, nfo=False)


def run_write_nfo(args: argparse.Namespace) -> int:
    """Moods into NFO files beside videos (core/moods/nfo.py)."""
    return _write(args, tags=False, nfo=True)


def _write(args: argparse.Namespace, *, tags: bool, nfo: bool) -> int:
    """core's write_moods or undo_moods (the window's File > Write moods... does the same):
    a line per file on stdout (a dry run adds each tag's change), the summary on stderr.
    Exit status 1 when a write (not a dry run) left a file alone for a reason other than
    its kind."""
    from ver_desktop.core.usecases import moods

    library, data_dir = open_library(args), paths.data_dir(args.data_dir)
    ways = moods.Ways(tags=tags, nfo=nfo, new_nfo=not getattr(args, "existing_only", False))
    if args.undo:
        result = moods.undo_moods(library, data_dir, ways, videos=args.paths,
                                  dry_run=args.dry_run)
    else:
        chosen = moods.chosen_moods(library, model_key(args), args.paths)
        result = moods.write_moods(library, chosen, data_dir, ways, dry_run=args.dry_run)
    for line in result.lines + result.changes:
        print(terminal_text(printable(line)))
    print(terminal_text(printable(result.summary)), file=sys.stderr)
    return EXIT_FAILED if result.troubles and not args.dry_run else EXIT_OK


def _shown(path: str) -> str:
    return terminal_text(printable(path))
