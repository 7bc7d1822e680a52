"""Live counts for the dashboard's top row: what is happening now, read through the status indexes (read-only)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from liandong.core.clock import SHANGHAI
from liandong.report.alerts import open_count
from liandong.report.models import OPEN_ORDERS, OrderFact
from liandong.workorder.lifecycle import REPLY_CLOCK_STATUSES, SIGN_CLOCK_STATUSES, Status
from liandong.workorder.models import WorkOrder


def live_counts(session: Session, *, now: datetime) -> dict:
    """Counted from the partial index of open orders alone (`ix_work_orders_open_clocks`): the closed millions are
    not in it, and it holds every column the counts compare, so the table itself is not read."""
    today = datetime.combine(now.astimezone(SHANGHAI).date(), time(0), tzinfo=SHANGHAI)
    clock = [s.value for s in REPLY_CLOCK_STATUSES]
    signing = [s.value for s in SIGN_CLOCK_STATUSES]
    w = WorkOrder
    red = or_(and_(w.status.in_(clock), w.reply_due_at < now), and_(w.status.in_(signing), w.sign_due_at < now))
    yellow = and_(~red, or_(and_(w.status.in_(clock), w.reply_yellow_at <= now), and_(w.status.in_(signing), w.sign_yellow_at <= now)))
    row = session.execute(
        select(
            func.count(),
            func.sum(_flag(red)),
            func.sum(_flag(yellow)),
            func.sum(_flag(w.status == Status.AWAITING_CALLBACK.value)),
            func.sum(_flag(w.status == Status.REPLIED.value)),
        ).where(OPEN_ORDERS)
    ).one()
    received_today = session.scalar(select(func.count()).select_from(OrderFact).where(OrderFact.received_at >= today, OrderFact.received_at <= now))
    return {
        "received_today": int(received_today or 0),
        "open": int(row[0] or 0),
        "red": int(row[1] or 0),
        "yellow": int(row[2] or 0),
        "awaiting_callback": int(row[3] or 0),
        "awaiting_review": int(row[4] or 0),
        "hotspots": open_count(session),
    }


def _flag(condition):
    return case((condition, 1), else_=0)
