"""Write playlists as M3U8 and XSPF, with paths relative to the playlist file or absolute.

Paths keep their exact OS bytes: M3U8 lines are written as bytes (a name that is not valid
UTF-8 still opens on the disk it came from), and XSPF locations are percent-encoded URIs of
those bytes, as the XSPF specification asks. A path with a control character in it (a line
break is legal in a Linux file name) is written to M3U8 as a percent-encoded file:// URI, so
it stays one entry; titles lose their control characters, which would split an M3U8 line or
make an XSPF file invalid XML.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_from_bytes, unquote_to_bytes, urlparse

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
    target.write_bytes(b"\n".join(lines) + b"\n")
    return target


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
    ET.ElementTree(root).write(target, encoding="UTF-8", xml_declaration=True)
    return target


def _uri(location: str) -> str:
    if os.path.isabs(location):
        return Path(location).as_uri()
    return quote_from_bytes(os.fsencode(location.replace(os.sep, "/")), safe="/")


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
    target.write_bytes(b"\n".join(lines) + b"\n")
    return target


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
