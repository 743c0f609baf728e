"""The mood written into music files' own tags, where every player and tagger reads it
(issue 25), without ever losing a byte of the file.

What goes where (the keys are the ones MusicBrainz Picard and beets use for a mood, plus
ver_desktop's own numbers):

- MP3: ID3v2.4 `TMOO` (the mood in words) and `TXXX` frames `VER_QUADRANT`, `VER_EMOTION`,
  `VER_VALENCE`, `VER_AROUSAL`, `VER_CONFIDENCE`, `VER_BY_PERSON`. A file with an older
  ID3v2.3 tag is saved as v2.4 (v2.3 has no `TMOO`), as Picard does by default.
- Ogg Vorbis, Opus and FLAC: Vorbis comments `MOOD` and the same `VER_*` keys.
- MP4/M4A: freeform atoms `----:com.apple.iTunes:MOOD` and `----:com.apple.iTunes:VER_*`.
- Matroska (.mkv, .mka), through MKVToolNix (mkvpropedit, mkvextract): global SimpleTags
  `MOOD` and `VER_*` at the album/movie level; every other tag is kept (`matroska.py`).
- Anything else (WebM, AVI, WAV...) is reported as a file that takes no mood tags.

Numbers are written with three decimals; a value the mood lacks is not written (and an
older value of ours under that key is removed, so the file never says two things).

Why the care: a tagger that rewrites a file in place can leave it half written when the
machine stops, and a file another program changed since we looked must not be overwritten.
So `plan` records the file's size, mtime and SHA-256 and what would change (a dry run lists
it without touching anything); `write` copies the file to a hidden temporary file beside
it, tags the copy (mutagen/MKVToolNix), reads it back, checks the original is still what was
planned, and only then renames the copy over it (an atomic step: the file is the old one or
the new one, never a mix). The file keeps its permission bits; its mtime is the time of the
write (media servers then see it changed); a hard link to it keeps the old content. Each
write records the previous values in an undo entry, and `undo` puts them back the same way,
refusing when the file changed after our write.

Limits: a process killed mid-write leaves only its hidden `.ver-tmp-*` copy beside the file
(`remove_leftovers` clears old ones); the copy belongs to whoever writes (the owner and group
of someone else's file are not kept); the last check and the rename are two steps, so a
change landing in the microseconds between them goes unseen (no file system offers a
compare-and-rename).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BufferedReader
from pathlib import Path
from typing import Any, Literal, Protocol

from ver_desktop.core.atomic import sync_folder, write_atomically
from ver_desktop.core.errors import AppError
from ver_desktop.core.moods import Mood

Status = Literal["written", "up to date", "not taggable", "changed", "refused", "failed",
                 "undone"]
Values = tuple[str, ...] | None  # a key's values in a file; None when the key is absent
Audio = Any  # a file opened by mutagen (its FileType classes are loosely typed)

MOOD_KEY = "MOOD"
KEYS: tuple[str, ...] = (MOOD_KEY, "VER_QUADRANT", "VER_EMOTION", "VER_VALENCE", "VER_AROUSAL",
                         "VER_CONFIDENCE", "VER_BY_PERSON")
KINDS: dict[str, str] = {  # suffix -> how its tags are kept
    ".mp3": "id3", ".ogg": "vorbis", ".oga": "vorbis", ".opus": "vorbis", ".flac": "vorbis",
    ".m4a": "mp4", ".m4b": "mp4", ".mp4": "mp4", ".m4v": "mp4",
    ".mkv": "matroska", ".mka": "matroska",
}
TEMP_PREFIX = ".ver-tmp-"  # the hidden copy a write works on, beside the file
MP4_FREEFORM = "----:com.apple.iTunes:"
ENTRY_VERSION = 1
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # a link swapped in after the check is not followed


# -- what is written -------------------------------------------------------------------------

def values_of(mood: Mood) -> dict[str, str | None]:
    """Every key's text for `mood`; None where the mood has no value."""
    return {
        MOOD_KEY: mood.text,
        "VER_QUADRANT": mood.quadrant,
        "VER_EMOTION": mood.emotion,
        "VER_VALENCE": _number(mood.valence),
        "VER_AROUSAL": _number(mood.arousal),
        "VER_CONFIDENCE": _number(mood.confidence),
        "VER_BY_PERSON": "yes" if mood.by_person else "no",
    }


def _number(value: float | None) -> str | None:
    if value is None:
        return None
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def _as_values(text: str | None) -> Values:
    return None if text is None else (text,)


# -- records ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class FileState:
    """What a file was when looked at: any change to it changes one of these."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> FileState:
        with _read(path) as handle:
            info = os.fstat(handle.fileno())
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        return cls(info.st_size, info.st_mtime_ns, digest)


def _read(path: Path) -> BufferedReader:
    """The file open for reading, never through a symbolic link."""
    return open(os.open(path, os.O_RDONLY | NOFOLLOW), "rb")


@dataclass(frozen=True)
class Change:
    """One key: what the file holds now (None: absent) and what would be written (None:
    removed)."""

    key: str
    old: Values
    new: str | None


@dataclass(frozen=True)
class Outcome:
    """What happened to one file, in words for people."""

    path: Path
    status: Status
    message: str
    undo_entry: Path | None = None
    before: FileState | None = None  # a file rewritten: what it was, and what it is now
    after: FileState | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("written", "up to date", "undone")


@dataclass(frozen=True)
class Planned:
    """What writing `mood` into `path` would change. `refusal` is set when it will not be
    written at all (and says why)."""

    path: Path
    mood: Mood
    kind: str | None = None
    changes: tuple[Change, ...] = ()
    state: FileState | None = None
    had_tags: bool = True
    refusal: Outcome | None = field(default=None)

    @property
    def up_to_date(self) -> bool:
        return self.refusal is None and not self.changes

    def lines(self) -> list[str]:
        """The dry run: one line per change, or one line saying why nothing changes."""
        if self.refusal is not None:
            return [self.refusal.message]
        if not self.changes:
            return [_up_to_date(self).message]
        return [f"{_name(self.path)}: {c.key} {_shown(c.old)} -> {c.new or '(removed)'}"
                for c in self.changes]


def _name(path: Path) -> str:
    return os.fsdecode(path.name)


def _shown(values: Values) -> str:
    return "(none)" if values is None else " / ".join(values) or "(empty)"


def _up_to_date(planned: Planned) -> Outcome:
    return Outcome(planned.path, "up to date",
                   f"already up to date: {_name(planned.path)} says {planned.mood.text}")


# -- planning --------------------------------------------------------------------------------

def plan(path: str | os.PathLike[str], mood: Mood) -> Planned:
    """What writing `mood` into the file at `path` would change; touches nothing."""
    path = Path(path)
    refusal = _refusal(path) or _not_taggable(path)
    if refusal is not None:
        return Planned(path, mood, refusal=refusal)
    kind = KINDS[path.suffix.lower()]
    try:
        state = FileState.of(path)  # before reading: a later change is caught by the hash
        tags = _open(path, kind)
    except _Unreadable as err:
        return Planned(path, mood, refusal=Outcome(path, "not taggable", str(err)))
    except OSError as err:
        return Planned(path, mood, refusal=Outcome(
            path, "refused", f"left alone: {_name(path)} could not be read ({err.strerror})"))
    new = values_of(mood)
    changes = tuple(Change(key, old, new[key]) for key in KEYS
                    if (old := tags.get(key)) != _as_values(new[key]))
    return Planned(path, mood, kind, changes, state, had_tags=tags.had_tags)


def _refusal(path: Path) -> Outcome | None:
    """Why a path is not written into at all: not there, a symbolic link, not a regular
    file, read-only."""
    name = _name(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return Outcome(path, "refused", f"left alone: {name} is not there any more")
    except OSError as err:
        return Outcome(path, "refused", f"left alone: {name} could not be looked at "
                       f"({err.strerror})")
    if stat.S_ISLNK(info.st_mode):
        return Outcome(path, "refused", f"left alone: {name} is a symbolic link; tags are "
                       "written only into the file itself (choose the file it points to)")
    if not stat.S_ISREG(info.st_mode):
        return Outcome(path, "refused", f"left alone: {name} is not a regular file")
    if not os.access(path, os.W_OK):
        return Outcome(path, "refused", f"left alone: {name} is read-only")
    return None


def _not_taggable(path: Path) -> Outcome | None:
    if path.suffix.lower() in KINDS:
        return None
    what = path.suffix.lower() or _name(path)
    return Outcome(path, "not taggable", f"not a file that takes mood tags: {what} "
                   f"({_name(path)}; mood tags go into MP3, Ogg, Opus, FLAC, M4A, MP4 "
                   "and MKV)")


# -- tags through mutagen --------------------------------------------------------------------

class Tags(Protocol):
    """A file's tags, opened to read and change (mutagen's for most kinds; Matroska's own
    through MKVToolNix, `matroska.py`). Nothing reaches the file before `save`."""

    @property
    def length(self) -> float:
        """The audio's length in seconds (a write must not change it)."""

    @property
    def had_tags(self) -> bool:
        """Whether the file held a tag at all when opened."""

    def get(self, key: str) -> Values: ...

    def set(self, key: str, values: Values) -> None: ...

    def save(self, drop_empty: bool) -> None:
        """Write the changes into the file; with `drop_empty`, a tag left with nothing in
        it is removed whole (undo of a file that had none)."""


class _Unreadable(AppError):
    pass


def _open(path: Path, kind: str) -> Tags:
    """The file's tags read as its kind, or _Unreadable saying why not."""
    if kind == "matroska":
        from ver_desktop.core.moods import matroska  # only when an MKV file comes

        try:
            return matroska.MatroskaTags(path)
        except matroska.MatroskaError as err:
            raise _Unreadable(str(err)) from err
    return _MutagenTags(path, kind)


class _MutagenTags:
    """ID3, Vorbis comments and MP4 atoms, through mutagen."""

    def __init__(self, path: Path, kind: str) -> None:
        self.kind, self.audio = kind, _mutagen_file(path, kind)
        self.had_tags = self.audio.tags is not None

    @property
    def length(self) -> float:
        return float(self.audio.info.length)

    def get(self, key: str) -> Values:
        return _get(self.audio, self.kind, key)

    def set(self, key: str, values: Values) -> None:
        _set(self.audio, self.kind, key, values)

    def save(self, drop_empty: bool) -> None:
        _save(self.audio, self.kind, drop_empty)


def _mutagen_file(path: Path, kind: str) -> Audio:
    import mutagen
    from mutagen.flac import FLAC
    from mutagen.mp3 import MP3
    from mutagen.mp4 import MP4
    from mutagen.oggopus import OggOpus
    from mutagen.oggvorbis import OggVorbis

    options: dict[str, list[Any]] = {"id3": [MP3], "vorbis": [OggVorbis, OggOpus, FLAC],
                                     "mp4": [MP4]}
    suffix = path.suffix.lower()
    try:
        audio = mutagen.File(path, options=options[kind])
    except (mutagen.MutagenError, OSError, ValueError) as err:
        raise _Unreadable(f"not a file that takes mood tags: {_name(path)} (not readable "
                          f"as {suffix}: {err})") from err
    if audio is None:
        raise _Unreadable(f"not a file that takes mood tags: {_name(path)} (its content "
                          f"is not {suffix})")
    return audio


def _get(audio: Audio, kind: str, key: str) -> Values:
    tags = audio.tags
    if tags is None:
        return None
    if kind == "id3":
        frames = tags.getall("TMOO" if key == MOOD_KEY else f"TXXX:{key}")
        values = tuple(str(text) for frame in frames for text in frame.text)
        return values if frames else None
    if kind == "mp4":
        atoms = tags.get(MP4_FREEFORM + key)
        return None if atoms is None else tuple(
            bytes(a).decode("utf-8", "surrogateescape") for a in atoms)
    found = tags.get(key)  # Vorbis comment keys ignore case
    return None if found is None else tuple(found)


def _set(audio: Audio, kind: str, key: str, values: Values) -> None:
    if audio.tags is None:
        if values is None:
            return
        audio.add_tags()
    tags = audio.tags
    if kind == "id3":
        _set_id3(tags, key, values)
    elif kind == "mp4":
        _set_mp4(tags, key, values)
    elif values is None:
        if key in tags:
            del tags[key]
    else:
        tags[key] = list(values)


def _set_id3(tags: Any, key: str, values: Values) -> None:
    from mutagen.id3 import TMOO, TXXX

    hash_key = "TMOO" if key == MOOD_KEY else f"TXXX:{key}"
    tags.delall(hash_key)
    if values is None:
        return
    frame = (TMOO(encoding=3, text=list(values)) if key == MOOD_KEY
             else TXXX(encoding=3, desc=key, text=list(values)))
    tags.add(frame)


def _set_mp4(tags: Any, key: str, values: Values) -> None:
    from mutagen.mp4 import AtomDataType, MP4FreeForm

    atom = MP4_FREEFORM + key
    if values is None:
        tags.pop(atom, None)
        return
    tags[atom] = [MP4FreeForm(v.encode("utf-8", "surrogateescape"),
                              dataformat=AtomDataType.UTF8) for v in values]


def _save(audio: Audio, kind: str, drop_empty: bool) -> None:
    """Save the tags; with `drop_empty`, a tag left with nothing in it is removed whole
    (undo of a file that had none)."""
    if drop_empty and audio.tags is not None and len(audio.tags.keys()) == 0:
        audio.delete()
    elif kind == "id3":
        audio.save(v2_version=4)
    else:
        audio.save()


def _tag_copy(copy: Path, kind: str, target: dict[str, Values], drop_empty: bool) -> None:
    """Write `target` into the copy, then read it back as a new file: every key must hold
    what was written and the audio must be as long as before."""
    tags = _open(copy, kind)
    length = tags.length
    for key, values in target.items():
        tags.set(key, values)
    tags.save(drop_empty)
    again = _open(copy, kind)
    wrong = [key for key, values in target.items() if again.get(key) != values]
    if wrong:
        raise _Failed(f"reading it back gave other values for {', '.join(wrong)}")
    if abs(again.length - length) > 1e-3:
        raise _Failed(f"its length read back as {again.length:.3f} s, not {length:.3f} s")


# -- writing safely --------------------------------------------------------------------------

class _LeftAlone(AppError):
    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status: Status = status


class _Failed(AppError):
    pass


def write(planned: Planned, undo_dir: str | os.PathLike[str]) -> Outcome:
    """Write what `planned` says into its file (see the module's docstring for how), with
    an undo entry in `undo_dir`. Never raises for a file's sake: the outcome says what
    happened."""
    if planned.refusal is not None:
        return planned.refusal
    if not planned.changes:
        return _up_to_date(planned)
    assert planned.kind is not None and planned.state is not None
    path = planned.path
    entries: list[Path] = []
    target = {c.key: _as_values(c.new) for c in planned.changes}

    def record(after: FileState) -> None:
        entries.append(_save_entry(Path(undo_dir), planned, after))

    try:
        after = _replace_tags(path, planned.kind, target, planned.state, record)
    except _LeftAlone as left:
        for entry in entries:  # written just before a rename that failed
            entry.unlink(missing_ok=True)
        return Outcome(path, left.status, str(left))
    return Outcome(path, "written", f"wrote {planned.mood.text} into {_name(path)}",
                   entries[0], planned.state, after)


def _replace_tags(path: Path, kind: str, target: dict[str, Values], expected: FileState,
                  before_commit: Callable[[FileState], None],
                  drop_empty: bool = False) -> FileState:
    """Tag a copy of `path` and rename it over `path`, if `path` is still `expected`.
    Returns the new file's state; raises _LeftAlone with the file untouched otherwise."""
    name = _name(path)
    if (refusal := _refusal(path)) is not None:
        raise _LeftAlone(refusal.status, refusal.message)
    if _quick(path) != (expected.size, expected.mtime_ns):
        raise _LeftAlone("changed", f"left alone: {name} changed after it was looked at; "
                         "look again before writing")
    copy, committed = _temp_beside(path), False
    try:
        _prepare_copy(path, copy, kind, target, expected, drop_empty)
        after = FileState.of(copy)
        if FileState.of(path) != expected:
            raise _LeftAlone("changed", "left alone: the file changed while it was being "
                             f"written: {name}")
        before_commit(after)
        _commit(copy, path)
        committed = True
    except _LeftAlone:
        raise
    except Exception as err:  # OSError, mutagen's own errors, a read-back that differs
        raise _LeftAlone("failed", f"could not write {name}, left as it was: {err}") from err
    finally:
        if not committed:
            copy.unlink(missing_ok=True)
    return after


def _quick(path: Path) -> tuple[int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _temp_beside(path: Path) -> Path:
    """An empty hidden file in the same folder (so the final rename stays on one file
    system), ending with the same suffix (mutagen reads by content and by name)."""
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX,
                                        suffix=path.suffix)
    except OSError as err:
        raise _LeftAlone("failed", f"could not write {_name(path)}, left as it was: its "
                         f"folder takes no new file ({err.strerror})") from err
    os.close(handle)
    return Path(name)


def _prepare_copy(path: Path, copy: Path, kind: str, target: dict[str, Values],
                  expected: FileState, drop_empty: bool) -> None:
    """Copy `path` (checking it is still what was planned), tag the copy, read it back,
    give it the original's permission bits and flush it to disk."""
    if _copy(path, copy) != expected.sha256:
        raise _LeftAlone("changed", f"left alone: {_name(path)} changed after it was "
                         "looked at; look again before writing")
    _tag_copy(copy, kind, target, drop_empty)
    os.chmod(copy, stat.S_IMODE(os.stat(path).st_mode))
    with open(copy, "rb+") as handle:
        os.fsync(handle.fileno())


def _copy(source: Path, target: Path) -> str:
    """Copy `source` to `target`, returning the SHA-256 of exactly the bytes copied."""
    digest = hashlib.sha256()
    with _read(source) as src, open(target, "wb") as dst:
        while block := src.read(1 << 20):
            digest.update(block)
            dst.write(block)
    return digest.hexdigest()


def _commit(copy: Path, path: Path) -> None:
    """The one step that changes the file: an atomic rename, then the folder is flushed
    so the rename survives a power cut."""
    os.replace(copy, path)
    sync_folder(path.parent)



# -- undo ------------------------------------------------------------------------------------

def _save_entry(undo_dir: Path, planned: Planned, after: FileState) -> Path:
    """Record, atomically, what `planned` replaced: the file's previous values of every key
    touched and what the file is after the write."""
    path = os.fspath(planned.path.absolute())
    entry = {
        "version": ENTRY_VERSION,
        "path": path,
        "kind": planned.kind,
        "had_tags": planned.had_tags,
        "mood": planned.mood.text,
        "previous": {c.key: None if c.old is None else list(c.old) for c in planned.changes},
        "written": {c.key: c.new for c in planned.changes},
        "after": _state(after),
        "before": None if planned.state is None else _state(planned.state),
        "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    undo_dir.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(os.fsencode(path)).hexdigest()[:12]
    target = undo_dir / f"{time.time_ns()}-{key}.json"
    write_atomically(target, json.dumps(entry, indent=1).encode(), mode=0o600,
                     prefix=TEMP_PREFIX)
    return target


def undo_entries(undo_dir: str | os.PathLike[str]) -> list[Path]:
    """The undo entries not yet used, newest first."""
    folder = Path(undo_dir)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.json"), key=lambda p: p.name, reverse=True)


def _state(state: FileState) -> dict[str, Any]:
    return {"size": state.size, "mtime_ns": state.mtime_ns, "sha256": state.sha256}


def entry_path(entry: str | os.PathLike[str]) -> str | None:
    """The file an undo entry puts back (its absolute path); None when unreadable."""
    try:
        return str(json.loads(Path(entry).read_text())["path"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def undo(entry: str | os.PathLike[str], *, dry_run: bool = False) -> Outcome:
    """Put back the values a write replaced, if the file is still as that write left it.
    A used entry is renamed to *.json.undone. A dry run only says what it would do."""
    entry = Path(entry)
    try:
        record = json.loads(entry.read_text())
        path = Path(record["path"])
        after = FileState(**record["after"])
        previous = {k: None if v is None else tuple(v) for k, v in record["previous"].items()}
        kind, drop_empty = str(record["kind"]), not record["had_tags"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        return Outcome(entry, "failed", f"could not read the undo entry {entry.name}: {err}")
    if dry_run:
        return _would_undo(path, after)
    outcome = _undo(path, kind, previous, after, drop_empty)
    if outcome.ok:  # a used entry would only refuse (the file changed since): keep it aside
        with contextlib.suppress(OSError):
            os.replace(entry, entry.with_name(entry.name + ".undone"))
    if outcome.after is not None and record.get("before"):
        _pass_on(entry.parent, record["path"], FileState(**record["before"]), outcome.after)
    return outcome


def _pass_on(undo_dir: Path, path: str, before: FileState, now: FileState) -> None:
    """After an undo, the file is as the write before it left it, but with a new mtime
    (and maybe its tags laid out anew): the older entry that expects the file as that
    earlier write left it now expects it as it is, so undoing it too is not refused."""
    for older in undo_entries(undo_dir):
        try:
            record = json.loads(older.read_text())
            if record["path"] != path or FileState(**record["after"]) != before:
                continue
        except (OSError, ValueError, KeyError, TypeError):
            continue
        record["after"] = _state(now)
        write_atomically(older, json.dumps(record, indent=1).encode(), mode=0o600,
                         prefix=TEMP_PREFIX)
        return


def _would_undo(path: Path, after: FileState) -> Outcome:
    """What `undo` would do with the file: put it back, or leave it alone and why."""
    if (refusal := _refusal(path)) is not None:
        return refusal
    try:
        now = FileState.of(path)
    except OSError as err:
        return Outcome(path, "refused", f"left alone: {_name(path)} could not be read "
                       f"({err.strerror})")
    if now != after:
        return Outcome(path, "changed", f"left alone: {_name(path)} changed after the mood "
                       "was written into it; undoing would lose that change")
    return Outcome(path, "undone", f"would put back the tags {_name(path)} had before")


def _undo(path: Path, kind: str, previous: dict[str, Values], after: FileState,
          drop_empty: bool) -> Outcome:
    name = _name(path)
    if (refusal := _refusal(path)) is not None:
        return refusal
    try:
        now = FileState.of(path)
    except OSError as err:
        return Outcome(path, "refused", f"left alone: {name} could not be read ({err.strerror})")
    if now != after:
        return Outcome(path, "changed", f"left alone: {name} changed after the mood was "
                       "written into it; undoing would lose that change")
    try:
        now = _replace_tags(path, kind, previous, after, lambda _: None, drop_empty)
    except _LeftAlone as left:
        return Outcome(path, left.status, str(left))
    return Outcome(path, "undone", f"put back the tags {name} had before", None, after, now)


def remove_leftovers(folder: str | os.PathLike[str], older_than_s: float = 3600.0,
                     ) -> list[Path]:
    """Remove the hidden copies a killed write left in `folder` (only ones older than
    `older_than_s`, so a write under way keeps its copy). Returns what was removed."""
    removed: list[Path] = []
    cutoff = time.time() - older_than_s
    for leftover in Path(folder).glob(TEMP_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if leftover.is_file() and leftover.stat().st_mtime < cutoff:
                leftover.unlink()
                removed.append(leftover)
    return removed
