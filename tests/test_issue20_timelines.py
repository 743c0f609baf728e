"""Issue 20: timelines that crashed on 33-41 s of audio, non-finite numbers tagged "ok", a
person's stretch tag lost when a timeline is stored again, timelines of a file replaced
while read, and playlist stretches past the end of a replaced file."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import mediagen
import numpy as np
import pytest
from test_timeline import embedded

from ver_desktop.core import paths
from ver_desktop.core.bundle import Classifier, load_classifier, prediction_at
from ver_desktop.core.extract import Extracted, Failed, Outcome, extract
from ver_desktop.core.labels import octant_of, quadrant_of
from ver_desktop.core.library import FileStat, Library
from ver_desktop.core.playlists import playlist_entries
from ver_desktop.core.pool import run_inline
from ver_desktop.core.scan import Scanner
from ver_desktop.core.timeline import (
    Embedded,
    Stretch,
    Timeline,
    read_timeline,
    smooth,
    worked_out,
)

MODEL = ("test-model", "1")


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return load_classifier(paths.bundled_model_dir(), threads=1)


# -- 1. every length of timeline; non-finite numbers are a failure with a reason -----------


@pytest.mark.parametrize("points", [1, 2, 3, 4, 5, 6, 7])
def test_smoothing_gives_one_value_per_point_for_every_length(points: int) -> None:
    """Each value is the mean of the points within reach that exist (a property checked
    for 0..40 points of random values): 2-4 points once came back as 5."""
    rng = np.random.default_rng(points)
    for count in range(41):
        values = rng.normal(size=count).astype(np.float32)
        smoothed = smooth(values, points)
        assert smoothed.shape == (count,), (points, count)
        for i in range(count):
            low, high = max(0, i - points // 2), min(count, i + (points - 1) // 2 + 1)
            expected = values[low:high].mean() if count > 1 else values[i]
            assert smoothed[i] == pytest.approx(expected, abs=1e-5), (points, count, i)


@pytest.mark.parametrize("seconds", [33.0, 36.0, 41.0])
def test_a_file_of_33_to_41_seconds_gets_its_timeline(
        tmp_path: Path, classifier: Classifier, seconds: float) -> None:
    path = mediagen.write_media(tmp_path / "song.mkv", mediagen.music(seconds, seed=1))
    timeline, stretches = read_timeline(embedded(path, classifier), classifier)
    assert 2 <= len(timeline) <= 4
    assert len(timeline.points_json()) == len(timeline)
    assert stretches[0].start == 0.0 and stretches[-1].end == pytest.approx(seconds, abs=0.1)


@pytest.mark.parametrize("value", [1e30, 3e38, np.inf, np.nan])
def test_numbers_the_model_cannot_read_give_no_timeline_but_a_reason(
        classifier: Classifier, value: float) -> None:
    patches = np.full((12, 250), value, np.float32)
    outcome = worked_out(Embedded("/x/wild.mkv", patches, 2.992, 36.0), classifier)
    assert isinstance(outcome, Failed)
    assert "not finite" in outcome.reason and outcome.path == "/x/wild.mkv"


def test_a_scan_fails_a_file_whose_numbers_are_not_finite_instead_of_tagging_it(
        library_url: str, tmp_path: Path, classifier: Classifier) -> None:
    """Features the model maps to NaN or infinity: the file fails with its reason; the
    others in the same batch are tagged."""
    folder = tmp_path / "videos"
    folder.mkdir()
    for name in ("good.mkv", "odd.mkv", "wild.mkv", "wilder.mkv"):
        mediagen.write_media(folder / name, mediagen.music(12.0, seed=2))

    def task(path: str) -> Outcome:
        found = extract(path, classifier.front_end)
        assert isinstance(found, Extracted)
        if os.path.basename(path) == "odd.mkv":  # its length, not its sound
            return Extracted(path, found.features, 0.0, 12.0, float("inf"), 0,
                             speech_likeness=float("nan"))
        scale = {"wild.mkv": 1e30, "wilder.mkv": 3e38}.get(os.path.basename(path))
        if scale is None:
            return found
        return Extracted(path, np.full_like(found.features, scale), found.start, found.end,
                         found.duration, 0)

    library = Library(library_url)
    scanner = Scanner(library, classifier, workers=1, factory=run_inline, task=task)
    summary = scanner.scan([os.fspath(folder)])
    assert summary.analysed == 1
    assert sorted((os.path.basename(p), kind) for p, kind, _ in summary.failed) == [
        ("odd.mkv", "internal"), ("wild.mkv", "internal"), ("wilder.mkv", "internal")]
    assert all("not a finite number" in reason or "not finite" in reason
               for _, _, reason in summary.failed)
    model = (classifier.info.name, classifier.info.version)
    rows = {os.path.basename(r.path): r for r in library.videos(model)}
    assert [rows[name].status for name in sorted(rows)] == ["ok", "failed", "failed", "failed"]
    assert "not finite" in (rows["wild.mkv"].error_reason or "")


def test_the_timeline_command_on_a_folder_says_why_for_a_bad_file_and_goes_on(
        tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "videos"
    folder.mkdir()
    mediagen.write_media(folder / "a 36 s.mkv", mediagen.music(36.0, seed=1))
    (folder / "b junk.mp4").write_bytes(os.urandom(50_000))
    mediagen.write_media(folder / "c 60 s.mkv", mediagen.music(60.0, seed=2))
    done = subprocess.run([sys.executable, "-m", "ver_desktop", "--data-dir",
                           os.fspath(data_dir), "timeline", os.fspath(folder)],
                          capture_output=True, text=True, timeout=600)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1  # one file failed
    shown = [line for line in done.stdout.splitlines() if not line.startswith(" ")]
    assert [line.split(":")[0] for line in shown] == [
        os.fspath(folder / "a 36 s.mkv"), os.fspath(folder / "c 60 s.mkv")]
    assert os.fspath(folder / "b junk.mp4") in done.stderr


# -- 2. a person's tag on a stretch survives the file's timeline being stored again ---------


def _timeline(seconds: float = 90.0) -> Timeline:
    count = round((seconds - 29.92) / 2.992) + 1
    return Timeline(14.96, 2.992, seconds, np.linspace(-1, 1, count, dtype=np.float32),
                    np.full(count, 0.5, np.float32))


def _stretches(*edges: float) -> list[Stretch]:
    """Stretches between `edges`, of alternating emotions."""
    points = [(0.6, -0.6), (-0.5, 0.7)]
    return [Stretch(a, b, quadrant_of(*points[i % 2]), octant_of(*points[i % 2]),
                    *points[i % 2]) for i, (a, b) in enumerate(itertools.pairwise(edges))]


def _tagged_file(url: str, tmp_path: Path) -> tuple[Library, int]:
    library = Library(url)
    root = os.fspath(tmp_path)
    plan = library.plan_scan([root], [FileStat(os.path.join(root, "film.mp4"), 10, 20)], MODEL)
    (video_id, path), = plan.to_analyse
    library.record([(video_id, Extracted(path, np.zeros((3, 2), np.float32), 0, 30, 90.0, 0),
                     prediction_at(0.5, -0.5, spread=1.0))], [], MODEL)
    return library, video_id


def test_a_persons_stretch_tag_survives_another_client_storing_the_timeline_again(
        library_url: str, tmp_path: Path) -> None:
    library, video_id = _tagged_file(library_url, tmp_path)
    first = _stretches(0.0, 40.0, 90.0)
    assert library.store_timeline(video_id, MODEL, _timeline(), first) is None
    tagged = library.stretches(MODEL)[1]
    library.set_stretch_label(tagged.id, octant="tired")
    other = Library(library_url)  # a second window or person, the same file's timeline
    assert other.store_timeline(video_id, MODEL, _timeline(), first) is None
    after = library.stretches(MODEL)
    assert [(k.id, k.corrected) for k in after] == [(after[0].id, False), (tagged.id, True)]
    assert after[1].stretch.octant == "tired" and len(after) == 2
    other.close()
    library.close()


def test_a_persons_stretch_tag_goes_to_the_new_stretch_that_covers_most_of_it(
        library_url: str, tmp_path: Path) -> None:
    """Stored again with its boundaries moved (another model run): the tag is carried to
    the stretch over the same time, never to two, never lost."""
    library, video_id = _tagged_file(library_url, tmp_path)
    library.store_timeline(video_id, MODEL, _timeline(), _stretches(0.0, 40.0, 90.0))
    library.set_stretch_label(library.stretches(MODEL)[1].id, quadrant="NV-NA")
    library.store_timeline(video_id, MODEL, _timeline(), _stretches(0.0, 20.0, 43.0, 90.0))
    after = library.stretches(MODEL)
    assert [(k.stretch.start, k.corrected) for k in after] == [
        (0.0, False), (20.0, False), (43.0, True)]
    assert after[2].stretch.quadrant == "NV-NA"
    library.close()


# -- 7. a file replaced while its timeline is worked out keeps nothing of the old one ------


def test_a_timeline_of_a_file_replaced_meanwhile_is_not_kept(
        library_url: str, tmp_path: Path, classifier: Classifier) -> None:
    """Read as a long film; replaced by a 1-min song and scanned again before the film's
    timeline is stored: nothing is kept (it is worked out again for the song)."""
    path = mediagen.write_media(tmp_path / "a.mkv", mediagen.music(100.0, seed=4))
    library = Library(library_url)
    root = os.fspath(tmp_path)

    def scanned() -> int:
        stat = path.stat()
        library.plan_scan([root], [FileStat(os.fspath(path), stat.st_size, stat.st_mtime_ns)],
                          MODEL)
        video_id = library.video_id(os.fspath(path))
        assert video_id is not None
        found = extract(os.fspath(path), classifier.front_end)
        assert isinstance(found, Extracted)
        library.record([(video_id, found, classifier.predict([found.features])[0])], [], MODEL)
        return video_id

    video_id = scanned()
    film = embedded(path, classifier)  # the worker read the film
    mediagen.write_media(path, mediagen.music(60.0, seed=5))  # replaced by a song
    assert scanned() == video_id  # and a scan saw the song
    not_kept = library.store_timeline(video_id, MODEL, *read_timeline(film, classifier),
                                      identity=film.identity)
    assert not_kept is not None and not_kept.retry and "changed" in not_kept.reason
    assert library.timeline(video_id, MODEL) is None
    assert [v for v, _ in library.without_timeline(MODEL)] == [video_id]
    song = embedded(path, classifier)
    assert library.store_timeline(video_id, MODEL, *read_timeline(song, classifier),
                                  identity=song.identity) is None
    kept = library.timeline(video_id, MODEL)
    assert kept is not None and kept[0].duration == pytest.approx(60.0, abs=0.1)
    library.close()


def test_a_read_that_ends_early_keeps_no_timeline_and_says_so(
        library_url: str, tmp_path: Path) -> None:
    """The scan knows the file as 90 s long; a read that got 60 s of it (a damaged or
    growing file) is not kept as a shorter timeline without a word."""
    library, video_id = _tagged_file(library_url, tmp_path)
    identity = (10, 20)
    short = library.store_timeline(video_id, MODEL, _timeline(60.0), _stretches(0.0, 60.0),
                                   identity=identity)
    assert short is not None and not short.retry
    assert short.reason.startswith("only 1:00 of its 1:30 could be read")
    assert library.timeline(video_id, MODEL) is None
    assert library.store_timeline(video_id, MODEL, _timeline(88.0), _stretches(0.0, 88.0),
                                  identity=identity) is None  # a little short is fine
    library.close()


# -- 8. playlist stretches and stretch tags of a file that changed -------------------------


def test_a_changed_file_s_playlist_stretches_play_the_file_and_its_lost_tags_are_counted(
        library_url: str, tmp_path: Path) -> None:
    """A 400-s film with stretches, one tagged, two of them in a playlist beside the whole
    file; replaced by a 1-min song: the items play the song as the playlist plays its
    files (never 150-400 s of a 60-s file) and the scan's plan counts what was lost."""
    library, video_id = _tagged_file(library_url, tmp_path)
    library.store_timeline(video_id, MODEL, _timeline(400.0), _stretches(0.0, 150.0, 400.0))
    calm, tense = library.stretches(MODEL)
    library.set_stretch_label(tense.id, octant="tired")
    spans = [(calm.stretch.start, calm.stretch.end), None, (tense.stretch.start,
                                                             tense.stretch.end)]
    playlist = library.create_playlist("mix", "manual", video_ids=[video_id] * 3, spans=spans)
    root = os.fspath(tmp_path)
    song = FileStat(os.path.join(root, "film.mp4"), 11, 21)  # same path, another file
    plan = library.plan_scan([root], [song], MODEL)
    assert library.playlist_items(playlist) == [(video_id, None)] * 3
    assert library.stretches(MODEL) == []
    assert (plan.changed, plan.stretch_items, plan.stretch_tags) == (1, 2, 1)
    (_, path), = plan.to_analyse
    library.record([(video_id, Extracted(path, np.zeros((3, 2), np.float32), 10.0, 40.0,
                                         60.0, 0), prediction_at(0.5, -0.5, spread=1.0))],
                   [], MODEL)
    info = library.playlist(playlist)
    assert info is not None
    entries = [entry for _, entry in playlist_entries(library, MODEL, info)]
    assert [(e.start, e.stop) for e in entries] == [(10.0, 40.0)] * 3  # the song's segment
    library.close()


def test_a_scan_says_what_a_changed_file_took_with_it(
        tmp_path: Path, classifier: Classifier, capsys: pytest.CaptureFixture[str]) -> None:
    from ver_desktop.cli.scan import print_summary

    folder = tmp_path / "videos"
    folder.mkdir()
    film = mediagen.write_media(folder / "film.mkv", mediagen.music(40.0, seed=6))
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    scanner = Scanner(library, classifier, workers=1, factory=run_inline)
    scanner.scan([os.fspath(folder)])
    model = (classifier.info.name, classifier.info.version)
    video_id = library.video_id(os.fspath(film))
    assert video_id is not None
    library.store_timeline(video_id, model, _timeline(40.0), _stretches(0.0, 20.0, 40.0))
    first, second = library.stretches(model)
    for kept in (first, second):
        library.set_stretch_label(kept.id, quadrant="NV-NA")
    library.create_playlist("bits", "manual", video_ids=[video_id],
                            spans=[(second.stretch.start, second.stretch.end)])
    mediagen.write_media(film, mediagen.music(12.0, seed=7))  # replaced by a short song
    summary = scanner.scan([os.fspath(folder)])
    assert (summary.changed, summary.stretch_items, summary.stretch_tags) == (1, 1, 2)
    print_summary(summary, "the library")
    said = capsys.readouterr().out
    assert ("1 playlist item played a stretch of a file that has changed: it plays the "
            "file now") in said
    assert ("2 stretches tagged by a person were in a file that has changed: those tags "
            "are gone with the old content") in said
    from ver_desktop.gui.main_window import scan_summary_text

    assert "1 playlist item played a stretch" in scan_summary_text(summary)  # the window's
    library.close()
