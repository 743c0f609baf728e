"""Text that came from outside (file names, reasons) made safe where it goes: control
characters are legal in Linux file names but split playlist lines, break XML and drive
terminals. And the key that search compares, with case and accents ignored."""

from __future__ import annotations

import re
import unicodedata

CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


def plain_text(text: str) -> str:
    """`text` with control characters as spaces: one line, valid in XML."""
    return CONTROL_CHARACTERS.sub(" ", text)


def terminal_text(text: str) -> str:
    """`text` with control characters shown as escapes (\\x1b), never sent to a terminal."""
    return CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def search_key(text: str) -> str:
    """Text as search compares it: case and accents ignored ("Café" finds "cafe")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def searchable(name: str, folder: str) -> str:
    """What a video's search matches: its name and the two folders above it (a holiday's
    folder name finds its files; the home folder above everything does not)."""
    parts = [part for part in folder.replace("\\", "/").split("/") if part][-2:]
    return search_key(" / ".join([*parts, name]))


def count_of(count: int, noun: str) -> str:
    """"1 video", "3 videos", "2 stretches": a count with its noun, never "video(s)"."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {noun}{'es' if noun.endswith(('s', 'sh', 'ch', 'x')) else 's'}"


def clock(seconds: float) -> str:
    """Seconds as a person reads a time: 0:42, 3:05, 1:02:30."""
    minutes, secs = divmod(round(seconds), 60)
    if minutes >= 60:
        return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
