"""Claims: which running scan has which file in hand, so two scans of one library (two
windows, the app beside the command line, two computers on a shared library) never analyse
the same file twice.

A scan claims the files it planned before it decodes them, renews its claims as it writes
results, and drops them when it ends. A claim whose scan died lapses: at once when the scan
ran on this computer and its process is gone, else after `CLAIM_SECONDS` without renewal.
A scan whose claims could not be released (the server was down as it ended) leaves them
behind in a process that lives on (the app's window): the next claim in that process drops
them, so its own earlier scan never keeps its next one waiting.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, literal, select, update
from sqlalchemy.orm import Session

from ver_desktop.core.library.schema import Claim, Video, VideoStatus, utcnow

CLAIM_SECONDS = 600.0  # a scan renews at every batch it writes, about once a second
_CHUNK = 500  # ids per statement, under SQLite's bound-parameter limit

_unreleased: set[str] = set()  # this process's ended scans whose claims may still be stored
_unreleased_lock = threading.Lock()  # the GUI's scan and writer threads both come here


def new_token() -> str:
    return uuid.uuid4().hex


def claim(s: Session, token: str, video_ids: Sequence[int], insert: Any) -> set[int]:
    """Claim those of `video_ids` that are still pending and that no live scan holds;
    returns the ids now this scan's. (A file another scan finished since this one planned
    is no longer pending, so it is not analysed twice.)"""
    now = utcnow()
    host = socket.gethostname()
    # A write first: the transaction holds the write lock before it reads anything.
    s.execute(delete(Claim).where(Claim.renewed_at < now - dt.timedelta(seconds=CLAIM_SECONDS)))
    holders = s.execute(select(Claim.scan, Claim.pid).where(Claim.host == host).distinct())
    dead = {scan for scan, pid in holders if not _alive(pid)}
    dead |= leftovers()
    if dead:
        s.execute(delete(Claim).where(Claim.scan.in_(dead)))
    mine: set[int] = set()
    for first in range(0, len(video_ids), _CHUNK):
        chunk = list(video_ids[first:first + _CHUNK])
        pending = select(Video.id, literal(token), literal(host), literal(os.getpid()),
                         literal(now)).where(Video.id.in_(chunk),
                                             Video.status == VideoStatus.PENDING)
        s.execute(insert(Claim).from_select(
            ["video_id", "scan", "host", "pid", "renewed_at"], pending,
        ).on_conflict_do_nothing(index_elements=["video_id"]))
        mine.update(s.scalars(select(Claim.video_id).where(
            Claim.scan == token, Claim.video_id.in_(chunk))))
    return mine


def renew(s: Session, token: str, done: Sequence[int]) -> None:
    """Drop the claims on files just written and keep the rest alive."""
    for first in range(0, len(done), _CHUNK):
        s.execute(delete(Claim).where(Claim.scan == token,
                                      Claim.video_id.in_(done[first:first + _CHUNK])))
    s.execute(update(Claim).where(Claim.scan == token).values(renewed_at=utcnow()))


def release(s: Session, token: str) -> None:
    s.execute(delete(Claim).where(Claim.scan == token))


def not_released(token: str) -> None:
    """The scan `token` has ended but its claims could not be dropped: they are dead."""
    with _unreleased_lock:
        _unreleased.add(token)


def leftovers() -> set[str]:
    """Tokens of this process's ended scans whose claims may still be stored."""
    with _unreleased_lock:
        return set(_unreleased)


def dropped(tokens: set[str]) -> None:
    """The claims of `tokens` were deleted in a committed transaction."""
    with _unreleased_lock:
        _unreleased.difference_update(tokens)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
