"""The bundled models as a person chooses between them: what each is for, how fast it is and
how often it was right, in plain words. Everything comes from each bundle's own
`bundle.json` (written by `ver-desktop train`, which measured the speed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ver_desktop.core import paths
from ver_desktop.core.bundle import read_bundle_info
from ver_desktop.core.errors import BundleError
from ver_desktop.core.text import count_of

# How a scan's time per file relates to the model's front end, from benchmarks/bench_scan.py
# on 2026-12-02 (2 cores, 2 workers, 60-s files, ver-musicnn 0.3.0; benchmarks/README.md):
DECODE_MS = 72.5  # load_segment per file in a worker: decoding and choosing the segment
SCAN_OVERHEAD = 1.74  # scan wall time x workers over (decode + front end alone): the two
#                       workers sharing the machine, inference and the database
CORES = 2  # the computer the words describe: a 2-core laptop


def scan_minutes(front_end_ms: float, songs: int = 1000) -> float:
    """Estimated minutes to scan `songs` songs on a `CORES`-core computer with a model whose
    front end takes `front_end_ms` per 30-s clip on one core."""
    return songs * (front_end_ms + DECODE_MS) * SCAN_OVERHEAD / CORES / 60_000


@dataclass(frozen=True)
class ModelSummary:
    name: str  # what `paths.model_dir` takes, e.g. "ver-musicnn"
    tag: str  # name@version
    role: str  # e.g. "accurate"; "" when the bundle does not say
    front_end_ms: float | None  # analysis time per 30 s of audio on one core
    heard_right: float | None  # share of unheard artists' songs put in the right quarter
    other_genres_right: float | None  # the same on music from other genres and listeners

    @property
    def minutes_per_thousand(self) -> float | None:
        return None if self.front_end_ms is None else scan_minutes(self.front_end_ms)

    @property
    def speed(self) -> str:
        minutes = self.minutes_per_thousand
        if minutes is None:
            return ""
        whole = round(minutes)  # at least 1: decoding alone takes over a minute
        return f"about {count_of(whole, 'minute')} for 1,000 songs on a " \
               f"{CORES}-core laptop"

    def describe(self) -> str:
        """Two lines: what it is for and how fast; how often it was right."""
        first = " · ".join(p for p in (self.role, self.speed) if p)
        right = [f"{round(share * 10)} in 10 {what}" for share, what in (
            (self.heard_right, "songs by artists it never heard"),
            (self.other_genres_right, "songs from other genres")) if share is not None]
        second = "Right quarter for " + " and ".join(right) if right else ""
        return "\n".join(line for line in (first, second) if line)


def bundled_model_summaries() -> list[ModelSummary]:
    summaries = []
    for name in paths.bundled_models():
        try:
            summaries.append(model_summary(name))
        except BundleError:
            continue  # a damaged bundle is refused when chosen, with its reason
    return summaries


def model_summary(name: str) -> ModelSummary:
    info = read_bundle_info(paths.model_dir(name))
    metrics = info.meta.get("metrics") or {}
    return ModelSummary(name=name, tag=info.tag, role=info.role,
                        front_end_ms=info.front_end_ms,
                        heard_right=_number(metrics, "cross_validation", "summary",
                                            "quadrant_accuracy", "mean"),
                        other_genres_right=_number(metrics, "transfer", "scores",
                                                   "quadrant_accuracy"))


def _number(meta: Any, *keys: str) -> float | None:
    for key in keys:
        if not isinstance(meta, dict) or key not in meta:
            return None
        meta = meta[key]
    return float(meta) if isinstance(meta, int | float) else None
