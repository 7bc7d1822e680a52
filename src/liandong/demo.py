"""Prepare the demo: migrate the configured database, load the catalogue and demo data once."""

from __future__ import annotations

from sqlalchemy import func, select

from liandong.core.clock import now
from liandong.db import unit_of_work
from liandong.migrate import upgrade


def prepare_demo(*, orders: int = 360) -> dict:
    from liandong.workorder.demo import seed_demo
    from liandong.workorder.models import WorkOrder

    upgrade()
    with unit_of_work() as session:
        created = seed_demo(session, now=now(), count=orders)
    with unit_of_work() as session:
        total = session.scalar(select(func.count()).select_from(WorkOrder))
    return {"orders_created": created, "orders_total": total}
