"""The about box: what the app does and how far to trust it, in a person's words; the model
card (MODEL_CARD.md when it exists, else what the bundle's metadata says) one click away."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ver_desktop import __version__


def model_card(bundle_dir: Path) -> str:
    """Markdown describing the model."""
    for card in (bundle_dir / "MODEL_CARD.md", bundle_dir.parent / "MODEL_CARD.md"):
        if card.is_file():
            return card.read_text(encoding="utf-8", errors="replace")
    try:
        meta = json.loads((bundle_dir / "bundle.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"No model card, and the bundle's metadata could not be read: {exc}"
    lines = [f"## {meta.get('name', '?')} {meta.get('version', '')}", ""]
    training = meta.get("training") or {}
    for key, label in (("data", "Training data"), ("data_terms", "Data terms"),
                       ("protocol", "Protocol")):
        if training.get(key):
            lines.append(f"- **{label}:** {training[key]}")
    for key, value in (meta.get("metrics") or {}).items():
        if isinstance(value, int | float | str):
            lines.append(f"- {key}: {value}")
        elif isinstance(value, dict) and "mean" in value:
            lines.append(f"- {key}: {value['mean']:.3f} ± {value.get('sd', 0):.3f}")
    return "\n".join(lines)


ABOUT = """# ver_desktop {version}

ver_desktop sorts your videos by the feeling their sound carries: **happy or excited**,
**tense or angry**, **sad or tired**, **calm or content**, and eight finer shades. It listens
to the most typical 30 seconds of each file's soundtrack on this computer; nothing is sent
anywhere, and your files stay where they are.

**How sure is it?** On songs by artists it never heard, it names the right one of the four
about {heard} times in 10; on music from other genres and listeners, about {other} in 10.
It hears energy (calm against lively) much better than mood (pleasant against unpleasant).
Each tag shows how sure it is; correct any tag and your choice wins everywhere.

**What it cannot do:** it judges the sound, not the pictures or the words. Speech, silence
and sound effects get no reliable tag (such files are marked "mostly speech"), and a long
film gets one tag for its most typical stretch.

Your library is kept in `{data}`.
"""


class AboutDialog(QDialog):
    """What the app does and how far to trust it, in plain words; the model card (with its
    figures) one click away."""

    def __init__(self, bundle_dir: Path, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About ver_desktop")
        self.resize(620, 520)
        self.bundle_dir = bundle_dir
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.about = about_text(bundle_dir, data_dir)
        self.text.setMarkdown(self.about)
        self.details = QPushButton("Model details…")
        self.details.setToolTip("The model card: how the model was trained and measured")
        self.details.clicked.connect(self.toggle_model_card)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.details, QDialogButtonBox.ButtonRole.HelpRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    def toggle_model_card(self) -> None:
        """The model card, written for the curious (and for developers); and back."""
        if self.details.text().startswith("Model"):
            self.text.setMarkdown(model_card(self.bundle_dir))
            self.details.setText("Back to About")
        else:
            self.text.setMarkdown(self.about)
            self.details.setText("Model details…")


def about_text(bundle_dir: Path, data_dir: Path) -> str:
    try:
        meta = json.loads((bundle_dir / "bundle.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    metrics = meta.get("metrics") or {}
    heard = _share(metrics, "cross_validation", "summary", "quadrant_accuracy", "mean")
    other = _share(metrics, "transfer", "scores", "quadrant_accuracy")
    return ABOUT.format(version=__version__, heard=heard, other=other, data=data_dir)


def _share(meta: Any, *keys: str) -> str:
    for key in keys:
        if not isinstance(meta, dict) or key not in meta:
            return "?"
        meta = meta[key]
    return str(round(float(meta) * 10)) if isinstance(meta, int | float) else "?"
