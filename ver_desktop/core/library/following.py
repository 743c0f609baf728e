"""A file's timeline and stretches follow its file (issue 22: what a person said wins
everywhere, one rule). Its timeline points and stretches show the model's own points
moved by the personal layer's shift (the file's shown point before any tag of a person's,
minus the model's own point). A person's tag on the whole file speaks for the file, not
for each of its parts: a film tagged "calm" keeps the tense song inside it tense (moving
every part by the file's move listed that song as calm and pushed stretches off the map,
issue 23's user test); its parts take the person's word when tagged themselves. A file
with a single stretch is that stretch: it shows the file's effective tag. A person's tag
on a stretch wins for that stretch (timelines._stored applies it on top).

Written here, once, for the tag use case (a file tag changed), for relearn (shown points
moved) and for storing a timeline (new stretches)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ver_desktop.core.labels import OCTANT_QUADRANT, corrected_point, octant_of, quadrant_of
from ver_desktop.core.library.browse import chunks
from ver_desktop.core.library.schema import Analysis, StretchRow, UserLabel, of_model
from ver_desktop.core.model_key import ModelKey

MOVED = 1e-6  # a stretch whose shown point moves less than this is not rewritten


@dataclass(frozen=True)
class Effective:
    """A file's tag as everyone sees it, and the model's own point under it."""

    valence: float
    arousal: float
    quadrant: str
    octant: str
    own_valence: float
    own_arousal: float
    layer_shift: tuple[float, float] = (0.0, 0.0)  # the personal layer's move

    def moves(self, own_valence: float, own_arousal: float) -> tuple[float, float]:
        """Where a part of the file (a stretch, a timeline point) at the model's own
        point shows."""
        return own_valence + self.layer_shift[0], own_arousal + self.layer_shift[1]


def effective(valence: float, arousal: float, quadrant: str, octant: str,
              own: tuple[float | None, float | None], label: tuple[str | None, str | None],
              dropped: tuple[float | None, float | None] = (None, None)) -> Effective:
    """The shown reading with a person's tag (if any) applied, as videos._row does;
    `dropped`: where they dropped it on the map, if they did."""
    own_v = valence if own[0] is None else own[0]
    own_a = arousal if own[1] is None else own[1]
    label_quadrant, label_octant = label
    layer_shift = (valence - own_v, arousal - own_a)
    if label_quadrant is None and label_octant is None:
        return Effective(valence, arousal, quadrant, octant, own_v, own_a, layer_shift)
    tagged = label_quadrant or OCTANT_QUADRANT[str(label_octant)]
    v, a = corrected_point(valence, arousal, tagged, label_octant, dropped)
    return Effective(v, a, tagged, label_octant or octant_of(v, a), own_v, own_a,
                     layer_shift)


def own_tag(quadrant: str, octant: str, valence: float, arousal: float,
            own: tuple[float | None, float | None]) -> tuple[str, str]:
    """The model's own quadrant and octant: the stored ones while nothing moved its point
    (no layer), else read off its own point as a scan reads them."""
    if own[0] is None or own[1] is None or own == (valence, arousal):
        return quadrant, octant
    return quadrant_of(own[0], own[1]), octant_of(own[0], own[1])


def _effective_columns() -> tuple[Any, ...]:
    return (Analysis.valence, Analysis.arousal, Analysis.quadrant, Analysis.octant,
            Analysis.own_valence, Analysis.own_arousal, UserLabel.quadrant, UserLabel.octant,
            UserLabel.valence, UserLabel.arousal)


def _from_row(row: Any) -> Effective:
    v, a, q, o, own_v, own_a, label_q, label_o, label_v, label_a = row
    return effective(v, a, q, o, (own_v, own_a), (label_q, label_o), (label_v, label_a))


def file_effective(s: Session, video_id: int, model: ModelKey) -> Effective | None:
    """The file's tag as everyone sees it (None if not analysed)."""
    row = s.execute(select(*_effective_columns())
                    .outerjoin(UserLabel, UserLabel.video_id == Analysis.video_id)
                    .where(Analysis.video_id == video_id, *of_model(Analysis, model))).first()
    return None if row is None else _from_row(row)


def follow(s: Session, video_ids: Iterable[int], model: ModelKey | None = None) -> set[int]:
    """Rewrite the shown points of these files' stretches (of `model`, or of every
    model); returns the files whose stretches moved."""
    moved: set[int] = set()
    for part in chunks(list(dict.fromkeys(video_ids))):
        rows = _stretch_updates(s, part, model)
        if rows:
            s.connection().execute(
                update(StretchRow).where(StretchRow.id == bindparam("b_id")).values(
                    valence=bindparam("b_v"), arousal=bindparam("b_a"),
                    quadrant=bindparam("b_q"), octant=bindparam("b_o")), rows)
            moved.update(row["video"] for row in rows)
    return moved


def _stretch_updates(s: Session, video_ids: Any, model: ModelKey | None) -> list[dict[str, Any]]:
    where = [] if model is None else list(of_model(StretchRow, model))
    stretches: dict[tuple[int, str, str], list[Any]] = defaultdict(list)
    for row in s.execute(select(
            StretchRow.id, StretchRow.video_id, StretchRow.model_name, StretchRow.model_version,
            StretchRow.valence, StretchRow.arousal, StretchRow.quadrant, StretchRow.octant,
            StretchRow.own_valence, StretchRow.own_arousal)
            .where(StretchRow.video_id.in_(video_ids), *where)):
        stretches[(row.video_id, row.model_name, row.model_version)].append(row)
    if not stretches:
        return []
    files = {(row[0], row[1], row[2]): _from_row(row[3:]) for row in s.execute(
        select(Analysis.video_id, Analysis.model_name, Analysis.model_version,
               *_effective_columns())
        .outerjoin(UserLabel, UserLabel.video_id == Analysis.video_id)
        .where(Analysis.video_id.in_(video_ids)))}
    updates = []
    for key, rows in stretches.items():
        for row, shown in zip(rows, _shown(rows, files.get(key)), strict=True):
            if _differs(row, shown):
                v, a, q, o = shown
                updates.append({"b_id": row.id, "b_v": v, "b_a": a, "b_q": q, "b_o": o,
                                "video": key[0]})
    return updates


def _shown(rows: list[Any], file: Effective | None) -> list[tuple[float, float, str, str]]:
    """Each stretch's shown point, quadrant and octant."""
    if file is not None and len(rows) == 1:  # the single stretch IS the file
        return [(file.valence, file.arousal, file.quadrant, file.octant)]
    shown = []
    for row in rows:
        v = row.valence if row.own_valence is None else row.own_valence
        a = row.arousal if row.own_arousal is None else row.own_arousal
        if file is not None:
            v, a = file.moves(v, a)
        shown.append((v, a, quadrant_of(v, a), octant_of(v, a)))
    return shown


def _differs(row: Any, shown: tuple[float, float, str, str]) -> bool:
    v, a, q, o = shown
    return (q, o) != (row.quadrant, row.octant) or (
        abs(v - row.valence) > MOVED or abs(a - row.arousal) > MOVED)
