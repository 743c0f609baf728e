"""Score `ver-desktop classify --json` output against a labels CSV, end to end (decoding,
segment choice, front end and model as the app runs them):

    ver-desktop classify --json ../shared/data/grekow/audio/* > grekow.jsonl
    python -m ver_desktop.training.score_classify ../shared/data/grekow/labels.csv grekow.jsonl

Prints quadrant accuracy and macro-F1, Spearman correlations of valence and arousal, and how
many records contradict themselves (a quadrant or octant other than its own point's, or a
tag that is not the most probable of its kind).
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import spearmanr

from ver_desktop.core.labels import QUADRANTS, octant_of, quadrant_of
from ver_desktop.training.fit import macro_f1


def contradicts_itself(record: dict[str, Any]) -> bool:
    v, a = record["valence"], record["arousal"]
    return (record["quadrant"] != quadrant_of(v, a) or record["octant"] != octant_of(v, a)
            or record["quadrant_probs"][record["quadrant"]] < max(
                record["quadrant_probs"].values())
            or record["octant_probs"][record["octant"]] < max(record["octant_probs"].values()))


def score(labels: Path, records: list[dict[str, Any]]) -> dict[str, float]:
    with open(labels, newline="", encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    ok = [r for r in records if r["status"] == "ok" and Path(r["path"]).stem in rows]
    truth = [rows[Path(r["path"]).stem] for r in ok]
    valence_key = "valence" if "valence" in truth[0] else "valence_z"
    arousal_key = "arousal" if "arousal" in truth[0] else "arousal_z"
    true_q = np.array([QUADRANTS.index(t["quadrant"]) for t in truth])
    guess_q = np.array([QUADRANTS.index(r["quadrant"]) for r in ok])
    return {
        "clips": len(ok),
        "failed": len(records) - len(ok),
        "quadrant_accuracy": float(np.mean(true_q == guess_q)),
        "quadrant_macro_f1": macro_f1(true_q, guess_q, 4),
        "valence_spearman": float(spearmanr([float(t[valence_key]) for t in truth],
                                            [r["valence"] for r in ok]).statistic),
        "arousal_spearman": float(spearmanr([float(t[arousal_key]) for t in truth],
                                            [r["arousal"] for r in ok]).statistic),
        "contradictions": sum(contradicts_itself(r) for r in ok),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", type=Path)
    parser.add_argument("records", type=Path, help="classify --json output, one line each")
    args = parser.parse_args()
    records = [json.loads(line) for line in args.records.read_text().splitlines() if line]
    for key, value in score(args.labels, records).items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")


if __name__ == "__main__":
    main()
