"""Write playlists as M3U8, XSPF and mpv EDL, with paths relative to the playlist file or
absolute; `EXPORT_FORMATS` is the one list of them that every front end iterates.

Paths keep their exact OS bytes: M3U8 lines are written as bytes (a name that is not valid
UTF-8 still opens on the disk it came from), and XSPF locations are percent-encoded URIs of
those bytes, as the XSPF specification asks. A path with a control character in it (a line
break is legal in a Linux file name) is written to M3U8 as a percent-encoded file:// URI, so
it stays one entry; titles lose their control characters, which would split an M3U8 line or
make an XSPF file invalid XML.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_from_bytes, unquote_to_bytes, urlparse

from ver_desktop.core import paths
from ver_desktop.core.atomic import write_atomically
from ver_desktop.core.errors import AppError
from ver_desktop.core.library import VideoRow
from ver_desktop.core.text import CONTROL_CHARACTERS, plain_text

XSPF_NS = "http://xspf.org/ns/0/"


@dataclass(frozen=True)
class Entry:
    path: str
    title: str
    duration: float | None = None  # seconds it plays
    start: float | None = None  # where to begin in the file, seconds
    stop: float | None = None  # where to end in the file, seconds (None: at its end)


VLC_XSPF = "http://www.videolan.org/vlc/playlist/0"  # XSPF <extension application=...>
VLC_NS = "http://www.videolan.org/vlc/playlist/ns/0/"


def _vlc_options(entry: Entry) -> list[str]:
    """VLC's per-item options (read by VLC from M3U8 #EXTVLCOPT lines and from XSPF
    extensions)."""
    options = []
    if entry.start:
        options.append(f"start-time={entry.start:.3f}")
    if entry.stop is not None:
        options.append(f"stop-time={entry.stop:.3f}")
    return options


def _location(path: str, playlist: Path, relative: bool) -> str:
    """The path as written: relative to the playlist's folder when asked and possible
    (another drive on Windows is not), else absolute."""
    if relative:
        try:
            return os.path.relpath(path, os.fspath(playlist.resolve().parent))
        except ValueError:
            pass
    return os.path.abspath(path)


def export_m3u8(entries: Sequence[Entry], target: Path, *, relative: bool = True) -> Path:
    lines = [b"#EXTM3U"]
    for entry in entries:
        seconds = -1 if entry.duration is None else round(entry.duration)
        lines.append(f"#EXTINF:{seconds},{plain_text(entry.title)}".encode())
        lines += [f"#EXTVLCOPT:{option}".encode() for option in _vlc_options(entry)]
        lines.append(_m3u8_location(entry.path, target, relative))
    return write_playlist_file(target, b"\n".join(lines) + b"\n")


def _m3u8_location(path: str, playlist: Path, relative: bool) -> bytes:
    if CONTROL_CHARACTERS.search(path):
        return Path(os.path.abspath(path)).as_uri().encode("ascii")
    return os.fsencode(_location(path, playlist, relative))


def read_m3u8(source: Path) -> list[str]:
    """The paths an M3U8 file names, resolved against its folder."""
    paths = []
    for raw in source.read_bytes().splitlines():
        line = raw.strip()
        if line and not line.startswith(b"#"):
            path = (os.fsdecode(unquote_to_bytes(urlparse(os.fsdecode(line)).path))
                    if line.startswith(b"file://") else os.fsdecode(line))
            paths.append(os.path.normpath(os.path.join(source.resolve().parent, path)))
    return paths


def export_xspf(entries: Sequence[Entry], target: Path, *, title: str = "",
                relative: bool = True) -> Path:
    ET.register_namespace("", XSPF_NS)
    ET.register_namespace("vlc", VLC_NS)
    root = ET.Element(f"{{{XSPF_NS}}}playlist", version="1")
    if title:
        ET.SubElement(root, f"{{{XSPF_NS}}}title").text = plain_text(title)
    tracks = ET.SubElement(root, f"{{{XSPF_NS}}}trackList")
    for entry in entries:
        track = ET.SubElement(tracks, f"{{{XSPF_NS}}}track")
        ET.SubElement(track, f"{{{XSPF_NS}}}location").text = _uri(
            _location(entry.path, target, relative))
        ET.SubElement(track, f"{{{XSPF_NS}}}title").text = plain_text(entry.title)
        if entry.duration is not None:  # XSPF durations are milliseconds
            ET.SubElement(track, f"{{{XSPF_NS}}}duration").text = str(round(entry.duration
                                                                             * 1000))
        options = _vlc_options(entry)
        if options:
            extension = ET.SubElement(track, f"{{{XSPF_NS}}}extension", application=VLC_XSPF)
            for option in options:
                ET.SubElement(extension, f"{{{VLC_NS}}}option").text = option
    data = io.BytesIO()
    ET.ElementTree(root).write(data, encoding="UTF-8", xml_declaration=True)
    return write_playlist_file(target, data.getvalue())


def _uri(location: str) -> str:
    if os.path.isabs(location):
        return Path(location).as_uri()
    return quote_from_bytes(os.fsencode(location.replace(os.sep, "/")), safe="/")


class ExportError(AppError):
    """A playlist file that could not be written, in one sentence that names it."""


Writer = Callable[[Sequence[Entry], Path, str, bool], Path]  # entries, target, title, relative


@dataclass(frozen=True)
class ExportFormat:
    """One kind of playlist file the app writes: the command line, the Playlist menu and
    the save dialog all iterate `EXPORT_FORMATS`, so a new format is one entry there."""

    key: str  # a short name, stable: "m3u8" (the menu action's, and `export_playlist`'s)
    name: str  # what a person reads: "M3U8"
    suffix: str  # the file's, with its dot: ".m3u8"
    description: str  # which players read it, in a few words
    menu_text: str  # the Playlist menu's entry, with its Alt-key mark
    filter_text: str  # the save dialog's file type: "M3U8 playlist (*.m3u8)"
    writer: Writer
    also: tuple[str, ...] = ()  # other suffixes written in this format (".m3u")

    @property
    def suffixes(self) -> tuple[str, ...]:
        return (self.suffix, *self.also)

    def write(self, entries: Sequence[Entry], target: Path, *, title: str = "",
              relative: bool = True) -> Path:
        """Write `entries` to `target` in this format. Raises ExportError."""
        return self.writer(entries, target, title, relative)


def _write_m3u8(entries: Sequence[Entry], target: Path, _title: str, relative: bool) -> Path:
    return export_m3u8(entries, target, relative=relative)


def _write_xspf(entries: Sequence[Entry], target: Path, title: str, relative: bool) -> Path:
    return export_xspf(entries, target, title=title, relative=relative)


def _write_edl(entries: Sequence[Entry], target: Path, _title: str, relative: bool) -> Path:
    return export_mpv_edl(entries, target, relative=relative)


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("m3u8", "M3U8", ".m3u8", "VLC and most players", "Export as M3U&8…",
                 "M3U8 playlist (*.m3u8)", _write_m3u8, also=(".m3u",)),
    ExportFormat("xspf", "XSPF", ".xspf", "VLC and most players", "Export as &XSPF…",
                 "XSPF playlist (*.xspf)", _write_xspf),
    ExportFormat("edl", "EDL", ".edl", "mpv", "Export for mp&v (EDL)…",
                 "mpv playlist (*.edl)", _write_edl),
)

# Suffix -> key, as before the registry (kept for callers that look formats up so).
FORMATS = {suffix: fmt.key for fmt in EXPORT_FORMATS for suffix in fmt.suffixes}


def format_for(target: Path | str) -> ExportFormat | None:
    """The format a file's suffix asks for (".M3U8" as ".m3u8"), or None."""
    suffix = Path(target).suffix.lower()
    return next((fmt for fmt in EXPORT_FORMATS if suffix in fmt.suffixes), None)


def format_named(key: str) -> ExportFormat:
    """The format with this key ("m3u8", "xspf", "edl"); KeyError for another."""
    for fmt in EXPORT_FORMATS:
        if fmt.key == key:
            return fmt
    raise KeyError(key)


def formats_in_words() -> str:
    """The suffixes the app writes and who reads them, for a sentence: ".m3u8 or .xspf
    (VLC and most players) or .edl (mpv)"."""
    groups: list[tuple[list[str], str]] = []
    for fmt in EXPORT_FORMATS:
        if groups and groups[-1][1] == fmt.description:
            groups[-1][0].append(fmt.suffix)
        else:
            groups.append(([fmt.suffix], fmt.description))
    return " or ".join(f"{' or '.join(suffixes)} ({description})"
                       for suffixes, description in groups)


def export_playlist(entries: Sequence[Entry], target: Path, fmt: str | ExportFormat, *,
                    title: str = "", relative: bool = True) -> Path:
    """Write `entries` to `target` as `fmt` (an `ExportFormat`, or its key: "m3u8", "xspf"
    or "edl"; an unknown key writes M3U8, as before): the one export the command line and
    the app share. Raises ExportError."""
    if isinstance(fmt, str):
        fmt = next((f for f in EXPORT_FORMATS if f.key == fmt), EXPORT_FORMATS[0])
    return fmt.write(entries, target, title=title, relative=relative)


def write_playlist_file(target: Path, data: bytes) -> Path:
    """Write `data` to a temporary file beside `target`, flushed to the disk, then rename it
    onto `target`: a failure (a full disk) leaves the old file whole and no temporary file,
    and a rename never writes through a link or into another name of the same file. A link,
    a folder, a device or a database at `target` is refused (a link named like the export
    once overwrote the library). Raises ExportError."""
    _check_target(target)
    try:
        write_atomically(target, data)
    except OSError as exc:
        raise ExportError(_in_words(exc, target)) from None
    return target


def _check_target(target: Path) -> None:
    try:
        found = os.lstat(target)
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise ExportError(_in_words(exc, target)) from None
    if found is None:
        if not os.path.isdir(target.parent):
            raise ExportError(f"the folder {target.parent} does not exist")
        return
    if stat.S_ISLNK(found.st_mode):
        raise ExportError(f"{target} is a link; give the real path")
    if stat.S_ISDIR(found.st_mode):
        raise ExportError(f"{target} is a folder; give a file name in it, such as "
                          f"{target / 'playlist.m3u8'}")
    if not stat.S_ISREG(found.st_mode):
        raise ExportError(f"{target} is not an ordinary file; give another name")
    if _is_database(target):
        raise ExportError(f"{target} is a database, not a playlist; give another name")


def _is_database(target: Path) -> bool:
    """The library's files (by name: its -wal and -shm files have no header to know them
    by) or any SQLite database."""
    library = paths.database_path(target.parent).name
    if target.name in (library, f"{library}-wal", f"{library}-shm", f"{library}-journal"):
        return True
    try:
        with open(target, "rb") as stream:
            return stream.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _in_words(exc: OSError, target: Path) -> str:
    """Why `target` could not be written, naming it (not the library's disk)."""
    folder = target.parent
    reasons = {
        errno.ENOSPC: f"the disk that holds {target} is full, so it was not written (an "
                      "earlier file of that name is unchanged); free some space and try again",
        errno.EDQUOT: f"your disk quota for {folder} is used up, so {target} was not written "
                      "(an earlier file of that name is unchanged)",
        errno.EROFS: f"{folder} is on a read-only disk; choose another folder for {target.name}",
        errno.EACCES: f"no permission to write {target} in its folder; choose another folder",
        errno.EPERM: f"no permission to write {target} in its folder; choose another folder",
        errno.EISDIR: f"{target} is a folder; give a file name in it",
        errno.ENOENT: f"the folder {folder} does not exist",
        errno.ENOTDIR: f"{folder} is not a folder",
        errno.ENAMETOOLONG: f"the name {target.name} is too long for its disk",
    }
    return reasons.get(exc.errno or 0,
                       f"{target} could not be written: {exc.strerror or exc}")


def export_mpv_edl(entries: Sequence[Entry], target: Path, *,
                   relative: bool = True) -> Path:
    """mpv's EDL: the items played one after another, each from its start for its length
    (mpv reads neither VLC's #EXTVLCOPT lines nor XSPF). A path is written with its byte
    length (`%N%path`), so commas and odd bytes in names are safe."""
    lines = [b"# mpv EDL v0"]
    for entry in entries:
        location = os.fsencode(_location(entry.path, target, relative))
        line = b"%" + str(len(location)).encode() + b"%" + location
        if entry.stop is not None:
            start = entry.start or 0.0
            line += f",{start:.3f},{entry.stop - start:.3f}".encode()
        lines.append(line)
    return write_playlist_file(target, b"\n".join(lines) + b"\n")


def read_mpv_edl(source: Path) -> list[str]:
    """The paths an EDL written by `export_mpv_edl` names, resolved against its folder."""
    paths = []
    for raw in source.read_bytes().splitlines()[1:]:
        length, _, rest = raw[1:].partition(b"%")
        path = os.fsdecode(rest[:int(length)])
        paths.append(os.path.normpath(os.path.join(source.resolve().parent, path)))
    return paths


def read_xspf(source: Path) -> list[str]:
    """The paths an XSPF file names, resolved against its folder."""
    root = ET.parse(source).getroot()
    paths = []
    for element in root.iter(f"{{{XSPF_NS}}}location"):
        parsed = urlparse(element.text or "")
        raw = os.fsdecode(unquote_to_bytes(parsed.path))
        paths.append(os.path.normpath(os.path.join(source.resolve().parent, raw)))
    return paths



def entries_for(rows: Sequence[VideoRow], play: str = "file") -> list[Entry]:
    """Entries from library rows, in the given order (see `entry_for`)."""
    return [entry_for(row, play) for row in rows]


def entry_for(row: VideoRow, play: str = "file",
              span: tuple[float, float] | None = None) -> Entry:
    """What one item plays: its stretch of the file when it is one; else, in a "segment"
    playlist, the video's analysed segment; in a "file" playlist, the whole file."""
    if span is not None:
        return Entry(row.path, row.name, span[1] - span[0], span[0], span[1])
    if play == "segment" and row.segment is not None:
        start, stop = row.segment
        return Entry(row.path, row.name, stop - start, start, stop)
    return Entry(row.path, row.name, row.duration)
