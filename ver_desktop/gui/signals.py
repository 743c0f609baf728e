"""A guard against a reference-counting bug in PySide6 6.12.0.

In that release every call from Qt into a Python override of a virtual method
(`paintEvent`, `QRunnable.run`, ...) drops one reference to `None`, and every
`SignalInstance.emit` drops one reference to `True`. CPython 3.11 aborts the whole process
when either count reaches zero ("none_dealloc" / "bool_dealloc"), after a few hundred
paints or emits. `protect_singletons` lifts their counts so far that they cannot reach
zero: what CPython 3.12 does for every such singleton ("immortal objects", PEP 683). The
objects are never freed either way, so nothing leaks. It runs once, before Qt starts
calling back, from `ver_desktop.gui`'s package import.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

HEADROOM = 1 << 60  # ~10^18 lost references before trouble; counts are 64-bit
SINGLETONS: tuple[Any, ...] = (None, True, False)


def protect_singletons() -> None:
    if sys.version_info >= (3, 12):
        return  # already immortal
    for obj in SINGLETONS:
        count = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field
        if count.value < HEADROOM:
            count.value += HEADROOM
