"""Paths in a library shared by several computers, which mount the same share at
different places (/Volumes/Music on a Mac, /mnt/music on a Linux box).

The library stores each path in a form every computer agrees on, and each computer says
where that form lives for it: a path map of `LOCAL=SHARED` pairs, for example
`/Volumes/Music=/shares/music` on one computer and `/mnt/music=/shares/music` on another.
A path under LOCAL is stored as the same path under SHARED, and read back as the local one;
a path under no LOCAL is stored as it is. The map is applied where paths meet the
database (`schema.FsPath`, `browse.under_roots`), so everything above it (scans, the
watcher, playback, exports) sees this computer's own paths.

One computer, one map: it is set for the process when a library is opened.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from ver_desktop.core.errors import LibraryError

PATH_MAP_ENV = "VER_DESKTOP_PATH_MAP"  # LOCAL=SHARED pairs separated by ';'


@dataclass(frozen=True)
class PathMap:
    pairs: tuple[tuple[str, str], ...] = ()  # (local prefix, shared prefix)

    @classmethod
    def parse(cls, entries: Sequence[str]) -> PathMap:
        """From `LOCAL=SHARED` texts (each may hold several pairs separated by ';'). A
        folder whose name holds '=' or ';' writes it as '\\=' or '\\;'. A map that could
        put two files at one path, or a file at a path that is not its own, is refused."""
        pairs = []
        for entry in entries:
            for item in _split(entry, ";"):
                if item.strip():
                    pairs.append(_pair(item))
        _check(pairs)
        return cls(tuple(dict.fromkeys(pairs)))

    def to_shared(self, path: str) -> str:
        return _swap(path, self.pairs)

    def to_local(self, path: str) -> str:
        return _swap(path, tuple((shared, local) for local, shared in self.pairs))


_ESCAPE = "\\"  # in a map, '\=' and '\;' are an '=' or ';' in a folder's name


def _split(text: str, separator: str) -> list[str]:
    """`text` cut at each `separator` that no backslash escapes (escapes are kept)."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == _ESCAPE:
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _unescape(text: str) -> str:
    """Undo the escapes of '=', ';' and the backslash; any other backslash stays (a
    Windows path)."""
    out, chars = [], iter(text)
    for char in chars:
        following = next(chars, "") if char == _ESCAPE else ""
        out.append(following if following and following in "=;" + _ESCAPE
                   else char + following)
    return "".join(out)


def _pair(item: str) -> tuple[str, str]:
    halves = [_unescape(half) for half in _split(item.strip(), "=")]
    if len(halves) != 2 or not halves[0].strip() or not halves[1].strip():
        raise LibraryError(f"a path map entry is LOCAL=SHARED, such as "
                           f"/Volumes/Music=/shares/music (write '=' in a folder's name as "
                           f"'\\='), not {item.strip()!r}")
    local, shared = (_clean(half) for half in halves)
    for prefix in (local, shared):
        if not os.path.isabs(prefix):
            raise LibraryError(f"a path map needs whole paths from the top, not {prefix!r}")
    return local, shared


def _check(pairs: Sequence[tuple[str, str]]) -> None:
    """Refuse maps under which a path would not come back as itself or two files would
    share one stored path: two folders under one shared name, folders inside each other
    on either side, or a shared name inside a local folder or holding one."""
    mapped = [pair for pair in dict.fromkeys(pairs) if pair[0] != pair[1]]
    for index, (local, shared) in enumerate(mapped):
        for other_local, other_shared in mapped[index + 1:]:
            if shared == other_shared:
                raise LibraryError(f"the path map stores both {local} and {other_local} as "
                                   f"{shared}: give each folder a shared name of its own")
            if _nested(shared, other_shared):
                raise LibraryError(f"the path map's shared names {shared} and {other_shared} "
                                   "lie one inside the other: give each folder a name "
                                   "outside the others")
            if _nested(local, other_local):
                raise LibraryError(f"the path map maps {local} and {other_local}, one inside "
                                   "the other: map each share once, at its top")
        for other_local, _ in mapped:
            if _nested(shared, other_local):
                raise LibraryError(
                    f"the path map's shared name {shared} and its folder {other_local} lie "
                    "one inside the other: files there could not be told from mapped ones. "
                    "Choose shared names outside the local folders")


def _nested(one: str, other: str) -> bool:
    return _within(one, other) or _within(other, one)


def _within(path: str, folder: str) -> bool:
    """`path` is `folder` or lies under it (whole path components)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _clean(prefix: str) -> str:
    prefix = os.path.normpath(prefix.strip())
    return prefix.rstrip(os.sep) or os.sep


def _swap(path: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """`path` with the longest matching `from` prefix (whole path components) replaced."""
    matching = [(old, new) for old, new in pairs
                if path == old or path.startswith(old.rstrip(os.sep) + os.sep)]
    if not matching:
        return path
    old, new = max(matching, key=lambda pair: len(pair[0]))
    rest = path[len(old):].lstrip(os.sep)
    return os.path.join(new, rest) if rest else new


_current = PathMap()


def use(path_map: PathMap) -> None:
    """This process's map (opening a library sets it)."""
    global _current
    _current = path_map


def current() -> PathMap:
    return _current


def from_environment(extra: Sequence[str] = ()) -> PathMap:
    """`--path-map` options, then $VER_DESKTOP_PATH_MAP."""
    entries = list(extra)
    if os.environ.get(PATH_MAP_ENV):
        entries.append(os.environ[PATH_MAP_ENV])
    return PathMap.parse(entries)
