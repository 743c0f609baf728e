"""The classify use case (core/usecases/classify.py): one record per path given, in order,
the failures with their reasons, and byte for byte what `classify --json` prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ver_desktop.core.bundle import Classifier
from ver_desktop.core.errors import ErrorKind
from ver_desktop.core.extract import Failed
from ver_desktop.core.usecases.classify import classify, record

KEYS = ["path", "status", "error", "quadrant", "octant", "quadrant_probs", "octant_probs",
        "valence", "arousal", "confidence", "mostly_speech", "speech_likeness", "segment",
        "model"]


def test_one_record_per_path_given_in_order_with_reasons(
        media_files: dict[str, Path], classifier: Classifier, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    music = media_files["music.mp4"]
    monkeypatch.chdir(music.parent)
    given = [music.name, os.fspath(media_files["text.mp4"]), os.fspath(music),
             "/no/such/file.mkv"]
    records = classify(given, classifier, workers=1)
    assert [r["path"] for r in records] == given  # as given, the same file twice
    assert all(list(r) == KEYS for r in records)
    assert [r["status"] for r in records] == ["ok", "error", "ok", "error"]
    assert records[0] == {**records[2], "path": music.name}  # read once, said twice
    assert records[0]["model"] == classifier.tag
    start, end = records[0]["segment"]
    assert end - start == pytest.approx(30.0, abs=0.05)
    assert all(r["error"] and r["quadrant"] is None for r in (records[1], records[3]))


def test_nothing_given_is_nothing_read(classifier: Classifier) -> None:
    assert classify([], classifier) == []


def test_a_failure_keeps_its_reason_and_undecodable_bytes_read_as_replacement(
        ) -> None:
    name = os.fsdecode(b"caf\xe9.mp4")
    found = record(name, Failed(name, ErrorKind.CORRUPT, "damaged"), None, "m@1")
    assert found["path"] == "caf\ufffd.mp4"
    assert (found["status"], found["error"], found["model"]) == ("error", "damaged", "m@1")


def test_records_are_what_the_command_prints_byte_for_byte(
        media_files: dict[str, Path], bundled_model: Path, data_dir: Path) -> None:
    from ver_desktop.core.bundle import load_classifier

    classifier = load_classifier(bundled_model, threads=2)  # as the command loads it
    given = [os.fspath(media_files[name]) for name in ("short.flac", "too_short.wav")]
    printed = subprocess.run([sys.executable, "-m", "ver_desktop", "classify", "--json",
                              "--workers", "1", *given], capture_output=True, text=True,
                             timeout=600, check=False)
    ours = [json.dumps(r) for r in classify(given, classifier, workers=1)]
    assert printed.stdout.splitlines() == ours
