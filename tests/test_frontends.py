"""Front ends as registered objects: each one's columns, cost and timeline windows."""

from __future__ import annotations

import numpy as np
import pytest

from ver_desktop.core.frontends import (
    FRONT_ENDS,
    MIR,
    MUSICNN,
    MUSICNN_LEVELLED,
    front_end,
    levelled,
)

RATE = 44_100
PATCHES_RUN = {MIR: 0, MUSICNN: 10, MUSICNN_LEVELLED: 10, "musicnn-msd-3": 5,
               "musicnn-msd-4": 3, "musicnn-msd-5": 2}


@pytest.fixture(scope="module")
def segment() -> np.ndarray:
    """30 s of quiet noise over a tone: a scan's segment (10 encoder patches)."""
    rng = np.random.default_rng(2)
    t = np.arange(30 * RATE) / RATE
    return (0.05 * np.sin(2 * np.pi * 220 * t)
            + 0.01 * rng.standard_normal(len(t))).astype(np.float32)


def test_the_registry_holds_each_front_end_under_its_version() -> None:
    assert list(FRONT_ENDS) == list(PATCHES_RUN)
    for version, each in FRONT_ENDS.items():
        assert each.version == version and front_end(version) is each


@pytest.mark.parametrize("version", list(FRONT_ENDS))
def test_feature_names_match_the_computed_columns(version: str, segment: np.ndarray) -> None:
    each = front_end(version)
    rows = each.compute(signal=segment, rate=RATE)
    assert rows.dtype == np.float32 and np.isfinite(rows).all()
    assert rows.shape[1] == len(each.feature_names())
    if each.patches_run:  # one row per encoder patch run
        assert len(rows) == each.patches_run


def test_the_levelled_front_end_reads_the_levelled_signal(segment: np.ndarray) -> None:
    assert np.array_equal(front_end(MUSICNN_LEVELLED).compute(signal=segment, rate=RATE),
                          front_end(MUSICNN).compute(signal=levelled(segment), rate=RATE))


def test_unknown_front_ends_are_refused_with_the_known_names() -> None:
    with pytest.raises(ValueError, match="unknown front end 'mir-0'") as refused:
        front_end("mir-0")
    assert str(refused.value).endswith("known: " + ", ".join(PATCHES_RUN))


@pytest.mark.parametrize(("version", "run"), PATCHES_RUN.items())
def test_patches_run(version: str, run: int) -> None:
    assert front_end(version).patches_run == run


@pytest.mark.parametrize(("version", "whole", "short"), [
    (MUSICNN, list(range(10)), [0, 1, 2, 3]),
    ("musicnn-msd-3", [0, 2, 4, 7, 9], [0, 1, 2, 3]),
    ("musicnn-msd-4", [0, 4, 9], [0, 2, 3]),
    ("musicnn-msd-5", [0, 9], [0, 3]),
])
def test_window_offsets(version: str, whole: list[int], short: list[int]) -> None:
    """A 10-patch window and a short file's 4 patches, picked as the segment's are."""
    assert front_end(version).window_offsets(10).tolist() == whole
    assert front_end(version).window_offsets(4).tolist() == short


@pytest.mark.parametrize("version", [MIR, MUSICNN_LEVELLED])
def test_timelines_refuse_what_they_cannot_follow(version: str) -> None:
    with pytest.raises(ValueError, match=f"timelines follow .* reads '{version}'"):
        front_end(version).window_offsets(10)
