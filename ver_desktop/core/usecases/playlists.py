"""Playlist operations both front ends do: make each kind (manual, smart of files, smart of
stretches, a fixed list of stretches, a mood path) under a name no other playlist has,
rename, delete, fill, empty and reorder, read what a playlist shows and plays, export it.
Called by the window's Playlist menu and sidebar (gui/playlists.py `PlaylistActions`,
gui/browser.py `show_place`, gui/playback.py `play_playlist`) and by `playlist ...`
(cli/playlists.py).
Each returns what it changed (`Changes`, or `Done` with a value)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ver_desktop.core.changes import NOTHING, Changes, Done
from ver_desktop.core.errors import AppError
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.playlists import moodpath, rules
from ver_desktop.core.playlists.export import (
    Entry,
    ExportError,
    ExportFormat,
    entry_for,
    format_for,
    format_named,
    formats_in_words,
)
from ver_desktop.core.text import free_name as _free_variant
from ver_desktop.core.usecases.tags import video_of

if TYPE_CHECKING:
    from ver_desktop.core.library import Library, PlaylistInfo, VideoFilter, VideoRow
    from ver_desktop.core.library.timelines import StoredStretch, StretchFilter
    from ver_desktop.core.playlists.moodpath import MoodPath, Point

PLAYLISTS = Changes(playlists=True)
Span = tuple[float, float]
Item = tuple[int, Span | None]  # a video, and the stretch of it the item plays (or None)
NO_STRETCHES = ("no stretch in the library matches (stretches come from the files' "
                "timelines: the app works them out after the tags, or run ver-desktop "
                "timeline FILE)")


class PlaylistRefused(AppError):
    """A playlist request that cannot be carried out as given, in a person's words."""


# -- names -----------------------------------------------------------------------------------


def free_name(library: Library, wanted: str) -> str:
    """`wanted`, or the first "WANTED (2)", "WANTED (3)"... no playlist has: a suggestion
    for a new playlist's name."""
    return _free_variant(wanted, {p.name for p in library.playlists()})


def new_name(library: Library, name: str) -> str:
    """`name` for a new playlist, refused in words when empty or taken (names are unique)."""
    if not name.strip():
        raise PlaylistRefused("a playlist needs a name")
    if any(p.name == name for p in library.playlists()):
        raise PlaylistRefused(f"a playlist named '{name}' exists already; delete it first "
                              "or choose another name")
    return name


def find(library: Library, name: str) -> PlaylistInfo:
    """The playlist named `name`; refused with the names there are."""
    found = library.playlists()
    for playlist in found:
        if playlist.name == name:
            return playlist
    known = ", ".join(sorted(f"'{p.name}'" for p in found)) or "none yet"
    raise PlaylistRefused(f"no playlist is named '{name}' (playlists: {known})")


# -- making ----------------------------------------------------------------------------------


def create_manual(library: Library, name: str, video_ids: Sequence[int],
                  spans: Sequence[Span | None] | None = None,
                  play: str = "segment") -> Done[int]:
    """A playlist of these videos in this order, or of stretches of them (`spans`, one
    per video or None). The value is its id."""
    playlist_id = library.create_playlist(new_name(library, name), "manual",
                                          video_ids=list(video_ids), play=play,
                                          spans=None if spans is None else list(spans))
    return Done(playlist_id, PLAYLISTS)


def create_from_paths(library: Library, name: str, paths: Sequence[str],
                      play: str = "segment") -> Done[int]:
    """`playlist new NAME PATH...`: a playlist of these files, each one the library holds
    (else refused, naming it as given: `tags.NotInLibrary`)."""
    new_name(library, name)
    return create_manual(library, name, [video_of(library, path) for path in paths],
                         play=play)


def create_smart(library: Library, name: str, where: VideoFilter,
                 play: str = "segment") -> Done[int]:
    """A smart playlist: the files that pass `where` whenever it is read."""
    playlist_id = library.create_playlist(new_name(library, name), "rule",
                                          rule=rules.rule_to_json(where), play=play)
    return Done(playlist_id, PLAYLISTS)


def create_smart_stretches(library: Library, name: str, where: StretchFilter) -> Done[int]:
    """A smart playlist of stretches: those that pass `where` whenever it is read (new
    timelines and tags join it)."""
    playlist_id = library.create_playlist(new_name(library, name), "stretches",
                                          rule=rules.stretch_rule_to_json(where))
    return Done(playlist_id, PLAYLISTS)


class StretchesMade(NamedTuple):
    playlist_id: int
    stretches: list[StoredStretch]  # what it plays, in order

    @property
    def seconds(self) -> float:
        return sum(k.stretch.seconds for k in self.stretches)


def create_of_stretches(library: Library, model: ModelKey, name: str,
                        where: StretchFilter) -> Done[StretchesMade]:
    """A playlist of the stretches that pass `where` now, each playing from its start to
    its end; refused when none does."""
    new_name(library, name)
    found = library.stretches(model, where)
    if not found:
        raise PlaylistRefused(NO_STRETCHES)
    made = create_manual(library, name, [k.video_id for k in found],
                         spans=[(k.stretch.start, k.stretch.end) for k in found])
    return Done(StretchesMade(made.value, found), made.changes)


class MoodPathMade(NamedTuple):
    playlist_id: int | None  # None: nothing could be made (see path.problems)
    path: MoodPath


def create_mood_path(library: Library, model: ModelKey, name: str, start: Point,
                     target: Point, *, count: int | None = None,
                     total_seconds: float | None = None, max_jump: float | None = None,
                     play: str = "segment", stretches: bool = False,
                     keep_empty: bool = False) -> Done[MoodPathMade]:
    """A mood path from `start` to `target` (see `playlists.moodpath`), kept as a playlist
    with what the library could not give in `path.problems`. A path of no step is refused
    in words, unless `keep_empty` (the window keeps it, and says why it is empty)."""
    new_name(library, name)
    path = plan_mood_path(library, model, start, target, count=count,
                          total_seconds=total_seconds, max_jump=max_jump, play=play,
                          stretches=stretches)
    return keep_mood_path(library, name, path, keep_empty=keep_empty)


def plan_mood_path(library: Library, model: ModelKey, start: Point, target: Point, *,
                   count: int | None = None, total_seconds: float | None = None,
                   max_jump: float | None = None, play: str = "segment",
                   stretches: bool = False) -> MoodPath:
    """The mood path the library would give, without keeping it: the window shows what it
    cannot give (`path.problems`) before the playlist is made."""
    return moodpath.mood_path(library, model, start, target, count=count,
                              total_seconds=total_seconds, max_jump=max_jump, play=play,
                              stretches=stretches)


def keep_mood_path(library: Library, name: str, path: MoodPath, *,
                   keep_empty: bool = False) -> Done[MoodPathMade]:
    """Keep a planned `path` as a playlist named `name`: each item plays its segment, its
    whole file, or the stretch of it the path gives (a longer one, to fill the time)."""
    new_name(library, name)
    if not path.steps and not keep_empty:
        raise PlaylistRefused("no mood path: " + "; ".join(path.problems))
    playlist_id = library.create_playlist(name, "mood_path", rule=path.to_json(),
                                          video_ids=path.video_ids, play=path.play,
                                          spans=path.spans)
    return Done(MoodPathMade(playlist_id, path), PLAYLISTS)


# -- editing ---------------------------------------------------------------------------------


def rename(library: Library, playlist_id: int, name: str) -> Changes:
    """The playlist's new name (the library refuses one another playlist has, in words)."""
    library.update_playlist(playlist_id, name=name)
    return PLAYLISTS


def set_play(library: Library, playlist_id: int, play: str) -> Changes:
    """Each item plays its analysed segment ("segment") or its whole file ("file")."""
    library.update_playlist(playlist_id, play=play)
    return PLAYLISTS


def delete(library: Library, playlist_id: int) -> Changes:
    library.delete_playlist(playlist_id)
    return PLAYLISTS


def add_items(library: Library, playlist_id: int, video_ids: Sequence[int],
              spans: Sequence[Span | None] | None = None) -> Changes:
    """Append the items not already in the playlist (videos, or stretches of them)."""
    if not video_ids:
        return NOTHING
    library.add_to_playlist(playlist_id, list(video_ids),
                            None if spans is None else list(spans))
    return PLAYLISTS


def remove_items(library: Library, playlist_id: int, video_ids: Sequence[int]) -> Changes:
    """Take every item of these videos out of the playlist."""
    if not video_ids:
        return NOTHING
    library.remove_from_playlist(playlist_id, list(video_ids))
    return PLAYLISTS


def reorder(library: Library, playlist_id: int, order: Sequence[int]) -> Changes:
    """The playlist's items in this order of their videos (each keeps its stretch)."""
    library.set_playlist_items(playlist_id, list(order))
    return PLAYLISTS


def moved(order: Sequence[int], video_id: int, delta: int) -> list[int]:
    """`order` with `video_id` moved `delta` places (up when negative), kept in bounds."""
    result = list(order)
    index = result.index(video_id)
    result.insert(max(0, min(len(result) - 1, index + delta)), result.pop(index))
    return result


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contents:
    """A playlist's items in play order, with the stretch behind each that plays one (None
    for whole files, and for a stretch a newer timeline no longer has)."""

    items: list[Item]
    stretches: list[StoredStretch | None]

    @property
    def video_ids(self) -> list[int]:
        return [video_id for video_id, _ in self.items]

    @property
    def spans(self) -> list[Span | None]:
        return [span for _, span in self.items]


def contents(library: Library, model: ModelKey, playlist: PlaylistInfo) -> Contents:
    """What the window's table shows: a smart playlist evaluated now, the others as kept."""
    found = rules.playlist_items(library, model, playlist)
    return Contents(found, rules.playlist_stretches(library, model, found))


@dataclass(frozen=True)
class Shown:
    """One item as shown and played: its file's row, what it plays, and its stretch."""

    row: VideoRow
    entry: Entry
    stretch: StoredStretch | None = None

    @property
    def quadrant(self) -> str | None:  # a stretch item shows the stretch's emotion
        return self.stretch.stretch.quadrant if self.stretch else self.row.quadrant

    @property
    def octant(self) -> str | None:
        return self.stretch.stretch.octant if self.stretch else self.row.octant

    @property
    def corrected(self) -> bool:  # a person's tag (of the stretch, for a stretch item)
        return self.stretch.corrected if self.stretch else self.row.corrected


def shown(library: Library, model: ModelKey, playlist: PlaylistInfo) -> list[Shown]:
    """Each item whose file is still in the library, in play order (`playlist show`)."""
    found = contents(library, model, playlist)
    rows = library.rows(model, found.video_ids)
    return [Shown(rows[video_id], entry_for(rows[video_id], playlist.play, span), stretch)
            for (video_id, span), stretch in zip(found.items, found.stretches, strict=True)
            if video_id in rows]


def to_play(library: Library, model: ModelKey, playlist: PlaylistInfo) -> list[Shown]:
    """What "Play playlist" plays: the items whose file is not missing."""
    return [item for item in shown(library, model, playlist) if item.row.status != "missing"]


def listed(library: Library, model: ModelKey) -> list[tuple[PlaylistInfo, int]]:
    """Every playlist, by name, with how many items it has now (`playlist list`)."""
    return [(playlist, len(rules.playlist_items(library, model, playlist)))
            for playlist in library.playlists()]


# -- export ----------------------------------------------------------------------------------


def export(library: Library, model: ModelKey, playlist: PlaylistInfo, target: Path,
           fmt: ExportFormat | str | None = None, *, relative: bool = True) -> Done[int]:
    """Write what the playlist plays to `target` in `fmt` (a format, or its key; None: the
    one `target`'s suffix names, else refused in words). The value is how many entries
    were written. Raises ExportError (an AppError) with the file's name."""
    if fmt is None:
        fmt = format_for(target)
        if fmt is None:
            raise ExportError(f"{target} must end in {formats_in_words()}")
    elif isinstance(fmt, str):
        fmt = format_named(fmt)
    entries = [item.entry for item in shown(library, model, playlist)]
    fmt.write(entries, target, title=playlist.name, relative=relative)
    return Done(len(entries), NOTHING)
