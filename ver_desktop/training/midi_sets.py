"""The data step for the MIDI training sets: EMOPIA (pop piano, 4 quadrants) and VGMIDI
(game music, valence and arousal signs) rendered to audio with Debian's `fluidsynth`.

Each set becomes a folder in the 4Q layout the training code reads (`labels.csv` plus
`audio/<id>.wav`), so it can be added to the 4Q clips as extra training data
(training/mix.py). Why the choices:
- more than one soundfont, cycled within each quadrant, so no soundfont's timbre goes with
  a quadrant;
- every render levelled to the same RMS as the app's levelled front end (-18 dBFS, peaks
  kept below full scale), so loudness says nothing about the label;
- the `fold` column groups clips by song (EMOPIA: the YouTube id; VGMIDI: the game), so
  inner cross-validation never scores a song it trained on;
- resumable: a clip already rendered is kept, and every file is written whole or not at all.
Nothing rendered belongs in the repository (the sets' terms; their size).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import tempfile
import wave
import zipfile
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ver_desktop.core.errors import AppError
from ver_desktop.core.labels import QUADRANTS

# Debian packages fluid-soundfont-gm and timgm6mb-soundfont (scripts/setup.sh)
SOUNDFONTS = ("/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2")
RATE = 22050
LEVEL_DBFS = -18.0
PEAK = 0.98
SILENCE_DBFS = -60.0  # a render's tail below this (the synth's release) is cut
FOLDS = 10
RENDER_SECONDS = 300  # one fluidsynth run; a clip is at most 2 min of music

Progress = Callable[[int, int, str], None]


class RenderError(AppError):
    """A set or soundfont that cannot be rendered, in words for the command line."""


@dataclass(frozen=True)
class Piece:
    """One MIDI clip to render and its label."""

    id: str
    archive: Path  # the zip holding it
    member: str  # its name in the zip
    quadrant: str  # PV-PA, NV-PA, NV-NA, PV-NA
    song: str  # clips of one song share a fold

    @property
    def point(self) -> tuple[float, float]:
        """The quadrant's middle at half scale: the sets label sides, not distances."""
        valence = 0.5 if self.quadrant.startswith("PV") else -0.5
        arousal = 0.5 if self.quadrant.endswith("PA") else -0.5
        return valence, arousal


EMOPIA_NAME = re.compile(r"midis/(Q[1-4])_(.+)_(\d+)\.mid$")
QUARTER_OF_Q = {"Q1": "PV-PA", "Q2": "NV-PA", "Q3": "NV-NA", "Q4": "PV-NA"}


def emopia_pieces(folder: Path) -> list[Piece]:
    """EMOPIA's `midis.zip`: Q<n>_<YouTube id>_<clip>.mid (the id is the song)."""
    archive = _archive(folder, "midis.zip")
    pieces = []
    with zipfile.ZipFile(archive) as handle:
        for name in sorted(handle.namelist()):
            found = EMOPIA_NAME.search(name)
            if found and not name.startswith("__MACOSX"):
                q, song, clip = found.groups()
                pieces.append(Piece(f"emopia-{q}-{song}-{clip}", archive, name,
                                    QUARTER_OF_Q[q], song))
    return pieces


def vgmidi_pieces(folder: Path) -> list[Piece]:
    """VGMIDI's labelled phrases: `vgmidi_labelled.csv` (valence and arousal each -1 or
    +1) and their MIDI in `phrases.zip`; grouped by game."""
    archive = _archive(folder, "phrases.zip")
    with zipfile.ZipFile(archive) as handle:
        members = {Path(n).name: n for n in handle.namelist() if not n.startswith("__MACOSX")}
    pieces = []
    with open(folder / "vgmidi_labelled.csv", newline="", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            member = members.get(Path(row["midi"]).name)
            if member is None:
                continue
            quadrant = ("PV" if int(row["valence"]) > 0 else "NV") + (
                "-PA" if int(row["arousal"]) > 0 else "-NA")
            pieces.append(Piece(f"vgmidi-{row['id']}", archive, member, quadrant, row["game"]))
    return pieces


def _archive(folder: Path, name: str) -> Path:
    archive = folder / name
    if not archive.is_file():
        raise RenderError(f"{archive} not found: is {folder} the set's folder?")
    return archive


def soundfonts_available(paths: Sequence[str]) -> list[Path]:
    """`paths` as soundfonts to render with; a RenderError saying how to get what is
    missing (all of them are needed, so a render is the same on every machine)."""
    if shutil.which("fluidsynth") is None:
        raise RenderError("fluidsynth is not installed (Debian package fluidsynth; "
                          "scripts/setup.sh installs it)")
    missing = [p for p in paths if not Path(p).is_file()]
    if missing or not paths:
        raise RenderError("soundfont not found: " + (", ".join(missing) or "none given")
                          + " (Debian packages fluid-soundfont-gm, timgm6mb-soundfont)")
    return [Path(p) for p in paths]


def assign_soundfonts(pieces: Sequence[Piece], soundfonts: Sequence[Path]) -> dict[str, Path]:
    """Soundfonts cycled within each quadrant, so each plays an equal share of every one."""
    chosen: dict[str, Path] = {}
    for quadrant in QUADRANTS:
        mine = sorted(p.id for p in pieces if p.quadrant == quadrant)
        for index, piece_id in enumerate(mine):
            chosen[piece_id] = soundfonts[index % len(soundfonts)]
    return chosen


def fold_of(song: str) -> int:
    """A stable fold per song (the same on every machine and run)."""
    return zlib.crc32(song.encode("utf-8")) % FOLDS


def render_set(pieces: Sequence[Piece], out: Path, soundfonts: Sequence[Path], *,
               workers: int = 2, progress: Progress | None = None) -> int:
    """Render every piece not yet in `out/audio`, then write `out/labels.csv` for the
    rendered ones. Returns how many failed to render (they are left out of the labels)."""
    audio = out / "audio"
    audio.mkdir(parents=True, exist_ok=True)
    chosen = assign_soundfonts(pieces, soundfonts)
    todo = [p for p in pieces if not (audio / f"{p.id}.wav").exists()]
    failed = 0
    with ThreadPoolExecutor(max(1, workers)) as pool:
        futures = [pool.submit(render_piece, p, chosen[p.id], audio / f"{p.id}.wav")
                   for p in todo]
        for done, (piece, future) in enumerate(zip(todo, futures, strict=True), start=1):
            problem = future.result()
            if problem:
                failed += 1
                print(f"{piece.id}: {problem}", flush=True)
            if progress:
                progress(done, len(todo), piece.id)
    _write_labels(out / "labels.csv", [p for p in pieces
                                       if (audio / f"{p.id}.wav").exists()], chosen)
    return failed


def render_piece(piece: Piece, soundfont: Path, target: Path) -> str | None:
    """Render, level and write one clip; the reason in words if it could not be."""
    with tempfile.TemporaryDirectory(prefix="ver-render-") as scratch:
        midi = Path(scratch) / "clip.mid"
        with zipfile.ZipFile(piece.archive) as handle:
            midi.write_bytes(handle.read(piece.member))
        raw = Path(scratch) / "raw.wav"
        command = ["fluidsynth", "-ni", "-q", "-g", "0.5", "-r", str(RATE), "-F", str(raw),
                   str(soundfont), str(midi)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=RENDER_SECONDS)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            return f"fluidsynth failed ({type(error).__name__})"
        signal = _mono(raw)
    signal = levelled(trimmed(signal))
    if not len(signal):
        return "the render is silent"
    _write_wav(target, signal)
    return None


def _mono(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as handle:
        channels = handle.getnchannels()
        frames = np.frombuffer(handle.readframes(handle.getnframes()), "<i2")
    return frames.reshape(-1, channels).mean(axis=1).astype(np.float64) / 32768.0


def trimmed(signal: np.ndarray) -> np.ndarray:
    """Without the silence before the first note and after the release of the last one
    (50-ms frames under SILENCE_DBFS)."""
    frame = RATE // 20
    count = len(signal) // frame
    if count == 0:
        return signal[:0]
    rms = np.sqrt(np.mean(signal[: count * frame].reshape(count, frame) ** 2, axis=1))
    loud = np.flatnonzero(rms > 10 ** (SILENCE_DBFS / 20))
    if not len(loud):
        return signal[:0]
    return signal[loud[0] * frame: (loud[-1] + 1) * frame]


def levelled(signal: np.ndarray) -> np.ndarray:
    """RMS at LEVEL_DBFS, unless that would push a peak over PEAK (then as loud as fits)."""
    if not len(signal):
        return signal
    rms = float(np.sqrt(np.mean(signal ** 2)))
    peak = float(np.max(np.abs(signal)))
    if rms <= 0 or peak <= 0:
        return signal[:0]
    gain = min(10 ** (LEVEL_DBFS / 20) / rms, PEAK / peak)
    return signal * gain


def _write_wav(target: Path, signal: np.ndarray) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with wave.open(str(tmp), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes((np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes())
    os.replace(tmp, target)


def _write_labels(target: Path, pieces: Sequence[Piece], chosen: dict[str, Path]) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "artist", "quadrant", "valence", "arousal", "fold",
                         "soundfont"])
        for piece in pieces:
            valence, arousal = piece.point
            writer.writerow([piece.id, piece.song, piece.quadrant, valence, arousal,
                             fold_of(piece.song), chosen[piece.id].name])
    os.replace(tmp, target)


SETS: dict[str, Callable[[Path], list[Piece]]] = {"emopia": emopia_pieces,
                                                   "vgmidi": vgmidi_pieces}


def render_sets(sets: dict[str, Path], out: Path, soundfonts: Sequence[str] | None, *,
                workers: int | None = None) -> int:
    """`ver-desktop render-midi`: render each named set into `out/<name>`; exit status 1
    when a clip could not be rendered (the others are kept and labelled)."""
    fonts = soundfonts_available(soundfonts or SOUNDFONTS)
    print("soundfonts: " + ", ".join(f.name for f in fonts), flush=True)
    failed = 0
    for name, folder in sets.items():
        pieces = SETS[name](folder)
        print(f"{name}: {len(pieces)} clips from {len({p.song for p in pieces})} songs",
              flush=True)
        failed += render_set(pieces, out / name, fonts, workers=workers or os.cpu_count() or 1,
                             progress=_every_hundred)
        print(f"{name}: written to {out / name}", flush=True)
    if failed:
        print(f"{failed} clips could not be rendered; they are left out of the labels")
    return 1 if failed else 0


def _every_hundred(done: int, total: int, _name: str) -> None:
    if done % 100 == 0 or done == total:
        print(f"rendered {done}/{total}", flush=True)
