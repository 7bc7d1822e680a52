"""Scheduled: deadline warnings and automatic 催办 on the timeline; personal data of old closed orders anonymised."""

from __future__ import annotations

from datetime import datetime, timedelta

from liandong.config import settings
from liandong.core.actor import SYSTEM
from liandong.core.tasks import scheduled
from liandong.db import unit_of_work
from liandong.workorder import service, warnings


@scheduled("workorder.purge_personal", every=timedelta(days=1), description="匿名化超过保留期限的已办结工单的来电人信息")
def purge_personal(now: datetime) -> dict:
    with unit_of_work() as session:
        return service.purge_personal(session, now=now, retention_days=settings().personal_data_retention_days, actor=SYSTEM)


@scheduled("workorder.deadline_warnings", every=timedelta(minutes=5), description="工单进入黄色预警或超时（红色）时记入时间线并上督办看板")
def deadline_warnings(now: datetime) -> dict:
    with unit_of_work() as session:
        return warnings.record_deadline_warnings(session, now=now)


@scheduled("workorder.auto_remind", every=timedelta(minutes=30), description="按催办规则自动催办超过签收或答复时限的工单")
def auto_remind(now: datetime) -> dict:
    with unit_of_work() as session:
        return warnings.remind_overdue(session, now=now)
