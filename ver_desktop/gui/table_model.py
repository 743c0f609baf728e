"""The library as a table: the model holds only the sorted, filtered list of ids and reads
rows a page at a time in the background (Anki's `DataModel`), so 100,000 videos cost a list
of ints. A row not read yet shows as "…" until its page arrives."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from ver_desktop.gui import style
from ver_desktop.gui.columns import COLUMNS, TAG_KEYS, column_of, unreliable
from ver_desktop.gui.tasks import TaskRunner

if TYPE_CHECKING:
    from ver_desktop.core.changes import Changes
    from ver_desktop.core.library import VideoFilter, VideoRow
    from ver_desktop.core.library.timelines import StoredStretch
    from ver_desktop.gui.session import Session
    from ver_desktop.gui.state import AppState
    from ver_desktop.gui.thumbnails import ThumbnailCache

Index = QModelIndex | QPersistentModelIndex
PAGE = 200
CACHE_LIMIT = 20_000

ROWS_MIME = "application/x-ver-desktop-video-ids"  # rows dragged inside a manual playlist


def emotion_words(row: VideoRow) -> str:
    """One short line on a video's emotion, as a grid tile shows it."""
    if row.status == "failed":
        return "failed"
    if row.status == "missing":
        return "missing"
    if unreliable(row):
        return "mostly speech"
    if row.quadrant is None:
        return "not tagged yet"
    words = style.QUADRANT_NAMES[row.quadrant].split(",")[0]
    if row.corrected:
        return f"{words} · {row.octant or 'your tag'} ✎"
    sure = f" · {row.confidence:.0%}" if row.confidence is not None else ""
    return f"{words} · {row.octant or ''}{sure}"


def _warning_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


class LibraryTableModel(QAbstractTableModel):
    ids_loaded = Signal()  # after every new id list (filter, sort, scan)
    row_loaded = Signal(int)  # a video id whose row was (re)read
    reordered = Signal(list)  # a manual playlist's ids in their new order (after a drag)

    def __init__(self, runner: TaskRunner, parent: Any = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.session: Session | None = None
        self._ids: list[int] = []
        self._positions: dict[int, int] = {}
        self._rows: dict[int, VideoRow] = {}
        self._pages_asked: set[int] = set()
        self._generation = 0  # bumped on every new id list; late pages are dropped
        self._filter: VideoFilter | None = None
        self._only: frozenset[int] | None = None  # a selection made on the map
        self._sort, self._descending = "name", False
        self._fixed: list[int] | None = None  # a playlist's ids, in play order
        self.reorderable = False  # rows can be dragged (a manual playlist is shown)
        self.spans: list[tuple[float, float] | None] = []  # the playlist's stretches, by row
        self.stretch_items: list[StoredStretch | None] = []  # and what they are
        self._request = 0  # only the latest id list is shown
        self.working: set[int] = set()  # ids in the running scan
        self.thumbnails: ThumbnailCache | None = None

    def use_thumbnails(self, cache: ThumbnailCache) -> None:
        self.thumbnails = cache
        cache.ready.connect(self._thumbnail_ready)

    def _thumbnail_ready(self, video_id: int) -> None:
        position = self._positions.get(video_id)
        if position is not None:
            index = self.index(position, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    # -- what to show ------------------------------------------------------------------

    def attach(self, session: Session) -> None:
        self.session = session
        self.refresh()

    def follow(self, state: AppState) -> None:
        """Keep to the application state: its session, and the rows its changes name (which
        rows are shown is the window's place to say: a filter, or a playlist)."""
        state.opened.connect(lambda: self.attach(state.session) if state.session else None)
        state.changed.connect(lambda changes: self._changed(state, changes))

    def _changed(self, state: AppState, changes: Changes) -> None:
        if changes.model:
            self.session = state.session
        elif changes.tags and changes.video_ids and not changes.videos:
            self.reload_rows(sorted(changes.video_ids))

    def set_filter(self, where: VideoFilter, only: Iterable[int] | None = None) -> None:
        self._filter = where
        self._only = None if only is None else frozenset(only)
        self.refresh()

    def show_ids(self, ids: list[int] | None, *, reorderable: bool = False,
                 spans: list[tuple[float, float] | None] | None = None,
                 stretches: list[StoredStretch | None] | None = None) -> None:
        """Show exactly these ids in this order (a playlist); None goes back to the query.
        `reorderable`: rows may be dragged to a new place (a manual playlist). `spans`: the
        stretch each item plays (None: as the playlist plays its files), its times shown
        before the name; `stretches`: those stretches, whose emotion the row shows."""
        self._fixed = None if ids is None else list(ids)
        self.spans = list(spans) if spans is not None and ids is not None else []
        self.stretch_items = list(stretches) if stretches is not None and ids is not None \
            else []
        self.reorderable = reorderable and ids is not None
        self.refresh()

    def _stretch_display(self, row: VideoRow, key: str, span: tuple[float, float],
                         position: int) -> str:
        """A playlist item that plays a stretch: its times first, then the file's name;
        the emotion columns are the stretch's (a person's tag of it wins)."""
        if key == "name":
            return f"{style.clock(span[0])}–{style.clock(span[1])}  {row.name}"
        if key == "duration":
            return style.clock(span[1] - span[0])
        if key not in TAG_KEYS:
            return self._display(row, key)
        kept = self._stretch_at(position)
        if kept is None:  # a longer part a mood path plays, or a stretch no timeline has
            return self._display(row, key)  # now: the file's own emotion
        x = kept.stretch
        mark = " ✎" if kept.corrected else ""
        words = style.QUADRANT_NAMES.get(x.quadrant, x.quadrant)
        return {"quadrant": words + mark, "octant": x.octant + mark,
                "confidence": "your tag" if kept.corrected else "–",
                "valence": f"{x.valence:+.2f}", "arousal": f"{x.arousal:+.2f}"}[key]

    def _stretch_at(self, row: int) -> StoredStretch | None:
        return self.stretch_items[row] if row < len(self.stretch_items) else None

    def span_at(self, row: int) -> tuple[float, float] | None:
        """The stretch the playlist item at `row` plays, if it is one."""
        return self.spans[row] if self._fixed is not None and row < len(self.spans) else None

    @property
    def showing_fixed(self) -> bool:
        return self._fixed is not None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        chosen = COLUMNS[column]
        if chosen.sortable and self._fixed is None:
            self._sort, self._descending = chosen.key, order == Qt.SortOrder.DescendingOrder
            self.refresh()

    def refresh(self) -> None:
        """Ask for the id list again (filter, sort or the library changed)."""
        session = self.session
        if session is None:
            return
        self._request += 1
        request = self._request
        if self._fixed is not None:
            self._ids_arrived(request, self._fixed, None)
            return
        from ver_desktop.core.library import VideoFilter

        where = self._filter or VideoFilter()
        sort, descending, only = self._sort, self._descending, self._only

        def query() -> list[int]:
            ids = session.library.video_ids(session.model, where, sort=sort,
                                            descending=descending)
            return ids if only is None else [i for i in ids if i in only]

        self.runner.run(query, lambda ids, error: self._ids_arrived(request, ids, error))

    def _ids_arrived(self, request: int, ids: list[int] | None,
                     error: BaseException | None) -> None:
        if request != self._request:
            return  # a newer filter or sort was asked for meanwhile
        if error is not None or ids is None:
            self.runner.report("read the library", error or RuntimeError("no list came back"))
            return
        self.beginResetModel()
        self._generation += 1
        self._ids = ids
        self._positions = {video_id: row for row, video_id in enumerate(ids)}
        self._pages_asked.clear()
        self._rows.clear()
        self.endResetModel()
        self.ids_loaded.emit()

    def reload_rows(self, ids: Sequence[int]) -> None:
        """Re-read just these rows (the scan committed them, or a correction)."""
        known = [i for i in ids if i in self._positions]
        if known and self.session is not None:
            self._fetch(known)

    # -- lookups -----------------------------------------------------------------------

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, video_id: int) -> int | None:
        return self._positions.get(video_id)

    def video(self, video_id: int) -> VideoRow | None:
        return self._rows.get(video_id)

    def ids(self) -> list[int]:
        return list(self._ids)

    # -- Qt model ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        video_id = self._ids[index.row()]
        row = self._rows.get(video_id)
        if row is None:
            self._want(index.row())
            return "…" if role == Qt.ItemDataRole.DisplayRole and index.column() == 1 else None
        key = COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            span = self.span_at(index.row())
            if span is not None:  # a stretch of the file, not all of it
                return self._stretch_display(row, key, span, index.row())
            return self._display(row, key)
        if role == Qt.ItemDataRole.DecorationRole and key == "thumbnail":
            return self.thumbnails.icon(row) if self.thumbnails is not None else None
        if role == Qt.ItemDataRole.DecorationRole and key == "name" and row.status in (
                "failed", "missing"):
            return _warning_icon()
        if key in TAG_KEYS and role in (Qt.ItemDataRole.ForegroundRole,
                                        Qt.ItemDataRole.FontRole):
            if self.span_at(index.row()) is not None:  # a stretch: its own colour
                kept = self._stretch_at(index.row())
                return style.quadrant_text_colour(kept.stretch.quadrant) \
                    if kept is not None and key == "quadrant" \
                    and role == Qt.ItemDataRole.ForegroundRole else None
            return self._tag_style(row, key, role)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, key)
        if role == Qt.ItemDataRole.UserRole:
            return video_id
        return None

    def _tag_style(self, row: VideoRow, key: str, role: int) -> QColor | QFont | None:
        """Quadrant in its colour; a correction bold; a tag the model cannot vouch for
        (mostly speech) grey and italic."""
        if role == Qt.ItemDataRole.ForegroundRole:
            if unreliable(row):
                return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
            return style.quadrant_text_colour(row.quadrant) \
                if key == "quadrant" and row.quadrant else None
        bold = row.corrected and key in ("quadrant", "octant")
        if not (bold or unreliable(row)):
            return None
        font = QFont()
        font.setBold(bold)
        font.setItalic(unreliable(row))
        return font

    def _tooltip(self, row: VideoRow, key: str) -> str | None:
        if unreliable(row) and key in (*TAG_KEYS, "status"):
            return style.speech_warning(row.speech_likeness)
        if key in ("status", "name") and row.status == "failed" and row.error_reason:
            return f"{row.name}\n{row.error_reason}"  # the whole reason, however long
        return row.error_reason if key == "status" else row.name

    def _display(self, row: VideoRow, key: str) -> str:
        return column_of(key).show(row, row.id in self.working)

    # -- drag to reorder (manual playlists) ----------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self.reorderable:
            flags |= Qt.ItemFlag.ItemIsDragEnabled if index.isValid() \
                else Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [ROWS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(ROWS_MIME, QByteArray(",".join(str(self._ids[r]) for r in rows).encode()))
        return mime

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: Index) -> bool:
        return self.reorderable and data.hasFormat(ROWS_MIME)

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: Index) -> bool:
        """Move the dragged rows before `row` (between rows) or before `parent`'s row
        (dropped on a row); the new order is shown at once and announced by `reordered`."""
        if not self.canDropMimeData(data, action, row, column, parent) or self._fixed is None:
            return False
        text = bytes(data.data(ROWS_MIME).data()).decode()
        moving = [int(i) for i in text.split(",") if i] if text else []
        moving = [i for i in moving if i in self._positions]
        if not moving:
            return False
        target = row if row >= 0 else parent.row() if parent.isValid() else len(self._ids)
        order = list(self._ids)
        before = [i for i in order[:target] if i not in moving]
        after = [i for i in order[target:] if i not in moving]
        new_order = before + moving + after
        if new_order == order:
            return False
        self.show_ids(new_order, reorderable=True)
        self.reordered.emit(new_order)
        return True

    # -- fetching ----------------------------------------------------------------------

    def _want(self, row: int) -> None:
        page = row // PAGE
        if page not in self._pages_asked:
            self._pages_asked.add(page)
            self._fetch(self._ids[page * PAGE:(page + 1) * PAGE])

    def _fetch(self, ids: list[int]) -> None:
        session, generation = self.session, self._generation
        if session is None:
            return

        def done(rows: dict[int, VideoRow] | None, error: BaseException | None) -> None:
            if error is not None:
                self.runner.report("read the library's rows", error)
                return
            if generation == self._generation and rows is not None:
                self._store(rows, ids)

        self.runner.run(lambda: session.library.rows(session.model, ids), done)

    def _store(self, rows: dict[int, VideoRow], asked: list[int]) -> None:
        if len(self._rows) > CACHE_LIMIT:
            self._rows.clear()
            self._pages_asked.clear()
        self._rows.update(rows)
        positions = [self._positions[i] for i in asked if i in self._positions]
        if positions:
            self.dataChanged.emit(self.index(min(positions), 0),
                                  self.index(max(positions), len(COLUMNS) - 1))
        for video_id in rows:
            self.row_loaded.emit(video_id)

    def patch(self, video_id: int, **changes: Any) -> None:
        """Show a change at once (a correction) while the write is on its way."""
        row = self._rows.get(video_id)
        position = self._positions.get(video_id)
        if row is not None and position is not None:
            self._rows[video_id] = replace(row, **changes)
            self.dataChanged.emit(self.index(position, 0),
                                  self.index(position, len(COLUMNS) - 1))
