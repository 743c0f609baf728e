"""The library table's columns, in one place: a new column is one entry here (and, when it
shows something the library does not read yet, a field of `VideoRow`; when it sorts, a key
of `core.library.browse.SORT_KEYS`). Each says its title, its width, how a row reads in it,
and whether it is the model's say about the emotion (coloured, bold when a person
corrected it, grey for speech, hidden in the Failed files view)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ver_desktop.gui import style

if TYPE_CHECKING:
    from ver_desktop.core.library import VideoRow

Show = Callable[["VideoRow", bool], str]  # a row, and whether a running scan has it


@dataclass(frozen=True)
class Column:
    key: str  # stable: saved header layouts and sorting use it
    title: str
    width: int  # pixels, at first (room for the longest words, bold, and a ✎)
    show: Show
    tag: bool = False  # the model's say about the emotion
    sortable: bool = True  # the library sorts by `key`
    when_failed: bool = True  # shown in the Failed files view


def unreliable(row: VideoRow) -> bool:
    """The sound is mostly speech, so the music-trained model's tag says little (unless a
    person corrected it)."""
    return bool(row.mostly_speech) and not row.corrected


def _name(row: VideoRow, _working: bool) -> str:
    if row.status == "failed":
        return f"{row.name} — {row.error_reason or 'failed'}"  # where the eye is
    if row.status == "missing":
        return f"{row.name} — the file is no longer there"
    return row.name


def _status(row: VideoRow, working: bool) -> str:
    if row.status == "pending" and working:
        return "working…"
    if row.status == "failed":
        return f"failed: {row.error_reason or ''}".strip()
    if row.status == "ok" and row.model is None:
        return "not analysed by this model"  # tagged by another; a rescan tags it
    if unreliable(row):
        return f"{row.status} · mostly speech"
    return row.status


def _label(key: str) -> Show:
    def show(row: VideoRow, _working: bool) -> str:
        value = getattr(row, key)
        if value is None:
            return ""
        return f"{value} ✎" if row.corrected else str(value)  # marks a person's correction
    return show


def _quadrant(row: VideoRow, _working: bool) -> str:
    """The quarter of the map in words ("calm, content"), as the buttons say it; the codes
    (PV-NA) are for exports and --json only."""
    if row.quadrant is None:
        return ""
    words = style.QUADRANT_NAMES.get(row.quadrant, row.quadrant)
    return f"{words} ✎" if row.corrected else words


def _signed(key: str) -> Show:
    def show(row: VideoRow, _working: bool) -> str:
        value = getattr(row, key)
        return "" if value is None else f"{value:+.2f}"
    return show


def _confidence(row: VideoRow, _working: bool) -> str:
    if row.confidence is None:
        return ""
    return "your tag" if row.corrected else f"{row.confidence:.0%}"


def _duration(row: VideoRow, _working: bool) -> str:
    return "" if row.duration is None else style.clock(row.duration)


COLUMNS: tuple[Column, ...] = (
    Column("thumbnail", "", 56, lambda _row, _working: "", sortable=False),
    Column("name", "Name", 220, _name),
    Column("duration", "Duration", 60, _duration, when_failed=False),
    Column("quadrant", "Emotion", 140, _quadrant, tag=True, when_failed=False),
    Column("octant", "Feeling", 84, _label("octant"), tag=True, when_failed=False),
    Column("confidence", "Confidence", 80, _confidence, tag=True, when_failed=False),
    Column("valence", "Valence", 60, _signed("valence"), tag=True, when_failed=False),
    Column("arousal", "Arousal", 60, _signed("arousal"), tag=True, when_failed=False),
    Column("status", "Status", 110, _status),
    Column("folder", "Folder", 160, lambda row, _working: row.folder or ""),
)
KEYS = tuple(column.key for column in COLUMNS)
TAG_KEYS = tuple(column.key for column in COLUMNS if column.tag)


def position(key: str) -> int:
    """The column's place in the table."""
    return KEYS.index(key)


def column_of(key: str) -> Column:
    return COLUMNS[position(key)]
