"""Which files' moods leave the app (issue 25), decided once for the command line and the
window: the files named (or every one in the library), each with the mood it shows (the
person's own tag wins), and those passed over with the reason in words; then those moods
written (or previewed, or put back) into the files' own tags and NFO sidecars, with what
became of each file in plain words."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ver_desktop.core.library import Library
from ver_desktop.core.library.scans import Rewrite
from ver_desktop.core.library.videos import VideoRow
from ver_desktop.core.media import VIDEO_EXTENSIONS
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.moods import Mood, filetags, mood_of
from ver_desktop.core.moods import nfo as nfo_files
from ver_desktop.core.text import count_of


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


# -- writing the chosen moods out (the window's File > Write moods...) -----------------------

Job = Literal["preview", "write", "undo"]


@dataclass
class MoodsWritten:
    """What a preview, a write or an undo did, in plain words: a line per file, the counts,
    and `summary`, one paragraph for a person."""

    job: Job
    lines: list[str] = field(default_factory=list)
    done: int = 0  # written (or, in a preview, to be written; in an undo, put back)
    already: int = 0  # already so: nothing to change
    left_alone: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    passed_over: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    troubles: int = 0  # of those left alone, the ones that were not simply unfit (a file
    # changed meanwhile, read-only, unreadable, a failed write): a command exits non-zero
    changes: list[str] = field(default_factory=list)  # a preview's tags, key by key

    @property
    def summary(self) -> str:
        verb = {"preview": "would be written", "write": "written",
                "undo": "put back as they were"}[self.job]
        parts = [f"{count_of(self.done, 'file')} {verb}"]
        if self.already:
            parts.append(f"{count_of(self.already, 'file')} already so")
        if self.left_alone:
            parts.append(f"{count_of(len(self.left_alone), 'file')} left alone (each says "
                         "why in the list)")
        if self.passed_over:
            parts.append(f"{count_of(len(self.passed_over), 'file')} passed over (no mood "
                         "yet, mostly speech that nobody tagged, or not on the disk)")
        lead = "Nothing was written (a preview): " if self.job == "preview" else ""
        if self.job == "undo" and not (self.done or self.already or self.left_alone):
            return "There was nothing to put back: no moods have been written yet."
        return lead + "; ".join(parts) + "."


def tags_undo_folder(data_dir: Path) -> Path:
    """Where what each tag write replaced is kept (`write-tags` and the window alike)."""
    return data_dir / "undo" / "tags"


def nfo_undo_folder(data_dir: Path) -> Path:
    """Where the NFOs' earlier contents are kept (`write-nfo` and the window alike)."""
    return data_dir / "undo" / "nfo"


def takes_tags(path: str) -> bool:
    """Whether the file's own tags are for it: music (a format that takes none is said so
    when written) and MP4 videos."""
    suffix = os.path.splitext(path)[1].lower()
    return suffix in filetags.KINDS or suffix not in VIDEO_EXTENSIONS


def takes_nfo(path: str) -> bool:
    """Whether an NFO sidecar is for the file: videos only."""
    return os.path.splitext(path)[1].lower() in VIDEO_EXTENSIONS


def write_moods(library: Library, chosen: Chosen, data_dir: Path, *, tags: bool, nfo: bool,
                dry_run: bool) -> MoodsWritten:
    """Each chosen file's mood into its own tags (`tags`) and into an NFO beside it when it
    is a video (`nfo`); a dry run only plans. One file's trouble never stops the others.
    The library follows the files it rewrote, so the next scan keeps their tags."""
    result = MoodsWritten("preview" if dry_run else "write",
                          passed_over=list(chosen.passed_over))
    for path, why in chosen.passed_over:
        result.lines.append(f"{_name(path)} passed over: {why}")
    for path, mood in chosen.moods:
        wanted = [tags and takes_tags(path), nfo and takes_nfo(path)]
        if wanted[0]:
            # Only the tags changed, never the sound: the library takes the file's new
            # size and mtime at once (before the folder watcher's scan can look), so that
            # scan neither analyses it again nor forgets the stretches a person tagged.
            library.follow_rewrites(_tags_of(result, path, mood, data_dir, dry_run))
        if wanted[1]:
            _nfo_of(result, path, mood, data_dir, dry_run)
        if not any(wanted):
            why = _nothing_for(path, tags=tags, nfo=nfo)
            result.left_alone.append((path, why))
            result.lines.append(f"{_name(path)} left alone: {why}")
    return result


def _rewrite(path: str, outcome: filetags.Outcome) -> list[Rewrite]:
    """The library's record of a file our write or undo rewrote (none when it did not)."""
    if outcome.before is None or outcome.after is None:
        return []
    return [Rewrite(path, (outcome.before.size, outcome.before.mtime_ns),
                    (outcome.after.size, outcome.after.mtime_ns))]


def _nothing_for(path: str, *, tags: bool, nfo: bool) -> str:
    if not tags and not nfo:
        return "neither its own tags nor an NFO file was chosen"
    if takes_nfo(path):
        return ("a video of this kind takes no mood tags; choose NFO files to give it "
                "one beside it")
    return "NFO files are for videos; choose its own tags to write its mood"


def _tags_of(result: MoodsWritten, path: str, mood: Mood, data_dir: Path,
             dry_run: bool) -> list[Rewrite]:
    """Write (or preview) one file's tags; the file's rewrite, when it was rewritten."""
    planned = filetags.plan(path, mood)
    if dry_run:
        if planned.refusal is not None:
            _count(result, path, planned.refusal.status, planned.refusal.message)
        elif planned.up_to_date:
            _count(result, path, "up to date", planned.lines()[0])
        else:
            _count(result, path, "written",
                   f"would write {mood.text} into {_name(path)}'s own tags")
            result.changes += planned.lines()
        return []
    outcome = filetags.write(planned, tags_undo_folder(data_dir))
    _count(result, path, outcome.status, outcome.message)
    return _rewrite(path, outcome)


def _nfo_of(result: MoodsWritten, path: str, mood: Mood, data_dir: Path,
            dry_run: bool) -> None:
    change = nfo_files.plan(path, mood)
    if not dry_run:
        change = nfo_files.write(change, nfo_undo_folder(data_dir))
    words = _short(change.words, change.nfo)
    if dry_run and change.outcome in ("new", "updated"):
        words = f"would write {words}"
    _count(result, path, _NFO_STATUS.get(change.outcome, "refused"), words)


_NFO_STATUS = {"new": "written", "updated": "written", "same": "up to date",
               "undone": "undone"}  # an NFO's outcome as the filetags status it amounts to


def _count(result: MoodsWritten, path: str, status: str, words: str) -> None:
    """One file's outcome (a filetags status, or an NFO's mapped onto one) counted and
    said."""
    result.lines.append(words)
    if status in ("written", "undone"):
        result.done += 1
    elif status == "up to date":
        result.already += 1
    else:
        result.left_alone.append((path, words))
        result.troubles += status != "not taggable"


def undo_moods(library: Library, data_dir: Path, *, tags: bool = True, nfo: bool = True,
               videos: Sequence[str] = ()) -> MoodsWritten:
    """Put back every earlier write: the files' tags (newest first), then the NFOs (only
    those of `videos` when some are named)."""
    result = MoodsWritten("undo")
    for entry in filetags.undo_entries(tags_undo_folder(data_dir)) if tags else []:
        outcome = filetags.undo(entry)
        _count(result, os.fspath(outcome.path), outcome.status, outcome.message)
        library.follow_rewrites(_rewrite(os.fspath(outcome.path), outcome))
    folder = nfo_undo_folder(data_dir)
    changes = ([] if not nfo else nfo_files.undo_all(folder) if not videos else
               [nfo_files.undo(nfo_files.nfo_path(os.path.abspath(v)), folder) for v in videos])
    for change in changes:
        _count(result, change.nfo, _NFO_STATUS.get(change.outcome, "refused"),
               _short(change.words, change.nfo))
    return result


def _name(path: str) -> str:
    return os.path.basename(path)


def _short(words: str, nfo: str) -> str:
    """An NFO's sentence with the file's name for its whole path (the lines name files)."""
    return words.replace(nfo, _name(nfo), 1)
