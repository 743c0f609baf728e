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
