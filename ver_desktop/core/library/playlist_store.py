"""Playlists as the library keeps them: their names, kinds and rules, and their items in
order (a video, or a stretch of it). What a smart playlist holds comes from its rule, in
`ver_desktop.core.playlists`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ver_desktop.core.errors import LibraryError
from ver_desktop.core.library.base import LibraryBase
from ver_desktop.core.library.schema import Playlist, PlaylistItem, utcnow

PLAY_MODES = ("segment", "file")  # what each item of a playlist plays
# manual | smart of files ("rule") | mood path | smart of stretches (a StretchFilter)
PLAYLIST_KINDS = ("manual", "rule", "mood_path", "stretches")


def check_play(play: str) -> None:
    if play not in PLAY_MODES:
        raise ValueError(f"a playlist plays one of {', '.join(PLAY_MODES)}, not {play!r}")


MAX_PLAYLIST_NAME = 200  # characters; a unique index on PostgreSQL holds ~2,700 bytes


class PlaylistNameTaken(LibraryError):
    """Another playlist has this name (perhaps made a moment ago in another window)."""


Span = tuple[float, float]  # seconds from the start of the file
Item = tuple[int, Span | None]  # a playlist item: a video, and the stretch of it it plays


@dataclass(frozen=True)
class PlaylistInfo:
    id: int
    name: str
    kind: str  # manual | rule | mood_path
    rule: dict[str, Any] | None
    play: str = "segment"  # each item plays its analysed segment, or the whole "file"


class PlaylistStore(LibraryBase):
    def create_playlist(self, name: str, kind: str, rule: dict[str, Any] | None = None,
                        video_ids: Sequence[int] = (), play: str = "segment",
                        spans: Sequence[Span | None] | None = None) -> int:
        """A playlist of `video_ids` in order; `spans` (one per video, or None) makes items
        of stretches: each plays from its start to its end, whatever `play` says."""
        if kind not in PLAYLIST_KINDS:
            raise ValueError(f"unknown playlist kind {kind!r}")
        check_play(play)
        with _one_name(name), self.session() as s, s.begin():
            playlist = Playlist(name=_playlist_name(name), kind=kind, rule=rule, play=play)
            s.add(playlist)
            s.flush()
            _write_items(s, playlist.id, _items(video_ids, spans))
            return playlist.id

    def playlists(self) -> list[PlaylistInfo]:
        with self.session() as s:
            return [PlaylistInfo(p.id, p.name, p.kind, p.rule, p.play)
                    for p in s.scalars(select(Playlist).order_by(func.lower(Playlist.name),
                                                                 Playlist.id))]

    def playlist(self, playlist_id: int) -> PlaylistInfo | None:
        with self.session() as s:
            p = s.get(Playlist, playlist_id)
            return None if p is None else PlaylistInfo(p.id, p.name, p.kind, p.rule, p.play)

    def update_playlist(self, playlist_id: int, *, name: str | None = None,
                        rule: dict[str, Any] | None = None, play: str | None = None) -> None:
        if play is not None:
            check_play(play)
        with _one_name(name or ""), self.session() as s, s.begin():
            playlist = s.get(Playlist, playlist_id)
            if playlist is None:
                raise KeyError(playlist_id)
            if name is not None:
                playlist.name = _playlist_name(name)
            if rule is not None:
                playlist.rule = rule
            if play is not None:
                playlist.play = play

    def delete_playlist(self, playlist_id: int) -> None:
        with self.session() as s, s.begin():
            s.execute(delete(Playlist).where(Playlist.id == playlist_id))

    def playlist_video_ids(self, playlist_id: int) -> list[int]:
        """A manual or mood-path playlist's videos in order (a smart playlist's come from
        its rule: see `ver_desktop.core.playlists`)."""
        return [video_id for video_id, _ in self.playlist_items(playlist_id)]

    def playlist_items(self, playlist_id: int) -> list[Item]:
        """A manual or mood-path playlist's items in order: (video id, its stretch or
        None)."""
        with self.session() as s:
            return _read_items(s, playlist_id)

    def set_playlist_items(self, playlist_id: int, video_ids: Sequence[int],
                           spans: Sequence[Span | None] | None = None) -> None:
        """Replace a playlist's items with `video_ids`, in that order (reordering too).
        Without `spans`, each video keeps the stretch it had in the playlist (the first
        one not yet taken, for a video listed more than once)."""
        def edit(current: list[Item]) -> list[Item]:
            if spans is not None:
                return _items(video_ids, spans)
            left = list(current)
            kept = []
            for video_id in video_ids:
                found = next((item for item in left if item[0] == video_id), (video_id, None))
                if found in left:
                    left.remove(found)
                kept.append(found)
            return kept

        self._edit_items(playlist_id, edit)

    def add_to_playlist(self, playlist_id: int, video_ids: Sequence[int],
                        spans: Sequence[Span | None] | None = None) -> None:
        """Append items not already in the playlist (a video, or a stretch of it)."""
        new = _items(video_ids, spans)
        self._edit_items(playlist_id, lambda current: current + [
            item for item in dict.fromkeys(new) if item not in set(current)])

    def remove_from_playlist(self, playlist_id: int, video_ids: Sequence[int]) -> None:
        """Remove every item of these videos."""
        gone = set(video_ids)
        self._edit_items(playlist_id, lambda current: [i for i in current if i[0] not in gone])

    def _edit_items(self, playlist_id: int, edit: Callable[[list[Item]], list[Item]]) -> None:
        """Read, change and write a playlist's items in one transaction that writes the
        playlist's row first: two people editing one playlist of a shared library take
        turns (PostgreSQL's row lock; SQLite's write lock, taken before any read so the
        transaction never has to upgrade) instead of one edit's rows surviving beside the
        other's."""
        with self.session() as s, s.begin():
            s.execute(update(Playlist).where(Playlist.id == playlist_id)
                      .values(updated_at=utcnow()))
            current = _read_items(s, playlist_id)
            s.execute(delete(PlaylistItem).where(PlaylistItem.playlist_id == playlist_id))
            _write_items(s, playlist_id, edit(current))


def _playlist_name(name: str) -> str:
    if not name.strip():
        raise LibraryError("a playlist needs a name")
    if len(name) > MAX_PLAYLIST_NAME:
        raise LibraryError(f"a playlist's name is at most {MAX_PLAYLIST_NAME} characters")
    return _storable(name)


@contextmanager
def _one_name(name: str) -> Iterator[None]:
    """The database keeps playlist names unique; its refusal becomes a sentence."""
    try:
        yield
    except IntegrityError as exc:
        if "name" not in str(exc.orig):
            raise
        raise PlaylistNameTaken(f"a playlist named {name!r} exists already; choose another "
                                "name") from None


def _storable(text: str) -> str:
    """`text` as UTF-8 can hold it: an unpaired surrogate (from a file name that is not
    valid UTF-8, pasted) becomes U+FFFD instead of failing the write."""
    return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _items(video_ids: Sequence[int], spans: Sequence[Span | None] | None) -> list[Item]:
    if spans is None:
        return [(v, None) for v in video_ids]
    if len(spans) != len(video_ids):
        raise ValueError("give one span (or None) per video")
    return [(v, None if span is None else (float(span[0]), float(span[1])))
            for v, span in zip(video_ids, spans, strict=True)]


def _read_items(s: Session, playlist_id: int) -> list[Item]:
    rows = s.execute(select(PlaylistItem.video_id, PlaylistItem.start, PlaylistItem.end)
                     .where(PlaylistItem.playlist_id == playlist_id)
                     .order_by(PlaylistItem.position, PlaylistItem.id))
    return [(v, None if start is None or end is None else (start, end))
            for v, start, end in rows]


def _write_items(s: Session, playlist_id: int, items: Sequence[Item]) -> None:
    if items:
        s.execute(insert(PlaylistItem), [
            {"playlist_id": playlist_id, "video_id": v, "position": i,
             "start": span[0] if span else None, "end": span[1] if span else None}
            for i, (v, span) in enumerate(items)])
