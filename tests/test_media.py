"""Decoding real containers, choosing the segment, and every way a file can be bad."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import av
import mediagen
import numpy as np
import pytest
from conftest import EXPECTED

from ver_desktop.core import media
from ver_desktop.core.errors import ErrorKind, MediaError


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_ends_in_its_stated_state(media_files: dict[str, Path], name: str) -> None:
    try:
        segment = media.load_segment(media_files[name])
        state = "ok"
    except MediaError as exc:
        state = exc.kind.value
        assert exc.reason and "Traceback" not in exc.reason
    assert state == EXPECTED[name]
    if state == "ok":
        assert segment.samples.dtype == np.float32 and segment.samples.ndim == 1
        assert segment.rate == 44_100


@pytest.mark.parametrize("suffix", [".mp3", ".flac", ".opus", ".ogg", ".wav", ".m4a", ".mov",
                                    ".m4v", ".ts", ".mpg", ".flv", ".wmv"])
def test_audio_files_and_more_containers_decode(tmp_path: Path, suffix: str) -> None:
    path = mediagen.write_media(tmp_path / f"clip{suffix}", mediagen.music(8.0, seed=3))
    segment = media.load_segment(path)
    assert abs((segment.end - segment.start) - 8.0) < 0.2
    assert float(np.abs(segment.samples).max()) > 0.05


def test_longer_file_gives_a_30_second_window_inside_it(media_files: dict[str, Path]) -> None:
    segment = media.load_segment(media_files["music.mp4"])
    assert len(segment.samples) == 30 * 44_100
    assert segment.start >= 0.0 and segment.end <= segment.duration + 0.1
    assert segment.duration == pytest.approx(40.0, abs=0.2)


def test_short_file_uses_all_its_audio(media_files: dict[str, Path]) -> None:
    segment = media.load_segment(media_files["short.flac"])
    assert segment.start == 0.0
    assert segment.end == pytest.approx(12.0, abs=0.1)


def test_two_hour_file_decodes_a_bounded_amount(long_file: Path) -> None:
    segment = media.load_segment(long_file)
    assert segment.duration == pytest.approx(7200.0, abs=1.0)
    assert segment.end - segment.start == pytest.approx(30.0, abs=0.01)
    # The choice decodes probes plus one window, never the file.
    bound = media.MAX_PROBES * media.PROBE_SECONDS + media.SEGMENT_SECONDS + 5
    assert segment.decoded_seconds <= bound


def test_silent_stretch_is_not_chosen_as_representative(tmp_path: Path) -> None:
    audio = np.concatenate([mediagen.silence(45.0), mediagen.music(75.0, seed=5)])
    path = mediagen.write_media(tmp_path / "late_start.mkv", audio)
    segment = media.load_segment(path)
    window = segment.samples
    quiet = np.mean(np.abs(window) < 1e-4)
    assert segment.start >= 15.0
    assert quiet < 0.5


@pytest.mark.parametrize("start", [0.0, 23.4, 61.0])
def test_seeked_window_matches_the_source_audio(tmp_path: Path, start: float) -> None:
    """The samples read for [start, start + 5 s) are the file's samples at that time."""
    rng = np.random.default_rng(0)
    audio = np.clip(0.1 * rng.standard_normal(44_100 * 70), -0.9, 0.9).astype(np.float32)
    path = mediagen.write_media(tmp_path / "noise.wav", audio)
    with av.open(os.fspath(path)) as container:
        reader = media._Reader(container, container.streams.audio[0])
        window = reader.read(start, 5.0)
    first = round(start * 44_100)
    assert len(window) == 5 * 44_100
    assert np.abs(window - audio[first : first + len(window)]).max() < 1e-3


@pytest.mark.parametrize("suffix", [".wav", ".mp4", ".mkv"])
def test_window_reuses_the_probes_and_matches_a_straight_decode(tmp_path: Path,
                                                                suffix: str) -> None:
    """The chosen window is built from the probes' audio plus the gaps between them: the
    same audio as decoding the window straight through (lossy codecs differ by at most a
    codec frame at a seam), and less audio decoded than probes plus window."""
    path = mediagen.write_media(tmp_path / f"minute{suffix}", mediagen.music(60.0, seed=4))
    segment = media.load_segment(path)
    with av.open(os.fspath(path)) as container:
        straight = media._Reader(container, container.streams.audio[0]).read(0.0, 60.0,
                                                                            seek=False)
    # mkv stamps packets in whole milliseconds and MP3 frames after a seek may sit a few
    # samples off, so each quarter second is compared at its best small shift.
    mismatched = [_mismatch_at_best_shift(segment.samples, straight, segment.start, quarter)
                  for quarter in range(4 * int(len(segment.samples) / 44_100))]
    assert len(segment.samples) >= 30 * 44_100 - 64
    # Seams (a codec frame each) and the window's first frame, no more.
    assert float(np.mean(mismatched)) <= 0.02
    probes = 3 * media.PROBE_SECONDS
    assert segment.decoded_seconds < media.SEGMENT_SECONDS + probes - 2.0


def _mismatch_at_best_shift(window: np.ndarray, source: np.ndarray, start: float,
                            quarter: int) -> float:
    """The share of samples in quarter second `quarter` of `window` that differ from
    `source` by more than 1e-3, at the best shift of up to 256 samples."""
    size = 44_100 // 4
    ours = window[quarter * size : (quarter + 1) * size]
    first = round(start * 44_100) + quarter * size
    return min(float(np.mean(np.abs(ours - source[first + shift : first + shift + len(ours)])
                             > 1e-3))
               for shift in range(-256, 257)
               if first + shift >= 0 and first + shift + len(ours) <= len(source))


def test_stereo_float_audio_is_mixed_as_ffmpeg_mixes_it(tmp_path: Path) -> None:
    """Float audio at 44.1 kHz skips the resampler; the result must not change."""
    t = np.arange(44_100 * 4) / 44_100
    stereo = np.stack([np.sin(2 * np.pi * 440 * t), 0.3 * np.sin(2 * np.pi * 700 * t)])
    path = tmp_path / "stereo.m4a"
    with av.open(os.fspath(path), "w") as container:
        stream = container.add_stream("aac", rate=44_100, layout="stereo")
        for begin in range(0, stereo.shape[1], 1024):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(stereo[:, begin : begin + 1024], np.float32),
                format="fltp", layout="stereo")
            frame.sample_rate = 44_100
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    ours = media.load_segment(path).samples
    resampler = av.AudioResampler(format="flt", layout="mono", rate=44_100)
    with av.open(os.fspath(path)) as container:
        theirs = np.concatenate([out.to_ndarray().reshape(-1)
                                 for frame in container.decode(audio=0)
                                 for out in resampler.resample(frame)])
    assert len(ours) == len(theirs)
    assert np.abs(ours - theirs).max() < 1e-6


def test_damaged_packets_cost_only_themselves(tmp_path: Path) -> None:
    source = mediagen.write_media(tmp_path / "good.mkv", mediagen.music(30.0, seed=2))
    data = bytearray(source.read_bytes())
    rng = np.random.default_rng(3)
    for offset in rng.integers(len(data) // 4, len(data) * 3 // 4, size=10):
        data[offset : offset + 64] = rng.bytes(64)
    damaged = tmp_path / "damaged.mkv"
    damaged.write_bytes(bytes(data))
    segment = media.load_segment(damaged)
    assert segment.end - segment.start > 15.0


def test_missing_file() -> None:
    with pytest.raises(MediaError) as info:
        media.load_segment("/nonexistent/folder/video.mp4")
    assert info.value.kind is ErrorKind.MISSING


def test_folder_is_not_media(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as info:
        media.load_segment(tmp_path)
    assert info.value.kind is ErrorKind.NOT_MEDIA


def test_unreadable_file_is_reported_as_such(tmp_path_factory: pytest.TempPathFactory,
                                             media_files: dict[str, Path]) -> None:
    """Root reads anything, so as root the read happens in a child that became `nobody`."""
    folder = tmp_path_factory.mktemp("locked")
    locked = folder / "locked.mp4"
    locked.write_bytes(media_files["music.mp4"].read_bytes())
    os.chmod(locked, 0)
    if os.geteuid() != 0:
        with pytest.raises(MediaError) as info:
            media.load_segment(locked)
        assert info.value.kind is ErrorKind.UNREADABLE
        return
    for parent in [folder, *folder.parents][:-1]:  # let nobody reach the file itself
        os.chmod(parent, parent.stat().st_mode | 0o011)
    assert _kind_seen_by_nobody(locked) == ErrorKind.UNREADABLE.value


def _kind_seen_by_nobody(path: Path) -> str:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop privileges for good, try the file, report the error kind
        result = b"ok"
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            media.load_segment(path)
        except MediaError as exc:
            result = exc.kind.value.encode()
        except BaseException as exc:
            result = repr(exc).encode()
        finally:
            os.write(write_end, result)
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as pipe:
        return pipe.read().decode()


def test_a_wav_with_32_unnamed_channels_is_mixed_down_not_called_corrupt(
        tmp_path: Path) -> None:
    """Issue 11, item 14: FFmpeg names no speakers for 32 channels and would not mix them."""
    import wave

    import numpy as np

    from ver_desktop.core.media import load_segment

    rate, seconds = 44_100, 5
    tone = 0.25 * np.sin(2 * np.pi * 440 * np.arange(rate * seconds) / rate)
    frames = (np.repeat(tone[:, None], 32, axis=1) * 32767).astype("<i2")
    path = tmp_path / "32ch.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(32)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames.tobytes())
    segment = load_segment(path)
    assert segment.end - segment.start == pytest.approx(seconds, abs=0.05)
    rms = float(np.sqrt(np.mean(segment.samples**2)))
    assert rms == pytest.approx(0.25 / np.sqrt(2), rel=0.02)  # the tone, mixed down whole


def test_random_bytes_are_not_media_whatever_their_name(tmp_path: Path) -> None:
    """Issue 11, item 14: FFmpeg's MP3 and raw-AAC probes accept almost any bytes, so random
    data named .mp3 opened, decoded nothing or noise and was called damaged; one such file
    (seed 4 as .aac: 'AAC' with dozens of planar channels) crashed the decoder's process.
    Decoded in a child process, so that a crash fails this test instead of the run."""
    names = []
    for seed in range(6):
        for suffix in (".mp3", ".aac", ".wav", ".mp4"):
            path = tmp_path / f"random{seed}{suffix}"
            path.write_bytes(np.random.default_rng(seed).bytes(300_000))
            names.append(os.fspath(path))
    script = ("import sys\n"
              "from ver_desktop.core import media\n"
              "from ver_desktop.core.errors import MediaError\n"
              "for name in sys.argv[1:]:\n"
              "    try:\n"
              "        media.load_segment(name)\n"
              "        print('ok')\n"
              "    except MediaError as error:\n"
              "        print(error.kind.value, error.reason)\n")
    child = subprocess.run([sys.executable, "-c", script, *names], capture_output=True,
                           text=True, timeout=600)
    assert child.returncode == 0, child.stderr[-2000:]
    verdicts = child.stdout.splitlines()
    assert len(verdicts) == len(names)
    assert all(v == f"not_media {media.NOT_MEDIA_REASON}"  # the kind kept, in plain words
               for v in verdicts), list(zip(names, verdicts, strict=True))
    assert "FFmpeg" not in media.NOT_MEDIA_REASON


@pytest.mark.parametrize("kind", ["constant level", "one click", "noise at -80 dB"])
def test_a_signal_with_almost_no_sound_is_silent_not_tagged(tmp_path: Path, kind: str) -> None:
    """Issue 11, item 12: these used to be tagged like music."""
    import wave

    import numpy as np

    from ver_desktop.core.errors import ErrorKind, MediaError
    from ver_desktop.core.media import load_segment

    rate = 44_100
    signal = np.zeros(rate * 10)
    if kind == "constant level":
        signal += 0.5
    elif kind == "one click":
        signal[rate] = 0.9
    else:
        signal = np.random.default_rng(0).normal(0, 10 ** (-80 / 20), rate * 10)
    path = tmp_path / "quiet.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((signal * 32767).astype("<i2").tobytes())
    with pytest.raises(MediaError) as caught:
        load_segment(path)
    assert caught.value.kind == ErrorKind.SILENT and "almost no sound" in caught.value.reason
