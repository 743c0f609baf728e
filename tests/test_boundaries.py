"""Import boundaries: the engine has no Qt; the app's inference path has no torch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CORE_MODULES = ["ver_desktop.core." + p.stem for p in
                (Path(__file__).resolve().parents[1] / "ver_desktop" / "core").glob("*.py")
                if p.stem != "__init__"] + ["ver_desktop.core.library"]


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, env=os.environ.copy())
    return set(result.stdout.split())


def test_core_imports_no_qt() -> None:
    modules = loaded_after("\n".join(f"import {m}" for m in CORE_MODULES))
    assert "ver_desktop.core.scan" in modules
    assert not [m for m in modules if m.startswith(("PySide6", "shiboken6"))]


def test_classifying_never_imports_torch(media_files: dict[str, Path]) -> None:
    code = (
        "from ver_desktop.cli import main\n"
        f"main(['classify', '--json', {os.fspath(media_files['music.mp4'])!r}])\n"
    )
    modules = loaded_after(code)
    assert "onnxruntime" in modules
    assert "torch" not in modules
