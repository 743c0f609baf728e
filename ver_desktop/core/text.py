"""Text that came from outside (file names, reasons) made safe where it goes: control
characters are legal in Linux file names but split playlist lines, break XML and drive
terminals. And the key that search compares, with case and accents ignored."""

from __future__ import annotations

import os
import re
import unicodedata

CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


def plain_text(text: str) -> str:
    """`text` with control characters as spaces: one line, valid in XML."""
    return CONTROL_CHARACTERS.sub(" ", text)


# What a terminal must never receive raw from a name: control characters (C0, DEL, C1:
# escape sequences, carriage returns, bells), the bidi marks, embeddings, overrides and
# isolates that make text read in another order than it is (U+202E turns "gpj.exe" round),
# the line and paragraph separators, and lone surrogates (bytes of a file name that are not
# UTF-8, as Python decodes them).
UNSAFE_FOR_TERMINALS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def terminal_text(text: str) -> str:
    """Any name, path or other outside text as printed to a terminal: what `UNSAFE_FOR_
    TERMINALS` matches is shown as an escape (ESC as \\x1b, U+202E as \\u202e, the byte
    0xff of a name that is not UTF-8 as \\xff), so it shows instead of acting. The one
    function the command line (cli/) prints such text through."""
    return UNSAFE_FOR_TERMINALS.sub(_escape, text)


def printable(path: str) -> str:
    """A path as text: bytes that are no UTF-8 become U+FFFD (pass it through terminal_text
    before printing it)."""
    return os.fsencode(path).decode("utf-8", "replace")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the undecodable byte itself
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def search_key(text: str) -> str:
    """Text as search compares it: case and accents ignored ("Café" finds "cafe")."""
    decomposed = unicodedata.normalize("NFKD", readable(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def readable(text: str) -> str:
    """`text` without lone surrogates, which no database or UTF-8 file takes: the bytes of
    a name that is not UTF-8 (as Python decodes a command line) become U+FFFD, as the
    library shows such names (schema.display_text), so searching for them still finds them."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        raw = text.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


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


def free_name(name: str, taken: set[str]) -> str:
    """`name`, or the first of "NAME (2)", "NAME (3)"... that is not taken: playlist names
    are unique."""
    number = 2
    found = name
    while found in taken:
        found = f"{name} ({number})"
        number += 1
    return found
