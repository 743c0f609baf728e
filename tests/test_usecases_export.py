"""The one registry of export formats (core/playlists/export.py): what the command line,
the menus and the dialogs iterate, and that each entry writes the file it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from ver_desktop.core.errors import AppError
from ver_desktop.core.playlists import (
    EXPORT_FORMATS,
    FORMATS,
    Entry,
    ExportError,
    export_playlist,
    format_for,
    format_named,
    formats_in_words,
    read_m3u8,
    read_mpv_edl,
    read_xspf,
)

READERS = {"m3u8": read_m3u8, "xspf": read_xspf, "edl": read_mpv_edl}


def test_the_registry_lists_each_format_once_with_its_words() -> None:
    assert [f.key for f in EXPORT_FORMATS] == ["m3u8", "xspf", "edl"]
    assert [f.suffix for f in EXPORT_FORMATS] == [".m3u8", ".xspf", ".edl"]
    assert [f.filter_text for f in EXPORT_FORMATS] == [
        "M3U8 playlist (*.m3u8)", "XSPF playlist (*.xspf)", "mpv playlist (*.edl)"]
    assert [f.menu_text for f in EXPORT_FORMATS] == [
        "Export as M3U&8…", "Export as &XSPF…", "Export for mp&v (EDL)…"]
    assert formats_in_words() == ".m3u8 or .xspf (VLC and most players) or .edl (mpv)"


def test_the_old_suffix_table_still_answers_as_before() -> None:
    assert FORMATS == {".m3u8": "m3u8", ".m3u": "m3u8", ".xspf": "xspf", ".edl": "edl"}


def test_a_suffix_finds_its_format_in_any_case() -> None:
    assert format_for(Path("a/b.M3U")) is format_named("m3u8")
    assert format_for("list.xspf") is format_named("xspf")
    assert format_for(Path("x.EDL")) is format_named("edl")
    assert format_for("x.txt") is None and format_for("m3u8") is None
    with pytest.raises(KeyError):
        format_named("pls")


@pytest.mark.parametrize("fmt", EXPORT_FORMATS, ids=lambda f: f.key)
def test_each_format_writes_a_file_its_reader_reads_back(tmp_path: Path, fmt: object) -> None:
    from ver_desktop.core.playlists import ExportFormat

    assert isinstance(fmt, ExportFormat)
    media = tmp_path / "media"
    media.mkdir()
    entries = [Entry(str(media / "a.mp4"), "A", 30.0, 10.0, 40.0),
               Entry(str(media / "b c.mkv"), "B", 12.0)]
    target = tmp_path / f"list{fmt.suffix}"
    assert fmt.write(entries, target, title="Calm") == target
    assert READERS[fmt.key](target) == [e.path for e in entries]
    again = tmp_path / f"by-key{fmt.suffix}"
    export_playlist(entries, again, fmt.key, title="Calm")  # as callers with keys do
    assert again.read_bytes() == target.read_bytes()
    if fmt.key == "xspf":
        assert "<title>Calm</title>" in target.read_text()


def test_an_export_error_is_one_of_the_apps_own(tmp_path: Path) -> None:
    assert issubclass(ExportError, AppError)
    with pytest.raises(AppError, match="does not exist"):
        format_named("m3u8").write([], tmp_path / "no" / "such.m3u8")
