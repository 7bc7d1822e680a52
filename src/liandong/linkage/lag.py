"""Worker lag for /metrics, read at scrape time from the database (so every server process agrees): the outbox
backlog and its oldest message per topic, deliveries due but not yet sent per peer, and each scheduled task's
lag behind its due time and last run."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import Engine, func, select

from liandong.core import taskruns
from liandong.core.outbox import OutboxMessage
from liandong.db import session_factory
from liandong.linkage.models import Delivery
from liandong.linkage.worker import load_tasks

WAITING = ("pending", "failed")


def _label(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return "NaN" if math.isnan(value) else f"{value:.3f}"


def _family(name: str, kind: str, help_text: str, samples: list[tuple[dict, float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        inner = ",".join(f'{key}="{_label(val)}"' for key, val in labels.items())
        lines.append(f"{name}{{{inner}}} {_number(value)}" if inner else f"{name} {_number(value)}")
    return lines


def _age(now: datetime, oldest: datetime | None) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def metrics_text(engine: Engine, *, now: datetime) -> str:
    with session_factory(engine)() as session:
        total, oldest = session.execute(
            select(func.count(), func.min(OutboxMessage.created_at)).where(OutboxMessage.published_at.is_(None))
        ).one()
        topics = session.execute(
            select(OutboxMessage.topic, func.count(), func.min(OutboxMessage.created_at))
            .where(OutboxMessage.published_at.is_(None))
            .group_by(OutboxMessage.topic)
            .order_by(OutboxMessage.topic)
        ).all()
        peers = session.execute(
            select(Delivery.peer_name, func.count(), func.min(Delivery.next_attempt_at))
            .where(Delivery.state.in_(WAITING), Delivery.next_attempt_at <= now)
            .group_by(Delivery.peer_name)
            .order_by(Delivery.peer_name)
        ).all()
        runs = taskruns.read(session)
    oldest, topics = _utc(oldest), [(t, n, _utc(o)) for t, n, o in topics]
    peers = [(p, n, _utc(o)) for p, n, o in peers]
    lags = taskruns.lag(runs, names=[task.name for task in load_tasks()], now=now)
    lines = (
        _family("liandong_outbox_backlog", "gauge", "Messages waiting in the outbox", [({}, total)])
        + _family("liandong_outbox_oldest_seconds", "gauge", "Age of the oldest waiting outbox message", [({}, _age(now, oldest))])
        + _family("liandong_outbox_topic_backlog", "gauge", "Messages waiting in the outbox, by topic", [({"topic": t}, n) for t, n, _ in topics])
        + _family("liandong_outbox_topic_oldest_seconds", "gauge", "Age of the oldest waiting outbox message, by topic",
                  [({"topic": t}, _age(now, o)) for t, _, o in topics])
        + _family("liandong_delivery_due", "gauge", "Linkage deliveries due but not yet sent, by peer", [({"peer": p}, n) for p, n, _ in peers])
        + _family("liandong_delivery_oldest_due_seconds", "gauge", "How long the oldest due delivery has waited, by peer",
                  [({"peer": p}, _age(now, o)) for p, _, o in peers])
        + _family("liandong_task_lag_seconds", "gauge", "How long past its due time each scheduled task's next run is",
                  [({"task": lag.name}, lag.lag_seconds) for lag in lags])
        + _family("liandong_task_last_run_timestamp_seconds", "gauge", "Unix time each scheduled task last finished (NaN: never)",
                  [({"task": lag.name}, lag.last_run) for lag in lags])
        + _family("liandong_task_last_run_ok", "gauge", "1 when the task's last run succeeded, 0 when it failed, NaN when never run",
                  [({"task": lag.name}, math.nan if lag.last_ok is None else float(lag.last_ok)) for lag in lags])
    )
    return "\n".join(lines) + "\n"


def _utc(value: datetime | None) -> datetime | None:
    from datetime import timezone

    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value
