"""The filters several commands share: `list` and `playlist smart` pick videos,
`stretches` and `playlist stretches` pick stretches of one emotion."""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING

from ver_desktop.cli.common import PlaylistUsageError, quoted
from ver_desktop.core.labels import OCTANTS, PLAIN_WORDS, QUADRANTS

if TYPE_CHECKING:
    from ver_desktop.core.library import VideoFilter
    from ver_desktop.core.library.timelines import StretchFilter


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """The filters `list` and `playlist smart` share."""
    parser.add_argument("--quadrant", choices=QUADRANTS, action="append",
                        help="keep this quadrant (repeat for more)")
    parser.add_argument("--octant", choices=OCTANTS, action="append",
                        help="keep this emotion (repeat for more)")
    parser.add_argument("--status", choices=("ok", "failed", "missing", "pending"),
                        action="append")
    parser.add_argument("--search", default="", help="part of the file name")
    parser.add_argument("--min-confidence", type=float, metavar="SHARE",
                        help="at least this sure, from 0 to 1 (your own tags count as 1)")
    _include_talk(parser, "keep files that are mostly talk in emotion filters")


def _include_talk(parser: argparse.ArgumentParser, saying: str) -> None:
    parser.add_argument("--include-talk", action="store_true",
                        help=f"{saying} (left out by default: talk has no emotion the model "
                             "can read)")


def filter_from(args: argparse.Namespace) -> VideoFilter:
    from ver_desktop.core.library import VideoFilter

    if args.min_confidence is not None and not 0 <= args.min_confidence <= 1:
        raise PlaylistUsageError("--min-confidence is a share from 0 to 1, e.g. 0.6")
    return VideoFilter(quadrants=frozenset(args.quadrant or ()),
                       octants=frozenset(args.octant or ()),
                       statuses=frozenset(args.status or ()), search=args.search,
                       min_confidence=args.min_confidence, include_talk=args.include_talk)


def add_stretch_filter_options(parser: argparse.ArgumentParser) -> None:
    """The filters `stretches` and `playlist stretches` share."""
    parser.add_argument("--quadrant", action="append", metavar="QUADRANT_OR_WORD",
                        help="PV-NA or a word (calm, happy, tense, sad); repeatable")
    parser.add_argument("--octant", choices=OCTANTS, action="append")
    parser.add_argument("--min-minutes", type=float, metavar="M")
    parser.add_argument("--max-minutes", type=float, metavar="M")
    parser.add_argument("--search", default="", help="part of the file name")
    _include_talk(parser, "list stretches of talk too, with or without an emotion chosen")


def stretch_filter_from(args: argparse.Namespace) -> StretchFilter:
    from ver_desktop.core.library.timelines import StretchFilter

    quadrants = []
    for given in args.quadrant or ():
        quadrant = PLAIN_WORDS.get(given.lower(), given.upper())
        if quadrant not in QUADRANTS:
            raise PlaylistUsageError(f"{quoted(given)} is not a quadrant "
                                     f"({', '.join(QUADRANTS)}) or one of the words "
                                     f"{', '.join(sorted(PLAIN_WORDS))}")
        quadrants.append(quadrant)
    for option, minutes in (("--min-minutes", args.min_minutes),
                            ("--max-minutes", args.max_minutes)):
        if minutes is not None and not (math.isfinite(minutes) and minutes >= 0):
            raise PlaylistUsageError(f"{option} takes a number of minutes, 0 or more")
    return StretchFilter(
        quadrants=frozenset(quadrants), octants=frozenset(args.octant or ()),
        min_seconds=None if args.min_minutes is None else args.min_minutes * 60,
        max_seconds=None if args.max_minutes is None else args.max_minutes * 60,
        search=args.search, include_talk=args.include_talk)
