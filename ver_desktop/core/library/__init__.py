"""The library database: schema, migrations and the queries the app needs."""

from ver_desktop.core.library.schema import VideoStatus
from ver_desktop.core.library.store import FileStat, Library, ScanPlan, VideoRow

__all__ = ["FileStat", "Library", "ScanPlan", "VideoRow", "VideoStatus"]
