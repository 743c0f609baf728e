"""One typed error for everything that can go wrong with a file, with a reason a person reads."""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    MISSING = "missing"
    UNREADABLE = "unreadable"
    NOT_MEDIA = "not_media"
    NO_AUDIO = "no_audio"
    CORRUPT = "corrupt"
    TOO_SHORT = "too_short"
    SILENT = "silent"
    CRASHED = "crashed"
    TIMED_OUT = "timed_out"
    INTERNAL = "internal"


class MediaError(Exception):
    """A file that cannot be analysed, and why. Stored with the file; never a traceback."""

    def __init__(self, kind: ErrorKind, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason

    def __reduce__(self) -> tuple[type[MediaError], tuple[ErrorKind, str]]:
        # Keeps the kind when the error crosses a process boundary.
        return (MediaError, (self.kind, self.reason))


class FeatureInputError(ValueError):
    """A signal handed to the feature extractor that breaks its contract."""


class BundleError(Exception):
    """A model bundle that cannot be loaded (missing, malformed, wrong feature version)."""


class LibraryError(Exception):
    """A library that cannot be used as it is (written by a newer version, damaged), with
    what to do about it."""
