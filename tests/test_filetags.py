"""Moods written into music files' own tags (issue 25): on real MP3, Opus, Ogg Vorbis, FLAC,
M4A, MP4 and MKV files made with PyAV, read back with mutagen (MKV: MKVToolNix) and with
independent readers (exiftool, mediainfo), re-written, undone, and with every way a write
can go wrong: killed, the file changed meanwhile, a symbolic link, a format that takes no
tags (tests/test_moods_matroska.py goes further into MKV)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import mediagen
import mutagen
import numpy as np
import pytest
from mutagen.id3 import ID3, TIT2
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from ver_desktop.core.moods import Mood, matroska
from ver_desktop.core.moods import filetags as ft

REPO = Path(__file__).resolve().parents[1]
CALM = Mood("PV-NA", "calm, content", "pleased", 0.4567, -0.2, 0.81234, by_person=False)
TENSE = Mood("NV-PA", "tense, angry", "tensed", -0.5, 0.6, 1.0, by_person=True)
BARE = Mood("NV-NA", "sad, tired", None, None, None, None, by_person=True)
CALM_VALUES = {"MOOD": "calm, content (pleased)", "VER_QUADRANT": "PV-NA",
               "VER_EMOTION": "pleased", "VER_VALENCE": "0.457", "VER_AROUSAL": "-0.200",
               "VER_CONFIDENCE": "0.812", "VER_BY_PERSON": "no"}
Media = Callable[[str], Path]  # a fresh copy of a generated file, by name
SOURCES = ("song.mp3", "song.opus", "opus.ogg", "vorbis.ogg", "song.flac", "song.m4a",
           "video.mp4", "video.mkv")
HAS_MKVTOOLNIX = bool(shutil.which("mkvpropedit") and shutil.which("mkvextract"))


# -- media -----------------------------------------------------------------------------------

def _write_vorbis(path: Path, samples: np.ndarray, rate: int = 44_100) -> Path:
    """Ogg Vorbis with FFmpeg's own (experimental, stereo-only) encoder."""
    with av.open(os.fspath(path), "w", format="ogg") as out:
        stream = out.add_stream("vorbis", rate=rate, layout="stereo")
        stream.codec_context.options = {"strict": "-2"}
        stream.bit_rate = 96_000
        for start in range(0, len(samples), 1024):
            chunk = samples[start : start + 1024]
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(np.stack([chunk, chunk])),
                                               format="fltp", layout="stereo")
            frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("filetags")
    music = mediagen.music(3.0, seed=3)
    made = {name: mediagen.write_media(folder / name, music, fmt=Path(name).suffix)
            for name in SOURCES if name not in ("vorbis.ogg",)}
    made["vorbis.ogg"] = _write_vorbis(folder / "vorbis.ogg", music)
    for suffix in (".webm", ".avi", ".wav"):
        made[f"clip{suffix}"] = mediagen.write_media(folder / f"clip{suffix}",
                                                     mediagen.music(2.0))
    return made


@pytest.fixture
def media(sources: dict[str, Path], tmp_path: Path) -> Media:
    """A fresh copy of a generated file in its own folder (an MKV file's test is skipped
    without MKVToolNix)."""
    def copy(name: str) -> Path:
        if name.endswith(".mkv") and not HAS_MKVTOOLNIX:
            pytest.skip("MKV mood tags need MKVToolNix (mkvpropedit, mkvextract), which "
                        "scripts/setup.sh installs")
        folder = tmp_path / "music"
        folder.mkdir(exist_ok=True)
        return Path(shutil.copy2(sources[name], folder / name))
    return copy


def packets(path: Path) -> list[tuple[int | None, bytes]]:
    """The audio stream's packets, byte for byte: the payload a tag write must not touch."""
    with av.open(os.fspath(path)) as container:
        stream = container.streams.audio[0]
        return [(p.pts, bytes(p)) for p in container.demux(stream) if p.size]


def payload(path: Path) -> bytes | None:
    """The file's bytes that are not tags, where the format keeps them apart: an MP3 after
    its ID3v2 tag, a FLAC after its metadata blocks, an MP4's `mdat` box. None for Ogg
    (a tag write renumbers its pages) and MKV (mkvpropedit rewrites the index and leaves
    Void space): `packets` compares what they carry."""
    data = path.read_bytes()
    if path.suffix == ".mp3":
        if data[:3] != b"ID3":
            return data
        size = sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(data[6:10]))
        return data[10 + size + (10 if data[5] & 0x10 else 0):]
    if path.suffix == ".flac":
        at, last = 4, False
        while not last:
            last = bool(data[at] & 0x80)
            at += 4 + int.from_bytes(data[at + 1 : at + 4], "big")
        return data[at:]
    if path.suffix in (".m4a", ".mp4"):
        return _mdat(data)
    return None


def _mdat(data: bytes) -> bytes:
    at = 0
    while at < len(data):
        size, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
        head = 8
        if size == 1:
            size, head = int.from_bytes(data[at + 8 : at + 16], "big"), 16
        elif size == 0:
            size = len(data) - at
        if kind == b"mdat":
            return data[at + head : at + size]
        at += size
    raise AssertionError("no mdat box")


def other_tags(path: Path) -> dict[str, object]:
    """Every tag the file has (mutagen's; PyAV's container metadata for MKV)."""
    if path.suffix == ".mkv":
        with av.open(os.fspath(path)) as container:
            return dict(container.metadata)
    return dict((mutagen.File(path).tags or {}).items())


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# -- readers ---------------------------------------------------------------------------------

def mutagen_tags(path: Path) -> dict[str, list[str]]:
    """The mood keys as mutagen reads them, format by format (not through filetags); for
    MKV, which mutagen cannot read, as matroska's reader (mkvextract's XML) gives them."""
    if path.suffix == ".mkv":
        tags = matroska.MatroskaTags(path)
        return {k: list(v) for k in ft.KEYS if (v := tags.get(k)) is not None}
    audio = mutagen.File(path)
    found: dict[str, list[str]] = {}
    if audio is None or audio.tags is None:
        return found
    if isinstance(audio, MP3):
        for frame in audio.tags.getall("TMOO"):
            found["MOOD"] = [str(t) for t in frame.text]
        for frame in audio.tags.getall("TXXX"):
            found[frame.desc] = [str(t) for t in frame.text]
    elif isinstance(audio, MP4):
        for key, values in audio.tags.items():
            if key.startswith("----:com.apple.iTunes:"):
                found[key.split(":")[-1]] = [bytes(v).decode() for v in values]
    else:
        found = {k.upper(): list(v) for k, v in audio.tags.as_dict().items()}
    return {k: v for k, v in found.items() if k == "MOOD" or k.startswith("VER_")}


def _plain(name: str) -> str:
    return name.lower().replace("_", "")


def exiftool_tags(path: Path) -> dict[str, str]:
    """exiftool's view, names made plain (Vorbis 'VerQuadrant', iTunes 'VER_QUADRANT' and
    ID3 '(VER_QUADRANT) ...' user texts all become 'verquadrant')."""
    embedded = ["-ee"] if path.suffix == ".mkv" else []  # MKV tags follow the clusters
    out = subprocess.run(["exiftool", "-j", "-a", "-u", "-G1:4", *embedded, os.fspath(path)],
                         check=True, capture_output=True, text=True).stdout
    found: dict[str, str] = {}
    for key, value in json.loads(out)[0].items():
        name, text = key.split(":")[-1], str(value)
        if name == "UserDefinedText" and text.startswith("("):
            name, text = text[1:].split(") ", 1)
        found[_plain(name)] = text
    return found


def mediainfo_tags(path: Path) -> dict[str, str]:
    out = subprocess.run(["mediainfo", "--Output=JSON", os.fspath(path)], check=True,
                         capture_output=True, text=True).stdout
    general = json.loads(out)["media"]["track"][0]
    fields = {**general, **general.get("extra", {})}
    return {_plain(k): str(v) for k, v in fields.items() if isinstance(v, str)}


def same(read: str | None, written: str) -> bool:
    """A reader's value is the written one (exiftool turns '0.120' into the number 0.12)."""
    if read is None:
        return False
    try:
        return float(read) == float(written)
    except ValueError:
        return read == written


need_readers = pytest.mark.skipif(not (shutil.which("exiftool") and shutil.which("mediainfo")),
                                  reason="exiftool and mediainfo come with scripts/setup.sh")


# -- writing ---------------------------------------------------------------------------------

def test_values_of_writes_three_decimals_and_leaves_out_what_is_unknown() -> None:
    assert ft.values_of(CALM) == CALM_VALUES
    assert ft.values_of(BARE) == {"MOOD": "sad, tired", "VER_QUADRANT": "NV-NA",
                                  "VER_EMOTION": None, "VER_VALENCE": None,
                                  "VER_AROUSAL": None, "VER_CONFIDENCE": None,
                                  "VER_BY_PERSON": "yes"}
    tiny = Mood("PV-PA", "happy, excited", None, -0.0004, 1.0, None, by_person=False)
    assert ft.values_of(tiny)["VER_VALENCE"] == "0.000"


@need_readers
@pytest.mark.parametrize("name", SOURCES)
def test_write_reads_back_with_mutagen_exiftool_and_mediainfo(media: Media, tmp_path: Path,
                                                             name: str) -> None:
    path = media(name)
    path.chmod(0o640)
    before, before_bytes = packets(path), payload(path)
    others = other_tags(path)
    planned = ft.plan(path, CALM)
    assert planned.lines() == [f"{name}: {k} (none) -> {v}" for k, v in CALM_VALUES.items()]
    outcome = ft.write(planned, tmp_path / "undo")
    assert (outcome.status, outcome.message) == ("written",
                                                 f"wrote calm, content (pleased) into {name}")
    assert mutagen_tags(path) == {k: [v] for k, v in CALM_VALUES.items()}
    for reader in (exiftool_tags, mediainfo_tags):
        seen = reader(path)
        wrong = {k: seen.get(_plain(k)) for k, v in CALM_VALUES.items()
                 if not same(seen.get(_plain(k)), v)}
        assert not wrong, f"{reader.__name__} read {wrong}"
    assert packets(path) == before  # the audio, byte for byte
    assert payload(path) == before_bytes  # and the bytes around it
    after = other_tags(path)
    assert all(after[k] == v for k, v in others.items())  # the encoder's tag stays
    assert path.stat().st_mode & 0o777 == 0o640
    assert hidden(path.parent) == []


@pytest.mark.parametrize("name", ["song.mp3", "song.opus", "song.m4a"])
def test_second_write_is_already_up_to_date_and_touches_nothing(media: Media, tmp_path: Path,
                                                               name: str) -> None:
    path = media(name)
    assert ft.write(ft.plan(path, CALM), tmp_path / "undo").status == "written"
    data, mtime = path.read_bytes(), path.stat().st_mtime_ns
    planned = ft.plan(path, CALM)
    assert planned.up_to_date
    assert planned.lines() == [f"already up to date: {name} says calm, content (pleased)"]
    assert ft.write(planned, tmp_path / "undo").status == "up to date"
    assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime
    assert len(ft.undo_entries(tmp_path / "undo")) == 1


def test_a_new_mood_replaces_the_old_and_removes_what_it_lacks(media: Media,
                                                               tmp_path: Path) -> None:
    path = media("song.flac")
    ft.write(ft.plan(path, CALM), tmp_path / "undo")
    planned = ft.plan(path, BARE)
    assert {c.key: c.new for c in planned.changes} == {
        "MOOD": "sad, tired", "VER_QUADRANT": "NV-NA", "VER_EMOTION": None,
        "VER_VALENCE": None, "VER_AROUSAL": None, "VER_CONFIDENCE": None,
        "VER_BY_PERSON": "yes"}
    assert "song.flac: VER_EMOTION pleased -> (removed)" in planned.lines()
    assert ft.write(planned, tmp_path / "undo").ok
    assert mutagen_tags(path) == {"MOOD": ["sad, tired"], "VER_QUADRANT": ["NV-NA"],
                                  "VER_BY_PERSON": ["yes"]}
    newest = ft.undo_entries(tmp_path / "undo")[0]
    assert ft.undo(newest).status == "undone"
    assert mutagen_tags(path) == {k: [v] for k, v in CALM_VALUES.items()}


# -- undo ------------------------------------------------------------------------------------

SEED_MKV = """<Tags><Tag><Targets/>
<Simple><Name>ENCODER</Name><String>another tagger</String></Simple>
<Simple><Name>MOOD</Name><String>Chill</String></Simple>
<Simple><Name>MOOD</Name><String>Dreamy</String></Simple>
<Simple><Name>VER_EMOTION</Name><String>sleepy</String></Simple>
</Tag></Tags>"""


def _seed(path: Path) -> None:
    """Put a mood of another tagger's into the file, and one foreign VER_ key."""
    if path.suffix == ".mkv":  # by mkvpropedit itself, not through the code under test
        xml = path.with_name("seed.xml")
        xml.write_text(SEED_MKV)
        subprocess.run(["mkvpropedit", "-q", os.fspath(path), "--tags",
                        f"global:{xml}"], check=True)
        xml.unlink()
        return
    audio = mutagen.File(path)
    assert audio is not None and audio.tags is not None
    if isinstance(audio, MP3):
        from mutagen.id3 import TMOO, TXXX
        audio.tags.add(TMOO(encoding=3, text=["Chill", "Dreamy"]))
        audio.tags.add(TXXX(encoding=3, desc="VER_EMOTION", text=["sleepy"]))
        audio.save()
    elif isinstance(audio, MP4):
        from mutagen.mp4 import MP4FreeForm
        audio.tags["----:com.apple.iTunes:MOOD"] = [MP4FreeForm(b"Chill"),
                                                    MP4FreeForm(b"Dreamy")]
        audio.tags["----:com.apple.iTunes:VER_EMOTION"] = [MP4FreeForm(b"sleepy")]
        audio.save()
    else:
        audio.tags["mood"] = ["Chill", "Dreamy"]
        audio.tags["VER_EMOTION"] = ["sleepy"]
        audio.save()


@pytest.mark.parametrize("name", SOURCES)
def test_undo_puts_back_every_previous_value_and_the_audio_is_unchanged(
        media: Media, tmp_path: Path, name: str) -> None:
    path = media(name)
    _seed(path)
    before_tags, before_audio, before_bytes = mutagen_tags(path), packets(path), payload(path)
    assert before_tags == {"MOOD": ["Chill", "Dreamy"], "VER_EMOTION": ["sleepy"]}
    written = ft.write(ft.plan(path, TENSE), tmp_path / "undo")
    assert written.status == "written" and written.undo_entry is not None
    entry = json.loads(written.undo_entry.read_text())
    assert entry["previous"]["MOOD"] == ["Chill", "Dreamy"]
    assert entry["previous"]["VER_QUADRANT"] is None
    undone = ft.undo(written.undo_entry)
    assert (undone.status, undone.message) == ("undone", f"put back the tags {name} had before")
    assert mutagen_tags(path) == before_tags
    assert packets(path) == before_audio and payload(path) == before_bytes
    assert ft.undo_entries(tmp_path / "undo") == []  # used: renamed *.json.undone
    assert hidden(path.parent) == []


@pytest.mark.parametrize("name", ["song.mp3", "song.opus", "song.m4a", "video.mkv"])
def test_two_writes_undone_one_after_the_other_give_back_the_first_tags(
        media: Media, tmp_path: Path, name: str) -> None:
    """A file written twice (the person changed its tag in between) goes back, write by
    write, to what it held before the first: undoing the newer write must not make the
    older one refuse the file as changed by someone else."""
    path = media(name)
    _seed(path)
    before_tags, before_audio = mutagen_tags(path), packets(path)
    for mood in (CALM, TENSE):
        assert ft.write(ft.plan(path, mood), tmp_path / "undo").status == "written"
    outcomes = [ft.undo(entry) for entry in ft.undo_entries(tmp_path / "undo")]
    assert [o.status for o in outcomes] == ["undone", "undone"], [o.message for o in outcomes]
    assert mutagen_tags(path) == before_tags and packets(path) == before_audio


@pytest.mark.parametrize("name", ["song.mp3", "song.flac", "song.m4a"])
def test_undo_of_a_file_with_no_tags_at_all_leaves_none(media: Media, tmp_path: Path,
                                                        name: str) -> None:
    path = media(name)
    mutagen.File(path).delete()
    stripped = path.read_bytes()
    assert not mutagen.File(path).tags
    written = ft.write(ft.plan(path, CALM), tmp_path / "undo")
    assert mutagen_tags(path) == {k: [v] for k, v in CALM_VALUES.items()}
    assert ft.undo(written.undo_entry).status == "undone"  # type: ignore[arg-type]
    assert mutagen_tags(path) == {}
    assert not mutagen.File(path).tags
    if name == "song.mp3":  # the ID3 tag goes whole: the very bytes are back
        assert path.read_bytes() == stripped


def test_undo_refuses_a_file_changed_after_the_write(media: Media, tmp_path: Path) -> None:
    path = media("song.mp3")
    written = ft.write(ft.plan(path, CALM), tmp_path / "undo")
    audio = mutagen.File(path)
    audio.tags.add(TIT2(encoding=3, text=["Renamed elsewhere"]))
    audio.save()
    data = path.read_bytes()
    undone = ft.undo(written.undo_entry)  # type: ignore[arg-type]
    assert undone.status == "changed"
    assert undone.message == ("left alone: song.mp3 changed after the mood was written into "
                              "it; undoing would lose that change")
    assert path.read_bytes() == data
    assert ft.undo_entries(tmp_path / "undo") == [written.undo_entry]  # still there


def test_an_id3v23_tag_keeps_its_other_frames(media: Media, tmp_path: Path) -> None:
    path = media("song.mp3")
    tags = ID3(path)
    tags.add(TIT2(encoding=1, text=["Old title"]))
    tags.save(v2_version=3)
    assert ID3(path).version == (2, 3, 0)
    written = ft.write(ft.plan(path, CALM), tmp_path / "undo")
    assert ID3(path).version == (2, 4, 0) and str(ID3(path)["TIT2"]) == "Old title"
    ft.undo(written.undo_entry)  # type: ignore[arg-type]
    assert str(ID3(path)["TIT2"]) == "Old title" and mutagen_tags(path) == {}


def test_a_name_that_is_not_utf8_survives_the_undo_entry(sources: dict[str, Path],
                                                         tmp_path: Path) -> None:
    path = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9 \xff.mp3")))
    shutil.copyfile(sources["song.mp3"], path)
    written = ft.write(ft.plan(path, CALM), tmp_path / "undo")
    assert written.status == "written"
    assert ft.undo(written.undo_entry).status == "undone"  # type: ignore[arg-type]
    assert mutagen_tags(path) == {}


# -- what goes wrong -------------------------------------------------------------------------

def _boom(*_: object, **__: object) -> None:
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("stage", ["_commit", "_save", "_tag_copy"])
def test_a_failed_write_leaves_the_file_and_no_copy(media: Media, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    stage: str) -> None:
    path = media("song.m4a")
    data, mtime = path.read_bytes(), path.stat().st_mtime_ns
    planned = ft.plan(path, CALM)
    monkeypatch.setattr(ft, stage, _boom)
    outcome = ft.write(planned, tmp_path / "undo")
    assert outcome.status == "failed"
    assert outcome.message == ("could not write song.m4a, left as it was: [Errno 28] No space "
                               "left on device")
    assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime
    assert hidden(path.parent) == []
    assert ft.undo_entries(tmp_path / "undo") == []


def test_a_failing_rename_of_os_replace_leaves_the_file(media: Media, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    path = media("song.opus")
    data = path.read_bytes()
    planned = ft.plan(path, CALM)
    real = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == path:
            raise OSError(5, "Input/output error")
        real(src, dst)  # the undo entry's own atomic write still works

    monkeypatch.setattr(ft.os, "replace", replace)
    assert ft.write(planned, tmp_path / "undo").status == "failed"
    assert path.read_bytes() == data and hidden(path.parent) == []
    assert ft.undo_entries(tmp_path / "undo") == []


KILLER = """
import os, signal, sys
from ver_desktop.core.moods import Mood, filetags as ft, matroska
stage, mkv = sys.argv[2], sys.argv[1].endswith(".mkv")
owner, name = (matroska.MatroskaTags, "save") if mkv and stage == "_save" else (ft, stage)
real = getattr(owner, name)
def die(*args, **kwargs):
    if stage == "_save":  # half way through the tag write: part of the copy is written
        real(*args, **kwargs)
        written = args[0].path if mkv else args[0].filename
        with open(written, "r+b") as f:
            f.truncate(os.path.getsize(written) // 2)
    os.kill(os.getpid(), signal.SIGKILL)
setattr(owner, name, die)
mood = Mood("PV-NA", "calm, content", "pleased", 0.5, -0.2, 0.8, by_person=False)
ft.write(ft.plan(sys.argv[1], mood), sys.argv[3])
"""


@pytest.mark.parametrize("stage", ["_save", "_commit"])
@pytest.mark.parametrize("name", ["song.mp3", "video.mp4", "video.mkv"])
def test_a_killed_write_leaves_the_file_intact(media: Media, tmp_path: Path, stage: str,
                                               name: str) -> None:
    """A process killed (SIGKILL) half way through tagging the copy, or just before the
    rename: the file is byte for byte what it was; the hidden copy left behind is found and
    removed; an undo entry left by a kill before the rename refuses to act."""
    path = media(name)
    data = path.read_bytes()
    undo_dir = tmp_path / "undo"
    run = subprocess.run([sys.executable, "-c", KILLER, os.fspath(path), stage,
                          os.fspath(undo_dir)], cwd=REPO, capture_output=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr.decode()
    assert path.read_bytes() == data
    left = hidden(path.parent)
    assert len(left) == 1 and left[0].startswith(ft.TEMP_PREFIX)
    assert ft.remove_leftovers(path.parent) == []  # too recent: might be a write under way
    assert [p.name for p in ft.remove_leftovers(path.parent, older_than_s=0)] == left
    assert hidden(path.parent) == []
    for entry in ft.undo_entries(undo_dir):
        assert ft.undo(entry).status == "changed"
    assert path.read_bytes() == data
    assert ft.write(ft.plan(path, CALM), undo_dir).status == "written"  # and it can go on


BATCH = """
import sys
from ver_desktop.core.moods import Mood, filetags as ft
mood = Mood("PV-NA", "calm, content", "pleased", 0.5, -0.2, 0.8, by_person=False)
for i, name in enumerate(sys.argv[2:]):
    ft.write(ft.plan(name, mood), sys.argv[1])
    print(i, flush=True)
"""


def test_a_batch_killed_at_any_moment_leaves_every_file_whole(media: Media,
                                                              tmp_path: Path) -> None:
    """Killed in the middle of a batch, wherever it was: every file is either byte for byte
    what it was, or fully tagged with the same audio."""
    names = ["song.mp3", "song.flac", "song.m4a", "song.opus"]
    files = []
    for round_ in range(4):
        for name in names:
            path = media(name)
            files.append(path.rename(path.with_name(f"{round_}-{name}")))
    before = {p: (p.read_bytes(), packets(p)) for p in files}
    seed = np.random.default_rng().integers(1 << 30)
    delay = np.random.default_rng(seed).uniform(0.0, 0.02)
    process = subprocess.Popen([sys.executable, "-c", BATCH, os.fspath(tmp_path / "undo"),
                                *map(os.fspath, files)], cwd=REPO, stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout is not None
    while process.stdout.readline().strip() != "3":  # a few written, then wherever it is
        assert process.poll() is None, "the batch ended before it could be killed"
    time.sleep(delay)
    process.kill()
    process.wait()
    written = 0
    for path, (data, audio) in before.items():
        if path.read_bytes() != data:
            written += 1
            assert len(mutagen_tags(path)) == 7, f"{path.name} half tagged (seed {seed})"
            assert packets(path) == audio, f"{path.name}'s audio changed (seed {seed})"
    assert written >= 4, f"seed {seed}"
    ft.remove_leftovers(files[0].parent, older_than_s=0)
    assert hidden(files[0].parent) == []


def test_a_file_changed_after_planning_is_left_alone(media: Media, tmp_path: Path) -> None:
    path = media("song.mp3")
    planned = ft.plan(path, CALM)
    with open(path, "ab") as handle:
        handle.write(b"\0")
    outcome = ft.write(planned, tmp_path / "undo")
    assert (outcome.status, outcome.message) == (
        "changed", "left alone: song.mp3 changed after it was looked at; look again before "
        "writing")
    assert mutagen_tags(path) == {} and hidden(path.parent) == []


def test_a_change_that_keeps_size_and_mtime_is_still_seen(media: Media, tmp_path: Path) -> None:
    path = media("song.flac")
    planned = ft.plan(path, CALM)
    info = path.stat()
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert ft.write(planned, tmp_path / "undo").status == "changed"
    assert path.read_bytes() == bytes(data)


def test_a_file_changed_while_being_written_is_left_alone(media: Media, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    path = media("song.m4a")
    planned = ft.plan(path, CALM)
    real = ft._tag_copy

    def meanwhile(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # type: ignore[arg-type]
        with open(path, "ab") as handle:  # another program writes the file now
            handle.write(b"other")

    monkeypatch.setattr(ft, "_tag_copy", meanwhile)
    outcome = ft.write(planned, tmp_path / "undo")
    assert (outcome.status, outcome.message) == (
        "changed", "left alone: the file changed while it was being written: song.m4a")
    assert path.read_bytes().endswith(b"other")  # their change is kept
    assert hidden(path.parent) == [] and ft.undo_entries(tmp_path / "undo") == []


def test_a_symbolic_link_is_refused(media: Media, tmp_path: Path) -> None:
    target = media("song.mp3")
    link = tmp_path / "link.mp3"
    link.symlink_to(target)
    data = target.read_bytes()
    planned = ft.plan(link, CALM)
    assert planned.refusal is not None and planned.refusal.status == "refused"
    assert planned.lines() == ["left alone: link.mp3 is a symbolic link; tags are written only "
                               "into the file itself (choose the file it points to)"]
    assert ft.write(planned, tmp_path / "undo") == planned.refusal
    assert target.read_bytes() == data


def test_a_symbolic_link_swapped_in_after_planning_is_refused(media: Media,
                                                              tmp_path: Path) -> None:
    path = media("song.opus")
    planned = ft.plan(path, CALM)
    target = Path(shutil.copy2(path, tmp_path / "elsewhere.opus"))
    path.unlink()
    path.symlink_to(target)
    outcome = ft.write(planned, tmp_path / "undo")
    assert outcome.status == "refused" and "symbolic link" in outcome.message
    assert path.is_symlink() and mutagen_tags(target) == {}
    assert hidden(path.parent) == []


@pytest.mark.parametrize("suffix", [".webm", ".avi", ".wav"])
def test_a_format_without_mood_tags_is_reported(sources: dict[str, Path], tmp_path: Path,
                                                suffix: str) -> None:
    path = sources[f"clip{suffix}"]
    data = path.read_bytes()
    outcome = ft.write(ft.plan(path, CALM), tmp_path / "undo")
    assert outcome.status == "not taggable" and not outcome.ok
    assert outcome.message == (f"not a file that takes mood tags: {suffix} (clip{suffix}; "
                               "mood tags go into MP3, Ogg, Opus, FLAC, M4A, MP4 and MKV)")
    assert path.read_bytes() == data


def test_unreadable_and_missing_files_are_reported(tmp_path: Path) -> None:
    fake = tmp_path / "list.mp3"
    fake.write_text("a shopping list, not music\n" * 20)
    outcome = ft.write(ft.plan(fake, CALM), tmp_path / "undo")
    assert outcome.status == "not taggable"
    assert outcome.message.startswith("not a file that takes mood tags: list.mp3 (")
    gone = ft.write(ft.plan(tmp_path / "gone.mp3", CALM), tmp_path / "undo")
    assert gone.message == "left alone: gone.mp3 is not there any more"


def test_a_read_only_file_is_left_alone(media: Media,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    locked = media("song.mp3")
    locked.chmod(0o444)
    if os.access(locked, os.W_OK):  # root may write anything: ask as if we were not
        monkeypatch.setattr(ft.os, "access", lambda *_: False)
    assert ft.plan(locked, CALM).lines() == ["left alone: song.mp3 is read-only"]


def test_no_write_without_its_undo_entry(media: Media, tmp_path: Path) -> None:
    path = media("song.mp3")
    data = path.read_bytes()
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the undo folder should be")
    outcome = ft.write(ft.plan(path, CALM), blocker / "undo")
    assert outcome.status == "failed" and outcome.message.startswith(
        "could not write song.mp3, left as it was: ")
    assert path.read_bytes() == data and hidden(path.parent) == []


def test_a_broken_undo_entry_is_reported(tmp_path: Path) -> None:
    entry = tmp_path / "1-abc.json"
    entry.write_text("{not json")
    outcome = ft.undo(entry)
    assert outcome.status == "failed"
    assert outcome.message.startswith("could not read the undo entry 1-abc.json: ")


def test_one_files_trouble_does_not_stop_the_others(media: Media, tmp_path: Path) -> None:
    good, other = media("song.mp3"), media("song.flac")
    plans = [ft.plan(tmp_path / "gone.mp3", CALM), ft.plan(good, CALM), ft.plan(other, CALM)]
    assert [o.status for o in [ft.write(p, tmp_path / "undo") for p in plans]] == [
        "refused", "written", "written"]


def test_importing_filetags_does_not_import_mutagen() -> None:
    code = ("import sys, ver_desktop.core.moods.filetags; "
            "print('mutagen' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == "False"
