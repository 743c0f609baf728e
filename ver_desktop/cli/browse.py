"""`ver-desktop list` and `ver-desktop stretches`: what the library holds, filtered."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from ver_desktop.cli.common import EXIT_OK, Commands, model_key, open_library
from ver_desktop.cli.filters import (
    add_filter_options,
    add_stretch_filter_options,
    filter_from,
    stretch_filter_from,
)
from ver_desktop.cli.learning import quarter_word
from ver_desktop.core.labels import QUADRANT_NAMES
from ver_desktop.core.text import clock, count_of, printable, terminal_text

if TYPE_CHECKING:
    from ver_desktop.core.library import VideoRow
    from ver_desktop.core.library.timelines import StoredStretch
    from ver_desktop.core.timeline import Stretch


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    stretches = commands.add_parser(
        "stretches", run_stretches, parents=parents,
        help="stretches of one emotion across the library's timelines, e.g. calm ones of "
             "2 minutes or more")
    add_stretch_filter_options(stretches)
    stretches.add_argument("--json", action="store_true", help="one JSON object per line")

    listing = commands.add_parser("list", run_list, parents=parents,
                                  help="show what the library holds")
    add_filter_options(listing)
    listing.add_argument("--json", action="store_true", help="one JSON object per line")


def run_list(args: argparse.Namespace) -> int:
    library = open_library(args)
    where = filter_from(args)
    rows = library.videos(model_key(args), where)
    sounds = _sounds(library.stretches_of(model_key(args), [r.id for r in rows]))
    for row in rows:
        if args.json:
            print(json.dumps({**row.to_json(), "sound": sounds.get(row.id)}))
        else:
            print(_list_line(row, sounds.get(row.id)))
    if not args.json:
        print(count_of(len(rows), "video"), file=sys.stderr)
    return EXIT_OK


def _sounds(stretches: list[StoredStretch]) -> dict[int, str]:
    """Each file's sound in words, from its timeline's stretches (core's wording)."""
    from ver_desktop.core.timeline import talk_summary

    by_file: dict[int, list[Stretch]] = {}
    for kept in stretches:
        by_file.setdefault(kept.video_id, []).append(kept.stretch)
    return {video_id: talk_summary(found) for video_id, found in by_file.items()}


def _list_line(row: VideoRow, sound: str | None = None) -> str:
    path = terminal_text(printable(row.path))
    if row.status != "ok" and not row.corrected:
        reason = f": {terminal_text(row.error_reason)}" if row.error_reason else ""
        return f"{row.status:<8} {path}{reason}"
    mark = "*" if row.corrected else " "
    tags = f"{row.quadrant or '-':<6}{mark}{row.octant or '-':<11}"
    numbers = ("" if row.confidence is None else
               f"{row.confidence:4.0%}  V {row.valence:+.2f}  A {row.arousal:+.2f}  ")
    speech = "(mostly speech: tag unreliable) " if row.mostly_speech and not row.corrected else ""
    talk = f"({sound}) " if sound and "talk" in sound else ""
    return f"{row.status:<8} {tags}{numbers}{speech}{talk}{_adjusted(row)}{path}"


def _adjusted(row: VideoRow) -> str:
    """A tag the layer moved from the model's, said so: "(calm, adjusted to your tags; the
    model said tense) "."""
    if row.corrected or not row.adjusted:
        return ""
    if row.quadrant == row.own_quadrant:  # the same quarter: the emotion within it moved
        shown, said = row.octant, row.own_octant
    else:
        shown, said = quarter_word(row.quadrant), quarter_word(row.own_quadrant)
    model = f"; the model said {said}" if said else ""
    return f"({shown}, adjusted to your tags{model}) "


def run_stretches(args: argparse.Namespace) -> int:
    """Stretches across the library's timelines (files without one yet are not listed:
    `timeline PATH` or the app works them out)."""
    where = stretch_filter_from(args)
    found = open_library(args).stretches(model_key(args), where)
    for kept in found:
        if args.json:
            print(json.dumps(kept.to_json()))
            continue
        x = kept.stretch
        mine = ", your tag" if kept.corrected else ""
        emotion = ("talk (no emotion read)" if x.speech and not kept.corrected else
                   f"{QUADRANT_NAMES[x.quadrant]} ({x.octant}{mine})")
        print(f"{clock(x.start):>8} - {clock(x.end):<8} {emotion:<30} "
              f"{terminal_text(printable(kept.path))}")
    if not args.json:
        print(count_of(len(found), "stretch"), file=sys.stderr)
    return EXIT_OK
