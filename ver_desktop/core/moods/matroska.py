"""Mood tags in Matroska files (.mkv, .mka), through MKVToolNix (issue 25).

Layout: each key is a SimpleTag (Name = the key, String = the value, no language, so
"und") in a global Tag: one whose Targets name no track, edition, chapter or attachment
and whose TargetTypeValue is 50 (the default: the whole album or movie). FFmpeg and PyAV
show such tags in the container's metadata, mediainfo among the General fields, exiftool
(with -ee, since the Tags sit after the clusters) as Matroska tags such as `Mood`.

Reading runs `mkvextract FILE tags OUT.xml` (no output file when the file has no tags) and
parses the XML. Saving runs `mkvpropedit FILE --tags global:NEW.xml`, which replaces every
global tag, so NEW.xml holds every global Tag read before, element for element, with only
our keys changed; tags aimed at tracks, chapters or attachments are left to mkvpropedit,
which keeps them. A Tag cannot be empty in Matroska, so one left with nothing is dropped,
and when no global tag is left `--tags global:` removes them all. `--disable-language-ietf`
keeps mkvpropedit from adding a TagLanguageIETF to every SimpleTag it is given.

WebM is not handled: mkvpropedit writes WebM tags in WebM's smaller element set (it dropped
the Targets of a global Tag when tried), so its other tags would not come back as they were.

mkvpropedit writes in place; the caller hands it a copy (see filetags).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from ver_desktop.core.errors import AppError

Values = tuple[str, ...] | None  # as in filetags: a key's values; None when absent
MISSING = "MKV files take mood tags only with MKVToolNix installed (mkvpropedit)"
TIMEOUT_S = 300.0  # mkvextract may read a file without an index from end to end
LEVEL = "50"  # TargetTypeValue: album, movie (the whole file)
UIDS = ("TrackUID", "EditionUID", "ChapterUID", "AttachmentUID")


class MatroskaError(AppError):
    """MKVToolNix missing, failing or giving what cannot be read; the message says which."""


class MatroskaTags:
    """A Matroska file's tags (the `Tags` of filetags). Nothing reaches the file before
    `save`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(os.path.abspath(path))  # never read as an option: starts with /
        _tools(self.path)
        self._root = _extract(self.path)
        self.had_tags = len(self._root) > 0
        self._length = _length(self.path)
        self._changed = False

    @property
    def length(self) -> float:
        return self._length

    def get(self, key: str) -> Values:
        found = [simple for tag in self._albums() for simple in _simples(tag, key)]
        return tuple(s.findtext("String") or "" for s in found) if found else None

    def set(self, key: str, values: Values) -> None:
        at: tuple[ET.Element, int] | None = None
        for tag in self._albums():
            for simple in _simples(tag, key):
                at = at or (tag, list(tag).index(simple))
                tag.remove(simple)
                self._changed = True
        if values is not None:
            if at is None:
                album = self._album()
                at = album, len(album)
            tag, index = at
            for offset, value in enumerate(values):
                tag.insert(index + offset, _simple(key, value))
            self._changed = True
        for tag in self._globals():  # only ours can be empty: a Tag holds a SimpleTag
            if tag.find("Simple") is None:
                self._root.remove(tag)

    def save(self, drop_empty: bool) -> None:
        """Write the global tags. A Tag left with nothing in it goes whether or not
        `drop_empty` asks (Matroska has no empty Tag)."""
        if not self._changed:
            return
        kept = self._globals()
        with tempfile.TemporaryDirectory(prefix="ver-mkv-") as folder:
            if kept:
                xml = Path(folder) / "tags.xml"
                out = ET.Element("Tags")
                out.extend(kept)
                xml.write_bytes(ET.tostring(out, encoding="utf-8", xml_declaration=True))
                selector = b"global:" + os.fsencode(xml)
            else:
                selector = b"global:"  # no name: every global tag is removed
            _run("mkvpropedit", [b"--disable-language-ietf", os.fsencode(self.path),
                                 b"--tags", selector], "MKVToolNix could not write the tags")
        self._changed = False

    def _globals(self) -> list[ET.Element]:
        return [tag for tag in self._root.findall("Tag") if _is_global(tag)]

    def _albums(self) -> list[ET.Element]:
        """The global Tags at the album/movie level, where our keys live."""
        return [tag for tag in self._globals()
                if (tag.findtext("Targets/TargetTypeValue") or LEVEL).strip() == LEVEL]

    def _album(self) -> ET.Element:
        """The first album-level global Tag, made (at the end) when there is none."""
        albums = self._albums()
        if albums:
            return albums[0]
        tag = ET.SubElement(self._root, "Tag")
        ET.SubElement(ET.SubElement(tag, "Targets"), "TargetTypeValue").text = LEVEL
        return tag


def _is_global(tag: ET.Element) -> bool:
    """A Tag aimed at no track, edition, chapter or attachment (a UID of 0 aims at none)."""
    targets = tag.find("Targets")
    return targets is None or not any(t.tag in UIDS and (t.text or "0").strip() != "0"
                                      for t in targets)


def _name(path: Path) -> str:
    return os.fsdecode(path.name)


def _simples(tag: ET.Element, key: str) -> list[ET.Element]:
    """The tag's own SimpleTags named `key` (nested ones belong to their parent)."""
    return [s for s in tag.findall("Simple") if s.findtext("Name") == key]


def _simple(key: str, value: str) -> ET.Element:
    simple = ET.Element("Simple")
    ET.SubElement(simple, "Name").text = key
    ET.SubElement(simple, "String").text = value
    return simple


# -- MKVToolNix ------------------------------------------------------------------------------

def _tools(path: Path) -> None:
    if not (shutil.which("mkvpropedit") and shutil.which("mkvextract")):
        raise MatroskaError(f"{_name(path)}: {MISSING}")


def _extract(path: Path) -> ET.Element:
    """Every Tag of the file, as mkvextract writes them (an empty <Tags> when none)."""
    with tempfile.TemporaryDirectory(prefix="ver-mkv-") as folder:
        xml = Path(folder) / "tags.xml"
        _run("mkvextract", [os.fsencode(path), b"tags", os.fsencode(xml)],
             f"not a file that takes mood tags: {_name(path)}")
        if not xml.exists():  # mkvextract writes nothing for a file without tags
            return ET.Element("Tags")
        data = xml.read_bytes()
    try:  # no DTD is fetched: ElementTree reads none (mkvextract's is commented out)
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise MatroskaError(f"not a file that takes mood tags: {_name(path)} (its tags as "
                            f"MKVToolNix wrote them could not be read: {err})") from err
    if root.tag != "Tags":
        raise MatroskaError(f"not a file that takes mood tags: {_name(path)} (MKVToolNix "
                            f"wrote <{root.tag}>, not <Tags>)")
    return root


def _run(tool: str, args: list[bytes], failure: str) -> None:
    """Run an MKVToolNix tool (never through a shell); when it fails, MatroskaError says
    `failure` and then, in brackets, the tool's own error line."""
    exe = shutil.which(tool)
    if exe is None:
        raise MatroskaError(MISSING)
    try:
        done = subprocess.run([exe, *args], stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as err:
        raise MatroskaError(f"{failure} ({tool} took more than {TIMEOUT_S:.0f} s)") from err
    except OSError as err:
        raise MatroskaError(f"{failure} ({tool} could not be run: {err.strerror})") from err
    if done.returncode != 0:
        raise MatroskaError(f"{failure} ({tool}: {_error_line(done.stdout + done.stderr)})")


def _error_line(output: bytes) -> str:
    """The tool's own words for what went wrong: its Error line, else its last line."""
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines()
             if line.strip()]
    for start in ("Error", "Warning"):
        found = [line for line in lines if line.startswith(start)]
        if found:
            return found[0]
    return lines[-1] if lines else "no message"


def _length(path: Path) -> float:
    """The file's duration in seconds through PyAV (the audio stream's when the container
    gives none); 0.0 when neither says."""
    import av

    try:
        with open(path, "rb") as handle, av.open(handle, "r") as container:
            if container.duration is not None:
                return float(container.duration / av.time_base)
            audio = container.streams.audio
            if audio and audio[0].duration is not None and audio[0].time_base is not None:
                return float(audio[0].duration * audio[0].time_base)
    except (av.FFmpegError, OSError) as err:
        raise MatroskaError(f"not a file that takes mood tags: {_name(path)} (its length "
                            f"could not be read: {err})") from err
    return 0.0
