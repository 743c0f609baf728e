"""NFO sidecars (core/moods/nfo.py, `ver-desktop write-nfo`): a new NFO Kodi takes, an
existing one merged without losing a byte of what is not ours, re-writing changes nothing,
undo gives back the exact bytes, and links, broken files and files changed meanwhile are
left alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_moods_table import cli, library_of

from ver_desktop.core.moods import Mood
from ver_desktop.core.moods.nfo import (
    NfoChange,
    nfo_path,
    ours,
    parse,
    plan,
    recorded,
    undo,
    undo_record,
    write,
)

CALM = Mood("PV-NA", "calm, content", "pleased", 0.6, -0.4, 0.8, False)
TENSE = Mood("NV-PA", "tense, angry", "tensed", -0.5, 0.7, 1.0, True)

FOREIGN = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
           b"<!-- written by a person, kept as it is -->\r\n"
           b'<movie lang="en" id="7">\r\n'
           b"  <title>Caf&#233; &amp; songs</title>\r\n"
           b"  <!-- a note inside -->\r\n"
           b"  <tag>Road trip</tag>\r\n"
           b'  <actor><name>A. Person</name><role order="2" main="yes">Self</role></actor>\r\n'
           b"  <plot><![CDATA[Two <b>friends</b> drive.]]></plot>\r\n"
           b"  <tag>Mood: happy, excited</tag>\r\n"
           b"  <uniqueid type='imdb' default=\"true\">tt0000001</uniqueid>\r\n"
           b"  <tag>Emotion: happy</tag>\r\n"
           b"  <?kodi keep?>\r\n"
           b"</movie>\r\n"
           b"<!-- after the root -->\r\n")


def video(folder: Path, name: str = "clip.mp4") -> str:
    path = folder / name
    path.write_bytes(b"not really a video")
    return os.fspath(path)


def written(change: NfoChange, undo_dir: Path) -> NfoChange:
    done = write(change, undo_dir)
    assert done.outcome == change.outcome, done.words
    return done


def test_the_sidecar_sits_beside_the_video_with_its_name() -> None:
    assert nfo_path("/m/a.b/clip.mp4") == "/m/a.b/clip.nfo"
    assert nfo_path("/m/noext") == "/m/noext.nfo"


def test_a_new_nfo_is_a_kodi_movie_with_the_mood_as_tags(tmp_path: Path) -> None:
    clip = video(tmp_path)
    change = plan(clip, CALM)
    assert change.outcome == "new" and "calm, content (pleased)" in change.words
    assert not Path(nfo_path(clip)).exists()  # planning writes nothing
    written(change, tmp_path / "undo")
    root = ET.parse(nfo_path(clip)).getroot()
    assert root.tag == "movie"
    assert root.findtext("title") == "clip"
    assert [t.text for t in root.iter("tag")] == ["Mood: calm, content", "Emotion: pleased"]
    assert plan(clip, CALM).outcome == "same"


def test_merging_keeps_everything_that_is_not_ours(tmp_path: Path) -> None:
    clip = video(tmp_path)
    nfo = Path(nfo_path(clip))
    nfo.write_bytes(FOREIGN)
    change = written(plan(clip, CALM), tmp_path / "undo")
    after = nfo.read_bytes()
    assert change.outcome == "updated"
    # every byte outside our two old tags is still there, in order, CRLF kept
    head, rest = FOREIGN.split(b"\r\n  <tag>Mood: happy, excited</tag>")
    middle, tail = rest.split(b"\r\n  <tag>Emotion: happy</tag>")
    assert after == (head + b"\r\n  <tag>Mood: calm, content</tag>\r\n  <tag>Emotion: pleased"
                     b"</tag>" + middle + tail)
    old_root, new_root = parse(FOREIGN), parse(after)
    assert ours(new_root) == ["Mood: calm, content", "Emotion: pleased"]
    assert [ET.tostring(e) for e in old_root if not _ours(e)] == \
        [ET.tostring(e) for e in new_root if not _ours(e)]
    assert new_root.attrib == {"lang": "en", "id": "7"}
    assert list(new_root.find("actor/role").attrib) == ["order", "main"]  # type: ignore[union-attr]


def _ours(element: ET.Element) -> bool:
    return element.tag == "tag" and (element.text or "").startswith(("Mood:", "Emotion:"))


def test_an_nfo_without_our_tags_gets_them_before_its_end(tmp_path: Path) -> None:
    clip = video(tmp_path)
    nfo = Path(nfo_path(clip))
    before = b"<movie>\n\t<title>x</title>\n\t<tag>Mine</tag>\n</movie>\n"
    nfo.write_bytes(before)
    written(plan(clip, TENSE), tmp_path / "undo")
    assert nfo.read_bytes() == (b"<movie>\n\t<title>x</title>\n\t<tag>Mine</tag>\n"
                                b"\t<tag>Mood: tense, angry</tag>\n\t<tag>Emotion: tensed</tag>"
                                b"\n</movie>\n")


def test_an_empty_root_is_opened_for_the_tags(tmp_path: Path) -> None:
    clip = video(tmp_path)
    Path(nfo_path(clip)).write_bytes(b'<movie id="1"/>\n')
    written(plan(clip, CALM), tmp_path / "undo")
    assert ours(parse(Path(nfo_path(clip)).read_bytes())) == [
        "Mood: calm, content", "Emotion: pleased"]
    assert parse(Path(nfo_path(clip)).read_bytes()).attrib == {"id": "1"}


def test_rewriting_is_idempotent_and_a_new_mood_takes_the_same_place(tmp_path: Path) -> None:
    clip = video(tmp_path)
    nfo = Path(nfo_path(clip))
    nfo.write_bytes(FOREIGN)
    written(plan(clip, CALM), tmp_path / "undo")
    once = nfo.read_bytes()
    again = plan(clip, CALM)
    assert again.outcome == "same" and write(again, tmp_path / "undo").outcome == "same"
    assert nfo.read_bytes() == once
    written(plan(clip, TENSE), tmp_path / "undo")
    written(plan(clip, CALM), tmp_path / "undo")
    assert nfo.read_bytes() == once


def test_undo_restores_the_bytes_from_before_the_first_write(tmp_path: Path) -> None:
    clip = video(tmp_path)
    nfo = Path(nfo_path(clip))
    nfo.write_bytes(FOREIGN)
    os.chmod(nfo, 0o640)
    undo_dir = tmp_path / "undo"
    written(plan(clip, CALM), undo_dir)
    written(plan(clip, TENSE), undo_dir)
    assert os.stat(nfo).st_mode & 0o777 == 0o640  # permissions kept across the rename
    back = undo(os.fspath(nfo), undo_dir)
    assert back.outcome == "undone"
    assert nfo.read_bytes() == FOREIGN
    assert not undo_record(undo_dir, os.fspath(nfo)).exists()
    assert undo(os.fspath(nfo), undo_dir).words.endswith("nothing to undo")


def test_undo_removes_an_nfo_that_was_not_there(tmp_path: Path) -> None:
    clips = [video(tmp_path, f"{i}.mkv") for i in range(2)]
    undo_dir = tmp_path / "undo"
    for clip in clips:
        written(plan(clip, CALM), undo_dir)
    assert [c.outcome for c in [undo(n, undo_dir) for n in recorded(undo_dir)]] == [
        "undone", "undone"]
    assert not any(Path(nfo_path(c)).exists() for c in clips)
    assert sorted(os.listdir(tmp_path)) == ["0.mkv", "1.mkv", "undo"]  # no temporary left


def test_undo_refuses_an_nfo_changed_since_our_write(tmp_path: Path) -> None:
    clip = video(tmp_path)
    nfo = Path(nfo_path(clip))
    undo_dir = tmp_path / "undo"
    written(plan(clip, CALM), undo_dir)
    nfo.write_bytes(nfo.read_bytes().replace(b"<title>clip", b"<title>renamed"))
    edited = nfo.read_bytes()
    refused = undo(os.fspath(nfo), undo_dir)
    assert refused.outcome == "left alone" and "changed since" in refused.words
    assert nfo.read_bytes() == edited


def test_a_linked_nfo_is_never_written_through(tmp_path: Path) -> None:
    clip = video(tmp_path)
    elsewhere = tmp_path / "elsewhere.xml"
    elsewhere.write_bytes(b"<movie><title>x</title></movie>")
    os.symlink(elsewhere, nfo_path(clip))
    change = plan(clip, CALM)
    assert change.outcome == "left alone" and "link" in change.words
    assert write(change, tmp_path / "undo").outcome == "left alone"
    assert elsewhere.read_bytes() == b"<movie><title>x</title></movie>"
    assert os.path.islink(nfo_path(clip))


def test_a_link_put_there_after_planning_is_refused(tmp_path: Path) -> None:
    clip = video(tmp_path)
    change = plan(clip, CALM)
    target = tmp_path / "target"
    target.write_bytes(b"keep")
    os.symlink(target, nfo_path(clip))
    done = write(change, tmp_path / "undo")
    assert done.outcome == "left alone" and "link" in done.words
    assert target.read_bytes() == b"keep"


@pytest.mark.parametrize("content", [
    b"https://www.themoviedb.org/movie/603\n",  # Kodi's bare web address
    b"<movie><title>half",
    b"<movie><title>x</title></movie>\nhttps://www.imdb.com/title/tt0133093/\n",
])
def test_a_file_that_is_not_xml_is_left_alone(tmp_path: Path, content: bytes) -> None:
    clip = video(tmp_path)
    Path(nfo_path(clip)).write_bytes(content)
    change = plan(clip, CALM)
    assert change.outcome == "left alone" and "not XML" in change.words
    assert write(change, tmp_path / "undo").outcome == "left alone"
    assert Path(nfo_path(clip)).read_bytes() == content


def test_an_nfo_in_latin1_keeps_its_bytes(tmp_path: Path) -> None:
    clip = video(tmp_path)
    nfo = Path(nfo_path(clip))
    before = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<movie>\n  <title>Caf\xe9</title>\n'
              "</movie>\n").encode("latin-1")
    nfo.write_bytes(before)
    written(plan(clip, CALM), tmp_path / "undo")
    after = nfo.read_bytes()
    assert after.startswith(before[:before.index(b"\n</movie>")])
    root = parse(after)
    assert root.findtext("title") == "Caf\xe9" and ours(root)[0] == "Mood: calm, content"


def test_an_nfo_in_utf16_is_left_alone(tmp_path: Path) -> None:
    clip = video(tmp_path)
    content = '<?xml version="1.0" encoding="UTF-16"?>\n<movie><title>x</title></movie>'
    Path(nfo_path(clip)).write_bytes(content.encode("utf-16"))
    change = plan(clip, CALM)
    assert change.outcome == "left alone" and "UTF-16" in change.words
    assert Path(nfo_path(clip)).read_bytes() == content.encode("utf-16")


def test_another_kind_of_nfo_is_left_alone(tmp_path: Path) -> None:
    clip = video(tmp_path)
    Path(nfo_path(clip)).write_bytes(b"<tvshow><title>x</title></tvshow>")
    change = plan(clip, CALM)
    assert change.outcome == "left alone" and "<tvshow>" in change.words


def test_our_tag_inside_a_comment_is_not_edited(tmp_path: Path) -> None:
    clip = video(tmp_path)
    content = b"<movie>\n  <!--\n  <tag>Mood: sad, tired</tag> -->\n</movie>\n"
    Path(nfo_path(clip)).write_bytes(content)
    change = plan(clip, CALM)
    assert change.outcome == "left alone" and "safely" in change.words


def test_a_file_changed_after_planning_is_left_alone(tmp_path: Path) -> None:
    clip = video(tmp_path)
    nfo = Path(nfo_path(clip))
    nfo.write_bytes(b"<movie><title>a</title></movie>")
    change = plan(clip, CALM)
    nfo.write_bytes(b"<movie><title>b</title></movie>")
    done = write(change, tmp_path / "undo")
    assert done.outcome == "left alone" and "changed since" in done.words
    assert nfo.read_bytes() == b"<movie><title>b</title></movie>"


def test_a_name_that_is_not_utf8_still_makes_xml(tmp_path: Path) -> None:
    clip = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9\x1b.mp4"))
    Path(clip).write_bytes(b"")
    written(plan(clip, CALM), tmp_path / "undo")
    assert parse(Path(nfo_path(clip)).read_bytes()).findtext("title") == "caf\ufffd"


def test_a_failed_write_leaves_the_nfo_and_no_trace(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    clip = video(tmp_path)
    nfo = Path(nfo_path(clip))
    nfo.write_bytes(FOREIGN)
    undo_dir = tmp_path / "undo"
    change = plan(clip, CALM)
    real_replace = os.replace

    def full_disk(source: str, target: str) -> None:
        if os.fspath(target) == nfo_path(clip):
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", full_disk)
    done = write(change, undo_dir)
    assert done.outcome == "left alone" and "could not be written" in done.words
    assert nfo.read_bytes() == FOREIGN
    assert sorted(os.listdir(tmp_path)) == ["clip.mp4", "clip.nfo", "undo"]  # no .part
    assert os.listdir(undo_dir) == []  # nothing to undo


def test_a_write_killed_after_its_undo_record_still_undoes(tmp_path: Path) -> None:
    """The record is written first; if the NFO never followed, undo finds it as it was."""
    clip = video(tmp_path)
    nfo = Path(nfo_path(clip))
    nfo.write_bytes(FOREIGN)
    undo_dir = tmp_path / "undo"
    written(plan(clip, CALM), undo_dir)
    nfo.write_bytes(FOREIGN)  # as if the rename had never happened
    assert undo(os.fspath(nfo), undo_dir).outcome == "same"
    assert nfo.read_bytes() == FOREIGN and os.listdir(undo_dir) == []


def exiftool_tags(nfo: str) -> list[str]:
    """The NFO's <tag> texts as exiftool (an independent XML reader) reads them."""
    tool = shutil.which("exiftool")
    if tool is None:
        pytest.skip("exiftool is not installed (scripts/setup.sh installs it)")
    out = subprocess.run([tool, "-a", "-s", "-XMP:MovieTag", nfo], capture_output=True,
                         text=True, check=True).stdout
    return [line.split(":", 1)[1].strip() for line in out.splitlines()]


def test_exiftool_reads_what_was_written(tmp_path: Path) -> None:
    fresh, merged = video(tmp_path, "fresh.mp4"), video(tmp_path, "merged.mp4")
    Path(nfo_path(merged)).write_bytes(FOREIGN)
    for clip in (fresh, merged):
        written(plan(clip, CALM), tmp_path / "undo")
    assert exiftool_tags(nfo_path(fresh)) == ["Mood: calm, content", "Emotion: pleased"]
    assert exiftool_tags(nfo_path(merged)) == [
        "Road trip", "Mood: calm, content", "Emotion: pleased"]


def test_no_write_without_its_undo_record(tmp_path: Path) -> None:
    clip = video(tmp_path)
    blocked = tmp_path / "blocked"
    blocked.write_bytes(b"a file where the undo folder should be")
    done = write(plan(clip, CALM), blocked / "undo")
    assert done.outcome == "left alone" and "undo" in done.words
    assert not Path(nfo_path(clip)).exists()


# -- the command -----------------------------------------------------------------------------


def test_write_nfo_dry_run_write_and_undo(tmp_path: Path, data_dir: Path) -> None:
    clips = library_of(data_dir, tmp_path / "videos")
    nfo = Path(nfo_path(clips[0]))
    nfo.write_bytes(FOREIGN)
    dry = cli("write-nfo", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would write" in dry.stdout and "Nothing was written" in dry.stderr
    assert nfo.read_bytes() == FOREIGN and not Path(nfo_path(clips[1])).exists()
    done = cli("write-nfo")
    assert done.returncode == 0, done.stderr
    assert "1 file passed over" in done.stderr  # the one that failed: no mood
    assert "PV-NA" not in done.stdout + done.stderr  # words, not codes
    assert ours(parse(nfo.read_bytes()))[0].startswith("Mood: ")
    assert ours(parse(Path(nfo_path(clips[1])).read_bytes())) == [
        "Mood: tense, angry", "Emotion: tensed"]  # the person's tag wins
    assert "already" in cli("write-nfo", clips[1]).stdout
    written = nfo.read_bytes()
    looked = cli("write-nfo", "--undo", "--dry-run")
    assert looked.returncode == 0 and "would be put back as it was" in looked.stdout
    assert "would be removed (there was none before)" in looked.stdout
    assert nfo.read_bytes() == written and Path(nfo_path(clips[1])).exists()
    back = cli("write-nfo", "--undo")
    assert back.returncode == 0, back.stderr
    assert nfo.read_bytes() == FOREIGN and not Path(nfo_path(clips[1])).exists()


def test_write_nfo_usage_errors(data_dir: Path, tmp_path: Path) -> None:
    library_of(data_dir, tmp_path / "videos")
    missing = cli("write-nfo", os.fspath(tmp_path / "nowhere.mp4"))
    assert missing.returncode == 2 and "not in the library" in missing.stderr


def test_a_movie_nfo_of_a_one_movie_folder_takes_the_mood(tmp_path: Path) -> None:
    """Kodi's and Jellyfin's one-movie-per-folder layout: the folder's movie.nfo is the one
    the media server reads, so the mood is merged into it (and put back byte for byte)."""
    alone = tmp_path / "Road Trip (2019)"
    alone.mkdir()
    clip = video(alone, "Road Trip (2019).mkv")
    (alone / "poster.jpg").write_bytes(b"a picture")
    movie = alone / "movie.nfo"
    movie.write_bytes(FOREIGN)
    assert nfo_path(clip) == os.fspath(movie)
    written(plan(clip, CALM), tmp_path / "undo")
    assert ours(parse(movie.read_bytes())) == ["Mood: calm, content", "Emotion: pleased"]
    assert sorted(os.listdir(alone)) == ["Road Trip (2019).mkv", "movie.nfo", "poster.jpg"]
    assert undo(os.fspath(movie), tmp_path / "undo").outcome == "undone"
    assert movie.read_bytes() == FOREIGN
    # a folder of several videos: each keeps its own NFO, whatever movie.nfo says
    shared = tmp_path / "clips"
    shared.mkdir()
    first, _second = video(shared, "a.mp4"), video(shared, "b.mp4")
    (shared / "movie.nfo").write_bytes(FOREIGN)
    assert nfo_path(first) == os.fspath(shared / "a.nfo")
    # and a video's own NFO wins over movie.nfo
    (alone / "Road Trip (2019).nfo").write_bytes(FOREIGN)
    assert nfo_path(clip) == os.fspath(alone / "Road Trip (2019).nfo")
