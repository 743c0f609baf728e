"""A video's mood in an NFO sidecar (issue 25): Kodi's format, which Jellyfin and Emby read
too, so the mood shows in the media servers people already play videos with.

For `X.mp4` the sidecar is `X.nfo` beside it (or the folder's `movie.nfo`, when that is
already there for the only video in the folder). The mood goes in as Kodi `<tag>` elements
(`<tag>Mood: calm, content</tag>`, `<tag>Emotion: pleased</tag>`): Kodi takes no custom
elements, and every one of the three shows tags and filters by them.

An existing NFO belongs to the person (or to another tool), so it is edited as bytes, not
re-serialised: our previous Mood:/Emotion: tags are cut out and the new ones put in their
place (or before the root's closing tag); every other byte stays as it was (comments, the
declaration, entities, quoting, line ends). The edit is then checked by parsing both
versions: anything but our tags differing leaves the file alone. A file that is not XML
(Kodi also takes a bare web address there), a link, or not an ordinary file is left alone
and said why.

Writes go to a temporary file beside the NFO, flushed to the disk, then renamed onto it: a
crash leaves the old file or the new one, never half of one, and a rename never writes
through a link. Before each write, what was there before (its bytes, or that there was no
NFO) goes into an undo folder the caller gives; `undo` puts it back byte for byte, unless
the NFO changed since we wrote it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import stat
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ver_desktop.core.atomic import write_atomically
from ver_desktop.core.errors import AppError
from ver_desktop.core.media import VIDEO_EXTENSIONS
from ver_desktop.core.moods import Mood

MOOD_PREFIX = "Mood: "
EMOTION_PREFIX = "Emotion: "
VIDEO_ROOTS = frozenset({"movie", "musicvideo", "episodedetails"})  # take <tag> in Kodi
MAX_NFO_BYTES = 4 * 1024 * 1024  # larger is no NFO a person wrote: left alone
# One of our earlier tags, with the line break and indent before it.
OUR_TAG = re.compile(rb"(?:\r?\n[ \t]*)?<tag>[ \t]*(?:Mood|Emotion):[^<]*</tag>")

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Outcome = Literal["new", "updated", "same", "left alone", "undone"]


@dataclass(frozen=True)
class NfoChange:
    """What writing one video's NFO does (or did): `words` says it in a sentence."""

    video: str
    nfo: str
    outcome: Outcome
    words: str
    before: bytes | None = None  # the NFO's bytes when planned; None: there was none
    after: bytes | None = None  # what is (to be) written


class NfoProblem(AppError):
    """Why an NFO is left alone, in words."""


def nfo_path(video: str) -> str:
    """Kodi's sidecar for `video`: the same name with .nfo for its suffix; but the folder's
    `movie.nfo` where that is there already, the video's own NFO is not, and no other video
    shares the folder (Kodi's and Jellyfin's "one movie per folder" layout: a second NFO
    beside it would be one the media server may never read)."""
    stem, _suffix = os.path.splitext(video)
    own = stem + ".nfo"
    movie = os.path.join(os.path.dirname(video), MOVIE_NFO)
    if not os.path.lexists(own) and os.path.lexists(movie) and _alone(video):
        return movie
    return own


MOVIE_NFO = "movie.nfo"


def _alone(video: str) -> bool:
    """Whether `video` is the only video in its folder (hidden files aside)."""
    folder, name = os.path.split(video)
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return False
    return not any(other != name and not other.startswith(".")
                   and os.path.splitext(other)[1].lower() in VIDEO_EXTENSIONS
                   for other in names)


def mood_tags(mood: Mood) -> list[str]:
    """The tag texts written for `mood`."""
    tags = [MOOD_PREFIX + mood.words]
    if mood.emotion:
        tags.append(EMOTION_PREFIX + mood.emotion)
    return tags


# -- planning ---------------------------------------------------------------------------------


def plan(video: str, mood: Mood) -> NfoChange:
    """What writing `mood` beside `video` would do; nothing is written."""
    nfo = nfo_path(video)
    try:
        before = read_nfo(nfo)
        after = new_nfo(video, mood) if before is None else merged(before, mood_tags(mood))
    except NfoProblem as exc:
        return NfoChange(video, nfo, "left alone", f"{nfo} left alone: {exc}")
    if before == after:
        return NfoChange(video, nfo, "same", f"{nfo} already has this mood", before, after)
    outcome: Outcome = "new" if before is None else "updated"
    verb = "a new NFO with" if before is None else "the NFO's mood set to"
    return NfoChange(video, nfo, outcome, f"{nfo}: {verb} {mood.text}", before, after)


def read_nfo(nfo: str) -> bytes | None:
    """The NFO's bytes, None when there is none; NfoProblem for a link, a folder or
    anything else that is no ordinary file, or one too large to be an NFO."""
    try:
        found = os.lstat(nfo)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise NfoProblem(f"it cannot be read ({exc.strerror})") from None
    if stat.S_ISLNK(found.st_mode):
        raise NfoProblem("it is a link, and links are never written through")
    if not stat.S_ISREG(found.st_mode):
        raise NfoProblem("it is not an ordinary file")
    if found.st_size > MAX_NFO_BYTES:
        raise NfoProblem("it is too large to be an NFO")
    return _read_no_link(nfo)


def _read_no_link(nfo: str) -> bytes:
    try:
        handle = os.open(nfo, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise NfoProblem(f"it cannot be read ({exc.strerror})") from None
    with os.fdopen(handle, "rb") as stream:
        return stream.read(MAX_NFO_BYTES + 1)


def new_nfo(video: str, mood: Mood) -> bytes:
    """A Kodi movie NFO holding the title (the file's name: an NFO without one is not
    taken as the video's own by Kodi) and the mood's tags."""
    root = ET.Element("movie")
    ET.SubElement(root, "title").text = _xml_text(Path(video).stem)
    for text in mood_tags(mood):
        ET.SubElement(root, "tag").text = text
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body + b"\n"


def _xml_text(name: str) -> str:
    """A file name as XML text: bytes that are no UTF-8 as U+FFFD, and the characters XML
    cannot hold (control characters) left out."""
    text = os.fsencode(name).decode("utf-8", "replace")
    return NOT_XML.sub("", text)


# -- merging into an existing NFO -------------------------------------------------------------


def merged(before: bytes, tags: list[str]) -> bytes:
    """`before` with our earlier tags replaced by `tags`, every other byte kept; NfoProblem
    when `before` is no NFO this can change safely."""
    root = parse(before)
    if root.tag not in VIDEO_ROOTS:
        raise NfoProblem(f"its root is <{root.tag}>, not a video's (movie, musicvideo "
                         "or episodedetails)")
    if b"<" + root.tag.encode() not in before:  # UTF-16 or another wide encoding
        raise NfoProblem("its text encoding is not one this can edit byte for byte (such "
                         "as UTF-16)")
    newline = b"\r\n" if b"\r\n" in before else b"\n"
    indent = _indent(before)
    block = b"".join(newline + indent + _tag_bytes(text) for text in tags)
    found = list(OUR_TAG.finditer(before))
    if found:
        after = _replaced(before, found, block)
    else:
        after = _inserted(before, root.tag.encode(), block, newline)
    _check(before, after, tags)
    return after


def parse(data: bytes) -> ET.Element:
    """The NFO's tree, comments and processing instructions kept (they are compared too);
    NfoProblem in words when it is not XML."""
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True, insert_pis=True))
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
        return root
    except ET.ParseError as exc:
        raise NfoProblem(f"it is not XML (Kodi also reads a bare web address there): "
                         f"{exc}") from None


def _tag_bytes(text: str) -> bytes:
    element = ET.Element("tag")
    element.text = text
    return ET.tostring(element, encoding="us-ascii", xml_declaration=False)


def _indent(data: bytes) -> bytes:
    """The indent of the root's children as the file has it (four spaces if none)."""
    found = re.search(rb"\n([ \t]+)<", data)
    return found.group(1) if found else b"    "


def _replaced(before: bytes, found: list[re.Match[bytes]], block: bytes) -> bytes:
    """The first earlier tag's place takes the new tags; the other earlier ones go."""
    parts, at = [], 0
    for index, match in enumerate(found):
        parts.append(before[at:match.start()])
        if index == 0:
            parts.append(block)
        at = match.end()
    parts.append(before[at:])
    return b"".join(parts)


def _inserted(before: bytes, root: bytes, block: bytes, newline: bytes) -> bytes:
    """The new tags after the root's last child, before its closing tag."""
    closing = before.rfind(b"</" + root)
    if closing < 0:  # <movie/>: no children, so it is opened and closed around the tags
        empty = re.search(rb"<" + root + rb"(\s[^>]*)?/>", before)
        if empty is None:
            raise NfoProblem("its root element could not be found in the file")
        opened = empty.group(0)[:-2].rstrip() + b">"
        return (before[:empty.start()] + opened + block + newline + b"</" + root + b">"
                + before[empty.end():])
    content_end = len(before[:closing].rstrip(b" \t\r\n"))
    return before[:content_end] + block + before[content_end:]


def _check(before: bytes, after: bytes, tags: list[str]) -> None:
    """The edit changed our tags and nothing else, else NfoProblem."""
    try:
        new_root = parse(after)
    except NfoProblem:
        raise NfoProblem("its mood tags are written in a way this cannot edit safely") from None
    old_root = parse(before)
    if _shape(old_root, drop_ours=True) != _shape(new_root, drop_ours=True) or \
            ours(new_root) != tags:
        raise NfoProblem("its mood tags are written in a way this cannot edit safely")


def ours(root: ET.Element) -> list[str]:
    """The texts of the root's Mood:/Emotion: tags, in order."""
    return [(child.text or "").strip() for child in root if _is_ours(child)]


def _is_ours(element: ET.Element) -> bool:
    text = (element.text or "").strip()
    return element.tag == "tag" and not len(element) and (
        text.startswith(MOOD_PREFIX.strip()) or text.startswith(EMOTION_PREFIX.strip()))


def _shape(element: ET.Element, *, drop_ours: bool) -> Any:
    """The element as nested tuples, whitespace around text aside (ours: the root's
    Mood:/Emotion: tags left out)."""
    children = [c for c in element if not (drop_ours and _is_ours(c))]
    return (str(element.tag), list(element.attrib.items()), (element.text or "").strip(),
            (element.tail or "").strip(), [_shape(c, drop_ours=False) for c in children])


# -- writing and undoing ----------------------------------------------------------------------


def write(change: NfoChange, undo_dir: Path) -> NfoChange:
    """Carry out a planned change: the undo record first, then the NFO, atomically. A file
    that changed since it was planned (or became a link) is left alone and said so."""
    if change.outcome not in ("new", "updated") or change.after is None:
        return change
    try:
        now = read_nfo(change.nfo)
    except NfoProblem as exc:
        return _left(change, str(exc))
    if now != change.before:
        return _left(change, "it changed since this was planned; run it again")
    record = undo_record(undo_dir, change.nfo)
    previous = _remembered(record, now)
    try:
        _save_record(record, change.nfo, previous, change.after)
    except OSError as exc:
        return _left(change, f"what undo needs could not be kept in {undo_dir} "
                             f"({exc.strerror}), so it was not written")
    try:
        write_atomically(change.nfo, change.after)
    except OSError as exc:
        _restore_record(record, previous, now)
        return _left(change, f"it could not be written ({exc.strerror})")
    return change


def _left(change: NfoChange, why: str) -> NfoChange:
    return NfoChange(change.video, change.nfo, "left alone",
                     f"{change.nfo} left alone: {why}", change.before)


def _remembered(record: Path, now: bytes | None) -> dict[str, Any]:
    """What undo goes back to: the NFO before our first write, when it is still as we
    last wrote it; else what it is now (someone edited it since)."""
    old = _load_record(record)
    if old is not None and old.get("written") == _digest(now):
        return dict(old["previous"])
    return {"existed": now is not None, "bytes": _b64(now)}


def _save_record(record: Path, nfo: str, previous: dict[str, Any], written: bytes) -> None:
    record.parent.mkdir(parents=True, exist_ok=True)
    data = {"nfo": _b64(os.fsencode(os.path.abspath(nfo))), "previous": previous,
            "written": _digest(written)}
    write_atomically(os.fspath(record), json.dumps(data).encode(), mode=0o600)


def _restore_record(record: Path, previous: dict[str, Any], now: bytes | None) -> None:
    """After a failed write: the record as if it never happened (the NFO is `now`)."""
    with contextlib.suppress(OSError):
        if previous == {"existed": now is not None, "bytes": _b64(now)}:
            record.unlink(missing_ok=True)
        else:
            data = json.loads(record.read_bytes())
            data["written"] = _digest(now)
            write_atomically(os.fspath(record), json.dumps(data).encode(), mode=0o600)


def undo(nfo: str, undo_dir: Path, *, dry_run: bool = False) -> NfoChange:
    """Put back what `nfo` held before we first wrote it (or remove it, when there was
    none); refused when it changed since our last write. A dry run only says what it
    would do."""
    record = undo_record(undo_dir, nfo)
    data = _load_record(record)
    if data is None:
        return NfoChange("", nfo, "left alone", f"{nfo}: nothing to undo")
    previous = data["previous"]
    old = base64.b64decode(previous["bytes"]) if previous["existed"] else None
    try:
        now = read_nfo(nfo)
    except NfoProblem as exc:
        return NfoChange("", nfo, "left alone", f"{nfo} left alone: {exc}")
    if now == old:
        if not dry_run:
            record.unlink(missing_ok=True)
        return NfoChange("", nfo, "same", f"{nfo} is already as it was")
    if _digest(now) != data["written"]:
        return NfoChange("", nfo, "left alone", f"{nfo} left alone: it changed since the "
                         "mood was written, so undoing would lose that change")
    if dry_run:
        words = "be removed (there was none before)" if old is None else "be put back as it was"
        return NfoChange("", nfo, "undone", f"{nfo} would {words}", now, old)
    try:
        if old is None:
            os.unlink(nfo)
        else:
            write_atomically(nfo, old)
    except OSError as exc:
        return NfoChange("", nfo, "left alone", f"{nfo} could not be put back "
                         f"({exc.strerror})")
    record.unlink(missing_ok=True)
    words = "removed (there was none before)" if old is None else "put back as it was"
    return NfoChange("", nfo, "undone", f"{nfo} {words}", now, old)


def recorded(undo_dir: Path) -> list[str]:
    """The NFOs the undo folder can put back, by path."""
    found = []
    for record in sorted(undo_dir.glob("*.json")) if undo_dir.is_dir() else []:
        data = _load_record(record)
        if data is not None:
            found.append(os.fsdecode(base64.b64decode(data["nfo"])))
    return found


def undo_record(undo_dir: Path, nfo: str) -> Path:
    """Where the undo record of `nfo` is kept: named by its absolute path's digest."""
    key = hashlib.sha256(os.fsencode(os.path.abspath(nfo))).hexdigest()[:32]
    return undo_dir / f"{key}.json"


def _load_record(record: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(record.read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and {"nfo", "previous", "written"} <= set(data) \
        else None


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")
