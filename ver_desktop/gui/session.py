"""An open library with its model: what every view works on. Opening imports the engine
(SQLAlchemy, numpy, PyAV), so it runs in the background after the window shows."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ver_desktop.core.bundle import BundleInfo, Classifier
    from ver_desktop.core.library import Library
    from ver_desktop.core.model_key import ModelKey


@dataclass
class Session:
    data_dir: Path
    library: Library
    bundle: BundleInfo
    _classifier: Classifier | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def model(self) -> ModelKey:
        from ver_desktop.core.model_key import ModelKey

        return ModelKey(self.bundle.name, self.bundle.version)

    def classifier(self) -> Classifier:
        """Loaded once, on first use (onnxruntime is heavy), from whichever thread asks."""
        from ver_desktop.core.bundle import Classifier

        with self._lock:
            if self._classifier is None:
                self._classifier = Classifier(self.bundle, threads=2)
            return self._classifier

    def close(self) -> None:
        self.library.close()


def open_session(data_dir: Path, bundle_dir: Path, library_url: str,
                 path_map: Sequence[str] = ()) -> Session:
    """The library at `library_url` (the SQLite file in `data_dir`, or a shared one whose
    shares this computer mounts as `path_map` says: see shared_paths)."""
    from ver_desktop.core.bundle import read_bundle_info
    from ver_desktop.core.library import Library, shared_paths

    bundle = read_bundle_info(bundle_dir)
    library = Library(library_url, path_map=shared_paths.from_environment(path_map))
    return Session(data_dir, library, bundle)
