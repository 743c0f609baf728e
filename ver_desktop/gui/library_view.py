"""The browsing area: filters above a table (or a thumbnail grid) of the library."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListView,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ver_desktop.gui.columns import COLUMNS, column_of, position
from ver_desktop.gui.filters import FilterBar
from ver_desktop.gui.table_model import LibraryTableModel, emotion_words


class LibraryTable(QTableView):
    """The library table, for the keyboard: Return previews the current video, Tab moves
    on to the next widget (not the next cell), and Ctrl+Home/End/PageUp/PageDown select
    the row they move to, so the highlighted row, the details pane and what Alt+1 tags
    are always the same video."""

    preview_requested = Signal()
    _JUMPS = (Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)

    def __init__(self) -> None:
        super().__init__()
        self.setTabKeyNavigation(False)

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Home/End (with Ctrl: the first/last row) keep the column the cursor is in, so
        the table does not scroll sideways and take the Name column out of view."""
        found = super().moveCursor(action, modifiers)
        moves = (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd)
        if action in moves and found.isValid():
            current = self.currentIndex()
            return found.siblingAtColumn(current.column() if current.isValid()
                                         else position("name"))
        return found

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                self.currentIndex().isValid():
            self.preview_requested.emit()
            return
        super().keyPressEvent(event)

    def selectionCommand(self, index: QModelIndex | QPersistentModelIndex,
                         event: QEvent | None = None) -> QItemSelectionModel.SelectionFlag:
        if isinstance(event, QKeyEvent) and event.key() in self._JUMPS:
            return (QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
        return super().selectionCommand(index, event)


@dataclass(frozen=True)
class _Kept:
    """What the person had chosen in the table before its rows were replaced."""

    current: int | None  # video ids
    selected: list[int]
    top: int | None  # the video in the table's top row
    top_row: int  # and that row (-1: none)
    current_seen: bool  # the current row was in view


class LibraryView(QWidget):
    current_changed = Signal(object)  # video id or None

    def __init__(self, model: LibraryTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.filters = FilterBar()
        self.table = LibraryTable()
        self.table.setModel(model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setIconSize(QSize(48, 27))
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)  # playlists
        self.table.setDragDropOverwriteMode(False)
        self.table.setDropIndicatorShown(True)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for index, column in enumerate(COLUMNS):
            header.resizeSection(index, column.width)
        self.table.setColumnHidden(0, model.thumbnails is None)
        self.grid = QListView()
        self.grid.setModel(model)
        self.grid.setModelColumn(0)
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setIconSize(QSize(160, 90))
        self.grid.setGridSize(QSize(176, 140))
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setUniformItemSizes(True)
        self.grid.setMovement(QListView.Movement.Static)  # tiles stay in the model's order
        self.grid.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.grid.setItemDelegate(NamedTileDelegate(self.grid))
        self.grid.setSelectionModel(self.table.selectionModel())
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.grid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filters)
        layout.addWidget(self.stack, 1)
        self.table.selectionModel().currentRowChanged.connect(self._current_row)
        self._kept: _Kept | None = None
        self._failures_width: int | None = None  # the name column's width before
        model.modelAboutToBeReset.connect(self._remember)
        model.modelReset.connect(self._restore)

    def _remember(self) -> None:
        """Before a new id list (filter, sort, scan) replaces the rows: which videos were
        selected and current, and which one was at the top of the table."""
        top = self.table.rowAt(0)
        current = self.table.selectionModel().currentIndex()
        seen = current.isValid() and self.table.viewport().rect().intersects(
            self.table.visualRect(current))
        self._kept = _Kept(self.current_id(), self._selected_row_ids(),
                           self.model.id_at(top) if top >= 0 else None, top, seen)

    def _restore(self) -> None:
        """A reset clears the selection model; without this, a rescan the folder watcher
        started left only the current row selected, and whatever acted on "the selected
        files" next acted on one. The videos still in the list stay selected, the current
        one stays current, and the table does not scroll."""
        kept, self._kept = self._kept, None
        if kept is None:
            self.current_changed.emit(None)
            return
        selection_model = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        rows = sorted(r for i in kept.selected if (r := self.model.row_of(i)) is not None)
        if rows:
            selection_model.select(self._rows_selection(rows), flags.ClearAndSelect)
        current = self.model.row_of(kept.current) if kept.current is not None else None
        if current is None:
            self.current_changed.emit(None)
        else:  # made current without touching the selection just restored
            selection_model.setCurrentIndex(self.model.index(current, 1), flags.NoUpdate)
        self._keep_top(kept, current)

    def _keep_top(self, kept: _Kept, current: int | None) -> None:
        """Rows added or removed above the top one would move the view: scroll it back.
        A current row that was in view stays in view (a new sort or filter moves it)."""
        top = self.model.row_of(kept.top) if kept.top is not None else None
        if top == kept.top_row:
            return  # the same row is at the top already (Qt keeps the scroll value)
        self.table.doItemsLayout()  # the scroll range follows the new row count now
        if top is not None:
            column = max(self.table.columnAt(0), 0)
            self.table.scrollTo(self.model.index(top, column),
                                QAbstractItemView.ScrollHint.PositionAtTop)
        if current is not None and (kept.current_seen or top is None):
            self.table.scrollTo(self.model.index(current, self.table.currentIndex().column()))

    def _selected_row_ids(self) -> list[int]:
        """The ids of the selected rows, read from the selection's ranges (a row counts
        if any of its cells is: the grid selects one column)."""
        selection = self.table.selectionModel().selection()
        rows = {row for n in range(selection.size())
                for row in range(selection.at(n).top(), selection.at(n).bottom() + 1)}
        return [i for r in sorted(rows) if (i := self.model.id_at(r)) is not None]

    def _rows_selection(self, rows: list[int]) -> QItemSelection:
        """Whole rows, as few ranges as runs of neighbouring rows (all 100,000 rows of a
        Ctrl+A are one range, not 100,000)."""
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        start = previous = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == previous + 1:
                previous = row
                continue
            selection.select(self.model.index(start, 0), self.model.index(previous, last))
            if row is not None:
                start = previous = row
        return selection

    def show_failures(self, on: bool) -> None:
        """In the Failed files view the emotion columns are empty: hide them and give the
        name column (where each file's reason is) their room; restore them after."""
        header = self.table.horizontalHeader()
        name = position("name")
        if on == (self._failures_width is not None):  # already so
            return
        for index, column in enumerate(COLUMNS):
            if not column.when_failed:
                self.table.setColumnHidden(index, on)
        if on:
            self._failures_width = header.sectionSize(name)
            header.resizeSection(name, max(self._failures_width, 560))
        else:
            header.resizeSection(name, self._failures_width or column_of("name").width)
            self._failures_width = None

    def show_grid(self, grid: bool) -> None:
        self.stack.setCurrentWidget(self.grid if grid else self.table)

    def _current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(self.model.id_at(current.row()) if current.isValid()
                                  else None)

    def current_id(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        """The selected videos in table order (the current one when none is)."""
        current = self.current_id()
        return self._selected_row_ids() or ([current] if current is not None else [])

    def select_id(self, video_id: int) -> bool:
        row = self.model.row_of(video_id)
        if row is None:
            return False
        index = self.model.index(row, 1)
        self.table.selectionModel().setCurrentIndex(
            index, self.table.selectionModel().SelectionFlag.ClearAndSelect
            | self.table.selectionModel().SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def save_state(self) -> QByteArray:
        self.show_failures(False)  # remember the library's columns, not the failed view's
        return self.table.horizontalHeader().saveState()

    def restore_state(self, state: object) -> None:
        if isinstance(state, QByteArray | bytes) and state:
            self.table.horizontalHeader().restoreState(QByteArray(state))
        self.table.setColumnHidden(0, self.model.thumbnails is None)


class NamedTileDelegate(QStyledItemDelegate):
    """The grid shows the thumbnail column; this puts the video's name and its emotion in
    words ("Happy · aroused · 72 %", "mostly speech") under each picture,
    and gives every tile the same size whether its picture has arrived or not (the view's
    uniform size is taken from whichever tile it measures first)."""

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        view = self.parent()
        icon = view.iconSize() if isinstance(view, QListView) else QSize(160, 90)
        return QSize(icon.width() + 8, icon.height() + 2 * option.fontMetrics.height() + 12)

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        model = index.model()
        row = model.video(index.data(Qt.ItemDataRole.UserRole)) \
            if isinstance(model, LibraryTableModel) else None
        # The bare name (the name column adds a failed file's reason), and each line elided
        # on its own: elided together, the two ran into one ("Copy of holid…e filefailed").
        name = row.name if row is not None else str(
            model.index(index.row(), 1).data(Qt.ItemDataRole.DisplayRole) or "")
        emotion = emotion_words(row) if row is not None else ""
        width = option.rect.width() - 8 if option.rect.width() > 8 else 160
        metrics = option.fontMetrics
        lines = [metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, width)]
        if emotion:
            lines.append(metrics.elidedText(emotion, Qt.TextElideMode.ElideRight, width))
        option.text = "\u2028".join(lines)  # a line break the style keeps ("\n" it drops)
        option.textElideMode = Qt.TextElideMode.ElideNone
        # WrapText: the style breaks lines only then (else the two lines are drawn as one)
        option.features |= (QStyleOptionViewItem.ViewItemFeature.HasDisplay
                            | QStyleOptionViewItem.ViewItemFeature.WrapText)
