"""One still frame per video, for the desktop app's lists: decoded near the analysed
segment's start, scaled to a fixed width and kept as a PNG in the data dir's cache, named
by the file's path, size and modification time (a changed file gets a new picture).

Never raises: a file without a video track (audio, or a broken file) gives None, and the
app shows a placeholder instead."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

import av

log = logging.getLogger(__name__)

WIDTH = 160
MAX_FRAMES = 250  # decoded after a seek before giving up on reaching the wanted time
NO_VIDEO = b"no video\n"  # the content of a marker: this file has no picture to show


def cache_folder(data_dir: Path) -> Path:
    return data_dir / "cache" / "thumbnails"


def thumbnail_time(segment: tuple[float, float] | None, duration: float | None) -> float:
    """Where to take the picture: a second into the analysed segment (its very first frame
    is often a fade from black), else a tenth into the file."""
    if segment is not None:
        start, end = segment
        return start + min(1.0, max(0.0, end - start) / 10)
    return 0.1 * duration if duration else 0.0


def thumbnail(path: str | os.PathLike[str], *, cache: Path, at: float = 0.0,
              width: int = WIDTH) -> Path | None:
    """The PNG of the first frame at or after `at` seconds, `width` pixels wide (aspect
    kept); generated once, then read from `cache`. None when there is no picture."""
    try:
        stat = os.stat(path)
        target = cache / f"{_key(path, stat, at, width)}.png"
        marker = target.with_suffix(".none")
        if target.is_file():
            return target
        if marker.is_file():
            return None
        cache.mkdir(parents=True, exist_ok=True)
        if not _write(path, target, at, width):
            marker.write_bytes(NO_VIDEO)
            return None
        return target
    except Exception as exc:  # damaged files raise all sorts of errors; none may escape
        log.debug("no thumbnail for %r: %s", path, exc)
        return None


def _key(path: str | os.PathLike[str], stat: os.stat_result, at: float, width: int) -> str:
    digest = hashlib.sha1(os.fsencode(path), usedforsecurity=False)
    digest.update(f"|{stat.st_size}|{stat.st_mtime_ns}|{at:.1f}|{width}".encode())
    return digest.hexdigest()


def _write(path: str | os.PathLike[str], target: Path, at: float, width: int) -> bool:
    """Decode and save the frame; False when the file has no video track."""
    with av.open(os.fspath(path)) as container:
        if not container.streams.video:
            return False
        stream = container.streams.video[0]
        frame = _frame_at(container, stream, at)
        if frame is None:
            return False
        height = _scaled_height(frame, stream, width)
        picture = frame.reformat(width=width, height=height, format="rgb24")
    _save_png(picture, target)
    return True


def _frame_at(container: av.container.InputContainer, stream: av.video.stream.VideoStream,
              at: float) -> av.VideoFrame | None:
    """The first frame at or after `at` (the last one decoded if the file ends first)."""
    if at > 0 and stream.time_base is not None:
        try:
            container.seek(int(at / stream.time_base), stream=stream, backward=True)
        except av.FFmpegError:
            container.seek(0)
    found: av.VideoFrame | None = None
    for count, frame in enumerate(container.decode(stream)):
        found = frame
        if frame.time is None or frame.time >= at - 1e-3 or count >= MAX_FRAMES:
            break
    return found


def _scaled_height(frame: av.VideoFrame, stream: av.video.stream.VideoStream,
                   width: int) -> int:
    """Keep the displayed aspect: pixel aspect ratio included; an even number of rows."""
    aspect = stream.sample_aspect_ratio
    shown_width = frame.width * (float(aspect) if aspect else 1.0)
    height = round(width * frame.height / max(shown_width, 1.0))
    return max(2, height + height % 2)


def _save_png(frame: av.VideoFrame, target: Path) -> None:
    """Encode with FFmpeg's PNG encoder (no image library needed); written beside the
    target and renamed, so a reader never sees half a file."""
    codec = av.CodecContext.create("png", "w")
    codec.width, codec.height, codec.pix_fmt = frame.width, frame.height, "rgb24"
    data = b"".join(bytes(p) for p in [*codec.encode(frame), *codec.encode(None)])
    partial = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}.part")
    partial.write_bytes(data)
    os.replace(partial, target)
