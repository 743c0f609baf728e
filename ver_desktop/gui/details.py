"""The selected video: thumbnail, the probability of each quadrant and octant, the analysed
segment, the model, why it failed; open it in the system player or show it in its folder."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ver_desktop.core.labels import OCTANT_QUADRANT, OCTANTS, QUADRANTS
from ver_desktop.gui import style
from ver_desktop.gui.timeline_strip import TimelineStrip

if TYPE_CHECKING:
    from ver_desktop.core.library import VideoRow
    from ver_desktop.core.timeline import Stretch, Timeline

TIMELINE_PENDING = ("Emotion over time: being worked out in the background (long files "
                    "take a minute or two)")


NOTHING_SELECTED = "Select a video to see its emotion, how sure the model is, and a preview."


def adjusted_words(row: VideoRow) -> str:
    """ "Adjusted to your tags (the model said tense, angry)" where what shows is the
    personal layer's and not the model's own; empty otherwise (and for a person's own tag,
    which says so itself)."""
    if row.corrected or not row.adjusted:
        return ""
    said = (style.QUADRANT_NAMES.get(row.own_quadrant or "", "")
            if row.own_quadrant != row.quadrant
            else row.own_octant or "")  # the same quarter: the emotion within it moved
    return f"Adjusted to your tags (the model said {said})" if said else \
        "Adjusted to your tags"


def _bar_words(name: str) -> str:
    """A quarter as the filter buttons name it ("Calm", not PV-NA); a feeling as it is."""
    words = style.QUADRANT_NAMES.get(name)
    return words.split(",")[0].capitalize() if words else name


class ProbabilityBars(QWidget):
    """One horizontal bar per class, coloured by quadrant; the chosen class is bold."""

    def __init__(self, classes: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.classes = classes
        self.values: dict[str, float] = {}
        self.chosen: str | None = None
        self.setMinimumHeight(18 * len(classes))

    def set_values(self, values: dict[str, float] | None, chosen: str | None) -> None:
        self.values, self.chosen = dict(values or {}), chosen
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(220, 18 * len(self.classes))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        row_height = self.height() / max(len(self.classes), 1)
        label_width = 84.0
        for i, name in enumerate(self.classes):
            top = i * row_height
            value = self.values.get(name)
            quadrant = OCTANT_QUADRANT.get(name, name)
            width = (self.width() - label_width - 44) * (value or 0.0)
            painter.fillRect(QRectF(label_width, top + 3, width, row_height - 6),
                             style.colour(quadrant))
            font = painter.font()
            font.setBold(name == self.chosen)
            painter.setFont(font)
            painter.setPen(self.palette().windowText().color())
            painter.drawText(QRectF(0, top, label_width - 6, row_height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             _bar_words(name))
            if value is not None:
                painter.drawText(QRectF(label_width + width + 4, top, 44, row_height),
                                 Qt.AlignmentFlag.AlignVCenter, f"{value:.0%}")
        painter.end()


def _stretch_word(stretch: Stretch) -> str:
    """"talk", or the first word of the stretch's quarter ("calm")."""
    if stretch.speech:
        return "talk"
    return style.QUADRANT_NAMES.get(stretch.quadrant, stretch.quadrant).split(",")[0]


def _talk_share(stretches: Sequence[Stretch], span: tuple[float, float] | None = None
                ) -> float:
    """The share of the stretches (or of `span` in them) that is talk."""
    talk = total = 0.0
    for x in stretches:
        start, end = (x.start, x.end) if span is None else (max(x.start, span[0]),
                                                            min(x.end, span[1]))
        if end > start:
            total += end - start
            talk += (end - start) if x.speech else 0.0
    return talk / total if total else 0.0


def speech_words(row: VideoRow, stretches: Sequence[Stretch] | None) -> str:
    """Why the tag of a file flagged as talk says little, in one sentence that agrees with
    the sound line under it once the timeline is known (a file's flag is the larger of the
    analysed part's talk share and the whole file's, so the two can differ)."""
    if not stretches:
        return style.speech_warning(row.speech_likeness)
    part = _talk_share(stretches, row.segment) >= 0.5 if row.segment else None
    whole = _talk_share(stretches) >= 0.5
    if part and not whole:
        return ("The analysed part is mostly talk, so the emotion tag says little; most of "
                "the file is music (see below).")
    if whole and part is False:
        return ("Mostly talk: the emotion tag comes from a part with music and says little "
                "about the rest (see below).")
    if whole:
        return style.speech_warning(row.speech_likeness)
    # Flagged, yet no stretch of talk covers the part read: talk too short or too quiet
    # to make a stretch was heard where the tag was read (the Graduation speech of issue
    # 23's retest: talk under the band, "music" on the sound line).
    return ("Talk was heard in the part the tag was read from, so the tag may say little; "
            "most of the file is music.")


class DetailsPane(QWidget):
    preview_requested = Signal(str, float)  # path, start (seconds)
    message = Signal(str)  # something the user should read in the status bar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row: VideoRow | None = None
        self.player: QWidget | None = None  # the preview player, once there is one
        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(240, 135)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setStyleSheet("background: #111; color: #aaa;")
        self.title = QLabel(NOTHING_SELECTED)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.speech = QLabel()  # shown when the sound is mostly speech
        self.speech.setWordWrap(True)
        self.speech.setObjectName("speech_warning")
        self.speech.setStyleSheet("QLabel#speech_warning { font-weight: bold; }")
        self.fields = {key: QLabel() for key in ("tag", "adjusted", "segment", "model", "path",
                                                 "problem")}
        for label in self.fields.values():
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.timeline = TimelineStrip()
        self.timeline.seek.connect(self._preview_from)
        self.timeline_caption = QLabel()
        self.timeline_caption.setWordWrap(True)
        self.sound = QLabel()  # the file's sound in words: "mostly talk, with music from ..."
        self.sound.setWordWrap(True)
        self.sound.setObjectName("sound_summary")
        self.sound.setStyleSheet("QLabel#sound_summary { font-weight: bold; }")
        self.quadrants = ProbabilityBars(QUADRANTS)
        self.octants = ProbabilityBars(OCTANTS)
        self.preview = QPushButton("Preview")
        self.open_button = QPushButton("Open in player")
        self.folder_button = QPushButton("Show in folder")
        self.preview.clicked.connect(self.request_preview)
        self.open_button.clicked.connect(self.open_in_system_player)
        self.folder_button.clicked.connect(self.show_in_folder)
        self._layout()
        self.show_row(None)

    def _layout(self) -> None:
        self.form = form = QFormLayout()
        emotion = QWidget()  # the tag, and under it whether it was adjusted to the person's
        lines = QVBoxLayout(emotion)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(2)
        lines.addWidget(self.fields["tag"])
        lines.addWidget(self.fields["adjusted"])
        self.fields["adjusted"].setStyleSheet("font-style: italic;")
        form.addRow("Emotion", emotion)
        for key, text in (("segment", "Analysed"), ("model", "Model"), ("path", "File"),
                          ("problem", "Problem")):
            form.addRow(text, self.fields[key])
        buttons = QHBoxLayout()
        for button in (self.preview, self.open_button, self.folder_button):
            buttons.addWidget(button)
        # Everything about a video, hidden while none is selected (empty labels look broken).
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(buttons)  # first, so Preview never needs scrolling to
        body.addWidget(self.sound)  # talk and music, in words, over the strip that shows them
        body.addWidget(self.timeline)  # the file's emotion over time, at a glance
        body.addWidget(self.timeline_caption)
        body.addLayout(form)
        body.addWidget(QLabel("How likely each quarter is"))
        body.addWidget(self.quadrants)
        body.addWidget(QLabel("How likely each feeling is"))
        body.addWidget(self.octants)
        layout = QVBoxLayout(self)
        layout.addWidget(self.thumbnail, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.title)
        layout.addWidget(self.speech)
        layout.addWidget(self.body)
        layout.addStretch(1)

    def show_row(self, row: VideoRow | None) -> None:
        if row is None or self.row is None or row.id != self.row.id:
            self.timeline.choose(None)  # a stretch ringed belongs to its own file
        self.row = row
        for button in (self.preview, self.open_button, self.folder_button):
            button.setEnabled(row is not None and row.status != "missing")
        self._show_speech(row)
        self.body.setVisible(row is not None)
        if row is None:
            self.title.setText(NOTHING_SELECTED)
            for label in self.fields.values():
                label.clear()
            self.form.setRowVisible(self.fields["problem"], False)
            self.fields["adjusted"].hide()
            self.set_probabilities(None)
            self.set_thumbnail(None)
            return
        self.set_timeline(None)
        self.title.setText(f"<b>{row.name}</b>")
        words = style.QUADRANT_NAMES.get(row.quadrant or "", "")
        tag = words or "–"  # words; the codes (NV-PA) are for exports
        tag += f" / {row.octant or 'any'}"
        if row.corrected:
            tag += " · your tag"  # certain: its point sits in the sector chosen
        elif row.confidence is not None:
            tag += f" · {row.confidence:.0%} sure"
        if row.valence is not None and row.arousal is not None:
            tag += f" · valence {row.valence:+.2f}, arousal {row.arousal:+.2f}"
        self.fields["tag"].setText(tag)
        adjusted = adjusted_words(row)
        self.fields["adjusted"].setText(adjusted)
        self.fields["adjusted"].setVisible(bool(adjusted))
        self.fields["segment"].setText(
            f"{style.clock(row.segment[0])} – {style.clock(row.segment[1])}"
            if row.segment else "–")
        self.fields["model"].setText(row.model or "–")
        self.fields["path"].setText(row.path.encode("utf-8", "replace").decode("utf-8"))
        self.fields["problem"].setText(row.error_reason or "")
        # An empty "Problem" row reads as if something were wrong.
        self.form.setRowVisible(self.fields["problem"], bool(row.error_reason))

    def _show_speech(self, row: VideoRow | None,
                     stretches: Sequence[Stretch] | None = None) -> None:
        if row is None or not row.mostly_speech:
            self.speech.hide()
            return
        text = "⚠ " + speech_words(row, stretches)
        if row.corrected:
            text += " Your correction stands."
        self.speech.setText(text)
        self.speech.show()

    def set_probabilities(self, probs: tuple[dict[str, float], dict[str, float]] | None
                          ) -> None:
        row = self.row
        self.quadrants.set_values(probs[0] if probs else None, row.quadrant if row else None)
        self.octants.set_values(probs[1] if probs else None, row.octant if row else None)

    def set_timeline(self, found: tuple[Timeline, list[Stretch]] | None, *,
                     note: str = TIMELINE_PENDING) -> None:
        """The row's timeline and stretches; None: `note` says why there is none."""
        row = self.row
        if found is None or row is None:
            self.timeline.show_note(note if row is not None and row.status == "ok" else "")
            self.timeline_caption.clear()
            self._show_sound("")
            return
        from ver_desktop.core.timeline import talk_summary  # the CLI's wording too

        timeline, stretches = found
        self.timeline.show_timeline(timeline, stretches, row.segment)
        self._caption()
        self._show_sound(talk_summary(stretches))
        self._show_speech(row, stretches)  # now that it knows where the talk is

    def _show_sound(self, words: str) -> None:
        """The summary line, when the file has talk in it (all music says nothing new)."""
        self.sound.setText(f"Sound: {words}" if words else "")
        self.sound.setVisible(bool(words) and words != "music throughout")

    def choose_stretch(self, span: tuple[float, float] | None) -> None:
        """Ring a stretch chosen elsewhere (the stretches view) and name it."""
        self.timeline.choose(span)
        self._caption()

    def _caption(self) -> None:
        stretches = self.timeline.stretches
        if self.timeline.timeline is None:  # still being read: nothing to name yet
            self.timeline_caption.clear()
            return
        parts = [f"{_stretch_word(s)} {style.clock(s.start)}–{style.clock(s.end)}"
                 for s in stretches]
        text = " → ".join(parts) if len(parts) <= 5 else f"{len(parts)} stretches"
        chosen = self.timeline.chosen
        if chosen is not None:
            text = f"This stretch: {style.clock(chosen[0])}–{style.clock(chosen[1])}. {text}"
        self.timeline_caption.setText(
            f"{text}. Light line: valence (pleasant up); dark line: arousal (energetic up); "
            "the bar marks the analysed 30 s. Click to preview from that moment.")

    def _preview_from(self, seconds: float) -> None:
        if self.row is not None:
            self.preview_requested.emit(self.row.path, seconds)

    def set_player(self, player: QWidget) -> None:
        """Put the preview player at the top; the thumbnail gives way while it shows."""
        self.player = player
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, player)

    def player_visibility_changed(self) -> None:
        playing = self.player is not None and self.player.isVisibleTo(self)
        self.thumbnail.setVisible(self.row is not None and not playing)

    def set_thumbnail(self, pixmap: QPixmap | None) -> None:
        """The row's picture; None while it is being made (an empty frame keeps its place)."""
        playing = self.player is not None and self.player.isVisibleTo(self)
        self.thumbnail.setVisible(self.row is not None and not playing)
        if pixmap is None or pixmap.isNull():
            self.thumbnail.setPixmap(QPixmap())
        else:
            self.thumbnail.setPixmap(pixmap.scaled(
                self.thumbnail.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))

    def request_preview(self) -> None:
        """From the stretch chosen in the stretches view, else from the analysed segment."""
        if self.row is None:
            return
        chosen = self.timeline.chosen
        start = chosen[0] if chosen is not None else (self.row.segment[0]
                                                       if self.row.segment else 0.0)
        self.preview_requested.emit(self.row.path, start)

    def open_in_system_player(self) -> None:
        if self.row is not None and not QDesktopServices.openUrl(
                QUrl.fromLocalFile(self.row.path)):
            self.message.emit("No program to play it was found on this computer; use "
                              "Preview, or open the file from its folder")

    def show_in_folder(self) -> None:
        if self.row is not None and not QDesktopServices.openUrl(
                QUrl.fromLocalFile(os.path.dirname(self.row.path))):
            self.message.emit("No file manager was found to show the folder: "
                              f"{os.path.dirname(self.row.path)}")


