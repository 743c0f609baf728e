"""The timeline use case (core/usecases/timelines.py) on real libraries and generated media:
what it keeps, what it refuses, and what its Changes say."""

from __future__ import annotations

import os
from pathlib import Path

import mediagen
import numpy as np
import pytest

from ver_desktop.core.bundle import Classifier, load_classifier
from ver_desktop.core.changes import NOTHING, Changes
from ver_desktop.core.extract import Failed
from ver_desktop.core.library import FileStat, Library
from ver_desktop.core.library.timelines import CHANGED
from ver_desktop.core.paths import bundled_model_dir
from ver_desktop.core.timeline import Embedded, embed_whole
from ver_desktop.core.usecases.timelines import (
    FileTimeline,
    Worked,
    keep,
    model_of,
    timeline_of,
    work_out,
)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return load_classifier(bundled_model_dir(), threads=1)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 s of a soft pad, then 40 s of loud hits: two stretches."""
    film = np.concatenate([mediagen.pad(40), mediagen.drums(40)])
    return mediagen.write_media(tmp_path_factory.mktemp("clips") / "clip.mkv", film)


@pytest.fixture(scope="module")
def worked(clip: Path, classifier: Classifier) -> Worked:
    read = embed_whole(os.fspath(clip), classifier.front_end)
    assert isinstance(read, Embedded), read
    found = work_out(read, classifier)
    assert isinstance(found, Worked), found
    return found


def scanned(library: Library, path: Path, *, size: int | None = None) -> int:
    """The file in the library as a scan records it (`size`: as another file)."""
    stat = path.stat()
    library.plan_scan([os.fspath(path.parent)], [FileStat(
        os.fspath(path), stat.st_size if size is None else size, stat.st_mtime_ns)],
        ("some-model", "1"))
    video_id = library.video_id(os.fspath(path))
    assert video_id is not None
    return video_id


def test_keep_stores_the_timeline_and_names_the_file(
        library_url: str, clip: Path, worked: Worked, classifier: Classifier) -> None:
    library = Library(library_url)
    video_id = scanned(library, clip)
    model = model_of(classifier)
    done = keep(library, model, video_id, worked)
    assert done.value is None
    assert done.changes == Changes(timelines=True, video_ids=frozenset({video_id}))
    stored = library.timeline(video_id, model)
    assert stored is not None
    assert [k.stretch.quadrant for k in stored[1]] == [x.quadrant for x in worked.stretches]
    assert [v for v, _ in library.without_timeline(model)] == []
    library.close()


def test_keep_refuses_a_file_the_library_knows_as_another(
        library_url: str, clip: Path, worked: Worked, classifier: Classifier) -> None:
    library = Library(library_url)
    video_id = scanned(library, clip, size=1)  # the library's record is not what was read
    done = keep(library, model_of(classifier), video_id, worked)
    assert done.value == CHANGED and done.value.retry
    assert done.changes == NOTHING
    assert library.timeline(video_id, model_of(classifier)) is None
    library.close()


def test_keep_refuses_a_file_that_changed_after_it_was_read(
        tmp_path: Path, clip: Path, worked: Worked, classifier: Classifier) -> None:
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    copy = tmp_path / "copy.mkv"
    copy.write_bytes(clip.read_bytes())
    video_id = scanned(library, copy)
    read = Worked(Embedded(os.fspath(copy), worked.embedded.patches,
                           worked.embedded.patch_seconds, worked.embedded.duration,
                           identity=(copy.stat().st_size, copy.stat().st_mtime_ns)),
                  worked.timeline, worked.stretches)
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # edited since
    done = keep(library, model_of(classifier), video_id, read)
    assert done.value == CHANGED and done.changes == NOTHING
    assert library.timeline(video_id, model_of(classifier)) is None


def test_work_out_passes_a_failure_on_and_fails_what_cannot_be_read(
        media_files: dict[str, Path], classifier: Classifier) -> None:
    failed = Failed("x.mp4", "corrupt", "damaged")  # type: ignore[arg-type]
    assert work_out(failed, classifier) is failed
    short = embed_whole(os.fspath(media_files["too_short.wav"]), classifier.front_end)
    assert isinstance(work_out(short, classifier), Failed)


def test_timeline_of_a_file_in_the_library_works_it_out_once_and_keeps_it(
        tmp_path: Path, clip: Path, worked: Worked, classifier: Classifier) -> None:
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    video_id = scanned(library, clip)
    first = timeline_of(library, classifier, os.fspath(clip))
    assert isinstance(first.value, FileTimeline)
    assert [x.quadrant for x in first.value.stretches] == [x.quadrant for x in worked.stretches]
    assert first.changes == Changes(timelines=True, video_ids=frozenset({video_id}))
    model = model_of(classifier)
    library.set_stretch_label(library.stretches(model)[0].id, octant="tired")
    again = timeline_of(library, classifier, os.fspath(clip))  # the stored one, as people see it
    assert again.changes == NOTHING
    assert isinstance(again.value, FileTimeline)
    assert again.value.stretches[0].octant == "tired"
    assert len(again.value.timeline) == len(first.value.timeline)


def test_timeline_of_a_file_outside_the_library_keeps_nothing(
        tmp_path: Path, clip: Path, classifier: Classifier) -> None:
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    done = timeline_of(library, classifier, os.fspath(clip))
    assert isinstance(done.value, FileTimeline) and done.value.stretches
    assert done.changes == NOTHING
    assert library.video_id(os.fspath(clip)) is None
    assert library.stretches(model_of(classifier)) == []


def test_timeline_of_a_file_without_enough_sound_is_its_reason(
        tmp_path: Path, media_files: dict[str, Path], classifier: Classifier) -> None:
    library = Library(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    video_id = scanned(library, media_files["too_short.wav"])
    done = timeline_of(library, classifier, os.fspath(media_files["too_short.wav"]))
    assert isinstance(done.value, str) and "too short" in done.value
    assert done.changes == NOTHING
    assert library.timeline(video_id, model_of(classifier)) is None
