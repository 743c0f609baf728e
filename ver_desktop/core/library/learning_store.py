"""What the personal layer (core/personal.py, core/usecases/learning.py) asks of the
library: the tagged files it learns from, every analysed file's embedding and own point
(streamed in chunks, never the whole library at once), the bulk rewrite of the shown
readings, the layer's settings, the tag log, and the embeddings made in the background
for files analysed before they were kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select, update

from ver_desktop.core.bundle import Prediction
from ver_desktop.core.content import SPEECH_THRESHOLD
from ver_desktop.core.labels import quadrant_of
from ver_desktop.core.library import following
from ver_desktop.core.library.base import LibraryBase, dialect_insert
from ver_desktop.core.library.browse import chunks
from ver_desktop.core.library.schema import (
    Analysis,
    LearningSettings,
    TagLogRow,
    UserLabel,
    Video,
    VideoStatus,
    model_values,
    of_model,
    utcnow,
)
from ver_desktop.core.model_key import ModelKey

CHUNK = 5000  # analysed files read (and rewritten) at a time


@dataclass(frozen=True)
class LearningSettingsRow:
    enabled: bool = True
    forgotten_at: dt.datetime | None = None  # tags before this are not learned from


@dataclass(frozen=True)
class TaggedFile:
    """A file a person tagged, as the layer learns from it."""

    video_id: int
    embedding: bytes
    own: tuple[float, float]  # the model's own point
    quadrant: str | None  # the person's tag
    octant: str | None


@dataclass(frozen=True)
class AnalysedFile:
    """One analysis as the layer reads it and rewrites it."""

    analysis_id: int
    video_id: int
    embedding: bytes | None
    own: tuple[float, float]
    stored_own: float | None  # own_valence as stored (the rewrite's guard)
    valence: float  # shown now
    arousal: float
    quadrant: str
    octant: str
    confidence: float


@dataclass(frozen=True)
class Rewrite:
    """A new shown reading for one analysis, read off its point (see bundle.prediction_at)."""

    file: AnalysedFile
    prediction: Prediction


@dataclass(frozen=True)
class LogEntry:
    video_id: int | None
    at: dt.datetime
    quadrant: str  # the person's
    shown_quadrant: str  # what showed just before (the layer as it was)
    own_quadrant: str  # the model's own


class LearningStore(LibraryBase):
    # -- settings ---------------------------------------------------------------------------

    def learning_settings(self, model: ModelKey) -> LearningSettingsRow:
        with self.session() as s:
            row = s.get(LearningSettings, tuple(ModelKey(*model)))
            return (LearningSettingsRow() if row is None
                    else LearningSettingsRow(bool(row.enabled), row.forgotten_at))

    def set_learning_settings(self, model: ModelKey, *, enabled: bool | None = None,
                              forget: bool = False) -> LearningSettingsRow:
        """Learning on or off, and/or forget what it learned (later fits use only tags
        given after now); returns the settings as they are now."""
        current = self.learning_settings(model)
        settings = LearningSettingsRow(current.enabled if enabled is None else enabled,
                                       utcnow() if forget else current.forgotten_at)
        values = {"enabled": settings.enabled, "forgotten_at": settings.forgotten_at}
        with self.session() as s, s.begin():
            statement = dialect_insert(s)(LearningSettings).values(**model_values(model),
                                                                   **values)
            s.execute(statement.on_conflict_do_update(
                index_elements=["model_name", "model_version"], set_=values))
        return settings

    def mark_relearned(self, model: ModelKey) -> None:
        """A relearn moved shown readings: say so in the change stamp (videos.py)."""
        values = {"relearned_at": utcnow()}
        with self.session() as s, s.begin():
            statement = dialect_insert(s)(LearningSettings).values(**model_values(model),
                                                                   **values)
            s.execute(statement.on_conflict_do_update(
                index_elements=["model_name", "model_version"], set_=values))

    # -- what the layer learns from and lays over -----------------------------------------

    def learning_tags(self, model: ModelKey, since: dt.datetime | None, *,
                      latest: int | None = None) -> list[TaggedFile]:
        """The files a person tagged (since `since`) whose analysis by `model` has an
        embedding; with `latest`, only that many of the most recently tagged."""
        query = (select(Analysis.video_id, Analysis.embedding, Analysis.own_valence,
                        Analysis.own_arousal, Analysis.valence, Analysis.arousal,
                        UserLabel.quadrant, UserLabel.octant)
                 .join(UserLabel, UserLabel.video_id == Analysis.video_id)
                 .where(*of_model(Analysis, model), Analysis.embedding.is_not(None),
                        or_(UserLabel.quadrant.is_not(None), UserLabel.octant.is_not(None)))
                 .order_by(UserLabel.updated_at.desc(), Analysis.video_id.desc())
                 .limit(latest))
        if since is not None:
            query = query.where(UserLabel.updated_at > since)
        with self.session() as s:
            return [TaggedFile(video_id, bytes(embedding or b""), _own(ov, oa, v, a), q, o)
                    for video_id, embedding, ov, oa, v, a, q, o in s.execute(query)]

    def count_learning_tags(self, model: ModelKey, since: dt.datetime | None) -> int:
        query = (select(func.count()).select_from(Analysis)
                 .join(UserLabel, UserLabel.video_id == Analysis.video_id)
                 .where(*of_model(Analysis, model), Analysis.embedding.is_not(None),
                        or_(UserLabel.quadrant.is_not(None), UserLabel.octant.is_not(None))))
        if since is not None:
            query = query.where(UserLabel.updated_at > since)
        with self.session() as s:
            return int(s.scalar(query) or 0)

    def analysed_files(self, model: ModelKey, *, askable: bool = False,
                       size: int = CHUNK) -> Iterator[list[AnalysedFile]]:
        """Every analysis by `model`, `size` at a time (each chunk read on its own, so no
        read spans the whole library); `askable`: only the files "ask me" may offer
        (present, untagged, not mostly speech, with an embedding)."""
        last = 0
        while True:
            query = _analysed(model).where(Analysis.id > last).order_by(Analysis.id).limit(size)
            if askable:
                query = _askable(query)
            found = self._analysed_files(query)
            if not found:
                return
            yield found
            last = found[-1].analysis_id

    def analysed_files_of(self, model: ModelKey,
                          video_ids: Sequence[int]) -> Iterator[list[AnalysedFile]]:
        """The analyses by `model` of these files, a chunk at a time."""
        for part in chunks(list(dict.fromkeys(video_ids))):
            found = self._analysed_files(_analysed(model).where(Analysis.video_id.in_(part)))
            if found:
                yield found

    def _analysed_files(self, query: Any) -> list[AnalysedFile]:
        with self.session() as s:
            return [AnalysedFile(aid, vid, None if e is None else bytes(e),
                                 _own(ov, oa, v, a), ov, v, a, q, o, c)
                    for aid, vid, e, ov, oa, v, a, q, o, c in s.execute(query)]

    def embedding_sample(self, model: ModelKey, limit: int) -> list[bytes]:
        """Up to about `limit` of the embeddings of `model`'s analyses, spread evenly over
        the library (every one while there are fewer)."""
        count = self.count_embeddings(model)
        step = max(1, -(-count // max(limit, 1)))
        query = select(Analysis.embedding).where(*of_model(Analysis, model),
                                                 Analysis.embedding.is_not(None))
        if step > 1:
            query = query.where(Analysis.id % step == 0)
        with self.session() as s:
            return [bytes(data) for data in s.scalars(query.order_by(Analysis.id)) if data]

    def count_embeddings(self, model: ModelKey) -> int:
        query = select(func.count()).select_from(Analysis).where(
            *of_model(Analysis, model), Analysis.embedding.is_not(None))
        with self.session() as s:
            return int(s.scalar(query) or 0)

    def count_adjusted(self, model: ModelKey) -> int:
        """Files whose shown tag differs from the model's own, no person's tag on them."""
        count, last = 0, 0
        while True:
            query = (select(Analysis.id, Analysis.quadrant, Analysis.octant, Analysis.valence,
                            Analysis.arousal, Analysis.own_valence, Analysis.own_arousal)
                     .outerjoin(UserLabel, UserLabel.video_id == Analysis.video_id)
                     .where(*of_model(Analysis, model), Analysis.id > last,
                            or_(UserLabel.video_id.is_(None),
                                and_(UserLabel.quadrant.is_(None), UserLabel.octant.is_(None))))
                     .order_by(Analysis.id).limit(CHUNK * 4))
            with self.session() as s:
                rows = s.execute(query).all()
            if not rows:
                return count
            count += sum(following.own_tag(q, o, v, a, (ov, oa)) != (q, o)
                         for _, q, o, v, a, ov, oa in rows)
            last = rows[-1][0]

    def rewrite_readings(self, rewrites: Sequence[Rewrite]) -> list[int]:
        """Store these shown readings (the model's own point is kept beside them); an
        analysis a scan replaced meanwhile (its own point changed) is left alone. Returns
        the files rewritten. One transaction per chunk of `CHUNK`."""
        statement = (update(Analysis)
                     .where(Analysis.id == bindparam("b_id"),
                            Analysis.own_valence.is_not_distinct_from(bindparam("b_guard")))
                     .values(quadrant=bindparam("b_q"), octant=bindparam("b_o"),
                             confidence=bindparam("b_c"),
                             quadrant_probs=bindparam("b_qp"), octant_probs=bindparam("b_op"),
                             valence=bindparam("b_v"), arousal=bindparam("b_a"),
                             own_valence=bindparam("b_ov"), own_arousal=bindparam("b_oa")))
        done: list[int] = []
        for part in chunks(list(rewrites), CHUNK):
            with self.session() as s, s.begin():
                s.connection().execute(statement, [_rewrite_values(r) for r in part])
            done += [r.file.video_id for r in part]
        return done

    def follow_files(self, video_ids: Iterable[int], model: ModelKey | None = None) -> set[int]:
        """These files' stretches follow their file's shown tag (see following.py);
        returns the files whose stretches moved."""
        with self.session() as s, s.begin():
            return following.follow(s, video_ids, model)

    def count_without_embedding(self, model: ModelKey) -> int:
        query = (select(func.count()).select_from(Analysis)
                 .join(Video, Video.id == Analysis.video_id)
                 .where(*of_model(Analysis, model), Analysis.embedding.is_(None),
                        Video.status == VideoStatus.OK))
        with self.session() as s:
            return int(s.scalar(query) or 0)

    # -- the tag log (agreement) ---------------------------------------------------------

    def log_tags(self, video_ids: Sequence[int], quadrant: str) -> int:
        """A person tagged these files `quadrant`: log it against what each model's
        analysis showed just before (and the model's own), for agreement. Files not
        analysed log nothing. Returns the entries written."""
        at = utcnow()
        entries = []
        with self.session() as s, s.begin():
            for part in chunks(list(dict.fromkeys(video_ids))):
                query = select(Analysis.video_id, Analysis.model_name, Analysis.model_version,
                               Analysis.quadrant, Analysis.own_valence, Analysis.own_arousal,
                               Analysis.valence, Analysis.arousal).where(
                    Analysis.video_id.in_(part)).order_by(Analysis.video_id, Analysis.id)
                entries += [{"video_id": vid, "model_name": name, "model_version": version,
                             "at": at, "quadrant": quadrant, "shown_quadrant": shown,
                             "own_quadrant": quadrant_of(*_own(ov, oa, v, a))}
                            for vid, name, version, shown, ov, oa, v, a in s.execute(query)]
            if entries:
                s.execute(insert(TagLogRow), entries)
        return len(entries)

    def tag_log(self, model: ModelKey, last: int) -> list[LogEntry]:
        """The last `last` tags logged for `model`, the newest first."""
        query = (select(TagLogRow).where(*of_model(TagLogRow, model))
                 .order_by(TagLogRow.at.desc(), TagLogRow.id.desc()).limit(last))
        with self.session() as s:
            return [LogEntry(r.video_id, r.at, r.quadrant, r.shown_quadrant, r.own_quadrant)
                    for r in s.scalars(query)]

    def count_tag_log(self, model: ModelKey) -> int:
        query = select(func.count(TagLogRow.id)).where(*of_model(TagLogRow, model))
        with self.session() as s:
            return int(s.scalar(query) or 0)

    # -- embeddings made later (files analysed before they were kept) ---------------------

    def store_embeddings(self, model: ModelKey, embeddings: Mapping[int, bytes]) -> int:
        """Keep these files' clip embeddings (core.personal.pack) on their analysis by
        `model`; returns how many analyses took one."""
        if not embeddings:
            return 0
        statement = (update(Analysis)
                     .where(Analysis.video_id == bindparam("b_video"), *of_model(Analysis, model))
                     .values(embedding=bindparam("b_embedding")))
        with self.session() as s, s.begin():
            result = s.connection().execute(statement, [
                {"b_video": video_id, "b_embedding": data}
                for video_id, data in embeddings.items()])
        return max(int(result.rowcount), 0)

    def without_embedding(self, model: ModelKey, limit: int = 100
                          ) -> list[tuple[int, str, float, float]]:
        """(video id, path, segment start, segment end) of analysed files whose analysis by
        `model` has no embedding yet, the oldest first."""
        query = (select(Video.id, Video.path, Analysis.segment_start, Analysis.segment_end)
                 .join(Analysis, and_(Analysis.video_id == Video.id, *of_model(Analysis, model)))
                 .where(Analysis.embedding.is_(None), Video.status == VideoStatus.OK)
                 .order_by(Video.id).limit(limit))
        with self.session() as s:
            return [(video_id, path, start, end) for video_id, path, start, end
                    in s.execute(query)]


def _own(own_valence: float | None, own_arousal: float | None, valence: float,
         arousal: float) -> tuple[float, float]:
    """The model's own point (the shown one where none was kept: an old import)."""
    if own_valence is None or own_arousal is None:
        return valence, arousal
    return own_valence, own_arousal


def _analysed(model: ModelKey) -> Any:
    return select(Analysis.id, Analysis.video_id, Analysis.embedding, Analysis.own_valence,
                  Analysis.own_arousal, Analysis.valence, Analysis.arousal, Analysis.quadrant,
                  Analysis.octant, Analysis.confidence).where(*of_model(Analysis, model))


def _askable(query: Any) -> Any:
    return (query.join(Video, Video.id == Analysis.video_id)
            .outerjoin(UserLabel, UserLabel.video_id == Analysis.video_id)
            .where(Video.status == VideoStatus.OK, Analysis.embedding.is_not(None),
                   or_(UserLabel.video_id.is_(None),
                       and_(UserLabel.quadrant.is_(None), UserLabel.octant.is_(None))),
                   or_(Analysis.speech_likeness.is_(None),
                       Analysis.speech_likeness < SPEECH_THRESHOLD)))


def _rewrite_values(rewrite: Rewrite) -> dict[str, Any]:
    p, f = rewrite.prediction, rewrite.file
    return {"b_id": f.analysis_id, "b_guard": f.stored_own, "b_q": p.quadrant,
            "b_o": p.octant, "b_c": p.confidence, "b_qp": p.quadrant_probs,
            "b_op": p.octant_probs, "b_v": p.valence, "b_a": p.arousal,
            "b_ov": f.own[0], "b_oa": f.own[1]}
