"""The period's recurring problems (每月一题 candidates with their evidence) and its overdue items (read-only).

Nothing personal leaves here: orders are named by number, examples are titles with numbers and names scrubbed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from liandong.catalog import service as catalog
from liandong.core.clock import SHANGHAI
from liandong.report import signals
from liandong.report.metrics import AsOf, _before, _cohort, previous_period
from liandong.report.models import OrderFact
from liandong.report.redact import scrub
from liandong.workorder.models import WorkOrder

F = OrderFact


def topic_names(session: Session) -> dict[str, str]:
    """Category topics by their last two levels ("市场监管·商品质量"): a bare "其他" says nothing."""
    return {c.code: "·".join(c.path.split("/")[-2:]) for c in catalog.list_categories(session)}


def recurring_problems(session: Session, *, date_from: date, date_to: date, as_of: datetime, limit: int = 10,
                       detail: bool = True) -> list[dict]:
    """Topics by number of valid orders, with places, repeat calls, dissatisfaction and the change on the last period.

    Without `detail` (the dashboard's panel) the distinct callers and the example orders are left out (None, []):
    they are the two costly parts and the panel shows neither.
    """
    t = AsOf(as_of)
    cohort = and_(_cohort(date_from, date_to, as_of), t.valid, F.topic_key.is_not(None))
    dissatisfied = and_(t.reached, t.satisfaction < 3)
    callers = func.count(func.distinct(F.caller_key)) if detail else literal(None)
    rows = session.execute(
        select(
            F.topic_key,
            func.count().label("orders"),
            callers.label("callers"),
            func.count(F.repeat_at).label("repeats"),
            func.sum(_flag(dissatisfied)).label("dissatisfied"),
            func.sum(_flag(F.reopened_at.is_not(None))).label("reopened"),
        )
        .where(cohort)
        .group_by(F.topic_key)
        .order_by(func.count().desc(), F.topic_key)
        .limit(limit)
    ).all()
    if not rows:
        return []
    keys = [r.topic_key for r in rows]
    prev_from, prev_to = previous_period(date_from, date_to)
    before = dict(
        session.execute(
            select(F.topic_key, func.count()).where(_cohort(prev_from, prev_to, as_of), AsOf(as_of).valid, F.topic_key.in_(keys)).group_by(F.topic_key)
        ).all()
    )
    names = topic_names(session)
    tree = catalog.unit_tree(session)
    # Two queries for all listed topics: their places by count, and their latest orders (window function).
    places: dict[str, list] = {}
    distinct_places: dict[str, int] = {}
    for topic, key, n in session.execute(
        select(F.topic_key, F.place_key, func.count())
        .where(cohort, F.topic_key.in_(keys), F.place_key.is_not(None))
        .group_by(F.topic_key, F.place_key)
        .order_by(F.topic_key, func.count().desc(), F.place_key)
    ):
        places.setdefault(topic, [])
        distinct_places[topic] = distinct_places.get(topic, 0) + 1  # one row per (topic, place): the distinct places
        if len(places[topic]) < 3:
            places[topic].append((key, n))
    examples: dict[str, list] = {}
    if detail:
        rank = func.row_number().over(partition_by=F.topic_key, order_by=(F.received_at.desc(), F.order_id.desc())).label("rank")
        latest = select(F.topic_key, F.order_id, rank).where(cohort, F.topic_key.in_(keys)).subquery()
        for topic, number, title in session.execute(
            select(latest.c.topic_key, WorkOrder.number, WorkOrder.title)
            .join(WorkOrder, WorkOrder.id == latest.c.order_id)
            .where(latest.c.rank <= 3)
            .order_by(latest.c.topic_key, latest.c.rank)
        ):
            examples.setdefault(topic, []).append((number, title))
    out = []
    for row in rows:
        out.append(
            {
                "topic_key": row.topic_key,
                "topic": signals.topic_label(row.topic_key, names),
                "orders": int(row.orders),
                "places": distinct_places.get(row.topic_key, 0),
                "callers": int(row.callers) if detail else None,
                "repeats": int(row.repeats or 0),
                "dissatisfied": int(row.dissatisfied or 0),
                "reopened": int(row.reopened or 0),
                "previous": int(before.get(row.topic_key, 0)),
                "top_places": [{"place": place_name(tree, key), "orders": int(n)} for key, n in places.get(row.topic_key, [])],
                "examples": [{"number": number, "title": scrub(title)} for number, title in examples.get(row.topic_key, [])],
            }
        )
    return out


def _flag(condition):
    return case((condition, 1), else_=0)


def place_name(tree, key: str | None) -> str:
    """"140525102:锦绣苑小区" → "巴公镇锦绣苑小区"; "140525102:" → "巴公镇"."""
    if not key:
        return "—"
    code, _, name = key.partition(":")
    division = tree.divisions.get(code)
    where = division.name if division else code
    return f"{where}{name}" if name else where


def overdue_items(session: Session, *, date_from: date, date_to: date, as_of: datetime, limit: int = 50) -> tuple[int, list[dict]]:
    """Open orders of the cohort past their reply deadline as of the evaluation time (most overdue first)."""
    t = AsOf(as_of)
    condition = and_(_cohort(date_from, date_to, as_of), t.valid, t.open, _before(F.overdue_at, as_of), ~t.accepted)
    total = session.scalar(select(func.count()).select_from(F).where(condition)) or 0
    rows = session.execute(
        select(WorkOrder.number, F.overdue_at, F.unit_code, F.division_code, F.category_code, F.request_type, F.received_at)
        .join(WorkOrder, WorkOrder.id == F.order_id)
        .where(condition)
        .order_by(F.overdue_at, F.order_id)
        .limit(limit)
    ).all()
    tree = catalog.unit_tree(session)
    paths = {c.code: c.path for c in catalog.list_categories(session)}
    items = []
    for row in rows:
        items.append(
            {
                "number": row.number,
                "unit": tree.name(row.unit_code) if row.unit_code else "未派单",
                "division": tree.divisions[row.division_code].name if row.division_code in tree.divisions else row.division_code,
                "category": paths.get(row.category_code, "未分类") if row.category_code else "未分类",
                "received": row.received_at.astimezone(SHANGHAI).strftime("%Y-%m-%d"),
                "due": row.overdue_at.astimezone(SHANGHAI).strftime("%Y-%m-%d"),
                "days_overdue": max(0, (as_of - row.overdue_at).days),
            }
        )
    return total, items
