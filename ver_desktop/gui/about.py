"""The about box: version, data folder, and the model card (MODEL_CARD.md when it exists,
else what the bundle's metadata says)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

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


class AboutDialog(QDialog):
    def __init__(self, bundle_dir: Path, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About ver_desktop")
        self.resize(620, 520)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setMarkdown(
            f"# ver_desktop {__version__}\n\nOrganise videos by the emotion their sound "
            f"carries (Russell's circumplex).\n\nData folder: `{data_dir}`\n\n"
            f"# Model\n\n{model_card(bundle_dir)}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
