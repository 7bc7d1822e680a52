"""Linkage's scheduled work: forget nonces past the replay window; warn about transfers not signed in time."""

from __future__ import annotations

from datetime import datetime, timedelta

from liandong.core.tasks import scheduled
from liandong.db import unit_of_work
from liandong.linkage import service


@scheduled("linkage.forget_nonces", every=timedelta(minutes=5), description="清理超出防重放时间窗的随机数")
def forget_nonces(now: datetime) -> dict:
    with unit_of_work() as session:
        return {"forgotten": service.forget_nonces(session, now=now)}


@scheduled("linkage.publish_transfer_list", every=timedelta(minutes=5), description="向对接平台发布本方分流转办清单的新版本")
def publish_transfer_list(now: datetime) -> dict:
    with unit_of_work() as session:
        return {"published_to": service.publish_transfer_list(session, now=now)}


@scheduled("linkage.unsigned_transfers", every=timedelta(minutes=1), description="对方超时未签收的转办：记入发送方工单时间线并在看板预警")
def unsigned_transfers(now: datetime) -> dict:
    with unit_of_work() as session:
        return service.warn_unsigned(session, now=now)
