"""Import boundaries: the engine has no Qt; the app's inference path has no torch; the
package has no import circle and nothing but the app reaches into the main window."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "ver_desktop"


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# Every module of every package under core/, packages included.
CORE_MODULES = sorted(_module_name(p) for p in (PACKAGE / "core").rglob("*.py"))


def _code_shape() -> ModuleType:
    """scripts/code_shape.py, which is not in a package: loaded by path."""
    spec = importlib.util.spec_from_file_location("code_shape", REPO / "scripts" / "code_shape.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


code_shape = _code_shape()


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, env=os.environ.copy())
    return set(result.stdout.split())


def test_core_modules_cover_every_package() -> None:
    assert {"ver_desktop.core", "ver_desktop.core.scan", "ver_desktop.core.library",
            "ver_desktop.core.library.store", "ver_desktop.core.playlists.export"} <= set(
        CORE_MODULES)


def test_core_imports_no_qt() -> None:
    modules = loaded_after("\n".join(f"import {m}" for m in CORE_MODULES))
    assert set(CORE_MODULES) <= modules
    assert not [m for m in modules if m.startswith(("PySide6", "shiboken6"))]


def test_classifying_never_imports_torch(media_files: dict[str, Path]) -> None:
    code = (
        "from ver_desktop.cli import main\n"
        f"main(['classify', '--json', {os.fspath(media_files['music.mp4'])!r}])\n"
    )
    modules = loaded_after(code)
    assert "onnxruntime" in modules
    assert "torch" not in modules


def test_the_circle_finder_finds_a_circle_and_not_a_chain() -> None:
    circle = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    chain = {"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}
    assert code_shape.cycles(circle) == [["a", "b", "c"]]
    assert code_shape.cycles(chain) == []


def test_no_import_circle_in_the_package() -> None:
    """TYPE_CHECKING imports count: a circle there is still two modules that need each
    other to be understood."""
    circles = code_shape.cycles(code_shape.import_graph(PACKAGE))
    assert not circles, f"import circles: {circles}"


def test_only_the_app_imports_the_main_window() -> None:
    reaching = code_shape.reaching_window(code_shape.import_graph(PACKAGE))
    assert not reaching, f"modules importing {code_shape.WINDOW}: {reaching}"


# Raised and caught inside one function's transaction; never reaches a person.
INTERNAL_ERRORS = {"ver_desktop.core.library.timelines.Refused"}


def test_the_apps_own_errors_share_one_root() -> None:
    """Every exception class the app defines is an AppError (a sentence for a person),
    so a front end can tell the app's refusals from bugs. Training's torch modules aside,
    every module is imported to find them."""
    import importlib

    from ver_desktop.core.errors import AppError

    names = [name for name in code_shape.modules(PACKAGE) if not name.endswith("__main__")
             and (not name.startswith("ver_desktop.training.") or name.endswith(".requests"))]
    defined = []
    for name in names:
        module = importlib.import_module(name)
        defined += [value for value in vars(module).values()
                    if isinstance(value, type) and issubclass(value, BaseException)
                    and value.__module__ == name]
    assert len(defined) >= 15  # the scan found them
    outside = sorted(f"{e.__module__}.{e.__qualname__}" for e in defined
                     if not issubclass(e, AppError))
    assert set(outside) == INTERNAL_ERRORS, f"not AppErrors: {outside}"
