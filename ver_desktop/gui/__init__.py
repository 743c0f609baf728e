"""The desktop app: a thin PySide6 layer over `ver_desktop.core` (no signal processing and
no SQL here). `ver_desktop.gui.app.main` starts it."""

from ver_desktop.gui.signals import protect_singletons

protect_singletons()  # before any Qt call-back can run; see signals.py
