"""Timelines: the model's points over a whole file, and the stretches cut from them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import mediagen
import numpy as np
import pytest

from ver_desktop.core import paths
from ver_desktop.core.bundle import (
    Classifier,
    Prediction,
    load_classifier,
    prediction_at,
    read_bundle_info,
)
from ver_desktop.core.extract import Extracted, Failed, extract
from ver_desktop.core.library import FileStat, Library
from ver_desktop.core.library.timelines import StretchFilter
from ver_desktop.core.timeline import (
    Embedded,
    Timeline,
    cut,
    embed_whole,
    read_timeline,
)
from ver_desktop.training.timeline_eval import matched_boundaries

MODEL = ("test-model", "1")


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return load_classifier(paths.bundled_model_dir(), threads=1)


def embedded(path: Path, classifier: Classifier) -> Embedded:
    found = embed_whole(os.fspath(path), classifier.front_end)
    assert isinstance(found, Embedded), found
    return found


def test_a_film_of_calm_and_energetic_parts_is_cut_where_they_change(
        tmp_path: Path, classifier: Classifier) -> None:
    """75 s of a soft pad, 75 s of loud fast hits, 75 s of the pad again: two boundaries,
    each within 3 s of the truth, and the parts' quadrants."""
    film = np.concatenate([mediagen.pad(75), mediagen.drums(75), mediagen.pad(75)])
    path = mediagen.write_media(tmp_path / "film.mp4", film)
    timeline, stretches = read_timeline(embedded(path, classifier), classifier)
    assert [s.quadrant for s in stretches] == ["PV-NA", "NV-PA", "PV-NA"]
    assert matched_boundaries([s.start for s in stretches[1:]], [75.0, 150.0]) == 2
    assert stretches[0].start == 0.0 and stretches[-1].end == pytest.approx(225.0, abs=0.1)
    assert timeline.hop == pytest.approx(2.992, abs=1e-3)
    assert len(timeline) == pytest.approx(225 / timeline.hop - 9, abs=1)


def test_a_thirty_second_file_has_one_point_the_scans_tag(
        media_files: dict[str, Path], classifier: Classifier) -> None:
    """The window is built as a scan builds its segment, so a file no longer than a window
    gets exactly the scan's point."""
    path = media_files["short.flac"]  # 12 s: a window over what there is
    timeline, stretches = read_timeline(embedded(path, classifier), classifier)
    scanned = extract(os.fspath(path), classifier.front_end)
    assert isinstance(scanned, Extracted)
    tag = classifier.predict([scanned.features])[0]
    assert len(timeline) == 1
    assert timeline.valence[0] == pytest.approx(tag.valence, abs=1e-5)
    assert timeline.arousal[0] == pytest.approx(tag.arousal, abs=1e-5)
    assert [s.quadrant for s in stretches] == [tag.quadrant]


def test_files_without_enough_sound_fail_with_their_reason(
        media_files: dict[str, Path], classifier: Classifier) -> None:
    for name, kind in (("too_short.wav", "too_short"), ("text.mp4", "not_media"),
                       ("no_audio.mp4", "no_audio")):
        found = embed_whole(os.fspath(media_files[name]), classifier.front_end)
        assert isinstance(found, Failed) and found.kind.value == kind, (name, found)


def test_a_two_hour_timeline_takes_a_few_kilobytes_and_reads_back() -> None:
    rng = np.random.default_rng(0)
    count = round(2 * 3600 / 2.992)
    walk = np.cumsum(rng.normal(0, 0.05, size=(count, 2)), axis=0).astype(np.float32)
    timeline = Timeline(14.96, 2.992, 7200.0, walk[:, 0], walk[:, 1])
    data = timeline.to_bytes()
    back = Timeline.from_bytes(data)
    assert len(data) < 16_000
    assert np.abs(back.valence - timeline.valence).max() <= 0.00051  # thousandths
    assert (back.first, back.hop, back.duration) == (14.96, 2.992, 7200.0)


def test_a_short_blip_is_merged_and_no_stretch_is_shorter_than_the_minimum() -> None:
    times = 15 + 3.0 * np.arange(60)  # 3 min of points
    valence = np.where((times > 60) & (times < 72), 0.8, -0.5)  # a 12-s pleasant blip
    arousal = np.where(times < 120, -0.6, 0.7)
    stretches = cut(times, valence.astype(np.float32), arousal.astype(np.float32), 192.0)
    assert [s.quadrant for s in stretches] == ["NV-NA", "NV-PA"]
    assert all(s.seconds >= 20 for s in stretches)
    assert stretches[1].start == pytest.approx(118.5)


def test_boundaries_match_once_within_three_seconds() -> None:
    assert matched_boundaries([10.0, 11.0, 50.0], [10.5, 46.0]) == 1
    assert matched_boundaries([], [3.0]) == 0


def test_the_timeline_command_prints_points_and_segments_and_keeps_them(
        tmp_path: Path, data_dir: Path) -> None:
    """`timeline PATH --json` computes what the library lacks, keeps it for a file in the
    library, and prints the contract's object (times in seconds from the start)."""
    film = np.concatenate([mediagen.pad(40), mediagen.drums(40)])
    path = mediagen.write_media(tmp_path / "clip.mkv", film)
    library = Library.at(paths.database_path(data_dir))
    stat = path.stat()
    library.plan_scan([os.fspath(tmp_path)], [FileStat(os.fspath(path), stat.st_size,
                                                       stat.st_mtime_ns)], MODEL)
    video_id = library.video_id(os.fspath(path))
    assert video_id is not None
    done = subprocess.run([sys.executable, "-m", "ver_desktop", "--data-dir",
                           os.fspath(data_dir), "timeline", os.fspath(path), "--json"],
                          capture_output=True, text=True, timeout=600, check=True)
    shown = json.loads(done.stdout)
    assert set(shown) == {"path", "model", "sound", "points", "segments"}
    assert shown["sound"] == "music throughout"
    assert shown["path"] == os.fspath(path)
    assert set(shown["points"][0]) == {"t", "valence", "arousal", "quadrant", "talk"}
    assert [s["quadrant"] for s in shown["segments"]] == ["PV-NA", "NV-PA"]
    assert shown["segments"][-1]["end"] == pytest.approx(80.0, abs=0.2)
    info = read_bundle_info(paths.bundled_model_dir())
    kept = library.timeline(video_id, (info.name, info.version))
    assert kept is not None and [s.stretch.quadrant for s in kept[1]] == ["PV-NA", "NV-PA"]
    assert len(kept[0]) == len(shown["points"])
    listed = subprocess.run([sys.executable, "-m", "ver_desktop", "--data-dir",
                             os.fspath(data_dir), "stretches", "--quadrant", "calm", "--json"],
                            capture_output=True, text=True, timeout=600, check=True)
    calm = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(c["path"], c["quadrant"], c["start"]) for c in calm] == [
        (os.fspath(path), "PV-NA", 0.0)]

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ver_desktop", "--data-dir",
                               os.fspath(data_dir), *args], capture_output=True, text=True,
                              timeout=600, check=True)

    cli("tag", os.fspath(path), "--at", "0:10", "--octant", "tired")  # that stretch only
    model = (info.name, info.version)
    tagged = library.stretches(model)
    assert [(k.stretch.octant, k.corrected) for k in tagged] == [
        ("tired", True), (kept[1][1].stretch.octant, False)]
    assert not library.rows(model, [video_id])[video_id].corrected
    cli("playlist", "stretches", "Tense bits", "--quadrant", "tense")
    target = tmp_path / "tense.m3u8"
    cli("playlist", "export", "Tense bits", os.fspath(target))
    second = kept[1][1].stretch
    assert f"#EXTVLCOPT:start-time={second.start:.3f}" in target.read_text()


def test_the_library_keeps_timelines_per_model_and_drops_them_when_the_file_changes(
        library_url: str, tmp_path: Path) -> None:
    library = Library(library_url)
    root = os.fspath(tmp_path)
    files = [FileStat(os.path.join(root, f"{i}.mp4"), 1, 1) for i in range(3)]
    plan = library.plan_scan([root], files, MODEL)
    library.record([(video_id, Extracted(path, np.zeros((3, 250), np.float32), 0, 30, 90.0 + i,
                                         0), _prediction()) for i, (video_id, path) in
                    enumerate(plan.to_analyse)], [], MODEL)
    first, second = plan.to_analyse[0][0], plan.to_analyse[1][0]
    assert [v for v, _ in library.without_timeline(MODEL)] == [first, second,
                                                               plan.to_analyse[2][0]]
    timeline = Timeline(14.96, 2.992, 90.0, np.linspace(-1, 1, 21, dtype=np.float32),
                        np.full(21, 0.5, np.float32))
    stretches = cut(timeline.times(), timeline.valence, timeline.arousal, 90.0)
    library.store_timeline(first, MODEL, timeline, stretches)
    library.store_timeline(first, MODEL, timeline, stretches)  # replaced, not doubled
    kept = library.timeline(first, MODEL)
    assert kept is not None and [k.stretch for k in kept[1]] == stretches
    assert np.allclose(kept[0].valence, timeline.valence, atol=1e-3)
    assert library.timeline(first, ("other-model", "1")) is None
    assert first not in [v for v, _ in library.without_timeline(MODEL)]
    longest = max(stretches, key=lambda x: x.seconds)
    wanted = StretchFilter(quadrants=frozenset({longest.quadrant}),
                           min_seconds=longest.seconds - 1)
    assert [k.stretch for k in library.stretches(MODEL, wanted)] == [longest]
    assert library.stretches(MODEL, StretchFilter(min_seconds=91)) == []
    assert len(library.stretches(MODEL, StretchFilter(search="0.mp4"))) == len(stretches)
    library.plan_scan([root], [FileStat(files[0].path, 2, 2), *files[1:]], MODEL)  # changed
    assert library.timeline(first, MODEL) is None


def _prediction() -> Prediction:
    return prediction_at(0.5, 0.5, spread=1.0)
