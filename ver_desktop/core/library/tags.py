"""A person's own tags: on a file, and on one stretch of a file. Analysis never writes
them, so they are never overwritten; they win wherever a tag is shown."""

from __future__ import annotations

from ver_desktop.core.labels import OCTANT_QUADRANT, OCTANTS, QUADRANTS
from ver_desktop.core.library import timelines
from ver_desktop.core.library.base import LibraryBase, dialect_insert
from ver_desktop.core.library.schema import UserLabel, utcnow


class TagStore(LibraryBase):
    def set_user_label(self, video_id: int, *, quadrant: str | None = None,
                       octant: str | None = None) -> None:
        """A person's own tag; an octant implies its quadrant."""
        quadrant, octant = checked_tag(quadrant, octant)
        values = {"quadrant": quadrant, "octant": octant, "updated_at": utcnow()}
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
                          octant: str | None = None) -> None:
        """A person's tag for one stretch (no other changes); an octant implies its
        quadrant; neither: back to the model's."""
        quadrant, octant = checked_tag(quadrant, octant)
        with self.session() as s, s.begin():
            timelines.label(s, stretch_id, quadrant, octant)


def checked_tag(quadrant: str | None, octant: str | None) -> tuple[str | None, str | None]:
    if octant is not None:
        if octant not in OCTANTS:
            raise ValueError(f"unknown octant {octant!r}")
        quadrant = OCTANT_QUADRANT[octant]
    if quadrant is not None and quadrant not in QUADRANTS:
        raise ValueError(f"unknown quadrant {quadrant!r}")
    return quadrant, octant
