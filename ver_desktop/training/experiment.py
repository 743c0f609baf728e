"""`ver-desktop experiment`: the paper's grid under the 4Q set's artist-grouped 10-fold
cross-validation, plus a non-recurrent baseline. Results are stored per (configuration, fold)
so an interrupted run resumes where it stopped; `docs/reproduction.md` is regenerated from
them (see `report.py`).

The paper's configuration: one LSTM layer of H in {40, 80, 120} units, last time step ->
fully connected -> softmax; SGD with momentum 0.9, learning rate 0.01, L2 1e-4, mini-batch
50; half-mean-squared-error loss (and cross-entropy); 4 or 8 classes. What this run changes
is recorded in the report: frames are averaged in groups of `pool` before the LSTM and the
number of epochs is fixed at `epochs` (time budget of a 2-core machine).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np

from ver_desktop.core.frontends import MIR
from ver_desktop.training.dataset import Dataset, FeatureCache, load_dataset


class FoldJob(Protocol):
    """Something trained and tested once per fold, its result stored as JSON."""

    section: ClassVar[str]

    @property
    def key(self) -> str: ...

    @property
    def front_end(self) -> str: ...

    def run_fold(self, data: Dataset, fold: int) -> dict[str, Any]: ...


@dataclass(frozen=True)
class PaperConfig:
    classes: int  # 4 (quadrants) or 8 (octants)
    hidden: int
    loss: str  # "hmse" (the paper) or "ce"
    epochs: int
    pool: int
    learning_rate: float = 0.01
    momentum: float = 0.9
    weight_decay: float = 1e-4
    batch_size: int = 50
    seed: int = 0

    section: ClassVar[str] = "paper"

    @property
    def front_end(self) -> str:
        return MIR

    @property
    def key(self) -> str:
        return f"c{self.classes}-h{self.hidden}-{self.loss}-e{self.epochs}-p{self.pool}"

    def run_fold(self, data: Dataset, fold: int) -> dict[str, Any]:
        return train_paper_fold(self, data, fold)


@dataclass(frozen=True)
class DataSpec:
    labels: str
    audio: str
    cache: str
    limit: int | None = None

    def load(self, front_end: str = MIR) -> Dataset:
        return load_dataset(Path(self.labels), Path(self.audio),
                            FeatureCache(Path(self.cache), front_end), limit=self.limit)


def paper_grid(epochs: int, pool: int) -> list[PaperConfig]:
    return [PaperConfig(classes, hidden, loss, epochs, pool)
            for classes in (4, 8) for loss in ("hmse", "ce") for hidden in (40, 80, 120)]


def run_grid(configs: Sequence[FoldJob], data: DataSpec, out: Path, *, folds: list[int],
             workers: int, log: Any = print) -> None:
    """Train every (configuration, fold) not yet stored under `out`, `workers` at a time."""
    jobs = [(c, f) for c in configs for f in folds if not _result_file(out, c, f).exists()]
    log(f"{len(jobs)} trainings to run ({len(configs) * len(folds) - len(jobs)} already done)")
    if not jobs:
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {pool.submit(_run_and_store, c, f, data, os.fspath(out)): (c, f)
                   for c, f in jobs}
        for done, future in enumerate(as_completed(futures), start=1):
            config, fold = futures[future]
            result = future.result()
            log(f"[{done}/{len(jobs)}] {config.key} fold {fold}: acc {result['accuracy']:.3f} "
                f"F1 {result['macro_f1']:.3f} ({result['seconds']:.0f} s)")


def _result_file(out: Path, config: FoldJob, fold: int) -> Path:
    return out / config.section / config.key / f"fold{fold}.json"


def _run_and_store(config: FoldJob, fold: int, data: DataSpec, out: str) -> dict[str, Any]:
    import torch

    torch.set_num_threads(1)
    dataset = data.load(config.front_end)
    result = config.run_fold(dataset, fold)
    _store(_result_file(Path(out), config, fold), result)
    return result


def _store(target: Path, result: dict[str, Any]) -> None:
    """Write a result whole or not at all, so an interrupted run resumes cleanly."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")  # per process, as FeatureCache.put
    tmp.write_text(json.dumps(result))
    os.replace(tmp, target)


def train_paper_fold(config: PaperConfig, data: Dataset, fold: int) -> dict[str, Any]:
    """Train on the other folds, test on `fold`; per-epoch curves and final test figures."""
    import torch
    from torch.nn import functional

    from ver_desktop.training.fit import Normaliser, crop_stack, length_batches, macro_f1
    from ver_desktop.training.network import EmotionLSTM, NetworkConfig

    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    test_mask = data.folds == fold
    train, test = data.subset(~test_mask), data.subset(test_mask)
    labels = {4: train.quadrants, 8: train.octants}[config.classes]
    test_labels = {4: test.quadrants, 8: test.octants}[config.classes]
    normaliser = Normaliser.fit(train.features)
    sequences = [normaliser.apply(f) for f in train.features]
    test_sequences = [normaliser.apply(f) for f in test.features]
    model = EmotionLSTM(NetworkConfig(features=sequences[0].shape[1], hidden=config.hidden,
                                      pool=config.pool, readout="last", dropout=0.0))
    optimiser = torch.optim.SGD(model.parameters(), lr=config.learning_rate,
                                momentum=config.momentum, weight_decay=config.weight_decay)

    def head(x: torch.Tensor) -> torch.Tensor:
        quadrant, octant, _ = model(x)
        return quadrant if config.classes == 4 else octant

    def loss_of(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if config.loss == "ce":
            return functional.cross_entropy(logits, target)
        onehot = functional.one_hot(target, config.classes).float()
        return 0.5 * ((torch.softmax(logits, 1) - onehot) ** 2).sum(1).mean()

    started = time.perf_counter()
    curves: dict[str, list[float]] = {"train_loss": [], "train_accuracy": [],
                                      "test_loss": [], "test_accuracy": []}
    target_all = torch.as_tensor(labels)
    for _epoch in range(config.epochs):
        model.train()
        total, correct = 0.0, 0
        for batch in length_batches(sequences, config.batch_size, rng):
            x = torch.as_tensor(crop_stack([sequences[i] for i in batch], rng))
            target = target_all[torch.as_tensor(batch)]
            logits = head(x)
            loss = loss_of(logits, target)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
            correct += int((logits.argmax(1) == target).sum())
        curves["train_loss"].append(total / len(sequences))
        curves["train_accuracy"].append(correct / len(sequences))
        model.eval()
        probs = _predict(head, test_sequences)
        test_loss = float(loss_of(torch.log(torch.as_tensor(probs) + 1e-12),
                                  torch.as_tensor(test_labels)))
        curves["test_loss"].append(test_loss)
        curves["test_accuracy"].append(float(np.mean(probs.argmax(1) == test_labels)))
    probs = _predict(head, test_sequences)
    guess = probs.argmax(1)
    confusion = np.zeros((config.classes, config.classes), int)
    np.add.at(confusion, (test_labels, guess), 1)
    return {
        "config": asdict(config), "fold": fold, "seconds": time.perf_counter() - started,
        "accuracy": float(np.mean(guess == test_labels)),
        "macro_f1": macro_f1(test_labels, guess, config.classes),
        "loss": curves["test_loss"][-1], "train_loss": curves["train_loss"][-1],
        "confusion": confusion.tolist(), "curves": curves,
    }


def _predict(head: Any, sequences: list[np.ndarray]) -> np.ndarray:
    """Softmax outputs, sequences of equal length batched together (no padding)."""
    import torch

    from ver_desktop.core.bundle import indices_by_length

    out: dict[int, np.ndarray] = {}
    with torch.no_grad():
        for indices in indices_by_length(sequences):
            x = torch.as_tensor(np.stack([sequences[i] for i in indices]))
            probs = torch.softmax(head(x), 1).numpy()
            out.update(zip(indices, probs, strict=True))
    return np.stack([out[i] for i in range(len(sequences))])


def load_results(out: Path, section: str = "paper") -> dict[str, list[dict[str, Any]]]:
    """Stored per-fold results of one section, grouped by configuration key."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for file in sorted((out / section).glob("*/fold*.json")):
        grouped.setdefault(file.parent.name, []).append(json.loads(file.read_text()))
    return grouped


def extra_spec(root: Path, name: str, cache: str) -> DataSpec:
    """An extra training set rendered by training/midi_sets.py under `root`."""
    return DataSpec(str(root / name / "labels.csv"), str(root / name / "audio"), cache)


def run_transfer(names: Sequence[str], data: DataSpec, transfer: DataSpec, out: Path, *,
                 workers: int, extras_root: Path | None = None, log: Any = print) -> None:
    """Run every point candidate in `names` not yet stored under `out/transfer` through the
    transfer protocol (training/transfer.py), `workers` at a time; candidates with extra
    training sets find them under `extras_root`."""
    todo = [n for n in names if not _transfer_file(out, n).exists()]
    log(f"{len(todo)} transfer candidates to run ({len(names) - len(todo)} already done)")
    if not todo:
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {pool.submit(_run_transfer_candidate, n, data, transfer, os.fspath(out),
                               extras_root): n
                   for n in todo}
        for future in as_completed(futures):
            result = future.result()
            log(f"{result['candidate']}: transfer quadrant F1 "
                f"{result['transfer']['quadrant_macro_f1']:.3f} ({result['seconds']:.0f} s)")


def _transfer_file(out: Path, name: str) -> Path:
    return out / "transfer" / f"{name}.json"


def _run_transfer_candidate(name: str, data: DataSpec, transfer: DataSpec, out: str,
                            extras_root: Path | None) -> dict[str, Any]:
    import torch
    from threadpoolctl import threadpool_limits

    from ver_desktop.training.transfer import POINT_CANDIDATES, run_candidate

    torch.set_num_threads(1)  # candidates run side by side, one core each
    threadpool_limits(1)
    candidate = POINT_CANDIDATES[name]
    result, _ = run_candidate(candidate, training_set(data, candidate.front_end,
                                                      candidate.extras, extras_root),
                              transfer.load(candidate.front_end))
    _store(_transfer_file(Path(out), name), result)
    return result


def training_set(data: DataSpec, front_end: str, extras: Sequence[tuple[str, float]],
                 extras_root: Path | None) -> Dataset:
    """The main set, with the extra sets mixed in (training/mix.py) when there are any."""
    from ver_desktop.training.mix import mixed

    main = data.load(front_end)
    if not extras:
        return main
    if extras_root is None:
        raise ValueError("this candidate trains on extra sets: give --extra-sets")
    return mixed(main, [(extra_spec(extras_root, name, data.cache).load(front_end), weight)
                        for name, weight in extras])


def load_transfer_results(out: Path) -> dict[str, dict[str, Any]]:
    return {file.stem: json.loads(file.read_text())
            for file in sorted((out / "transfer").glob("*.json"))}
