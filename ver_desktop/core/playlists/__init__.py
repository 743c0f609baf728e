"""Playlists: manual, smart (a rule kept up to date) and mood paths; export to M3U8/XSPF
(VLC) and mpv EDL.

Pure Python over the library; no Qt.
"""

from ver_desktop.core.playlists.export import (
    EXPORT_FORMATS,
    FORMATS,
    Entry,
    ExportError,
    ExportFormat,
    entries_for,
    entry_for,
    export_m3u8,
    export_mpv_edl,
    export_playlist,
    export_xspf,
    format_for,
    format_named,
    formats_in_words,
    read_m3u8,
    read_mpv_edl,
    read_xspf,
)
from ver_desktop.core.playlists.moodpath import (
    MoodPath,
    MoodPathStep,
    mood_path,
    plan_mood_path,
    quarters_gone_back,
)
from ver_desktop.core.playlists.route import Route, routes
from ver_desktop.core.playlists.rules import (
    PlaylistError,
    playlist_entries,
    playlist_items,
    playlist_stretches,
    playlist_video_ids,
    rule_from_json,
    rule_to_json,
    stretch_rule_from_json,
    stretch_rule_to_json,
)

__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "Entry",
    "ExportError",
    "ExportFormat",
    "MoodPath",
    "MoodPathStep",
    "PlaylistError",
    "Route",
    "entries_for",
    "entry_for",
    "export_m3u8",
    "export_mpv_edl",
    "export_playlist",
    "export_xspf",
    "format_for",
    "format_named",
    "formats_in_words",
    "mood_path",
    "plan_mood_path",
    "playlist_entries",
    "playlist_items",
    "playlist_stretches",
    "playlist_video_ids",
    "quarters_gone_back",
    "read_m3u8",
    "read_mpv_edl",
    "read_xspf",
    "routes",
    "rule_from_json",
    "rule_to_json",
    "stretch_rule_from_json",
    "stretch_rule_to_json",
]
