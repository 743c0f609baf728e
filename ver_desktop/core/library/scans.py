"""What a scan asks of the library: planning against what discovery found, the files it
has in hand (claims), and storing its tags and failures in batches."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ver_desktop.core import personal
from ver_desktop.core.bundle import Prediction
from ver_desktop.core.extract import Extracted
from ver_desktop.core.library import claims, timelines
from ver_desktop.core.library.base import LibraryBase, dialect_insert, names
from ver_desktop.core.library.browse import under_roots
from ver_desktop.core.library.schema import (
    Analysis,
    Video,
    VideoStatus,
    model_values,
    of_model,
    utcnow,
)
from ver_desktop.core.model_key import ModelKey
from ver_desktop.core.text import searchable


@dataclass(frozen=True)
class FileStat:
    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Rewrite:
    """A file the app itself rewrote (its own tags, never its sound): its (size, mtime_ns)
    before and after."""

    path: str
    before: tuple[int, int]
    after: tuple[int, int]


@dataclass
class ScanPlan:
    """What a scan has to do, decided against the database before any decoding."""

    to_analyse: list[tuple[int, str]] = field(default_factory=list)  # (video id, path)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0
    skipped_failed: int = 0
    # Of the changed files: playlist items that played a stretch of one (they play the
    # file now) and stretches a person had tagged (gone with the old content)
    stretch_items: int = 0
    stretch_tags: int = 0


_PLAN_ATTEMPTS = 5  # concurrent scans adding the same new files


class ScanStore(LibraryBase):
    def plan_scan(self, roots: Sequence[str], found: Iterable[FileStat], model: ModelKey,
                  *, retry_failed: bool = False) -> ScanPlan:
        """Record what discovery found (new rows pending, changed ones reset, vanished ones
        missing) and return the files that need analysis by `model`."""
        found_by_path = {f.path: f for f in found}
        for _ in range(_PLAN_ATTEMPTS - 1):
            try:
                plan = self._plan(roots, found_by_path, model, retry_failed)
                break
            except IntegrityError:
                # Another scan added some of the same new files since this one read the
                # table; planning again sees them as known.
                continue
        else:
            plan = self._plan(roots, found_by_path, model, retry_failed)
        self._refresh_statistics(plan.new)
        return plan

    def _plan(self, roots: Sequence[str], found_by_path: dict[str, FileStat],
              model: ModelKey, retry_failed: bool) -> ScanPlan:
        plan = ScanPlan()
        with self.session() as s, s.begin():
            # Only the rows under the scanned roots: a path-prefix range on the exact path
            # bytes, so planning one dropped file does not read a 100,000-row table.
            known = {v.path: v for v in s.scalars(select(Video).where(under_roots(roots)))}
            current = set(s.scalars(select(Analysis.video_id).join(
                Video, Video.id == Analysis.video_id).where(
                *of_model(Analysis, model), under_roots(roots))))
            for stat in found_by_path.values():
                video = known.get(stat.path)
                if video is None:
                    video = _new_video(stat)
                    s.add(video)
                    plan.new += 1
                elif (video.size, video.mtime_ns) != (stat.size, stat.mtime_ns):
                    video.size, video.mtime_ns = stat.size, stat.mtime_ns
                    _reset(video)
                    # every model's tag described the old content: none may pass for current
                    s.execute(delete(Analysis).where(Analysis.video_id == video.id))
                    items, tags = timelines.forget_content(s, video.id)
                    plan.stretch_items += items
                    plan.stretch_tags += tags
                    current.discard(video.id)
                    plan.changed += 1
                elif video.status == VideoStatus.FAILED and not retry_failed:
                    plan.skipped_failed += 1
                    continue
                elif video.id in current and video.status in (VideoStatus.OK,
                                                               VideoStatus.MISSING):
                    video.status = VideoStatus.OK
                    plan.unchanged += 1
                else:  # pending, a failure to retry, or tagged by another model
                    _reset(video)
            plan.missing = _mark_missing(known.values(), found_by_path)
            s.flush()
            plan.to_analyse = [
                (v.id, v.path) for v in s.scalars(select(Video).where(
                    Video.status == VideoStatus.PENDING, under_roots(roots)))
                if v.path in found_by_path
            ]
        return plan

    def follow_rewrites(self, rewrites: Sequence[Rewrite]) -> int:
        """Take each rewritten file's new size and mtime, where the library still had it
        as it was before the rewrite (a file changed by someone else first stays changed,
        for the next scan to analyse). Returns how many rows followed."""
        followed = 0
        if not rewrites:
            return 0
        with self.session() as s, s.begin():
            for rewrite in rewrites:
                size, mtime_ns = rewrite.before
                done = s.execute(update(Video).where(
                    Video.path == rewrite.path, Video.size == size,
                    Video.mtime_ns == mtime_ns).values(
                    size=rewrite.after[0], mtime_ns=rewrite.after[1]))
                followed += done.rowcount  # type: ignore[attr-defined]
        return followed

    def known_files(self, roots: Sequence[str]) -> dict[str, tuple[int, int]]:
        """(size, mtime_ns) of the videos under `roots` that were present at the last scan."""
        query = select(Video.path, Video.size, Video.mtime_ns).where(
            Video.status != VideoStatus.MISSING, under_roots(roots))
        with self.session() as s:
            return {path: (size, mtime) for path, size, mtime in s.execute(query)}

    def record(self, results: Sequence[tuple[int, Extracted, Prediction]],
               failures: Sequence[tuple[int, str, str]], model: ModelKey,
               *, scan: str | None = None) -> None:
        """Store a batch of analyses and failures in one transaction; with the `scan`
        token that claimed them, its claims on these files end and the rest are renewed."""
        with self.session() as s, s.begin():
            for video_id, extracted, prediction in results:
                _store_analysis(s, video_id, extracted, prediction, model)
            for video_id, kind, reason in failures:
                s.execute(update(Video).where(Video.id == video_id).values(
                    status=VideoStatus.FAILED, error_kind=kind, error_reason=reason))
            if scan is not None:
                claims.renew(s, scan, [v for v, _, _ in results] + [v for v, _, _ in failures])

    def claim(self, scan: str, video_ids: Sequence[int]) -> set[int]:
        """Claim for the scan `scan` the files no other running scan has in hand; returns
        the ids it got (see claims.py)."""
        leftovers = claims.leftovers()  # dropped by this claim, once it commits
        with self.session() as s, s.begin():
            mine = claims.claim(s, scan, video_ids, dialect_insert(s))
        claims.dropped(leftovers)
        return mine

    def release(self, scan: str) -> None:
        """End the scan `scan`'s claims (it finished, stopped or failed). When they cannot
        be dropped now (the server is down), this process's next claim drops them."""
        try:
            with self.session() as s, s.begin():
                claims.release(s, scan)
        except BaseException:
            claims.not_released(scan)
            raise


def _new_video(stat: FileStat) -> Video:
    name, folder = names(stat.path)
    return Video(path=stat.path, name=name, folder=folder,
                 search_text=searchable(name, folder), size=stat.size,
                 mtime_ns=stat.mtime_ns, status=VideoStatus.PENDING)


def _reset(video: Video) -> None:
    video.status = VideoStatus.PENDING
    video.error_kind = video.error_reason = None


def _mark_missing(videos: Iterable[Video], found: dict[str, FileStat]) -> int:
    """Videos under the scanned roots (all of `videos`, as `under_roots` selected them) that
    discovery did not see: missing, not deleted."""
    count = 0
    for video in videos:
        if video.path not in found and video.status != VideoStatus.MISSING:
            video.status = VideoStatus.MISSING
            count += 1
    return count


def _store_analysis(s: Session, video_id: int, extracted: Extracted, prediction: Prediction,
                    model: ModelKey) -> None:
    """Insert or replace one model's tag in one statement: two writers storing the same
    file's tag at once (two scans, the app beside the command line) cannot collide on the
    (video, model) key between a read and a write."""
    values = {
        "quadrant": prediction.quadrant, "octant": prediction.octant,
        "confidence": prediction.confidence, "quadrant_probs": prediction.quadrant_probs,
        "octant_probs": prediction.octant_probs, "valence": prediction.valence,
        "arousal": prediction.arousal, "segment_start": extracted.start,
        "segment_end": extracted.end, "speech_likeness": extracted.speech_likeness,
        "created_at": utcnow(),
        # What the personal layer needs (core/personal.py); the reading above is what
        # shows, the model's own until a layer is learned (relearn rewrites it then)
        "embedding": personal.pack(personal.clip_embedding(extracted.features)),
        "own_valence": prediction.valence, "own_arousal": prediction.arousal,
    }
    statement = dialect_insert(s)(Analysis).values(video_id=video_id, **model_values(model),
                                                   **values)
    s.execute(statement.on_conflict_do_update(
        index_elements=["video_id", "model_name", "model_version"], set_=values))
    s.execute(update(Video).where(Video.id == video_id).values(
        status=VideoStatus.OK, duration=extracted.duration, error_kind=None, error_reason=None))
