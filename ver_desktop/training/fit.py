"""Train the network and score its predictions (the protocols that use it: transfer.py for
the point models, experiment.py and candidates.py for the paper grid and earlier models)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from scipy.stats import spearmanr
from torch.nn import functional

from ver_desktop.core.bundle import indices_by_length
from ver_desktop.training.dataset import Dataset
from ver_desktop.training.network import EmotionLSTM, NetworkConfig

Log = Callable[[str], None]


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 40
    batch_size: int = 32
    learning_rate: float = 2e-3
    weight_decay: float = 1e-4
    va_weight: float = 0.5
    gain_db: float = 0.0  # augmentation: random level change of up to +-gain_db per clip
    seed: int = 0
    # "heads": quadrant, octant and V/A heads trained side by side (the earlier models);
    # "point": the V/A head alone, from which every label is read (core/emotion_point.py),
    # by squared error and the side of each axis; "sides": by the side of each axis alone
    objective: str = "heads"
    min_crop: int = 0  # > 0: each batch is cropped to a random length of at least this many rows
    # With extra training sets (training/mix.py): "both" axes learn from them, or only
    # "valence" (the point objectives; arousal learns from the main set alone)
    extras_train: str = "both"
    network: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Normaliser:
    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, sequences: list[np.ndarray]) -> Normaliser:
        stacked = np.concatenate(sequences).astype(np.float64)
        return cls(stacked.mean(axis=0).astype(np.float32),
                   (stacked.std(axis=0) + 1e-6).astype(np.float32))

    def apply(self, seq: np.ndarray) -> np.ndarray:
        return ((seq - self.mean) / self.std).astype(np.float32)


@dataclass
class Trained:
    model: EmotionLSTM
    normaliser: Normaliser
    seconds: float
    losses: list[float]


def train(data: Dataset, config: TrainConfig, log: Log | None = None) -> Trained:
    """Fit a network on `data` (features z-scored with statistics of `data` alone)."""
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    normaliser = Normaliser.fit(data.features)
    sequences = [normaliser.apply(f) for f in data.features]
    net_config = NetworkConfig(features=sequences[0].shape[1], **config.network)
    model = EmotionLSTM(net_config)
    optimiser = torch.optim.AdamW(model.parameters(), lr=config.learning_rate,
                                  weight_decay=config.weight_decay)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=config.epochs)
    targets = (torch.as_tensor(data.quadrants), torch.as_tensor(data.octants),
               torch.as_tensor(data.va))
    # Each clip's training weight (training/mix.py), used by the point objectives
    each = data.sample_weights / data.sample_weights.mean()
    arousal = each * data.is_main if config.extras_train == "valence" else each
    weights = torch.as_tensor(np.stack([each, arousal], axis=1), dtype=torch.float32)
    if config.objective not in POINT_OBJECTIVES and data.weights is not None:
        raise ValueError("weighted clips are used by the point objectives only")
    started, losses = time.perf_counter(), []
    for epoch in range(config.epochs):
        model.train()
        total = 0.0
        for batch in length_batches(sequences, config.batch_size, rng):
            x = crop_stack([sequences[i] for i in batch], rng, config.min_crop)
            if config.gain_db:
                x = _random_gain(x, normaliser, config.gain_db, rng)
            index = torch.as_tensor(batch)
            outputs, wanted = model(torch.as_tensor(x)), [t[index] for t in targets]
            loss = (_point_loss(outputs[2], wanted, config.objective, weights[index])
                    if config.objective in POINT_OBJECTIVES
                    else _loss(outputs, wanted, config.va_weight))
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            total += loss.item() * len(batch)
        schedule.step()
        losses.append(total / len(sequences))
        if log and (epoch + 1) % 10 == 0:
            log(f"  epoch {epoch + 1}/{config.epochs}: loss {losses[-1]:.4f}")
    model.eval()
    return Trained(model, normaliser, time.perf_counter() - started, losses)


RMS_COLUMN = 12  # FEATURE_NAMES.index("rms")


def _random_gain(x: np.ndarray, normaliser: Normaliser, gain_db: float,
                 rng: np.random.Generator) -> np.ndarray:
    """A level change scales RMS and nothing else in the set (the MFCCs exclude c0 and the
    spectral shape is scale-free), so only the z-scored RMS column moves."""
    gain = 10 ** (rng.uniform(-gain_db, gain_db, size=(len(x), 1)) / 20)
    mean, std = normaliser.mean[RMS_COLUMN], normaliser.std[RMS_COLUMN]
    x = x.copy()
    raw = x[:, :, RMS_COLUMN] * std + mean
    x[:, :, RMS_COLUMN] = (raw * gain - mean) / std
    return x


def _loss(outputs: tuple[torch.Tensor, ...], targets: list[torch.Tensor],
          va_weight: float) -> torch.Tensor:
    quadrant, octant, va = outputs
    return (functional.cross_entropy(quadrant, targets[0])
            + functional.cross_entropy(octant, targets[1])
            + va_weight * functional.mse_loss(va, targets[2]))


POINT_OBJECTIVES = ("point", "sides")


def _point_loss(point: torch.Tensor, targets: list[torch.Tensor], objective: str,
                weights: torch.Tensor) -> torch.Tensor:
    """A logistic loss on the side of each axis the point falls (the labelled quadrant),
    plus, for "point", its squared error: the point has to land in the right quadrant and,
    with the squared error, rank clips on the labels' own scale."""
    quadrant, _, va = targets
    positive = torch.stack([(quadrant == 0) | (quadrant == 3), quadrant <= 1], dim=1).float()
    if objective == "sides":
        each = functional.binary_cross_entropy_with_logits(point, positive, reduction="none")
    else:
        each = (functional.mse_loss(point, va, reduction="none")
                + functional.binary_cross_entropy_with_logits(2 * point, positive,
                                                              reduction="none"))
    return ((each * weights).sum(dim=0) / weights.sum(dim=0).clamp(min=1e-9)).mean()


def length_batches(sequences: list[np.ndarray], size: int,
                   rng: np.random.Generator) -> list[list[int]]:
    """Batches of similar length (sorted with jitter), in random order."""
    lengths = np.array([len(s) for s in sequences], np.float64)
    order = np.argsort(lengths * rng.uniform(0.9, 1.1, len(lengths)))
    batches = [order[i : i + size].tolist() for i in range(0, len(order), size)]
    rng.shuffle(batches)
    return batches


def crop_stack(sequences: list[np.ndarray], rng: np.random.Generator,
               min_crop: int = 0) -> np.ndarray:
    """Crop every sequence to the shortest one (or, with `min_crop`, to a random length
    between that and the shortest) at a random offset, then stack."""
    length = min(len(s) for s in sequences)
    if 0 < min_crop < length:
        length = int(rng.integers(min_crop, length + 1))
    crops = []
    for s in sequences:
        start = int(rng.integers(0, len(s) - length + 1))
        crops.append(s[start : start + length])
    return np.stack(crops)


@torch.no_grad()
def predict(trained: Trained, features: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Probabilities and V/A for each sequence (equal lengths batched together)."""
    quadrant = np.zeros((len(features), 4), np.float32)
    octant = np.zeros((len(features), 8), np.float32)
    va = np.zeros((len(features), 2), np.float32)
    for indices in indices_by_length(features):
        x = torch.as_tensor(np.stack([trained.normaliser.apply(features[i]) for i in indices]))
        q, o, v = trained.model(x)
        quadrant[indices] = torch.softmax(q, 1).numpy()
        octant[indices] = torch.softmax(o, 1).numpy()
        va[indices] = v.numpy()
    return {"quadrant": quadrant, "octant": octant, "va": va}


def macro_f1(truth: np.ndarray, guess: np.ndarray, classes: int) -> float:
    scores = []
    for c in range(classes):
        tp = np.sum((guess == c) & (truth == c))
        fp = np.sum((guess == c) & (truth != c))
        fn = np.sum((guess != c) & (truth == c))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def scores_of(out: dict[str, np.ndarray], data: Dataset) -> dict[str, float]:
    q_guess, o_guess = out["quadrant"].argmax(1), out["octant"].argmax(1)
    va = data.va
    return {
        "quadrant_accuracy": float(np.mean(q_guess == data.quadrants)),
        "quadrant_macro_f1": macro_f1(data.quadrants, q_guess, 4),
        "octant_accuracy": float(np.mean(o_guess == data.octants)),
        "octant_macro_f1": macro_f1(data.octants, o_guess, 8),
        "valence_spearman": spearman(va[:, 0], out["va"][:, 0]),
        "arousal_spearman": spearman(va[:, 1], out["va"][:, 1]),
    }


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    value = spearmanr(a, b).statistic
    return 0.0 if value is None or math.isnan(value) else float(value)


def summarise(per_fold: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    keys = [k for k in per_fold[0] if k not in ("fold", "train_seconds")]
    return {k: {"mean": round(float(np.mean([f[k] for f in per_fold])), 4),
                "sd": round(float(np.std([f[k] for f in per_fold], ddof=1)), 4)
                if len(per_fold) > 1 else 0.0}
            for k in keys}
