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
PV-NA, words such as "calm", "calm, content" or "pleased"), its columns separated by
commas, semicolons or tabs (Excel outside the US and UK writes semicolons), in UTF-8 or, when
it is not valid UTF-8, Windows-1252 (Windows Excel's plain CSV). When the file has a
`by_person` column (our own export), a row is the person's tag when by_person is yes or
when its cells were edited in a spreadsheet (they differ from what the library shows now
and from the model's reading the row holds); the other rows are the model's readings,
passed over. In an edited row the edited cells win: an emotion changed alone brings its
quarter (quadrant and words cells still as the library shows are no conflict), a quarter
changed alone drops the old emotion left beside it, and only edited cells that disagree
are a problem. Each tag is set through the tagging use case (core/usecases/tags.py), so it
wins everywhere as a tag made in the app does. Rows naming files the library does not hold
(whatever by_person says), or tags not understood, are reported with their line numbers;
the rest goes on.
"""

from __future__ import annotations

import codecs
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

SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
CellTag = tuple[str | None, str | None]  # (quadrant, octant), either may be missing


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


@dataclass(frozen=True)
class _Line:
    """One usable line: its number, the file it names and its cells."""

    line: int
    path: str
    video_id: int
    record: dict[str, str]


def read_tags(source: Path, library: Library, model: ModelKey) -> ImportPlan:
    """The person's tags `source` (a CSV) holds, matched to the library's files; nothing is
    changed. TableError when the file cannot be read or has no path or tag column.

    In our own export (it has a `by_person` column) a row is the person's tag when
    by_person is yes or when a tag cell was edited in a spreadsheet (`_exported_tag`); the
    other rows are the model's readings, passed over."""
    found = ImportPlan()
    lines: list[_Line] = []
    for line, record in _records(source):
        named = _named_file(line, record, source.parent, library, found)
        if named is not None:
            lines.append(named)
    shown = library.rows(model, [x.video_id for x in lines])
    seen: dict[int, int] = {}
    for x in lines:
        row = shown.get(x.video_id)
        now: CellTag = (row.quadrant, row.octant) if row is not None else (None, None)
        tag = _tag_row(x, now, row is not None and row.corrected, found)
        if tag is None:
            continue
        if tag.video_id in seen:
            found.notes.append((x.line, f"{_shown(tag.path)} is also on line "
                                        f"{seen[tag.video_id]}; this line's tag is used"))
            found.tags = [t for t in found.tags if t.video_id != tag.video_id]
        seen[tag.video_id] = x.line
        found.tags.append(tag)
    return _without_same(found, library, model)


def _records(source: Path) -> Iterable[tuple[int, dict[str, str]]]:
    """(line number, {lowercased column: value}) for each row of the CSV, its columns
    separated by commas, semicolons or tabs (as the header line shows)."""
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 24))  # long `stretches` cells
    try:
        text = decoded(source.read_bytes())
    except OSError as exc:
        raise TableError(f"cannot read {source}: {exc.strerror}") from None
    separator = separator_of(text.split("\n", 1)[0])
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        header = [name.strip().lower() for name in next(reader, [])]
        _check_header(header, source, separator)
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, dict(zip(header, cells, strict=False))
    except csv.Error as exc:
        raise TableError(f"{source} is not a CSV table this can read: {exc}") from None


def decoded(data: bytes) -> str:
    """The file's text: UTF-8 behind a byte-order mark (our export; a name's bytes that are
    no UTF-8 kept as they are) or without one when it is valid UTF-8, else Windows-1252
    (what Windows Excel saves as plain CSV)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "surrogateescape")  # its five unused bytes kept too


def separator_of(header: str) -> str:
    """The separator the header line uses most: comma (also when it has none), semicolon
    (Excel where the decimal mark is a comma) or tab."""
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])  # ties: the first, a comma
    return best if counts[best] else ","


def _check_header(header: list[str], source: Path, separator: str) -> None:
    if "path" not in header or not any(name in header for name in TAG_COLUMNS):
        raise TableError(f"{source} needs a 'path' column and a 'quadrant' or 'emotion' "
                         "column on its first line (its columns separated by commas, "
                         "semicolons or tabs; this one was read as separated by "
                         f"{SEPARATORS[separator]})")


def _named_file(line: int, record: dict[str, str], folder: Path, library: Library,
                found: ImportPlan) -> _Line | None:
    """The line with its file, or None with the problem noted: a path not in the library
    is said whatever the row holds."""
    path = (record.get("path") or "").strip()
    if not path:
        found.problems.append((line, "no path"))
        return None
    full = os.path.abspath(os.path.join(folder, path))
    video_id = library.video_id(full)
    if video_id is None:
        found.problems.append((line, f"{_shown(path)} is not in the library"))
        return None
    return _Line(line, full, video_id, record)


def _tag_row(x: _Line, now: CellTag, persons_now: bool, found: ImportPlan) -> TagRow | None:
    """The line's tag, or None (a problem noted, or the model's row passed over). `now` is
    what the library shows for the file, `persons_now` whether that is the person's tag."""
    record = x.record
    try:
        if "by_person" not in record:  # a table made elsewhere: every row is a tag
            tag = understood(record.get("quadrant", ""), record.get("emotion", ""))
        else:
            found_tag = _exported_tag(record, now, persons_now)
            if found_tag is None:
                found.not_persons += 1
                return None
            tag = found_tag
    except TableError as exc:
        found.problems.append((x.line, str(exc)))
        return None
    return TagRow(x.line, x.path, x.video_id, tag[0], tag[1])


def _exported_tag(record: dict[str, str], now: CellTag,
                  persons_now: bool) -> tuple[str, str | None] | None:
    """The tag a row of our export stands for, or None for the model's reading.

    A cell is edited when it says something neither the library shows now nor the row's
    own model reading says (the cells as exported; after an import, as the library holds
    them). Edited cells win; a row with none stands for what the library shows (or, a
    person's row that holds the model's reading throughout, for that reading)."""
    cells = _cells(record)
    refs = [ref for ref in (now, _model_reading(record)) if ref[0] is not None]
    edited = [name for name in cells if not _stale(name, cells[name], refs)]
    valued = [cells[name] for name in ("quadrant", "words", "emotion")
              if cells[name][0] is not None]
    if not valued:
        if _yes(record["by_person"]):
            raise TableError("no tag given (a quadrant or an emotion)")
        return None
    if edited:
        return _edited_tag(cells, edited, now)
    holds_now = now[0] is not None and any(
        _stale(name, cells[name], [now]) and cells[name][0] is not None for name in cells)
    if not _yes(record["by_person"]):  # nothing edited: the model's reading, or a tag
        return (str(now[0]), now[1]) if holds_now and persons_now else None  # imported
    if holds_now:
        return str(now[0]), now[1]
    return _edited_tag(cells, [], now)  # the model's reading throughout: taken as it is


def _cells(record: dict[str, str]) -> dict[str, CellTag]:
    """Our export's three tag cells, each read on its own: quadrant and words a quarter,
    emotion an emotion (or a quarter's words, taken as the quarter)."""
    emotion = (record.get("emotion") or "").strip().lower()
    if emotion in OCTANTS:
        said: CellTag = (OCTANT_QUADRANT[emotion], emotion)
    else:
        said = (_quadrant(emotion, column="emotion"), None)
    return {"quadrant": (_quadrant(record.get("quadrant") or ""), None),
            "words": (_quadrant(record.get("words") or "", column="words"), None),
            "emotion": said}


def _model_reading(record: dict[str, str]) -> CellTag:
    """The model's reading the row holds (model_quadrant, model_emotion); (None, None)
    when it holds none that can be read."""
    emotion = (record.get("model_emotion") or "").strip().lower()
    try:
        quadrant = _quadrant(record.get("model_quadrant") or "")
    except TableError:
        return None, None
    return quadrant, emotion if emotion in OCTANTS else None


def _stale(name: str, cell: CellTag, refs: list[CellTag]) -> bool:
    """Whether the cell says what one of `refs` says (or, a quarter cell, nothing): not an
    edit. An emptied emotion is one only where every reference has an emotion."""
    if name != "emotion":
        return cell[0] is None or any(cell[0] == ref[0] for ref in refs)
    if cell[0] is None:
        return any(ref[1] is None for ref in refs) or not refs
    return any(cell == ref for ref in refs)


def _edited_tag(cells: dict[str, CellTag], edited: list[str],
                now: CellTag) -> tuple[str, str | None]:
    """The tag of a row with `edited` cells: their quarter (they must agree), else the
    quarter of the cells as they were; the emotion kept when it is in that quarter (an old
    emotion left beside a quarter changed is dropped)."""
    quarters = {name: str(cells[name][0]) for name in edited if cells[name][0] is not None}
    if len(set(quarters.values())) > 1:
        raise TableError(_disagree(cells, quarters))
    quadrant = next(iter(quarters.values()), None)
    if quadrant is None:  # nothing edited but an emptied emotion: the quarter as it is
        held = [cells[name][0] for name in cells if cells[name][0] is not None]
        quadrant = now[0] if now[0] in held else held[0]
    octant = cells["emotion"][1]
    if octant is not None and OCTANT_QUADRANT[octant] != quadrant:
        octant = None
    return str(quadrant), octant


def _disagree(cells: dict[str, CellTag], quarters: dict[str, str]) -> str:
    said = [f"the emotion {cells['emotion'][1]} is in the quarter "
            f"{QUADRANT_NAMES[quarters[name]]}" if name == "emotion" and cells[name][1]
            else f"the {name} column says {QUADRANT_NAMES[quarters[name]]}"
            for name in quarters]
    return f"{' but '.join(said[:2])}; change one of them to match the other"


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
                  if column != "emotion" else f"an emotion ({', '.join(OCTANTS)})")
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
