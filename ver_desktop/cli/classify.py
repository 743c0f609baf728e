"""`ver-desktop classify`: tag files without a library, one line (or JSON object) each.
The work is core's (core/usecases/classify.py); this module parses and prints."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from ver_desktop.cli.common import EXIT_FAILED, EXIT_OK, Commands, open_classifier
from ver_desktop.core.text import terminal_text

if TYPE_CHECKING:
    from ver_desktop.core.usecases.classify import Record


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    classify = commands.add_parser("classify", run, parents=parents,
                                   help="classify files without a library")
    classify.add_argument("paths", nargs="+", metavar="PATH")
    classify.add_argument("--json", action="store_true", help="one JSON object per line")


def run(args: argparse.Namespace) -> int:
    from ver_desktop.core.usecases.classify import classify

    records = classify(args.paths, open_classifier(args), workers=args.workers)
    for record in records:
        print(json.dumps(record) if args.json else _text(record), flush=True)
    return EXIT_FAILED if any(r["status"] != "ok" for r in records) else EXIT_OK


def _text(record: Record) -> str:
    path = terminal_text(record["path"])
    if record["status"] != "ok":
        return f"{path}: error: {terminal_text(str(record['error']))}"
    start, end = record["segment"]
    speech = " (mostly speech: tag unreliable)" if record["mostly_speech"] else ""
    return (f"{path}: {record['quadrant']} / {record['octant']} "
            f"(confidence {record['confidence']:.0%}, valence {record['valence']:+.2f}, "
            f"arousal {record['arousal']:+.2f}, from {start:.1f}-{end:.1f} s){speech}")
