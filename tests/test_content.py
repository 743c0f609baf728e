"""The "mostly speech" check in a scan: a file of real talk is flagged, a song is not (the
detector itself is tested on real speech and music in test_speech.py)."""

from __future__ import annotations

from pathlib import Path

import mediagen
import real_speech


def test_a_scan_records_the_flag(tmp_path: Path, bundled_model: Path) -> None:
    from ver_desktop.core.bundle import load_classifier
    from ver_desktop.core.library import Library
    from ver_desktop.core.scan import Scanner

    folder = tmp_path / "videos"
    folder.mkdir()
    mediagen.write_media(folder / "vlog.mp4", real_speech.talk(20.0))
    mediagen.write_media(folder / "song.mp4", mediagen.music(20.0))
    library = Library.at(tmp_path / "lib.sqlite3")
    classifier = load_classifier(bundled_model)
    Scanner(library, classifier, workers=2).scan([str(folder)])
    rows = {r.name: r for r in library.videos((classifier.info.name, classifier.info.version))}
    assert rows["vlog.mp4"].mostly_speech is True and rows["song.mp4"].mostly_speech is False
    assert rows["vlog.mp4"].to_json()["mostly_speech"] is True
