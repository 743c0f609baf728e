"""Generate real media files with PyAV for tests and benchmarks: music-like audio in real
containers, plus the broken files a scan must survive."""

from __future__ import annotations

import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

Picture = Callable[[int], np.ndarray]  # frame index -> height x width x 3 uint8

# container suffix -> (video codec or None, audio codec, audio rate)
FORMATS: dict[str, tuple[str | None, str, int]] = {
    ".mp4": ("libx264", "aac", 44_100),
    ".mkv": ("libx264", "libmp3lame", 44_100),
    ".webm": ("libvpx-vp9", "libopus", 48_000),
    ".avi": ("mpeg4", "libmp3lame", 44_100),
    ".mov": ("libx264", "aac", 48_000),
    ".m4v": ("libx264", "aac", 44_100),
    ".ts": ("mpeg2video", "mp2", 48_000),
    ".mpg": ("mpeg1video", "mp2", 44_100),
    ".flv": ("flv", "libmp3lame", 44_100),
    ".wmv": ("wmv2", "wmav2", 44_100),
    ".ogg": (None, "libopus", 48_000),
    ".mp3": (None, "libmp3lame", 44_100),
    ".flac": (None, "flac", 44_100),
    ".opus": (None, "libopus", 48_000),
    ".wav": (None, "pcm_s16le", 44_100),
    ".m4a": (None, "aac", 44_100),
}


def music(seconds: float, rate: int = 44_100, *, seed: int = 0, tempo: float = 110.0,
          bright: float = 1.0) -> np.ndarray:
    """A chord progression with harmonics, an amplitude envelope and noisy percussion."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    out = np.zeros(n, np.float64)
    beat = 60.0 / tempo
    roots = 110.0 * 2 ** (rng.integers(0, 12, size=8) / 12)
    bar = 4 * beat
    for i, start in enumerate(np.arange(0, seconds, bar)):
        mask = (t >= start) & (t < start + bar)
        root = roots[i % len(roots)]
        for ratio in (1.0, 1.26, 1.5):
            for h in range(1, 6):
                out[mask] += (bright**h / h) * np.sin(2 * np.pi * root * ratio * h * t[mask])
    envelope = 0.6 + 0.4 * np.cos(2 * np.pi * t / beat) ** 2
    out *= envelope
    hits = (np.mod(t, beat) < 0.05) * rng.standard_normal(n) * 2.0
    out += hits
    return (0.25 * out / (np.max(np.abs(out)) + 1e-9)).astype(np.float32)


def pad(seconds: float, rate: int = 44_100) -> np.ndarray:
    """A soft, slowly swelling major chord: the bundled model hears it calm and pleasant."""
    t = np.arange(int(seconds * rate)) / rate
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6))
    return (0.2 * chord * (0.5 + 0.5 * np.sin(2 * np.pi * 0.1 * t))).astype(np.float32)


def drums(seconds: float, rate: int = 44_100, *, tempo: float = 180.0,
          seed: int = 0) -> np.ndarray:
    """Loud, fast noise hits: the bundled model hears them energetic and tense."""
    t = np.arange(int(seconds * rate)) / rate
    hits = np.exp(-np.mod(t, 60.0 / tempo) * 30)
    return (0.8 * hits * np.random.default_rng(seed).standard_normal(len(t))).astype(
        np.float32)


def noise(seconds: float, rate: int = 44_100, *, seed: int = 0) -> np.ndarray:
    return (0.2 * np.random.default_rng(seed).standard_normal(int(seconds * rate))).astype(
        np.float32
    )


def silence(seconds: float, rate: int = 44_100) -> np.ndarray:
    return np.zeros(int(seconds * rate), np.float32)


def write_media(path: str | os.PathLike[str], samples: np.ndarray | None, *,
                rate: int = 44_100, video: bool = True, fmt: str | None = None,
                picture: Picture | None = None) -> Path:
    """Write `samples` (mono float32 at `rate`) into `path`'s container, with a tiny video
    track when the format has one. `samples=None` writes a video with no audio track.
    `picture(i)` gives frame i as height x width x 3 uint8 (default: 64x48 grey levels
    (7 * i) % 255)."""
    path = Path(path)
    suffix = fmt or path.suffix.lower()
    vcodec, acodec, arate = FORMATS[suffix]
    options = {"movflags": "faststart"} if suffix in (".mp4", ".mov", ".m4a", ".m4v") else {}
    seconds = len(samples) / rate if samples is not None else 4.0
    fmt_name = {".mkv": "matroska", ".opus": "ogg", ".m4a": "ipod", ".m4v": "mp4",
                ".ts": "mpegts", ".mpg": "mpeg", ".wmv": "asf"}.get(suffix, suffix.lstrip("."))
    with av.open(os.fspath(path), mode="w", format=fmt_name, options=options) as out:
        picture = picture or _grey
        vstream = _video_stream(out, vcodec, picture(0).shape) if video and vcodec else None
        astream = out.add_stream(acodec, rate=arate, layout="mono") if samples is not None \
            else None
        if astream is not None:
            astream.bit_rate = 96_000  # some encoders (wmav2) refuse to open without one
        if astream is not None and samples is not None:
            _encode_audio(out, astream, _resample(samples, rate, arate), arate)
        if vstream is not None:
            _encode_video(out, vstream, seconds, picture)
    return path


FPS = 25  # MPEG-1/2 accept only standard frame rates


def _grey(i: int) -> np.ndarray:
    return np.full((48, 64, 3), (i * 7) % 255, np.uint8)


def _video_stream(out: av.container.OutputContainer, codec: str,
                  shape: tuple[int, ...]) -> av.video.stream.VideoStream:
    stream = out.add_stream(codec, rate=FPS)
    stream.height, stream.width = shape[:2]
    stream.pix_fmt = "yuv420p"
    return stream


def _encode_video(out: av.container.OutputContainer, stream: av.video.stream.VideoStream,
                  seconds: float, picture: Picture) -> None:
    for i in range(max(1, int(seconds * FPS))):
        frame = av.VideoFrame.from_ndarray(picture(i), format="rgb24")
        frame.pts = i
        frame.time_base = Fraction(1, FPS)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def _encode_audio(out: av.container.OutputContainer, stream: av.audio.stream.AudioStream,
                  samples: np.ndarray, rate: int) -> None:
    block = 4096
    for start in range(0, len(samples), block):
        chunk = samples[start : start + block].reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="flt",
                                           layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def _resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return samples.astype(np.float32)
    n = int(len(samples) * target / rate)
    return np.interp(np.arange(n) * rate / target, np.arange(len(samples)), samples).astype(
        np.float32
    )


def write_long_tone_mp4(path: str | os.PathLike[str], seconds: float) -> Path:
    """A long AAC-in-MP4 file made cheaply: encode one second of a tone, then mux the same
    packets again and again with advancing timestamps (a 2-hour file in a few seconds)."""
    path = Path(path)
    rate = 44_100
    tone = (0.2 * np.sin(2 * np.pi * 441.0 * np.arange(rate) / rate)).astype(np.float32)
    with av.open(os.fspath(path), mode="w", format="mp4",
                 options={"movflags": "faststart"}) as out:
        stream = out.add_stream("aac", rate=rate, layout="mono")
        packets = _encoded_packets(stream, tone, rate)
        period = sum(p.duration or 1024 for p in packets)
        repeats = int(seconds * rate / period)
        for r in range(repeats):
            offset = r * period
            for p in packets:
                clone = av.Packet(bytes(p))
                clone.pts = p.pts + offset
                clone.dts = p.dts + offset
                clone.duration = p.duration
                clone.time_base = p.time_base
                clone.stream = stream
                out.mux(clone)
    return path


def _encoded_packets(stream: av.audio.stream.AudioStream, tone: np.ndarray,
                     rate: int) -> list[av.Packet]:
    frame = av.AudioFrame.from_ndarray(tone.reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate, frame.pts, frame.time_base = rate, 0, Fraction(1, rate)
    packets = list(stream.encode(frame)) + list(stream.encode(None))
    return [p for p in packets if p.pts is not None and p.pts >= 0]


def write_truncated(source: Path, target: Path, keep: float = 0.4) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target
