"""The library's folders and files: add folders (they are watched and rescanned), forget a
folder, forget files; nothing on the disk is ever touched. Called by the window
(gui/folder_actions.py `FolderActions`) and by `scan [DIR...]` (cli/scan.py:
`roots_to_scan`, then `add_folders`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ver_desktop.core.changes import NOTHING, Changes, Done
from ver_desktop.core.errors import AppError

if TYPE_CHECKING:
    from ver_desktop.core.library import Library


class MissingPath(AppError):
    """A folder or file to scan that is not there."""


def roots_to_scan(library: Library, given: Sequence[str], *,
                  default: str | None = None) -> list[str]:
    """What `scan` reads: the paths given (absolute), else the library's folders, else
    `default` (the Videos folder) when it is a folder, else nothing. Raises MissingPath
    for a given path that does not exist."""
    roots = [os.path.abspath(p) for p in given] or library.folders()
    if not roots and default is not None and os.path.isdir(default):
        roots = [default]
    for root in roots:
        if not os.path.exists(root):
            raise MissingPath(f"{root} does not exist")
    return roots


def add_folders(library: Library, paths: Sequence[str]) -> Done[int]:
    """The folders among `paths` join the library's folders (files, and paths that are not
    there, are left alone: a scan reads those on their own). The value is how many were
    new to the library."""
    known = set(library.folders())
    new = [folder for folder in dict.fromkeys(os.path.abspath(p) for p in paths
                                              if os.path.isdir(p)) if folder not in known]
    for folder in new:
        library.add_folder(folder)
    return Done(len(new), Changes(folders=True) if new else NOTHING)


def forget_folder(library: Library, folder: str) -> Done[int]:
    """The folder leaves the library with the videos under it that no other library folder
    holds (their tags, timelines and playlist items go too). The value is how many videos
    were forgotten."""
    count = library.forget_folder(folder)
    return Done(count, Changes(folders=True, videos=bool(count), playlists=bool(count)))


def forget_files(library: Library, video_ids: Sequence[int]) -> Done[int]:
    """These videos leave the library (a rescan of a folder that still holds one adds it
    again). The value is how many were asked to go."""
    if not video_ids:
        return Done(0, NOTHING)
    count = library.forget_videos(video_ids)
    return Done(count, Changes(videos=True, playlists=True, video_ids=frozenset(video_ids)))
