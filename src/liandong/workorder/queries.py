"""Read-only queries: warning levels, filtered lists, training examples for triage."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from liandong.catalog.deadlines import Warning, warning_level, worst
from liandong.core.actor import Actor, Role
from liandong.workorder.models import WorkOrder, order_assists
from liandong.workorder.states import OPEN_STATUSES, REPLY_CLOCK_STATUSES, TERMINAL_STATUSES, Status


def warning_of(order: WorkOrder, now: datetime) -> Warning:
    status = order.status_enum
    if status in TERMINAL_STATUSES:
        return Warning.NONE
    if status is Status.REPLIED:
        return Warning.NORMAL
    reply = warning_level(now, order.reply_yellow_at, order.reply_due_at)
    if status is Status.DISPATCHED:
        return worst(reply, warning_level(now, order.sign_yellow_at, order.sign_due_at))
    return reply


def _warning_clause(level: Warning, now: datetime):
    """The SQL form of warning_of, so lists and boards can filter on it."""
    clock = WorkOrder.status.in_([s.value for s in REPLY_CLOCK_STATUSES])
    dispatched = WorkOrder.status == Status.DISPATCHED.value
    reply_red = and_(clock, WorkOrder.reply_due_at < now)
    sign_red = and_(dispatched, WorkOrder.sign_due_at < now)
    red = or_(reply_red, sign_red)
    if level is Warning.RED:
        return red
    reply_yellow = and_(clock, WorkOrder.reply_yellow_at <= now)
    sign_yellow = and_(dispatched, WorkOrder.sign_yellow_at <= now)
    yellow_or_worse = or_(reply_yellow, sign_yellow)
    if level is Warning.YELLOW:
        return and_(yellow_or_worse, ~red)
    if level is Warning.NORMAL:
        return and_(WorkOrder.status.in_([s.value for s in OPEN_STATUSES]), ~yellow_or_worse)
    return WorkOrder.status.in_([s.value for s in TERMINAL_STATUSES])


@dataclass
class OrderFilter:
    status: list[str] = field(default_factory=list)
    department: str | None = None
    request_type: str | None = None
    division: str | None = None
    channel: str | None = None
    warning: Warning | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    phone: str | None = None
    text: str | None = None
    open_only: bool = False


SORTS = {
    "received_desc": WorkOrder.received_at.desc(),
    "received_asc": WorkOrder.received_at.asc(),
    "due_asc": WorkOrder.reply_due_at.asc(),
    "updated_desc": WorkOrder.updated_at.desc(),
}


def _conditions(flt: OrderFilter, *, actor: Actor, now: datetime) -> list:
    conditions = []
    if actor.role is Role.UNIT_HANDLER:
        assisted = select(order_assists.c.order_id).where(order_assists.c.department_code == actor.department_code)
        conditions.append(or_(WorkOrder.department_code == actor.department_code, WorkOrder.id.in_(assisted)))
    if flt.status:
        conditions.append(WorkOrder.status.in_(flt.status))
    if flt.open_only:
        conditions.append(WorkOrder.status.in_([s.value for s in OPEN_STATUSES]))
    if flt.department:
        conditions.append(WorkOrder.department_code == flt.department)
    if flt.request_type:
        conditions.append(WorkOrder.request_type == flt.request_type)
    if flt.division:
        conditions.append(WorkOrder.division_code == flt.division)
    if flt.channel:
        conditions.append(WorkOrder.channel == flt.channel)
    if flt.warning:
        conditions.append(_warning_clause(flt.warning, now))
    if flt.due_before:
        conditions.append(WorkOrder.reply_due_at <= flt.due_before)
    if flt.due_after:
        conditions.append(WorkOrder.reply_due_at >= flt.due_after)
    if flt.received_from:
        conditions.append(WorkOrder.received_at >= flt.received_from)
    if flt.received_to:
        conditions.append(WorkOrder.received_at < flt.received_to)
    if flt.phone:
        conditions.append(WorkOrder.caller_phone == flt.phone)
    if flt.text:
        pattern = f"%{flt.text.strip()}%"
        conditions.append(
            or_(WorkOrder.content.like(pattern), WorkOrder.title.like(pattern), WorkOrder.number.like(pattern), WorkOrder.address.like(pattern))
        )
    return conditions


def list_orders(
    session: Session, flt: OrderFilter, *, actor: Actor, now: datetime, limit: int = 50, offset: int = 0, sort: str = "received_desc"
) -> tuple[list[WorkOrder], int]:
    conditions = _conditions(flt, actor=actor, now=now)
    total = session.scalar(select(func.count()).select_from(WorkOrder).where(*conditions)) or 0
    query = select(WorkOrder).where(*conditions).order_by(SORTS[sort], WorkOrder.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query).unique()), total


def count_by_status(session: Session, *, actor: Actor, now: datetime) -> dict[str, int]:
    conditions = _conditions(OrderFilter(), actor=actor, now=now)
    rows = session.execute(select(WorkOrder.status, func.count()).where(*conditions).group_by(WorkOrder.status))
    return {status: count for status, count in rows}


def training_examples(session: Session) -> Iterator[dict]:
    """Orders whose routing a person confirmed (dispatched at least once), as triage training examples.

    Shape: {"text", "request_type", "department", "category": [names], "platform"}; an operator's
    correction is simply the final value differing from the suggestion kept in `triage`.
    """
    confirmed = or_(WorkOrder.dispatch_count > 0, WorkOrder.status == Status.TRANSFERRED_110.value)
    last_id = 0
    while True:
        # Keyset pages: constant memory however many orders the city has.
        query = select(WorkOrder).where(confirmed, WorkOrder.id > last_id).order_by(WorkOrder.id).limit(500)
        page = list(session.scalars(query).unique())
        if not page:
            return
        for order in page:
            platform = "110" if order.status == Status.TRANSFERRED_110.value else "12345"
            yield {
                "text": f"{order.title}。{order.content}",
                "request_type": order.request_type,
                "department": order.department_code,
                "category": order.category.names if order.category else [],
                "platform": platform,
            }
        last_id = page[-1].id
