"""Scheduled report work: keep the fact rollup current and look for 民意热点 as orders arrive.

Each task opens its own unit of work and can be called directly (the CLI and tests do) or by the worker.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from liandong.core.tasks import scheduled
from liandong.db import unit_of_work
from liandong.report import alerts, rollup


@scheduled("report.refresh_facts", every=timedelta(minutes=5), description="更新统计事实表（含最近一批时间线的回看）和按日汇总表")
def refresh_facts(now: datetime) -> dict:
    with unit_of_work() as session:
        result = rollup.refresh(session, now=now, look_back=rollup.LOOK_BACK_IDS)
        return result | rollup.roll(session, now=now)


@scheduled("report.detect_hotspots", every=timedelta(minutes=10), description="民意热点：按主题和地点发现集中来电并提醒督查")
def detect_hotspots(now: datetime) -> dict:
    with unit_of_work() as session:
        touched = alerts.scan_since_last(session, now=now)
        return {"hotspots": len(touched), "open": alerts.open_count(session)}
