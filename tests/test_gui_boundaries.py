"""What the app loads before its window shows, and the guard against PySide6 6.12.0's
reference-counting bug."""

from __future__ import annotations

import os
import subprocess
import sys

HEAVY = ("av", "numpy", "scipy", "onnxruntime", "sqlalchemy", "torch")


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)


def test_the_window_module_loads_nothing_heavy() -> None:
    result = run_python("import sys, ver_desktop.gui.app\n"
                        "print('\\n'.join(sorted(sys.modules)))")
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert "PySide6.QtWidgets" in loaded
    assert not [m for m in loaded if m.split(".")[0] in HEAVY]


def test_the_command_line_never_imports_qt() -> None:
    result = run_python("import sys, ver_desktop.cli\nprint('\\n'.join(sorted(sys.modules)))")
    assert result.returncode == 0, result.stderr
    assert not [m for m in result.stdout.split() if m.startswith(("PySide6", "shiboken6"))]


def test_many_paints_and_emits_do_not_abort_the_interpreter() -> None:
    # Without the guard in ver_desktop.gui.signals this aborts on PySide6 6.12.0
    # ("none_dealloc"/"bool_dealloc") long before the loop ends.
    code = """
import ver_desktop.gui
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
class W(QWidget):
    ping = Signal(object)
    def paintEvent(self, event):
        pass
w = W(); w.resize(20, 20); w.show()
w.ping.connect(lambda value: None)
for i in range(3000):
    w.repaint()
    w.ping.emit(i)
print("survived")
"""
    result = run_python(code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "survived" in result.stdout
