"""Fit and evaluate the "mostly speech" check of `ver_desktop.core.content`.

    python -m ver_desktop.training.content_check --music ../shared/data/4q \\
        --speech SPEECH_DIR [--workers 2]

Music: the 4Q clips (its artist-grouped folds). Speech: a folder of speech recordings, e.g.
made by `tools/speech/make_speech.sh` (espeak-ng voices; synthetic, so real-world speech
is not measured here). Prints cross-validated error rates and the constants to put in
content.py.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from ver_desktop.core.content import speech_cues
from ver_desktop.core.errors import MediaError
from ver_desktop.core.media import load_segment
from ver_desktop.training.dataset import read_labels


def cues_of(path: str) -> np.ndarray | None:
    try:
        segment = load_segment(path)
    except MediaError:
        return None
    return speech_cues(signal=segment.samples, rate=segment.rate)


def _all_cues(paths: list[str], workers: int) -> list[np.ndarray | None]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(cues_of, paths, chunksize=8))


def evaluate(x: np.ndarray, y: np.ndarray, folds: np.ndarray) -> tuple[float, float]:
    """Cross-validated false-alarm rate on music and detection rate on speech at 0.5."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    guess = np.zeros(len(y), bool)
    for fold in np.unique(folds):
        test = folds == fold
        scaler = StandardScaler().fit(x[~test])
        model = LogisticRegression(C=1.0).fit(scaler.transform(x[~test]), y[~test])
        guess[test] = model.predict_proba(scaler.transform(x[test]))[:, 1] >= 0.5
    return float(guess[y == 0].mean()), float(guess[y == 1].mean())


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--music", type=Path, required=True, help="4Q folder (labels.csv)")
    parser.add_argument("--speech", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    examples = read_labels(args.music / "labels.csv", args.music / "audio")
    speech = sorted(os.fspath(p) for p in args.speech.iterdir() if p.is_file())
    cues = _all_cues([os.fspath(e.path) for e in examples] + speech, args.workers)
    kept = [i for i, c in enumerate(cues) if c is not None]
    x = np.stack([c for c in cues if c is not None])
    y = np.array([int(i >= len(examples)) for i in kept])
    # Speech folds by utterance, so a recording and its noisy copy share a fold.
    utterance = [int(re.sub(r"\D", "", Path(p).stem) or 0) for p in speech]
    folds = np.array([examples[i].fold if i < len(examples)
                      else utterance[i - len(examples)] % 10 for i in kept])
    false_alarms, detected = evaluate(x, y, folds)
    print(f"{(y == 0).sum()} music clips, {(y == 1).sum()} speech recordings")
    print(f"10-fold cross-validation: music flagged as speech {false_alarms:.3f}, "
          f"speech flagged {detected:.3f}")
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=1.0).fit(scaler.transform(x), y)
    print("constants for ver_desktop/core/content.py:")
    print(f"CUE_MEAN = np.array({np.round(scaler.mean_, 5).tolist()})")
    print(f"CUE_SD = np.array({np.round(scaler.scale_, 5).tolist()})")
    print(f"WEIGHTS = np.array({np.round(model.coef_[0], 5).tolist()})")
    print(f"BIAS = {round(float(model.intercept_[0]), 5)}")


if __name__ == "__main__":
    main()
