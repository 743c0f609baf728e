"""Emotion over time: the model's valence and arousal every 3 s over a file's whole audio,
and the file cut into stretches of one emotion.

Points. The audio is decoded once, block by block (`media.stream_audio`, bounded memory),
and every 3-s encoder patch is embedded: that is the whole cost, about 36 ms a patch on
one core. A point is the model's reading of one 30-s window made exactly as a scan makes
its segment's features: the window that starts at patch j takes patches j + spread(10, k)
(j, j+4 and j+9 for the default model, which reads 3 of a segment's 10 patches), so the
windows hop one patch (2.99 s) without a single extra encoder run. A point's time is its
window's middle. The stored points are the model's own; what is shown and cut into
stretches is smoothed by a 5-point moving average (about 6 s either way).

Stretches. Each smoothed point has a quadrant (the signs of valence and arousal). Runs of
one quadrant are stretches; while a stretch is shorter than `MIN_STRETCH_SECONDS` it is
merged into the neighbour whose mean point is nearer its own, and neighbours that end in
the same quadrant are joined. A boundary lies halfway between the last point of one
stretch and the first of the next; the first stretch starts at 0 and the last ends at the
end of the file. A stretch's point is the mean of its points, and its quadrant and octant
are read off that point, so all four agree as they do for a file's tag. Refining a
boundary (see `_refined`) never makes a stretch shorter than `MIN_STRETCH_SECONDS`.

Talk. The same decoded audio goes through the speech detector (speech.py): each 3-s patch
keeps its talk share (stored with the points, timeline format 2; format 1, from before,
has none and is worked out again because the cut's version changed). A patch is talk when
its share is at least `speech.TALK_MOMENT`. The file is first cut into runs of talk and
runs of the rest at patch edges, runs under `MIN_STRETCH_SECONDS` given to their
neighbours; a run of talk is one stretch marked `speech` (talk has no emotion the model
can read: its point is kept but not shown as one), the rest is cut by emotion as above.
"""

from __future__ import annotations

import itertools
import os
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from ver_desktop.core.bundle import NOT_FINITE
from ver_desktop.core.errors import ErrorKind, MediaError
from ver_desktop.core.extract import Failed
from ver_desktop.core.labels import octant_of, quadrant_of

WINDOW_PATCHES = 10  # a model window: 30 s, as a scan's segment
SMOOTH_POINTS = 5
MIN_STRETCH_SECONDS = 20.0
_SCALE = 1000.0  # stored points are int16 thousandths
_FORMAT = 2  # 1: points only; 2: points, then each patch's talk share (uint8 of 255)
_TALK_SCALE = 255.0


@dataclass(frozen=True)
class Embedded:
    """What a worker sends back: one embedding per 3-s patch of the whole audio."""

    path: str
    patches: np.ndarray  # (patches, features) float32
    patch_seconds: float
    duration: float  # seconds of audio decoded
    decode_seconds: float = 0.0
    embed_seconds: float = 0.0
    identity: tuple[int, int] | None = None  # the file's (size, mtime_ns) before reading
    talk: np.ndarray | None = None  # each patch's talk share (speech.py)


@dataclass(frozen=True)
class Stretch:
    start: float
    end: float
    quadrant: str
    octant: str
    valence: float
    arousal: float
    speech: bool = False  # a run of talk: no emotion to read (its point is kept, not shown)

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def to_json(self) -> dict[str, Any]:
        return {"start": round(self.start, 2), "end": round(self.end, 2),
                "quadrant": self.quadrant, "octant": self.octant,
                "valence": round(self.valence, 4), "arousal": round(self.arousal, 4),
                "speech": self.speech}


@dataclass(frozen=True)
class Timeline:
    """The model's points over one file: raw valence and arousal, `hop` seconds apart,
    the first at `first` seconds."""

    first: float
    hop: float
    duration: float
    valence: np.ndarray
    arousal: np.ndarray
    talk: np.ndarray | None = None  # each `hop`-long patch's talk share from 0 (None: unknown)

    def __len__(self) -> int:
        return len(self.valence)

    def times(self) -> np.ndarray:
        return self.first + self.hop * np.arange(len(self))

    def smoothed(self) -> tuple[np.ndarray, np.ndarray]:
        return smooth(self.valence), smooth(self.arousal)

    def talk_at(self, times: np.ndarray) -> np.ndarray:
        """The talk share of the patch at each of `times` (0 where unknown)."""
        if self.talk is None or not len(self.talk):
            return np.zeros(len(times), np.float32)
        index = np.clip((np.asarray(times) // self.hop).astype(np.int64), 0, len(self.talk) - 1)
        return self.talk[index]

    def points_json(self) -> list[dict[str, Any]]:
        valence, arousal = self.smoothed()
        talk = self.talk_at(self.times())
        return [{"t": round(float(t), 2), "valence": round(float(v), 4),
                 "arousal": round(float(a), 4), "quadrant": quadrant_of(float(v), float(a)),
                 "talk": round(float(k), 3)}
                for t, v, a, k in zip(self.times(), valence, arousal, talk, strict=True)]

    def to_bytes(self) -> bytes:
        """A few kilobytes per hour: int16 thousandths, then a byte of talk per patch,
        compressed."""
        pairs = np.stack([self.valence, self.arousal], axis=1) * _SCALE
        packed = np.clip(np.round(pairs), -32767, 32767).astype("<i2").tobytes()
        talk = np.zeros(0) if self.talk is None else np.asarray(self.talk, np.float64)
        talk_bytes = np.clip(np.round(talk * _TALK_SCALE), 0, 255).astype(np.uint8).tobytes()
        header = np.array([_FORMAT, self.first, self.hop, self.duration,
                           len(self) if self.talk is not None else -1], "<f8").tobytes()
        return header + zlib.compress(packed + talk_bytes, 9)

    @classmethod
    def from_bytes(cls, data: bytes) -> Timeline:
        """Reads format 2 and format 1 (no talk: `talk` is None)."""
        version = int(np.frombuffer(data[:8], "<f8")[0])
        if version not in (1, _FORMAT):
            raise ValueError(f"timeline format {version} is not one this version reads")
        head = 4 if version == 1 else 5
        _, first, hop, duration, *rest = np.frombuffer(data[:8 * head], "<f8")
        body = zlib.decompress(data[8 * head:])
        points = int(rest[0]) if rest and rest[0] >= 0 else len(body) // 4
        pairs = np.frombuffer(body[:points * 4], "<i2").reshape(-1, 2)
        values = pairs.astype(np.float32) / _SCALE
        talk = None
        if rest and rest[0] >= 0:
            talk = np.frombuffer(body[points * 4:], np.uint8).astype(np.float32) / _TALK_SCALE
        return cls(float(first), float(hop), float(duration), values[:, 0].copy(),
                   values[:, 1].copy(), talk)


def embed_whole(path: str, front_end: str) -> Embedded | Failed:
    """The worker's task: decode all of `path` and embed every patch (see the module's
    docstring). Failures come back as `Failed`, as a scan's do."""
    from ver_desktop.core import frontends
    from ver_desktop.core.encoder import HOP, MODEL_RATE, PATCH_FRAMES
    from ver_desktop.core.media import SAMPLE_RATE, stream_audio

    try:
        before = identity(path)
        # refuses a front end it cannot follow
        frontends.front_end(front_end).window_offsets(WINDOW_PATCHES)
        patch_seconds = PATCH_FRAMES * HOP / MODEL_RATE
        block = round(WINDOW_PATCHES * patch_seconds * SAMPLE_RATE)  # exactly 10 patches
        rows: list[np.ndarray] = []
        talk: list[np.ndarray] | None = []  # None: the speech detector cannot run here
        decoding = embedding = 0.0
        decoded = 0
        started = time.perf_counter()
        for samples in stream_audio(path, block):
            read = time.perf_counter()
            decoding += read - started
            decoded += len(samples)
            if len(samples) >= PATCH_FRAMES * HOP * SAMPLE_RATE / MODEL_RATE:
                rows.append(frontends.whole_patches(signal=samples, rate=SAMPLE_RATE))
                talk = _talk_of(talk, samples, patch_seconds, len(rows[-1]))
            started = time.perf_counter()
            embedding += started - read
        if not rows:
            raise MediaError(ErrorKind.TOO_SHORT, "under 3 s of audio: too short for a "
                             "timeline")
        patches = np.concatenate(rows)
        if not np.isfinite(patches).all():  # no timeline from numbers the model cannot read
            raise MediaError(ErrorKind.INTERNAL, "the sound gave values that are not finite "
                             "numbers, so it has no timeline")
        return Embedded(path, patches, patch_seconds, decoded / SAMPLE_RATE, decoding,
                        embedding, before, None if talk is None else np.concatenate(talk))
    except MediaError as exc:
        return Failed(path, exc.kind, exc.reason)
    except MemoryError:
        return Failed(path, ErrorKind.INTERNAL, "ran out of memory while reading the file")
    except ValueError as exc:
        return Failed(path, ErrorKind.INTERNAL, str(exc))
    except Exception as exc:  # a decoder surprise must cost one file, not the folder
        return Failed(path, ErrorKind.INTERNAL, f"unexpected error while reading: {exc!r}")


def _talk_of(talk: list[np.ndarray] | None, samples: np.ndarray, patch_seconds: float,
             patches: int) -> list[np.ndarray] | None:
    """`talk` with the talk share of each of this block's patches added; None from the
    first time the speech detector cannot run (the timeline is kept without talk)."""
    from ver_desktop.core import speech
    from ver_desktop.core.media import SAMPLE_RATE

    if talk is None:
        return None
    try:
        frames = speech.talk_frames(samples, SAMPLE_RATE)
    except (ImportError, OSError):
        return None
    return [*talk, speech.shares_per_span(frames, patch_seconds, patches)]


def identity(path: str) -> tuple[int, int] | None:
    """The file's (size, mtime_ns), as a scan records it; None when it cannot be read."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def unchanged(embedded: Embedded) -> bool:
    """Whether the file is still what was read (same size and mtime as before the read)."""
    return embedded.identity is not None and identity(embedded.path) == embedded.identity


def embed_task(front_end: str) -> partial[Embedded | Failed]:
    """The picklable worker task for a model that reads `front_end`."""
    return partial(embed_whole, front_end=front_end)


def windows(patches: np.ndarray, front_end: str) -> list[np.ndarray]:
    """The model's inputs for every window: one per patch start while a whole window fits,
    else one window over what there is (a short file, as a scan reads it)."""
    from ver_desktop.core import frontends

    reads = frontends.front_end(front_end)
    count = len(patches)
    if count >= WINDOW_PATCHES:
        offsets = reads.window_offsets(WINDOW_PATCHES)
        return [patches[j + offsets] for j in range(count - WINDOW_PATCHES + 1)]
    return [patches[reads.window_offsets(count)]]


def worked_out(embedded: Embedded, classifier: Any) -> tuple[Timeline, list[Stretch]] | Failed:
    """`read_timeline`, or why there is none: one bad file costs itself, never the queue
    or the folder it is in."""
    try:
        return read_timeline(embedded, classifier)
    except MediaError as exc:
        return Failed(embedded.path, exc.kind, exc.reason)
    except Exception as exc:
        return Failed(embedded.path, ErrorKind.INTERNAL,
                      f"unexpected error while working out its timeline: {exc!r}")


def read_timeline(embedded: Embedded, classifier: Any) -> tuple[Timeline, list[Stretch]]:
    """The model's point for every window of `embedded` (`classifier` is a bundle's), and
    the stretches cut from them (boundaries placed with each patch's own point). Raises
    MediaError when the model's numbers are not finite."""
    predictions = classifier.predict(windows(embedded.patches, classifier.front_end))
    span = min(len(embedded.patches), WINDOW_PATCHES) * embedded.patch_seconds
    timeline = Timeline(first=span / 2, hop=embedded.patch_seconds,
                        duration=max(embedded.duration, span),
                        valence=np.array([p.valence for p in predictions], np.float32),
                        arousal=np.array([p.arousal for p in predictions], np.float32),
                        talk=embedded.talk)
    alone = classifier.predict([patch[None] for patch in embedded.patches])
    if not all(p.finite for p in [*predictions, *alone]):
        raise MediaError(ErrorKind.INTERNAL, NOT_FINITE)
    patch_points = np.array([(p.valence, p.arousal) for p in alone], np.float64)
    valence, arousal = timeline.smoothed()
    stretches = cut(timeline.times(), valence, arousal, timeline.duration,
                    patch_points=patch_points, patch_seconds=embedded.patch_seconds,
                    talk=embedded.talk)
    return timeline, stretches


def smooth(values: np.ndarray, points: int = SMOOTH_POINTS) -> np.ndarray:
    """Moving average over `points` points; near the ends, over those there are."""
    count = len(values)
    if count < 2:
        return values.astype(np.float32)
    # Running sums, not np.convolve(mode="same"): that gives max(count, points) values,
    # so 2-4 points came back as 5.
    sums = np.concatenate([[0.0], np.cumsum(values.astype(np.float64))])
    index = np.arange(count)
    low = np.maximum(index - points // 2, 0)
    high = np.minimum(index + (points - 1) // 2 + 1, count)
    return ((sums[high] - sums[low]) / (high - low)).astype(np.float32)


@dataclass
class _Run:
    first: int  # point indices, inclusive
    last: int
    valence: float = 0.0
    arousal: float = 0.0


CUT_VERSION = 2  # raise when cut() draws stretches differently: stored timelines are recut
# 2: runs of talk are stretches of their own; refining keeps stretches of 20 s or more


def cut(times: np.ndarray, valence: np.ndarray, arousal: np.ndarray, duration: float,
        min_seconds: float = MIN_STRETCH_SECONDS, *,
        patch_points: np.ndarray | None = None, patch_seconds: float = 0.0,
        talk: np.ndarray | None = None) -> list[Stretch]:
    """Stretches (see the module's docstring): with `talk` (each patch's talk share), runs
    of talk first, the rest by emotion; with `patch_points` (the model's point for each
    patch alone), each emotion boundary is moved to the patch edge that best splits the
    patches around it between the two stretches' points."""
    if not len(times):
        return []
    found: list[Stretch] = []
    for start, end, is_talk in talk_runs(talk, patch_seconds, duration, min_seconds):
        inside = _inside(times, start, end)
        if is_talk:
            v, a = float(np.mean(valence[inside])), float(np.mean(arousal[inside]))
            found.append(Stretch(start, end, quadrant_of(v, a), octant_of(v, a), v, a,
                                 speech=True))
        else:
            found += _by_emotion(times[inside], valence[inside], arousal[inside], start, end,
                                 min_seconds, patch_points, patch_seconds)
    return found


def talk_runs(talk: np.ndarray | None, patch_seconds: float, duration: float,
              min_seconds: float = MIN_STRETCH_SECONDS) -> list[tuple[float, float, bool]]:
    """(start, end, is talk) of the runs of talk patches and of the rest, at patch edges,
    the first from 0 and the last to `duration`; a run under `min_seconds` joins its
    neighbours (the shortest first)."""
    from ver_desktop.core.speech import TALK_MOMENT

    if talk is None or not len(talk) or patch_seconds <= 0:
        return [(0.0, duration, False)]
    flags = np.asarray(talk) >= TALK_MOMENT
    runs: list[list[Any]] = []  # [first patch, last patch, flag]
    for i, flag in enumerate(flags):
        if runs and runs[-1][2] == flag:
            runs[-1][1] = i
        else:
            runs.append([i, i, bool(flag)])

    def bounds(k: int) -> tuple[float, float]:
        start = 0.0 if k == 0 else runs[k][0] * patch_seconds
        end = duration if k == len(runs) - 1 else (runs[k][1] + 1) * patch_seconds
        return start, max(start, end)

    while len(runs) > 1:
        spans = [end - start for start, end in (bounds(k) for k in range(len(runs)))]
        k = int(np.argmin(spans))
        if spans[k] >= min_seconds:
            break
        low, high = max(k - 1, 0), min(k + 1, len(runs) - 1)
        flag = runs[low][2] if low != k else runs[high][2]
        runs[low:high + 1] = [[runs[low][0], runs[high][1], flag]]
    return [(*bounds(k), runs[k][2]) for k in range(len(runs))]


def _inside(times: np.ndarray, start: float, end: float) -> np.ndarray:
    """The points within [start, end); the nearest one when none is."""
    inside = (times >= start) & (times < end)
    if not inside.any():
        gap = np.abs(times - (start + end) / 2)
        inside = gap == gap.min()
    return inside


def _by_emotion(times: np.ndarray, valence: np.ndarray, arousal: np.ndarray, start: float,
                end: float, min_seconds: float, patch_points: np.ndarray | None,
                patch_seconds: float) -> list[Stretch]:
    """Stretches of one quadrant between `start` and `end` (the points given lie there)."""
    runs = _joined([_Run(i, i) for i in range(len(times))], valence, arousal)
    while len(runs) > 1:
        spans = [e - s for s, e in (_bounds(r, times, start, end) for r in runs)]
        shortest = int(np.argmin(spans))
        if spans[shortest] >= min_seconds:
            break
        runs = _joined(_merged(runs, shortest), valence, arousal)
    edges = [_bounds(run, times, start, end)[0] for run in runs[1:]]
    if patch_points is not None and patch_seconds > 0:
        edges = _refined(edges, runs, patch_points, patch_seconds, (start, end), min_seconds)
    return _stretches([start, *edges, end], times, valence, arousal)


def _stretches(edges: list[float], times: np.ndarray, valence: np.ndarray,
               arousal: np.ndarray) -> list[Stretch]:
    """A stretch between each pair of edges, its point the mean of the points inside (the
    nearest point when none is), neighbours of one quadrant joined."""
    found: list[Stretch] = []
    for start, end in itertools.pairwise(edges):
        inside = _inside(times, start, end)
        v, a = float(np.mean(valence[inside])), float(np.mean(arousal[inside]))
        if found and found[-1].quadrant == quadrant_of(v, a):
            start = found.pop().start
            inside = (times >= start) & (times < end)
            v, a = float(np.mean(valence[inside])), float(np.mean(arousal[inside]))
        found.append(Stretch(start, end, quadrant_of(v, a), octant_of(v, a), v, a))
    return found


def _refined(edges: list[float], runs: list[_Run], patch_points: np.ndarray,
             patch_seconds: float, span: tuple[float, float],
             min_seconds: float = MIN_STRETCH_SECONDS) -> list[float]:
    """Each boundary moved, within half a window either way, to the patch edge k that
    minimises the squared distances of the patches before k to the earlier stretch's
    point plus those from k to the later one's; never so far that a stretch on either
    side gets shorter than `min_seconds` (a 20-s stretch moved 2 s became 18 s)."""
    reach = WINDOW_PATCHES * patch_seconds / 2
    moved: list[float] = []
    for i, edge in enumerate(edges):
        previous = moved[-1] if moved else span[0]
        following = edges[i + 1] if i + 1 < len(edges) else span[1]
        low = max(previous + min_seconds, edge - reach)
        high = min(following - min_seconds, edge + reach)
        first, last = int(np.ceil(low / patch_seconds)), int(np.floor(high / patch_seconds))
        last = min(last, len(patch_points))
        if last - first < 2:
            moved.append(edge)
            continue
        points = patch_points[first:last]
        before = np.array([runs[i].valence, runs[i].arousal])
        after = np.array([runs[i + 1].valence, runs[i + 1].arousal])
        to_before = np.concatenate([[0.0], np.cumsum(((points - before) ** 2).sum(axis=1))])
        to_after = np.concatenate([np.cumsum((((points - after) ** 2).sum(axis=1))[::-1])[::-1],
                                   [0.0]])
        split = int(np.argmin((to_before + to_after)[1:-1])) + 1  # at least a patch a side
        moved.append((first + split) * patch_seconds)
    return moved


def _measure(runs: list[_Run], valence: np.ndarray, arousal: np.ndarray) -> None:
    for run in runs:
        run.valence = float(np.mean(valence[run.first:run.last + 1]))
        run.arousal = float(np.mean(arousal[run.first:run.last + 1]))


def _joined(runs: list[_Run], valence: np.ndarray, arousal: np.ndarray) -> list[_Run]:
    """Neighbours whose mean points lie in one quadrant become one run."""
    _measure(runs, valence, arousal)
    joined = [runs[0]]
    for run in runs[1:]:
        last = joined[-1]
        if quadrant_of(last.valence, last.arousal) == quadrant_of(run.valence, run.arousal):
            joined[-1] = _Run(last.first, run.last)
            _measure(joined[-1:], valence, arousal)
        else:
            joined.append(run)
    return joined


def _merged(runs: list[_Run], index: int) -> list[_Run]:
    """`runs` with run `index` given to the neighbour whose mean point is nearer."""
    run = runs[index]
    neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(runs)]
    nearest = min(neighbours, key=lambda i: (runs[i].valence - run.valence) ** 2
                  + (runs[i].arousal - run.arousal) ** 2)
    low, high = sorted((index, nearest))
    merged = _Run(runs[low].first, runs[high].last)
    return [*runs[:low], merged, *runs[high + 1:]]


def _bounds(run: _Run, times: np.ndarray, first: float,
            last: float) -> tuple[float, float]:
    """A run's start and end in seconds: halfway to its neighbours' points, `first` and
    `last` (the span's ends) at the ends."""
    start = first if run.first == 0 else float(times[run.first - 1] + times[run.first]) / 2
    end = last if run.last == len(times) - 1 else float(
        times[run.last] + times[run.last + 1]) / 2
    return start, max(start, end)


def talk_summary(stretches: Sequence[Stretch]) -> str:
    """A file's sound in words, from its stretches: "mostly talk, with music from 1:10 to
    2:30", "music, with talk from 0:00 to 0:40", "talk throughout", "music throughout"
    ("" without stretches). What is not talk is called music: it is what the models read."""
    if not stretches:
        return ""
    spans: list[list[Any]] = []  # [start, end, is talk], neighbours of one kind joined
    for x in sorted(stretches, key=lambda x: x.start):
        if spans and spans[-1][2] == x.speech:
            spans[-1][1] = x.end
        else:
            spans.append([x.start, x.end, x.speech])
    talk = sum(end - start for start, end, is_talk in spans if is_talk)
    total = sum(end - start for start, end, _ in spans)
    mostly_talk = talk * 2 >= total
    major, minor = ("talk", "music") if mostly_talk else ("music", "talk")
    others = [(start, end) for start, end, is_talk in spans if is_talk != mostly_talk]
    if not others:
        return f"{major} throughout"
    head = "mostly talk" if mostly_talk else "music"
    return f"{head}, with {minor} {_spans_in_words(others)}"


def _spans_in_words(spans: list[tuple[float, float]]) -> str:
    from ver_desktop.core.text import clock

    said = [f"from {clock(start)} to {clock(end)}" for start, end in spans]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
