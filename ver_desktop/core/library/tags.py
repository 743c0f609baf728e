"""A person's own tags: on a file, and on one stretch of a file. Analysis never writes
them, so they are never overwritten; they win wherever a tag is shown."""

from __future__ import annotations

import math

from ver_desktop.core.labels import OCTANT_QUADRANT, OCTANTS, QUADRANTS, dropped_tag
from ver_desktop.core.library import timelines
from ver_desktop.core.library.base import LibraryBase, dialect_insert
from ver_desktop.core.library.schema import UserLabel, utcnow

Point = tuple[float, float]


class TagStore(LibraryBase):
    def set_user_label(self, video_id: int, *, quadrant: str | None = None,
                       octant: str | None = None, point: Point | None = None) -> None:
        """A person's own tag; an octant implies its quadrant. `point`: where they dropped
        it on the map, kept, its octant the tag (see `dropped`); without one, any point
        kept before is forgotten."""
        quadrant, octant, kept = dropped(quadrant, octant, point)
        values = {"quadrant": quadrant, "octant": octant, "valence": kept[0],
                  "arousal": kept[1], "updated_at": utcnow()}
        with self.session() as s, s.begin():
            # One statement: two people tagging the same video at once (a shared library)
            # cannot both insert; the last one to write wins.
            statement = dialect_insert(s)(UserLabel).values(video_id=video_id, **values)
            s.execute(statement.on_conflict_do_update(index_elements=["video_id"],
                                                      set_=values))

    def clear_user_label(self, video_id: int) -> None:
        with self.session() as s, s.begin():
            label = s.get(UserLabel, video_id)
            if label is not None:
                s.delete(label)

    def set_stretch_label(self, stretch_id: int, *, quadrant: str | None = None,
                          octant: str | None = None, point: Point | None = None) -> None:
        """A person's tag for one stretch (no other changes); an octant implies its
        quadrant; `point` as for a file; none of them: back to the model's."""
        quadrant, octant, kept = dropped(quadrant, octant, point)
        with self.session() as s, s.begin():
            timelines.label(s, stretch_id, quadrant, octant, kept)


def dropped(quadrant: str | None, octant: str | None, point: Point | None
            ) -> tuple[str | None, str | None, tuple[float | None, float | None]]:
    """The tag to keep: with a point dropped on the map, the point (off an axis where it
    must be, labels.dropped_tag) and its octant, so the quarter, the octant and the point
    agree; a tag that names another octant than the point's is refused. Else the tag as
    named, with no point."""
    if point is None:
        return (*checked_tag(quadrant, octant), (None, None))
    if not all(math.isfinite(x) for x in point):
        raise ValueError(f"not a point on the map: {point!r}")
    valence, arousal, its_octant = dropped_tag(*point)
    named = checked_tag(quadrant, octant)
    if named[1] not in (None, its_octant) or named[0] not in (None, OCTANT_QUADRANT[its_octant]):
        raise ValueError(f"the point {point!r} is not in {octant or quadrant}")
    return OCTANT_QUADRANT[its_octant], its_octant, (valence, arousal)


def checked_tag(quadrant: str | None, octant: str | None) -> tuple[str | None, str | None]:
    if octant is not None:
        if octant not in OCTANTS:
            raise ValueError(f"unknown octant {octant!r}")
        quadrant = OCTANT_QUADRANT[octant]
    if quadrant is not None and quadrant not in QUADRANTS:
        raise ValueError(f"unknown quadrant {quadrant!r}")
    return quadrant, octant
