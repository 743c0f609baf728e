"""Playing: a video's preview from its segment, a playlist in its order, one stretch. The
player window is made on the first preview; what it plays is selected in the table."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ver_desktop.core.library import VideoRow
    from ver_desktop.core.library.timelines import StoredStretch
    from ver_desktop.core.usecases.playlists import Shown
    from ver_desktop.gui.details import DetailsPane
    from ver_desktop.gui.library_view import LibraryView
    from ver_desktop.gui.player import Item, PreviewPlayer
    from ver_desktop.gui.sidebar import Sidebar
    from ver_desktop.gui.state import AppState


class Playback(QObject):
    def __init__(self, state: AppState, details: DetailsPane, sidebar: Sidebar,
                 videos: LibraryView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state, self.details, self.sidebar, self.videos = state, details, sidebar, videos
        self.player: PreviewPlayer | None = None  # made on the first preview
        details.preview_requested.connect(self.preview)
        # Space pauses and plays the preview, as in every player (not while typing).
        self.space = QShortcut(QKeySequence(Qt.Key.Key_Space),
                               parent if isinstance(parent, QWidget) else details)
        self.space.setContext(Qt.ShortcutContext.WindowShortcut)
        self.space.activated.connect(self.toggle)

    def toggle(self) -> bool:
        """Pause or play the preview that shows; False when none shows."""
        player = self.player
        if player is None or not player.isVisible() or not player.queue:
            return False
        player.toggle()
        return True

    def ensure_player(self) -> PreviewPlayer:
        if self.player is None:
            from ver_desktop.gui.player import PreviewPlayer

            self.player = PreviewPlayer()
            self.details.set_player(self.player)
            self.player.closed.connect(self.details.player_visibility_changed)
            self.player.item_started.connect(self._playing)
        self.player.show()
        self.details.player_visibility_changed()
        return self.player

    def preview(self, path: str, start: float) -> None:
        """Play one video from its analysed segment."""
        from ver_desktop.gui.player import Item

        row = self.details.row
        mine = row is not None and row.path == path
        self.ensure_player().play_items([Item(path, start, row.name if row and mine
                                              else os.path.basename(path),
                                              row.id if row and mine else None)])

    def play_playlist(self) -> None:
        """Play the playlist shown in the table, in its order: each item from its segment
        (to its end in a segment playlist), a stretch from its start to its end."""
        from ver_desktop.core.usecases.playlists import to_play

        playlist = self.sidebar.place().playlist
        if self.state.session is None or self.sidebar.place().kind != "playlist" \
                or playlist is None:
            self.state.say("Choose a playlist in the sidebar first", 4000)
            return
        self.state.read("read the playlist's videos",
                        lambda s: to_play(s.library, s.model, playlist),
                        self._play_entries)

    def _play_entries(self, found: list[Shown]) -> None:
        from ver_desktop.gui.player import Item

        items = [Item(x.row.path, x.entry.start or 0.0, x.row.name, x.row.id, x.entry.stop)
                 for x in found]
        if not items:
            self.state.say("Nothing to play in this playlist", 4000)
            return
        self.ensure_player().play_items(items)

    def play_stretch(self, kept: StoredStretch) -> None:
        """Play one stretch from its start to its end."""
        from ver_desktop.gui.player import Item

        x = kept.stretch
        self.ensure_player().play_items([Item(kept.path, x.start, kept.name, kept.video_id,
                                              x.end)])

    def leave(self, row: VideoRow | None) -> None:
        """Another video is shown: a preview belongs to the video it was started for."""
        player = self.player
        if player is not None and player.isVisible() and len(player.queue) <= 1 and (
                not player.queue or row is None or player.queue[0].video_id != row.id):
            player.close_player()

    def stop(self) -> None:
        if self.player is not None:
            self.player.stop()

    def _playing(self, item: Item) -> None:
        if item.video_id is not None and item.video_id != self.videos.current_id():
            self.videos.select_id(item.video_id)
