"""It learns from you, at the command line: `ask` (the files whose answer would teach it
most), `agreement` (how often what it showed was what you then said) and `learning on | off
| forget | status | prepare`. The work is core's (core/usecases/learning.py, and
core/usecases/embeddings.py for `prepare`); `tag` answers (cli/tag.py)."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import TYPE_CHECKING, TextIO

from ver_desktop.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    Commands,
    ProgressLine,
    interrupt_flag,
    model_and_spread,
    open_library,
)
from ver_desktop.core.labels import OCTANTS, QUADRANT_NAMES
from ver_desktop.core.text import clock, count_of, printable, terminal_text

if TYPE_CHECKING:
    from ver_desktop.core.library import Library
    from ver_desktop.core.model_key import ModelKey
    from ver_desktop.core.usecases.embeddings import FillProgress

ANSWERS = "happy|tense|sad|calm|EMOTION|right"
PREPARE = "ver-desktop learning prepare"


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    ask = commands.add_parser("ask", run_ask, parents=parents,
                              help="the files whose tag would teach it most about your taste "
                                   "(answer with tag)")
    ask.add_argument("--count", type=int, default=None, metavar="N",
                     help="how many files to ask about (default: 20)")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")

    agree = commands.add_parser("agreement", run_agreement, parents=parents,
                                help="how often it had your tag right before you gave it")
    agree.add_argument("--json", action="store_true", help="as a JSON object")

    learning = commands.add_parser(
        "learning", run_learning, parents=parents,
        help="learning from your tags: on, off, forget what it learned, status, or prepare "
             "files analysed by an earlier version")
    learning.add_argument("action", nargs="?", default="status",
                          choices=("on", "off", "forget", "status", "prepare"),
                          help="status (the default); on or off; forget what it learned "
                               "(your tags stay); prepare the files analysed before this "
                               "version so it can learn from them")
    learning.add_argument("--json", action="store_true", help="the state as a JSON object")


# -- words shared with `tag` -------------------------------------------------------------


def quarter_word(quadrant: str | None) -> str:
    """PV-NA as a person says it: calm."""
    if quadrant is None:
        return "-"
    return QUADRANT_NAMES.get(quadrant, quadrant).split(",")[0]


def learned_line(library: Library, model: ModelKey) -> str:
    """After a tag and relearn: where the rest of the library stands, in one line."""
    from ver_desktop.core.usecases import learning

    state = learning.state(library, model)
    if not state.enabled:
        return ("Learning from your tags is off, so other files keep the model's tags "
                "(ver-desktop learning on).")
    verb = "shows" if state.adjusted == 1 else "show"
    text = (f"{count_of(state.adjusted, 'other file')} now {verb} a tag adjusted to yours "
            f"(learned from your {count_of(state.tags, 'tag')}).")
    if state.without_embedding:
        text += (f" {count_of(state.without_embedding, 'file')} still to prepare for "
                 f"learning: run {PREPARE}")
    return text


# -- ask -------------------------------------------------------------------------------


def run_ask(args: argparse.Namespace) -> int:
    from ver_desktop.cli.common import SetupError
    from ver_desktop.core.usecases import learning

    if args.count is not None and not 1 <= args.count <= 10_000:
        raise SetupError("--count takes a number of files from 1 to 10000")
    library = open_library(args)
    model, spread = model_and_spread(args)
    found = (learning.questions(library, model, spread,
                                count=args.count if args.count is not None else learning.RECENT)
             if library.count_embeddings(model) else [])  # none prepared: nothing to ask
    if args.json:
        for question in found:
            print(json.dumps(question.to_json()))
        return EXIT_OK
    if not found:
        state = learning.state(library, model)
        why = "every analysed file with music is tagged, or none is ready yet"
        if state.without_embedding:
            why = (f"{count_of(state.without_embedding, 'file')} still to prepare for "
                   f"learning: run {PREPARE}")
        print(f"Nothing to ask: {why}.")
        return EXIT_OK
    print("Your tag on these would teach it most (the most first):")
    width = len(str(len(found)))
    for number, question in enumerate(found, 1):
        print(f"{number:>{width}}. {terminal_text(question.name)}: shows "
              f"{quarter_word(question.quadrant)} ({question.octant}, "
              f"{question.confidence:.0%} sure)")
        print(f"{'':>{width}}  {terminal_text(shlex.quote(printable(question.path)))}")
    print(f"Answer with: ver-desktop tag PATH {ANSWERS} (EMOTION: one of "
          f"{', '.join(o for o in OCTANTS if o != 'happy')}; right: it is right as shown)")
    return EXIT_OK


# -- agreement ------------------------------------------------------------------------


def run_agreement(args: argparse.Namespace) -> int:
    from ver_desktop.core.usecases import learning

    model, _spread = model_and_spread(args)
    found = learning.agreement(open_library(args), model)
    print(json.dumps(found.to_json()) if args.json else found.sentence())
    return EXIT_OK


# -- learning ---------------------------------------------------------------------------


def run_learning(args: argparse.Namespace) -> int:
    from ver_desktop.core.usecases import learning

    library = open_library(args)
    model, spread = model_and_spread(args)
    if args.action == "prepare":
        return _prepare(args, library, model, spread)
    if args.action in ("on", "off"):
        state = learning.set_enabled(library, model, spread, enabled=args.action == "on").value
    elif args.action == "forget":
        state = learning.forget(library, model, spread).value
        if not args.json:
            print("Forgot what it learned; your tags stay, and it learns again from the "
                  "next ones.")
    else:
        state = learning.state(library, model)
    if args.json:
        print(json.dumps(state.to_json()))
        return EXIT_OK
    print(state.sentence())
    if state.without_embedding:
        if "prepared" in state.sentence():  # it says how many already
            print(f"To prepare them now: {PREPARE}")
        else:
            print(f"{count_of(state.without_embedding, 'file')} still to prepare for "
                  f"learning: run {PREPARE}")
    return EXIT_OK


def _prepare(args: argparse.Namespace, library: Library, model: ModelKey,
             spread: float) -> int:
    """Read again the files analysed before this version, so it can learn from them."""
    from ver_desktop.core import paths
    from ver_desktop.core.bundle import read_bundle_info
    from ver_desktop.core.pool import default_workers
    from ver_desktop.core.usecases.embeddings import fill_embeddings, pending

    todo = pending(library, model)
    if not todo:
        print("Every analysed file is ready to learn from your tags.")
        return EXIT_OK
    front_end = read_bundle_info(paths.model_dir(args.model)).front_end
    print(f"Preparing {count_of(len(todo), 'file')} so it can learn from your tags "
          "(each is read again; Ctrl-C stops, and the next run carries on)", file=sys.stderr)
    stop = interrupt_flag()
    bar = _Progress(sys.stderr)
    summary = fill_embeddings(library, model, front_end, spread=spread,
                              workers=args.workers or default_workers(),
                              cancelled=stop.is_set, progress=bar.update, todo=todo).value
    bar.close()
    print(summary.sentence())
    for path, why in summary.skipped:
        print(f"  not prepared: {terminal_text(printable(path))}: {terminal_text(why)}")
    if summary.filled:
        from ver_desktop.core.usecases import learning

        print(learning.state(library, model).sentence())
    return EXIT_INTERRUPTED if summary.cancelled else EXIT_OK


class _Progress(ProgressLine):
    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream, 60)

    def update(self, progress: FillProgress) -> None:
        left = "" if progress.eta is None else f", about {clock(progress.eta)} left"
        self.show(f"prepared {progress.done}/{progress.total}{left}", progress.done,
                  progress.total)
