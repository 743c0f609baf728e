"""What a use case changed, so a front end refreshes what shows it and nothing else.

Every use case in core returns one of these (in the spirit of Anki's `OpChanges`); the
window's application state announces it and each view decides whether it cares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    videos: bool = False  # videos came or went (rows, counts, map points)
    tags: bool = False  # a video's or a stretch's emotion changed (by a scan or a person)
    playlists: bool = False  # a playlist was made, renamed, reordered, filled or deleted
    timelines: bool = False  # emotion over time was stored (new stretches)
    folders: bool = False  # the library's folders changed (what is watched)
    model: bool = False  # the app tags with another model now
    video_ids: frozenset[int] = field(default_factory=frozenset)  # the rows that changed,
    # when known (empty: any row may have changed)

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{name: getattr(self, name) or getattr(other, name)
                          for name in ("videos", "tags", "playlists", "timelines", "folders",
                                       "model")},
                       video_ids=self.video_ids | other.video_ids)

    def __bool__(self) -> bool:
        return any((self.videos, self.tags, self.playlists, self.timelines, self.folders,
                    self.model))

    @classmethod
    def of_rows(cls, ids: Iterable[int], *, tags: bool = True) -> Changes:
        """The tags of these rows changed."""
        return cls(tags=tags, video_ids=frozenset(ids))


NOTHING = Changes()


@dataclass(frozen=True)
class Done(Generic[T]):
    """A use case's result (a count, a new playlist) and what it changed."""

    value: T
    changes: Changes
