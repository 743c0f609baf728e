"""The preview player: QtMultimedia in the details pane. A video starts at its analysed
segment; a playlist plays its items in order, each from its segment, and a "segment"
playlist moves on at each segment's end. Imported only when the first preview is asked for
(QtMultimedia loads FFmpeg)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import Q_ARG, QGenericArgumentHolder, QMetaObject, Qt, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from ver_desktop.gui import style

Status = QMediaPlayer.MediaStatus


@dataclass(frozen=True)
class Item:
    path: str
    start: float  # seconds: the analysed segment's start
    title: str = ""
    video_id: int | None = None
    stop: float | None = None  # seconds: move on to the next item here (None: at the end)


RESEEK_SECONDS = 0.5  # a seek not reached by then is asked again
SEEK_SLACK_MS = 500  # seeks land on a key frame, at most this much before the time asked


class PreviewPlayer(QWidget):
    item_started = Signal(object)  # the Item now playing
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.video = QVideoWidget()
        self.video.setMinimumSize(240, 135)
        self.player.setVideoOutput(self.video)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.play_button = QPushButton("Pause")
        self.play_button.clicked.connect(self.toggle)
        self.next_button = QPushButton("Next")
        self.next_button.clicked.connect(self.play_next)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close_player)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.sliderMoved.connect(self.player.setPosition)
        self.clock = QLabel("0:00 / 0:00")
        self.queue: list[Item] = []
        self.current = -1
        self.requested_start_ms: int | None = None  # seek waiting for the media to load
        self.requested_source = QUrl()  # the media that seek belongs to
        self._sought_at = 0.0  # when the last seek was asked for (monotonic seconds)
        self._layout()
        self.player.durationChanged.connect(lambda ms: self.slider.setRange(0, ms))
        self.player.positionChanged.connect(self._position)
        self.player.seekableChanged.connect(lambda _seekable: self._apply_start())
        self.player.mediaStatusChanged.connect(self._status)
        self.player.playbackStateChanged.connect(self._state)

    def _layout(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.next_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.clock)
        controls.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.title)
        layout.addLayout(controls)

    # -- what to play ------------------------------------------------------------------

    def play_items(self, items: list[Item]) -> None:
        """Play these in order (a playlist, or one video)."""
        self.queue = list(items)
        self.current = -1
        self.next_button.setVisible(len(self.queue) > 1)
        self.play_next()

    def play_next(self) -> None:
        if self.current + 1 >= len(self.queue):
            self._later("stop")
            return
        self.current += 1
        item = self.queue[self.current]
        self.requested_start_ms = round(item.start * 1000)
        self.requested_source = QUrl.fromLocalFile(item.path)
        self._sought_at = 0.0
        self.title.setText((item.title if len(self.queue) == 1
                            else f"{self.current + 1}/{len(self.queue)} · {item.title}")
                           + ("" if QMediaDevices.audioOutputs() else
                              " · no sound device found: playing without sound"))
        self._later("setSource", Q_ARG(QUrl, self.requested_source))
        self._later("play")
        self.item_started.emit(item)

    def toggle(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def stop(self) -> None:
        self._later("stop")
        self.queue, self.current = [], -1

    def _later(self, slot: str, *args: QGenericArgumentHolder) -> None:
        """Call a player slot from the event loop rather than from Python. Changing or
        stopping the media tears down QtMultimedia's audio thread, which needs Python's lock
        to finish (PySide checks our QAudioOutput for Python overrides as its connections
        go); called from Python, the window waits for that thread while holding the lock,
        and both wait for ever. Queued, the call runs with the lock released."""
        QMetaObject.invokeMethod(self.player, slot, Qt.ConnectionType.QueuedConnection,
                                 *args)

    def close_player(self) -> None:
        self.stop()
        self.hide()
        self.closed.emit()

    # -- player events -----------------------------------------------------------------

    def _status(self, status: Status) -> None:
        if status in (Status.LoadedMedia, Status.BufferedMedia):
            self._apply_start()
        elif status == Status.EndOfMedia:
            self.play_next()
        elif status == Status.InvalidMedia:
            self.title.setText(f"Cannot play: {self.player.errorString()}")
            self.play_next()

    def _apply_start(self) -> None:
        """Seek to the item's start once its media can seek: loading, buffering and the
        seekable flag arrive in different orders for the first item and for later ones
        (a later item started at 0:00 when only the load status was waited for). Until the
        new source is set (it is queued), the previous media still plays and reports its
        position: a seek then would move the old media (a stretch played from 0:00 when
        another was playing). The request stays until the position gets there, and a seek
        a backend ignored while loading is asked again after a while."""
        start = self.requested_start_ms
        if start is None or self.player.source() != self.requested_source:
            return
        if start <= 0:
            self.requested_start_ms = None
        elif self.player.isSeekable() and time.monotonic() - self._sought_at > RESEEK_SECONDS:
            self._sought_at = time.monotonic()
            self.player.setPosition(start)

    def _position(self, ms: int) -> None:
        start = self.requested_start_ms
        if start is not None and self.player.source() == self.requested_source \
                and ms >= start - SEEK_SLACK_MS:
            self.requested_start_ms = None  # got there
        if self.requested_start_ms is not None:
            self._apply_start()
        elif 0 <= self.current < len(self.queue):
            stop = self.queue[self.current].stop
            if stop is not None and ms >= stop * 1000:
                self.play_next()  # a segment playlist: this item's segment is over
                return
        if not self.slider.isSliderDown():
            self.slider.setValue(ms)
        self.clock.setText(f"{style.clock(ms / 1000)} / "
                           f"{style.clock(self.player.duration() / 1000)}")

    def _state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText("Pause" if playing else "Play")
