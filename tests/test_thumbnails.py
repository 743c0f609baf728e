"""Thumbnails: one frame near the analysed segment, a fixed width, cached by path, size and
modification time; no picture (and no exception) for audio and broken files."""

from __future__ import annotations

import os
from pathlib import Path

import av
import mediagen
import numpy as np

from ver_desktop.core.thumbnails import WIDTH, thumbnail, thumbnail_time


def picture(path: Path) -> np.ndarray:
    with av.open(os.fspath(path)) as container:
        return next(container.decode(video=0)).to_ndarray(format="rgb24")


def test_a_video_gives_a_png_of_the_fixed_width(media_files: dict[str, Path],
                                                tmp_path: Path) -> None:
    for name in ("music.mp4", "music.mkv", "music.webm", "music.avi", "non_utf8"):
        found = thumbnail(media_files[name], cache=tmp_path, at=3.0)
        assert found is not None and found.parent == tmp_path, name
        height, width, _ = picture(found).shape
        assert width == WIDTH and height == 120, name  # 64x48 source: the aspect is kept


def test_the_frame_comes_from_the_requested_time(media_files: dict[str, Path],
                                                 tmp_path: Path) -> None:
    # mediagen paints frame i in grey level (7 * i) % 255 at 25 frames/s
    found = thumbnail(media_files["music.mp4"], cache=tmp_path, at=4.0)
    assert found is not None
    assert abs(float(picture(found).mean()) - (7 * 100) % 255) < 8


def test_the_cache_is_keyed_by_path_size_and_mtime(tmp_path: Path) -> None:
    clip = mediagen.write_media(tmp_path / "clip.mp4", mediagen.music(6.0))
    first = thumbnail(clip, cache=tmp_path / "cache", at=1.0)
    assert first is not None
    stamp = first.stat().st_mtime_ns
    assert thumbnail(clip, cache=tmp_path / "cache", at=1.0) == first
    assert first.stat().st_mtime_ns == stamp  # read from the cache, not written again
    os.utime(clip, ns=(clip.stat().st_atime_ns, clip.stat().st_mtime_ns + 10**9))
    assert thumbnail(clip, cache=tmp_path / "cache", at=1.0) not in (None, first)


def test_audio_only_and_broken_files_give_none(media_files: dict[str, Path],
                                               tmp_path: Path) -> None:
    for name in ("short.flac", "too_short.wav", "empty.mp4", "random.mkv", "text.mp4"):
        assert thumbnail(media_files[name], cache=tmp_path, at=1.0) is None, name
    thumbnail(media_files["truncated.mp4"], cache=tmp_path / "cut", at=30.0)  # no exception
    assert thumbnail(tmp_path / "gone.mp4", cache=tmp_path, at=1.0) is None
    assert not list(tmp_path.glob("*.png"))


def test_the_time_is_inside_the_segment() -> None:
    assert thumbnail_time((30.0, 60.0), 200.0) == 31.0
    assert thumbnail_time((0.0, 5.0), 5.0) == 0.5
    assert thumbnail_time(None, 100.0) == 10.0
    assert thumbnail_time(None, None) == 0.0
