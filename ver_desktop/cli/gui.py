"""No command, or `open PATH...`: the desktop app (Qt is imported only when it runs)."""

from __future__ import annotations

import argparse

from ver_desktop.cli.common import Commands


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    # The window shows its own errors: main's one-sentence handlers are for commands.
    opening = commands.add_parser("open", run, parents=parents, guarded=False,
                                  help="open the desktop app and add these folders "
                                       "or files to the library (\"Open with\")")
    opening.add_argument("paths", nargs="*", metavar="PATH")
    commands.default = "open"


def run(args: argparse.Namespace) -> int:
    from ver_desktop.gui.app import main as gui_main

    return gui_main(data_dir=args.data_dir, model=args.model, workers=args.workers,
                    library=args.library, path_map=args.path_map or [],
                    paths_to_add=getattr(args, "paths", []))
