"""`ver-desktop tag PATH happy|tense|sad|calm|EMOTION|right`: a person's own emotion for a
file (or --quadrant/--octant), or for one stretch of it (--at); `right` (or `yes`) says
what it shows is right, which counts as a tag; --clear gives it back the model's. After a
file's tag the personal layer is refitted so the rest of the library follows, and one line
says what moved. The work is core's (core/usecases/tags.py, core/usecases/learning.py)."""

from __future__ import annotations

import argparse
import math
import sys
from typing import TYPE_CHECKING

from ver_desktop.cli.common import EXIT_OK, Commands, SetupError, model_key, open_library
from ver_desktop.core.labels import OCTANTS, PLAIN_WORDS, QUADRANTS
from ver_desktop.core.text import clock, printable, terminal_text

if TYPE_CHECKING:
    from ver_desktop.core.library import Library


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    tag = commands.add_parser("tag", run, parents=parents,
                              help="set your own emotion for a file in the library")
    tag.add_argument("path")
    tag.add_argument("emotion", nargs="?", metavar="EMOTION",
                     help="happy, tense, sad or calm (a quarter), an emotion ("
                          f"{', '.join(o for o in OCTANTS if o != 'happy')}), or right "
                          "(yes: what it shows is right, which teaches it too)")
    group = tag.add_mutually_exclusive_group()
    group.add_argument("--quadrant", choices=QUADRANTS)
    group.add_argument("--octant", choices=OCTANTS)
    group.add_argument("--clear", action="store_true", help="remove your tag")
    tag.add_argument("--at", metavar="SECONDS|M:SS",
                     help="tag only the stretch of the file's timeline at this moment")


RIGHT = frozenset({"right", "yes"})


def run(args: argparse.Namespace) -> int:
    from ver_desktop.core.usecases import tags

    _read_emotion(args)
    library = open_library(args)
    video_id = tags.video_of(library, args.path)
    if args.at is not None:
        return _tag_stretch(args, library, video_id)
    return _tag_file(args, library, video_id)


def _read_emotion(args: argparse.Namespace) -> None:
    """The positional EMOTION as --quadrant, --octant or "right" (args.right); exactly one
    of them, or --clear, is needed."""
    args.right = False
    word = args.emotion
    if word is None:
        if args.quadrant is None and args.octant is None and not args.clear:
            raise SetupError(f"say what the file is: ver-desktop tag PATH "
                             f"{'|'.join(('happy', 'tense', 'sad', 'calm'))}|EMOTION|right "
                             "(or --clear to remove your tag)")
        return
    if args.quadrant is not None or args.octant is not None or args.clear:
        raise SetupError(f"give {word!r} or --quadrant/--octant/--clear, not both")
    key = word.strip().lower()
    if key in RIGHT:
        if args.at is not None:
            raise SetupError("'right' answers for a whole file; tag a stretch with its "
                             "emotion")
        args.right = True
    elif key in PLAIN_WORDS:  # "happy" is the quarter; --octant happy is the emotion
        args.quadrant = PLAIN_WORDS[key]
    elif key.upper() in QUADRANTS:
        args.quadrant = key.upper()
    elif key in OCTANTS:
        args.octant = key
    else:
        raise SetupError(f"{terminal_text(repr(word))} is not a tag: say happy, tense, sad "
                         f"or calm, an emotion ({', '.join(OCTANTS)}), or right")


def _tag_file(args: argparse.Namespace, library: Library, video_id: int) -> int:
    """Tag (or confirm, or clear) the file, then let the rest of the library follow: the
    layer is refitted here and what moved is said in one line."""
    from ver_desktop.cli.common import model_and_spread
    from ver_desktop.cli.learning import learned_line, quarter_word
    from ver_desktop.core.usecases import learning, tags

    model, spread = model_and_spread(args)
    name = terminal_text(printable(args.path))
    if args.right:
        learning.confirm(library, model, [video_id])
        row = library.rows(model, [video_id]).get(video_id)
        shown = (f": {quarter_word(row.quadrant)} ({row.octant})"
                 if row is not None and row.quadrant is not None else "")
        print(f"Kept {name} as it shows{shown}: that's right", file=sys.stderr)
    else:
        tags.tag_videos(library, [video_id], quadrant=args.quadrant, octant=args.octant)
        what = ("back to the model's tag" if args.clear else args.octant
                or quarter_word(args.quadrant))
        print(f"Tagged {name}: {what}", file=sys.stderr)
    learning.relearn(library, model, spread)
    print(learned_line(library, model), file=sys.stderr)
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
