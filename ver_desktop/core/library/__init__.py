"""The library database: schema, migrations and the queries the app needs."""

from ver_desktop.core.library.browse import BulkVideo, MapPoint, VideoFilter
from ver_desktop.core.library.schema import VideoStatus
from ver_desktop.core.library.store import FileStat, Library, PlaylistInfo, ScanPlan, VideoRow

__all__ = ["BulkVideo", "FileStat", "Library", "MapPoint", "PlaylistInfo", "ScanPlan",
           "VideoFilter", "VideoRow", "VideoStatus"]
