"""Use cases: what a person asks of the app, written once in core and called by both front
ends (the command line and the window), each returning what it changed (`core.changes`:
`Changes`, or `Done` with a value) so the window refreshes what shows it.

- `timelines`: work out a file's emotion over time and keep it (the window's background
  job, `timeline PATH`).
- `classify`: tag files without a library (`classify PATH...`).
- `tags`: a person's tag for videos or for one stretch, or clearing it (the Tag menu, the
  map, `tag PATH [--at]`).
- `folders`: add folders, forget a folder, forget files (File menu, drops, `scan DIR`).
- `playlists`: make each kind of playlist under a free name, rename, delete, fill, reorder,
  read its items to show or play, export (the Playlist menu, `playlist ...`).

The export formats are one registry, `core.playlists.export.EXPORT_FORMATS`.
No module here imports Qt or touches the database but through `Library`.
"""
