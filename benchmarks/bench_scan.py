"""Scan throughput against a decode-only baseline measured in the same run.

    .venv/bin/python benchmarks/bench_scan.py [--files 40] [--seconds 60] [--workers 2]
                                              [--repeats 2] [--model DIR] [--json out.json]

Generates music-like videos (mp4, mkv, webm, avi; seeded, not timed), then measures:
  1. decode-only: `load_segment` (exactly the decoding and segment choice a scan does) over
     the same files in the scan's own kind of worker pool, started cold as a scan starts it;
     in the same workers, the floor: a plain PyAV decode + resample of exactly the audio
     `load_segment` returned (one seek, one resampler, nothing else), and their ratio
     (target: load_segment at most 1.2x the plain decode), overall and per container; and
     a tighter floor that converts frames to mono as `load_segment` does (it skips the
     resampler for float audio already at 44.1 kHz), so that ratio is the cost of choosing;
  2. end to end: a real scan into a fresh SQLite library with the bundled model, and its
     ratio to (1) (target: at least 0.60);
  3. per-stage milliseconds per file, and the peak memory of the scan's parent and workers;
  4. our feature extractor against a librosa implementation of the same feature set.

Each run of (1) and (2) happens in a fresh process, so its peak-memory figures belong to it
alone (not to the file generation or to librosa); the two alternate `--repeats` times and
the best rate of each is kept (the machines are shared and noisy).
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_name] = "1"  # one core per measurement, before numpy loads

import argparse
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.fspath(REPO / "tests"))

import mediagen

from ver_desktop.core import media
from ver_desktop.core.bundle import load_classifier, read_bundle_info
from ver_desktop.core.features import FEATURE_NAMES, frame_features
from ver_desktop.core.library import Library
from ver_desktop.core.media import SAMPLE_RATE, load_segment
from ver_desktop.core.paths import bundled_model_dir
from ver_desktop.core.pool import spawn_pool
from ver_desktop.core.scan import Scanner

SUFFIXES = (".mp4", ".mkv", ".webm", ".avi")
TARGET_RATIO = 0.60
SEGMENT_TARGET = 1.2  # load_segment against the plain decode of the audio it returns
CLASSIFIER_THREADS = 2  # as the app loads it (cli/common.py)
FEATURE_CLIPS = 5
FEATURE_REPEATS = 3
# The librosa comparator: one shared STFT with our framing (50 ms Hamming frames, 50 % hop).
N_FFT, HOP, BAND_HZ, BRIGHT_HZ = 2205, 1102, 11_025.0, 1_500.0

T = TypeVar("T")


# -- generation (not timed) ------------------------------------------------------------------


def _generate_one(path: str, seconds: float, seed: int) -> str:
    audio = mediagen.music(seconds, seed=seed, tempo=80 + 5 * (seed % 12))
    return os.fspath(mediagen.write_media(path, audio))


def generate(folder: Path, files: int, seconds: float, workers: int) -> list[Path]:
    names = [os.fspath(folder / f"clip{i:03d}{SUFFIXES[i % len(SUFFIXES)]}")
             for i in range(files)]
    with _spawn_executor(workers) as pool:
        done = pool.map(_generate_one, names, [seconds] * files, range(files))
        return [Path(p) for p in done]


@contextmanager
def _spawn_executor(workers: int) -> Iterator[ProcessPoolExecutor]:
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield pool
    finally:
        pool.shutdown()


def isolated(function: Callable[..., T], *args: Any) -> T:
    """Run `function(*args)` in a fresh process, so that its resource usage is its own."""
    with _spawn_executor(1) as pool:
        return pool.submit(function, *args).result()


# -- the measured phases (each runs in a fresh process) --------------------------------------


@dataclass(frozen=True)
class DecodeRun:
    files_per_s: float
    seconds: float
    decode_ms_per_file: float  # wall time inside a worker, as the scan's decode stage counts
    plain_decode_ms_per_file: float  # the floor: decoding only the audio returned
    same_conversion_ms_per_file: float  # the floor with load_segment's own mono conversion
    ratio_by_container: dict[str, float]  # load_segment / plain decode, per file suffix
    decoded_audio_s_per_file: float  # probes plus the chosen window
    segment_s_per_file: float
    parent_peak_mb: float
    worker_peak_mb: float


@dataclass(frozen=True)
class ScanRun:
    files_per_s: float
    seconds: float
    analysed: int
    failed: int
    stage_ms_per_file: dict[str, float]
    classifier_load_s: float  # before the scan starts; not in its time
    parent_peak_mb: float
    worker_peak_mb: float


def decode_only(path: str) -> tuple[float, float, float, float, float]:
    """What a scan worker decodes for `path`, nothing else, and the plain decodes of the
    same audio: (wall s, decoded s, segment s, plain decode wall s, same-conversion s)."""
    started = time.perf_counter()
    segment = load_segment(path)
    wall = time.perf_counter() - started
    seconds = len(segment.samples) / segment.rate
    floors = []
    for same_conversion in (False, True):
        started = time.perf_counter()
        plain_decode(path, segment.start, seconds, same_conversion=same_conversion)
        floors.append(time.perf_counter() - started)
    return wall, segment.decoded_seconds, seconds, floors[0], floors[1]


def plain_decode(path: str, start: float, seconds: float, *,
                 same_conversion: bool = False) -> np.ndarray:
    """PyAV alone: seek to `start`, decode and resample to mono 44.1 kHz float until
    `seconds` are there (the same audio as the segment, without choosing it). With
    `same_conversion`, frames that `load_segment` converts without the resampler are
    converted the same way."""
    import av

    wanted = round(seconds * SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    have = 0
    with av.open(path) as container:
        stream = container.streams.audio[0]
        if start > 0 and stream.time_base is not None:
            container.seek(int(start / stream.time_base), stream=stream, backward=True)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        for frame in container.decode(stream):
            direct = media.direct_mono(frame) if same_conversion else None
            converted = [direct] if direct is not None else [
                out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
            chunks.extend(converted)
            have += sum(len(chunk) for chunk in converted)
            if have >= wanted:
                break
    return np.concatenate(chunks)[:wanted]


def measure_decode(paths: list[str], workers: int) -> DecodeRun:
    """The scan's own kind of pool, started cold as a scan starts it, decoding only."""
    started = time.perf_counter()
    pool = spawn_pool(workers)
    results = list(pool.map(decode_only, paths))
    seconds = time.perf_counter() - started
    pool.shutdown()
    wall, decoded, segment, plain, same = (float(np.mean(column))
                                           for column in zip(*results, strict=True))
    by_container: dict[str, list[float]] = {}
    for path, result in zip(paths, results, strict=True):
        by_container.setdefault(Path(path).suffix, []).append(result[0] / result[3])
    ratios = {suffix: float(np.mean(values)) for suffix, values in by_container.items()}
    return DecodeRun(len(paths) / seconds, seconds, 1000 * wall, 1000 * plain, 1000 * same,
                     ratios, decoded, segment, peak_mb(resource.RUSAGE_SELF),
                     peak_mb(resource.RUSAGE_CHILDREN))


def measure_scan(folder: str, data: str, model: str, workers: int) -> ScanRun:
    loading = time.perf_counter()
    classifier = load_classifier(model, threads=CLASSIFIER_THREADS)
    loaded = time.perf_counter() - loading
    library = Library.at(Path(data) / "library.sqlite3")
    summary = Scanner(library, classifier, workers=workers).scan([folder])
    files = summary.analysed + len(summary.failed)
    stages = {k: 1000 * v / max(files, 1) for k, v in summary.stage_seconds.items()}
    return ScanRun(files / summary.seconds, summary.seconds, summary.analysed,
                   len(summary.failed), stages, loaded,
                   peak_mb(resource.RUSAGE_SELF), peak_mb(resource.RUSAGE_CHILDREN))


def peak_mb(who: int) -> float:
    """Peak RSS in MB; for RUSAGE_CHILDREN, that of the largest child waited for."""
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


# -- features: ours against librosa ---------------------------------------------------------


def librosa_features(signal: np.ndarray, rate: int) -> np.ndarray:
    """The same per-frame set (FEATURE_NAMES order) with librosa and one shared STFT."""
    import librosa

    spectrum = np.abs(librosa.stft(signal, n_fft=N_FFT, hop_length=HOP, window="hamming",
                                   center=False))
    freqs_all = librosa.fft_frequencies(sr=rate, n_fft=N_FFT)
    band, freqs = spectrum[freqs_all <= BAND_HZ], freqs_all[freqs_all <= BAND_HZ]
    total = band.sum(axis=0) + 1e-10
    p = band / total
    centroid = librosa.feature.spectral_centroid(S=band, freq=freqs)
    spread = librosa.feature.spectral_bandwidth(S=band, freq=freqs, centroid=centroid)[0]
    deviation = (freqs[:, None] - centroid) / (spread + 1e-10)
    frames = librosa.util.frame(signal, frame_length=N_FFT, hop_length=HOP)
    columns = [
        centroid[0], spread, (p * deviation**3).sum(0), (p * deviation**4).sum(0),
        librosa.feature.spectral_flatness(S=band, amin=1e-10, power=1.0)[0],
        -(p * np.log(p + 1e-12)).sum(0) / np.log(band.shape[0]),
        librosa.feature.spectral_rolloff(S=band, freq=freqs, roll_percent=0.85)[0],
        librosa.feature.spectral_rolloff(S=band, freq=freqs, roll_percent=0.95)[0],
        band[freqs >= BRIGHT_HZ].sum(0) / total,
        (np.diff(band, axis=0) ** 2).sum(0) / ((band**2).sum(0) + 1e-10),
        np.r_[0.0, np.sqrt((np.diff(p, axis=1) ** 2).sum(0))],
        librosa.feature.zero_crossing_rate(signal, frame_length=N_FFT, hop_length=HOP,
                                           center=False)[0] * rate,
        np.sqrt((frames**2).mean(axis=0)),
    ]
    # The full spectrum: given S, librosa infers n_fft from its height. HTK mel scale with
    # area-normalised triangles, as ours.
    mel = librosa.feature.melspectrogram(S=spectrum, sr=rate, n_fft=N_FFT, n_mels=40, fmin=0.0,
                                         fmax=BAND_HZ, power=1.0, htk=True)
    mfcc = librosa.feature.mfcc(S=np.log10(mel + 1e-10), n_mfcc=14)[1:]
    return np.vstack([*columns, mfcc]).T


@dataclass(frozen=True)
class FeatureTimes:
    clips: int
    clip_seconds: float
    ours_ms: float
    librosa_ms: float
    librosa_over_ours: float
    ours_first_call_ms: float
    librosa_import_s: float  # lazy: its submodules load on first use
    librosa_first_call_s: float  # submodules load, numba compiles, caches fill
    min_feature_correlation: float  # ours against librosa, worst of the 26 features
    least_correlated: str


def time_features(segments: list[np.ndarray]) -> FeatureTimes:
    ours_first = _seconds(partial(frame_features, signal=segments[0], rate=SAMPLE_RATE))
    importing = time.perf_counter()
    import librosa  # noqa: F401  (timed apart from the first call)

    librosa_import = time.perf_counter() - importing
    librosa_first = _seconds(partial(librosa_features, segments[0], SAMPLE_RATE))
    ours, theirs = [], []
    for _ in range(FEATURE_REPEATS):  # interleaved, so both see the same machine
        for segment in segments:
            ours.append(_seconds(partial(frame_features, signal=segment, rate=SAMPLE_RATE)))
            theirs.append(_seconds(partial(librosa_features, segment, SAMPLE_RATE)))
    ours_ms, theirs_ms = 1000 * float(np.median(ours)), 1000 * float(np.median(theirs))
    worst, name = _agreement(segments[0])
    return FeatureTimes(len(segments), float(np.mean([len(s) for s in segments])) / SAMPLE_RATE,
                        ours_ms, theirs_ms, theirs_ms / ours_ms, 1000 * ours_first,
                        librosa_import, librosa_first, worst, name)


def _seconds(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _agreement(segment: np.ndarray) -> tuple[float, str]:
    """The lowest per-feature correlation between the two implementations, and its name."""
    ours = frame_features(signal=segment, rate=SAMPLE_RATE).astype(np.float64)
    theirs = librosa_features(segment, SAMPLE_RATE)
    correlations = [float(np.corrcoef(ours[:, i], theirs[:, i])[0, 1])
                    for i in range(len(FEATURE_NAMES))]
    worst = int(np.argmin(correlations))
    return correlations[worst], FEATURE_NAMES[worst]


class CpuWatch:
    """CPU time that other processes took on this machine while we measured (Linux)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.busy, self.own = _machine_busy_s(), _own_cpu_s()
        self.wall_s = self.other_cpu_s = 0.0

    def stop(self) -> None:
        self.wall_s = time.perf_counter() - self.started
        busy, own = _machine_busy_s() - self.busy, _own_cpu_s() - self.own
        self.other_cpu_s = max(0.0, busy - own)


def _machine_busy_s() -> float:
    """Non-idle CPU seconds of the whole machine since boot, from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    ticks = [int(x) for x in fields]
    idle = ticks[3] + ticks[4]  # idle, iowait
    busy = sum(ticks[:8]) - idle  # guest time is already inside user and nice
    return busy / os.sysconf("SC_CLK_TCK")


def _own_cpu_s() -> float:
    """User and system CPU of this process and of every descendant waited for."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


# -- driver ----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each file")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeats", type=int, default=2,
                        help="alternating decode-only/scan runs; the best of each is kept")
    parser.add_argument("--model", type=Path, default=bundled_model_dir(),
                        help="model bundle folder (default: the bundled model)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args()


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    folder = tmp / "videos"
    folder.mkdir()
    print(f"generating {args.files} files of {args.seconds:.0f} s ({', '.join(SUFFIXES)}), "
          "not timed...", flush=True)
    paths = [os.fspath(p) for p in generate(folder, args.files, args.seconds, args.workers)]
    decodes: list[DecodeRun] = []
    scans: list[ScanRun] = []
    others = CpuWatch()
    for i in range(args.repeats):
        print(f"run {i + 1}/{args.repeats}: decode-only, then scan...", flush=True)
        decodes.append(isolated(measure_decode, paths, args.workers))
        data = tmp / f"data{i}"
        data.mkdir()
        scans.append(isolated(measure_scan, os.fspath(folder), os.fspath(data),
                              os.fspath(args.model), args.workers))
    print("features: ours against librosa...", flush=True)
    segments = [load_segment(p).samples for p in paths[:FEATURE_CLIPS]]
    features = time_features(segments)
    others.stop()
    decode = max(decodes, key=lambda r: r.files_per_s)
    scan = max(scans, key=lambda r: r.files_per_s)
    ratio = scan.files_per_s / decode.files_per_s
    return {
        "files": args.files, "seconds_per_file": args.seconds, "workers": args.workers,
        "repeats": args.repeats, "cpu_count": os.cpu_count(),
        "other_cpu_s": others.other_cpu_s, "measured_wall_s": others.wall_s,
        "model": read_bundle_info(args.model).tag,
        "decode_only_files_per_s": decode.files_per_s,
        "end_to_end_files_per_s": scan.files_per_s,
        "end_to_end_over_decode_only": ratio,
        "target_ratio": TARGET_RATIO, "target_met": ratio >= TARGET_RATIO,
        "decode_best": asdict(decode), "scan_best": asdict(scan),
        "decode_runs": [asdict(r) for r in decodes], "scan_runs": [asdict(r) for r in scans],
        "features": asdict(features),
    }


def main() -> int:
    args = parse_args()
    if not (args.model / "bundle.json").is_file():
        print(f"no model bundle at {args.model}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        figures = run(args, Path(tmp))
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


# -- the table -------------------------------------------------------------------------------


def report(f: dict[str, Any]) -> None:
    decode, scan, feats = f["decode_best"], f["scan_best"], f["features"]
    met = "met" if f["target_met"] else "NOT met"
    per_file = scan["stage_ms_per_file"]

    def rates(runs: list[dict[str, Any]]) -> str:
        return ", ".join(f"{r['files_per_s']:.2f}" for r in runs)

    print(f"\n== scan benchmark: {f['files']} files x {f['seconds_per_file']:.0f} s, "
          f"{f['workers']} workers, {f['cpu_count']} CPUs, model {f['model']} ==")
    print(f"  other processes used {f['other_cpu_s']:.1f} CPU-s during the "
          f"{f['measured_wall_s']:.0f} s of measurements (well above 0: the figures are noisy)")
    print(f"{'throughput (best of ' + str(f['repeats']) + ')':<44}{'files/s':>10}   runs")
    print(f"  {'decode-only (load_segment, same windows)':<42}"
          f"{f['decode_only_files_per_s']:>10.2f}   {rates(f['decode_runs'])}")
    print(f"  {'end to end (Scanner.scan, fresh library)':<42}"
          f"{f['end_to_end_files_per_s']:>10.2f}   {rates(f['scan_runs'])}")
    print(f"  {'ratio end-to-end / decode-only':<42}{f['end_to_end_over_decode_only']:>10.2f}"
          f"   target >= {f['target_ratio']:.2f}: {met}")
    print(f"  {'analysed / failed':<42}{scan['analysed']:>6} / {scan['failed']}")
    print(f"{'per file, best scan':<44}{'ms':>10}")
    print(f"  {'decode + segment (worker wall)':<42}{per_file['decode']:>10.1f}"
          f"   decode-only run: {decode['decode_ms_per_file']:.1f} ms")
    print(f"  {'plain decode of the same audio (floor)':<42}"
          f"{decode['plain_decode_ms_per_file']:>10.1f}"
          f"   load_segment / plain: "
          f"{decode['decode_ms_per_file'] / decode['plain_decode_ms_per_file']:.2f}"
          f" (target <= {SEGMENT_TARGET:.1f})")
    print(f"  {'  per container':<42}{'':>10}   " + ", ".join(
        f"{suffix} {ratio:.2f}" for suffix, ratio in sorted(decode['ratio_by_container'].items())))
    print(f"  {'  floor, same mono conversion as ours':<42}"
          f"{decode['same_conversion_ms_per_file']:>10.1f}   load_segment / it: "
          f"{decode['decode_ms_per_file'] / decode['same_conversion_ms_per_file']:.2f}"
          " (the cost of choosing the window)")
    print(f"  {'features (worker wall)':<42}{per_file['features']:>10.1f}"
          f"   standalone, one core: {feats['ours_ms']:.1f} ms")
    print(f"  {'inference (parent wall)':<42}{per_file['inference']:>10.1f}")
    print(f"  {'database (parent wall)':<42}{per_file['database']:>10.1f}")
    print(f"  {'scan wall time per file':<42}{1000 / scan['files_per_s']:>10.1f}"
          f"   (x {f['workers']} workers = {1000 * f['workers'] / scan['files_per_s']:.0f}"
          " worker-ms available)")
    print(f"  {'audio decoded per file (probes + window)':<42}"
          f"{decode['decoded_audio_s_per_file']:>9.1f}s"
          f"   segment {decode['segment_s_per_file']:.1f} s")
    print(f"  {'classifier load (before the scan)':<42}{1000 * scan['classifier_load_s']:>10.1f}")
    print(f"{'peak RSS':<44}{'MB':>10}")
    print(f"  {'scan parent':<42}{scan['parent_peak_mb']:>10.0f}")
    print(f"  {'largest scan worker':<42}{scan['worker_peak_mb']:>10.0f}")
    print(f"  {'decode-only parent / largest worker':<42}"
          f"{decode['parent_peak_mb']:>10.0f} / {decode['worker_peak_mb']:.0f}")
    print(f"{'features per clip (' + format(feats['clip_seconds'], '.0f') + ' s), one core':<44}"
          f"{'ms':>10}   median of {FEATURE_REPEATS} x {feats['clips']} clips")
    print(f"  {'ver_desktop frame_features':<42}{feats['ours_ms']:>10.1f}"
          f"   first call {feats['ours_first_call_ms']:.1f} ms")
    print(f"  {'librosa (same set, shared STFT)':<42}{feats['librosa_ms']:>10.1f}"
          f"   import (lazy) {feats['librosa_import_s']:.2f} s, first call "
          f"{feats['librosa_first_call_s']:.2f} s")
    print(f"  {'ratio librosa / ours':<42}{feats['librosa_over_ours']:>10.2f}")
    print(f"  {'agreement: lowest per-feature correlation':<42}"
          f"{feats['min_feature_correlation']:>10.4f}   ({feats['least_correlated']})")


if __name__ == "__main__":
    raise SystemExit(main())
