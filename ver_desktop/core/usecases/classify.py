"""Classify files without a library: read each in parallel, predict, and one record per
path given (in the order given, duplicates too), in the shape `classify --json` prints.
Called by cli/classify.py, which prints the records (as JSON or in words)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ver_desktop.core.content import SPEECH_THRESHOLD
from ver_desktop.core.extract import Extracted, task_for
from ver_desktop.core.pool import WorkersFactory, default_workers, extract_all, spawn_pool
from ver_desktop.core.text import printable

if TYPE_CHECKING:
    from ver_desktop.core.bundle import Classifier, Prediction
    from ver_desktop.core.extract import Outcome

Record = dict[str, Any]  # one file's result; its keys and their order are the JSON contract


def classify(paths: Sequence[str], classifier: Classifier, *, workers: int | None = None,
             factory: WorkersFactory = spawn_pool) -> list[Record]:
    """One record per path in `paths` (`status` "ok", or "error" with its `error`): each
    distinct file is read once, by at most `workers` processes (default: the CPUs), and
    all are predicted in one batch. Changes nothing anywhere."""
    inputs = [os.path.abspath(p) for p in paths]
    distinct = list(dict.fromkeys(inputs))
    if not distinct:
        return []
    outcomes: dict[str, Outcome] = {}
    for outcome in extract_all(distinct, workers=min(workers or default_workers(),
                                                     len(distinct)),
                               cancelled=lambda: False, factory=factory,
                               task=task_for(classifier.front_end)):
        outcomes[outcome.path] = outcome
    extracted = [o for o in outcomes.values() if isinstance(o, Extracted)]
    predictions = dict(zip([e.path for e in extracted],
                           classifier.predict([e.features for e in extracted]), strict=True))
    return [record(given, outcomes[path], predictions.get(path), classifier.tag)
            for given, path in zip(paths, inputs, strict=True)]


def record(given: str, outcome: Outcome, prediction: Prediction | None,
           model: str) -> Record:
    """One file's record: the path as given (undecodable bytes as U+FFFD), its tag, point,
    confidence, speech likeness and segment, or the reason it has none."""
    found: Record = {"path": printable(given), "status": "error", "error": None,
                     "quadrant": None, "octant": None, "quadrant_probs": None,
                     "octant_probs": None, "valence": None, "arousal": None,
                     "confidence": None, "mostly_speech": None, "speech_likeness": None,
                     "segment": None, "model": model}
    if not isinstance(outcome, Extracted) or prediction is None:
        found["error"] = getattr(outcome, "reason", "could not be analysed")
        return found
    found.update(status="ok", quadrant=prediction.quadrant, octant=prediction.octant,
                 quadrant_probs=prediction.quadrant_probs,
                 octant_probs=prediction.octant_probs, valence=prediction.valence,
                 arousal=prediction.arousal, confidence=prediction.confidence,
                 segment=[round(outcome.start, 3), round(outcome.end, 3)])
    if outcome.speech_likeness is not None:
        found.update(speech_likeness=round(outcome.speech_likeness, 4),
                     mostly_speech=outcome.speech_likeness >= SPEECH_THRESHOLD)
    return found
