"""The fact rollup: derive `report_order_facts` for orders whose timeline moved since the last refresh.

Every report and the dashboard call `ensure_fresh` first (cheap when nothing moved), and the worker runs
`refresh` every few minutes with a look-back over the last ids, because on PostgreSQL a transaction that took an
earlier event id may commit after a later one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, lazyload

from liandong.catalog import service as catalog
from liandong.catalog.deadlines import due_after_working_days
from liandong.report import signals
from liandong.report.facts import derive
from liandong.report.models import OrderFact, ReportState
from liandong.workorder.lifecycle import REPLY_CLOCK_STATUSES
from liandong.workorder.models import OrderCallback, OrderEvent, OrderHop, OrderReply, WorkOrder

WATERMARK = "facts.event_id"
BATCH = 2000
LOOK_BACK_IDS = 2000  # the worker re-reads this many event ids behind the watermark
CLOCK = frozenset(s.value for s in REPLY_CLOCK_STATUSES)


def _watermark(session: Session) -> int:
    return session.scalar(select(ReportState.value).where(ReportState.key == WATERMARK)) or 0


def _set_watermark(session: Session, value: int, now: datetime) -> None:
    state = session.get(ReportState, WATERMARK)
    if state is None:
        session.add(ReportState(key=WATERMARK, value=value, updated_at=now))
    else:
        state.value = value
        state.updated_at = now


def initial_reply_due(order, events: Sequence, policy, calendar) -> datetime:
    """The reply deadline the order started with: before the first extension or 重办 changed it."""
    for event in events:
        data = event.data or {}
        if event.action == "approve_extension" and data.get("previous_reply_due_at"):
            return datetime.fromisoformat(data["previous_reply_due_at"])
        if event.action == "reopen" or (event.action == "visit" and "reply_due_at" in data):
            return due_after_working_days(order.received_at, policy.reply_days_for(order.request_type), calendar)
    return order.reply_due_at


def derive_orders(orders: Iterable, *, hops, replies, callbacks, events, policy, calendar) -> list[dict]:
    """Fact rows for orders given their records grouped by order id (the refresh and the bulk generator share this)."""
    rows = []
    for order in orders:
        timeline = sorted(events.get(order.id, ()), key=lambda e: e.seq)
        topic, place = signals.signals_of(
            content=order.content, address=order.address, category_code=order.category_code,
            town_code=order.town_code, division_code=order.division_code,
        )
        fact = derive(
            order,
            hops=hops.get(order.id, ()),
            replies=replies.get(order.id, ()),
            callbacks=callbacks.get(order.id, ()),
            events=timeline,
            initial_reply_due=initial_reply_due(order, timeline, policy, calendar),
            clock_statuses=CLOCK,
            is_workday=calendar.is_workday,
            topic_key=topic,
            place_key=place,
        )
        rows.append(fact.to_row())
    return rows


def _grouped(session: Session, model, ids: list[int]) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in session.scalars(select(model).where(model.order_id.in_(ids))):
        grouped[row.order_id].append(row)
    return grouped


def refresh_orders(session: Session, order_ids: Iterable[int]) -> int:
    """Derive the facts of these orders again (replacing what was there)."""
    ids = sorted(set(order_ids))
    if not ids:
        return 0
    policy = catalog.get_policy(session)
    calendar = catalog.get_calendar(session)
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        orders = list(session.scalars(select(WorkOrder).where(WorkOrder.id.in_(chunk)).options(lazyload("*")).execution_options(populate_existing=True)))
        rows = derive_orders(
            orders,
            hops=_grouped(session, OrderHop, chunk),
            replies=_grouped(session, OrderReply, chunk),
            callbacks=_grouped(session, OrderCallback, chunk),
            events=_grouped(session, OrderEvent, chunk),
            policy=policy,
            calendar=calendar,
        )
        session.execute(delete(OrderFact).where(OrderFact.order_id.in_(chunk)))
        if rows:
            session.execute(insert(OrderFact), rows)
        done += len(rows)
    session.flush()
    return done


def refresh(session: Session, *, now: datetime, look_back: int = 0) -> dict:
    """Bring the rollup up to the latest timeline entry; `look_back` re-reads that many ids behind the watermark."""
    mark = _watermark(session)
    latest = session.scalar(select(func.max(OrderEvent.id))) or 0
    if latest <= mark and not look_back:
        return {"orders": 0, "watermark": mark}
    since = max(0, mark - look_back)
    changed = session.scalars(select(OrderEvent.order_id).where(OrderEvent.id > since, OrderEvent.id <= latest).distinct()).all()
    done = refresh_orders(session, changed)
    _set_watermark(session, max(latest, mark), now)
    return {"orders": done, "watermark": max(latest, mark)}


def ensure_fresh(session: Session, *, now: datetime) -> None:
    refresh(session, now=now)


def rebuild(session: Session, *, now: datetime) -> dict:
    """Derive every order's facts from scratch (after a change of definitions)."""
    session.execute(delete(OrderFact))
    latest = session.scalar(select(func.max(OrderEvent.id))) or 0
    ids = session.scalars(select(WorkOrder.id)).all()
    done = refresh_orders(session, ids)
    _set_watermark(session, latest, now)
    return {"orders": done, "watermark": latest}
