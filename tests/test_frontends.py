"""Front ends as registered objects: each one's columns, cost and timeline windows."""

from __future__ import annotations

import numpy as np
import pytest

from ver_desktop.core.frontends import (
    FRONT_ENDS,
    MIR,
    MUSICNN,
    MUSICNN_LEVELLED,
    encoders_read,
    front_end,
    levelled,
)

RATE = 44_100
# graph runs per segment: patches times encoders (musicnn-both-1 runs two graphs per patch)
PATCHES_RUN = {MIR: 0, MUSICNN: 10, MUSICNN_LEVELLED: 10, "musicnn-msd-3": 5,
               "musicnn-msd-4": 3, "musicnn-msd-5": 2, "musicnn-msd-6": 3,
               "musicnn-mtt-1": 3, "musicnn-both-1": 6}


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
    if each.patches_run:  # one row per patch run through each encoder
        assert len(rows) * len(encoders_read(version)) == each.patches_run


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


@pytest.mark.parametrize("version", [MIR, MUSICNN_LEVELLED, "musicnn-msd-6", "musicnn-mtt-1",
                                     "musicnn-both-1"])
def test_timelines_refuse_what_they_cannot_follow(version: str) -> None:
    with pytest.raises(ValueError, match=f"timelines follow .* reads '{version}'"):
        front_end(version).window_offsets(10)


def test_the_mtt_and_both_views_read_the_same_patches_as_musicnn_msd_4() -> None:
    """Issue 24: MTT_musicnn's outputs instead of MSD_musicnn's, or after them, on the same
    three spread patches; here a 7-s signal's two."""
    rng = np.random.default_rng(3)
    t = np.arange(7 * RATE) / RATE
    signal = (0.2 * np.sin(2 * np.pi * 330 * t)
              + 0.02 * rng.standard_normal(len(t))).astype(np.float32)
    msd, mtt, both = (front_end(v).compute(signal=signal, rate=RATE)
                      for v in ("musicnn-msd-4", "musicnn-mtt-1", "musicnn-both-1"))
    assert msd.shape == mtt.shape == (2, 250) and both.shape == (2, 500)
    np.testing.assert_array_equal(both, np.concatenate([msd, mtt], axis=1))
    assert not np.allclose(msd, mtt)
    names = {v: front_end(v).feature_names()
             for v in ("musicnn-msd-4", "musicnn-mtt-1", "musicnn-both-1")}
    assert len(names["musicnn-mtt-1"]) == 250 and len(names["musicnn-both-1"]) == 500
    assert names["musicnn-both-1"] == names["musicnn-msd-4"] + names["musicnn-mtt-1"]
    assert len(set(names["musicnn-both-1"])) == 500  # e.g. both encoders have a "rock" tag
    assert names["musicnn-mtt-1"][0] == "mtt:penultimate_0"
    assert names["musicnn-mtt-1"][200:202] == ["mtt:tag:guitar", "mtt:tag:classical"]
    assert encoders_read("musicnn-both-1") == ("musicnn-msd", "musicnn-mtt")
    assert encoders_read("musicnn-mtt-1") == ("musicnn-mtt",)
    assert encoders_read("musicnn-msd-4") == ("musicnn-msd",) and encoders_read(MIR) == ()
