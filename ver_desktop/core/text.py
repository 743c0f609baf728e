"""Text that came from outside (file names, reasons) made safe where it goes: control
characters are legal in Linux file names but split playlist lines, break XML and drive
terminals."""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


def plain_text(text: str) -> str:
    """`text` with control characters as spaces: one line, valid in XML."""
    return CONTROL_CHARACTERS.sub(" ", text)


def terminal_text(text: str) -> str:
    """`text` with control characters shown as escapes (\\x1b), never sent to a terminal."""
    return CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
