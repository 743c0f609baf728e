"""A file's emotion over time, worked out and kept: one implementation for the window's
background job (gui/timelines.py, `TimelineJob`: `work_out` in the job's thread, then
`keep` on the database writer) and for the command line's `timeline PATH`
(cli/timeline.py: `timeline_of`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ver_desktop.core.changes import NOTHING, Changes, Done
from ver_desktop.core.extract import Failed
from ver_desktop.core.library.timelines import CHANGED, NotKept
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.timeline import (
    Embedded,
    Stretch,
    Timeline,
    embed_whole,
    unchanged,
    worked_out,
)

if TYPE_CHECKING:
    from ver_desktop.core.bundle import Classifier
    from ver_desktop.core.library import Library


@dataclass(frozen=True)
class Worked:
    """A timeline worked out from what was read, not kept yet."""

    embedded: Embedded
    timeline: Timeline
    stretches: list[Stretch]


@dataclass(frozen=True)
class FileTimeline:
    """A file's timeline and its stretches (as everyone sees them: a person's tag wins)."""

    timeline: Timeline
    stretches: list[Stretch]


def model_of(classifier: Classifier) -> ModelKey:
    """The key a classifier's timelines, tags and stretches are kept under."""
    return ModelKey(classifier.info.name, classifier.info.version)


def work_out(outcome: Embedded | Failed, classifier: Classifier) -> Worked | Failed:
    """The timeline of what a worker read, or why there is none: one bad file costs
    itself, never the queue or the folder it is in."""
    if isinstance(outcome, Failed):
        return outcome
    worked = worked_out(outcome, classifier)
    if isinstance(worked, Failed):
        return worked
    return Worked(outcome, *worked)


def keep(library: Library, model: ModelKey, video_id: int,
         worked: Worked) -> Done[NotKept | None]:
    """Keep a worked-out timeline for the file `video_id`, unless the file changed since
    it was read (or the library knows it as another, or the read fell short): then nothing
    is written and the value says why (`NotKept.retry`: the file's next scan brings it
    back). Runs on the one database writer."""
    if not unchanged(worked.embedded):  # replaced while read: what was read is no one file
        return Done(CHANGED, NOTHING)
    not_kept = library.store_timeline(video_id, model, worked.timeline, worked.stretches,
                                      identity=worked.embedded.identity)
    if not_kept is not None:
        return Done(not_kept, NOTHING)
    return Done(None, Changes(timelines=True, video_ids=frozenset({video_id})))


def timeline_of(library: Library, classifier: Classifier,
                path: str) -> Done[FileTimeline | str]:
    """`timeline PATH`: the library's timeline of the file, else one worked out now (and
    kept, for a file in the library), else why there is none, in words."""
    model = model_of(classifier)
    video_id = library.video_id(path)
    stored = library.timeline(video_id, model) if video_id is not None else None
    if stored is not None:
        return Done(FileTimeline(stored[0], [kept.stretch for kept in stored[1]]), NOTHING)
    worked = work_out(embed_whole(path, classifier.front_end), classifier)
    if isinstance(worked, Failed):
        return Done(worked.reason, NOTHING)
    found = FileTimeline(worked.timeline, worked.stretches)
    if video_id is None:  # not in the library: shown, not kept, if still what was read
        return Done(found if unchanged(worked.embedded) else CHANGED.reason, NOTHING)
    kept = keep(library, model, video_id, worked)
    if kept.value is not None:
        return Done(kept.value.reason, NOTHING)
    stored = library.timeline(video_id, model)  # as shown: following its file's tag
    if stored is not None:
        found = FileTimeline(stored[0], [k.stretch for k in stored[1]])
    return Done(found, kept.changes)
