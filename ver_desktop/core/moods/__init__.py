"""Moods that leave the app (issue 25): a file's mood as other tools will read it, written
into music files' own tags (filetags.py), into Kodi/Jellyfin NFO sidecars beside videos
(nfo.py) and into plain CSV/JSON tables (table.py).

`Mood` is what every writer writes: the person's own tag wins over the model's (a
`VideoRow` already says which is shown), in words and as numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from ver_desktop.core.labels import QUADRANT_NAMES
from ver_desktop.core.library.videos import VideoRow


@dataclass(frozen=True)
class Mood:
    """One file's mood as written out."""

    quadrant: str  # PV-PA, NV-PA, NV-NA, PV-NA
    words: str  # the quadrant in words: "calm, content"
    emotion: str | None  # the octant: happy, aroused, ... pleased
    valence: float | None  # from the neutral middle; None when not known
    arousal: float | None
    confidence: float | None  # 1.0 for a person's own tag
    by_person: bool  # the person's own tag (it wins everywhere)

    @property
    def text(self) -> str:
        """The single mood string for a tag field: "calm, content (pleased)"."""
        return f"{self.words} ({self.emotion})" if self.emotion else self.words


def mood_of(row: VideoRow) -> Mood | None:
    """The mood shown for `row` (the person's tag when there is one); None when the file has
    no tag yet (not analysed, failed, or no audio)."""
    if row.quadrant is None:
        return None
    return Mood(quadrant=row.quadrant, words=QUADRANT_NAMES[row.quadrant], emotion=row.octant,
                valence=row.valence, arousal=row.arousal, confidence=row.confidence,
                by_person=row.corrected)

