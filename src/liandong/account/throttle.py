"""Log-in throttling with counters in the database, so every server process agrees.

Each attempt is counted *before* the password is checked (an atomic upsert), so simultaneous guesses cannot all
slip through between "check" and "count". Keys are hashes of bounded length, whatever a caller sends.

Three counters per attempt:
- the (account, address) pair is locked for a while after a few failures — it only stops that address;
- the address is locked after many failures (one address trying many accounts);
- the account alone is never locked (a stranger must not lock the real user out): past its limit, attempts on it
  are paced to one per few seconds, which makes guessing hopeless but lets the real user in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, or_, select, update
from sqlalchemy.orm import Session

from liandong.account.models import LoginCounter
from liandong.db import UTCDateTime


@dataclass(frozen=True)
class Policy:
    limit: int
    window: timedelta
    lock: bool  # True: refuse until the window ends; False: pace attempts instead


PAIR = Policy(limit=5, window=timedelta(minutes=15), lock=True)
ADDRESS = Policy(limit=30, window=timedelta(minutes=15), lock=True)
ACCOUNT = Policy(limit=10, window=timedelta(minutes=15), lock=False)
PACE = timedelta(seconds=3)
# Named limits (citizens' submissions per phone, …) may count over a day; purge keeps their windows.
LONGEST_NAMED = timedelta(days=1)


def _key(kind: str, *parts: str) -> str:
    return kind[:4] + ":" + hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:58]


def keys_for(username: str, address: str) -> list[tuple[str, Policy]]:
    name = (username or "").strip().lower()[:64]
    return [(_key("pair", name, address), PAIR), (_key("addr", address), ADDRESS), (_key("user", name), ACCOUNT)]


def _upsert(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _count(session: Session, key: str, policy: Policy, now: datetime) -> tuple[int, datetime]:
    """Add one attempt to `key` atomically (a new window when the old one is over); returns (count, window start)."""
    insert = _upsert(session)
    statement = insert(LoginCounter).values(key=key, window_start=now, attempts=1, next_allowed_at=None)
    expired = LoginCounter.window_start <= now - policy.window
    moment = literal(now, UTCDateTime())
    statement = statement.on_conflict_do_update(
        index_elements=[LoginCounter.key],
        set_={
            "attempts": case((expired, 1), else_=LoginCounter.attempts + 1),
            "window_start": case((expired, moment), else_=LoginCounter.window_start),
        },
    ).returning(LoginCounter.attempts, LoginCounter.window_start)
    attempts, start = session.execute(statement).one()
    return attempts, _aware(start)


def _aware(value: datetime) -> datetime:
    from datetime import timezone

    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _take_turn(session: Session, key: str, now: datetime) -> bool:
    """One paced attempt: succeeds for at most one caller per PACE."""
    result = session.execute(
        update(LoginCounter)
        .where(LoginCounter.key == key, or_(LoginCounter.next_allowed_at.is_(None), LoginCounter.next_allowed_at <= now))
        .values(next_allowed_at=now + PACE)
    )
    return (result.rowcount or 0) == 1


def reserve(session: Session, *, username: str, address: str, now: datetime) -> timedelta | None:
    """Count this attempt before any password is checked; the wait when it is refused, None when it may proceed.

    Commit the session before checking the password, so other processes see the attempt.
    """
    waits: list[timedelta] = []
    for key, policy in keys_for(username, address):
        attempts, start = _count(session, key, policy, now)
        if attempts <= policy.limit:
            continue
        if policy.lock:
            waits.append(start + policy.window - now)
        elif not _take_turn(session, key, now):
            waits.append(PACE)
    return max(waits) if waits else None


def succeeded(session: Session, *, username: str, address: str) -> None:
    """The right password: this account's counters start afresh and the address gets its attempt back
    (an office behind one proxy logs in all morning)."""
    pair, address_key, account = keys_for(username, address)
    session.execute(delete(LoginCounter).where(LoginCounter.key.in_([pair[0], account[0]])))
    session.execute(
        update(LoginCounter).where(LoginCounter.key == address_key[0], LoginCounter.attempts > 0).values(attempts=LoginCounter.attempts - 1)
    )


def hit(session: Session, *, kind: str, value: str, limit: int, window: timedelta, now: datetime) -> timedelta | None:
    """Count one request under a named limit (a kind such as "csub" and a value such as an address), atomically
    and shared by every process; the wait when this request is over the limit, else None."""
    if window > LONGEST_NAMED:
        raise ValueError("named limits count over at most a day")
    attempts, start = _count(session, _key(kind, value), Policy(limit=limit, window=window, lock=True), now)
    return start + window - now if attempts > limit else None


def purge(session: Session, *, now: datetime) -> int:
    """Drop counters whose window is long over (keeps the table small)."""
    longest = max(PAIR.window, ADDRESS.window, ACCOUNT.window)
    login = or_(*(LoginCounter.key.like(f"{kind}:%") for kind in ("pair", "addr", "user")))
    result = session.execute(delete(LoginCounter).where(LoginCounter.window_start < now - longest, login))
    named = session.execute(delete(LoginCounter).where(LoginCounter.window_start < now - LONGEST_NAMED))
    return (result.rowcount or 0) + (named.rowcount or 0)


def attempts(session: Session, *, key: str) -> int:
    return session.scalar(select(LoginCounter.attempts).where(LoginCounter.key == key)) or 0
