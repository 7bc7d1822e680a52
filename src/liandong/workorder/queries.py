"""Read-only queries: warning levels, filtered lists, training examples for triage."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from liandong.catalog.deadlines import Warning, warning_level, worst
from liandong.core.actor import CENTRE_ROLES, Actor, Role
from liandong.workorder.lifecycle import OPEN_STATUSES, REPLY_CLOCK_STATUSES, SIGN_CLOCK_STATUSES, TERMINAL_STATUSES, Status
from liandong.workorder.models import OrderAssist, OrderReply, WorkOrder


def warning_of(order: WorkOrder, now: datetime) -> Warning:
    status = order.status_enum
    if status in TERMINAL_STATUSES:
        return Warning.NONE
    if status not in REPLY_CLOCK_STATUSES:
        return Warning.NORMAL  # replied: the unit's clock has stopped while 12345 reviews and calls back
    reply = warning_level(now, order.reply_yellow_at, order.reply_due_at)
    if status in SIGN_CLOCK_STATUSES:
        return worst(reply, warning_level(now, order.sign_yellow_at, order.sign_due_at))
    return reply


def _warning_clause(level: Warning, now: datetime):
    """The SQL form of warning_of, so lists and boards can filter on it."""
    clock = WorkOrder.status.in_([s.value for s in REPLY_CLOCK_STATUSES])
    dispatched = WorkOrder.status.in_([s.value for s in SIGN_CLOCK_STATUSES])
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
    sub_centre: str | None = None
    sender: str | None = None  # the sub-centre that sent the current hop
    sender_city: bool = False  # the city centre sent the current hop
    assisting: str | None = None  # orders this unit assists (协办)
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
        assisted = select(OrderAssist.order_id).where(OrderAssist.department_code == actor.department_code)
        conditions.append(or_(WorkOrder.department_code == actor.department_code, WorkOrder.id.in_(assisted)))
    elif actor.role is Role.COUNTY_DISPATCHER:
        conditions.append(WorkOrder.sub_centre_code == actor.department_code)
    elif actor.role not in CENTRE_ROLES:
        conditions.append(false())
    if flt.status:
        conditions.append(WorkOrder.status.in_(flt.status))
    if flt.open_only:
        conditions.append(WorkOrder.status.in_([s.value for s in OPEN_STATUSES]))
    if flt.department:
        conditions.append(WorkOrder.department_code == flt.department)
    if flt.sub_centre:
        conditions.append(WorkOrder.sub_centre_code == flt.sub_centre)
    if flt.sender:
        conditions.append(WorkOrder.sender_code == flt.sender)
    if flt.sender_city:
        conditions.append(WorkOrder.sender_code.is_(None))
    if flt.assisting:
        conditions.append(WorkOrder.id.in_(select(OrderAssist.order_id).where(OrderAssist.department_code == flt.assisting)))
        conditions.append(or_(WorkOrder.department_code.is_(None), WorkOrder.department_code != flt.assisting))
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


def count(session: Session, flt: OrderFilter, *, actor: Actor, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(WorkOrder).where(*_conditions(flt, actor=actor, now=now))) or 0


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
                "department": duty_of(order.department),
                "category": order.category.names if order.category else [],
                "platform": platform,
            }
        last_id = page[-1].id


def duty_of(unit) -> str | None:
    """The city-level duty a unit's work stands for (triage learns duties, not the county that carried them)."""
    if unit is None or unit.kind == "sub_centre":
        return None
    if unit.level == "city":
        return unit.code
    if unit.counterpart_code:
        return unit.counterpart_code
    return "sd"  # a township or county government: 属地


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:])}


def text_similarity(a: str, b: str) -> float:
    """Overlap of character bigrams (Jaccard): enough to notice the same complaint told twice."""
    left, right = _bigrams(a), _bigrams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


@dataclass(frozen=True)
class DuplicateHint:
    order: WorkOrder
    reason: str
    similarity: float


def possible_duplicates(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    phone: str | None = None,
    division_code: str | None = None,
    text: str | None = None,
    days: int = 30,
    threshold: float = 0.3,
    limit: int = 5,
) -> list[DuplicateHint]:
    """Recent orders that may be the same request: the same caller, or the same division with similar text."""
    since = now - timedelta(days=days)
    base = _conditions(OrderFilter(received_from=since), actor=actor, now=now)
    base.append(WorkOrder.status != Status.MERGED.value)
    found: dict[int, DuplicateHint] = {}
    text = (text or "").strip()
    if phone:
        query = select(WorkOrder).where(*base, WorkOrder.caller_phone == phone).order_by(WorkOrder.received_at.desc()).limit(limit)
        for order in session.scalars(query).unique():
            score = text_similarity(text, order.content) if text else 0.0
            found[order.id] = DuplicateHint(order, "同一来电号码", score)
    if division_code and len(text) >= 6:
        # Compare in Python against a bounded window of recent orders in the same division.
        query = (
            select(WorkOrder)
            .where(*base, WorkOrder.division_code == division_code)
            .order_by(WorkOrder.received_at.desc())
            .limit(400)
        )
        for order in session.scalars(query).unique():
            score = text_similarity(text, order.content)
            if score >= threshold and order.id not in found:
                found[order.id] = DuplicateHint(order, f"同一区县、内容相似（{score:.0%}）", score)
    hints = sorted(found.values(), key=lambda h: (-h.similarity, -h.order.received_at.timestamp()))
    return hints[:limit]


def caller_history(session: Session, *, phone: str, actor: Actor, now: datetime, days: int = 90) -> dict:
    """How often this number has called: the repeat-caller warning at intake."""
    conditions = _conditions(OrderFilter(phone=phone), actor=actor, now=now)
    total = session.scalar(select(func.count()).select_from(WorkOrder).where(*conditions)) or 0
    recent = (
        session.scalar(
            select(func.count()).select_from(WorkOrder).where(*conditions, WorkOrder.received_at >= now - timedelta(days=days))
        )
        or 0
    )
    open_count = (
        session.scalar(
            select(func.count())
            .select_from(WorkOrder)
            .where(*conditions, WorkOrder.status.in_([s.value for s in OPEN_STATUSES]))
        )
        or 0
    )
    return {"total": total, "recent": recent, "open": open_count, "days": days}


def caller_recent(session: Session, *, phone: str, actor: Actor, now: datetime, days: int = 90, limit: int = 5) -> list[WorkOrder]:
    """The caller's latest orders, newest first: offered at intake to add to instead of a new order."""
    conditions = _conditions(OrderFilter(phone=phone, received_from=now - timedelta(days=days)), actor=actor, now=now)
    conditions.append(WorkOrder.status != Status.MERGED.value)
    query = select(WorkOrder).where(*conditions).order_by(WorkOrder.received_at.desc()).limit(limit)
    return list(session.scalars(query).unique())


def board_by_department(session: Session, *, actor: Actor, now: datetime) -> list[dict]:
    """Per unit: open orders, red and yellow warnings, orders returned twice or more, dissatisfied callbacks."""
    base = _conditions(OrderFilter(), actor=actor, now=now)
    open_clause = WorkOrder.status.in_([s.value for s in OPEN_STATUSES])

    def counts(*conditions) -> dict[str | None, int]:
        query = select(WorkOrder.department_code, func.count()).where(*base, *conditions).group_by(WorkOrder.department_code)
        return {code: n for code, n in session.execute(query)}

    columns = {
        "open": counts(open_clause),
        "red": counts(_warning_clause(Warning.RED, now)),
        "yellow": counts(_warning_clause(Warning.YELLOW, now)),
        "returned": counts(open_clause, WorkOrder.return_count >= 2),
        "unsatisfied": counts(WorkOrder.satisfaction <= 2),
    }
    codes = set().union(*(c.keys() for c in columns.values()))
    rows = [{"department_code": code, **{name: col.get(code, 0) for name, col in columns.items()}} for code in codes]
    rows.sort(key=lambda r: (-r["red"], -r["yellow"], -r["open"], r["department_code"] or ""))
    return rows


def frequently_returned(
    session: Session, *, actor: Actor, now: datetime, department: str | None = None, min_returns: int = 2, limit: int = 100
) -> list[WorkOrder]:
    """Open orders bounced between units: a sign that the routing or the duty list needs a decision."""
    conditions = _conditions(OrderFilter(department=department, open_only=True), actor=actor, now=now)
    query = (
        select(WorkOrder)
        .where(*conditions, WorkOrder.return_count >= min_returns)
        .order_by(WorkOrder.return_count.desc(), WorkOrder.received_at)
        .limit(limit)
    )
    return list(session.scalars(query).unique())


def dissatisfied(session: Session, *, actor: Actor, now: datetime, department: str | None = None, limit: int = 100) -> list[WorkOrder]:
    """Orders whose caller said at the callback that they were not satisfied (most recent first)."""
    conditions = _conditions(OrderFilter(department=department), actor=actor, now=now)
    query = select(WorkOrder).where(*conditions, or_(WorkOrder.satisfaction <= 2, WorkOrder.resolved.is_(False))).order_by(WorkOrder.updated_at.desc()).limit(limit)
    return list(session.scalars(query).unique())


def latest_replies(session: Session, order_ids: list[int]) -> dict[int, OrderReply]:
    """The newest reply of each order (review and callback queues show it beside the order)."""
    if not order_ids:
        return {}
    newest = select(OrderReply.order_id, func.max(OrderReply.seq).label("seq")).where(OrderReply.order_id.in_(order_ids)).group_by(OrderReply.order_id).subquery()
    query = select(OrderReply).join(newest, and_(OrderReply.order_id == newest.c.order_id, OrderReply.seq == newest.c.seq))
    return {reply.order_id: reply for reply in session.scalars(query)}


def filter_conditions(flt: OrderFilter, *, actor: Actor, now: datetime) -> list:
    """The WHERE conditions of an order list (visibility included), for other domains' lists joined to orders."""
    return _conditions(flt, actor=actor, now=now)
