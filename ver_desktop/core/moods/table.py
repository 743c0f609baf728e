"""The library as a plain table (issue 25): every file's mood in CSV or JSON, for
spreadsheets, scripts and other tools, and a person's tags read back from a CSV (tags made
elsewhere, or moved between libraries).

Columns: path, status, quadrant (a code such as PV-NA), words (the quarter in words),
emotion, valence, arousal, confidence, by_person (the person's own tag, which is what the
row shows when there is one), model_quadrant and model_emotion (the model's own reading),
and stretches. In JSON `stretches` is a list of {start, end, quadrant, emotion, talk,
by_person}; in CSV it is the same list as one JSON text in the `stretches` column, so a
file stays one row per video that spreadsheets sort and filter, and the import reads the
same file back. A talk stretch nobody tagged has no emotion (None / empty).

Paths: the CSV holds a file's name as its bytes (like the M3U8 playlists), so a name that
is not UTF-8 still names its file when imported; JSON, which must be text, shows such
bytes as U+FFFD.

Import takes a CSV with a `path` column and a `quadrant` or `emotion` column (codes such as
PV-NA, words such as "calm", "calm, content" or "pleased"). When the file has a `by_person`
column (our own export), only the rows a person tagged are taken: the model's readings are
not a person's tags. Each tag is set through the tagging use case (core/usecases/tags.py),
so it wins everywhere as a tag made in the app does. Rows naming files the library does not
hold, or tags not understood, are reported with their line numbers; the rest goes on.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ver_desktop.core.changes import Changes
from ver_desktop.core.errors import AppError
from ver_desktop.core.labels import (
    OCTANT_QUADRANT,
    OCTANTS,
    PLAIN_WORDS,
    QUADRANT_NAMES,
    QUADRANTS,
)
from ver_desktop.core.library.schema import display_text
from ver_desktop.core.moods import mood_of

if TYPE_CHECKING:
    from ver_desktop.core.library import Library, VideoRow
    from ver_desktop.core.library.timelines import StoredStretch
    from ver_desktop.core.model_key import ModelKey

COLUMNS = ("path", "status", "quadrant", "words", "emotion", "valence", "arousal",
           "confidence", "by_person", "model_quadrant", "model_emotion", "stretches")
TAG_COLUMNS = ("quadrant", "emotion")
WORDS_QUADRANT = {words: code for code, words in QUADRANT_NAMES.items()}
DIGITS = 4


class TableError(AppError):
    """A table that cannot be read or written as asked, in one sentence."""


# -- export ----------------------------------------------------------------------------------


def export_rows(rows: Sequence[VideoRow],
                stretches: Iterable[StoredStretch] = ()) -> list[dict[str, Any]]:
    """One dict per file (the COLUMNS), the person's tag winning; `stretches` those of the
    files that have them (`Library.stretches_of`)."""
    by_file: dict[int, list[dict[str, Any]]] = {}
    for kept in sorted(stretches, key=lambda k: (k.video_id, k.stretch.start)):
        by_file.setdefault(kept.video_id, []).append(_stretch(kept))
    return [_row(row, by_file.get(row.id, [])) for row in rows]


def library_rows(library: Library, model: ModelKey) -> list[dict[str, Any]]:
    """`export_rows` of every file in the library."""
    rows = library.videos(model)
    return export_rows(rows, library.stretches_of(model, [r.id for r in rows]))


def _row(row: VideoRow, stretches: list[dict[str, Any]]) -> dict[str, Any]:
    mood = mood_of(row)
    return {
        "path": row.path, "status": row.status,
        "quadrant": mood.quadrant if mood else None, "words": mood.words if mood else None,
        "emotion": mood.emotion if mood else None, "valence": _number(row.valence),
        "arousal": _number(row.arousal), "confidence": _number(row.confidence),
        "by_person": row.corrected, "model_quadrant": row.own_quadrant,
        "model_emotion": row.own_octant, "stretches": stretches,
    }


def _stretch(kept: StoredStretch) -> dict[str, Any]:
    x = kept.stretch
    silent = x.speech and not kept.corrected  # talk: no emotion read
    return {"start": round(x.start, 2), "end": round(x.end, 2),
            "quadrant": None if silent else x.quadrant,
            "emotion": None if silent else x.octant, "talk": x.speech,
            "by_person": kept.corrected}


def _number(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


def csv_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    """The rows as CSV (UTF-8 behind a byte-order mark, without which Excel reads the
    names' accents wrongly; a name's bytes that are no UTF-8 kept as they are)."""
    stream = io.StringIO(newline="")
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(name, row.get(name)) for name in COLUMNS])
    return "\ufeff".encode() + stream.getvalue().encode("utf-8", "surrogateescape")


def _cell(name: str, value: Any) -> str:
    if name == "stretches":
        return json.dumps(value, separators=(",", ":")) if value else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def json_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    """The rows as one JSON list (paths as text a person can read)."""
    shown = [{**row, "path": display_text(row["path"])} for row in rows]
    return (json.dumps(shown, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def write_table(rows: Sequence[dict[str, Any]], target: Path, fmt: str) -> Path:
    """Write the rows to `target` as "csv" or "json", atomically (a temporary file beside
    it, renamed onto it; a link or a database there is refused). Raises TableError."""
    from ver_desktop.core.playlists.export import ExportError, write_playlist_file

    if fmt not in ("csv", "json"):
        raise TableError(f"tables are written as csv or json, not {fmt}")
    data = csv_bytes(rows) if fmt == "csv" else json_bytes(rows)
    try:
        return write_playlist_file(target, data)
    except ExportError as exc:
        raise TableError(str(exc)) from None


# -- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TagRow:
    """A person's tag read from one line of the table."""

    line: int
    path: str
    video_id: int
    quadrant: str | None
    octant: str | None

    @property
    def tag(self) -> tuple[str | None, str | None]:
        return (None, self.octant) if self.octant else (self.quadrant, None)

    @property
    def words(self) -> str:
        return self.octant or QUADRANT_NAMES[str(self.quadrant)]


@dataclass
class ImportPlan:
    """What importing a table does: the tags to set, those already so, the model's rows
    passed over, the lines that could not be used (line number, why) and notes on lines
    that were (a file named twice: the later line wins)."""

    tags: list[TagRow] = field(default_factory=list)
    same: list[TagRow] = field(default_factory=list)
    not_persons: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)  # used, but worth saying


def read_tags(source: Path, library: Library, model: ModelKey) -> ImportPlan:
    """The person's tags `source` (a CSV) holds, matched to the library's files; nothing is
    changed. TableError when the file cannot be read or has no path or tag column."""
    found = ImportPlan()
    seen: dict[int, int] = {}
    for line, record in _records(source):
        tag = _tag_row(line, record, source.parent, library, found)
        if tag is None:
            continue
        if tag.video_id in seen:
            found.notes.append((line, f"{_shown(tag.path)} is also on line "
                                      f"{seen[tag.video_id]}; this line's tag is used"))
            found.tags = [t for t in found.tags if t.video_id != tag.video_id]
        seen[tag.video_id] = line
        found.tags.append(tag)
    return _without_same(found, library, model)


def _records(source: Path) -> Iterable[tuple[int, dict[str, str]]]:
    """(line number, {lowercased column: value}) for each row of the CSV."""
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 24))  # long `stretches` cells
    try:
        with open(source, encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
            reader = csv.reader(f)
            header = [name.strip().lower() for name in next(reader, [])]
            _check_header(header, source)
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    yield reader.line_num, dict(zip(header, cells, strict=False))
    except OSError as exc:
        raise TableError(f"cannot read {source}: {exc.strerror}") from None
    except csv.Error as exc:
        raise TableError(f"{source} is not a CSV table this can read: {exc}") from None


def _check_header(header: list[str], source: Path) -> None:
    if "path" not in header or not any(name in header for name in TAG_COLUMNS):
        raise TableError(f"{source} needs a 'path' column and a 'quadrant' or 'emotion' "
                         "column on its first line")


def _tag_row(line: int, record: dict[str, str], folder: Path, library: Library,
             found: ImportPlan) -> TagRow | None:
    """The line's tag, or None (a problem noted, or the model's row passed over)."""
    if "by_person" in record and not _yes(record["by_person"]):
        found.not_persons += 1
        return None
    path = (record.get("path") or "").strip()
    if not path:
        found.problems.append((line, "no path"))
        return None
    full = os.path.abspath(os.path.join(folder, path))
    video_id = library.video_id(full)
    if video_id is None:
        found.problems.append((line, f"{_shown(path)} is not in the library"))
        return None
    try:
        quadrant, octant = understood(record.get("quadrant", ""), record.get("emotion", ""))
    except TableError as exc:
        found.problems.append((line, str(exc)))
        return None
    return TagRow(line, full, video_id, quadrant, octant)


def understood(quadrant_text: str | None, emotion_text: str | None
               ) -> tuple[str, str | None]:
    """(quadrant, octant) from a row's cells: a code (PV-NA), the quarter's words
    ("calm, content", "calm") or an emotion (pleased); TableError in words otherwise."""
    quadrant = _quadrant(quadrant_text or "")
    emotion = (emotion_text or "").strip().lower()
    if emotion and emotion not in OCTANTS:  # a quarter's words there: taken as the quarter
        named = _quadrant(emotion, column="emotion")
        if quadrant is not None and named != quadrant:
            raise TableError(f"the quadrant and emotion columns disagree ({_shown(emotion)})")
        return str(named), None
    if emotion:
        if quadrant is not None and OCTANT_QUADRANT[emotion] != quadrant:
            raise TableError(f"the emotion {emotion} is not in the quarter "
                             f"{QUADRANT_NAMES[quadrant]}")
        return OCTANT_QUADRANT[emotion], emotion
    if quadrant is None:
        raise TableError("no tag given (a quadrant or an emotion)")
    return quadrant, None


def _quadrant(text: str, column: str = "quadrant") -> str | None:
    key = " ".join(text.strip().lower().split())
    if not key:
        return None
    if key.upper() in QUADRANTS:
        return key.upper()
    found = WORDS_QUADRANT.get(key) or PLAIN_WORDS.get(key)
    if found is None:
        wanted = ("a quarter in words (happy, tense, sad, calm) or as an export writes it "
                  "(PV-PA, NV-PA, NV-NA, PV-NA)"
                  if column == "quadrant" else f"an emotion ({', '.join(OCTANTS)})")
        raise TableError(f"{_shown(text.strip())!r} in the {column} column is not "
                         f"{wanted}")
    return found


def _yes(text: str) -> bool:
    return text.strip().lower() in ("yes", "true", "1", "y")


def _shown(text: str) -> str:
    return os.fsencode(text).decode("utf-8", "replace")


def _without_same(found: ImportPlan, library: Library, model: ModelKey) -> ImportPlan:
    """Tags the library already holds as the person's move to `same`."""
    rows = library.rows(model, [t.video_id for t in found.tags])
    fresh: list[TagRow] = []
    same: list[TagRow] = []
    for tag in found.tags:
        row = rows.get(tag.video_id)
        held = row is not None and row.corrected and row.quadrant == tag.quadrant and (
            tag.octant is None or row.octant == tag.octant)
        (same if held else fresh).append(tag)
    found.tags, found.same = fresh, same
    return found


def apply_tags(library: Library, found: ImportPlan) -> Changes:
    """Set the plan's tags through the tagging use case, one call per distinct tag."""
    from ver_desktop.core.usecases.tags import tag_videos

    groups: dict[tuple[str | None, str | None], list[int]] = {}
    for tag in found.tags:
        groups.setdefault(tag.tag, []).append(tag.video_id)
    changes = Changes()
    for (quadrant, octant), video_ids in groups.items():
        changes = changes | tag_videos(library, video_ids, quadrant=quadrant, octant=octant)
    return changes
