"""A person's own tag: for whole videos, for stretches of them, or cleared (back to the
model's). Called by the window's Tag menu and map (gui/main_window.py `correct`,
gui/stretch_actions.py `StretchActions.correct`) and by `tag PATH [--at MOMENT]`
(cli/tag.py). Each returns the Changes naming the files it touched."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ver_desktop.core.changes import Changes, Done
from ver_desktop.core.errors import AppError
from ver_desktop.core.library.tags import Point, dropped
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.text import clock

if TYPE_CHECKING:
    from ver_desktop.core.library import Library
    from ver_desktop.core.library.timelines import StoredStretch


class NotInLibrary(AppError):
    """A path the library does not hold."""


class NoTimeline(AppError):
    """A file whose emotion over time is not worked out yet, so it has no stretches."""


class PastTheEnd(AppError):
    """A moment after the end of the file's last stretch."""


def video_of(library: Library, path: str) -> int:
    """The library's id of the file at `path` (as given: relative to here, or absolute);
    raises NotInLibrary, naming it as given."""
    video_id = library.video_id(os.path.abspath(path))
    if video_id is None:
        raise NotInLibrary(f"{path} is not in the library; scan its folder first")
    return video_id


def tag_videos(library: Library, video_ids: Sequence[int], *, quadrant: str | None = None,
               octant: str | None = None, point: Point | None = None) -> Changes:
    """A person's emotion for these videos (an octant implies its quadrant); `point`:
    where they dropped it on the map, kept and shown there, its octant the tag (a tag
    without one forgets any point kept before); none of them: their own tag is cleared
    and the model's shows again. A tag is logged against what showed just before it
    (agreement, core/usecases/learning.py); the files' stretches follow their new tag.
    The personal layer learns from it when the caller relearns."""
    if quadrant is not None or octant is not None or point is not None:
        library.log_tags(video_ids, dropped(quadrant, octant, point)[0] or "")
    for video_id in video_ids:
        if quadrant is None and octant is None and point is None:
            library.clear_user_label(video_id)
        else:
            library.set_user_label(video_id, quadrant=quadrant, octant=octant, point=point)
    library.follow_files(video_ids)
    return Changes.of_rows(video_ids)


def clear_videos(library: Library, video_ids: Sequence[int]) -> Changes:
    """These videos show the model's tag again."""
    return tag_videos(library, video_ids)


def tag_stretches(library: Library, stretch_ids: Sequence[int], *,
                  quadrant: str | None = None, octant: str | None = None,
                  point: Point | None = None, video_ids: Iterable[int] = ()) -> Changes:
    """A person's emotion for these stretches only (none: back to the model's; `point`
    as for `tag_videos`); the files and their other stretches keep theirs. `video_ids`,
    the stretches' files when the caller knows them, are named in the Changes (else any
    file's may have changed)."""
    for stretch_id in stretch_ids:
        library.set_stretch_label(stretch_id, quadrant=quadrant, octant=octant, point=point)
    return Changes.of_rows(video_ids)


def stretch_at(library: Library, model: ModelKey, video_id: int, moment: float, *,
               path: str = "", said: str = "") -> StoredStretch:
    """The file's stretch that holds `moment` (seconds from its start). Raises NoTimeline
    or PastTheEnd, naming the file by `path` and the moment by `said` (as the person gave
    them)."""
    stored = library.timeline(video_id, model)
    if stored is None:
        raise NoTimeline(f"{path} has no emotion over time yet: run ver-desktop timeline "
                         "on it first")
    found = next((kept for kept in stored[1]
                  if kept.stretch.start <= moment < kept.stretch.end), None)
    if found is None:
        raise PastTheEnd(f"{said or clock(moment)} is past the end of {path}")
    return found


def tag_stretch_at(library: Library, model: ModelKey, video_id: int, moment: float, *,
                   quadrant: str | None = None, octant: str | None = None, path: str = "",
                   said: str = "") -> Done[StoredStretch]:
    """`tag PATH --at MOMENT`: tag the one stretch of the file at `moment` (neither tag:
    back to the model's); the file's other stretches and its own tag stay. The value is the
    stretch as it was found (its start and end say which one it was)."""
    found = stretch_at(library, model, video_id, moment, path=path, said=said)
    changes = tag_stretches(library, [found.id], quadrant=quadrant, octant=octant,
                            video_ids=[video_id])
    return Done(found, changes)
