"""The library's tables (SQLAlchemy 2.x declarative models)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from ver_desktop.core.library import shared_paths
from ver_desktop.core.model_key import ModelKey


class FsPath(TypeDecorator[str]):
    """A file-system path stored as its exact OS bytes, so names that are not valid UTF-8
    (common on old disks) survive the round trip; Python sees an ordinary `str`. In a
    shared library the stored form is the one all computers agree on (shared_paths)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        return None if value is None else os.fsencode(shared_paths.current().to_shared(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return shared_paths.current().to_local(os.fsdecode(bytes(value)))


def display_text(path: str) -> str:
    """A path as text a person can read (undecodable bytes shown as U+FFFD)."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class VideoStatus:
    PENDING = "pending"
    OK = "ok"
    FAILED = "failed"
    MISSING = "missing"


class LibraryFolder(Base):
    __tablename__ = "folders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(FsPath, unique=True)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Video(Base):
    __tablename__ = "videos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(FsPath, unique=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    folder: Mapped[str] = mapped_column(Text, index=True)
    # What search compares: name and nearest folders, without case or accents (text.searchable)
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    duration: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), index=True, default=VideoStatus.PENDING)
    error_kind: Mapped[str | None] = mapped_column(String(32))
    error_reason: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Analysis(Base):
    """One model's tag for one video; the model name and version say how stale it is."""

    __tablename__ = "analyses"
    __table_args__ = (UniqueConstraint("video_id", "model_name", "model_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"))
    model_name: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(32))
    quadrant: Mapped[str] = mapped_column(String(8), index=True)
    octant: Mapped[str] = mapped_column(String(16), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    quadrant_probs: Mapped[dict[str, float]] = mapped_column(JSON)
    octant_probs: Mapped[dict[str, float]] = mapped_column(JSON)
    valence: Mapped[float] = mapped_column(Float)
    arousal: Mapped[float] = mapped_column(Float)
    segment_start: Mapped[float] = mapped_column(Float)
    segment_end: Mapped[float] = mapped_column(Float)
    speech_likeness: Mapped[float | None] = mapped_column(Float)  # see core/content.py
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # The reading columns above are what SHOWS (the personal layer's, core/personal.py);
    # the model's own point and the clip embedding the layer reads are kept beside them.
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)  # personal.pack, 1 KB
    own_valence: Mapped[float | None] = mapped_column(Float)
    own_arousal: Mapped[float | None] = mapped_column(Float)


class Claim(Base):
    """A file a running scan has in hand, so a second scan of the same library skips it.
    A claim lapses when its scan's process is gone (same host) or it is not renewed within
    `CLAIM_SECONDS` (a scan on another computer sharing the library)."""

    __tablename__ = "claims"
    video_id: Mapped[int] = mapped_column(
        ForeignKey("videos.id", ondelete="CASCADE"), primary_key=True
    )
    scan: Mapped[str] = mapped_column(String(32), index=True)  # one scan's random token
    host: Mapped[str] = mapped_column(Text)
    pid: Mapped[int] = mapped_column(Integer)
    renewed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class UserLabel(Base):
    """A person's own tag. Analysis never writes here, so it is never overwritten."""

    __tablename__ = "user_labels"
    video_id: Mapped[int] = mapped_column(
        ForeignKey("videos.id", ondelete="CASCADE"), primary_key=True
    )
    quadrant: Mapped[str | None] = mapped_column(String(8))
    octant: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Where the person dropped the point on the map (its octant is `octant`); NULL for a
    # tag by menu or key, whose point follows labels.corrected_point's rule
    valence: Mapped[float | None] = mapped_column(Float)
    arousal: Mapped[float | None] = mapped_column(Float)


class Playlist(Base):
    __tablename__ = "playlists"
    # Names are unique in the database: two windows making "Calm" at once get one each
    __table_args__ = (Index("ux_playlists_name", "name", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # see playlist_store.PLAYLIST_KINDS
    rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What each item plays: "segment" (its analysed stretch, then the next item) or "file"
    play: Mapped[str] = mapped_column(String(8), default="segment", server_default="segment")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class PlaylistItem(Base):
    __tablename__ = "playlist_items"
    __table_args__ = (Index("ix_playlist_items_order", "playlist_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    playlist_id: Mapped[int] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"))
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    # A stretch of the file (seconds), or NULL: what the playlist plays of every file
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)



class TimelineRow(Base):
    """One model's emotion over the whole of one file (`core.timeline.Timeline`, packed)."""

    __tablename__ = "timelines"
    __table_args__ = (UniqueConstraint("video_id", "model_name", "model_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"))
    model_name: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # The `core.timeline.CUT_VERSION` that cut its stretches: another one's are recut
    cut_version: Mapped[int] = mapped_column(Integer, server_default="1")


class StretchRow(Base):
    """A stretch of one emotion in a file, cut from its timeline: an item of its own."""

    __tablename__ = "stretches"
    __table_args__ = (Index("ix_stretches_video_model", "video_id", "model_name",
                            "model_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"))
    model_name: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(32))
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    quadrant: Mapped[str] = mapped_column(String(8), index=True)
    octant: Mapped[str] = mapped_column(String(16))
    valence: Mapped[float] = mapped_column(Float)
    arousal: Mapped[float] = mapped_column(Float)
    # A person's own tag for this stretch alone (it wins, as a file's does)
    user_quadrant: Mapped[str | None] = mapped_column(String(8))
    user_octant: Mapped[str | None] = mapped_column(String(16))
    # Where the person dropped this stretch's point on the map, as for a file's tag
    user_valence: Mapped[float | None] = mapped_column(Float)
    user_arousal: Mapped[float | None] = mapped_column(Float)
    # The model's own point (valence/arousal above show it moved by its file's shift)
    own_valence: Mapped[float | None] = mapped_column(Float)
    own_arousal: Mapped[float | None] = mapped_column(Float)
    # A run of talk (core/timeline.py): no emotion to read, left out of mood paths
    speech: Mapped[bool] = mapped_column(Boolean, server_default="0", default=False)


class LearningSettings(Base):
    """The personal layer's settings, one row per model (one layer per library: on a
    shared library it learns from everyone's tags). No row: on, nothing forgotten."""

    __tablename__ = "learning_settings"
    model_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    model_version: Mapped[str] = mapped_column(String(32), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # Tags given before this are not learned from ("forget what it learned"); NULL: all
    forgotten_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # When a relearn last moved shown readings: other windows on a shared library see it
    relearned_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class TagLogRow(Base):
    """One file tag a person gave, with what showed just before it (the layer as it was)
    and the model's own quadrant: how often it agreed is told from these."""

    __tablename__ = "tag_log"
    __table_args__ = (Index("ix_tag_log_model_at", "model_name", "model_version", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The file may be forgotten later; what it said about the layer stays
    video_id: Mapped[int | None] = mapped_column(ForeignKey("videos.id", ondelete="SET NULL"))
    model_name: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    quadrant: Mapped[str] = mapped_column(String(8))  # the person's
    shown_quadrant: Mapped[str] = mapped_column(String(8))
    own_quadrant: Mapped[str] = mapped_column(String(8))


# the tables kept per model
Keyed = (type[Analysis] | type[TimelineRow] | type[StretchRow] | type[LearningSettings]
         | type[TagLogRow])


def of_model(table: Keyed, model: ModelKey) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The rows of `table` from `model` (a plain (name, version) tuple is read as one)."""
    key = ModelKey(*model)
    return table.model_name == key.name, table.model_version == key.version


def model_values(model: ModelKey) -> dict[str, str]:
    """The model's columns of a row to insert."""
    key = ModelKey(*model)
    return {"model_name": key.name, "model_version": key.version}
