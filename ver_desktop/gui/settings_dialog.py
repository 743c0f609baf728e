"""Settings: the library's folders, the number of decoding processes, where data lives."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

if TYPE_CHECKING:
    from ver_desktop.gui.main_window import MainWindow


class SettingsDialog(QDialog):
    def __init__(self, window: MainWindow, folders: list[str]) -> None:
        super().__init__(window)
        self.main = window
        self.setWindowTitle("Settings")
        self.folders = QListWidget()
        self.folders.addItems(folders)
        add, remove = QPushButton("Add…"), QPushButton("Remove")
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        self.workers = QSpinBox()
        self.workers.setRange(0, max(os.cpu_count() or 1, 1) * 2)
        self.workers.setSpecialValueText(f"automatic ({os.cpu_count() or 1})")
        self.workers.setValue(int(str(window.settings.value("workers", 0) or 0)))
        data = QLabel(str(window.data_dir))
        data.setToolTip("Set with --data-dir or VER_DESKTOP_DATA_DIR")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        folder_buttons = QHBoxLayout()
        folder_buttons.addWidget(add)
        folder_buttons.addWidget(remove)
        folder_buttons.addStretch(1)
        form = QFormLayout()
        form.addRow("Decoding processes", self.workers)
        form.addRow("Data folder", data)
        form.addRow("Model", QLabel(window.session.bundle.tag if window.session else "–"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Library folders (watched for new and changed files):"))
        layout.addWidget(self.folders)
        layout.addLayout(folder_buttons)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.accepted.connect(self._save)

    def _add(self) -> None:
        self.main.choose_folder()
        self.close()

    def _remove(self) -> None:
        item = self.folders.currentItem()
        if item is not None:
            self.main.forget_folder(item.text())
            self.folders.takeItem(self.folders.row(item))

    def _save(self) -> None:
        self.main.settings.setValue("workers", self.workers.value())
