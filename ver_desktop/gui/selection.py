"""What the person has chosen in the middle of the window: videos in the table, or
stretches of one emotion. Actions ask this, not the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ver_desktop.gui.sidebar import Sidebar

if TYPE_CHECKING:
    from ver_desktop.gui.library_view import LibraryView
    from ver_desktop.gui.stretches import StretchesView

Span = tuple[float, float]


class Selection:
    def __init__(self, sidebar: Sidebar, videos: LibraryView, stretches: StretchesView) -> None:
        self.sidebar, self.videos, self.stretches = sidebar, videos, stretches

    def showing_stretches(self) -> bool:
        return self.sidebar.place().kind == "stretches"

    def items(self) -> tuple[list[int], list[Span | None]]:
        """What is selected, as playlist items: videos, or stretches of them."""
        if self.showing_stretches():
            chosen = self.stretches.selected()
            return ([k.video_id for k in chosen],
                    [(k.stretch.start, k.stretch.end) for k in chosen])
        ids = self.videos.selected_ids()
        return ids, [None] * len(ids)
