"""`ver-desktop timeline`: a file's emotion over time, a point every 3 s and its stretches
of one emotion; worked out now (and kept, for a file in the library) when it has none. The
work is core's (core/usecases/timelines.py); this module finds the files and prints."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from ver_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    Commands,
    SetupError,
    open_classifier,
    open_library,
)
from ver_desktop.core.labels import QUADRANT_NAMES
from ver_desktop.core.text import clock, count_of, printable, terminal_text

if TYPE_CHECKING:
    from ver_desktop.core.bundle import Classifier
    from ver_desktop.core.library import Library


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    timeline = commands.add_parser("timeline", run, parents=parents,
                                   help="a file's emotion over time: a point every 3 s and "
                                        "its stretches of one emotion")
    timeline.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    timeline.add_argument("--json", action="store_true", help="one JSON object")


def run(args: argparse.Namespace) -> int:
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
    library, classifier = open_library(args), open_classifier(args)
    failed = 0
    for stat in found:
        if not _show_timeline(args, library, classifier, stat.path):
            failed += 1
    return EXIT_FAILED if failed else EXIT_OK


def _show_timeline(args: argparse.Namespace, library: Library, classifier: Classifier,
                   path: str) -> bool:
    from ver_desktop.core.usecases.timelines import timeline_of

    found = timeline_of(library, classifier, path).value
    if isinstance(found, str):
        print(f"ver-desktop: {terminal_text(printable(path))}: "
              f"{terminal_text(found)}", file=sys.stderr)
        return False
    from ver_desktop.core.timeline import talk_summary

    timeline, stretches = found.timeline, found.stretches
    if args.json:
        print(json.dumps({"path": printable(path), "model": classifier.info.tag,
                          "sound": talk_summary(stretches),
                          "points": timeline.points_json(),
                          "segments": [s.to_json() for s in stretches]}), flush=True)
        return True
    print(f"{terminal_text(printable(path))}: {clock(timeline.duration)}, "
          f"{talk_summary(stretches)}; {count_of(len(stretches), 'stretch')}, a point every "
          f"{timeline.hop:.1f} s (--json lists them)")
    for stretch in stretches:
        if stretch.speech:
            print(f"  {clock(stretch.start):>8} - {clock(stretch.end):<8} talk (no emotion "
                  "read)", flush=True)
            continue
        words = QUADRANT_NAMES[stretch.quadrant]
        print(f"  {clock(stretch.start):>8} - {clock(stretch.end):<8} {words} "
              f"({stretch.octant}; valence {stretch.valence:+.2f}, arousal "
              f"{stretch.arousal:+.2f})", flush=True)
    return True
