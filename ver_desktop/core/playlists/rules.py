"""Smart playlists: a `VideoFilter` stored as JSON and evaluated whenever the playlist is
read, so it always reflects the library as it is now (new files, corrections, rescans)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ver_desktop.core.errors import AppError
from ver_desktop.core.labels import OCTANTS, QUADRANTS
from ver_desktop.core.library import Library, PlaylistInfo, VideoFilter, VideoRow
from ver_desktop.core.library.timelines import StoredStretch, StretchFilter, matching
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.playlists.export import Entry, entry_for

RULE_FORMAT = 1
STATUSES = ("pending", "ok", "failed", "missing")


class PlaylistError(AppError, ValueError):
    """A playlist or rule that cannot be used, with a reason a person can read."""


def rule_to_json(rule: VideoFilter) -> dict[str, Any]:
    return {
        "format": RULE_FORMAT,
        "quadrants": sorted(rule.quadrants), "octants": sorted(rule.octants),
        "min_confidence": rule.min_confidence,
        "region": list(rule.region) if rule.region else None,
        "min_duration": rule.min_duration, "max_duration": rule.max_duration,
        "folder": rule.folder, "statuses": sorted(rule.statuses), "search": rule.search,
        "include_talk": rule.include_talk,
    }


def rule_from_json(data: Any) -> VideoFilter:
    """Validate at the boundary: a stored rule may come from an older or edited database."""
    if not isinstance(data, dict) or data.get("format") != RULE_FORMAT:
        raise PlaylistError("this smart playlist's rule is not in a format this version reads")
    quadrants = _names(data.get("quadrants"), QUADRANTS)
    octants = _names(data.get("octants"), OCTANTS)
    if quadrants is None or octants is None:
        raise PlaylistError("the rule names an unknown quadrant or octant")
    region = data.get("region")
    if region is not None and not (
            isinstance(region, list) and len(region) == 4
            and all(_number(x) is not None for x in region)
            and region[0] <= region[1] and region[2] <= region[3]):
        raise PlaylistError("the rule's valence/arousal region is malformed")
    folder = data.get("folder") or None
    if folder is not None and not isinstance(folder, str):
        raise PlaylistError("the rule's folder is malformed")
    statuses = _names(data.get("statuses"), STATUSES)
    search = data.get("search") or ""
    if statuses is None or not isinstance(search, str):
        raise PlaylistError("the rule's status or name search is malformed")
    return VideoFilter(
        quadrants=quadrants, octants=octants,
        min_confidence=_number(data.get("min_confidence")),
        region=tuple(float(x) for x in region) if region else None,  # type: ignore[arg-type]
        min_duration=_number(data.get("min_duration")),
        max_duration=_number(data.get("max_duration")),
        folder=folder, statuses=statuses, search=search,
        include_talk=_flag(data.get("include_talk")),
    )


def _flag(value: Any) -> bool:
    """A stored yes/no; absent in rules saved before talk was told apart (then no)."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise PlaylistError("the rule's talk setting is malformed")
    return value


def _names(value: Any, known: tuple[str, ...]) -> frozenset[str] | None:
    """A set of known names from a stored list; None if it is anything else."""
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) and v in known
                                              for v in value):
        return None
    return frozenset(value)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float):
        raise PlaylistError(f"expected a number in the rule, got {value!r}")
    return float(value)


def stretch_rule_to_json(rule: StretchFilter) -> dict[str, Any]:
    """A smart playlist of stretches: the stretches view's filters."""
    return {"format": RULE_FORMAT, "of": "stretches", "quadrants": sorted(rule.quadrants),
            "octants": sorted(rule.octants), "min_seconds": rule.min_seconds,
            "max_seconds": rule.max_seconds, "search": rule.search,
            "include_talk": rule.include_talk}


def stretch_rule_from_json(data: Any) -> StretchFilter:
    if not isinstance(data, dict) or data.get("of") != "stretches":
        raise PlaylistError("this smart playlist's rule is not in a format this version reads")
    quadrants = _names(data.get("quadrants"), QUADRANTS)
    octants = _names(data.get("octants"), OCTANTS)
    search = data.get("search") or ""
    if quadrants is None or octants is None or not isinstance(search, str):
        raise PlaylistError("the rule names an unknown quadrant or emotion")
    return StretchFilter(quadrants=quadrants, octants=octants,
                         min_seconds=_number(data.get("min_seconds")),
                         max_seconds=_number(data.get("max_seconds")), search=search,
                         include_talk=_flag(data.get("include_talk")))


def playlist_video_ids(library: Library, model: ModelKey,
                       playlist: PlaylistInfo) -> list[int]:
    """A playlist's videos in play order: a smart playlist's rule is evaluated now (files
    that are present and analysed, sorted by name); the others keep their stored order."""
    return [video_id for video_id, _ in playlist_items(library, model, playlist)]


def playlist_items(library: Library, model: ModelKey, playlist: PlaylistInfo
                   ) -> list[tuple[int, tuple[float, float] | None]]:
    """A playlist's items in play order: (video id, the stretch it plays or None). Smart
    playlists are evaluated now: of files (present and analysed, by name), or of
    stretches (by file and time)."""
    if playlist.kind == "stretches":
        found = library.stretches(model, stretch_rule_from_json(playlist.rule))
        return [(k.video_id, (k.stretch.start, k.stretch.end)) for k in found]
    if playlist.kind == "rule":
        rule = replace(rule_from_json(playlist.rule), statuses=frozenset({"ok"}))
        return [(video_id, None) for video_id in library.video_ids(model, rule)]
    return library.playlist_items(playlist.id)


def playlist_entries(library: Library, model: ModelKey,
                     playlist: PlaylistInfo) -> list[tuple[VideoRow, Entry]]:
    """What a playlist plays, in order: each item whose video is still in the library, with
    its entry (a stretch's start and stop, else as the playlist plays its files)."""
    items = playlist_items(library, model, playlist)
    rows = library.rows(model, [video_id for video_id, _ in items])
    return [(rows[video_id], entry_for(rows[video_id], playlist.play, span))
            for video_id, span in items if video_id in rows]


def playlist_stretches(library: Library, model: ModelKey,
                       items: list[tuple[int, tuple[float, float] | None]]
                       ) -> list[StoredStretch | None]:
    """The stretch behind each item that plays one (its emotion, and a person's tag of it),
    None for whole files and for stretches a newer timeline no longer has."""
    if not any(span for _, span in items):
        return [None] * len(items)
    found = library.stretches_of(model, [v for v, span in items if span is not None])
    return matching(items, found)
