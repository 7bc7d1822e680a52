"""Mining against the database: read consultation orders, turn clusters into draft 一问一答 for units."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from liandong.core.actor import Actor
from liandong.core.clock import SHANGHAI
from liandong.knowledge import items
from liandong.knowledge.mining import Cluster, Period, Record

CONSULTATION = "consult"


def consultation_records(session: Session, *, period: Period) -> list[Record]:
    """Consultation orders received in the period, as mining records."""
    from liandong.workorder.models import WorkOrder

    start = datetime.combine(period.start, time.min, tzinfo=SHANGHAI)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    rows = session.execute(
        select(WorkOrder.id, WorkOrder.title, WorkOrder.content, WorkOrder.received_at, WorkOrder.department_code)
        .where(WorkOrder.request_type == CONSULTATION, WorkOrder.received_at >= start, WorkOrder.received_at < end)
        .order_by(WorkOrder.received_at)
    )
    return [
        Record(id=row.id, text=f"{row.title}。{row.content}" if row.title not in row.content else row.content, time=row.received_at, department_code=row.department_code)
        for row in rows
    ]


def propose_drafts(session: Session, *, clusters: list[Cluster], actor: Actor, now: datetime) -> list[int | None]:
    """One draft item per cluster, unless an item already asks the same question (then None, in order)."""
    created: list[int | None] = []
    existing = set(session.scalars(select(items.Item.question)))
    for cluster in clusters:
        if cluster.question[:500] in existing:
            created.append(None)
            continue
        item = items.create_item(
            session,
            actor=actor,
            now=now,
            question=cluster.question[:500],
            answer="",
            department_code=cluster.department_code,
            tags=["高频问题", *cluster.keywords[:3]],
            origin="mined",
            mined_count=cluster.size,
            note=f"高频咨询 {cluster.size} 件（{cluster.first}—{cluster.last}），请责任单位填写答复口径",
        )
        created.append(item.id)
        existing.add(item.question)
    return created
