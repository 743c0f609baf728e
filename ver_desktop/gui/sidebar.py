"""The left column: the whole library, the failed files, the playlists, and a way into
Help it learn."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from ver_desktop.core.library import PlaylistInfo

KIND_MARK = {"manual": "♪", "rule": "⚙", "mood_path": "➚", "stretches": "⚙"}


@dataclass(frozen=True)
class Place:
    kind: str  # library | stretches | failed | playlist
    playlist: PlaylistInfo | None = None


class Sidebar(QWidget):
    place_changed = Signal(object)  # Place
    help_learn = Signal()  # the person asked for the Help it learn view

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setWordWrap(True)  # long playlist names wrap instead of being cut
        self.list.setMinimumWidth(170)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Library</b>"))
        layout.addWidget(self.list)
        self.learn_button = QPushButton("Help it learn…")
        self.learn_button.setToolTip("Answer a few questions about the files it is least "
                                     "sure of; each answer improves the tags of the rest")
        self.learn_button.clicked.connect(self.help_learn)
        layout.addWidget(self.learn_button)
        self.list.currentItemChanged.connect(self._changed)
        self.set_playlists([])

    def set_playlists(self, playlists: list[PlaylistInfo], select: Place | None = None) -> None:
        """Refill the list and select `select` (else what was selected) without telling
        anyone: the caller shows the place."""
        current = select or self.place()
        self.list.blockSignals(True)
        self.list.clear()
        self._add("All videos", Place("library"))
        self._add("Stretches of one emotion", Place("stretches"))
        self._add("Failed files", Place("failed"))
        heading = QListWidgetItem("Playlists")
        heading.setFlags(Qt.ItemFlag.NoItemFlags)
        self.list.addItem(heading)
        for playlist in playlists:
            self._add(f"{KIND_MARK.get(playlist.kind, '')} {playlist.name}",
                      Place("playlist", playlist))
        self.select(current)
        self.list.blockSignals(False)

    def refill(self, playlists: list[PlaylistInfo], select: Place | None = None) -> None:
        """Refill the list, select `select` (else what was selected), and show it: the
        place is read again (a playlist's videos may have changed with it)."""
        self.set_playlists(playlists, select)
        self.place_changed.emit(self.place())

    def playlist_names(self) -> set[str]:
        names = set()
        for row in range(self.list.count()):
            found = self.list.item(row).data(Qt.ItemDataRole.UserRole)
            if isinstance(found, Place) and found.playlist is not None:
                names.add(found.playlist.name)
        return names

    def _add(self, text: str, place: Place) -> None:
        item = QListWidgetItem(text)
        item.setToolTip(text.strip())  # a long playlist name, whole
        item.setData(Qt.ItemDataRole.UserRole, place)
        self.list.addItem(item)

    def place(self) -> Place:
        item = self.list.currentItem()
        found = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return found if isinstance(found, Place) else Place("library")

    def select(self, place: Place) -> None:
        """Select `place` (a playlist by id); fall back to the whole library."""
        for row in range(self.list.count()):
            found = self.list.item(row).data(Qt.ItemDataRole.UserRole)
            if isinstance(found, Place) and _same(found, place):
                self.list.setCurrentRow(row)
                return
        self.list.setCurrentRow(0)

    def _changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        self.place_changed.emit(self.place())


def _same(a: Place, b: Place) -> bool:
    if a.kind != b.kind:
        return False
    return a.playlist is None or b.playlist is None or a.playlist.id == b.playlist.id
