"""The desktop app: a thin PySide6 layer over `ver_desktop.core` (no signal processing and
no SQL here). `ver_desktop.gui.app.main` starts it."""
