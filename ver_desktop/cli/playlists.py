"""`ver-desktop playlist list | show | new | smart | moodpath | stretches | export | delete`.

The same use cases as the window's Playlist menu (`ver_desktop.core.usecases.playlists`),
so a playlist made here is the one the app shows, and a person's tags count the same way;
this module parses and prints. Export writes the format the file's suffix names, from the
one registry of formats (`core.playlists.export.EXPORT_FORMATS`).
Errors a person can fix (an unknown name, a path not in the library, an impossible mood
path) end in one sentence with exit status 2; what a mood path's library cannot give is
printed before the path is made (and with --only-if-complete it is then not made), and the
exit status is 1; advice alone ("add more sad music") is printed with exit status 0.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ver_desktop.cli.common import (
    Commands,
    PlaylistUsageError,
    model_key,
    open_library,
    quoted,
)
from ver_desktop.cli.filters import (
    add_filter_options,
    add_stretch_filter_options,
    filter_from,
    stretch_filter_from,
)
from ver_desktop.core.labels import QUADRANT_NAMES, QUADRANTS, named_point
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.text import clock, count_of, terminal_text

if TYPE_CHECKING:
    from ver_desktop.core.library import Library

KIND_WORDS = {"manual": "manual", "rule": "smart", "mood_path": "mood path",
              "stretches": "smart, of stretches"}


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    playlist = commands.add_parser("playlist", run, parents=parents,
                                   help="list, make, export and delete playlists")
    actions = playlist.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=parents, help="the library's playlists")
    listing.add_argument("--json", action="store_true")
    show = actions.add_parser("show", parents=parents, help="a playlist's videos in order")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    new = actions.add_parser("new", parents=parents, help="a playlist of these files")
    new.add_argument("name")
    new.add_argument("paths", nargs="+", metavar="PATH")
    _add_play_option(new)
    smart = actions.add_parser("smart", parents=parents,
                               help="a playlist kept up to date by filters")
    smart.add_argument("name")
    add_filter_options(smart)
    _add_play_option(smart)
    mood = actions.add_parser("moodpath", parents=parents,
                              help="a path from one feeling to another (iso principle)")
    mood.add_argument("name")
    mood.add_argument("--from", dest="start", required=True, metavar="Q|V,A",
                      help="a quadrant (e.g. NV-NA) or a valence,arousal point")
    mood.add_argument("--to", dest="target", required=True, metavar="Q|V,A")
    size = mood.add_mutually_exclusive_group(required=True)
    size.add_argument("--count", type=int, help="number of videos")
    size.add_argument("--minutes", type=float, help="total playing time")
    mood.add_argument("--max-step", type=float, help="largest step between two videos")
    mood.add_argument("--stretches", action="store_true",
                      help="make it of stretches of one emotion (from the files' timelines)")
    mood.add_argument("--only-if-complete", action="store_true",
                      help="make it only if the library can give all that is asked (what "
                      "it cannot give is said either way)")
    _add_play_option(mood, minutes=True)
    mood.add_argument("--json", action="store_true")
    stretched = actions.add_parser("stretches", parents=parents,
                                   help="a playlist of stretches of one emotion, e.g. the "
                                   "calm ones of 2 minutes or more")
    stretched.add_argument("name")
    add_stretch_filter_options(stretched)
    stretched.add_argument("--smart", action="store_true",
                           help="keep it up to date: new timelines and tags join it")
    export = actions.add_parser("export", parents=parents,
                                help="write an M3U8 or XSPF file (VLC), or an EDL (mpv)")
    export.add_argument("name")
    export.add_argument("file", type=Path, metavar="FILE.m3u8|FILE.xspf|FILE.edl")
    delete = actions.add_parser("delete", parents=parents, help="delete a playlist")
    delete.add_argument("name")


def run(args: argparse.Namespace) -> int:
    """Carry out `args.action`; returns the exit status."""
    library, model = open_library(args), model_key(args)
    return ACTIONS[args.action](args, library, model)


def _add_play_option(parser: argparse.ArgumentParser, *, minutes: bool = False) -> None:
    longer = (" (by --minutes, longer stretches or whole files when segments fall short)"
              if minutes else "")
    parser.add_argument("--play", choices=("segment", "file"), default="segment",
                        help=f"each item plays its analysed segment (default){longer} or "
                        "whole file")


def _list(args: argparse.Namespace, library: Library, model: ModelKey) -> int:
    from ver_desktop.core.usecases import playlists as usecase

    for playlist, count in usecase.listed(library, model):
        if args.json:
            print(json.dumps({"name": playlist.name, "kind": KIND_WORDS[playlist.kind],
                              "play": playlist.play, "videos": count}))
        else:
            print(f"{terminal_text(playlist.name)}  ({KIND_WORDS[playlist.kind]}, "
                  f"{count_of(count, 'video')}, plays {_play_words(playlist.play)})")
    return 0


def _show(args: argparse.Namespace, library: Library, model: ModelKey) -> int:
    from ver_desktop.core.usecases import playlists as usecase

    playlist = usecase.find(library, args.name)
    items = usecase.shown(library, model, playlist)
    for item in items:
        row, entry, kept = item.row, item.entry, item.stretch
        if args.json:
            print(json.dumps({**row.to_json(), "start": entry.start, "stop": entry.stop,
                              **({"stretch": kept.to_json()} if kept is not None else {})}))
        else:
            words = QUADRANT_NAMES.get(item.quadrant or "", "no tag")
            mark = " (your tag)" if item.corrected else ""
            span = (f"{clock(entry.start or 0)}-{clock(entry.stop)}  "
                    if entry.stop is not None else "whole file  ")
            print(f"{item.quadrant or '-':<6} {item.octant or '-':<11}{span}"
                  f"{terminal_text(row.name)}  [{words}{mark}]")
    if not args.json:
        noun = "item" if any(item.stretch for item in items) else "video"
        print(f"{count_of(len(items), noun)}, {KIND_WORDS[playlist.kind]} playlist, plays "
              f"{_play_words(playlist.play)}", file=sys.stderr)
    return 0


def _new(args: argparse.Namespace, library: Library, model: ModelKey) -> int:
    from ver_desktop.core.usecases import playlists as usecase

    usecase.create_from_paths(library, args.name, args.paths, play=args.play)
    print(f"Made {quoted(args.name)}: {count_of(len(args.paths), 'video')}", file=sys.stderr)
    return 0


def _smart(args: argparse.Namespace, library: Library, model: ModelKey) -> int:
    from ver_desktop.core.usecases import playlists as usecase

    usecase.new_name(library, args.name)  # a taken name is said before a bad filter
    made = usecase.create_smart(library, args.name, filter_from(args), play=args.play)
    playlist = library.playlist(made.value)
    count = len(usecase.contents(library, model, playlist).items) if playlist else 0
    print(f"Made smart playlist {quoted(args.name)}: {count_of(count, 'video')} match now",
          file=sys.stderr)
    return 0


def parse_point(text: str) -> tuple[float, float]:
    """A quadrant (its sector's middle), an emotion (an octant's middle, or a plain word
    such as sad or calm) or "valence,arousal"."""
    named = named_point(text)
    if named is not None:
        return named
    try:
        valence, arousal = (float(part) for part in text.split(","))
    except ValueError:
        valence = arousal = math.nan
    if not all(math.isfinite(x) and abs(x) <= MAP_REACH for x in (valence, arousal)):
        raise PlaylistUsageError(
            f"{quoted(text)} is not a place on the map: give a quadrant "
            f"({', '.join(QUADRANTS)}), an emotion (sad, calm, happy, tense, or one of the "
            "eight such as sleepy) or valence,arousal such as -1,-0.5")
    return valence, arousal


MAP_REACH = 100.0  # valence and arousal lie within a few units of 0; far past is a typo


def _moodpath(args: argparse.Namespace, library: Library, model: ModelKey) -> int:
    """What the library cannot give is said before the playlist is made; with
    --only-if-complete, it is then not made."""
    from ver_desktop.core.usecases import playlists as usecase

    name = usecase.new_name(library, args.name)  # said before a bad point or size
    start, target = parse_point(args.start), parse_point(args.target)
    _check_size(args)
    path = usecase.plan_mood_path(
        library, model, start, target, count=args.count, stretches=args.stretches,
        total_seconds=None if args.minutes is None else args.minutes * 60,
        max_jump=args.max_step, play=args.play)
    for problem in path.problems:
        print(f"  note: {terminal_text(problem)}", file=sys.stderr)
    made = not (args.only_if_complete and path.falls_short)
    if made:
        usecase.keep_mood_path(library, name, path)
    if args.json:
        print(json.dumps({"name": name, "made": made, "videos": path.video_ids,
                          "seconds": round(path.seconds, 1), "problems": list(path.problems),
                          "description": path.description()}))
    elif made:
        print(f"Made mood path {quoted(name)}: {terminal_text(path.summary())}",
              file=sys.stderr)
    else:
        print(f"Did not make {quoted(name)} (--only-if-complete): it would be "
              f"{terminal_text(path.summary())}", file=sys.stderr)
    return 1 if path.falls_short else 0


def _check_size(args: argparse.Namespace) -> None:
    """--count, --minutes and --max-step as numbers a mood path can be made of."""
    from ver_desktop.core.playlists.moodpath import MAX_STEPS

    if args.count is not None and not 1 <= args.count <= MAX_STEPS:
        raise PlaylistUsageError(f"--count must be from 1 to {MAX_STEPS} (the most videos "
                                 "one mood path holds)")
    if args.minutes is not None and not 0 < args.minutes <= MAX_MINUTES:
        raise PlaylistUsageError(f"--minutes must be more than 0 and at most "
                                 f"{MAX_MINUTES:.0f} (a week), such as 20")
    if args.max_step is not None and not (math.isfinite(args.max_step) and args.max_step > 0):
        raise PlaylistUsageError("--max-step must be a distance on the map more than 0, "
                                 "such as 0.5")


MAX_MINUTES = 7 * 24 * 60.0  # a week; more is a typo, and minutes * 60 must stay finite


def _stretches(args: argparse.Namespace, library: Library, model: ModelKey) -> int:
    from ver_desktop.core.usecases import playlists as usecase

    name = usecase.new_name(library, args.name)  # said before a bad filter
    where = stretch_filter_from(args)
    if args.smart:
        usecase.create_smart_stretches(library, name, where)
        print(f"Made smart playlist {quoted(name)} of stretches", file=sys.stderr)
        return 0
    made = usecase.create_of_stretches(library, model, name, where).value
    print(f"Made {quoted(name)}: {count_of(len(made.stretches), 'stretch')}, "
          f"{made.seconds / 60:.0f} min", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace, library: Library, model: ModelKey) -> int:
    from ver_desktop.core.usecases import playlists as usecase

    playlist = usecase.find(library, args.name)
    written = usecase.export(library, model, playlist, args.file).value
    print(f"Wrote {terminal_text(os.fspath(args.file))}: {count_of(written, 'video')}",
          file=sys.stderr)
    return 0


def _delete(args: argparse.Namespace, library: Library, model: ModelKey) -> int:
    from ver_desktop.core.usecases import playlists as usecase

    usecase.delete(library, usecase.find(library, args.name).id)
    return 0


POINT = re.compile(r"-[\d.]+(e[-+]?\d+)?,[-+]?[\d.]+(e[-+]?\d+)?", re.IGNORECASE)


def joined_points(argv: Sequence[str]) -> list[str]:
    """`argv` with `--from -1,-0.5` given as `--from=-1,-0.5`: argparse takes a value that
    begins with "-" (and is no plain number) for an option and refuses it, yet such a point
    is what the app's own hint suggests."""
    joined: list[str] = []
    for given in argv:
        if joined and joined[-1] in ("--from", "--to") and POINT.fullmatch(given):
            joined[-1] = f"{joined[-1]}={given}"
        else:
            joined.append(given)
    return joined


def _play_words(play: str) -> str:
    return "segments" if play == "segment" else "whole files"


Action = Callable[[argparse.Namespace, "Library", ModelKey], int]
ACTIONS: dict[str, Action] = {"list": _list, "show": _show, "new": _new, "smart": _smart,
                              "moodpath": _moodpath, "export": _export, "delete": _delete,
                              "stretches": _stretches}
