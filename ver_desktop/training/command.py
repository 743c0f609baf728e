"""`ver-desktop train`: features (cached), cross-validation, final fit, bundle."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from ver_desktop.core.frontends import MUSICNN
from ver_desktop.training.baseline import PROBE_C, clip_mean, run_baseline
from ver_desktop.training.candidates import CANDIDATES, Candidate
from ver_desktop.training.dataset import FeatureCache, load_dataset
from ver_desktop.training.experiment import (
    DataSpec,
    PaperConfig,
    load_results,
    run_grid,
)
from ver_desktop.training.export import save_bundle
from ver_desktop.training.fit import TrainConfig, cross_validate, train
from ver_desktop.training.report import write_report


def run_training(args: argparse.Namespace, cache_root: Path) -> int:
    import torch

    # Small recurrent nets gain nothing from intra-op threads, and on a busy machine
    # spinning threads slow training down many times over.
    torch.set_num_threads(1)
    started = time.perf_counter()
    config, front_end = _training_config(args)
    cache = FeatureCache(cache_root / "features", front_end)
    data = load_dataset(args.labels, args.audio, cache, workers=args.workers,
                        progress=_extraction_progress, limit=args.limit)
    print(f"{len(data.examples)} labelled files with {front_end} features "
          f"({time.perf_counter() - started:.0f} s)", flush=True)
    metrics: dict[str, Any] = {"candidate": args.candidate} if args.candidate else {}
    folds = sorted(set(data.folds.tolist()))
    if args.cv and len(folds) > 1:
        print(f"cross-validation over {len(folds)} artist-grouped folds", flush=True)
        metrics["cross_validation"] = cross_validate(data, config, log=_print)
        _print(f"mean over folds: {metrics['cross_validation']['summary']}")
    trained = train(data, config, log=_print)
    training = {
        "data": f"{args.labels.name} + {args.audio} ({len(data.examples)} clips)",
        "data_terms": "4Q set (Panda et al. 2018): research use; audio belongs to its owners",
        "protocol": "cross-validation: labelled folds (column 'fold'), artist-grouped, "
                    "normalisation statistics from the training folds only; final model "
                    "trained on all clips",
        "config": config.to_dict(),
        "optimiser": "AdamW, cosine learning-rate decay, gradient clipping 1.0",
        "loss": "cross-entropy (quadrant) + cross-entropy (octant) + 0.5 * MSE (valence, "
                "arousal)",
        "final_fit_seconds": round(trained.seconds, 1),
    }
    calibration = metrics.get("cross_validation", {}).get("calibration", {})
    info = save_bundle(trained, args.out, name=args.name, version=args.bundle_version,
                       training=training, metrics=metrics,
                       calibration={head: c["temperature"] for head, c in calibration.items()},
                       front_end=front_end)
    print(f"wrote {info.tag} to {args.out} ({time.perf_counter() - started:.0f} s)")
    return 0


def _training_config(args: argparse.Namespace) -> tuple[TrainConfig, str]:
    """A named candidate's configuration, or one built from the command's options."""
    if args.candidate:
        candidate = CANDIDATES[args.candidate]
        return candidate.config, candidate.front_end
    network = {"hidden": args.hidden, "pool": args.pool, "readout": args.readout,
               "bidirectional": args.bidirectional, "deltas": args.deltas,
               "clip_stats": args.clip_stats, "dropout": args.dropout}
    config = TrainConfig(epochs=args.epochs, learning_rate=args.learning_rate,
                         gain_db=args.gain_db, network=network)
    return config, args.front_end


TAIL_SECONDS = (2.0, 5.0, 10.0, 20.0)


def _candidates(names: list[str]) -> list[Candidate]:
    """Names were checked by the command line; 'all' means every candidate."""
    return list(CANDIDATES.values()) if "all" in names else [CANDIDATES[n] for n in names]


def _musicnn_probe(args: argparse.Namespace, cache_root: Path,
                   candidates: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The linear probe on musicnn clip means, once musicnn candidates have been run (their
    features are cached by then, so this costs no extraction)."""
    if not any(rows[0].get("front_end") == MUSICNN for rows in candidates.values()):
        return []
    data = load_dataset(args.labels, args.audio, FeatureCache(cache_root / "features", MUSICNN),
                        workers=args.workers, progress=_extraction_progress, limit=args.limit)
    return run_baseline(data, summary=clip_mean, c=PROBE_C)


def _extraction_progress(done: int, total: int, _path: str) -> None:
    if done % 100 == 0 or done == total:
        print(f"features: {done}/{total}", flush=True)


def _print(message: str) -> None:
    print(message, flush=True)


def run_experiment(args: argparse.Namespace, cache_root: Path, results: Path) -> int:
    """Run (or resume) the paper's grid and rewrite the report from everything stored."""
    cache = FeatureCache(cache_root / "features")
    data = load_dataset(args.labels, args.audio, cache, workers=args.workers,
                        progress=_extraction_progress, limit=args.limit)
    folds = args.folds or sorted(set(data.folds.tolist()))
    configs = [PaperConfig(c, h, loss, args.epochs, args.pool) for c in args.classes
               for loss in args.losses for h in args.hidden]
    if not args.report_only:
        spec = DataSpec(str(args.labels), str(args.audio), str(cache_root / "features"),
                        args.limit)
        run_grid([*configs, *_candidates(args.candidates)], spec, results, folds=folds,
                 workers=args.workers or 2, log=_print)
    command = ("ver-desktop experiment --audio AUDIO --labels LABELS "
               f"--epochs {args.epochs} --pool {args.pool}"
               + (f" --limit {args.limit}" if args.limit else "")
               + (f" --candidates {' '.join(args.candidates)}" if args.candidates else ""))
    args.report.parent.mkdir(parents=True, exist_ok=True)
    candidates = load_results(results, Candidate.section)
    write_report(load_results(results), run_baseline(data), args.report, epochs=args.epochs,
                 pool=args.pool, command=command, candidates=candidates,
                 tail_baselines={s: run_baseline(data, s) for s in TAIL_SECONDS},
                 probe=_musicnn_probe(args, cache_root, candidates))
    _print(f"wrote {args.report}")
    return 0
