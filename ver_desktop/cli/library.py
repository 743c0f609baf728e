"""`ver-desktop upgrade-library`: a shared library is never updated behind its users' backs
(see core/library/migrations.py)."""

from __future__ import annotations

import argparse
import sys

from ver_desktop.cli.common import EXIT_OK, Commands, open_library, where


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    commands.add_parser("upgrade-library", run, parents=parents,
                        help="update a shared library to this version "
                             "(back it up with pg_dump first)")


def run(args: argparse.Namespace) -> int:
    open_library(args).close()  # opening with upgrade=True applied what was missing
    print(f"The library is up to date: {where(args)}", file=sys.stderr)
    return EXIT_OK
