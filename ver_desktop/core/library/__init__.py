"""The library database: schema, migrations and the queries the app needs, one module
per subject (videos, folders, tags, playlist_store, timeline_store, scans) and `Library`
(store.py), which opens the database and holds them all."""

from ver_desktop.core.library.browse import BulkVideo, MapPoint, VideoFilter
from ver_desktop.core.library.playlist_store import PLAY_MODES, PlaylistInfo, check_play
from ver_desktop.core.library.scans import FileStat, ScanPlan
from ver_desktop.core.library.schema import VideoStatus
from ver_desktop.core.library.store import Library
from ver_desktop.core.library.videos import VideoRow

__all__ = ["PLAY_MODES", "BulkVideo", "FileStat", "Library", "MapPoint", "PlaylistInfo",
           "ScanPlan", "VideoFilter", "VideoRow", "VideoStatus", "check_play"]
