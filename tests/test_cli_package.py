"""The command line's package: every command group's parser and run function are wired
into `main`'s table, and `train`/`experiment` options become typed, checked requests
(without torch)."""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from ver_desktop.cli import build, build_parser
from ver_desktop.cli.training import experiment_request, train_request
from ver_desktop.core.errors import AppError
from ver_desktop.training.requests import ExperimentRequest, RequestError, TrainRequest


def test_every_command_has_a_handler_and_shows_in_help() -> None:
    parser, commands = build()
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    names = set(subcommands.choices)
    assert names == set(commands.table)
    assert {"scan", "classify", "timeline", "stretches", "list", "playlist", "tag",
            "upgrade-library", "train", "experiment", "open"} <= names
    shown = parser.format_help()
    for name in names:
        assert f"    {name} " in shown, name
        assert callable(commands.table[name].run)
    assert commands.command(None) is commands.table["open"]  # no command opens the app


def test_building_a_request_loads_no_torch() -> None:
    code = ("import sys\nfrom ver_desktop.cli import build_parser\n"
            "from ver_desktop.cli.training import experiment_request\n"
            "experiment_request(build_parser().parse_args(['experiment', '--audio', 'a', "
            "'--labels', 'l']))\nprint('torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False"]


def _parsed(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


def _sets(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "audio").mkdir()
    (tmp_path / "labels.csv").write_text("")
    return tmp_path / "audio", tmp_path / "labels.csv"


def test_train_options_become_a_typed_request(tmp_path: Path) -> None:
    audio, labels = _sets(tmp_path)
    args = _parsed("--workers", "3", "train", "--audio", str(audio), "--labels", str(labels),
                   "--out", str(tmp_path / "bundle"), "--epochs", "2", "--no-cv",
                   "--limit", "40", "--role", "fast")
    request = train_request(args, "shipped-one")
    assert request == TrainRequest(audio=audio, labels=labels, out=tmp_path / "bundle",
                                   candidate="shipped-one", name=args.name, epochs=2,
                                   role="fast", cross_validate=False, limit=40, workers=3)
    assert request.check(["shipped-one"]) is request
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.epochs = 3  # type: ignore[misc]
    named = train_request(_parsed("train", "--audio", str(audio), "--labels", str(labels),
                                  "--out", "b", "--candidate", "mine"), "shipped-one")
    assert named.candidate == "mine"


def test_a_train_request_is_refused_in_the_command_lines_words(tmp_path: Path) -> None:
    audio, labels = _sets(tmp_path)
    request = TrainRequest(audio=audio, labels=labels, out=tmp_path / "b", candidate="x",
                           name="m")
    with pytest.raises(RequestError, match=r"^unknown candidate x; known: a, b$"):
        request.check(["a", "b"])
    with pytest.raises(RequestError, match="--labels must be a CSV file and --audio a folder"):
        dataclasses.replace(request, audio=labels).check(["x"])
    with pytest.raises(RequestError, match="--transfer-audio and --transfer-labels go together"):
        dataclasses.replace(request, transfer_audio=audio).check(["x"])
    with pytest.raises(RequestError, match="--transfer-labels must be a CSV file and "
                                           "--transfer-audio a folder"):
        dataclasses.replace(request, transfer_audio=labels, transfer_labels=labels).check(["x"])
    assert issubclass(RequestError, AppError)  # main says it in one sentence, exit 2


def test_experiment_options_become_a_typed_request(tmp_path: Path) -> None:
    audio, labels = _sets(tmp_path)
    args = _parsed("experiment", "--audio", str(audio), "--labels", str(labels),
                   "--classes", "4", "--hidden", "40", "--folds", "1", "2",
                   "--candidates", "all", "--transfer-audio", str(audio),
                   "--transfer-labels", str(labels), "--point-candidates", "p")
    request = experiment_request(args)
    assert request == ExperimentRequest(
        audio=audio, labels=labels, classes=(4,), hidden=(40,), folds=(1, 2),
        candidates=("all",), transfer_audio=audio, transfer_labels=labels,
        point_candidates=("p",))
    assert request.check(["c"], ["p"]) is request
    defaults = experiment_request(_parsed("experiment", "--audio", str(audio), "--labels",
                                          str(labels)))
    assert defaults == ExperimentRequest(audio=audio, labels=labels)
    with pytest.raises(RequestError, match=r"^unknown candidate\(s\) d; known: c$"):
        dataclasses.replace(defaults, candidates=("d",)).check(["c"], ["p"])
    with pytest.raises(RequestError, match=r"^unknown point candidate\(s\) q; known: p$"):
        dataclasses.replace(defaults, point_candidates=("q",)).check(["c"], ["p"])
    with pytest.raises(RequestError, match=r"^--point-candidates needs --transfer-audio and "
                                           r"--transfer-labels$"):
        dataclasses.replace(defaults, point_candidates=("p",)).check(["c"], ["p"])
