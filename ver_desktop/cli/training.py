"""`ver-desktop train`, `experiment` and `render-midi`: the options become a typed request
(training/requests.py), checked here and carried out by training/command.py. Torch loads
only when one of them runs; the packaged app, which has no training code, says so."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ver_desktop.cli.common import Commands, SetupError
from ver_desktop.core import paths

if TYPE_CHECKING:
    from ver_desktop.training.requests import ExperimentRequest, TrainRequest


def add_parser(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    _add_train(commands, parents)
    _add_experiment(commands, parents)
    _add_evaluate_learning(commands, parents)
    _add_render_midi(commands, parents)


def _add_train(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    train = commands.add_parser("train", run_train, parents=parents,
                                help="train a model bundle from labelled audio")
    train.add_argument("--audio", required=True, type=Path, help="folder of media files")
    train.add_argument("--labels", required=True, type=Path, help="labels CSV (4Q layout)")
    train.add_argument("--out", required=True, type=Path, help="bundle folder to write")
    train.add_argument("--name", default=paths.DEFAULT_MODEL)
    train.add_argument("--bundle-version", default="0.1.0")
    train.add_argument("--candidate", metavar="NAME",
                       help="the model to train (names in ver_desktop/training/transfer.py; "
                            "default: the one the bundled default model was trained as)")
    train.add_argument("--epochs", type=int, help="train a network for this many epochs "
                                                  "instead of the candidate's own number")
    train.add_argument("--transfer-audio", type=Path,
                       help="audio of a set never trained on, to measure transfer (Grekow)")
    train.add_argument("--transfer-labels", type=Path, help="its labels CSV")
    train.add_argument("--extra-sets", type=Path, metavar="DIR",
                       help="the rendered MIDI sets (`render-midi --out DIR`), for candidates "
                            "that train on them too")
    train.add_argument("--role", default="accurate",
                       help="what the model is for, in a few words (shown in Settings)")
    train.add_argument("--cv", action=argparse.BooleanOptionalAction, default=True,
                       help="run 10-fold artist-grouped cross-validation first")
    train.add_argument("--limit", type=int, help="use only the first N labelled files")


def _add_experiment(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    experiment = commands.add_parser(
        "experiment", run_experiment, parents=parents,
        help="reproduce the paper's grid with cross-validation, write the report")
    experiment.add_argument("--audio", required=True, type=Path)
    experiment.add_argument("--labels", required=True, type=Path)
    experiment.add_argument("--results", type=Path,
                            help="where per-fold results are kept (default: data dir)")
    experiment.add_argument("--report", type=Path, default=Path("docs/reproduction.md"))
    experiment.add_argument("--epochs", type=int, default=100)
    experiment.add_argument("--pool", type=int, default=8, help="frames averaged per step")
    experiment.add_argument("--classes", type=int, nargs="+", choices=(4, 8), default=[4, 8])
    experiment.add_argument("--hidden", type=int, nargs="+", default=[40, 80, 120])
    experiment.add_argument("--losses", nargs="+", choices=("hmse", "ce"),
                            default=["hmse", "ce"])
    experiment.add_argument("--folds", type=int, nargs="+", help="default: all")
    experiment.add_argument("--limit", type=int, help="use only the first N labelled files")
    experiment.add_argument("--candidates", nargs="+", default=[], metavar="NAME",
                            help="also cross-validate these candidate models "
                                 "(names in ver_desktop/training/candidates.py, or 'all')")
    experiment.add_argument("--transfer-audio", type=Path,
                            help="audio of a set never trained on (Grekow): every point "
                                 "candidate is also trained on all labelled clips and "
                                 "measured there")
    experiment.add_argument("--transfer-labels", type=Path, help="its labels CSV")
    experiment.add_argument("--point-candidates", nargs="+", default=[], metavar="NAME",
                            help="point candidates for the transfer protocol (names in "
                                 "ver_desktop/training/transfer.py, or 'all')")
    experiment.add_argument("--extra-sets", type=Path, metavar="DIR",
                            help="the rendered MIDI sets (`render-midi --out DIR`), for "
                                 "candidates that train on them too")
    experiment.add_argument("--report-only", action="store_true",
                            help="rewrite the report from stored results; train nothing")


def _add_evaluate_learning(commands: Commands,
                           parents: list[argparse.ArgumentParser]) -> None:
    evaluate = commands.add_parser(
        "evaluate-learning", run_evaluate_learning, parents=parents,
        help="simulate a person tagging files, on 4Q's held-out folds and on a set never "
             "trained on, and write the report")
    evaluate.add_argument("--audio", required=True, type=Path, help="4Q audio folder")
    evaluate.add_argument("--labels", required=True, type=Path, help="4Q labels CSV")
    evaluate.add_argument("--transfer-audio", required=True, type=Path,
                          help="audio of a set never trained on (Grekow)")
    evaluate.add_argument("--transfer-labels", required=True, type=Path, help="its labels CSV")
    evaluate.add_argument("--draws", type=int, default=30, help="draws per row (default 30)")
    evaluate.add_argument("--report", type=Path, default=Path("docs/learning.md"))


def require_training() -> None:
    """`train` and `experiment` need torch (the `train` extra); the packaged app has neither."""
    try:
        import ver_desktop.training.command  # noqa: F401
    except ImportError as exc:
        raise SetupError("training needs a source install with the train extra "
                         f"(pip install -e '.[train]'); here: {exc}") from None


def train_request(args: argparse.Namespace, shipped: str) -> TrainRequest:
    """The parsed `train` options as a request (`shipped`: the candidate when none is
    named). Not yet checked: see TrainRequest.check."""
    from ver_desktop.training.requests import TrainRequest

    return TrainRequest(
        audio=args.audio, labels=args.labels, out=args.out,
        candidate=args.candidate or shipped, name=args.name,
        bundle_version=args.bundle_version, epochs=args.epochs,
        transfer_audio=args.transfer_audio, transfer_labels=args.transfer_labels,
        role=args.role, cross_validate=args.cv, limit=args.limit, workers=args.workers,
        extra_sets=args.extra_sets)


def experiment_request(args: argparse.Namespace) -> ExperimentRequest:
    """The parsed `experiment` options as a request. Not yet checked: see
    ExperimentRequest.check."""
    from ver_desktop.training.requests import ExperimentRequest

    return ExperimentRequest(
        audio=args.audio, labels=args.labels, report=args.report, epochs=args.epochs,
        pool=args.pool, classes=tuple(args.classes), hidden=tuple(args.hidden),
        losses=tuple(args.losses), folds=tuple(args.folds or ()), limit=args.limit,
        candidates=tuple(args.candidates), transfer_audio=args.transfer_audio,
        transfer_labels=args.transfer_labels, point_candidates=tuple(args.point_candidates),
        report_only=args.report_only, workers=args.workers, extra_sets=args.extra_sets)


def run_train(args: argparse.Namespace) -> int:
    require_training()
    from ver_desktop.training.command import run_training
    from ver_desktop.training.transfer import POINT_CANDIDATES, SHIPPED

    request = train_request(args, SHIPPED).check(POINT_CANDIDATES, _with_extras())
    return run_training(request, paths.cache_dir(paths.data_dir(args.data_dir)))


def run_experiment(args: argparse.Namespace) -> int:
    require_training()
    from ver_desktop.training.candidates import CANDIDATES
    from ver_desktop.training.command import run_experiment as carry_out
    from ver_desktop.training.transfer import POINT_CANDIDATES

    request = experiment_request(args).check(CANDIDATES, POINT_CANDIDATES, _with_extras())
    data = paths.data_dir(args.data_dir)
    return carry_out(request, paths.cache_dir(data), args.results or data / "experiments")


def run_evaluate_learning(args: argparse.Namespace) -> int:
    require_training()
    import sys

    from ver_desktop.training.learning_eval import evaluate
    from ver_desktop.training.learning_report import write_report
    from ver_desktop.training.transfer import SHIPPED

    data = paths.data_dir(args.data_dir)
    rows = evaluate(args.audio, args.labels, args.transfer_audio, args.transfer_labels,
                    cache=paths.cache_dir(data), bundle=paths.model_dir(args.model),
                    draws=args.draws, candidate=SHIPPED, workers=args.workers)
    write_report(args.report, rows, argv=sys.argv[1:], draws=args.draws, candidate=SHIPPED)
    print(f"wrote {args.report}")
    return 0


def _with_extras() -> set[str]:
    """The point candidates that train on extra sets too."""
    from ver_desktop.training.transfer import POINT_CANDIDATES

    return {name for name, candidate in POINT_CANDIDATES.items() if candidate.extras}


def _add_render_midi(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    render = commands.add_parser(
        "render-midi", run_render_midi, parents=parents,
        help="render the EMOPIA and VGMIDI training sets to audio with fluidsynth")
    render.add_argument("--emopia", type=Path, help="EMOPIA's folder (with midis.zip)")
    render.add_argument("--vgmidi", type=Path,
                        help="VGMIDI's folder (with vgmidi_labelled.csv and phrases.zip)")
    render.add_argument("--out", required=True, type=Path,
                        help="where each set's labels.csv and audio/ are written")
    render.add_argument("--soundfont", action="append", metavar="SF2",
                        help="a General MIDI soundfont, cycled with the others (default: "
                             "FluidR3_GM and TimGM6mb from Debian)")


def run_render_midi(args: argparse.Namespace) -> int:
    from ver_desktop.training.midi_sets import render_sets

    sets = {name: folder for name, folder in (("emopia", args.emopia),
                                              ("vgmidi", args.vgmidi)) if folder}
    if not sets:
        raise SetupError("give --emopia and/or --vgmidi")
    return render_sets(sets, args.out, args.soundfont, workers=args.workers)
