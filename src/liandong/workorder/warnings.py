"""The worker's watch on deadlines: a timeline warning when an order turns yellow or red, and automatic 催办 of overdue hops.

Both are idempotent: what was already said for one deadline (its level and due time) is read back from the timeline,
so a task that runs twice, or on two workers, says it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liandong.catalog import service as catalog
from liandong.catalog.deadlines import Warning, warning_level, worst
from liandong.core.actor import SYSTEM
from liandong.core.clock import SHANGHAI
from liandong.workorder import service
from liandong.workorder.lifecycle import REPLY_CLOCK_STATUSES, SIGN_CLOCK_STATUSES, Action, Record
from liandong.workorder.models import OrderEvent, WorkOrder
from liandong.workorder.queries import _warning_clause

PHASE_LABELS = {"sign": "签收", "reply": "答复"}
LEVEL_LABELS = {Warning.YELLOW: "黄色预警（临近时限）", Warning.RED: "红色预警（已超时）"}


@dataclass(frozen=True)
class DeadlineState:
    """Which clock of an open order is the worst now: its phase, level and due time."""

    phase: str
    level: Warning
    due: datetime

    @property
    def key(self) -> str:
        return f"{self.phase}:{self.level.value}:{self.due.isoformat()}"


def deadline_state(order: WorkOrder, now: datetime) -> DeadlineState | None:
    """The worst clock of an order whose unit's clock runs (None when normal or stopped)."""
    status = order.status_enum
    if status not in REPLY_CLOCK_STATUSES:
        return None
    states = [DeadlineState("reply", warning_level(now, order.reply_yellow_at, order.reply_due_at), order.reply_due_at)]
    if status in SIGN_CLOCK_STATUSES:
        states.append(DeadlineState("sign", warning_level(now, order.sign_yellow_at, order.sign_due_at), order.sign_due_at))
    level = worst(*[s.level for s in states])
    if level not in (Warning.YELLOW, Warning.RED):
        return None
    return min((s for s in states if s.level is level), key=lambda s: s.due)


def _latest_data(session: Session, order_ids: list[int], action: str) -> dict[int, dict]:
    """The data of each order's latest timeline entry of one kind."""
    if not order_ids:
        return {}
    latest = (select(OrderEvent.order_id, func.max(OrderEvent.seq).label("seq"))
              .where(OrderEvent.order_id.in_(order_ids), OrderEvent.action == action).group_by(OrderEvent.order_id).subquery())
    rows = session.execute(select(OrderEvent.order_id, OrderEvent.data)
                           .join(latest, (OrderEvent.order_id == latest.c.order_id) & (OrderEvent.seq == latest.c.seq)))
    return {order_id: data or {} for order_id, data in rows}


def _candidates(session: Session, now: datetime, level: Warning, *, after_id: int, limit: int) -> list[WorkOrder]:
    clause = _warning_clause(Warning.RED, now) if level is Warning.RED else (_warning_clause(Warning.YELLOW, now) | _warning_clause(Warning.RED, now))
    return list(session.scalars(select(WorkOrder).where(clause, WorkOrder.id > after_id).order_by(WorkOrder.id).limit(limit)))


def _local(at: datetime) -> str:
    return f"{at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


def record_deadline_warnings(session: Session, *, now: datetime, batch: int = 500) -> dict:
    """Orders that turned yellow or red since the last run get one 超时预警 on their timeline (per level and deadline)."""
    warned = {"yellow": 0, "red": 0}
    after = 0
    while True:
        orders = _candidates(session, now, Warning.YELLOW, after_id=after, limit=batch)
        if not orders:
            return warned
        said = _latest_data(session, [o.id for o in orders], Record.DEADLINE_WARNING.value)
        for order in orders:
            state = deadline_state(order, now)
            if state is None or said.get(order.id, {}).get("key") == state.key:
                continue
            note = f"{PHASE_LABELS[state.phase]}{LEVEL_LABELS[state.level]}：时限 {_local(state.due)}"
            order.append_event(Record.DEADLINE_WARNING.value, to_status=order.status, actor=SYSTEM.name, actor_role=SYSTEM.role.value,
                               at=max(now, order.last_action_at or now), recorded_at=now, note=note,
                               data={"key": state.key, "phase": state.phase, "level": state.level.value, "due": state.due.isoformat(),
                                     "department_code": order.department_code})
            warned[state.level.value] += 1
        session.flush()
        after = orders[-1].id


def remind_overdue(session: Session, *, now: datetime, batch: int = 500) -> dict:
    """自动催办: an overdue hop is reminded every `remind_every_hours`, at most `remind_max` times for one deadline."""
    policy = catalog.get_policy(session)
    if policy.remind_max <= 0 or policy.remind_every_hours <= 0:
        return {"reminded": 0}
    every = timedelta(hours=policy.remind_every_hours)
    reminded, after = 0, 0
    while True:
        orders = _candidates(session, now, Warning.RED, after_id=after, limit=batch)
        if not orders:
            return {"reminded": reminded}
        ids = [o.id for o in orders]
        history: dict[int, list[tuple[datetime, dict]]] = {}
        for order_id, at, data in session.execute(
                select(OrderEvent.order_id, OrderEvent.occurred_at, OrderEvent.data)
                .where(OrderEvent.order_id.in_(ids), OrderEvent.action == Action.REMIND.value, OrderEvent.actor == SYSTEM.name)):
            history.setdefault(order_id, []).append((at, data or {}))
        due_orders = []
        for order in orders:
            state = deadline_state(order, now)
            if state is None or state.level is not Warning.RED:
                continue
            mine = [at for at, data in history.get(order.id, []) if data.get("ref") == state.key]
            if len(mine) >= policy.remind_max or (mine and now - max(mine) < every):
                continue
            due_orders.append((order.id, state, len(mine) + 1))
        for order_id, state, count in due_orders:
            service.act(session, order_id=order_id, action=Action.REMIND, actor=SYSTEM, now=now, ref=state.key,
                        note=f"系统自动催办（第 {count} 次）：已超过{PHASE_LABELS[state.phase]}时限 {_local(state.due)}，请尽快办理")
            reminded += 1
        session.flush()
        after = ids[-1]
