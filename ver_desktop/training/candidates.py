"""Candidate models beyond the paper, judged by the same artist-grouped cross-validation.

Each candidate is a named training configuration. `ver-desktop experiment --candidates NAME...`
trains it once per fold (resumable, like the paper's grid) and stores the fold's scores and
its out-of-fold probabilities, from which the report computes calibration figures.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np

from ver_desktop.core.frontends import MIR, MUSICNN
from ver_desktop.training.dataset import Dataset
from ver_desktop.training.fit import TrainConfig, predict, scores_of, train


@dataclass(frozen=True)
class Candidate:
    name: str
    summary: str
    config: TrainConfig
    front_end: str = MIR

    section: ClassVar[str] = "candidates"

    def __post_init__(self) -> None:
        if self.config.gain_db and self.front_end != MIR:
            raise ValueError("gain augmentation moves mir-1's RMS column; other front ends "
                             "have no such column")

    @property
    def key(self) -> str:
        return self.name

    def run_fold(self, data: Dataset, fold: int) -> dict[str, Any]:
        test = data.folds == fold
        trained = train(data.subset(~test), self.config)
        held_out = data.subset(test)
        out = predict(trained, held_out.features)
        scores = scores_of(out, held_out)
        return {
            "candidate": self.name, "summary": self.summary, "config": asdict(self.config),
            "front_end": self.front_end,
            "fold": fold,
            "seconds": trained.seconds, "accuracy": scores["quadrant_accuracy"],
            "macro_f1": scores["quadrant_macro_f1"], "scores": scores,
            "ids": [e.id for e in held_out.examples],
            "quadrant_labels": held_out.quadrants.tolist(),
            "octant_labels": held_out.octants.tolist(),
            "quadrant_probs": np.round(out["quadrant"], 5).tolist(),
            "octant_probs": np.round(out["octant"], 5).tolist(),
            "va": np.round(out["va"], 5).tolist(),
        }


def _texture(**network: Any) -> dict[str, Any]:
    """One-second texture windows (mean and spread of 40 frames) as LSTM steps."""
    return {"pool": 40, "pool_stats": True, **network}


CANDIDATES: dict[str, Candidate] = {c.name: c for c in (
    Candidate("v0.1.0", "the first bundled model: 100-ms steps, last state, AdamW",
              TrainConfig(epochs=40, network={"hidden": 64, "pool": 4, "readout": "last"})),
    Candidate("texture", "1-s texture windows with deltas, mean of states, strong decay",
              TrainConfig(epochs=60, weight_decay=0.05, gain_db=6.0, network=_texture(
                  hidden=32, deltas=True, readout="mean", dropout=0.3))),
    Candidate("musicnn-attention", "LSTM over musicnn embeddings of 3-s patches, attention",
              TrainConfig(epochs=40, weight_decay=0.05, network={
                  "pool": 1, "hidden": 32, "readout": "attention", "dropout": 0.5}),
              front_end=MUSICNN),
    Candidate("musicnn-mean", "LSTM over musicnn embeddings, mean of states, 64 units",
              TrainConfig(epochs=40, weight_decay=0.05, network={
                  "pool": 1, "hidden": 64, "readout": "mean", "dropout": 0.5}),
              front_end=MUSICNN),
)}
