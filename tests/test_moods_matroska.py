"""Moods in Matroska files' own tags, through MKVToolNix (issue 25): every other tag a file
holds (global ones with languages and nested tags, tags of another level, tags aimed at a
track) comes back exactly after a write and after its undo; independent readers (exiftool,
mediainfo, PyAV) see the mood; the packets never change; a missing or failing MKVToolNix
is said in plain words."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import av
import mediagen
import pytest

from ver_desktop.core.moods import Mood, matroska
from ver_desktop.core.moods import filetags as ft

CALM = Mood("PV-NA", "calm, content", "pleased", 0.4567, -0.2, 0.81234, by_person=False)
WRITTEN = {"MOOD": "calm, content (pleased)", "VER_QUADRANT": "PV-NA"}

need_mkvtoolnix = pytest.mark.skipif(
    not (shutil.which("mkvpropedit") and shutil.which("mkvextract")),
    reason="MKV mood tags need MKVToolNix (mkvpropedit, mkvextract); scripts/setup.sh "
    "installs it")

# Another tagger's global tags: a title with a language, a nested tag, a second Tag at the
# track level (30) aimed at no track in particular.
GLOBAL = """<Tags>
<Tag><Targets><TargetTypeValue>50</TargetTypeValue></Targets>
 <Simple><Name>TITLE</Name><String>Night drive</String><TagLanguage>eng</TagLanguage></Simple>
 <Simple><Name>ARTIST</Name><String>Ünder &amp; Co</String>
  <Simple><Name>SORT_WITH</Name><String>Under and Co</String></Simple></Simple>
 <Simple><Name>ENCODER</Name><String>Lavf</String></Simple>
</Tag>
<Tag><Targets><TargetTypeValue>30</TargetTypeValue><TargetType>TRACK</TargetType></Targets>
 <Simple><Name>MOOD</Name><String>not ours: a track-level mood</String></Simple>
</Tag>
</Tags>"""
TRACK = """<Tags><Tag><Targets/>
 <Simple><Name>COMMENT</Name><String>the audio track's own note</String></Simple>
</Tag></Tags>"""


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("matroska")
    music = mediagen.music(2.0, seed=5)
    video = mediagen.write_media(folder / "video.mkv", music)
    tagged = Path(shutil.copy2(video, folder / "tagged.mkv"))
    for selector, text in (("global", GLOBAL), ("track:a1", TRACK)):
        xml = folder / f"{selector.replace(':', '-')}.xml"
        xml.write_text(text)
        # Global tags without TagLanguageIETF, as older files have them: a write must not
        # add one.
        ietf = ["--disable-language-ietf"] if selector == "global" else []
        propedit(tagged, *ietf, "--tags", f"{selector}:{xml}")
    bare = mediagen.write_media(folder / "bare.mka", music, video=False, fmt=".mkv")
    propedit(bare, "--tags", "all:")
    return {"video.mkv": video, "tagged.mkv": tagged, "bare.mka": bare}


@pytest.fixture
def media(made: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "music"
    folder.mkdir()
    return {name: Path(shutil.copy2(path, folder / name)) for name, path in made.items()}


def propedit(path: Path, *args: str) -> None:
    subprocess.run(["mkvpropedit", "-q", os.fspath(path), *args], check=True)


# -- readers (none of them ours) -------------------------------------------------------------

def tag_tree(path: Path) -> list[str]:
    """Every Tag of the file as mkvextract gives it, our keys left out, whitespace between
    elements ignored: one canonical text per Tag, sorted (mkvpropedit puts the global tags
    it writes after the others)."""
    out = subprocess.run(["mkvextract", os.fspath(path), "tags", "-"], check=True,
                         capture_output=True).stdout
    if not out.strip():
        return []
    root = ET.fromstring(out)
    for tag in root.findall("Tag"):
        for simple in tag.findall("Simple"):
            if simple.findtext("Name") in ft.KEYS and _is_global_album(tag):
                tag.remove(simple)
        if tag.find("Simple") is None:
            root.remove(tag)
    for element in root.iter():
        element.tail = None
        if element.text is not None and not element.text.strip() and len(element):
            element.text = None
    return sorted(ET.tostring(tag, encoding="unicode") for tag in root.findall("Tag"))


def _is_global_album(tag: ET.Element) -> bool:
    targets = tag.find("Targets")
    if targets is None:
        return True
    return not [t for t in targets if t.tag.endswith("UID")] and (
        targets.findtext("TargetTypeValue") or "50") == "50"


def packets(path: Path) -> dict[int, list[tuple[int | None, bytes]]]:
    """Every stream's packets, byte for byte."""
    with av.open(os.fspath(path)) as container:
        found: dict[int, list[tuple[int | None, bytes]]] = {}
        for packet in container.demux():
            if packet.size:
                found.setdefault(packet.stream.index, []).append((packet.pts, bytes(packet)))
        return found


def pyav_tags(path: Path) -> dict[str, str]:
    with av.open(os.fspath(path)) as container:
        return dict(container.metadata)


def exiftool_tags(path: Path) -> dict[str, str]:
    """exiftool's Matroska tags (-ee: they sit after the clusters)."""
    out = subprocess.run(["exiftool", "-j", "-ee", "-G1", os.fspath(path)], check=True,
                         capture_output=True, text=True).stdout
    return {k: str(v) for k, v in json.loads(out)[0].items() if k.startswith("Matroska:")}


def mediainfo_tags(path: Path) -> dict[str, str]:
    out = subprocess.run(["mediainfo", "--Output=JSON", os.fspath(path)], check=True,
                         capture_output=True, text=True).stdout
    general = json.loads(out)["media"]["track"][0]
    return {k: str(v) for k, v in {**general, **general.get("extra", {})}.items()}


# -- tests -----------------------------------------------------------------------------------

@need_mkvtoolnix
def test_other_tags_survive_a_write_and_its_undo_exactly(media: dict[str, Path],
                                                         tmp_path: Path) -> None:
    path = media["tagged.mkv"]
    before_tags, before_packets = tag_tree(path), packets(path)
    assert len(before_tags) == 4  # the other tagger's 3 + FFmpeg's DURATION of the video
    planned = ft.plan(path, CALM)
    assert planned.had_tags and planned.changes[0] == ft.Change("MOOD", None, WRITTEN["MOOD"])
    written = ft.write(planned, tmp_path / "undo")
    assert written.status == "written", written.message
    assert tag_tree(path) == before_tags
    assert packets(path) == before_packets
    assert matroska.MatroskaTags(path).get("MOOD") == (WRITTEN["MOOD"],)
    assert ft.undo(written.undo_entry).status == "undone"  # type: ignore[arg-type]
    assert tag_tree(path) == before_tags
    assert packets(path) == before_packets
    assert matroska.MatroskaTags(path).get("MOOD") is None
    assert pyav_tags(path)["TITLE-eng"] == "Night drive"  # FFmpeg names a language's tag


@need_mkvtoolnix
@pytest.mark.skipif(not (shutil.which("exiftool") and shutil.which("mediainfo")),
                    reason="exiftool and mediainfo come with scripts/setup.sh")
def test_independent_readers_see_the_mood_as_a_file_level_tag(media: dict[str, Path],
                                                               tmp_path: Path) -> None:
    path = media["video.mkv"]
    assert ft.write(ft.plan(path, CALM), tmp_path / "undo").status == "written"
    seen = pyav_tags(path)
    assert {k: seen.get(k) for k in WRITTEN} == WRITTEN
    assert seen["ENCODER"].startswith("Lavf")  # the muxer's tag stays
    exif = exiftool_tags(path)
    assert (exif.get("Matroska:Mood"), exif.get("Matroska:VerQuadrant")) == (
        WRITTEN["MOOD"], WRITTEN["VER_QUADRANT"])
    info = mediainfo_tags(path)
    assert {k: info.get(k) for k in WRITTEN} == WRITTEN


@need_mkvtoolnix
def test_a_file_with_no_tags_gets_them_and_loses_them_again(media: dict[str, Path],
                                                            tmp_path: Path) -> None:
    path = media["bare.mka"]
    before = packets(path)
    planned = ft.plan(path, CALM)
    assert not planned.had_tags and len(planned.changes) == len(ft.KEYS)
    written = ft.write(planned, tmp_path / "undo")
    assert written.status == "written", written.message
    assert pyav_tags(path)["VER_QUADRANT"] == "PV-NA"
    assert ft.undo(written.undo_entry).status == "undone"  # type: ignore[arg-type]
    assert tag_tree(path) == [] and not matroska.MatroskaTags(path).had_tags
    assert packets(path) == before


@need_mkvtoolnix
def test_a_rewrite_replaces_our_values_in_place(media: dict[str, Path],
                                                tmp_path: Path) -> None:
    path = media["tagged.mkv"]
    ft.write(ft.plan(path, CALM), tmp_path / "undo")
    bare = Mood("NV-NA", "sad, tired", None, None, None, None, by_person=True)
    assert ft.write(ft.plan(path, bare), tmp_path / "undo").status == "written"
    tags = matroska.MatroskaTags(path)
    assert {k: tags.get(k) for k in ft.KEYS} == {
        "MOOD": ("sad, tired",), "VER_QUADRANT": ("NV-NA",), "VER_EMOTION": None,
        "VER_VALENCE": None, "VER_AROUSAL": None, "VER_CONFIDENCE": None,
        "VER_BY_PERSON": ("yes",)}
    assert ft.plan(path, bare).up_to_date


@pytest.mark.parametrize("kept", [[], pytest.param(["mkvextract"], marks=need_mkvtoolnix)])
def test_without_mkvpropedit_the_file_is_not_taggable(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      kept: list[str]) -> None:
    """PATH without mkvpropedit (and with or without mkvextract): runs where MKVToolNix
    is missing too."""
    path = mediagen.write_media(tmp_path / "video.mkv", mediagen.music(1.0))
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in kept:
        (tools / tool).symlink_to(shutil.which(tool))  # type: ignore[arg-type]
    monkeypatch.setitem(os.environ, "PATH", os.fspath(tools))
    data = path.read_bytes()
    planned = ft.plan(path, CALM)
    assert planned.lines() == [f"video.mkv: {matroska.MISSING}"]
    assert matroska.MISSING == ("MKV files take mood tags only with MKVToolNix installed "
                                "(mkvpropedit)")
    outcome = ft.write(planned, tmp_path / "undo")
    assert outcome.status == "not taggable" and path.read_bytes() == data


@need_mkvtoolnix
def test_a_failing_mkvpropedit_is_said_with_its_own_error(media: dict[str, Path]) -> None:
    path = media["video.mkv"]
    tags = matroska.MatroskaTags(path)
    tags.set("MOOD", ("calm",))
    path.write_bytes(b"not Matroska any more" * 100)
    with pytest.raises(matroska.MatroskaError) as caught:
        tags.save(drop_empty=False)
    message = str(caught.value)
    assert message.startswith("MKVToolNix could not write the tags (mkvpropedit: Error: ")
    assert "not a Matroska file" in message


@need_mkvtoolnix
def test_a_name_that_is_not_utf8_is_written_and_undone(made: dict[str, Path],
                                                        tmp_path: Path) -> None:
    path = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9 \xff.mkv")))
    shutil.copyfile(made["video.mkv"], path)
    written = ft.write(ft.plan(path, CALM), tmp_path / "undo")
    assert written.status == "written", written.message
    assert pyav_tags(path)["MOOD"] == WRITTEN["MOOD"]
    assert ft.undo(written.undo_entry).status == "undone"  # type: ignore[arg-type]
    assert "MOOD" not in pyav_tags(path)


@need_mkvtoolnix
def test_a_file_that_is_not_matroska_is_not_taggable(tmp_path: Path) -> None:
    fake = tmp_path / "-list.mkv"  # a name mkvextract must not take for an option
    fake.write_text("a shopping list, not a film\n" * 20)
    planned = ft.plan(fake, CALM)
    assert planned.refusal is not None and planned.refusal.status == "not taggable"
    assert planned.lines()[0].startswith("not a file that takes mood tags: -list.mkv "
                                         "(mkvextract: Error: ")
