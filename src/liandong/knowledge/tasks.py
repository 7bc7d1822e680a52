"""Scheduled: published 一问一答 items past their valid-until date are expired."""

from __future__ import annotations

from datetime import datetime, timedelta

from liandong.core.actor import SYSTEM
from liandong.core.tasks import scheduled
from liandong.db import unit_of_work
from liandong.knowledge import items


@scheduled("knowledge.expire_items", every=timedelta(hours=1), description="已发布知识条目超过有效期后自动失效")
def expire_items(now: datetime) -> dict:
    with unit_of_work() as session:
        return {"expired": len(items.expire_due(session, actor=SYSTEM, now=now))}
