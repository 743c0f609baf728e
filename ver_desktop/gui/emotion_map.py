"""Russell's circle: every analysed video a point at its valence/arousal, coloured by
quadrant. Hover for a name; drag on empty space for a rectangle, or with Shift for a lasso,
to filter the table to a region; drag a point to correct its emotion; click a point to
select it. A mood path is drawn on top, and a mode picks its start and target."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from ver_desktop.core.labels import OCTANT_QUADRANT, OCTANTS, octant_of, tag_words
from ver_desktop.gui import style

if TYPE_CHECKING:
    from ver_desktop.core.library import MapPoint

EXTENT = 2.5  # valence/arousal (from the neutral middle) shown from -EXTENT to +EXTENT
CIRCLE = 2.0  # radius of the drawn circle
CELL = 0.1  # hover index cell, in valence/arousal units
HIT_PIXELS = 7.0


def display_position(point: MapPoint) -> tuple[float, float]:
    """Where a point is drawn: at its effective valence/arousal (a person's tag has already
    moved it into the tagged sector, by the library's one rule). A point beyond the drawn
    square is pulled in along its own ray (same sector), so it stays visible."""
    return _inside(point.valence, point.arousal)


def _inside(v: float, a: float) -> tuple[float, float]:
    far = max(abs(v), abs(a))
    limit = EXTENT * 0.96
    return (v, a) if far <= limit else (v * limit / far, a * limit / far)


Cells = dict[tuple[int, int], list[int]]


def colour_key(point: MapPoint) -> str | None:
    """Mostly speech: grey, like an unknown tag, never a confident colour (also when it is
    the one selected)."""
    return None if point.mostly_speech else point.quadrant


def point_words(point: MapPoint) -> str:
    if point.mostly_speech:
        return "mostly talk: no emotion to trust"
    if point.quadrant is None:
        return "not tagged yet"
    words = tag_words(point.quadrant, point.octant)
    return f"{words} (your tag)" if point.corrected else words


def index_points(points: Sequence[MapPoint]) -> tuple[list[tuple[float, float]], Cells]:
    """Drawn positions and a hover index; pure Python, so it can run on a pool thread (it
    takes a few hundred milliseconds at 100,000 points)."""
    xy = [display_position(p) for p in points]
    cells: Cells = defaultdict(list)
    for i, (v, a) in enumerate(xy):
        cells[(math.floor(v / CELL), math.floor(a / CELL))].append(i)
    return xy, cells


class EmotionMap(QWidget):
    region_selected = Signal(object)  # frozenset of ids, or None when cleared
    point_clicked = Signal(int)
    point_moved = Signal(int, float, float)  # id, valence, arousal where it was dropped
    path_picked = Signal(float, float, float, float)  # start v, a, target v, a

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(260, 220)  # room for the octants' names round the circle
        self.points: list[MapPoint] = []
        self._xy: list[tuple[float, float]] = []
        self._cells: Cells = defaultdict(list)
        self._by_id: dict[int, int] = {}
        self._cache: QPixmap | None = None
        self.highlight: int | None = None
        self.path: list[tuple[float, float]] = []
        self.path_ends: tuple[tuple[float, float], tuple[float, float]] | None = None
        self.path_route: list[tuple[float, float]] = []  # the way it meant to go, if saved
        self.picking_path = False
        self._picked: list[tuple[float, float]] = []
        self._press: QPointF | None = None
        self._dragged: int | None = None
        self._drag_at: QPointF | None = None  # where a dragged point is now
        self._lasso: list[QPointF] = []
        self._shape: str = "rect"
        self.chosen: frozenset[int] = frozenset()  # the region chosen, ringed until cleared

    # -- data --------------------------------------------------------------------------

    def set_points(self, points: Sequence[MapPoint],
                   index: tuple[list[tuple[float, float]], Cells] | None = None) -> None:
        """Show `points`; `index` is `index_points(points)` when computed elsewhere."""
        self.points = list(points)
        self._xy, self._cells = index or index_points(self.points)
        self._by_id = {p.id: i for i, p in enumerate(self.points)}
        self._cache = None
        self.update()

    def set_chosen(self, ids: frozenset[int] | None) -> None:
        """Ring the points of the region chosen on the map (none: no rings)."""
        self.chosen = ids or frozenset()
        self.update()

    def set_highlight(self, video_id: int | None) -> None:
        self.highlight = video_id
        self.update()

    def set_path(self, points: Sequence[tuple[float, float]],
                 ends: tuple[tuple[float, float], tuple[float, float]] | None,
                 route: Sequence[tuple[float, float]] | None = None) -> None:
        """A mood path's videos, its start and target, and the way between (saved paths
        since issue 23 go round the middle; older ones went straight)."""
        self.path, self.path_ends = list(points), ends
        self.path_route = list(route or ())
        self.update()

    def start_picking_path(self) -> None:
        """The next two clicks choose a mood path's start and target."""
        self.picking_path, self._picked = True, []
        self.setCursor(Qt.CursorShape.CrossCursor)

    # -- geometry ----------------------------------------------------------------------

    def _scale(self) -> float:
        return (min(self.width(), self.height()) / 2 - 8) / EXTENT

    def to_widget(self, v: float, a: float) -> QPointF:
        scale = self._scale()
        return QPointF(self.width() / 2 + v * scale, self.height() / 2 - a * scale)

    def to_emotion(self, pos: QPointF) -> tuple[float, float]:
        scale = self._scale()
        return ((pos.x() - self.width() / 2) / scale, (self.height() / 2 - pos.y()) / scale)

    def point_at(self, pos: QPointF) -> int | None:
        """Index of the point nearest `pos` within a few pixels."""
        v, a = self.to_emotion(pos)
        reach = HIT_PIXELS / self._scale()
        best, best_distance = None, reach
        cx, cy = math.floor(v / CELL), math.floor(a / CELL)
        span = int(reach / CELL) + 1
        for dx in range(-span, span + 1):
            for dy in range(-span, span + 1):
                for i in self._cells.get((cx + dx, cy + dy), ()):
                    distance = math.dist((v, a), self._xy[i])
                    if distance <= best_distance:
                        best, best_distance = i, distance
        return best

    def ids_in(self, area: QPainterPath) -> frozenset[int]:
        return frozenset(p.id for p, (v, a) in zip(self.points, self._xy, strict=True)
                         if area.contains(self.to_widget(v, a)))

    # -- painting ----------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(360, 360)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._cache = None
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            # light <-> dark: the cached picture has the old colours
            self._cache = None
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._cache is None or self._cache.size() != self.size():
            self._cache = self._render_base()
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._cache)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_path(painter)
        self._paint_chosen(painter)
        self._paint_highlight(painter)
        self._paint_selection(painter)
        self._paint_drag(painter)
        painter.end()

    def _render_base(self) -> QPixmap:
        """Circle, axes, names and points, drawn once per change (100,000 points take tens
        of milliseconds; hovering and selecting reuse the picture)."""
        pixmap = QPixmap(self.size())
        pixmap.fill(self.palette().base().color())
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_frame(painter)
        self._paint_points(painter)
        painter.end()
        return pixmap

    def _paint_frame(self, painter: QPainter) -> None:
        text = self.palette().windowText().color()
        faint = QColor(text)
        faint.setAlpha(60)
        centre, radius = self.to_widget(0, 0), CIRCLE * self._scale()
        painter.setPen(QPen(faint, 1))
        painter.drawEllipse(centre, radius, radius)
        for k in range(8):  # octant borders
            angle = math.radians(45 * k)
            painter.drawLine(centre, self.to_widget(CIRCLE * math.cos(angle),
                                                    CIRCLE * math.sin(angle)))
        painter.setPen(QPen(text, 1.2))
        painter.drawLine(self.to_widget(-EXTENT, 0), self.to_widget(EXTENT, 0))
        painter.drawLine(self.to_widget(0, -EXTENT), self.to_widget(0, EXTENT))
        self._label(painter, "valence →", self.to_widget(EXTENT, -0.12), right=True)
        self._label(painter, "↑ arousal", self.to_widget(0.06, EXTENT - 0.1), left=True)
        for k, name in enumerate(OCTANTS):
            angle = math.radians(45 * k + 22.5)
            self._label(painter, name, self.to_widget(2.2 * math.cos(angle),
                                                      2.2 * math.sin(angle)))

    def _label(self, painter: QPainter, text: str, spot: QPointF, *, right: bool = False,
               left: bool = False) -> None:
        """`text` centred on `spot` (ending there: `right`; starting there: `left`), moved
        in as far as it takes to show it whole: a narrow map cut its names at the sides."""
        width = self.fontMetrics().horizontalAdvance(text) + 4
        x = spot.x() - width if right else spot.x() if left else spot.x() - width / 2
        x = min(max(x, 1.0), self.width() - width - 1.0)
        painter.drawText(QRectF(x, spot.y() - 9, width, 18), Qt.AlignmentFlag.AlignCenter,
                         text)

    def _paint_points(self, painter: QPainter) -> None:
        by_quadrant: dict[str | None, list[QPointF]] = defaultdict(list)
        scale, cx, cy = self._scale(), self.width() / 2, self.height() / 2
        for point, (v, a) in zip(self.points, self._xy, strict=True):  # to_widget, inlined
            by_quadrant[colour_key(point)].append(QPointF(cx + v * scale, cy - a * scale))
        many = len(self.points) >= 20000
        size = 5.0 if len(self.points) < 2000 else 2.0 if many else 3.0
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, not many)  # 10x faster
        cap = Qt.PenCapStyle.SquareCap if many else Qt.PenCapStyle.RoundCap
        for quadrant, spots in by_quadrant.items():
            colour = style.colour(quadrant)
            colour.setAlpha(120 if many else 200)
            painter.setPen(QPen(colour, size, Qt.PenStyle.SolidLine, cap))
            painter.drawPoints(QPolygonF(spots))

    def _paint_path(self, painter: QPainter) -> None:
        if self.path_ends:  # the intended route, so a path that stopped early shows it
            route = QPen(self.palette().windowText().color(), 1, Qt.PenStyle.DashLine)
            painter.setPen(route)
            way = self.path_route or list(self.path_ends)  # round the middle, or straight
            painter.drawPolyline(QPolygonF([self.to_widget(v, a) for v, a in way]))
        if self.path:
            painter.setPen(QPen(self.palette().windowText().color(), 2))
            painter.drawPolyline(QPolygonF([self.to_widget(v, a) for v, a in self.path]))
            for v, a in self.path:
                painter.drawEllipse(self.to_widget(v, a), 3.5, 3.5)
        ends = self.path_ends or ((self._picked[0], self._picked[0]) if self._picked else None)
        if ends:
            for (v, a), colour in zip(ends, ("#2ca02c", "#d62728"), strict=True):
                painter.setPen(QPen(QColor(colour), 3))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(self.to_widget(v, a), 9, 9)

    def _paint_chosen(self, painter: QPainter) -> None:
        if not self.chosen:
            return
        painter.setPen(QPen(self.palette().highlight().color(), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for video_id in self.chosen:
            index = self._by_id.get(video_id)
            if index is not None:
                painter.drawEllipse(self.to_widget(*self._xy[index]), 5.5, 5.5)

    def _paint_highlight(self, painter: QPainter) -> None:
        index = self._by_id.get(self.highlight) if self.highlight is not None else None
        if index is not None:
            v, a = self._xy[index]
            painter.setPen(QPen(self.palette().highlight().color(), 2.5))
            painter.setBrush(QBrush(style.colour(colour_key(self.points[index]))))
            painter.drawEllipse(self.to_widget(v, a), 7, 7)

    def _paint_drag(self, painter: QPainter) -> None:
        """A dragged point under the mouse, the octant it would be tagged with lit and
        named: what is saved is that part of the circle."""
        if self._dragged is None or self._drag_at is None:
            return
        octant = octant_of(*self.to_emotion(self._drag_at))
        colour = style.colour(OCTANT_QUADRANT[octant])
        centre, radius = self.to_widget(0, 0), CIRCLE * self._scale()
        wedge = QPainterPath(centre)
        box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        wedge.arcTo(box, OCTANTS.index(octant) * 45.0, 45.0)
        wedge.closeSubpath()
        lit = QColor(colour)
        lit.setAlpha(45)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(lit)
        painter.drawPath(wedge)
        painter.setPen(QPen(self.palette().highlight().color(), 2.5))
        painter.setBrush(QBrush(colour))
        painter.drawEllipse(self._drag_at, 7, 7)
        painter.setPen(self.palette().windowText().color())
        words = tag_words(None, octant)
        width = self.fontMetrics().horizontalAdvance(words) + 8
        x = min(max(self._drag_at.x() - width / 2, 0.0), self.width() - width)
        y = self._drag_at.y() - 30 if self._drag_at.y() > 40 else self._drag_at.y() + 12
        painter.drawText(QRectF(x, y, width, 18), Qt.AlignmentFlag.AlignCenter, words)

    def _paint_selection(self, painter: QPainter) -> None:
        if self._press is None or self._dragged is not None or not self._lasso:
            return
        colour = QColor(self.palette().highlight().color())
        painter.setPen(QPen(colour, 1, Qt.PenStyle.DashLine))
        colour.setAlpha(40)
        painter.setBrush(colour)
        painter.drawPath(self._selection_path())

    def _selection_path(self) -> QPainterPath:
        path = QPainterPath()
        if self._shape == "rect" and self._press is not None and self._lasso:
            path.addRect(QRectF(self._press, self._lasso[-1]).normalized())
        elif self._lasso:
            path.addPolygon(QPolygonF(self._lasso))
            path.closeSubpath()
        return path

    # -- mouse -------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        if self.picking_path:
            self._pick(pos)
            return
        self._press = pos
        self._dragged = self.point_at(pos)
        self._lasso = []
        self._shape = "lasso" if event.modifiers() & Qt.KeyboardModifier.ShiftModifier \
            else "rect"

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._press is None:
            found = self.point_at(pos)
            if found is not None:
                point = self.points[found]
                QToolTip.showText(event.globalPosition().toPoint(),
                                  f"{point.name}\n{point_words(point)}", self)
            else:
                QToolTip.hideText()
            return
        if self._dragged is not None:  # the point follows the mouse
            self._drag_at = pos
        else:
            self._lasso.append(pos)
        self.update()

    def dragging_over(self) -> str | None:
        """The octant a dragged point is over, in words ("calm, content (pleased)")."""
        if self._dragged is None or self._drag_at is None:
            return None
        return tag_words(None, octant_of(*self.to_emotion(self._drag_at)))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        moved = (event.position() - self._press).manhattanLength() > 4
        if self._dragged is not None:
            point = self.points[self._dragged]
            if moved:  # kept inside the drawn square, so it is drawn where it was let go
                v, a = _inside(*self.to_emotion(event.position()))
                self.point_moved.emit(point.id, v, a)
            else:
                self.point_clicked.emit(point.id)
        elif moved:
            self._lasso.append(event.position())
            self.region_selected.emit(self.ids_in(self._selection_path()))
        else:
            self.region_selected.emit(None)
        self._press, self._dragged, self._lasso, self._drag_at = None, None, [], None
        self.update()

    def _pick(self, pos: QPointF) -> None:
        self._picked.append(self.to_emotion(pos))
        self.update()
        if len(self._picked) == 2:
            self.picking_path = False
            self.unsetCursor()
            (sv, sa), (tv, ta) = self._picked
            self._picked = []
            self.path_picked.emit(sv, sa, tv, ta)
