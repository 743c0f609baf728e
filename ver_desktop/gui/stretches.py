"""The stretches view, beside "All videos": every stretch of one emotion across the files'
timelines, as items of their own, to filter ("calm stretches of at least 2 minutes"), play,
tag one by one and make playlists of."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ver_desktop.core.labels import QUADRANTS
from ver_desktop.core.text import count_of
from ver_desktop.gui import style
from ver_desktop.gui.flow_layout import FlowLayout, kept_together

if TYPE_CHECKING:
    from ver_desktop.core.library.timelines import StoredStretch, StretchFilter

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("File", "From", "To", "Length", "Mood", "Emotion")
EMPTY = ("No stretches yet. Each file's emotion over time is worked out in the background "
         "after its tag (a minute or two for a film); its stretches then appear here.")


TALK = "talk"  # a stretch of talk: no emotion to show
TYPICAL_NAME = "Birthday - grandma.mp4"  # the File column holds this much at the narrowest
# the other columns' usual widest words (they fit their contents: a longer film's times,
# or a tagged "frustrated ✎", take a little of the File column's room)
USUAL_WIDEST = ("", "9:59", "9:59", "9:59", "happy", "miserable")
CELL_PADDING = 12  # a cell's margins and focus frame, either side together


def is_talk(kept: StoredStretch) -> bool:
    """Shown as talk: talk the person has not tagged with an emotion."""
    return kept.stretch.speech and not kept.corrected


def mood_word(quadrant: str) -> str:
    """The first of the quadrant's plain words (happy, tense, sad, calm): the colour and the
    Emotion column say the rest, and the File column keeps the room (the full words cut
    names to "Birthday - gr…" at the window's narrowest)."""
    return style.QUADRANT_NAMES.get(quadrant, quadrant).split(",")[0]


class StretchTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[StoredStretch] = []

    def set_items(self, items: list[StoredStretch]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        kept = self.items[index.row()]
        x, column = kept.stretch, COLUMNS[index.column()]
        talk = is_talk(kept)
        if role == Qt.ItemDataRole.DisplayRole:
            return {"File": kept.name, "From": style.clock(x.start), "To": style.clock(x.end),
                    "Length": style.clock(x.seconds),
                    "Mood": TALK if talk else mood_word(x.quadrant),
                    "Emotion": "–" if talk else x.octant + (" ✎" if kept.corrected else "")
                    }[column]
        if role == Qt.ItemDataRole.ForegroundRole and column in ("Mood", "Emotion"):
            return style.colour(None) if talk else style.quadrant_text_colour(x.quadrant)
        if role == Qt.ItemDataRole.ToolTipRole:
            mark = "\nYour tag" if kept.corrected else ""
            mood = "talk" if talk else style.QUADRANT_NAMES.get(x.quadrant, x.quadrant)
            return (f"{kept.path}\n{style.clock(x.start)} – {style.clock(x.end)}: {mood}"
                    f"{mark}")
        return None


class StretchesView(QWidget):
    changed = Signal()  # the filters changed: read the stretches again
    current_changed = Signal(object)  # StoredStretch | None
    play_requested = Signal(object)  # StoredStretch

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = StretchTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumWidth(self._least_width())
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda index: self._play(index.row()))
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.current_changed.emit(self.at(current.row())))
        self.emotion = QComboBox()
        self.emotion.addItem("Any emotion", None)
        for quadrant in QUADRANTS:
            self.emotion.addItem(style.QUADRANT_NAMES[quadrant].capitalize(), quadrant)
        self.minutes = QDoubleSpinBox()
        self.minutes.setRange(0, 600)
        self.minutes.setDecimals(1)
        self.minutes.setSuffix(" min")
        self.minutes.setSpecialValueText("any length")
        self.include_talk = QCheckBox("Include talk")
        self.include_talk.setToolTip("Stretches of talk have no emotion the model can "
                                     "read: they are left out unless this is ticked, with "
                                     "or without an emotion chosen")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name…")
        self.search.setClearButtonEnabled(True)
        # room for its words and what is typed (it was squeezed to "S…"): the row wraps
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance(
            self.search.placeholderText()) + 36)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        for signal in (self.emotion.currentIndexChanged, self.minutes.valueChanged,
                       self.search.textChanged, self.include_talk.toggled):
            signal.connect(self.changed)
        bar = QWidget()  # wraps onto more rows rather than squeezing or widening
        row = FlowLayout(bar)
        for widget in (self.search, self.emotion, kept_together(QLabel("at least"), self.minutes),
                       self.include_talk):
            row.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.caption)

    def _least_width(self) -> int:
        """Room for a typical name in the File column beside the others at their usual
        widths, with the scroll bar: the window's narrowest keeps it (the File column took
        what was left and cut names to "Birthday - gr…")."""
        header, metrics = self.table.horizontalHeader(), self.table.fontMetrics()
        columns = sum(max(header.sectionSizeHint(c),
                          metrics.horizontalAdvance(USUAL_WIDEST[c]) + CELL_PADDING)
                      for c in range(1, len(COLUMNS)))
        name = metrics.horizontalAdvance(TYPICAL_NAME) + CELL_PADDING
        return (name + columns + self.table.verticalScrollBar().sizeHint().width()
                + 2 * self.table.frameWidth())

    def where(self) -> StretchFilter:
        from ver_desktop.core.library.timelines import StretchFilter

        quadrant = self.emotion.currentData()
        return StretchFilter(quadrants=frozenset({quadrant}) if quadrant else frozenset(),
                             min_seconds=self.minutes.value() * 60 or None,
                             search=self.search.text().strip(),
                             include_talk=self.include_talk.isChecked())

    def show_items(self, items: list[StoredStretch]) -> None:
        chosen = {k.id for k in self.selected()}
        self.model.set_items(items)
        files = len({k.video_id for k in items})
        minutes = sum(k.stretch.seconds for k in items) / 60
        self.caption.setText(EMPTY if not items and not self._filtered() else
                             f"{count_of(len(items), 'stretch')} from "
                             f"{count_of(files, 'file')}, {minutes:.0f} min in all. "
                             "Double-click or Return plays one; the Tag menu tags the "
                             "selected stretches only.")
        for row, kept in enumerate(items):
            if kept.id in chosen:
                self.table.selectRow(row)

    def _filtered(self) -> bool:
        return bool(self.emotion.currentData() or self.minutes.value() or self.search.text())

    def at(self, row: int) -> StoredStretch | None:
        return self.model.items[row] if 0 <= row < len(self.model.items) else None

    def selected(self) -> list[StoredStretch]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.items[r] for r in rows if r < len(self.model.items)]

    def select_stretch(self, stretch_id: int) -> bool:
        for row, kept in enumerate(self.model.items):
            if kept.id == stretch_id:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
                return True
        return False

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._play(self.table.currentIndex().row())
        else:
            super().keyPressEvent(event)

    def _play(self, row: int) -> None:
        kept = self.at(row)
        if kept is not None:
            self.play_requested.emit(kept)
