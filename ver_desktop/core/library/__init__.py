"""The library database: schema, migrations and the queries the app needs."""

from ver_desktop.core.library.browse import BulkVideo, MapPoint, VideoFilter
from ver_desktop.core.library.schema import VideoStatus
from ver_desktop.core.library.store import (
    PLAY_MODES,
    FileStat,
    Library,
    PlaylistInfo,
    ScanPlan,
    VideoRow,
    check_play,
)

__all__ = ["PLAY_MODES", "BulkVideo", "FileStat", "Library", "MapPoint", "PlaylistInfo",
           "ScanPlan", "VideoFilter", "VideoRow", "VideoStatus", "check_play"]
