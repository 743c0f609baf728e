"""The library table's columns come from one registry (gui/columns.py): each one the
library can sort by, each one reading a row of the library, the model's say hidden in the
Failed files view."""

from __future__ import annotations

import dataclasses

from ver_desktop.core.library import VideoRow
from ver_desktop.core.library.browse import SORT_KEYS
from ver_desktop.gui.columns import COLUMNS, TAG_KEYS, column_of, position


def row(**changes: object) -> VideoRow:
    base = VideoRow(id=1, path="/v/calm song.mp4", name="calm song.mp4", folder="/v",
                    status="ok", duration=95.0, quadrant="PV-NA", octant="pleased",
                    confidence=0.8, valence=0.4, arousal=-0.3, corrected=False,
                    error_reason=None, model="ver-musicnn@0.3.0", segment=(10.0, 40.0),
                    mostly_speech=False,
                    speech_likeness=0.1)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_every_sortable_column_is_one_the_library_sorts_by() -> None:
    assert {c.key for c in COLUMNS if c.sortable} <= set(SORT_KEYS)
    assert len({c.key for c in COLUMNS}) == len(COLUMNS)


def test_each_column_reads_a_row_in_words() -> None:
    shown = {c.key: c.show(row(), False) for c in COLUMNS}
    assert shown == {"thumbnail": "", "name": "calm song.mp4", "duration": "1:35",
                     "quadrant": "calm, content", "octant": "pleased", "confidence": "80%",
                     "valence": "+0.40", "arousal": "-0.30", "status": "ok", "folder": "/v"}
    mine = row(corrected=True)
    assert column_of("quadrant").show(mine, False) == "calm, content ✎"  # words, no code
    assert column_of("confidence").show(mine, False) == "your tag"
    failed = row(status="failed", error_reason="no audio track", quadrant=None)
    assert column_of("name").show(failed, False) == "calm song.mp4 — no audio track"
    assert column_of("status").show(row(status="pending"), True) == "working…"


def test_the_models_say_is_what_the_failed_view_hides() -> None:
    assert set(TAG_KEYS) == {"quadrant", "octant", "confidence", "valence", "arousal"}
    hidden = {c.key for c in COLUMNS if not c.when_failed}
    assert set(TAG_KEYS) <= hidden and "name" not in hidden and "status" not in hidden
    assert COLUMNS[position("status")].key == "status"
