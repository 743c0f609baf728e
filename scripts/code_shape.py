"""The shape of the code, for reviews and closing notes: import circles (TYPE_CHECKING
imports included), modules that import the main window, and the biggest modules and
classes. Run: .venv/bin/python scripts/code_shape.py [PACKAGE_DIR]"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

WINDOW = "ver_desktop.gui.main_window"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def _resolve(name: str, level: int, here: str, is_package: bool) -> str:
    if not level:
        return name
    base = here.split(".")
    base = base[: len(base) - level + (1 if is_package else 0)]
    return ".".join([*base, name] if name else base)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Each module of the package, and the package's modules it imports anywhere in it."""
    known = modules(root)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(node.module or "", node.level, name,
                                path.name == "__init__.py")
                # `from package import module` imports the module; `from package import
                # name` runs the package's __init__.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                           for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.add(target)
        graph[name] = found
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan). A package's
    `__init__` importing its own modules is not a circle unless they import it back."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            visit(v)
    return groups


def reaching_window(graph: dict[str, set[str]]) -> list[str]:
    return sorted(m for m, deps in graph.items() if WINDOW in deps and m != "ver_desktop.gui.app")


def biggest_classes(root: Path, top: int = 8) -> list[tuple[int, int, str]]:
    """(methods, lines, name) of the biggest classes."""
    found = []
    for name, path in modules(root).items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                methods = sum(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                              for n in node.body)
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                found.append((methods, lines, f"{name}.{node.name}"))
    return sorted(found, reverse=True)[:top]


def biggest_modules(root: Path, top: int = 8) -> list[tuple[int, str]]:
    return sorted(((len(p.read_text().splitlines()), n) for n, p in modules(root).items()),
                  reverse=True)[:top]


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "ver_desktop").resolve()
    graph = import_graph(root)
    print("import circles:", cycles(graph) or "none")
    print("modules importing the main window:", reaching_window(graph) or "none")
    print("biggest modules (lines):")
    for lines, name in biggest_modules(root):
        print(f"  {lines:5d}  {name}")
    print("biggest classes (methods, lines):")
    for methods, lines, name in biggest_classes(root):
        print(f"  {methods:3d} {lines:5d}  {name}")


if __name__ == "__main__":
    main()
