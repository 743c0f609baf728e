"""What an empty library shows: an invitation to drop a folder, and a button for it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    add_folder = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Drop a folder of videos here")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        self.title.setFont(font)
        self.hint = QLabel("ver_desktop listens to each video's sound and places it on the "
                           "emotion circle: happy, tense, sad or calm.\nYour files stay where "
                           "they are; nothing is uploaded.")
        self.hint.setWordWrap(True)
        button = QPushButton("Add a folder…")
        button.clicked.connect(self.add_folder)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (self.title, self.hint):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        layout.addSpacing(16)
        layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)

    def set_message(self, title: str, hint: str = "") -> None:
        self.title.setText(title)
        self.hint.setText(hint)


class DropOverlay(QLabel):
    """Shown over the window while files or folders are dragged over it: where they go,
    in words, so a person knows the drop will be taken."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__("Drop to add these videos to the library\n"
                         "(folders are searched for videos; your files stay where they are)",
                         parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        self.setFont(font)
        self.setAutoFillBackground(False)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        highlight, back = self.palette().highlight().color(), self.palette().window().color()
        # nearly opaque: the words are read over the table, not mixed with it
        self.setStyleSheet(
            f"background-color: rgba({back.red()}, {back.green()}, {back.blue()}, 225); "
            f"border: 4px dashed {highlight.name()}; border-radius: 10px; padding: 24px;")
        self.hide()

    def cover(self) -> None:
        """Over the whole of the parent, on top."""
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect().adjusted(8, 8, -8, -8))
        self.raise_()
        self.show()
