"""The rollups: derive `report_order_facts` for orders whose timeline moved since the last refresh, and sum settled
orders into `report_daily_figures`.

Every report and the dashboard call `ensure_fresh` first (cheap when nothing moved), and the worker runs
`refresh` every few minutes with a look-back over the last ids, because on PostgreSQL a transaction that took an
earlier event id may commit after a later one; the same task then runs `roll`.

The daily rollup holds, per local day of receipt and grouping key, the measures of the orders whose facts are
`rolled`: each summed as it counts at any moment after its `settled_at` (the latest of its dated facts), which is
why only orders settled before the roll are taken. When an order's facts are derived again, what it added is taken
out of the rollup in the same transaction and the new row waits for the next roll. Both writers hold one row lock
(`report_state` "daily.lock") so a roll and a re-derivation never interleave; readers need no lock — whatever they
see is consistent, and with no worker at all nothing is rolled and every figure is read from the facts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache

from sqlalchemy import and_, bindparam, cast, delete, func, insert, literal, literal_column, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.types import Date, String

from liandong.catalog import service as catalog
from liandong.catalog.deadlines import due_after_working_days
from liandong.core.clock import UTC
from liandong.db import UTCDateTime
from liandong.report import signals
from liandong.report.facts import derive
from liandong.report.models import DIMENSIONS, MEASURES, DailyFigures, OrderFact, ReportState
from liandong.workorder.lifecycle import REPLY_CLOCK_STATUSES
from liandong.workorder.models import OrderCallback, OrderEvent, OrderHop, OrderReply, WorkOrder

WATERMARK = "facts.event_id"
LOCK = "daily.lock"
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
        rows.append(fact.to_row() | {"rolled": False})  # a new derivation waits for the next roll
    return rows


def _grouped(session: Session, model, ids: list[int]) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in session.scalars(select(model).where(model.order_id.in_(ids))):
        grouped[row.order_id].append(row)
    return grouped


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _lock(session: Session) -> None:
    """Serialise the writers of the daily rollup (a row lock on PostgreSQL; SQLite has one writer anyway)."""
    dialect = postgresql if _postgres(session) else sqlite
    session.execute(dialect.insert(ReportState).values(key=LOCK, value=0, updated_at=datetime(2000, 1, 1, tzinfo=UTC)).on_conflict_do_nothing())
    session.execute(select(ReportState.value).where(ReportState.key == LOCK).with_for_update())


DIMENSION_COLUMNS = {
    "department": OrderFact.unit_code, "division": OrderFact.division_code, "category": OrderFact.category_code,
    "channel": OrderFact.channel, "type": OrderFact.request_type,
}


# "NOT rolled" as the partial index states it, so the roll reads the few unrolled rows through it.
READY = and_(text("NOT report_order_facts.rolled"), OrderFact.settled_at < bindparam("roll_at", type_=UTCDateTime()))
ROLLED_OF = and_(OrderFact.order_id.in_(bindparam("ids", expanding=True)), OrderFact.rolled.is_(True))


@lru_cache(maxsize=8)
def _daily_upserts(dialect_name: str, which: str, sign: int) -> tuple:
    """Statements adding (sign 1) or taking out (sign −1) the settled measures of the fact rows `which` selects
    (READY: settled before :roll_at and not rolled; ROLLED_OF: the rolled rows of the orders :ids)."""
    from liandong.report.measures import FINAL, expressions

    where = READY if which == "ready" else ROLLED_OF
    measures = {name: (func.coalesce(expression, 0) * sign).label(name)
                for name, expression in expressions(bindparam("final", FINAL, type_=UTCDateTime(), literal_execute=True)).items()}
    postgres = dialect_name == "postgresql"
    day = cast(func.timezone("Asia/Shanghai", OrderFact.received_at), Date) if postgres else func.date(OrderFact.received_at, "+8 hours")
    selects = []
    if postgres:
        # One scan for every grouping: GROUPING SETS, the grouping told apart by GROUPING().
        columns = list(DIMENSION_COLUMNS.values())
        whens = " ".join(f"WHEN GROUPING({c.name}) = 0 THEN '{name}'" for name, c in DIMENSION_COLUMNS.items())
        dimension = literal_column(f"CASE {whens} ELSE 'all' END", String)
        key = func.coalesce(*[cast(c, String) for c in columns], literal(""))
        grouping = text("report_day, GROUPING SETS ((), " + ", ".join(f"({c.name})" for c in columns) + ")")
        selects.append(select(dimension.label("dimension"), day.label("report_day"), key.label("key"), *measures.values())
                       .where(where).group_by(grouping))
    else:
        for name in DIMENSIONS:
            column = DIMENSION_COLUMNS.get(name)
            key = func.coalesce(column, "") if column is not None else literal("")
            selects.append(select(literal(name).label("dimension"), day.label("report_day"), key.label("key"), *measures.values())
                           .where(where).group_by(day, key))
    dialect = postgresql if postgres else sqlite
    table = DailyFigures.__table__
    statements = []
    for query in selects:
        statement = dialect.insert(table).from_select(["dimension", "day", "key", *MEASURES], query)
        statements.append(statement.on_conflict_do_update(
            index_elements=["dimension", "day", "key"], set_={m: table.c[m] + statement.excluded[m] for m in MEASURES},
        ))
    return tuple(statements)


def _sum_into_daily(session: Session, which: str, parameters: dict, sign: int = 1) -> None:
    for statement in _daily_upserts(session.get_bind().dialect.name, which, sign):
        session.execute(statement, parameters)


def roll(session: Session, *, now: datetime) -> dict:
    """Sum the orders settled before now and not yet rolled up into the daily rollup."""
    _lock(session)
    parameters = {"roll_at": now}
    count = session.scalar(select(func.count()).select_from(OrderFact).where(READY), parameters) or 0
    if count:
        _sum_into_daily(session, "ready", parameters)
        session.execute(update(OrderFact).where(READY).values(rolled=True).execution_options(synchronize_session=False), parameters)
    return {"rolled": count}


def refresh_orders(session: Session, order_ids: Iterable[int]) -> int:
    """Derive the facts of these orders again (replacing what was there, and what it added to the daily rollup)."""
    ids = sorted(set(order_ids))
    if not ids:
        return 0
    _lock(session)
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
        # Rows that come out as they were stay (and stay in the daily rollup): the worker's look-back re-reads
        # thousands of orders that did not move.
        columns = [c for c in OrderFact.__table__.columns if c.name != "rolled"]
        stored = {r.order_id: r._asdict() for r in session.execute(select(*columns).where(OrderFact.order_id.in_(chunk)))}
        rows = [r for r in rows if stored.get(r["order_id"]) != {c.name: r[c.name] for c in columns}]
        gone = set(stored) - {o.id for o in orders}
        replaced = sorted({r["order_id"] for r in rows} | gone)
        done += len(rows)
        if not replaced:
            continue
        if session.scalar(select(func.count()).select_from(OrderFact).where(ROLLED_OF), {"ids": replaced}):
            _sum_into_daily(session, "rolled_of", {"ids": replaced}, sign=-1)
        session.execute(delete(OrderFact).where(OrderFact.order_id.in_(replaced)))
        if rows:
            session.execute(insert(OrderFact), rows)
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
    """Derive every order's facts from scratch (after a change of definitions); the daily rollup starts again too."""
    _lock(session)
    session.execute(delete(DailyFigures))
    session.execute(delete(OrderFact))
    latest = session.scalar(select(func.max(OrderEvent.id))) or 0
    ids = session.scalars(select(WorkOrder.id)).all()
    done = refresh_orders(session, ids)
    _set_watermark(session, latest, now)
    return {"orders": done, "watermark": latest}
