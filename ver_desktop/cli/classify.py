"""`ver-desktop classify`: tag files without a library, one line (or JSON object) each."""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING, Any

from ver_desktop.cli.common import EXIT_FAILED, EXIT_OK, Commands, open_classifier, printable
from ver_desktop.core.text import terminal_text

if TYPE_CHECKING:
    from ver_desktop.core.bundle import Prediction
    from ver_desktop.core.extract import Outcome


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    classify = commands.add_parser("classify", run, parents=parents,
                                   help="classify files without a library")
    classify.add_argument("paths", nargs="+", metavar="PATH")
    classify.add_argument("--json", action="store_true", help="one JSON object per line")


def run(args: argparse.Namespace) -> int:
    from ver_desktop.core.extract import Extracted, task_for
    from ver_desktop.core.pool import default_workers, extract_all

    classifier = open_classifier(args)
    inputs = [os.path.abspath(p) for p in args.paths]
    workers = min(args.workers or default_workers(), len(set(inputs)))
    outcomes: dict[str, Outcome] = {}
    for outcome in extract_all(list(dict.fromkeys(inputs)), workers=workers,
                               cancelled=lambda: False, task=task_for(classifier.front_end)):
        outcomes[outcome.path] = outcome
    extracted = [o for o in outcomes.values() if isinstance(o, Extracted)]
    predictions = dict(zip([e.path for e in extracted],
                           classifier.predict([e.features for e in extracted]), strict=True))
    failed = False
    for given, path in zip(args.paths, inputs, strict=True):
        record = _record(given, outcomes[path], predictions.get(path), classifier.tag)
        failed = failed or record["status"] != "ok"
        print(json.dumps(record) if args.json else _text(record), flush=True)
    return EXIT_FAILED if failed else EXIT_OK


def _record(given: str, outcome: Outcome, prediction: Prediction | None,
            model: str) -> dict[str, Any]:
    from ver_desktop.core.content import SPEECH_THRESHOLD
    from ver_desktop.core.extract import Extracted

    record: dict[str, Any] = {"path": printable(given), "status": "error", "error": None,
                              "quadrant": None, "octant": None, "quadrant_probs": None,
                              "octant_probs": None, "valence": None, "arousal": None,
                              "confidence": None, "mostly_speech": None,
                              "speech_likeness": None, "segment": None, "model": model}
    if not isinstance(outcome, Extracted) or prediction is None:
        record["error"] = getattr(outcome, "reason", "could not be analysed")
        return record
    record.update(status="ok", quadrant=prediction.quadrant, octant=prediction.octant,
                  quadrant_probs=prediction.quadrant_probs, octant_probs=prediction.octant_probs,
                  valence=prediction.valence, arousal=prediction.arousal,
                  confidence=prediction.confidence,
                  segment=[round(outcome.start, 3), round(outcome.end, 3)])
    if outcome.speech_likeness is not None:
        record.update(speech_likeness=round(outcome.speech_likeness, 4),
                      mostly_speech=outcome.speech_likeness >= SPEECH_THRESHOLD)
    return record


def _text(record: dict[str, Any]) -> str:
    path = terminal_text(record["path"])
    if record["status"] != "ok":
        return f"{path}: error: {terminal_text(str(record['error']))}"
    start, end = record["segment"]
    speech = " (mostly speech: tag unreliable)" if record["mostly_speech"] else ""
    return (f"{path}: {record['quadrant']} / {record['octant']} "
            f"(confidence {record['confidence']:.0%}, valence {record['valence']:+.2f}, "
            f"arousal {record['arousal']:+.2f}, from {start:.1f}-{end:.1f} s){speech}")
