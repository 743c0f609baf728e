"""Files written whole or not at all: a temporary file beside the target, flushed to the
disk, given its permissions, then renamed onto the target (one atomic step), and the folder
flushed so the rename survives a power cut. A failure removes the temporary file and leaves
an earlier file of that name whole. A rename replaces a link at the target instead of
writing through it; callers that must refuse links, folders or databases check first."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

NEW_FILE_MODE = 0o644  # a new file readable by all, as a text editor's would be; reading
# the umask would change it for every thread for a moment


def write_atomically(target: str | os.PathLike[str], data: bytes, *,
                     mode: int | None = None, prefix: str | None = None) -> None:
    """`data` into `target`. `mode`: the file's permissions, set before anything is written
    (0o600 keeps a file private from its first byte); by default the permissions `target`
    has, else NEW_FILE_MODE. `prefix` names the hidden temporary file (default
    `.NAME.`). Raises OSError."""
    folder, name = os.path.split(os.path.abspath(target))
    mode = existing_mode(target) if mode is None else mode
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=prefix or f".{name}.",
                                         suffix=".part")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    sync_folder(folder)


def existing_mode(target: str | os.PathLike[str]) -> int:
    """The permissions `target` has (not through a link), else NEW_FILE_MODE."""
    try:
        return stat.S_IMODE(os.lstat(target).st_mode)
    except OSError:
        return NEW_FILE_MODE


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush a folder, so a rename into it survives a power cut (where the file system
    allows it; some cannot flush a folder)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
