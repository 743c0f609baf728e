"""Which model a stored tag came from: tags, timelines and stretches are kept per model."""

from __future__ import annotations

from typing import NamedTuple


class ModelKey(NamedTuple):
    """A bundled model's name and version. A tuple, so stored keys compare and hash as
    before; the names say which half is which."""

    name: str
    version: str

    def __str__(self) -> str:
        return f"{self.name} {self.version}"
