"""The app's own errors, under one root: a front end catches `AppError` and shows its words;
anything else is a bug. `MediaError` is what can go wrong with one file."""

from __future__ import annotations

from enum import StrEnum


class AppError(Exception):
    """Something the app says to a person in words (its message is meant to be read)."""


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


class MediaError(AppError):
    """A file that cannot be analysed, and why. Stored with the file; never a traceback."""

    def __init__(self, kind: ErrorKind, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason

    def __reduce__(self) -> tuple[type[MediaError], tuple[ErrorKind, str]]:
        # Keeps the kind when the error crosses a process boundary.
        return (MediaError, (self.kind, self.reason))


class FeatureInputError(AppError, ValueError):
    """A signal handed to the feature extractor that breaks its contract."""


class BundleError(AppError):
    """A model bundle that cannot be loaded (missing, malformed, wrong feature version)."""


class LibraryError(AppError):
    """A library that cannot be used as it is (written by a newer version, damaged), with
    what to do about it."""
