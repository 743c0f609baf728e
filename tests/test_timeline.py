"""Timelines: the model's points over a whole file, and the stretches cut from them."""

from __future__ import annotations

import os
from pathlib import Path

import mediagen
import numpy as np
import pytest

from ver_desktop.core import paths
from ver_desktop.core.bundle import Classifier, load_classifier
from ver_desktop.core.extract import Extracted, Failed, extract
from ver_desktop.core.timeline import (
    Embedded,
    Timeline,
    cut,
    embed_whole,
    read_timeline,
)
from ver_desktop.training.timeline_eval import matched_boundaries


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
