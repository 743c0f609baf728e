"""Scan throughput against a decode-only baseline measured in the same run.

    .venv/bin/python benchmarks/bench_scan.py [--files 40] [--seconds 60] [--workers 2]

Generates music-like videos (mp4, mkv, webm, avi; not timed), then measures:
  1. decode-only: `load_segment` (the decoding and segment choice a scan does) over the same
     files in the scan's own kind of worker pool, started cold as a scan starts it, files/s;
  2. end to end: a real scan into a fresh SQLite library with the bundled model, files/s,
     and its ratio to (1) (target: at least 0.60);
  3. per-stage milliseconds per file, peak memory of the parent and of the workers;
  4. our feature extractor against a librosa implementation of the same feature set.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one core per measurement, before numpy loads

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.fspath(REPO / "tests"))

import mediagen

from ver_desktop.core.bundle import load_classifier
from ver_desktop.core.features import frame_features
from ver_desktop.core.library import Library
from ver_desktop.core.media import load_segment
from ver_desktop.core.paths import bundled_model_dir
from ver_desktop.core.pool import spawn_pool
from ver_desktop.core.scan import Scanner

SUFFIXES = (".mp4", ".mkv", ".webm", ".avi")
TARGET_RATIO = 0.60


def generate(folder: Path, files: int, seconds: float) -> list[Path]:
    paths = []
    for i in range(files):
        audio = mediagen.music(seconds, seed=i, tempo=80 + 5 * (i % 12))
        paths.append(mediagen.write_media(folder / f"clip{i:03d}{SUFFIXES[i % 4]}", audio))
    return paths


def decode_only(path: str) -> int:
    return len(load_segment(path).samples)


def decode_rate(paths: list[Path], workers: int) -> float:
    """The scan's own kind of pool, started cold as a scan starts it, decoding only."""
    started = time.perf_counter()
    pool = spawn_pool(workers)
    list(pool.map(decode_only, map(os.fspath, paths)))
    seconds = time.perf_counter() - started
    pool.shutdown()
    return len(paths) / seconds


def scan_rate(folder: Path, workers: int, data: Path) -> tuple[float, dict[str, float], int]:
    library = Library.at(data / "library.sqlite3")
    scanner = Scanner(library, load_classifier(bundled_model_dir(), threads=1), workers=workers)
    summary = scanner.scan([os.fspath(folder)])
    files = summary.analysed + len(summary.failed)
    stages = {k: 1000 * v / max(files, 1) for k, v in summary.stage_seconds.items()}
    return files / summary.seconds, stages, len(summary.failed)


def librosa_features(signal: np.ndarray, rate: int) -> np.ndarray:
    """The same per-frame set with librosa's functions and one shared STFT."""
    import librosa

    n_fft, hop = 2205, 1102
    spectrum = np.abs(librosa.stft(signal, n_fft=n_fft, hop_length=hop, window="hamming",
                                   center=False))
    band = spectrum[: int(11_025 / (rate / n_fft)) + 1]
    freqs = np.arange(band.shape[0]) * rate / n_fft
    total = band.sum(axis=0) + 1e-10
    p = band / total
    centroid = librosa.feature.spectral_centroid(S=band, freq=freqs)[0]
    spread = librosa.feature.spectral_bandwidth(S=band, freq=freqs, centroid=centroid[None])[0]
    deviation = (freqs[:, None] - centroid) / (spread + 1e-10)
    frames = librosa.util.frame(signal, frame_length=n_fft, hop_length=hop)
    columns = [
        centroid, spread, (p * deviation**3).sum(0), (p * deviation**4).sum(0),
        librosa.feature.spectral_flatness(S=band, amin=1e-10, power=1.0)[0],
        -(p * np.log(p + 1e-12)).sum(0) / np.log(band.shape[0]),
        librosa.feature.spectral_rolloff(S=band, freq=freqs, roll_percent=0.85)[0],
        librosa.feature.spectral_rolloff(S=band, freq=freqs, roll_percent=0.95)[0],
        band[freqs >= 1500].sum(0) / total,
        (np.diff(band, axis=0) ** 2).sum(0) / ((band**2).sum(0) + 1e-10),
        np.r_[0.0, np.sqrt((np.diff(p, axis=1) ** 2).sum(0))],
        librosa.feature.zero_crossing_rate(signal, frame_length=n_fft, hop_length=hop,
                                           center=False)[0] * rate,
        np.sqrt((frames**2).mean(axis=0)),
    ]
    mel = librosa.feature.melspectrogram(S=band, sr=rate, n_fft=n_fft, n_mels=40, fmax=11_025,
                                         power=1.0)
    mfcc = librosa.feature.mfcc(S=np.log10(mel + 1e-10), n_mfcc=14)[1:]
    length = min(len(c) for c in columns)
    return np.vstack([np.asarray(c)[:length] for c in columns] + [mfcc[:, :length]]).T


def time_features(segments: list[np.ndarray], repeats: int = 3) -> dict[str, float]:
    started = time.perf_counter()
    librosa_features(segments[0], 44_100)
    first_librosa = time.perf_counter() - started
    ours = _median_ms(lambda s: frame_features(signal=s, rate=44_100), segments, repeats)
    theirs = _median_ms(lambda s: librosa_features(s, 44_100), segments, repeats)
    return {"ours_ms": ours, "librosa_ms": theirs, "librosa_over_ours": theirs / ours,
            "librosa_first_call_s": first_librosa}


def _median_ms(function: Any, segments: list[np.ndarray], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        for segment in segments:
            started = time.perf_counter()
            function(segment)
            times.append(time.perf_counter() - started)
    return 1000 * float(np.median(times))


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "videos"
        folder.mkdir()
        print(f"generating {args.files} files of {args.seconds:.0f} s "
              f"({', '.join(SUFFIXES)})...", flush=True)
        paths = generate(folder, args.files, args.seconds)
        decode = decode_rate(paths, args.workers)
        end_to_end, stages, failed = scan_rate(folder, args.workers, Path(tmp) / "data")
        segments = [load_segment(p).samples for p in paths[:5]]
    features = time_features(segments)
    figures = {
        "files": args.files, "seconds_per_file": args.seconds, "workers": args.workers,
        "decode_only_files_per_s": decode, "end_to_end_files_per_s": end_to_end,
        "end_to_end_over_decode_only": end_to_end / decode, "failed": failed,
        "stage_ms_per_file": stages,
        "parent_peak_rss_mb": peak_mb(resource.RUSAGE_SELF),
        "workers_peak_rss_mb": peak_mb(resource.RUSAGE_CHILDREN),
        "features": features,
    }
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def report(f: dict[str, Any]) -> None:
    ratio = f["end_to_end_over_decode_only"]
    met = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(f"\n{f['files']} files x {f['seconds_per_file']:.0f} s, {f['workers']} workers")
    print(f"  decode-only (same windows)   {f['decode_only_files_per_s']:8.1f} files/s")
    print(f"  end to end (scan)            {f['end_to_end_files_per_s']:8.1f} files/s")
    print(f"  ratio end-to-end/decode-only {ratio:8.2f}   (target >= {TARGET_RATIO}: {met})")
    print("  per file (decode and features: worker CPU; inference and database: parent):")
    for stage, ms in f["stage_ms_per_file"].items():
        print(f"    {stage:<10} {ms:8.1f} ms")
    print(f"  peak RSS: parent {f['parent_peak_rss_mb']:.0f} MB, "
          f"largest worker {f['workers_peak_rss_mb']:.0f} MB")
    feats = f["features"]
    print("  features per 30-s clip, one core:")
    print(f"    ver_desktop  {feats['ours_ms']:8.1f} ms")
    print(f"    librosa      {feats['librosa_ms']:8.1f} ms   "
          f"({feats['librosa_over_ours']:.1f}x ours; "
          f"first call {feats['librosa_first_call_s']:.1f} s)")


if __name__ == "__main__":
    raise SystemExit(main())
