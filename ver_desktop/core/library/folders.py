"""The library's folders: the places a scan looks for videos, and forgetting one."""

from __future__ import annotations

from sqlalchemy import delete, select

from ver_desktop.core.library import browse
from ver_desktop.core.library.base import LibraryBase
from ver_desktop.core.library.browse import under_roots
from ver_desktop.core.library.schema import LibraryFolder, Video


class FolderStore(LibraryBase):
    def add_folder(self, path: str) -> None:
        with self.session() as s, s.begin():
            if s.scalar(select(LibraryFolder.id).where(LibraryFolder.path == path)) is None:
                s.add(LibraryFolder(path=path))

    def remove_folder(self, path: str) -> None:
        with self.session() as s, s.begin():
            folder = s.scalar(select(LibraryFolder).where(LibraryFolder.path == path))
            if folder is not None:
                s.delete(folder)

    def folders(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(LibraryFolder.path).order_by(LibraryFolder.path)))

    def forget_folder(self, path: str) -> int:
        """Remove a library folder and the videos under it that no other library folder
        holds (their tags, corrections and playlist entries go with them). Files on disk
        are never touched. Returns how many videos were forgotten."""
        self.remove_folder(path)
        others = self.folders()  # nested ones included: they stay, and so do their videos
        with self.session() as s, s.begin():
            doomed = list(s.scalars(select(Video.id).where(
                under_roots([path]), ~under_roots(others))))
            for part in browse.chunks(doomed):
                s.execute(delete(Video).where(Video.id.in_(part)))
        return len(doomed)
