"""Command line: `ver-desktop scan | classify | timeline | stretches | list | playlist | tag
| ask | agreement | learning | upgrade-library | train | experiment`; no command (or `open`)
opens the app. Global options (--data-dir, --library, --path-map, --model, --workers) go
before or after the command.

Each command group is a module here that owns its parser and its run function
(`add_parser(commands, parents)` registers both); `main` parses, looks the command up in
the table the groups filled, and turns the errors a person can act on into one sentence.

Exit status: 0 success, 1 when some input failed (classify), 2 for usage or setup errors,
130 when interrupted. No traceback reaches the user for a bad file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ver_desktop import __version__
from ver_desktop.cli import (
    browse,
    classify,
    gui,
    learning,
    library,
    moods,
    playlists,
    scan,
    tag,
    timeline,
    training,
)
from ver_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Commands,
    global_options,
)
from ver_desktop.core import paths
from ver_desktop.core.errors import AppError
from ver_desktop.core.text import terminal_text

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "build", "build_parser",
           "main"]

# In the order `--help` lists them.
GROUPS = (gui, scan, classify, timeline, browse, playlists, tag, moods, learning, library, training)


def build() -> tuple[argparse.ArgumentParser, Commands]:
    """The parser, and the table of what runs each command."""
    parser = argparse.ArgumentParser(
        prog="ver-desktop",
        description="Tag videos with the emotion their audio carries (Russell's circumplex).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    global_options(parser, here=True)
    common = argparse.ArgumentParser(add_help=False)
    global_options(common, here=False)
    commands = Commands(parser.add_subparsers(dest="command", metavar="COMMAND",
                                              help="with no command, the desktop app opens"))
    for group in GROUPS:
        group.add_parser(commands, [common])
    return parser, commands


def build_parser() -> argparse.ArgumentParser:
    return build()[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser, commands = build()
    args = parser.parse_args(playlists.joined_points(sys.argv[1:] if argv is None else argv))
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    command = commands.command(args.command)
    if not command.guarded:
        return command.run(args)
    try:
        return command.run(args)
    except KeyboardInterrupt:
        print("\nver-desktop: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        from ver_desktop.core.library.faults import storage_problem

        # A storage fault (a LibraryError among them) failed the command: exit 1. Any other
        # error of the app's asks the person to change something: exit 2. Else: a bug.
        problem = storage_problem(exc, paths.database_path(paths.data_dir(args.data_dir)))
        if problem is not None:
            print(f"ver-desktop: {terminal_text(problem)}", file=sys.stderr)
            return EXIT_FAILED
        if not isinstance(exc, AppError):
            raise
        print(f"ver-desktop: {terminal_text(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
