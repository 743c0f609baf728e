"""The bundled models as a person chooses between them: what each is for, how fast its front
end is and how accurate it was in cross-validation. From each bundle's `bundle.json` and the
generated model card (`resources/models/MODEL_CARD.md`), which measured the speeds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ver_desktop.core import paths

MODEL_CARD = "MODEL_CARD.md"


@dataclass(frozen=True)
class ModelSummary:
    name: str  # what `paths.model_dir` takes, e.g. "ver-musicnn"
    tag: str  # name@version
    role: str  # "fast (the default)", "accurate"; "" when the card does not say
    speed: str  # the front end's time per 30-s clip on one core, e.g. "21 ms"; or ""
    quadrant_f1: float | None  # cross-validated quadrant macro-F1

    def describe(self) -> str:
        parts = [self.role, f"front end {self.speed} per 30-s clip" if self.speed else "",
                 f"quadrant F1 {self.quadrant_f1:.2f}" if self.quadrant_f1 is not None else ""]
        return " · ".join(p for p in parts if p)


def bundled_model_summaries() -> list[ModelSummary]:
    folder = paths.resources_dir() / "models"
    card = _card_rows(folder / MODEL_CARD)
    return [_summary(name, folder / name, card) for name in paths.bundled_models()]


def _summary(name: str, bundle: Path, card: dict[str, list[str]]) -> ModelSummary:
    meta = json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))
    tag = f"{meta.get('name', name)}@{meta.get('version', '?')}"
    row = card.get(tag, [])
    return ModelSummary(name=name, tag=tag, role=row[0] if row else "",
                        speed=row[-1] if row else "", quadrant_f1=_quadrant_f1(meta))


def _quadrant_f1(meta: dict[str, Any]) -> float | None:
    try:
        return float(meta["metrics"]["cross_validation"]["summary"]["quadrant_macro_f1"]["mean"])
    except (KeyError, TypeError, ValueError):
        return None


def _card_rows(card: Path) -> dict[str, list[str]]:
    """The card's models table: `| \\`tag\\` | role | front end | network | speed |`, keyed by
    tag, the cells after it as they are (backticks dropped)."""
    try:
        text = card.read_text(encoding="utf-8")
    except OSError:
        return {}
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and "@" in cells[0] and " " not in cells[0]:
            rows[cells[0]] = cells[1:]
    return rows
