"""`ver-desktop timeline`: a file's emotion over time, a point every 3 s and its stretches
of one emotion; worked out now (and kept, for a file in the library) when it has none."""

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
    printable,
)
from ver_desktop.core.labels import QUADRANT_NAMES
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.text import clock, count_of, terminal_text

if TYPE_CHECKING:
    from ver_desktop.core.bundle import Classifier
    from ver_desktop.core.library import Library
    from ver_desktop.core.timeline import Stretch, Timeline


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
    model = ModelKey(classifier.info.name, classifier.info.version)
    video_id = library.video_id(path)
    stored = library.timeline(video_id, model) if video_id is not None else None
    if stored is not None:
        timeline, stretches = stored[0], [kept.stretch for kept in stored[1]]
    else:
        worked = _timeline_now(library, classifier, video_id, path)
        if isinstance(worked, str):
            print(f"ver-desktop: {terminal_text(printable(path))}: "
                  f"{terminal_text(worked)}", file=sys.stderr)
            return False
        timeline, stretches = worked
    if args.json:
        print(json.dumps({"path": printable(path), "model": classifier.info.tag,
                          "points": timeline.points_json(),
                          "segments": [s.to_json() for s in stretches]}), flush=True)
        return True
    print(f"{terminal_text(printable(path))}: {clock(timeline.duration)}, "
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
        model = ModelKey(classifier.info.name, classifier.info.version)
        not_kept = library.store_timeline(video_id, model, *worked,
                                          identity=embedded.identity)
        if not_kept is not None:
            return not_kept.reason
    return worked
