"""`ver-desktop train`: features (cached), cross-validation, final fit, bundle."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ver_desktop.core.frontends import MUSICNN
from ver_desktop.training.baseline import PROBE_C, baseline_transfer, clip_mean, run_baseline
from ver_desktop.training.candidates import CANDIDATES, Candidate
from ver_desktop.training.dataset import Dataset, FeatureCache, load_dataset
from ver_desktop.training.experiment import (
    DataSpec,
    PaperConfig,
    load_results,
    load_transfer_results,
    run_grid,
    run_transfer,
)
from ver_desktop.training.export import save_bundle
from ver_desktop.training.fit import summarise
from ver_desktop.training.mix import mixed
from ver_desktop.training.model_card import front_end_milliseconds
from ver_desktop.training.report import transfer_section, write_report
from ver_desktop.training.requests import ExperimentRequest, TrainRequest
from ver_desktop.training.transfer import POINT_CANDIDATES, PointCandidate, run_candidate


def run_training(request: TrainRequest, cache_root: Path) -> int:
    """Cross-validate a point candidate on the labelled set, measure it on the transfer set
    if one is given, then train it on all labelled clips and write the bundle."""
    import torch

    # Small recurrent nets gain nothing from intra-op threads, and on a busy machine
    # spinning threads slow training down many times over.
    torch.set_num_threads(1)
    started = time.perf_counter()
    candidate = _point_candidate(request)
    data = _labelled(request.labels, request.audio, cache_root, candidate.front_end, request)
    if candidate.extras:
        assert request.extra_sets is not None  # TrainRequest.check
        data = mixed(data, [(_labelled(request.extra_sets / name / "labels.csv",
                                       request.extra_sets / name / "audio", cache_root,
                                       candidate.front_end, request), weight)
                            for name, weight in candidate.extras])
    transfer = (_labelled(request.transfer_labels, request.transfer_audio, cache_root,
                          candidate.front_end, request)
                if request.transfer_labels and request.transfer_audio else None)
    extra = int(np.sum(~data.is_main))
    print(f"{len(data.examples) - extra} labelled files"
          + (f" and {extra} from the extra sets" if candidate.extras else "")
          + f" with {candidate.front_end} features ({time.perf_counter() - started:.0f} s); "
          f"training {candidate.name}", flush=True)
    result, final = run_candidate(candidate, data, transfer,
                                  cross_validate=request.cross_validate)
    _print(_result_line(result))
    info = save_bundle(final, request.out, name=request.name, version=request.bundle_version,
                       spread=result["spread"], training=_training_record(request, candidate),
                       metrics=bundle_metrics(result), front_end=candidate.front_end,
                       extra={"role": request.role,
                              "front_end_ms": round(front_end_milliseconds(
                                  candidate.front_end), 1)})
    print(f"wrote {info.tag} to {request.out} ({time.perf_counter() - started:.0f} s)")
    return 0


# What the rendered MIDI sets are, for the bundle's record and the model card
EXTRA_SETS = {
    "emopia": "EMOPIA (1,078 pop-piano clips in 4 quadrants, MIDI rendered with fluidsynth)",
    "vgmidi": "VGMIDI (204 game-music phrases, valence and arousal signs, MIDI rendered with "
              "fluidsynth)",
}
EXTRA_TERMS = {
    "emopia": "EMOPIA (Hung et al. 2021): CC BY 4.0",
    "vgmidi": "VGMIDI (Ferreira & Whitehead 2019): research use, cite the authors",
}


def _point_candidate(request: TrainRequest) -> PointCandidate:
    """The named candidate, its epochs replaced when --epochs is given (quick trials)."""
    candidate = POINT_CANDIDATES[request.candidate]
    if request.epochs and candidate.network is not None:
        network = dataclasses.replace(candidate.network, epochs=request.epochs)
        return dataclasses.replace(candidate, network=network)
    return candidate


def _labelled(labels: Path, audio: Path, cache_root: Path, front_end: str,
              request: TrainRequest) -> Dataset:
    return load_dataset(labels, audio, FeatureCache(cache_root / "features", front_end),
                        workers=request.workers, progress=_extraction_progress,
                        limit=request.limit)


def _training_record(request: TrainRequest, candidate: PointCandidate) -> dict[str, Any]:
    extras = "".join(f" + {EXTRA_SETS[name]} (weight {weight:g})"
                     for name, weight in candidate.extras)
    return {
        "data": f"{request.labels.name} + {request.audio} (4Q set){extras}",
        "data_terms": "4Q set (Panda et al. 2018): research use; audio belongs to its owners"
                      + "".join(f"; {EXTRA_TERMS[name]}" for name, _ in candidate.extras),
        "protocol": "cross-validation: labelled folds (column 'fold'), artist-grouped, "
                    "normalisation statistics from the training folds only; final model "
                    "trained on all clips",
        "candidate": candidate.name,
        "summary": candidate.summary,
        "config": candidate.config,
        "objective": objective_of(candidate),
    }


def objective_of(candidate: PointCandidate) -> str:
    """What a candidate was trained to do, in a sentence."""
    if candidate.members:
        parts = [f"{m}: {objective_of(POINT_CANDIDATES[m])}" for m in candidate.members]
        return "the mean point of " + "; ".join(parts)
    sides = candidate.on_sides
    if candidate.linear is not None:
        if candidate.linear.loss == "joint":
            return ("one 4-class logistic regression on the labelled quadrant, each axis the "
                    "log-odds of its two sides, scaled onto the labels")
        return ("one logistic regression per axis on the labelled quadrant's side, its "
                "log-odds scaled onto the labels" if sides else
                "ridge regression of the (valence, arousal) point")
    return ("an LSTM trained with a logistic loss on the labelled quadrant's side of each "
            "axis, its log-odds scaled onto the labels; AdamW, cosine decay" if sides else
            "an LSTM trained on the squared error of the (valence, arousal) point plus a "
            "logistic loss on each axis's side; AdamW, cosine decay")


def bundle_metrics(result: dict[str, Any]) -> dict[str, Any]:
    """What a bundle records of its evaluation: per-fold scores, their summary, the
    transfer figures and how honest its confidence was."""
    metrics: dict[str, Any] = {"candidate": result["candidate"], "spread": result["spread"],
                               "spread_from": result["spread_from"]}
    if result["cv"]:
        metrics["cross_validation"] = {"per_fold": result["cv"],
                                       "summary": summarise(result["cv"]),
                                       "ece": round(result["cv_ece"], 4)}
    if "transfer" in result:
        metrics["transfer"] = {"data": "Grekow set (315 6-s clips, GTZAN genres, rated V/A)",
                               "scores": {k: round(v, 4) for k, v in result["transfer"].items()},
                               "ece": round(result["transfer_ece"], 4)}
    return metrics


def _result_line(result: dict[str, Any]) -> str:
    parts = []
    if result["cv"]:
        summary = summarise(result["cv"])
        parts.append(f"4Q cross-validation: quadrant F1 {summary['quadrant_macro_f1']['mean']:.3f}")
    if "transfer" in result:
        parts.append(f"transfer: quadrant F1 {result['transfer']['quadrant_macro_f1']:.3f}")
    return "; ".join(parts) or "trained (no evaluation)"


TAIL_SECONDS = (2.0, 5.0, 10.0, 20.0)


def _candidates(names: Sequence[str]) -> list[Candidate]:
    """Names were checked with the request (ExperimentRequest.check); 'all' means every
    candidate."""
    return list(CANDIDATES.values()) if "all" in names else [CANDIDATES[n] for n in names]


def _musicnn_probe(request: ExperimentRequest, cache_root: Path,
                   candidates: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The linear probe on musicnn clip means, once musicnn candidates have been run (their
    features are cached by then, so this costs no extraction)."""
    if not any(rows[0].get("front_end") == MUSICNN for rows in candidates.values()):
        return []
    data = load_dataset(request.labels, request.audio,
                        FeatureCache(cache_root / "features", MUSICNN), workers=request.workers,
                        progress=_extraction_progress, limit=request.limit)
    return run_baseline(data, summary=clip_mean, c=PROBE_C)


def _transfer_report(data: Dataset, transfer_data: Dataset, results: Path,
                     command: str) -> list[str]:
    """The transfer section, after storing the baseline's figures beside the candidates'
    (the selection rule compares with them)."""
    cv = run_baseline(data)
    transfer = baseline_transfer(data, transfer_data)
    stored = {"cv_quadrant_macro_f1": float(np.mean([f["quadrant_macro_f1"] for f in cv])),
              "transfer_quadrant_macro_f1": transfer["quadrant_macro_f1"], "cv": cv,
              "transfer": transfer}
    (results / "transfer-baseline.json").write_text(json.dumps(stored, indent=1) + "\n")
    rated = transfer_data.va.mean(axis=0)
    return transfer_section(load_transfer_results(results), cv, transfer, command,
                            (float(rated[0]), float(rated[1])))


def _extraction_progress(done: int, total: int, _path: str) -> None:
    if done % 100 == 0 or done == total:
        print(f"features: {done}/{total}", flush=True)


def _print(message: str) -> None:
    print(message, flush=True)


def run_experiment(request: ExperimentRequest, cache_root: Path, results: Path) -> int:
    """Run (or resume) the paper's grid and rewrite the report from everything stored."""
    cache = FeatureCache(cache_root / "features")
    data = load_dataset(request.labels, request.audio, cache, workers=request.workers,
                        progress=_extraction_progress, limit=request.limit)
    folds = list(request.folds) or sorted(set(data.folds.tolist()))
    configs = [PaperConfig(c, h, loss, request.epochs, request.pool) for c in request.classes
               for loss in request.losses for h in request.hidden]
    if not request.report_only:
        spec = DataSpec(str(request.labels), str(request.audio),
                        str(cache_root / "features"), request.limit)
        run_grid([*configs, *_candidates(request.candidates)], spec, results, folds=folds,
                 workers=request.workers or 2, log=_print)
    transfer_data = None
    if request.transfer_labels:
        transfer_spec = DataSpec(str(request.transfer_labels), str(request.transfer_audio),
                                 str(cache_root / "features"), request.limit)
        transfer_data = transfer_spec.load()
        names = list(POINT_CANDIDATES) if "all" in request.point_candidates \
            else request.point_candidates
        if names and not request.report_only:
            run_transfer(names, DataSpec(str(request.labels), str(request.audio),
                                         str(cache_root / "features"), request.limit),
                         transfer_spec, results, workers=request.workers or 2,
                         extras_root=request.extra_sets, log=_print)
    command = ("ver-desktop experiment --audio AUDIO --labels LABELS "
               f"--epochs {request.epochs} --pool {request.pool}"
               + (f" --limit {request.limit}" if request.limit else "")
               + (f" --candidates {' '.join(request.candidates)}"
                  if request.candidates else "")
               + (" --transfer-audio GREKOW_AUDIO --transfer-labels GREKOW_LABELS "
                  f"--point-candidates {' '.join(request.point_candidates) or 'all'}"
                  if transfer_data else "")
               + (" --extra-sets RENDERED_MIDI_SETS" if request.extra_sets else ""))
    request.report.parent.mkdir(parents=True, exist_ok=True)
    candidates = load_results(results, Candidate.section)
    transfer = _transfer_report(data, transfer_data, results, command) if transfer_data else []
    write_report(load_results(results), run_baseline(data), request.report,
                 epochs=request.epochs, pool=request.pool, command=command, candidates=candidates,
                 tail_baselines={s: run_baseline(data, s) for s in TAIL_SECONDS},
                 probe=_musicnn_probe(request, cache_root, candidates), transfer=transfer)
    _print(f"wrote {request.report}")
    return 0
