"""What every command shares: the global options, the table of commands, exit codes, the
errors that end a command in one sentence, opening the library and the classifier, Ctrl-C,
and paths made printable."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from ver_desktop.core import paths
from ver_desktop.core.errors import AppError
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.text import terminal_text

if TYPE_CHECKING:  # heavy modules load only when a command needs them
    from ver_desktop.core.bundle import Classifier
    from ver_desktop.core.library import Library

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

Run = Callable[[argparse.Namespace], int]


class SetupError(AppError):
    """Something the user must fix before the command can run (exit 2)."""


class PlaylistUsageError(AppError):
    """A request that cannot be carried out as given, in a person's words (exit 2)."""


def global_options(parser: argparse.ArgumentParser, *, here: bool) -> None:
    """The options every command takes, before or after the command's name (`here` False:
    a command's copy, which leaves the value given before the command alone)."""
    default: Any = None if here else argparse.SUPPRESS
    parser.add_argument("--data-dir", default=default, help="library and caches (default: "
                        f"${paths.DATA_DIR_ENV}, else the platform's user data folder)")
    parser.add_argument("--library", default=default, metavar="URL",
                        help="a shared library, postgresql://USER@HOST/DATABASE (default: "
                        f"${paths.LIBRARY_URL_ENV}, else the file in the data folder)")
    parser.add_argument("--path-map", action="append", default=default, metavar="LOCAL=SHARED",
                        help="in a shared library, where this computer mounts a share, "
                        "such as /Volumes/Music=/shares/music (repeatable; also "
                        "$VER_DESKTOP_PATH_MAP, pairs separated by ';')")
    parser.add_argument("--model", default=default, help=f"a bundled model (default: "
                        f"{paths.DEFAULT_MODEL}) or a bundle folder")
    parser.add_argument("--workers", type=int, default=default,
                        help="decoding processes (default: CPU count)")


@dataclass(frozen=True)
class Command:
    run: Run
    guarded: bool = True  # main turns its errors into sentences (the window shows its own)


class Commands:
    """The subcommands and what runs each. Every command group adds its own (its module's
    `add_parser`); `main` looks the parsed command up here."""

    def __init__(self, actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        self.actions = actions
        self.table: dict[str, Command] = {}
        self.default: str | None = None  # the command run when none is given

    def add_parser(self, name: str, run: Run, *, parents: list[argparse.ArgumentParser],
                   guarded: bool = True, **kwargs: Any) -> argparse.ArgumentParser:
        """A command's parser (taking the global options after its name too: people type
        `ver-desktop classify --model ver-musicnn FILE`), run by `run`."""
        if name in self.table:
            raise ValueError(f"two commands are named {name}")
        self.table[name] = Command(run, guarded)
        return self.actions.add_parser(name, parents=parents, **kwargs)

    def command(self, name: str | None) -> Command:
        return self.table[name if name is not None else str(self.default)]


# -- shared setup ----------------------------------------------------------------------------


def open_classifier(args: argparse.Namespace) -> Classifier:
    from ver_desktop.core.bundle import load_classifier
    from ver_desktop.core.errors import BundleError

    folder = paths.model_dir(args.model)
    try:
        return load_classifier(folder, threads=2)
    except BundleError as exc:
        raise SetupError(str(exc)) from None


def open_library(args: argparse.Namespace) -> Library:
    """The library; a damaged, newer or unwritable one ends the command in one sentence
    (main's storage handler)."""
    from ver_desktop.core.library import Library, shared_paths

    data = paths.data_dir(args.data_dir)
    try:
        return Library(paths.library_url(data, args.library),
                       upgrade=args.command == "upgrade-library",
                       path_map=shared_paths.from_environment(args.path_map or []))
    except OSError as exc:
        raise SetupError(f"cannot open the library in {data}: {exc.strerror}") from None


def model_key(args: argparse.Namespace) -> ModelKey:
    """The chosen model's name and version, read from its bundle without loading it."""
    from ver_desktop.core.bundle import read_bundle_info
    from ver_desktop.core.errors import BundleError

    try:
        info = read_bundle_info(paths.model_dir(args.model))
    except BundleError as exc:
        raise SetupError(str(exc)) from None
    return ModelKey(info.name, info.version)


def model_and_spread(args: argparse.Namespace) -> tuple[ModelKey, float]:
    """The chosen model's key and its readout's spread (what the personal layer reads its
    points with), from its bundle without loading it."""
    from ver_desktop.core.bundle import read_bundle_info
    from ver_desktop.core.errors import BundleError

    try:
        info = read_bundle_info(paths.model_dir(args.model))
    except BundleError as exc:
        raise SetupError(str(exc)) from None
    return ModelKey(info.name, info.version), info.spread


def where(args: argparse.Namespace) -> str:
    """The library as a person recognises it: its file, or a shared library's address."""
    url = paths.library_url(paths.data_dir(args.data_dir), args.library)
    if paths.is_shared(url):
        from ver_desktop.core.library.address import for_people

        return "shared, " + for_people(url)
    return os.fspath(paths.database_path(paths.data_dir(args.data_dir)))


# -- Ctrl-C ----------------------------------------------------------------------------------


def interrupt_flag() -> threading.Event:
    """Ctrl-C asks the running job to stop cleanly instead of killing it mid-write."""
    flag = threading.Event()

    def handler(_signum: int, _frame: object) -> None:
        if flag.is_set():
            quit_now()
        flag.set()
        print("\nstopping after the files in progress (Ctrl-C again to quit now)",
              file=sys.stderr)

    signal.signal(signal.SIGINT, handler)
    return flag


def quit_now() -> None:
    """The second Ctrl-C: stop the worker processes and leave at once. Every write to the
    library is one transaction, so what was committed stays and the next scan carries on;
    waiting for the pool to wind down is what used to hang here."""
    import multiprocessing

    print("quitting now; the next scan carries on where this one stopped", file=sys.stderr)
    for child in multiprocessing.active_children():
        child.kill()
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


# -- printing --------------------------------------------------------------------------------


def quoted(name: str) -> str:
    """A playlist's name in a sentence, quoted and safe to print (core.text.terminal_text)."""
    return f"'{terminal_text(name)}'"


class ProgressLine:
    """One line of progress on `stream`: redrawn in place on a terminal (`width` columns),
    printed every 25 files otherwise (a log keeps every line)."""

    def __init__(self, stream: TextIO, width: int) -> None:
        self.stream, self.width = stream, width
        self.tty = stream.isatty()
        self.shown = False

    def show(self, line: str, done: int, total: int) -> None:
        if self.tty:
            self.stream.write("\r" + line[:self.width].ljust(self.width))
            self.stream.flush()
            self.shown = True
        elif done % 25 == 0 or done == total:
            print(line, file=self.stream)

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
