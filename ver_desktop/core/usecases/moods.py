"""Which files' moods leave the app (issue 25), decided once for the command line and the
window: the files named (or every one in the library), each with the mood it shows (the
person's own tag wins), and those passed over with the reason in words."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from ver_desktop.core.library import Library
from ver_desktop.core.library.videos import VideoRow
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.moods import Mood, mood_of


@dataclass
class Chosen:
    """The files whose moods will be written, and those passed over (path, why)."""

    moods: list[tuple[str, Mood]] = field(default_factory=list)
    passed_over: list[tuple[str, str]] = field(default_factory=list)


def chosen_moods(library: Library, model: ModelKey,
                 paths: Sequence[str] = ()) -> Chosen:
    """The moods of the files at `paths` (as given; they must be in the library), else of
    every file in it. Passed over: no mood yet, a tag nobody checked on a file that is
    mostly speech, or a file no longer on the disk."""
    from ver_desktop.core.usecases import tags

    if paths:
        ids = [tags.video_of(library, path) for path in paths]
        found = library.rows(model, ids)
        rows = [found[i] for i in ids if i in found]
    else:
        rows = library.videos(model)
    chosen = Chosen()
    for row in rows:
        mood, why = mood_of(row), passed_over(row)
        if mood is None or why:
            chosen.passed_over.append((row.path, why))
        else:
            chosen.moods.append((row.path, mood))
    return chosen


def passed_over(row: VideoRow) -> str:
    """Why a file's mood is not written, in words; "" when it is."""
    if row.quadrant is None:
        return "it has no mood yet"
    if row.mostly_speech and not row.corrected:
        return "it is mostly speech, so its tag is unreliable (tag it yourself to write it)"
    if not os.path.isfile(row.path):
        return "the file is not on the disk"
    return ""
