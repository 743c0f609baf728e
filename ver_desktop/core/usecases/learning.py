"""It learns from you: the personal layer (core/personal.py) fitted from a library's tags
and laid over every file's and stretch's shown reading. Called by the window (after each
tag, by the Help it learn view, by Settings) and by the command line (`tag`, `ask`,
`agreement`, `learning`).

One rule for what shows: the analyses' reading columns (valence, arousal, quadrant,
octant, confidence, probabilities) hold the SHOWN reading, the model's own point is kept
in `own_valence`/`own_arousal`, and a person's tag wins over both (browse.py's effective_*).
`relearn` refits the layer from the tags and rewrites the shown readings; with learning
off or nothing learned, shown == own. Stretches follow their file: each stretch's shown
point is its own point moved by its file's shift (the file's effective point, a person's
tag included, minus the model's own), and a file's single stretch IS the file (its tag).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.special import ndtr

from ver_desktop.core import asking, personal
from ver_desktop.core.bundle import Prediction
from ver_desktop.core.changes import NOTHING, Changes, Done
from ver_desktop.core.emotion_point import octant_probabilities
from ver_desktop.core.labels import OCTANTS, QUADRANTS, octant_of, quadrant_of
from ver_desktop.core.library.learning_store import AnalysedFile, Rewrite
from ver_desktop.core.usecases import tags

if TYPE_CHECKING:
    from ver_desktop.core.library import Library
    from ver_desktop.core.model_key import ModelKey

# The fit learns from this many of the latest tags: its cost grows with the cube of the
# count (benchmarks/bench_learning.py: 0.7 s at 200 tags, 7 s at 1,000 on 2 cores), and a
# person's latest word is the one to follow.
MOST_TAGS = 300
RECENT = 20  # agreement is told over the last this many tags
SAMPLE = 20_000  # embeddings the layer's standardisation is fitted on, at most
NAMED = 2_000  # a relearn that moves more files than this says "any row may have changed"
# A shown point or confidence that moves less is not rewritten (what is stored stays one
# reading read off one point, only a little older): a refit moves every file a little
TOLERANCE = 2e-3


@dataclass(frozen=True)
class Question:
    """A file "ask me" offers: the more it would teach, the higher its `score`."""

    video_id: int
    path: str
    name: str
    quadrant: str  # what it shows now
    octant: str
    confidence: float
    score: float

    def to_json(self) -> dict[str, Any]:
        from ver_desktop.core.library.schema import display_text

        return {"id": self.video_id, "path": display_text(self.path), "name": self.name,
                "quadrant": self.quadrant, "octant": self.octant,
                "confidence": round(self.confidence, 4), "score": round(self.score, 6)}


@dataclass(frozen=True)
class Agreement:
    """How often what showed was what the person then said, over their last tags: each tag
    scored against the shown tag just before it (the layer as it was, never after it had
    learned that tag), and against the model's own tag."""

    scored: int  # tags counted (at most RECENT)
    learned_right: int  # the shown tag (with learning) had the person's quarter
    model_right: int  # the model's own tag had it
    total: int  # every tag ever logged

    def sentence(self) -> str:
        if self.scored == 0:
            return "No tags yet: each tag you give is checked against what it showed."
        return (f"Of your last {self.scored} tags it had {self.learned_right} right; "
                f"before learning, {self.model_right}.")

    def to_json(self) -> dict[str, Any]:
        return {"scored": self.scored, "learned_right": self.learned_right,
                "model_right": self.model_right, "total": self.total,
                "sentence": self.sentence()}


@dataclass(frozen=True)
class LearningState:
    enabled: bool
    tags: int  # tags the layer learns from (after the last "forget")
    adjusted: int  # files whose shown tag differs from the model's own
    without_embedding: int  # analysed files it cannot adjust until their embedding is made
    forgotten: bool = False  # a person asked it to forget what it had learned

    def sentence(self) -> str:
        if not self.enabled:
            return "Learning from your tags is off: every file shows the model's own tag."
        if self.tags == 0 and self.without_embedding:
            return (f"It learns from your tags once {self.without_embedding} files are "
                    "prepared for it.")
        if self.tags == 0 and self.forgotten:
            return ("It forgot what it had learned (your tags stay); it learns again from "
                    "your next tags: none yet.")
        if self.tags == 0:
            return "It learns from your tags: none yet."
        text = (f"Learned from {self.tags} of your tags; {self.adjusted} files show a tag "
                "adjusted to yours.")
        if self.without_embedding:
            text += f" {self.without_embedding} files are still being prepared for it."
        return text

    def to_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "tags": self.tags, "adjusted": self.adjusted,
                "without_embedding": self.without_embedding, "sentence": self.sentence()}


def relearn(library: Library, model: ModelKey, spread: float) -> Changes:
    """Refit the layer from the library's tags (if learning is on) and rewrite every file's
    and stretch's shown reading; Changes names every file whose shown tag moved."""
    return _relayed(library, model, _fitted(library, model, spread), spread,
                    library.analysed_files(model))


def after_scan(library: Library, model: ModelKey, spread: float,
               video_ids: Sequence[int] | None = None) -> Changes:
    """A scan stored new analyses (their own readings) of `video_ids` (None: any file):
    while the layer has learned something, they show adjusted readings at once. Costs
    nothing when it has not, and only those files' reading when it has."""
    settings = library.learning_settings(model)
    if not settings.enabled or not library.count_learning_tags(model, settings.forgotten_at):
        return NOTHING
    if video_ids is None:
        return relearn(library, model, spread)
    return _relayed(library, model, _fitted(library, model, spread), spread,
                    library.analysed_files_of(model, video_ids))


def _relayed(library: Library, model: ModelKey, layer: personal.Layer, spread: float,
             analysed: Iterable[list[AnalysedFile]]) -> Changes:
    """Lay `layer` over these files' readings and their stretches."""
    rewritten: list[int] = []
    for files in analysed:
        rewritten += library.rewrite_readings(_rewrites(layer, files, spread))
    moved = library.follow_files(rewritten, model) if rewritten else set()
    changed = set(rewritten) | moved
    if not changed:
        return NOTHING
    library.mark_relearned(model)
    if len(changed) > NAMED:
        return Changes(tags=True)
    return Changes.of_rows(changed)


def questions(library: Library, model: ModelKey, spread: float, *,
              count: int = RECENT) -> list[Question]:
    """The untagged, analysed, reliable (not mostly speech) files whose answer would teach
    the layer most (core/asking.py), the most teaching first."""
    layer = _fitted(library, model, spread, prior=True)
    best: list[tuple[float, int, int]] = []  # (score, -position, video id): a min-heap
    position = 0
    for files in library.analysed_files(model, askable=True):
        usable = [f for f in files if _usable(layer, f)]
        if not usable:
            continue
        embeddings = _embeddings(usable)
        own = np.array([f.own for f in usable])
        scores = asking.teaching_scores(layer, embeddings, own)
        for file, score in zip(usable, scores, strict=True):
            position += 1
            if math.isfinite(score):
                item = (float(score), -position, file.video_id)
                (heapq.heappush if len(best) < count else heapq.heappushpop)(best, item)
    ranked = sorted(best, reverse=True)
    rows = library.rows(model, [video_id for _, _, video_id in ranked])
    return [Question(video_id, rows[video_id].path, rows[video_id].name,
                     rows[video_id].quadrant or "", rows[video_id].octant or "",
                     rows[video_id].confidence or 0.0, score)
            for score, _, video_id in ranked if video_id in rows]


def confirm(library: Library, model: ModelKey, video_ids: Sequence[int]) -> Changes:
    """"Yes, that's right": each file's shown tag (quadrant and octant) becomes the person's
    own, logged for agreement like any tag (it was right). A file the person had tagged
    keeps its point where it shows (one they dropped on the map stays there)."""
    changes = NOTHING
    rows = library.rows(model, video_ids)
    for video_id in dict.fromkeys(video_ids):
        row = rows.get(video_id)
        if row is None or row.octant is None:
            continue
        if row.corrected and row.valence is not None and row.arousal is not None:
            point = (row.valence, row.arousal)
            changes |= tags.tag_videos(library, [video_id], point=point)
        else:
            changes |= tags.tag_videos(library, [video_id], octant=row.octant)
    return changes


def agreement(library: Library, model: ModelKey, *, last: int = RECENT) -> Agreement:
    entries = library.tag_log(model, last)
    return Agreement(scored=len(entries),
                     learned_right=sum(e.shown_quadrant == e.quadrant for e in entries),
                     model_right=sum(e.own_quadrant == e.quadrant for e in entries),
                     total=library.count_tag_log(model))


def state(library: Library, model: ModelKey) -> LearningState:
    settings = library.learning_settings(model)
    return LearningState(enabled=settings.enabled,
                         tags=library.count_learning_tags(model, settings.forgotten_at),
                         adjusted=library.count_adjusted(model),
                         without_embedding=library.count_without_embedding(model),
                         forgotten=settings.forgotten_at is not None)


def set_enabled(library: Library, model: ModelKey, spread: float, *,
                enabled: bool) -> Done[LearningState]:
    """Learning on (the default) or off; the shown readings follow at once (relearn)."""
    library.set_learning_settings(model, enabled=enabled)
    changes = relearn(library, model, spread)
    return Done(state(library, model), changes)


def forget(library: Library, model: ModelKey, spread: float) -> Done[LearningState]:
    """Forget what it learned: later fits use only tags given after now; the tags stay."""
    library.set_learning_settings(model, forget=True)
    changes = relearn(library, model, spread)
    return Done(state(library, model), changes)


# -- the layer, fitted from what the library holds -------------------------------------------


def _fitted(library: Library, model: ModelKey, spread: float, *,
            prior: bool = False) -> personal.Layer:
    """The layer the library's tags give (the empty one when learning is off or nothing
    was tagged). With `prior`, a layer with no tags still knows the library's embeddings,
    so it can say which files are unlike the rest (ask me before any tag)."""
    settings = library.learning_settings(model)
    tagged = (library.learning_tags(model, settings.forgotten_at, latest=MOST_TAGS)
              if settings.enabled else [])
    if not (tagged or prior):
        return personal.empty_layer(spread)
    everyone = library.embedding_sample(model, SAMPLE)
    size = _common_size([len(t.embedding) for t in tagged] or [len(e) for e in everyone])
    if size is None:  # no file is prepared yet: the shipped model, as it is
        return personal.empty_layer(spread)
    library_sample = _stacked([e for e in everyone if len(e) == size])
    keep = [t for t in tagged if len(t.embedding) == size]
    if not keep:
        if not len(library_sample):
            return personal.empty_layer(spread)
        return personal.prior_layer(library_sample, spread)
    sides = np.array([personal.tag_sides(t.quadrant, t.octant) for t in keep])
    return personal.fit_layer(_stacked([t.embedding for t in keep]),
                              np.array([t.own for t in keep]), sides, spread=spread,
                              library=library_sample)


def _common_size(sizes: list[int]) -> int | None:
    """The embedding size most files have (a library read by one front end has one)."""
    return Counter(sizes).most_common(1)[0][0] if sizes else None


def _usable(layer: personal.Layer, file: AnalysedFile) -> bool:
    """A file the layer can adjust: its embedding has the size the layer was fitted on."""
    if file.embedding is None:
        return False
    standardise = layer.standardise
    return standardise is None or len(file.embedding) // 2 == len(standardise.mean)


def _rewrites(layer: personal.Layer, files: list[AnalysedFile], spread: float
              ) -> list[Rewrite]:
    """The files whose shown reading the layer moves (files without a usable embedding
    show their own reading). Which ones is decided on arrays (point, quadrant, octant and
    confidence, the last a product of per-axis chances for an isotropic normal), so only
    those are read off in full."""
    points = np.array([f.own for f in files], np.float64).reshape(-1, 2)
    spreads = np.full(len(files), spread)
    usable = [i for i, f in enumerate(files) if layer.standardise is not None
              and _usable(layer, f)]
    if usable:
        adjusted = layer.adjust(_embeddings([files[i] for i in usable]), points[usable])
        points[usable], spreads[usable] = adjusted.points, adjusted.spreads
    moved = np.flatnonzero(_moved(files, points, spreads))
    return [Rewrite(files[i], p) for i, p in zip(
        moved, readings(points[moved], spreads[moved]), strict=True) if p.finite]


def _embeddings(files: Sequence[AnalysedFile]) -> np.ndarray:
    return _stacked([f.embedding or b"" for f in files])


def _stacked(packed: Sequence[bytes]) -> np.ndarray:
    """Packed embeddings (personal.pack, all of one size) as one (n, d) float32 array."""
    if not packed:
        return np.zeros((0, 0), np.float32)
    data = b"".join(packed)
    return np.frombuffer(data, personal.EMBEDDING_DTYPE).astype(np.float32).reshape(
        len(packed), -1)


def _moved(files: Sequence[AnalysedFile], points: np.ndarray, spreads: np.ndarray
           ) -> np.ndarray:
    """(n,) whether each file's shown reading must be rewritten."""
    stored = np.array([(f.valence, f.arousal, f.confidence) for f in files]).reshape(-1, 3)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = (ndtr(np.abs(points[:, 0]) / spreads)
                      * ndtr(np.abs(points[:, 1]) / spreads))
        angle = np.degrees(np.arctan2(points[:, 1], points[:, 0])) % 360.0
        octant = np.nan_to_num(np.minimum(angle // 45.0, 7)).astype(int)
    # quadrant_of's rule on arrays: zero counts as positive
    quadrant = np.where(points[:, 0] >= 0, np.where(points[:, 1] >= 0, 0, 3),
                        np.where(points[:, 1] >= 0, 1, 2))
    was = np.array([(f.quadrant, f.octant) for f in files], dtype=object).reshape(-1, 2)
    retag = ((np.array(QUADRANTS, dtype=object)[quadrant] != was[:, 0])
             | (np.array(OCTANTS, dtype=object)[octant] != was[:, 1])
             | ~np.isfinite(points).all(axis=1))
    unguarded = np.array([f.stored_own is None for f in files], bool)
    return (retag | unguarded
            | (np.abs(points - stored[:, :2]).max(axis=1, initial=0.0) > TOLERANCE)
            | (np.abs(confidence - stored[:, 2]) > TOLERANCE))


def readings(points: np.ndarray, spreads: np.ndarray) -> list[Prediction]:
    """`bundle.prediction_at` for many points at once, each with its own spread (the same
    construction: the point rounded, then the sectors' masses of a normal distribution
    around it; a normal of spread s around p has the sectors' masses of a unit one around
    p / s)."""
    points = np.asarray(points, np.float64).reshape(-1, 2)
    rounded = np.array([[round(float(v), 6), round(float(a), 6)] for v, a in points]
                       ).reshape(-1, 2)
    finite = np.isfinite(rounded).all(axis=1)
    octants = np.full((len(points), 8), np.nan)
    if finite.any():
        scaled = rounded[finite] / np.asarray(spreads, np.float64)[finite, None]
        octants[finite] = octant_probabilities(scaled, spread=1.0)
    quadrants = np.round(octants.reshape(-1, 4, 2).sum(axis=2), 6).tolist()
    out = []
    for (v, a), q_probs, o_probs, ok in zip(rounded.tolist(), quadrants,
                                            np.round(octants, 6).tolist(), finite, strict=True):
        out.append(Prediction(
            quadrant_of(v, a) if ok else QUADRANTS[0], octant_of(v, a) if ok else OCTANTS[0],
            dict(zip(QUADRANTS, q_probs, strict=True)), dict(zip(OCTANTS, o_probs, strict=True)),
            v, a))
    return out
