"""Scheduled: personal data of old closed orders is anonymised after the retention period."""

from __future__ import annotations

from datetime import datetime, timedelta

from liandong.config import settings
from liandong.core.actor import SYSTEM
from liandong.core.tasks import scheduled
from liandong.db import unit_of_work
from liandong.workorder import service


@scheduled("workorder.purge_personal", every=timedelta(days=1), description="匿名化超过保留期限的已办结工单的来电人信息")
def purge_personal(now: datetime) -> dict:
    with unit_of_work() as session:
        return service.purge_personal(session, now=now, retention_days=settings().personal_data_retention_days, actor=SYSTEM)
