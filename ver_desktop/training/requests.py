"""What `ver-desktop train` and `ver-desktop experiment` are asked to do, as typed requests.

Torch-free, so the command line can build and check a request before training loads. The
names of the candidates live beside their (torch) code, so a request is checked against
the names it is given (`check`); the words of every refusal are the command line's."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ver_desktop.core.errors import AppError


class RequestError(AppError):
    """A training request that cannot be carried out as given (the command line's usage
    error, exit 2)."""


@dataclass(frozen=True)
class TrainRequest:
    """Train one point candidate and write its bundle (`ver-desktop train`)."""

    audio: Path  # folder of media files
    labels: Path  # labels CSV (4Q layout)
    out: Path  # bundle folder to write
    candidate: str  # a name in training/transfer.py POINT_CANDIDATES
    name: str  # the bundle's model name
    bundle_version: str = "0.1.0"
    epochs: int | None = None  # a network's epochs instead of the candidate's own
    transfer_audio: Path | None = None  # a set never trained on, to measure transfer
    transfer_labels: Path | None = None
    role: str = "accurate"  # what the model is for, in a few words
    cross_validate: bool = True  # 10-fold artist-grouped cross-validation first
    limit: int | None = None  # only the first N labelled files
    workers: int | None = None  # decoding processes (None: CPU count)
    extra_sets: Path | None = None  # the rendered MIDI sets (training/midi_sets.py)

    def check(self, candidates: Collection[str],
              with_extras: Collection[str] = ()) -> TrainRequest:
        """This request, if it can be carried out with these point candidates
        (`with_extras`: those that train on extra sets too)."""
        _check_sets(self.audio, self.labels)
        _check_extras([self.candidate], with_extras, self.extra_sets)
        _check_transfer_pair(self.transfer_audio, self.transfer_labels)
        if self.transfer_audio is not None and self.transfer_labels is not None and (
                not self.transfer_labels.is_file() or not self.transfer_audio.is_dir()):
            raise RequestError("--transfer-labels must be a CSV file and --transfer-audio "
                               "a folder")
        if self.candidate not in candidates:
            raise RequestError(f"unknown candidate {self.candidate}; "
                               f"known: {', '.join(candidates)}")
        return self


@dataclass(frozen=True)
class ExperimentRequest:
    """Run (or resume) the paper's grid and the chosen candidates, then write the report
    (`ver-desktop experiment`)."""

    audio: Path
    labels: Path
    report: Path = Path("docs/reproduction.md")
    epochs: int = 100
    pool: int = 8  # frames averaged per step
    classes: tuple[int, ...] = (4, 8)
    hidden: tuple[int, ...] = (40, 80, 120)
    losses: tuple[str, ...] = ("hmse", "ce")
    folds: tuple[int, ...] = ()  # empty: all
    limit: int | None = None
    candidates: tuple[str, ...] = ()  # names in training/candidates.py, or 'all'
    transfer_audio: Path | None = None
    transfer_labels: Path | None = None
    point_candidates: tuple[str, ...] = ()  # names in training/transfer.py, or 'all'
    report_only: bool = False  # rewrite the report from stored results; train nothing
    workers: int | None = None
    extra_sets: Path | None = None  # the rendered MIDI sets (training/midi_sets.py)

    def check(self, candidates: Collection[str], point_candidates: Collection[str],
              with_extras: Collection[str] = ()) -> ExperimentRequest:
        """This request, if it can be carried out with these candidates (`with_extras`:
        the point candidates that train on extra sets too)."""
        _check_sets(self.audio, self.labels)
        asked = point_candidates if "all" in self.point_candidates else self.point_candidates
        if not self.report_only:
            _check_extras(asked, with_extras, self.extra_sets)
        unknown = sorted(set(self.candidates) - {*candidates, "all"})
        if unknown:
            raise RequestError(f"unknown candidate(s) {', '.join(unknown)}; "
                               f"known: {', '.join(candidates)}")
        unknown = sorted(set(self.point_candidates) - {*point_candidates, "all"})
        if unknown:
            raise RequestError(f"unknown point candidate(s) {', '.join(unknown)}; "
                               f"known: {', '.join(point_candidates)}")
        _check_transfer_pair(self.transfer_audio, self.transfer_labels)
        if self.point_candidates and self.transfer_labels is None:
            raise RequestError("--point-candidates needs --transfer-audio and "
                               "--transfer-labels")
        return self


def _check_sets(audio: Path, labels: Path) -> None:
    if not labels.is_file() or not audio.is_dir():
        raise RequestError("--labels must be a CSV file and --audio a folder")


def _check_extras(asked: Collection[str], with_extras: Collection[str],
                  extra_sets: Path | None) -> None:
    needing = sorted(set(asked) & set(with_extras))
    if needing and (extra_sets is None or not extra_sets.is_dir()):
        raise RequestError(f"{', '.join(needing[:3])}{' and others' if len(needing) > 3 else ''}"
                           " train on the rendered MIDI sets too: give --extra-sets DIR "
                           "(made by `ver-desktop render-midi --out DIR`)")


def _check_transfer_pair(audio: Path | None, labels: Path | None) -> None:
    if (labels is None) != (audio is None):
        raise RequestError("--transfer-audio and --transfer-labels go together")
