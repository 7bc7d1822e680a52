"""Scheduled: anchor the audit chain's head outside the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from liandong.audit import service
from liandong.config import settings
from liandong.core.tasks import scheduled
from liandong.db import unit_of_work


@scheduled("audit.anchor", every=timedelta(hours=1), description="锚定审计日志链头（写入数据库之外的文件）")
def anchor(now: datetime) -> dict:
    with unit_of_work() as session:
        entry = service.anchor(session, path=service.anchor_path(settings().var_dir), now=now)
    return {"anchored_id": entry["id"] if entry else None}
