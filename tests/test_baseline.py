"""The linear baseline and probe: the summary they are given is what they see."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ver_desktop.training.baseline import clip_mean, clip_statistics, run_baseline
from ver_desktop.training.dataset import Dataset, Example
from ver_desktop.training.report import _probe_table


def spread_coded(clips_per_class: int = 20) -> Dataset:
    """Clips whose quadrant is told only by how much their steps vary, not by their mean."""
    rng = np.random.default_rng(0)
    examples, features = [], []
    for index in range(4 * clips_per_class):
        quadrant = index % 4
        examples.append(Example(f"c{index}", Path(f"c{index}.wav"), f"artist{index}",
                                quadrant, 2 * quadrant, float(quadrant), float(-quadrant),
                                (index // 4) % 2))
        steps = rng.standard_normal((40, 3)) * (1 + 2 * quadrant)
        features.append((steps - steps.mean(axis=0)).astype(np.float32))
    return Dataset(examples, features)


def test_statistics_see_the_spread_that_clip_means_cannot() -> None:
    data = spread_coded()
    with_spread = run_baseline(data)
    means_only = run_baseline(data, summary=clip_mean, c=0.01)
    assert [r["fold"] for r in with_spread] == [0, 1]
    assert min(r["quadrant_macro_f1"] for r in with_spread) > 0.9
    assert max(r["quadrant_macro_f1"] for r in means_only) < 0.5
    assert clip_statistics(data.features[0]).shape == (9,)


def test_probe_table_lists_both_front_ends() -> None:
    data = spread_coded()
    lines = _probe_table(run_baseline(data), run_baseline(data, summary=clip_mean))
    assert lines[0] == "## Linear probes: what the features alone reach"
    rows = [line for line in lines if line.startswith("| `")]
    assert len(rows) == 2 and "musicnn" in rows[1]
    assert _probe_table(run_baseline(data), []) == []
