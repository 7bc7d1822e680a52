"""When each scheduled task last ran and when it is next due, kept in the database so /metrics on any server
process can tell the operations team how far the worker lags (a worker that died shows as growing lag)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from liandong.db import Base, UTCDateTime


class TaskRun(Base):
    __tablename__ = "task_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the next run should start
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_ok: Mapped[bool | None] = mapped_column(Boolean, default=None)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)


def announce(session: Session, *, tasks: list[tuple[str, timedelta]], now: datetime) -> None:
    """A worker starting: every task it will run is due now unless a row already says when."""
    known = set(session.scalars(select(TaskRun.name)))
    for name, _every in tasks:
        if name not in known:
            session.add(TaskRun(name=name, due_at=now, runs=0, failures=0))
    session.flush()


def finished(session: Session, *, name: str, every: timedelta, started: datetime, now: datetime, ok: bool) -> None:
    row = session.get(TaskRun, name) or TaskRun(name=name, due_at=started, runs=0, failures=0)
    session.add(row)
    row.last_started_at, row.last_finished_at, row.last_ok = started, now, ok
    row.runs = (row.runs or 0) + 1
    row.failures = (row.failures or 0) + (0 if ok else 1)
    row.due_at = started + every
    session.flush()


@dataclass(frozen=True)
class TaskLag:
    name: str
    lag_seconds: float  # how long past due the next run is (0 when not yet due)
    last_run: float  # unix time of the last finished run, NaN when never
    last_ok: bool | None


def lag(rows: list[TaskRun], *, names: list[str], now: datetime) -> list[TaskLag]:
    """One line per declared task; a task no worker has announced is reported as never run and not lagging yet."""
    by_name = {row.name: row for row in rows}
    result = []
    for name in sorted(set(names) | set(by_name)):
        row = by_name.get(name)
        if row is None:
            result.append(TaskLag(name, 0.0, math.nan, None))
            continue
        late = max(0.0, (now - row.due_at).total_seconds())
        last = row.last_finished_at.timestamp() if row.last_finished_at else math.nan
        result.append(TaskLag(name, late, last, row.last_ok))
    return result


def read(session: Session) -> list[TaskRun]:
    return list(session.scalars(select(TaskRun).order_by(TaskRun.name)))

