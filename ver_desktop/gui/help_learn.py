"""Help it learn: one file at a time, the one whose answer would teach the personal layer
most (core/usecases/learning.py `questions`), answered with one key: 1-4 for the quarters
of the circle, Enter for "that's right", S to skip, Space to hear it. Above, how often it
agrees with the person (`agreement`), kept up to date; below, what it has learned so far.

Each answer is saved at once and the next file shows from the list already read; the refit
that follows (gui/learning.py) brings a fresh list, which already knows the last answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QHideEvent, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ver_desktop.core.labels import QUADRANTS
from ver_desktop.gui import style

if TYPE_CHECKING:
    from ver_desktop.core.changes import Changes
    from ver_desktop.core.library import VideoRow
    from ver_desktop.core.usecases.learning import Agreement, LearningState, Question
    from ver_desktop.gui.learning import Learning
    from ver_desktop.gui.player import PreviewPlayer
    from ver_desktop.gui.session import Session
    from ver_desktop.gui.state import AppState
    from ver_desktop.gui.thumbnails import ThumbnailCache

ASK_AHEAD = 20  # questions read at a time
KEYS = {Qt.Key.Key_1: QUADRANTS[0], Qt.Key.Key_2: QUADRANTS[1], Qt.Key.Key_3: QUADRANTS[2],
        Qt.Key.Key_4: QUADRANTS[3]}
INTRO = ("Listen, then say where it belongs. Each answer teaches it about files like this "
         "one; where your answers show a pattern, the tags of the rest of your library "
         "follow.")
LOOKING = "Finding the files least like anything you have tagged…"


@dataclass(frozen=True)
class Asked:
    """What one background read found."""

    questions: list[Question]
    rows: dict[int, VideoRow]
    agreement: Agreement
    known: LearningState
    analysed: int  # files with a reliable tag it could ask about (0: nothing analysed yet)


def _ask(session: Session, count: int) -> Asked:
    from ver_desktop.core.usecases import learning

    library, model = session.library, session.model
    found = learning.questions(library, model, session.bundle.spread, count=count)
    return Asked(found, library.rows(model, [q.video_id for q in found]),
                 learning.agreement(library, model), learning.state(library, model),
                 library.count_mood_points(model) if not found else len(found))


def _dot(quadrant: str) -> QIcon:
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(style.colour(quadrant))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 14, 14)
    painter.end()
    return QIcon(pixmap)


def _button(text: str, tip: str = "") -> QPushButton:
    """A button the keyboard never lands on: the dialog's keys answer, wherever the focus."""
    button = QPushButton(text)
    button.setAutoDefault(False)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setMinimumHeight(34)
    if tip:
        button.setToolTip(tip)
    return button


class HelpItLearnDialog(QDialog):
    def __init__(self, state: AppState, learning: Learning, thumbnails: ThumbnailCache,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.learning, self.thumbnails = state, learning, thumbnails
        self.setWindowTitle("Help it learn")
        self.setMinimumWidth(620)
        self.current: Question | None = None
        self.row: VideoRow | None = None  # the current question's file
        self.queue: list[Question] = []
        self.rows: dict[int, VideoRow] = {}
        self.asked_ids: set[int] = set()  # answered or skipped while the view was open
        self.skipped = 0
        self.answered = 0
        self.player: PreviewPlayer | None = None  # made when Play is first pressed
        self._reads = 0  # the latest read: an older one arriving late is ignored
        self.found: Asked | None = None  # the last read
        self._build()
        learning.learned.connect(self.refresh)
        state.changed.connect(self._changed)
        thumbnails.ready.connect(self._thumbnail_ready)

    # -- construction ------------------------------------------------------------------

    def _build(self) -> None:
        self.agreement = QLabel()
        self.agreement.setWordWrap(True)
        font = QFont(self.agreement.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.agreement.setFont(font)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._card())
        self.empty = QLabel(LOOKING)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(24)
        font = QFont(self.empty.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.empty.setFont(font)
        self.pages.addWidget(self.empty)
        self.learned = QLabel()  # what it has learned so far (LearningState)
        self.learned.setWordWrap(True)
        close = _button("Close")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.learned, 1)
        bottom.addWidget(close, 0, Qt.AlignmentFlag.AlignBottom)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.agreement)
        layout.addWidget(intro)
        layout.addWidget(line)
        layout.addWidget(self.pages, 1)
        layout.addLayout(bottom)

    def _card(self) -> QWidget:
        """The file asked about, a way to hear it, and the answers."""
        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(192, 108)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setStyleSheet("background: #111; color: #aaa;")
        self.name = QLabel()
        self.name.setWordWrap(True)
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.name.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.name.setFont(font)
        self.hears = QLabel()
        self.hears.setWordWrap(True)
        self.play = _button("▶  Play  (Space)", "Hear the part it listened to")
        self.play.clicked.connect(self.toggle_play)
        about = QVBoxLayout()
        about.addWidget(self.name)
        about.addWidget(self.hears)
        about.addStretch(1)
        about.addWidget(self.play, 0, Qt.AlignmentFlag.AlignLeft)
        top = QHBoxLayout()
        top.addWidget(self.thumbnail, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(about, 1)
        self.question = QLabel("<b>What do you hear?</b>")
        self.answers: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for i, quadrant in enumerate(QUADRANTS):
            button = _button(f"{i + 1}   {style.QUADRANT_NAMES[quadrant]}",
                             f"Press {i + 1}: it sounds {style.QUADRANT_NAMES[quadrant]}")
            button.setIcon(_dot(quadrant))
            button.setIconSize(QSize(14, 14))
            button.clicked.connect(lambda _c=False, q=quadrant: self.answer(q))
            grid.addWidget(button, i // 2, i % 2)
            self.answers[quadrant] = button
        self.right = _button("That's right  (Enter)", "Press Enter: it heard it right")
        self.skip = _button("Skip  (S)", "Press S: ask about another file")
        self.right.clicked.connect(self.confirm)
        self.skip.clicked.connect(self.skip_question)
        more = QHBoxLayout()
        more.addWidget(self.right, 1)
        more.addWidget(self.skip)
        self.player_slot = QVBoxLayout()  # the player, once there is one
        self.player_slot.setContentsMargins(0, 0, 0, 0)
        card = QWidget()
        column = QVBoxLayout(card)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addLayout(top)
        column.addLayout(self.player_slot)
        column.addSpacing(4)
        column.addWidget(self.question)
        column.addLayout(grid)
        column.addLayout(more)
        column.addStretch(1)
        return card

    # -- reading the questions ---------------------------------------------------------

    def refresh(self) -> None:
        """Read the questions, the agreement and what it learned again (in the background);
        the file shown stays until it is answered."""
        if not self.isVisible():
            return
        self._reads += 1
        number = self._reads
        count = ASK_AHEAD + len(self.asked_ids)  # the skipped ones come back among them
        self.state.read("find the files to ask about", lambda s: _ask(s, count),
                        lambda found: self._found(number, found))

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        if self.player is not None:
            self.player.close_player()
        super().hideEvent(event)

    def _changed(self, changes: Changes) -> None:
        if changes.videos or changes.model:  # a scan, another model: other files to ask
            self.refresh()

    def _found(self, number: int, found: Asked) -> None:
        if number != self._reads:
            return  # a later read is on its way
        self.agreement.setText(found.agreement.sentence())
        self.learned.setText(found.known.sentence())
        self.rows.update(found.rows)
        self.queue = [q for q in found.questions if q.video_id not in self.asked_ids
                      and (self.current is None or q.video_id != self.current.video_id)]
        self.found = found
        if self.current is None:
            self._next()
        elif self.current.video_id in found.rows:
            self.row = found.rows[self.current.video_id]  # it may show another tag now
            self._show(self.current)

    def _next(self) -> None:
        listening = self.playing()
        if self.player is not None:
            self.player.close_player()
        self.current = self.queue.pop(0) if self.queue else None
        if self.current is None:
            self._nothing()
            return
        self.row = self.rows.get(self.current.video_id)
        self._show(self.current)
        if listening:
            self.play_current()  # listening one after another: the next one plays too

    def playing(self) -> bool:
        from PySide6.QtMultimedia import QMediaPlayer

        return self.player is not None and self.player.isVisible() and \
            self.player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def _show(self, asked: Question) -> None:
        self.pages.setCurrentIndex(0)
        self.name.setText(asked.name)
        self.name.setToolTip(asked.path)
        words = style.QUADRANT_NAMES.get(asked.quadrant, asked.quadrant)
        nuance = f" ({asked.octant})" if asked.octant not in words else ""  # not "happy (happy)"
        text = f"It hears <b>{words}</b>{nuance}, {asked.confidence:.0%} sure"
        if self.row is not None and self.row.adjusted:
            text += ", adjusted to your tags"
        self.hears.setText(text + ".")
        self.right.setText(f"That's right: {words}  (Enter)")
        for quadrant, button in self.answers.items():
            font = button.font()
            font.setBold(quadrant == asked.quadrant)  # what it hears now
            button.setFont(font)
        self._set_thumbnail()

    def _nothing(self) -> None:
        """No file to show: why, in words."""
        self.pages.setCurrentIndex(1)
        found = self.found
        if found is None:
            text = LOOKING
        elif not found.known.enabled:
            text = ("Learning from your tags is off, so there is nothing to ask. Turn it on "
                    "in File > Settings.")
        elif found.analysed == 0:
            text = ("Nothing to ask yet: no file in the library has been analysed. Add a "
                    "folder of music or videos; once their emotion is known, it asks about "
                    "the ones least like anything you have tagged.")
        elif found.questions and all(q.video_id in self.asked_ids for q in found.questions):
            text = LOOKING if self.learning.busy else self._all_done()
        elif found.known.without_embedding:
            text = (f"Nothing to ask yet: {found.known.without_embedding} files are still "
                    "being prepared for learning. Questions come as soon as they are ready.")
        else:
            text = self._all_done()
        self.empty.setText(text)

    def _all_done(self) -> str:
        if self.skipped:
            return (f"Nothing left to ask for now (you skipped {self.skipped}). Close and "
                    "open Help it learn again to see the skipped ones.")
        return ("Nothing left to ask: every file it could learn from has your tag. Thank "
                "you!")

    # -- answers -----------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in KEYS:
            self.answer(KEYS[Qt.Key(key)])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm()
        elif key == Qt.Key.Key_S:
            self.skip_question()
        elif key == Qt.Key.Key_Space:
            self.toggle_play()
        else:
            super().keyPressEvent(event)

    def answer(self, quadrant: str) -> None:
        """The person's quarter for the file shown; the next file shows at once."""
        asked = self._take()
        if asked is not None:
            self.learning.answer(asked.video_id, quadrant)

    def confirm(self) -> None:
        """ "That's right": the emotion the card names becomes the person's tag (not what
        the file shows by the time it is saved: a refit may have moved it meanwhile)."""
        asked = self._take()
        if asked is not None:
            self.learning.answer(asked.video_id, asked.quadrant, octant=asked.octant)

    def skip_question(self) -> None:
        if self._take() is not None:
            self.skipped += 1
            if not self.queue:
                self.refresh()

    def _take(self) -> Question | None:
        asked = self.current
        if asked is None:
            return None
        self.asked_ids.add(asked.video_id)
        self.current = None
        self._next()
        return asked

    # -- hearing it --------------------------------------------------------------------

    def toggle_play(self) -> None:
        player = self.player
        if player is not None and player.isVisible() and player.queue \
                and self.current is not None \
                and player.queue[0].video_id == self.current.video_id:
            player.toggle()
        else:
            self.play_current()

    def play_current(self) -> None:
        """The part of the file it listened to (its analysed segment)."""
        from ver_desktop.gui.player import Item, PreviewPlayer

        asked, row = self.current, self.row
        if asked is None:
            return
        if self.player is None:
            # Only its position and clock: the picture is beside the name already, and
            # Play (Space) here plays and pauses; moving on closes it.
            self.player = PreviewPlayer()
            for widget in (self.player.video, self.player.play_button,
                           self.player.close_button):
                widget.hide()
            self.player.video.setMaximumHeight(0)
            for button in self.player.findChildren(QPushButton):
                button.setAutoDefault(False)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.player.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.player.player.playbackStateChanged.connect(lambda _s: self._play_words())
            self.player.closed.connect(self._play_words)
            self.player_slot.addWidget(self.player)
        segment = row.segment if row is not None else None
        self.player.show()
        self.player.play_items([Item(asked.path, segment[0] if segment else 0.0, asked.name,
                                     asked.video_id, segment[1] if segment else None)])

    def _play_words(self) -> None:
        self.play.setText("❚❚  Pause  (Space)" if self.playing() else "▶  Play  (Space)")

    def _set_thumbnail(self) -> None:
        pixmap = self.thumbnails.pixmap(self.row) if self.row is not None else None
        if pixmap is None or pixmap.isNull():
            self.thumbnail.setPixmap(QPixmap())
            self.thumbnail.setText("♪" if self.row is None else "")
            return
        self.thumbnail.setPixmap(pixmap.scaled(
            self.thumbnail.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))

    def _thumbnail_ready(self, video_id: int) -> None:
        if self.current is not None and self.current.video_id == video_id:
            self._set_thumbnail()

