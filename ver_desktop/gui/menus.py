"""Menus and keyboard shortcuts of the main window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ver_desktop.core.labels import OCTANTS, QUADRANTS
from ver_desktop.gui.style import QUADRANT_NAMES

if TYPE_CHECKING:
    from ver_desktop.gui.main_window import MainWindow


def _action(window: MainWindow, text: str,
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    return action


def install(window: MainWindow) -> None:
    actions: dict[str, QAction] = {}
    window.actions_by_name = actions
    bar = window.menuBar()

    file_menu = bar.addMenu("&File")
    for name, text, key, slot in (
        ("add_folder", "&Add folder…", QKeySequence.StandardKey.Open, window.choose_folder),
        ("remove_folder", "&Remove folder…", None, window.remove_folder),
        ("rescan", "R&escan library", QKeySequence.StandardKey.Refresh, window.rescan),
        ("cancel_scan", "S&top scanning", "Esc", window.cancel_scan),
    ):
        action = _action(window, text, key)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        file_menu.addAction(action)
        actions[name] = action
    actions["cancel_scan"].setEnabled(False)  # until a scan runs
    file_menu.addSeparator()
    settings = _action(window, "&Settings…", QKeySequence.StandardKey.Preferences)
    settings.triggered.connect(window.open_settings)
    file_menu.addAction(settings)
    file_menu.addSeparator()
    quit_action = _action(window, "&Quit", QKeySequence.StandardKey.Quit)
    quit_action.triggered.connect(window.close)
    file_menu.addAction(quit_action)

    view_menu = bar.addMenu("&View")
    search = _action(window, "&Find by name", QKeySequence.StandardKey.Find)
    search.triggered.connect(lambda: window.library_view.filters.search.setFocus())
    grid = _action(window, "Thumbnail &grid", "Ctrl+G")
    grid.setCheckable(True)
    grid.toggled.connect(window.library_view.show_grid)
    view_menu.addActions([search, grid])
    actions["grid"] = grid

    tag_menu = bar.addMenu("&Tag")
    for i, quadrant in enumerate(QUADRANTS, start=1):
        action = _action(window, f"{quadrant}  ({QUADRANT_NAMES[quadrant]})", f"Alt+{i}")
        action.triggered.connect(lambda _c=False, q=quadrant: window.correct(quadrant=q))
        tag_menu.addAction(action)
        actions[f"quadrant:{quadrant}"] = action
    tag_menu.addSeparator()
    for i, octant in enumerate(OCTANTS, start=1):
        action = _action(window, octant, f"Ctrl+{i}")
        action.triggered.connect(lambda _c=False, o=octant: window.correct(octant=o))
        tag_menu.addAction(action)
        actions[f"octant:{octant}"] = action
    tag_menu.addSeparator()
    clear = _action(window, "&Clear my tag (use the model's)", "Ctrl+0")
    clear.triggered.connect(lambda: window.correct())
    tag_menu.addAction(clear)
    actions["clear_tag"] = clear
    window.tag_menu = tag_menu
    _playlist_menu(window, actions)
    help_menu = bar.addMenu("&Help")
    about = _action(window, "&About ver_desktop")
    about.triggered.connect(window.open_about)
    help_menu.addAction(about)


def _playlist_menu(window: MainWindow, actions: dict[str, QAction]) -> None:
    menu = window.menuBar().addMenu("&Playlist")
    lists = window.playlists
    for name, text, key, slot in (
        ("play_playlist", "&Play playlist", "Ctrl+P", window.play_playlist),
        ("new_playlist", "&New playlist from selection…", "Ctrl+N", lists.new_manual),
        ("new_smart", "New &smart playlist from filters…", "Ctrl+Shift+N", lists.new_smart),
        ("new_mood_path", "New &mood path…", "Ctrl+M", lists.new_mood_path),
        ("remove_from_playlist", "&Remove from playlist", "Del", lists.remove_selected),
        ("move_up", "Move &up", "Ctrl+Up", lambda: lists.move_selected(-1)),
        ("move_down", "Move &down", "Ctrl+Down", lambda: lists.move_selected(1)),
        ("rename_playlist", "Rena&me playlist…", None, lists.rename),
        ("delete_playlist", "&Delete playlist", None, lists.delete),
        ("export_m3u8", "Export as M3U&8…", None, lambda: lists.export("m3u8")),
        ("export_xspf", "Export as &XSPF…", None, lambda: lists.export("xspf")),
        ("export_edl", "Export for mp&v (EDL)…", None, lambda: lists.export("edl")),
    ):
        action = _action(window, text, key)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        menu.addAction(action)
        actions[name] = action
        if name in ("play_playlist", "new_mood_path", "move_down", "delete_playlist"):
            menu.addSeparator()
    segments = _action(window, "Play se&gments only",
                       tip="Each video plays its analysed stretch, then the next one starts; "
                           "off: whole files")
    segments.setCheckable(True)
    segments.toggled.connect(lists.set_segments_only)
    menu.addAction(segments)
    actions["segments_only"] = segments
    relative = _action(window, "Export with relative paths")
    relative.setCheckable(True)
    relative.setChecked(lists.relative_export)
    relative.toggled.connect(lambda on: setattr(lists, "relative_export", on))
    menu.addAction(relative)
    actions["relative_export"] = relative
    add_to = menu.addMenu("&Add selection to")
    add_to.aboutToShow.connect(lambda: _fill_add_to(window, add_to))
    menu.aboutToShow.connect(lambda: update_playlist_actions(window))
    update_playlist_actions(window)  # and whenever the window shows another place


def update_playlist_actions(window: MainWindow) -> None:
    """Enable what applies to the place shown: playlist actions only on a playlist, editing
    only on a manual one (a smart playlist's videos come from its rule)."""
    actions = getattr(window, "actions_by_name", {})
    if "segments_only" not in actions:
        return  # the menus are not built yet
    playlist = window.sidebar.place().playlist
    kind = playlist.kind if playlist is not None else None
    for name in ("play_playlist", "rename_playlist", "delete_playlist", "export_m3u8",
                 "export_xspf", "export_edl", "segments_only"):
        actions[name].setEnabled(playlist is not None)
    actions["remove_from_playlist"].setEnabled(kind in ("manual", "mood_path"))
    for name in ("move_up", "move_down"):
        actions[name].setEnabled(kind == "manual")
    segments = actions["segments_only"]
    segments.blockSignals(True)
    segments.setChecked(playlist is None or playlist.play == "segment")
    segments.blockSignals(False)


def _fill_add_to(window: MainWindow, menu: QMenu) -> None:
    menu.clear()
    for row in range(window.sidebar.list.count()):
        place = window.sidebar.list.item(row).data(Qt.ItemDataRole.UserRole)
        playlist = getattr(place, "playlist", None)
        if playlist is not None and playlist.kind == "manual":
            action = menu.addAction(playlist.name)
            action.triggered.connect(lambda _c=False, pid=playlist.id:
                                     window.playlists.add_selected(pid))
