"""Scan progress in the status bar: files done / total, rate, ETA, the file being read, and
a cancel button. Hidden while nothing runs."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ver_desktop.gui.style import clock


def progress_text(done: int, total: int, rate: float, eta: float | None, path: str) -> str:
    name = os.path.basename(path).encode("utf-8", "replace").decode("utf-8")
    if len(name) > 40:
        name = name[:37] + "…"
    eta_text = "--" if eta is None else clock(eta)
    return f"{done} / {total} files · {rate:.1f}/s · ETA {eta_text} · {name}"


class ScanProgressWidget(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("Scanning…")
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.cancel = QPushButton("Cancel")
        self.cancel.setToolTip("Stop after the files in progress")
        self.cancel.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.label, self.bar, self.cancel):
            layout.addWidget(widget)
        self._latest: Any = None  # progress not shown yet
        self._throttle = QTimer(self, singleShot=True, interval=250)
        self._throttle.timeout.connect(self._show_latest)
        self.hide()

    def started(self) -> None:
        self._latest = None
        self.label.setText("Looking for videos…")
        self.bar.setRange(0, 0)  # busy until the total is known
        self.cancel.setEnabled(True)
        self.show()

    def update_progress(self, progress: Any) -> None:
        """`progress` is a `core.scan.ScanProgress`. Shown at most four times a second: each
        new text relays out and repaints the status bar, and files can finish far faster."""
        self._latest = progress
        if not self._throttle.isActive():
            self._show_latest()
            self._throttle.start()

    def _show_latest(self) -> None:
        progress, self._latest = self._latest, None
        if progress is None or not self.cancel.isEnabled():
            return  # nothing new, or cancelling (its message stays)
        self.bar.setRange(0, max(progress.total, 1))
        self.bar.setValue(progress.done)
        self.label.setText(progress_text(progress.done, progress.total, progress.rate,
                                         progress.eta, progress.path))

    def cancelling(self) -> None:
        self.cancel.setEnabled(False)
        self.label.setText("Stopping after the files in progress…")
