"""`ver-desktop tag`: a person's own emotion for a file, or for one stretch of it (--at);
--clear gives it back the model's. The work is core's (core/usecases/tags.py)."""

from __future__ import annotations

import argparse
import math
import sys
from typing import TYPE_CHECKING

from ver_desktop.cli.common import EXIT_OK, Commands, SetupError, model_key, open_library
from ver_desktop.core.labels import OCTANTS, QUADRANTS
from ver_desktop.core.text import clock, printable, terminal_text

if TYPE_CHECKING:
    from ver_desktop.core.library import Library


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    tag = commands.add_parser("tag", run, parents=parents,
                              help="set your own emotion for a file in the library")
    tag.add_argument("path")
    group = tag.add_mutually_exclusive_group(required=True)
    group.add_argument("--quadrant", choices=QUADRANTS)
    group.add_argument("--octant", choices=OCTANTS)
    group.add_argument("--clear", action="store_true", help="remove your tag")
    tag.add_argument("--at", metavar="SECONDS|M:SS",
                     help="tag only the stretch of the file's timeline at this moment")


def run(args: argparse.Namespace) -> int:
    from ver_desktop.core.usecases import tags

    library = open_library(args)
    video_id = tags.video_of(library, args.path)
    if args.at is not None:
        return _tag_stretch(args, library, video_id)
    tags.tag_videos(library, [video_id], quadrant=args.quadrant, octant=args.octant)
    return EXIT_OK


def _tag_stretch(args: argparse.Namespace, library: Library, video_id: int) -> int:
    """Tag the one stretch at `--at`: the file's other stretches and its own tag stay."""
    from ver_desktop.core.usecases import tags

    moment = seconds(args.at)
    found = tags.tag_stretch_at(library, model_key(args), video_id, moment,
                                quadrant=args.quadrant, octant=args.octant, path=args.path,
                                said=args.at).value
    x = found.stretch
    what = "back to the model's tag" if args.clear else (args.octant or args.quadrant)
    print(f"Tagged the stretch {clock(x.start)}-{clock(x.end)} of "
          f"{terminal_text(printable(found.path or args.path))}: {what} (the file's other "
          "stretches and its own tag keep theirs)", file=sys.stderr)
    return EXIT_OK


def seconds(text: str) -> float:
    """"90", "1:30" or "0:01:30" as seconds."""
    try:
        parts = [float(p) for p in text.split(":")]
    except ValueError:
        parts = []
    if (not 1 <= len(parts) <= 3 or not all(0 <= p < math.inf for p in parts)
            or any(p >= 60 for p in parts[1:])):  # nan and inf are no time
        raise SetupError(f"--at takes seconds (90) or minutes:seconds (1:30), not {text!r}")
    total = 0.0
    for part in parts:
        total = total * 60 + part
    return total
