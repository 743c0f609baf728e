"""Open a media file, decode its audio to mono float32 at 44.1 kHz, and pick the segment.

Every failure leaves this module as a `MediaError` with a kind and a plain reason.

Segment choice ("the most representative 30 s"), at bounded cost:
  * files up to `SEGMENT_SECONDS + SHORT_SLACK` seconds are used whole;
  * longer files get `K = clamp(ceil(duration / 30), 3, MAX_PROBES)` candidate 30-s
    windows spread evenly over the file. A short probe (`PROBE_SECONDS`) is decoded at the
    centre of each, by seeking, and described by four cheap statistics (log RMS, spectral
    centroid, spectral flatness, zero-crossing rate). The window whose probe lies closest
    to the median of all probes (distance in units of the probes' spread) is the one most
    like the file as a whole; near-silent probes are only chosen when all are silent.
  * only that window is then decoded, around the probes' audio that falls inside it
    (no audio is decoded twice; each seek decodes `PREROLL_SECONDS` first and drops them,
    so a seam costs at most a codec frame of slightly different samples).
The decoded audio is therefore at most `MAX_PROBES * PROBE_SECONDS + SEGMENT_SECONDS`
seconds (90 s) whatever the file's length; a 2-hour film costs the same as a 5-minute song.

Float mono or stereo audio already at 44.1 kHz (most AAC and MP3) is converted without
FFmpeg's resampler, with its own stereo mix, because its per-frame cost was a third of
the decoding time.
"""

from __future__ import annotations

import math
import os
import stat as statmod
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.error
import numpy as np
from av.audio.plane import AudioPlane

from ver_desktop.core.errors import ErrorKind, MediaError

SAMPLE_RATE = 44_100
SEGMENT_SECONDS = 30.0
SHORT_SLACK = 6.0
MIN_SECONDS = 3.0
PROBE_SECONDS = 3.0
MAX_PROBES = 10
SILENCE_PEAK = 10 ** (-70 / 20)  # -70 dBFS: below this everywhere, nothing is audible
SOUNDING_RMS = 10 ** (-60 / 20)  # a 50-ms frame quieter than this (its DC removed) is mute
MIN_SOUNDING_SHARE = 0.1  # music sounds for more than a tenth of any 3-30 s stretch
UNKNOWN_DURATION_CAP = 600.0  # seconds read linearly when a stream does not say its length
MAX_RESYNCS = 8  # times reading may resume past damage in one window
RESYNC_STEP = 0.5  # seconds skipped to get past damage
# Decoded and dropped before a sought window: AAC, MP3 and Opus decoders need up to a few
# frames of history, so audio read right after a seek starts with a garbled frame.
PREROLL_SECONDS = 0.1

VIDEO_EXTENSIONS = frozenset(
    {".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".m2ts",
     ".mts", ".wmv", ".flv", ".3gp", ".ogv"}
)
AUDIO_EXTENSIONS = frozenset({".mp3", ".flac", ".ogg", ".opus", ".wav", ".m4a", ".aac", ".wma",
                              ".mka"})
MEDIA_EXTENSIONS = VIDEO_EXTENSIONS | AUDIO_EXTENSIONS

# What a person reads for a file that is no media at all (or too damaged to tell): plain
# words about the file, not the name of the tool that tried to read it.
NOT_MEDIA_REASON = "not an audio or video file, or one too damaged to play"

# Leading bytes of containers FFmpeg reads: a file that starts like one but will not open
# is damaged ("corrupt"), anything else is "not media".
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (4, b"ftyp", "MP4/QuickTime"),
    (4, b"moov", "QuickTime"),
    (4, b"mdat", "MP4/QuickTime"),
    (0, b"\x1a\x45\xdf\xa3", "Matroska/WebM"),
    (0, b"RIFF", "AVI/WAV"),
    (0, b"OggS", "Ogg"),
    (0, b"fLaC", "FLAC"),
    (0, b"ID3", "MP3"),
    (0, b"\x00\x00\x01\xba", "MPEG"),
    (0, b"FLV", "FLV"),
    (0, b"\x30\x26\xb2\x75", "ASF/WMV"),
    (0, b"FORM", "AIFF"),
    (0, b"caff", "Core Audio"),
    (0, b"#!AMR", "AMR"),
    (0, b"wvpk", "WavPack"),
    (0, b"MAC ", "Monkey's Audio"),
    (0, b"\x0b\x77", "AC-3"),
)


@dataclass(frozen=True)
class Segment:
    """Decoded mono float32 audio of the analysed window, with where it came from."""

    samples: np.ndarray
    rate: int
    start: float
    end: float
    duration: float
    bad_packets: int = 0
    decoded_seconds: float = 0.0  # all audio decoded to choose and read the segment


def load_segment(path: str | os.PathLike[str]) -> Segment:
    """Decode the representative segment of `path` (see the module docstring)."""
    path = Path(path)
    _check_readable(path)
    container = _open(path)
    with container:
        reader = _Reader(container, _audio_stream(container))
        duration = _duration(container, reader.stream)
        if duration is None:
            samples, start, duration = _segment_of_unknown_length(reader)
        elif duration <= SEGMENT_SECONDS + SHORT_SLACK:
            samples, start = reader.read(0.0, SEGMENT_SECONDS + SHORT_SLACK, seek=False), 0.0
            duration = max(duration, len(samples) / SAMPLE_RATE)
        else:
            start = _choose_start(reader, duration)
            samples = reader.read_kept(start, SEGMENT_SECONDS)
    segment = Segment(samples, SAMPLE_RATE, start, start + len(samples) / SAMPLE_RATE, duration,
                      reader.bad_packets, reader.decoded_samples / SAMPLE_RATE)
    try:
        _check_usable(segment)
    except MediaError as error:
        # FFmpeg's MP3 and raw-AAC probes open almost any bytes: "damaged" with no known
        # signature at the start means it never was media.
        if error.kind == ErrorKind.CORRUPT and _sniff(path) is None:
            raise MediaError(ErrorKind.NOT_MEDIA, NOT_MEDIA_REASON) from None
        raise
    return segment


def stream_audio(path: str | os.PathLike[str], block_samples: int) -> Iterator[np.ndarray]:
    """All of `path`'s audio, mono float32 at `SAMPLE_RATE`, in consecutive blocks of
    exactly `block_samples` (the last may be shorter): a 2-hour film in bounded memory, for
    timelines. Damaged packets are skipped as `load_segment` skips them."""
    path = Path(path)
    _check_readable(path)
    container = _open(path)
    with container:
        pending: list[np.ndarray] = []
        have = 0
        for _when, samples in _resampled_frames(container, _audio_stream(container), [0]):
            pending.append(samples)
            have += len(samples)
            while have >= block_samples:
                joined = np.concatenate(pending)
                yield joined[:block_samples]
                pending, have = [joined[block_samples:]], have - block_samples
        if have:
            yield np.concatenate(pending)


def probe_duration(path: str | os.PathLike[str]) -> float | None:
    """The container's stated duration in seconds, without decoding."""
    path = Path(path)
    _check_readable(path)
    with _open(path) as container:
        return _duration(container, _audio_stream(container))


# -- opening -------------------------------------------------------------------------------


def _check_readable(path: Path) -> None:
    try:
        info = path.stat()
        if statmod.S_ISDIR(info.st_mode):
            raise MediaError(ErrorKind.NOT_MEDIA, "this is a folder, not a file")
        if not statmod.S_ISREG(info.st_mode):  # opening a named pipe would wait forever
            raise MediaError(ErrorKind.NOT_MEDIA, "not a regular file (a named pipe, device "
                             "or socket), so there is nothing to read")
        with open(path, "rb") as handle:
            handle.read(1)
    except FileNotFoundError:
        if path.is_symlink():
            raise MediaError(ErrorKind.MISSING, "a link to a file that does not exist "
                             "(moved or deleted?)") from None
        raise MediaError(ErrorKind.MISSING, "the file does not exist (moved or deleted?)") from None
    except PermissionError:
        raise MediaError(ErrorKind.UNREADABLE,
                         "permission denied: this user may not read the file") from None
    except OSError as exc:
        raise MediaError(ErrorKind.UNREADABLE,
                         f"the file cannot be read ({exc.strerror})") from None


def _open(path: Path) -> av.container.InputContainer:
    if path.stat().st_size == 0:
        raise MediaError(ErrorKind.NOT_MEDIA, "the file is empty (0 bytes)")
    try:
        return av.open(os.fspath(path), mode="r", metadata_errors="ignore")
    except PermissionError:
        raise MediaError(ErrorKind.UNREADABLE, "permission denied: this user may not read the file"
                         ) from None
    except (av.error.FFmpegError, ValueError, OSError, UnicodeDecodeError):
        kind = _sniff(path)
        if kind is None:
            raise MediaError(ErrorKind.NOT_MEDIA, NOT_MEDIA_REASON) from None
        raise MediaError(ErrorKind.CORRUPT,
                         f"looks like a {kind} file but is damaged or incomplete") from None


def _sniff(path: Path) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(16)
    for offset, magic, name in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return name
    if head[:1] == b"\x47" or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "MPEG"
    if head[:2] in (b"\xff\xf1", b"\xff\xf9"):
        return "AAC"
    return None


def _audio_stream(container: av.container.InputContainer) -> av.audio.stream.AudioStream:
    streams = list(container.streams.audio)
    if not streams:
        raise MediaError(ErrorKind.NO_AUDIO, "the file has no audio track")
    # The default track if flagged, else the first one.
    for stream in streams:
        if stream.disposition & av.stream.Disposition.default:
            return stream
    return streams[0]


def _duration(container: av.container.InputContainer,
              stream: av.audio.stream.AudioStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        seconds = float(stream.duration * stream.time_base)
        if seconds > 0:
            return seconds
    if container.duration is not None and container.duration > 0:
        return container.duration / av.time_base
    return None


# -- decoding ------------------------------------------------------------------------------


class _Reader:
    """Reads windows of one open audio stream, counting bad packets and decoded audio."""

    def __init__(self, container: av.container.InputContainer,
                 stream: av.audio.stream.AudioStream) -> None:
        self.container = container
        self.stream = stream
        self.counter = [0]
        self.decoded_samples = 0
        self.kept: list[tuple[float, np.ndarray]] = []  # (start s, samples) read before

    @property
    def bad_packets(self) -> int:
        return self.counter[0]

    def read(self, start: float, seconds: float, *, seek: bool = True) -> np.ndarray:
        """Decode `seconds` of audio from `start`; `seek=False` reads on from where a
        freshly opened container stands (some inputs cannot seek at all).

        When the demuxer loses its way in a damaged file and stops early, reading resumes
        a little past the damage (up to `MAX_RESYNCS` times), so the gap costs only itself.
        """
        if seek:
            _seek(self.container, self.stream, max(0.0, start - PREROLL_SECONDS))
        wanted = round(seconds * SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        position = start
        for attempt in range(MAX_RESYNCS + 1):
            if attempt:
                position += RESYNC_STEP
                if position >= start + seconds or not _seek(self.container, self.stream,
                                                             position):
                    break
            position = self._collect(chunks, position, wanted)
            if sum(len(c) for c in chunks) >= wanted or not self._stopped_early(position):
                break
        data = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
        return np.ascontiguousarray(data[:wanted], dtype=np.float32)

    def read_kept(self, start: float, seconds: float) -> np.ndarray:
        """`read`, but audio kept from earlier reads (the probes) is used where it falls in
        the window and only the gaps between are decoded: no audio is decoded twice."""
        wanted = round(seconds * SAMPLE_RATE)
        out = np.zeros(wanted, np.float32)
        cursor = 0
        for first, samples in self._kept_within(start, wanted):
            if first > cursor and self._fill(out, start, cursor, first) < first:
                return self.read(start, seconds)  # damage between: read it as a whole
            out[first:first + len(samples)] = samples
            cursor = first + len(samples)
        if cursor < wanted:
            cursor = self._fill(out, start, cursor, wanted)  # short only at the end of audio
        return out[:cursor]

    def _kept_within(self, start: float, wanted: int) -> list[tuple[int, np.ndarray]]:
        """Kept audio inside the window, as (first sample in the window, samples), in order
        and not overlapping."""
        pieces = []
        for when, samples in sorted(self.kept, key=lambda piece: piece[0]):
            first = round((when - start) * SAMPLE_RATE)
            cut = max(0, -first)
            pieces.append((first + cut, samples[cut:max(cut, wanted - first)]))
        inside, reached = [], 0
        for first, samples in pieces:
            if first < reached:
                samples, first = samples[reached - first:], reached
            if len(samples):
                inside.append((first, samples))
                reached = first + len(samples)
        return inside

    def _fill(self, out: np.ndarray, start: float, first: int, stop: int) -> int:
        """Decode window samples `first:stop` into `out`; returns the sample reached."""
        samples = self.read(start + first / SAMPLE_RATE, (stop - first) / SAMPLE_RATE)
        out[first:first + len(samples)] = samples
        return first + len(samples)

    def _collect(self, chunks: list[np.ndarray], start: float, wanted: int) -> float:
        """Append decoded audio from `start` until `wanted` samples; returns the time
        reached in the file."""
        have = sum(len(c) for c in chunks)
        to_skip: int | None = None
        position = start
        for when, samples in _resampled_frames(self.container, self.stream, self.counter):
            self.decoded_samples += len(samples)
            if to_skip is None:
                # The seek lands on or before `start`: drop what precedes it.
                to_skip = max(0, round((start - when) * SAMPLE_RATE)) if when is not None else 0
            if when is not None:
                position = when
            position += len(samples) / SAMPLE_RATE
            if to_skip:
                dropped = min(to_skip, len(samples))
                samples = samples[dropped:]
                to_skip -= dropped
            chunks.append(samples)
            have += len(samples)
            if have >= wanted:
                break
        return position

    def _stopped_early(self, position: float) -> bool:
        duration = _duration(self.container, self.stream)
        return duration is not None and position + RESYNC_STEP < duration


def _resampled_frames(container: av.container.InputContainer,
                      stream: av.audio.stream.AudioStream,
                      counter: list[int]) -> Iterator[tuple[float | None, np.ndarray]]:
    """(start time of the source frame, mono float32 samples), packet by packet.

    A packet that fails to decode is counted in `counter[0]` and skipped, so a few bad
    packets cost a few milliseconds of audio, not the file. A demuxer error (a truncated
    file) ends the stream with what was read so far.
    """
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    time_base = float(stream.time_base or 0)
    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except (av.error.FFmpegError, ValueError):
                counter[0] += 1
                continue
            for frame in frames:
                when = None if frame.pts is None or not time_base else frame.pts * time_base
                direct = direct_mono(frame)
                if direct is not None:
                    yield when, direct
                    continue
                for out in _resample(resampler, frame, counter):
                    yield when, out
                    when = None
    except (av.error.FFmpegError, ValueError, OSError):
        counter[0] += 1
    for out in _resample(resampler, None, counter):
        yield None, out


def direct_mono(frame: av.AudioFrame) -> np.ndarray | None:
    """The samples of a float mono or stereo frame already at `SAMPLE_RATE`, as FFmpeg's
    resampler would give them (stereo: (L + R) / sqrt 2), without its per-frame cost;
    None for any other frame."""
    if frame.sample_rate != SAMPLE_RATE or frame.format.name not in ("flt", "fltp"):
        return None
    layout = frame.layout.name
    if layout == "mono":
        return _floats(frame, 0, frame.samples).copy()
    if layout != "stereo":
        return None
    if frame.format.is_planar:
        left = _floats(frame, 0, frame.samples)
        right = _floats(frame, 1, frame.samples)
    else:
        both = _floats(frame, 0, 2 * frame.samples)
        left, right = both[0::2], both[1::2]
    return (left + right) * _STEREO_TO_MONO


def _floats(frame: av.AudioFrame, plane: int, count: int) -> np.ndarray:
    """A view of `count` float32 samples of one plane of a float frame."""
    return np.frombuffer(memoryview(AudioPlane(frame, plane)), np.float32, count=count)


_STEREO_TO_MONO = np.float32(math.sqrt(0.5))  # FFmpeg's own downmix gain for each side


def _resample(resampler: av.AudioResampler, frame: av.AudioFrame | None,
              counter: list[int]) -> list[np.ndarray]:
    if frame is not None and frame.layout.name.endswith(" channels"):
        frame = _downmixed(frame)  # no known speaker order: FFmpeg cannot mix it down
    try:
        return [_floats(f, 0, f.samples).copy()
                for f in resampler.resample(frame)]
    except (av.error.FFmpegError, ValueError):
        # A frame whose layout changed mid-stream; count it and carry on.
        counter[0] += 1
        return []


_FULL_SCALE = {"u8": 128.0, "s16": 32768.0, "s32": 2147483648.0, "s64": 2.0**63}
_DTYPES = {"u8": "u1", "s16": "i2", "s32": "i4", "s64": "i8", "flt": "f4", "dbl": "f8"}


def _downmixed(frame: av.AudioFrame) -> av.AudioFrame:
    """The mean of all channels of a frame whose layout names no speakers (e.g. a
    32-channel WAV), as one mono float frame at the same rate and time."""
    name = frame.format.name.rstrip("p")
    if name not in _DTYPES:
        raise ValueError(f"cannot mix down {frame.format.name} audio")
    channels = len(frame.layout.channels)
    values = np.stack([np.frombuffer(bytes(plane), _DTYPES[name],
                                     count=frame.samples * (1 if frame.format.is_planar
                                                            else channels))
                       for plane in _planes(frame, channels)]).astype(np.float64)
    if not frame.format.is_planar:
        values = values.reshape(-1, channels).T
    if name == "u8":
        values -= 128.0
    mono = (values.mean(axis=0) / _FULL_SCALE.get(name, 1.0)).astype(np.float32)
    out = av.AudioFrame.from_ndarray(mono[None, :], format="flt", layout="mono")
    out.sample_rate = frame.sample_rate
    out.pts, out.time_base = frame.pts, frame.time_base
    return out


def _planes(frame: av.AudioFrame, channels: int) -> list[AudioPlane]:
    """The frame's planes, counted from its layout. `frame.planes` counts them by walking
    FFmpeg's pointer list to a NULL that a frame of more than 8 planar channels does not
    have, and reads past its end (a crash on random bytes that FFmpeg took for AAC)."""
    return [AudioPlane(frame, index) for index in range(channels if frame.format.is_planar
                                                        else 1)]


def _seek(container: av.container.InputContainer, stream: av.audio.stream.AudioStream,
          seconds: float) -> bool:
    """Seek to `seconds`; False for input that cannot seek (reading then goes on from where
    it is, and the window is approximate)."""
    try:
        time_base = stream.time_base or Fraction(1, av.time_base)
        container.seek(int(seconds / time_base), stream=stream, backward=True)
    except (av.error.FFmpegError, ValueError, OSError):
        return False
    return True


def _segment_of_unknown_length(reader: _Reader) -> tuple[np.ndarray, float, float]:
    """No stated length: read linearly (capped) and pick the window in memory."""
    samples = reader.read(0.0, UNKNOWN_DURATION_CAP, seek=False)
    total = len(samples) / SAMPLE_RATE
    if total <= SEGMENT_SECONDS + SHORT_SLACK:
        return samples, 0.0, total
    starts = _candidate_starts(total)
    probes = [_slice(samples, s + SEGMENT_SECONDS / 2 - PROBE_SECONDS / 2, PROBE_SECONDS)
              for s in starts]
    start = starts[_most_representative(probes)]
    return _slice(samples, start, SEGMENT_SECONDS), start, total


def _slice(samples: np.ndarray, start: float, seconds: float) -> np.ndarray:
    first = round(start * SAMPLE_RATE)
    return samples[first : first + round(seconds * SAMPLE_RATE)]


# -- choosing the window -------------------------------------------------------------------


def _candidate_starts(duration: float) -> list[float]:
    count = min(MAX_PROBES, max(3, math.ceil(duration / SEGMENT_SECONDS)))
    last = max(0.0, duration - SEGMENT_SECONDS)
    return [last * i / (count - 1) for i in range(count)]


def _choose_start(reader: _Reader, duration: float) -> float:
    starts = _candidate_starts(duration)
    probes = []
    for window in starts:
        probe_start = window + SEGMENT_SECONDS / 2 - PROBE_SECONDS / 2
        probes.append(reader.read(probe_start, PROBE_SECONDS))
        reader.kept.append((probe_start, probes[-1]))
    return starts[_most_representative(probes)]


def _most_representative(probes: list[np.ndarray]) -> int:
    """Index of the probe nearest the median of all probes' statistics."""
    stats = np.array([_describe(p) for p in probes], dtype=np.float64)
    audible = np.array([len(p) > 0 and float(np.max(np.abs(p))) > SILENCE_PEAK for p in probes])
    median = np.median(stats[audible] if audible.any() else stats, axis=0)
    # Floors keep near-identical probes (a steady tone) from amplifying noise.
    spread = np.maximum(stats.std(axis=0), _STAT_FLOORS)
    distance = np.sqrt((((stats - median) / spread) ** 2).sum(axis=1))
    if audible.any():
        distance[~audible] = np.inf
    # Near-ties go to the window nearest the middle of the file.
    offcentre = np.abs(np.arange(len(probes)) - (len(probes) - 1) / 2) / len(probes)
    return int(np.argmin(distance + 1e-3 * offcentre))


_STAT_FLOORS = np.array([0.1, 0.01, 0.1, 0.005])


def _describe(samples: np.ndarray) -> tuple[float, float, float, float]:
    """Log RMS, spectral centroid (normalised), log flatness and zero-crossing rate."""
    if len(samples) < 2048:
        return (-20.0, 0.0, 0.0, 0.0)
    usable = samples[: len(samples) // 2048 * 2048].reshape(-1, 2048)
    mag = np.abs(np.fft.rfft(usable * np.hanning(2048).astype(np.float32), axis=1)).mean(axis=0)
    mag = mag.astype(np.float64) + 1e-12
    bins = np.arange(len(mag)) / len(mag)
    centroid = float((mag * bins).sum() / mag.sum())
    flatness = float(np.mean(np.log(mag)) - np.log(np.mean(mag)))
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)) + 1e-9)
    zcr = float(np.mean(np.signbit(samples[1:]) != np.signbit(samples[:-1])))
    return (math.log(rms), centroid, flatness, zcr)


def _sounding_share(samples: np.ndarray) -> float:
    """The share of 50-ms frames whose level, around their own mean, is above -60 dBFS: a
    constant offset, a single click or faint hiss has almost none."""
    size = SAMPLE_RATE // 20
    count = len(samples) // size
    if count == 0:
        return 0.0
    frames = samples[:count * size].reshape(count, size)
    return float(np.mean(frames.std(axis=1) > SOUNDING_RMS))


def _check_usable(segment: Segment) -> None:
    seconds = len(segment.samples) / segment.rate
    if seconds == 0:
        raise MediaError(ErrorKind.CORRUPT, "no audio could be decoded from the file")
    if seconds < MIN_SECONDS and segment.duration > 2 * seconds + 1:
        raise MediaError(ErrorKind.CORRUPT, f"damaged or incomplete: only {seconds:.1f} s of "
                         f"its {segment.duration:.0f} s of audio could be decoded")
    if seconds < MIN_SECONDS:
        raise MediaError(ErrorKind.TOO_SHORT,
                         f"only {seconds:.1f} s of audio; at least {MIN_SECONDS:.0f} s are needed")
    if float(np.max(np.abs(segment.samples))) <= SILENCE_PEAK:
        raise MediaError(ErrorKind.SILENT, "the audio track is silent")
    if not np.isfinite(segment.samples).all():
        raise MediaError(ErrorKind.CORRUPT, "the decoded audio contains invalid values")
    if _sounding_share(segment.samples) < MIN_SOUNDING_SHARE:
        raise MediaError(ErrorKind.SILENT, "almost no sound: less than a tenth of the audio "
                         "rises above -60 dB (a constant level, a click, or faint noise)")
