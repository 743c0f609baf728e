"""A file's emotion over time, in the details pane: a band coloured by each stretch's
quadrant (grey with the word "talk" where the sound is talk: no emotion to read there), the
valence and arousal curves over it, and the analysed 30 s marked. Clicking it previews the
file from that moment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from ver_desktop.gui import style

if TYPE_CHECKING:  # the engine loads after the window shows (see session.py)
    from ver_desktop.core.timeline import Stretch, Timeline

VALENCE_COLOUR = QColor("#f2f2f2")
AROUSAL_COLOUR = QColor("#202020")
SCALE = 2.0  # the curves' vertical range is -SCALE..SCALE
TALK_COLOUR = QColor("#b0b0b0")  # talk: grey, as the map draws a mostly-talk file
TALK = "talk"


class TimelineStrip(QWidget):
    seek = Signal(float)  # seconds from the start of the file

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline: Timeline | None = None
        self.stretches: list[Stretch] = []
        self.segment: tuple[float, float] | None = None
        self.note = ""  # shown instead of a timeline (being worked out, failed, ...)
        self.chosen: tuple[float, float] | None = None  # a stretch picked elsewhere, ringed
        self.setMouseTracking(True)
        self.setMinimumHeight(70)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        return QSize(260, 76)

    def show_timeline(self, timeline: Timeline, stretches: list[Stretch],
                      segment: tuple[float, float] | None) -> None:
        self.timeline, self.stretches, self.segment, self.note = timeline, stretches, segment, ""
        self.update()

    def show_note(self, text: str) -> None:
        self.timeline, self.stretches, self.note = None, [], text
        self.update()

    def choose(self, span: tuple[float, float] | None) -> None:
        self.chosen = span
        self.update()

    # -- geometry ----------------------------------------------------------------------

    def _band(self) -> QRectF:
        return QRectF(1, 1, self.width() - 2, self.height() - 26)

    def _x(self, seconds: float) -> float:
        band, duration = self._band(), self.timeline.duration if self.timeline else 1.0
        return band.left() + band.width() * seconds / max(duration, 1e-9)

    def _seconds(self, x: float) -> float:
        band, duration = self._band(), self.timeline.duration if self.timeline else 0.0
        return max(0.0, min(duration, (x - band.left()) / max(band.width(), 1.0) * duration))

    def stretch_at(self, seconds: float) -> Stretch | None:
        return next((s for s in self.stretches if s.start <= seconds < s.end),
                    self.stretches[-1] if self.stretches else None)

    # -- painting ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        band = self._band()
        if self.timeline is None:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter
                             | Qt.TextFlag.TextWordWrap, self.note)
            painter.end()
            return
        for stretch in self.stretches:
            left, right = self._x(stretch.start), self._x(stretch.end)
            painter.fillRect(QRectF(left, band.top(), right - left, band.height()),
                             TALK_COLOUR if stretch.speech else style.colour(stretch.quadrant))
        painter.save()
        painter.setClipPath(self._not_talk(band))  # talk has no emotion: no curves over it
        self._curves(painter, band)
        painter.restore()
        self._talk_words(painter, band)
        if self.chosen is not None:
            painter.setPen(QPen(self.palette().highlight().color(), 3))
            left, right = self._x(self.chosen[0]), self._x(self.chosen[1])
            painter.drawRect(QRectF(left + 1.5, band.top() + 1.5, right - left - 3,
                                    band.height() - 3))
        if self.segment is not None:  # the 30 s the file's tag comes from
            pen = QPen(self.palette().windowText().color(), 2)
            painter.setPen(pen)
            left, right = self._x(self.segment[0]), self._x(self.segment[1])
            y = band.bottom() + 4
            painter.drawLine(QPointF(left, y), QPointF(right, y))
            painter.drawLine(QPointF(left, y - 3), QPointF(left, y + 3))
            painter.drawLine(QPointF(right, y - 3), QPointF(right, y + 3))
        self._times(painter, band)
        painter.end()

    def _not_talk(self, band: QRectF) -> QPainterPath:
        """The band less its stretches of talk."""
        area = QPainterPath()
        area.addRect(band)
        for stretch in self.stretches:
            if stretch.speech:
                talk = QPainterPath()
                left, right = self._x(stretch.start), self._x(stretch.end)
                talk.addRect(QRectF(left, band.top(), right - left, band.height()))
                area = area.subtracted(talk)
        return area

    def _talk_words(self, painter: QPainter, band: QRectF) -> None:
        """The word "talk" over each stretch of talk wide enough to hold it."""
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#303030"))
        room = painter.fontMetrics().horizontalAdvance(TALK) + 6
        for stretch in self.stretches:
            left, right = self._x(stretch.start), self._x(stretch.end)
            if stretch.speech and right - left >= room:
                painter.drawText(QRectF(left, band.top(), right - left, band.height() / 2),
                                 Qt.AlignmentFlag.AlignCenter, TALK)
        font.setBold(False)
        painter.setFont(font)

    def _times(self, painter: QPainter, band: QRectF) -> None:
        """The file's start, middle and end under the band: a scale to read it by."""
        assert self.timeline is not None
        painter.setPen(self.palette().placeholderText().color())
        row = QRectF(band.left(), band.bottom() + 8, band.width(), 16)
        duration = self.timeline.duration
        for seconds, align in ((0.0, Qt.AlignmentFlag.AlignLeft),
                               (duration / 2, Qt.AlignmentFlag.AlignHCenter),
                               (duration, Qt.AlignmentFlag.AlignRight)):
            painter.drawText(row, align | Qt.AlignmentFlag.AlignVCenter, style.clock(seconds))

    def _curves(self, painter: QPainter, band: QRectF) -> None:
        timeline = self.timeline
        assert timeline is not None
        valence, arousal = timeline.smoothed()
        for values, colour in ((valence, VALENCE_COLOUR), (arousal, AROUSAL_COLOUR)):
            path = QPainterPath()
            times, readings = list(timeline.times()), [float(v) for v in values]
            if len(times) == 1:  # a file no longer than a window: one reading, all along
                times, readings = [0.0, timeline.duration], readings * 2
            for i, (t, value) in enumerate(zip(times, readings, strict=True)):
                y = band.center().y() - band.height() / 2 * max(-1.0, min(1.0, value / SCALE))
                point = QPointF(self._x(float(t)), y)
                if i:
                    path.lineTo(point)
                else:
                    path.moveTo(point)
            painter.setPen(QPen(colour, 1.6))
            painter.drawPath(path)

    # -- the mouse ---------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.timeline is not None and event.button() == Qt.MouseButton.LeftButton:
            self.seek.emit(self._seconds(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.timeline is None:
            return
        seconds = self._seconds(event.position().x())
        stretch = self.stretch_at(seconds)
        if stretch is not None:
            words = (f"{style.QUADRANT_NAMES.get(stretch.quadrant, stretch.quadrant)} "
                     f"({stretch.octant})") if not stretch.speech else "talk (no emotion read)"
            QToolTip.showText(event.globalPosition().toPoint(),
                              f"{style.clock(seconds)} · {words}, "
                              f"{style.clock(stretch.start)} – {style.clock(stretch.end)}"
                              "\nClick to preview from here", self)
