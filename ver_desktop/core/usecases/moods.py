"""Moods leaving the app (issue 25), decided once for the command line and the window: the
files named (or every one in the library), each with the mood it shows (the person's own
tag wins), and those passed over with the reason in words; then those moods written (or
previewed, or put back) into the files' own tags and NFO sidecars, with what became of each
file in plain words; and the library as a CSV or JSON table, with a person's tags read back
from one."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ver_desktop.core.changes import Changes
from ver_desktop.core.library import Library, VideoFilter
from ver_desktop.core.library.scans import Rewrite
from ver_desktop.core.library.schema import VideoStatus
from ver_desktop.core.library.videos import VideoRow
from ver_desktop.core.media import VIDEO_EXTENSIONS
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.moods import Mood, filetags, mood_of
from ver_desktop.core.moods import nfo as nfo_files
from ver_desktop.core.moods.table import (
    ImportPlan,
    apply_tags,
    library_rows,
    read_tags,
    write_table,
)
from ver_desktop.core.text import count_of


@dataclass
class Chosen:
    """The files whose moods will be written, and those passed over (path, why)."""

    moods: list[tuple[str, Mood]] = field(default_factory=list)
    passed_over: list[tuple[str, str]] = field(default_factory=list)
    named: bool = False  # the person named these files (not the whole library)


def chosen_moods(library: Library, model: ModelKey,
                 paths: Sequence[str] = ()) -> Chosen:
    """The moods of the files at `paths` (as given; they must be in the library), else of
    every file in it (a folder among `paths`: every file under it). Passed over: no mood
    yet, a tag nobody checked on a file that is mostly speech, or a file no longer on the
    disk."""
    rows = _rows_at(library, model, paths) if paths else library.videos(model)
    chosen = Chosen(named=bool(paths))
    for row in rows:
        mood, why = mood_of(row), passed_over(row)
        if mood is None or why:
            chosen.passed_over.append((row.path, why))
        else:
            chosen.moods.append((row.path, mood))
    return chosen


def _rows_at(library: Library, model: ModelKey, paths: Sequence[str]) -> list[VideoRow]:
    """The library's rows of `paths`, in order and once each: a file as named, a folder
    every file under it (NotInLibrary for a file the library does not hold)."""
    from ver_desktop.core.usecases import tags

    rows: dict[int, VideoRow] = {}
    for path in paths:
        if os.path.isdir(path):
            inside = VideoFilter(folder=os.path.abspath(path), include_talk=True)
            rows.update((row.id, row) for row in library.videos(model, inside))
        else:
            video_id = tags.video_of(library, path)
            rows.update(library.rows(model, [video_id]))
    return list(rows.values())


def passed_over(row: VideoRow) -> str:
    """Why a file's mood is not written, in words; "" when it is."""
    if row.quadrant is None:
        if row.status == VideoStatus.FAILED:
            return f"it could not be analysed ({row.error_reason or 'no reason was given'})"
        if row.status == VideoStatus.MISSING:
            return "the file is not on the disk"
        return "it is not analysed yet"
    if row.mostly_speech and not row.corrected:
        return "it is mostly speech, so its tag is unreliable (tag it yourself to write it)"
    if not os.path.isfile(row.path):
        return "the file is not on the disk"
    return ""


# -- writing the chosen moods out (the window's File > Write moods...) -----------------------

Job = Literal["preview", "write", "undo", "undo preview"]
Progress = Callable[[int, int], None]  # (files done, files in all), after each file
ShouldStop = Callable[[], bool]  # asked between files: stop when it says so

# The order of a result's lines: what was (or would be) done first, then what needs the
# person's eye, then what was already so, and what was not for this write last.
DONE, TROUBLE, ALREADY, UNFIT, PASSED = range(5)


@dataclass
class MoodsWritten:
    """What a preview, a write or an undo did, in plain words: a line per file (`lines`),
    the counts, and `summary`, one paragraph for a person."""

    job: Job
    said: list[tuple[int, str]] = field(default_factory=list)  # (rank, line)
    # Files are counted once, by name without suffix, however many of their writes (own
    # tags, NFO; a file written twice is put back twice) went the same way.
    done_files: set[str] = field(default_factory=set)  # written (or to be; or put back)
    already_files: set[str] = field(default_factory=set)  # already up to date
    left_alone: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    passed_over: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    unfit: list[tuple[str, str]] = field(default_factory=list)  # not of a kind for it
    troubles: int = 0  # of those left alone, the ones that were not simply unfit (a file
    # changed meanwhile, read-only, unreadable, a failed write): a command exits non-zero
    changes: list[str] = field(default_factory=list)  # a preview's tags, key by key
    stopped: bool = False  # stopped by the person before the last file

    @property
    def done(self) -> int:
        return len(self.done_files)

    @property
    def already(self) -> int:
        """Files with nothing to change (one also written another way counts as written)."""
        return len(self.already_files - self.done_files)

    @property
    def lines(self) -> list[str]:
        return [text for _rank, text in sorted(self.said, key=lambda said: said[0])]

    def say(self, rank: int, text: str) -> None:
        self.said.append((rank, text))

    @property
    def summary(self) -> str:
        if self.job in ("undo", "undo preview") and not (
                self.done or self.already or self.left_alone or self.stopped):
            return "There was nothing to put back: no moods have been written there yet."
        back = "put back as it was" if self.done == 1 else "put back as they were"
        verb = {"preview": "would be written", "write": "written", "undo": back,
                "undo preview": f"would be {back}"}[self.job]
        parts = [f"{count_of(self.done, 'file')} {verb}"]
        if self.already:
            parts.append(f"{count_of(self.already, 'file')} already up to date")
        if self.left_alone:
            alone = len({_file_key(path) for path, _why in self.left_alone})
            parts.append(f"{count_of(alone, 'file')} left alone (each says why in the "
                         "list)")
        if self.unfit:
            parts.append(f"{count_of(len(self.unfit), 'file')} not of a kind for what was "
                         "chosen (NFO files are for videos; some videos take no tags)")
        if self.passed_over:
            reasons = {why for _path, why in self.passed_over}
            why = (f": {reasons.pop()}" if len(reasons) == 1 else " (not analysed, mostly "
                   "speech nobody tagged, or not on the disk; each says why in the list)")
            parts.append(f"{count_of(len(self.passed_over), 'file')} passed over{why}")
        lead = {"preview": "Nothing was written (a preview): ", "write": "", "undo": "",
                "undo preview": "Nothing was changed (a preview): "}[self.job]
        if self.stopped:
            lead = "Stopped before the end: " + lead[:1].lower() + lead[1:]
        return lead + "; ".join(parts) + "."


def tags_undo_folder(data_dir: Path) -> Path:
    """Where what each tag write replaced is kept (`write-tags` and the window alike)."""
    return data_dir / "undo" / "tags"


def nfo_undo_folder(data_dir: Path) -> Path:
    """Where the NFOs' earlier contents are kept (`write-nfo` and the window alike)."""
    return data_dir / "undo" / "nfo"


def takes_tags(path: str) -> bool:
    """Whether the file's own tags are for it: music (a format that takes none is said so
    when written) and MP4 and MKV videos."""
    suffix = os.path.splitext(path)[1].lower()
    return suffix in filetags.KINDS or suffix not in VIDEO_EXTENSIONS


def takes_nfo(path: str) -> bool:
    """Whether an NFO sidecar is for the file: videos only."""
    return os.path.splitext(path)[1].lower() in VIDEO_EXTENSIONS


@dataclass(frozen=True)
class Ways:
    """Where the moods go: the files' own tags, NFO files beside videos, and whether an
    NFO is made for a video that has none (Kodi then reads that video's details from it
    instead of looking it up online, so a film library may want only existing ones)."""

    tags: bool = True
    nfo: bool = True
    new_nfo: bool = True


def write_moods(library: Library, chosen: Chosen, data_dir: Path, ways: Ways, *,
                dry_run: bool, progress: Progress | None = None,
                should_stop: ShouldStop | None = None) -> MoodsWritten:
    """Each chosen file's mood into its own tags and into an NFO beside it when it is a
    video, as `ways` says; a dry run only plans. One file's trouble never stops the others;
    `should_stop` stops between files. The library follows each file it rewrote."""
    result = MoodsWritten("preview" if dry_run else "write",
                          passed_over=list(chosen.passed_over))
    for path, why in chosen.passed_over:
        result.say(PASSED, f"{_name(path)} passed over: {why}")
    for done, (path, mood) in enumerate(chosen.moods):
        if should_stop is not None and should_stop():
            result.stopped = True
            break
        wanted = [ways.tags and takes_tags(path), ways.nfo and takes_nfo(path)]
        if wanted[0]:
            # Only the tags changed, never the sound: the library takes the file's new
            # size and mtime at once (before the folder watcher's scan can look), so that
            # scan neither analyses it again nor forgets the stretches a person tagged.
            library.follow_rewrites(_tags_of(result, path, mood, data_dir, dry_run))
        if wanted[1]:
            _nfo_of(result, path, mood, data_dir, dry_run, ways.new_nfo)
        if not any(wanted):
            why = _nothing_for(path, ways)
            result.unfit.append((path, why))
            if chosen.named:  # the whole library's music is not listed file by file
                result.say(UNFIT, f"{_name(path)}: {why}")
        if progress is not None:
            progress(done + 1, len(chosen.moods))
    return result


def _rewrite(path: str, outcome: filetags.Outcome) -> list[Rewrite]:
    """The library's record of a file our write or undo rewrote (none when it did not)."""
    if outcome.before is None or outcome.after is None:
        return []
    return [Rewrite(path, (outcome.before.size, outcome.before.mtime_ns),
                    (outcome.after.size, outcome.after.mtime_ns))]


def _nothing_for(path: str, ways: Ways) -> str:
    if not ways.tags and not ways.nfo:
        return "neither its own tags nor an NFO file was chosen"
    if takes_nfo(path):
        return "a video of this kind takes no mood tags; an NFO file beside it can carry one"
    return "NFO files are for videos; a music file's mood goes into its own tags"


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
            _count(result, path, "written", f"would write {mood.text} into {_name(path)}'s "
                   f"own tags{_replacing(planned)}")
            result.changes += planned.lines()
        return []
    outcome = filetags.write(planned, tags_undo_folder(data_dir))
    _count(result, path, outcome.status, outcome.message)
    return _rewrite(path, outcome)


def _replacing(planned: filetags.Planned) -> str:
    """", replacing its mood “energetic”" when the file holds another mood already (set in
    another program, or an earlier write of ours)."""
    old = next((c.old for c in planned.changes if c.key == filetags.MOOD_KEY), None)
    return f", replacing its mood “{' / '.join(old)}”" if old else ""


def _nfo_of(result: MoodsWritten, path: str, mood: Mood, data_dir: Path, dry_run: bool,
            new_nfo: bool) -> None:
    change = nfo_files.plan(path, mood)
    if change.outcome == "new" and not new_nfo:
        why = "it has no NFO file yet, and new ones were not asked for"
        result.unfit.append((path, why))
        result.say(UNFIT, f"{_name(path)}: {why}")
        return
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
    if status in ("written", "undone"):
        result.done_files.add(_file_key(path))
        result.say(DONE, words)
    elif status == "up to date":
        result.already_files.add(_file_key(path))
        result.say(ALREADY, words)
    elif status == "not taggable":
        result.left_alone.append((path, words))
        result.say(UNFIT, words)
    else:
        result.left_alone.append((path, words))
        result.troubles += 1
        result.say(TROUBLE, words)


def undo_moods(library: Library, data_dir: Path, ways: Ways = Ways(), *,
               videos: Sequence[str] = (), dry_run: bool = False,
               progress: Progress | None = None,
               should_stop: ShouldStop | None = None) -> MoodsWritten:
    """Put back what the earlier writes replaced, so each file is as it was before the
    first: the files' tags (newest write first), then the NFOs; only those of `videos`
    when some are named. A dry run says what it would do and changes nothing."""
    result = MoodsWritten("undo preview" if dry_run else "undo")
    named = _Named(videos)
    entries = [e for e in filetags.undo_entries(tags_undo_folder(data_dir))
               if named.holds(filetags.entry_path(e))] if ways.tags else []
    folder = nfo_undo_folder(data_dir)
    recorded = [nfo for nfo in (nfo_files.recorded(folder) if ways.nfo else [])
                if named.holds_nfo(nfo)]
    if dry_run:  # a file's older writes go back after its newest: judged by the newest
        entries = list({filetags.entry_path(e): e for e in reversed(entries)}.values())
    steps = len(entries) + len(recorded)
    for done, entry in enumerate(entries):
        if should_stop is not None and should_stop():
            result.stopped = True
            return result
        outcome = filetags.undo(entry, dry_run=dry_run)
        _count(result, os.fspath(outcome.path), outcome.status, outcome.message)
        library.follow_rewrites(_rewrite(os.fspath(outcome.path), outcome))
        if progress is not None:
            progress(done + 1, steps)
    for done, nfo in enumerate(recorded, start=len(entries)):
        if should_stop is not None and should_stop():
            result.stopped = True
            return result
        change = nfo_files.undo(nfo, folder, dry_run=dry_run)
        _count(result, change.nfo, _NFO_STATUS.get(change.outcome, "refused"),
               _short(change.words, change.nfo))
        if progress is not None:
            progress(done + 1, steps)
    return result


class _Named:
    """The files and folders a person named for an undo (none named: every one)."""

    def __init__(self, paths: Sequence[str]) -> None:
        absolute = [os.path.abspath(p) for p in paths]
        self.everything = not absolute
        self.folders = tuple(os.path.join(p, "") for p in absolute if os.path.isdir(p))
        self.files = {p for p in absolute if not os.path.isdir(p)}
        self.sidecars = {nfo_files.nfo_path(p) for p in self.files}

    def holds(self, path: str | None) -> bool:
        return path is not None and (self.everything or path in self.files
                                     or path.startswith(self.folders))

    def holds_nfo(self, nfo: str) -> bool:
        return self.everything or nfo in self.sidecars or nfo.startswith(self.folders)


def _name(path: str) -> str:
    return os.path.basename(path)


def _file_key(path: str) -> str:
    """A media file and its NFO count as one file: its path without the suffix."""
    return os.path.splitext(path)[0]


def _short(words: str, nfo: str) -> str:
    """An NFO's sentence with the file's name for its whole path (the lines name files)."""
    return words.replace(nfo, _name(nfo), 1)


# -- the library as a table, and a person's tags read back from one --------------------------
# (`ver-desktop export` / `import-tags`, and the window's File > Export library table… and
# Import tags…): the work and its words, decided once here.


@dataclass(frozen=True)
class Exported:
    """A table written: where, how many files it holds, and how many of them have a mood."""

    path: Path
    files: int
    with_mood: int

    @property
    def counted(self) -> str:
        """ "24 files (20 with a mood)": the fronts say the verb and the place."""
        return f"{count_of(self.files, 'file')} ({self.with_mood} with a mood)"


def export_table(library: Library, model: ModelKey, target: Path, fmt: str) -> Exported:
    """Every file's mood as a CSV or JSON table at `target` (`fmt` "csv" or "json"),
    written atomically. Raises TableError with the reason in plain words."""
    rows = library_rows(library, model)
    written = write_table(rows, target, fmt)
    return Exported(written, len(rows), sum(1 for row in rows if row["quadrant"] is not None))


@dataclass(frozen=True)
class Imported:
    """A person's tags read from a CSV: the plan (tags to set, those already so, lines not
    used and why), whether it was only a dry run, and what applying it changed."""

    plan: ImportPlan
    dry_run: bool
    changes: Changes

    @property
    def said(self) -> list[tuple[int, str]]:
        """The lines worth a word (not used, or used with a note), by line number."""
        return sorted(self.plan.problems + self.plan.notes)

    @property
    def summary(self) -> str:
        """What the import did (or, in a dry run, would do), one paragraph for a person."""
        found = self.plan
        parts = [f"{count_of(len(found.tags), 'file')} "
                 f"{'to tag' if self.dry_run else 'tagged'}"]
        if found.same:
            parts.append(f"{count_of(len(found.same), 'file')} already tagged so")
        if found.not_persons:
            parts.append(f"{count_of(found.not_persons, 'row')} of the model's readings "
                         "passed over (not a person's tags)")
        if found.problems:
            parts.append(f"{count_of(len(found.problems), 'line')} not used (each is listed "
                         "with its line number and why)")
        return ("Nothing changed (a dry run). " if self.dry_run else "") + "; ".join(parts)


def import_tags(library: Library, model: ModelKey, source: Path, *,
                dry_run: bool) -> Imported:
    """The person's tags in the CSV at `source`, matched to the library's files and, unless
    a dry run, set (through the tagging use case, so they win everywhere). Raises
    TableError when the file cannot be read or lacks a path or tag column. The personal
    layer is not refitted here: each front does it its own way after the changes."""
    plan = read_tags(source, library, model)
    changes = apply_tags(library, plan) if plan.tags and not dry_run else Changes()
    return Imported(plan, dry_run, changes)
