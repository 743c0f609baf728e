"""Menus and keyboard shortcuts of the main window. They are built from the slots the
window hands over (its own and the playlist actions'); nothing here reaches into it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from ver_desktop.core.labels import OCTANT_QUADRANT, OCTANTS, QUADRANTS
from ver_desktop.gui.style import QUADRANT_NAMES

if TYPE_CHECKING:
    from ver_desktop.core.library import PlaylistInfo
    from ver_desktop.gui.playlists import PlaylistActions
    from ver_desktop.gui.sidebar import Sidebar

Slot = Callable[[], Any]


@dataclass
class Menus:
    actions: dict[str, QAction] = field(default_factory=dict)
    tag_menu: QMenu | None = None
    export_menu: QMenu | None = None  # Playlist > Export, filled when first opened


def _action(owner: QObject, text: str,
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            tip: str = "") -> QAction:
    action = QAction(text, owner)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    return action


def install(bar: QMenuBar, owner: QObject, slots: Mapping[str, Slot],
            tag: Callable[..., None], show_grid: Callable[[bool], None],
            playlists: PlaylistActions, sidebar: Sidebar) -> Menus:
    """The menu bar: `slots` by name (add_folder, remove_folder, rescan, cancel_scan,
    settings, quit, find, help_learn, thats_right, play_playlist, about, write_moods,
    library_table, import_tags);
    `tag(quadrant=, octant=)` sets a person's tag (no arguments: clears it)."""
    menus = Menus()
    actions = menus.actions
    file_menu = bar.addMenu("&File")
    for name, text, key in (
        ("add_folder", "&Add folder…", QKeySequence.StandardKey.Open),
        ("remove_folder", "&Remove folder…", None),
        ("rescan", "R&escan library", QKeySequence.StandardKey.Refresh),
        ("cancel_scan", "S&top scanning", "Esc"),
    ):
        _add(file_menu, owner, actions, name, text, key, slots[name])
    actions["cancel_scan"].setEnabled(False)  # until a scan runs
    file_menu.addSeparator()
    _add(file_menu, owner, actions, "write_moods", "&Write moods…", None, slots["write_moods"])
    # not "export_…": those names are Playlist > Export's, enabled only on a playlist
    _add(file_menu, owner, actions, "library_table", "E&xport library table…", None,
         slots["library_table"]).setStatusTip("Every file's mood as a CSV or JSON table")
    _add(file_menu, owner, actions, "import_tags", "&Import tags…", None,
         slots["import_tags"]).setStatusTip("Your own tags from a CSV table (made here or "
                                            "elsewhere)")
    file_menu.addSeparator()
    _add(file_menu, owner, actions, "settings", "&Settings…",
         QKeySequence.StandardKey.Preferences, slots["settings"])
    file_menu.addSeparator()
    _add(file_menu, owner, actions, "quit", "&Quit", QKeySequence.StandardKey.Quit,
         slots["quit"])

    view_menu = bar.addMenu("&View")
    _add(view_menu, owner, actions, "find", "&Find by name", QKeySequence.StandardKey.Find,
         slots["find"])
    grid = _action(owner, "Thumbnail &grid", "Ctrl+G")
    grid.setCheckable(True)
    grid.toggled.connect(show_grid)
    view_menu.addAction(grid)
    actions["grid"] = grid
    view_menu.addSeparator()
    _add(view_menu, owner, actions, "help_learn", "&Help it learn…", "Ctrl+L",
         slots["help_learn"]).setStatusTip("Answer a few questions about the files least "
                                           "like anything you have tagged")

    menus.tag_menu = tag_menu = bar.addMenu("&Tag")
    for i, quadrant in enumerate(QUADRANTS, start=1):
        _add(tag_menu, owner, actions, f"quadrant:{quadrant}",
             f"Quarter: {QUADRANT_NAMES[quadrant].capitalize()}", f"Alt+{i}",
             partial(tag, quadrant=quadrant))
    tag_menu.addSeparator()
    for i, octant in enumerate(OCTANTS, start=1):
        # a finer feeling, named with its quarter: "happy" (the feeling) never reads like
        # "Happy, excited" (the quarter)
        quarter = QUADRANT_NAMES[OCTANT_QUADRANT[octant]].split(",")[0]
        _add(tag_menu, owner, actions, f"octant:{octant}", f"Feeling: {octant}  (in {quarter})",
             f"Ctrl+{i}",
             partial(tag, octant=octant))
    tag_menu.addSeparator()
    # Return alone previews the highlighted video (gui/library_view.py), so Ctrl+Return.
    right = _add(tag_menu, owner, actions, "thats_right", "That's &right (keep what it shows)",
                 "Ctrl+Return", slots["thats_right"])
    right.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
    right.setStatusTip("The tag shown is right: it becomes your own, and it learns from it")
    _add(tag_menu, owner, actions, "clear_tag", "&Clear my tag (use the model's)", "Ctrl+0",
         tag)
    menus.export_menu = _playlist_menu(bar, owner, actions, slots["play_playlist"], playlists,
                                       sidebar)
    help_menu = bar.addMenu("&Help")
    _add(help_menu, owner, actions, "about", "&About ver_desktop", None, slots["about"])
    return menus


def _add(menu: QMenu, owner: QObject, actions: dict[str, QAction], name: str, text: str,
         key: QKeySequence | QKeySequence.StandardKey | str | None, slot: Slot) -> QAction:
    action = _action(owner, text, key)
    action.triggered.connect(lambda _checked=False, slot=slot: slot())
    menu.addAction(action)
    actions[name] = action
    return action


def _playlist_menu(bar: QMenuBar, owner: QObject, actions: dict[str, QAction],
                   play: Slot, lists: PlaylistActions, sidebar: Sidebar) -> QMenu:
    menu = bar.addMenu("&Playlist")
    for name, text, key, slot in (
        ("play_playlist", "&Play playlist", "Ctrl+P", play),
        ("new_playlist", "&New playlist from selection…", "Ctrl+N", lists.new_manual),
        ("new_smart", "New &smart playlist from filters…", "Ctrl+Shift+N", lists.new_smart),
        ("new_mood_path", "New &mood path…", "Ctrl+M", lists.new_mood_path),
        ("remove_from_playlist", "&Remove from playlist", "Del", lists.remove_selected),
        ("move_up", "Move &up", "Ctrl+Up", lambda: lists.move_selected(-1)),
        ("move_down", "Move &down", "Ctrl+Down", lambda: lists.move_selected(1)),
        ("rename_playlist", "Rena&me playlist…", None, lists.rename),
        ("delete_playlist", "&Delete playlist", None, lists.delete),
    ):
        _add(menu, owner, actions, name, text, key, slot)
        if name in ("play_playlist", "new_mood_path", "move_down", "delete_playlist"):
            menu.addSeparator()
    export = menu.addMenu("E&xport")  # filled when opened: the registry loads the library
    export.aboutToShow.connect(lambda: _fill_export(export, owner, actions, lists, sidebar))
    menu.addSeparator()
    segments = _action(owner, "Play se&gments only",
                       tip="Each video plays its analysed stretch, then the next one starts; "
                           "off: whole files")
    segments.setCheckable(True)
    segments.toggled.connect(lists.set_segments_only)
    menu.addAction(segments)
    actions["segments_only"] = segments
    relative = _action(owner, "Export with relative paths")
    relative.setCheckable(True)
    relative.setChecked(lists.relative_export)
    relative.toggled.connect(lambda on: setattr(lists, "relative_export", on))
    menu.addAction(relative)
    actions["relative_export"] = relative
    add_to = menu.addMenu("&Add selection to")
    add_to.aboutToShow.connect(lambda: _fill_add_to(sidebar, lists, add_to))
    menu.aboutToShow.connect(lambda: update_playlist_actions(actions, sidebar.place().playlist))
    update_playlist_actions(actions, None)  # and whenever the window shows another place
    return export


def update_playlist_actions(actions: Mapping[str, QAction],
                            playlist: PlaylistInfo | None) -> None:
    """Enable what applies to the place shown: playlist actions only on a playlist, editing
    only on a manual one (a smart playlist's videos come from its rule)."""
    if "segments_only" not in actions:
        return  # the menus are not built yet
    kind = playlist.kind if playlist is not None else None
    for name in ("play_playlist", "rename_playlist", "delete_playlist", "segments_only",
                 *(n for n in actions if n.startswith("export_"))):
        actions[name].setEnabled(playlist is not None)
    actions["remove_from_playlist"].setEnabled(kind in ("manual", "mood_path"))
    for name in ("move_up", "move_down"):
        actions[name].setEnabled(kind == "manual")
    segments = actions["segments_only"]
    segments.blockSignals(True)
    segments.setChecked(playlist is None or playlist.play == "segment")
    segments.blockSignals(False)


def _fill_export(menu: QMenu, owner: QObject, actions: dict[str, QAction],
                 lists: PlaylistActions, sidebar: Sidebar) -> None:
    """One entry per format the core can write (`EXPORT_FORMATS`)."""
    from ver_desktop.core.playlists.export import EXPORT_FORMATS

    if not menu.isEmpty():
        return
    for fmt in EXPORT_FORMATS:
        _add(menu, owner, actions, f"export_{fmt.key}", fmt.menu_text, None,
             partial(lists.export, fmt.key))
    update_playlist_actions(actions, sidebar.place().playlist)


def _fill_add_to(sidebar: Sidebar, lists: PlaylistActions, menu: QMenu) -> None:
    menu.clear()
    for row in range(sidebar.list.count()):
        place = sidebar.list.item(row).data(Qt.ItemDataRole.UserRole)
        playlist = getattr(place, "playlist", None)
        if playlist is not None and playlist.kind == "manual":
            action = menu.addAction(playlist.name)
            action.triggered.connect(lambda _c=False, pid=playlist.id:
                                     lists.add_selected(pid))
