"""The MIDI data step (`ver-desktop render-midi`, training/midi_sets.py): real fluidsynth
renders of generated MIDI, levelled, grouped by song, resumable, failures named; and the
layout of the real EMOPIA and VGMIDI sets when ../shared is present."""

from __future__ import annotations

import csv
import struct
import wave
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO

from ver_desktop.cli import main
from ver_desktop.training import midi_sets
from ver_desktop.training.dataset import read_labels

TIM = "/usr/share/sounds/sf2/TimGM6mb.sf2"
FLUID = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
SHARED = (REPO / ".." / "shared" / "data").resolve()


def midi_bytes(notes: list[int], *, velocity: int = 90, seconds_each: float = 0.5) -> bytes:
    """A format-0 MIDI file playing `notes` one after another on a piano."""
    ticks = int(480 * seconds_each * 2)  # 120 bpm: 480 ticks a beat, a beat 0.5 s

    def length(value: int) -> bytes:  # MIDI's variable-length number
        out = [value & 0x7F]
        while value > 0x7F:
            value >>= 7
            out.insert(0, (value & 0x7F) | 0x80)
        return bytes(out)

    track = b"\x00\xc0\x00"  # program 0: acoustic grand piano
    for note in notes:
        track += b"\x00" + bytes([0x90, note, velocity]) + length(ticks) + bytes([0x80, note, 0])
    track += b"\x00\xff\x2f\x00"
    return (b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480)
            + b"MTrk" + struct.pack(">I", len(track)) + track)


def emopia_folder(root: Path, clips: dict[str, bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(root / "midis.zip", "w") as archive:
        for name, data in clips.items():
            archive.writestr(f"midis/{name}.mid", data)
        archive.writestr("__MACOSX/midis/._Q1_songA_0.mid", b"junk")
    return root


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    root = tmp_path_factory.mktemp("midi")
    folder = emopia_folder(root / "emopia", {
        "Q1_songA_0": midi_bytes([60, 64, 67, 72]),
        "Q1_songA_1": midi_bytes([62, 65, 69], velocity=40),  # quiet: levelled up
        "Q3_songB_0": midi_bytes([48, 51, 55]),
        "Q2_songC_0": b"MThd broken",
    })
    status = midi_sets.render_sets({"emopia": folder}, root / "out", [TIM, FLUID], workers=2)
    return root / "out" / "emopia", status


def test_renders_are_levelled_and_trimmed_audio(rendered: tuple[Path, int]) -> None:
    out, _ = rendered
    for name in ("emopia-Q1-songA-0", "emopia-Q1-songA-1", "emopia-Q3-songB-0"):
        with wave.open(str(out / "audio" / f"{name}.wav"), "rb") as handle:
            assert handle.getframerate() == midi_sets.RATE and handle.getnchannels() == 1
            signal = np.frombuffer(handle.readframes(handle.getnframes()), "<i2") / 32768
        assert 1.0 < len(signal) / midi_sets.RATE < 4.0  # 3-4 notes of 0.5 s, tail cut
        rms_db = 20 * np.log10(np.sqrt(np.mean(signal ** 2)))
        peak = np.max(np.abs(signal))
        assert rms_db == pytest.approx(midi_sets.LEVEL_DBFS, abs=0.3) or peak > 0.95


def test_labels_group_clips_by_song_and_cycle_the_soundfonts(
        rendered: tuple[Path, int]) -> None:
    out, _ = rendered
    with open(out / "labels.csv", newline="", encoding="utf-8") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle)}
    assert set(rows) == {"emopia-Q1-songA-0", "emopia-Q1-songA-1", "emopia-Q3-songB-0"}
    a0, a1 = rows["emopia-Q1-songA-0"], rows["emopia-Q1-songA-1"]
    assert a0["fold"] == a1["fold"] == str(midi_sets.fold_of("songA"))
    assert {a0["soundfont"], a1["soundfont"]} == {"TimGM6mb.sf2", "FluidR3_GM.sf2"}
    examples = {e.id: e for e in read_labels(out / "labels.csv", out / "audio")}
    assert examples["emopia-Q3-songB-0"].quadrant == 2  # NV-NA
    assert examples["emopia-Q1-songA-0"].valence > 0 and examples["emopia-Q1-songA-0"].artist \
        == "songA"


def test_a_broken_clip_is_left_out_and_makes_the_exit_status_1(
        rendered: tuple[Path, int]) -> None:
    out, status = rendered
    assert status == 1
    assert not (out / "audio" / "emopia-Q2-songC-0.wav").exists()
    assert not list((out / "audio").glob(".*tmp"))  # nothing half-written


def test_a_second_run_renders_only_what_is_missing(tmp_path: Path) -> None:
    folder = emopia_folder(tmp_path / "emopia", {"Q4_songD_0": midi_bytes([60, 62])})
    out = tmp_path / "out"
    assert midi_sets.render_sets({"emopia": folder}, out, [TIM]) == 0
    wav = out / "emopia" / "audio" / "emopia-Q4-songD-0.wav"
    before = wav.stat().st_mtime_ns
    with zipfile.ZipFile(folder / "midis.zip", "a") as archive:
        archive.writestr("midis/Q4_songD_1.mid", midi_bytes([64, 65]))
    assert midi_sets.render_sets({"emopia": folder}, out, [TIM]) == 0
    assert wav.stat().st_mtime_ns == before
    assert (out / "emopia" / "audio" / "emopia-Q4-songD-1.wav").exists()


def test_each_soundfont_plays_an_even_share_of_every_quadrant() -> None:
    pieces = [midi_sets.Piece(f"p{i}", Path("x.zip"), "m", q, f"s{i}")
              for i, q in enumerate(["PV-PA"] * 6 + ["NV-NA"] * 4)]
    fonts = [Path("a.sf2"), Path("b.sf2")]
    chosen = midi_sets.assign_soundfonts(pieces, fonts)
    for quadrant in ("PV-PA", "NV-NA"):
        mine = [chosen[p.id].name for p in pieces if p.quadrant == quadrant]
        assert mine.count("a.sf2") == mine.count("b.sf2")


def test_the_command_line_says_what_is_missing(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path / "d"), "render-midi", "--out",
                 str(tmp_path / "o")]) == 2
    assert "--emopia" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path / "d"), "render-midi", "--emopia",
                 str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "midis.zip" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path / "d"), "render-midi", "--emopia",
                 str(tmp_path), "--out", str(tmp_path / "o"), "--soundfont",
                 str(tmp_path / "none.sf2")]) == 2
    assert "soundfont not found" in capsys.readouterr().err


def test_an_experiment_on_the_midi_sets_asks_for_them(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("id,quadrant\n")
    code = main(["--data-dir", str(tmp_path / "d"), "experiment", "--audio", str(tmp_path),
                 "--labels", str(labels), "--transfer-audio", str(tmp_path),
                 "--transfer-labels", str(labels), "--point-candidates",
                 "linear-musicnn-sides-3p-midi"])
    assert code == 2 and "--extra-sets" in capsys.readouterr().err


def test_the_real_sets_are_read_whole() -> None:
    if not (SHARED / "emopia" / "midis.zip").is_file():
        pytest.skip(f"EMOPIA and VGMIDI are not at {SHARED} (../shared absent here)")
    emopia = midi_sets.emopia_pieces(SHARED / "emopia")
    vgmidi = midi_sets.vgmidi_pieces(SHARED / "vgmidi")
    assert len(emopia) == 1078 and len({p.song for p in emopia}) == 387
    assert len(vgmidi) == 204 and len({p.song for p in vgmidi}) == 30
    assert sum(p.quadrant == "NV-NA" for p in vgmidi) == 27


def vgmidi_folder(root: Path, rows: list[tuple[str, str, int, int, bytes]]) -> Path:
    """VGMIDI's layout: (id, game, valence, arousal, MIDI) rows."""
    root.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(root / "phrases.zip", "w") as archive, \
            open(root / "vgmidi_labelled.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "series", "console", "game", "piece", "midi", "valence",
                         "arousal"])
        for piece_id, game, valence, arousal, data in rows:
            name = f"{game}_{piece_id}_0.mid"
            archive.writestr(f"phrases/{name}", data)
            writer.writerow([piece_id, game, "N64", game, piece_id,
                             f"labelled/phrases/{name}", valence, arousal])
    return root


def test_a_model_trained_with_the_midi_sets_says_so(tmp_path: Path) -> None:
    """`train --extra-sets` on a slice of 4Q plus small rendered sets: the bundle records the
    added data, and classifies."""
    import json
    import os
    import subprocess
    import sys

    from conftest import require_4q

    shared = require_4q()
    notes = [[60, 64, 67], [57, 60, 64], [62, 65, 69], [55, 59, 62]]
    emopia = emopia_folder(tmp_path / "emopia", {
        f"Q{q + 1}_song{q}_0": midi_bytes(notes[q], seconds_each=2) for q in range(4)})
    vgmidi = vgmidi_folder(tmp_path / "vgmidi", [
        (str(8000 + i), f"Game{i % 2}", v, a, midi_bytes(notes[i], seconds_each=2))
        for i, (v, a) in enumerate(((1, 1), (-1, 1), (-1, -1), (1, -1)))])
    rendered = tmp_path / "rendered"
    assert midi_sets.render_sets({"emopia": emopia, "vgmidi": vgmidi}, rendered, [TIM]) == 0
    out = tmp_path / "bundle"
    env = {**os.environ, "PYTHONPATH": os.fspath(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "ver_desktop", "--data-dir", os.fspath(tmp_path / "data"),
         "--workers", "2", "train", "--audio", os.fspath(shared / "audio"), "--labels",
         os.fspath(shared / "labels.csv"), "--out", os.fspath(out), "--candidate",
         "linear-musicnn-sides-3p-midi", "--extra-sets", os.fspath(rendered), "--limit", "40",
         "--no-cv"], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "40 labelled files and 8 from the extra sets" in result.stdout
    training = json.loads((out / "bundle.json").read_text())["training"]
    assert "EMOPIA" in training["data"] and "VGMIDI" in training["data"]
    assert "CC BY 4.0" in training["data_terms"]
