"""Search and emotion filters above the table: name search, quadrant and octant toggles, a
confidence threshold, and the region chosen on the map."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QToolButton,
    QWidget,
)

from ver_desktop.core.labels import OCTANT_QUADRANT, OCTANTS, QUADRANTS
from ver_desktop.gui import style
from ver_desktop.gui.flow_layout import FlowLayout, kept_together

if TYPE_CHECKING:
    from ver_desktop.core.library import VideoFilter


@dataclass(frozen=True)
class FilterState:
    search: str = ""
    quadrants: frozenset[str] = frozenset()
    octants: frozenset[str] = frozenset()
    min_confidence: float = 0.0
    map_ids: frozenset[int] | None = None  # a region chosen on the map
    statuses: frozenset[str] = field(default_factory=frozenset)
    include_talk: bool = False  # mostly-talk files pass the emotion filters too

    def video_filter(self) -> VideoFilter:
        from ver_desktop.core.library import VideoFilter  # engine loads after the window

        return VideoFilter(quadrants=self.quadrants, octants=self.octants,
                           min_confidence=self.min_confidence or None, search=self.search,
                           statuses=self.statuses, include_talk=self.include_talk)


def _toggle(text: str, tip: str, colour: str) -> QToolButton:
    """A filter button that looks plainly on when on: its quadrant's colour, bold."""
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setCheckable(True)
    button.setStyleSheet(f"QToolButton:checked {{ background: {colour}; color: black; "
                         f"font-weight: bold; border: 2px solid black; }}")
    return button


def quadrant_button_text(quadrant: str) -> str:
    """The first of the quadrant's plain words: Happy, Tense, Sad, Calm."""
    return style.QUADRANT_NAMES[quadrant].split(",")[0].capitalize()


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        # room for its words and what is typed (it was squeezed to "S…"); the bar wraps
        # rather than squeezing it
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance(
            "Search by name  (Ctrl+F)") + 36)
        self.quadrant_buttons = {
            q: _toggle(quadrant_button_text(q), f"Only {style.QUADRANT_NAMES[q]} videos ({q})",
                       style.QUADRANT_COLOURS[q]) for q in QUADRANTS}
        self.octant_buttons = {
            o: _toggle(o, f"Only {o} videos", style.QUADRANT_COLOURS[OCTANT_QUADRANT[o]])
            for o in OCTANTS}
        self.confidence = QSlider(Qt.Orientation.Horizontal)
        self.confidence.setRange(0, 100)
        self.confidence.setMaximumWidth(120)
        self.confidence.setMinimumWidth(80)  # a slider squeezed to a dot cannot be used
        self.confidence.setToolTip("Only videos the model is at least this sure about "
                                   "(your own tags count as certain)")
        self.confidence_label = QLabel("confidence ≥ 0%")
        self.include_talk = QCheckBox("Include talk")
        self.include_talk.setToolTip("Talk has no emotion the model can read: files that "
                                     "are mostly talk are left out of the emotion filters "
                                     "unless this is ticked")
        self.map_label = QLabel()
        self.clear_map = QPushButton("Clear map selection")
        self.clear_map.clicked.connect(lambda: self.set_map_ids(None))
        self._map_ids: frozenset[int] | None = None
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(self.changed)
        self._layout()
        self._connect()
        self.set_map_ids(None)

    def _layout(self) -> None:
        """Groups that wrap onto more rows when the window is narrow (in two fixed rows
        the feelings alone made the window 1206 px at its narrowest)."""
        # captions tell the quarter "Happy" from the feeling "happy" below it
        quarters = kept_together(QLabel("Quarter:"), *self.quadrant_buttons.values())
        feelings = list(self.octant_buttons.values())
        flow = FlowLayout(self)
        # in this order, two rows at the window's first width
        confidence = kept_together(self.confidence_label, self.confidence)
        first_feelings = kept_together(QLabel("Feeling:"), *feelings[:4])
        for widget in (self.search, quarters, confidence, first_feelings,
                       kept_together(*feelings[4:]), self.include_talk):
            flow.addWidget(widget)
        # map_label and clear_map are placed by the window, under the map they belong to

    def _connect(self) -> None:
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        for button in (*self.quadrant_buttons.values(), *self.octant_buttons.values()):
            button.toggled.connect(lambda _on: self.changed.emit())
        self.include_talk.toggled.connect(lambda _on: self.changed.emit())
        self.confidence.valueChanged.connect(self._confidence_moved)

    def _confidence_moved(self, value: int) -> None:
        self.confidence_label.setText(f"confidence ≥ {value}%")
        self._debounce.start()

    def set_map_ids(self, ids: frozenset[int] | None) -> None:
        self._map_ids = ids
        self.map_label.setText("" if ids is None else f"{len(ids)} chosen on the map")
        self.map_label.setVisible(ids is not None)
        self.clear_map.setVisible(ids is not None)
        self.changed.emit()

    def state(self) -> FilterState:
        return FilterState(
            search=self.search.text().strip(),
            quadrants=frozenset(q for q, b in self.quadrant_buttons.items() if b.isChecked()),
            octants=frozenset(o for o, b in self.octant_buttons.items() if b.isChecked()),
            min_confidence=self.confidence.value() / 100.0,
            map_ids=self._map_ids,
            include_talk=self.include_talk.isChecked(),
        )
