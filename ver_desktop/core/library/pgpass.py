"""libpq's password file (~/.pgpass, or $PGPASSFILE): where a shared library's password is
kept, so the settings file, which anyone on the computer may read, holds its address without
it. libpq, and so psycopg, reads the file by itself when an address has no password, and
only when nobody but its owner may read it: it is written with mode 0600.

A line is host:port:database:user:password, '*' matching anything, ':' and '\\' escaped
with '\\'. Lines this module did not write are kept as they were."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL

from ver_desktop.core.atomic import write_atomically

Key = tuple[str, str, str, str]  # host, port, database, user


def path() -> Path:
    """$PGPASSFILE, else ~/.pgpass (libpq's own rule)."""
    given = os.environ.get("PGPASSFILE")
    return Path(given) if given else Path.home() / ".pgpass"


def key(url: URL) -> Key:
    """The entry for `url`: libpq calls a connection without a host "localhost"; a part
    the address leaves out matches anything."""
    return (url.host or "localhost", str(url.port) if url.port else "*",
            url.database or "*", url.username or "*")


def find(url: URL) -> str | None:
    """The password kept for exactly this address, if any."""
    wanted = key(url)
    for fields in _entries():
        if tuple(fields[:4]) == wanted:
            return fields[4]
    return None


def save(url: URL, password: str) -> None:
    """Keep `password` for `url`, in place of one kept for it before."""
    line = ":".join(_escaped(field) for field in (*key(url), password))
    _write([*_other_lines(key(url)), line])


def forget(url: URL) -> None:
    """Drop the password kept for exactly this address (another's entries stay)."""
    wanted = key(url)
    lines = _other_lines(wanted)
    if len(lines) != len(_lines()):
        _write(lines)


def _lines() -> list[str]:
    try:
        return path().read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []


def _entries() -> list[list[str]]:
    return [fields for fields in map(_fields, _lines()) if len(fields) == 5]


def _other_lines(wanted: Key) -> list[str]:
    return [line for line in _lines() if tuple(_fields(line)[:4]) != wanted]


def _write(lines: list[str]) -> None:
    """Atomically, and never readable by others, not even for a moment: a temporary
    file beside it, made 0600 before anything is written, then renamed over it."""
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, "".join(line + "\n" for line in lines).encode("utf-8"),
                     mode=0o600, prefix=".pgpass.")


def _escaped(field: str) -> str:
    return field.replace("\\", "\\\\").replace(":", "\\:")


def _fields(line: str) -> list[str]:
    """A line's fields, unescaped; a comment or blank line has none."""
    if not line.strip() or line.lstrip().startswith("#"):
        return []
    fields: list[str] = []
    current, escaped = "", False
    for char in line:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            escaped = True
        elif char == ":" and len(fields) < 4:
            fields.append(current)
            current = ""
        else:
            current += char
    return [*fields, current]
