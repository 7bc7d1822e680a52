"""Server-side log-in sessions: opened at log-in, ended by log-out, password change, disabling, or timeouts.

The browser holds only a random id; the database keeps its SHA-256, so a stolen database cannot be replayed
as cookies and a signed cookie without a live row is worthless.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from liandong.account.models import User, UserSession

# Writing last-seen on every request would make reads write; a minute's precision is enough for an idle timeout.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Timeouts:
    idle: timedelta
    absolute: timedelta


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def open_session(session: Session, *, user: User, now: datetime, timeouts: Timeouts, client: str | None = None) -> str:
    """A new session for `user`; returns the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timeouts.absolute,
            client=(client or "")[:64] or None,
        )
    )
    session.flush()
    return token


@dataclass(frozen=True)
class Mark:
    """Bookkeeping a session read found due: last seen now, or revoked (expired, idle, user disabled)."""

    session_id: int
    revoke_reason: str | None = None


def resolve(session: Session, *, token: str, now: datetime, timeouts: Timeouts) -> tuple[User | None, Mark | None]:
    """The active user of a live session, or None (unknown, revoked, idle too long, past its end, user disabled),
    and the mark to write later. Only reads: the decision never depends on the mark being written."""
    if not token or len(token) > 128:
        return None, None
    row = session.scalar(select(UserSession).where(UserSession.token_hash == digest(token)))
    if row is None or row.revoked_at is not None:
        return None, None
    if now >= row.expires_at:
        return None, Mark(row.id, "expired")
    if now - row.last_seen_at >= timeouts.idle:
        return None, Mark(row.id, "idle")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None, Mark(row.id, "disabled")
    return user, Mark(row.id) if now - row.last_seen_at >= TOUCH_EVERY else None


def save_mark(session: Session, *, mark: Mark, now: datetime) -> None:
    """Write a mark in the caller's own short transaction; a session revoked meanwhile stays as it is."""
    live = update(UserSession).where(UserSession.id == mark.session_id, UserSession.revoked_at.is_(None))
    if mark.revoke_reason:
        session.execute(live.values(revoked_at=now, revoked_reason=mark.revoke_reason))
    else:
        session.execute(live.where(UserSession.last_seen_at < now).values(last_seen_at=now))


def end_session(session: Session, *, token: str, now: datetime) -> None:
    """Log-out: this session ends for good."""
    if token and len(token) <= 128:
        session.execute(
            update(UserSession)
            .where(UserSession.token_hash == digest(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason="logout")
        )


def end_all_sessions(session: Session, *, user_id: int, now: datetime, reason: str) -> int:
    """Every session of one user ends at once (password change, account disabled or its role changed)."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason[:32])
    )
    return result.rowcount or 0


def live_sessions(session: Session, *, user_id: int, now: datetime) -> list[UserSession]:
    return list(
        session.scalars(
            select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None), UserSession.expires_at > now)
        )
    )
