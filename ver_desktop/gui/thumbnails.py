"""Thumbnails for the views: asked for by the rows being painted, made one at a time in the
background (latest request first, so scrolling fast does not queue a backlog and one reader
thread always stays free for the table), kept in memory as an LRU of pixmaps."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPen, QPixmap

from ver_desktop.gui.tasks import TaskRunner

if TYPE_CHECKING:
    from ver_desktop.core.library import VideoRow

WIDTH, HEIGHT = 160, 90  # placeholders; real pictures keep their own aspect
AUDIO_SUFFIXES = (".mp3", ".flac", ".ogg", ".opus", ".wav", ".m4a", ".aac", ".wma")
Key = tuple[str, Any, Any]  # path, segment, duration: what decides the picture


class ThumbnailCache(QObject):
    ready = Signal(int)  # the id of a video whose picture (or placeholder) is now known

    def __init__(self, runner: TaskRunner, data_dir: Path, parent: QObject | None = None, *,
                 capacity: int = 400, backlog: int = 120) -> None:
        super().__init__(parent)
        self.runner, self.data_dir = runner, data_dir
        self.capacity, self.backlog = capacity, backlog
        self._pixmaps: OrderedDict[Key, QPixmap] = OrderedDict()
        self._icons: dict[Key, QIcon] = {}
        self._wanted: OrderedDict[Key, tuple[int, str, Any, Any]] = OrderedDict()
        self._busy: Key | None = None  # the one being made
        self._placeholders = {"audio": _placeholder("♪"), "video": _placeholder("▶")}

    def pixmap(self, row: VideoRow) -> QPixmap | None:
        """The picture (or a placeholder when the file has none); None while it is being
        made, and then `ready` follows."""
        key = _key(row)
        found = self._pixmaps.get(key)
        if found is None:
            self._request(key, row)
            return None
        self._pixmaps.move_to_end(key)
        return found

    def icon(self, row: VideoRow) -> QIcon | None:
        """For item views, which scale an icon to their icon size (a pixmap they would not)."""
        key = _key(row)
        if self.pixmap(row) is None:
            return None
        if key not in self._icons:
            self._icons[key] = QIcon(self._pixmaps[key])
        return self._icons[key]

    def _request(self, key: Key, row: VideoRow) -> None:
        if key == self._busy:
            return
        self._wanted[key] = (row.id, row.path, row.segment, row.duration)
        self._wanted.move_to_end(key)
        while len(self._wanted) > self.backlog:  # rows long scrolled past ask again
            self._wanted.popitem(last=False)
        self._next()

    def _next(self) -> None:
        if self._busy is not None or not self._wanted:
            return
        key, (video_id, path, segment, duration) = self._wanted.popitem()
        self._busy = key
        data_dir = self.data_dir
        self.runner.run(lambda: _load(data_dir, path, segment, duration),
                        lambda image, _error: self._loaded(key, video_id, image))

    def _loaded(self, key: Key, video_id: int, image: QImage | None) -> None:
        self._busy = None
        if image is None or image.isNull():
            kind = "audio" if key[0].lower().endswith(AUDIO_SUFFIXES) else "video"
            pixmap = self._placeholders[kind]
        else:
            pixmap = QPixmap.fromImage(image)
        self._pixmaps[key] = pixmap
        while len(self._pixmaps) > self.capacity:
            old, _ = self._pixmaps.popitem(last=False)
            self._icons.pop(old, None)
        self.ready.emit(video_id)
        self._next()


def _key(row: VideoRow) -> Key:
    return (row.path, row.segment, row.duration)


def _load(data_dir: Path, path: str, segment: Any, duration: Any) -> QImage | None:
    """On a pool thread: make (or find) the PNG and read it; QImage, unlike QPixmap, may be
    made off the main thread."""
    from ver_desktop.core.thumbnails import cache_folder, thumbnail, thumbnail_time

    found = thumbnail(path, cache=cache_folder(data_dir), at=thumbnail_time(segment, duration))
    return QImage(str(found)) if found is not None else None


def _placeholder(glyph: str) -> QPixmap:
    """A neutral tile with a glyph: a note for audio files, a play sign for videos whose
    picture could not be read."""
    pixmap = QPixmap(WIDTH, HEIGHT)
    pixmap.fill(QColor("#3a3a3a"))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#9a9a9a")))
    font = QFont()
    font.setPixelSize(44)
    painter.setFont(font)
    painter.drawText(QRectF(0, 0, WIDTH, HEIGHT), Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return pixmap
