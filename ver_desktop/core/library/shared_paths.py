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
        """From `LOCAL=SHARED` texts (each may hold several pairs separated by ';')."""
        pairs = []
        for entry in entries:
            for item in filter(None, (part.strip() for part in entry.split(";"))):
                local, equals, shared = item.partition("=")
                if not equals or not local.strip() or not shared.strip():
                    raise LibraryError(f"a path map entry is LOCAL=SHARED, such as "
                                       f"/Volumes/Music=/shares/music, not {item!r}")
                pairs.append((_clean(local), _clean(shared)))
        return cls(tuple(pairs))

    def to_shared(self, path: str) -> str:
        return _swap(path, self.pairs)

    def to_local(self, path: str) -> str:
        return _swap(path, tuple((shared, local) for local, shared in self.pairs))


def _clean(prefix: str) -> str:
    prefix = prefix.strip()
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
