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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ver_desktop.core.changes import Changes, Done

if TYPE_CHECKING:
    from ver_desktop.core.library import Library
    from ver_desktop.core.model_key import ModelKey

RECENT = 20  # agreement is told over the last this many tags


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

    def sentence(self) -> str:
        if not self.enabled:
            return "Learning from your tags is off: every file shows the model's own tag."
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
    raise NotImplementedError


def questions(library: Library, model: ModelKey, spread: float, *,
              count: int = RECENT) -> list[Question]:
    """The untagged, analysed, reliable (not mostly speech) files whose answer would teach
    the layer most (core/asking.py), the most teaching first."""
    raise NotImplementedError


def confirm(library: Library, model: ModelKey, video_ids: Sequence[int]) -> Changes:
    """"Yes, that's right": each file's shown tag (quadrant and octant) becomes the person's
    own, logged for agreement like any tag (it was right)."""
    raise NotImplementedError


def agreement(library: Library, model: ModelKey, *, last: int = RECENT) -> Agreement:
    raise NotImplementedError


def state(library: Library, model: ModelKey) -> LearningState:
    raise NotImplementedError


def set_enabled(library: Library, model: ModelKey, spread: float, *,
                enabled: bool) -> Done[LearningState]:
    """Learning on (the default) or off; the shown readings follow at once (relearn)."""
    raise NotImplementedError


def forget(library: Library, model: ModelKey, spread: float) -> Done[LearningState]:
    """Forget what it learned: later fits use only tags given after now; the tags stay."""
    raise NotImplementedError
