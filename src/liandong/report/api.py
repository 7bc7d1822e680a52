"""REST endpoints for figures and hotspots (read-only): the same JSON as `liandong report metrics` and `liandong hotspots`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from liandong.account.dependencies import scoped
from liandong.core.actor import Actor
from liandong.core.clock import now as clock_now
from liandong.core.errors import ValidationFailed
from liandong.core.http import ERROR_RESPONSES
from liandong.db.deps import ReadSession
from liandong.report import alerts, metrics, service

router = APIRouter(prefix="/api/reports", tags=["统计 reports"], responses=ERROR_RESPONSES)


def _aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValidationFailed(f"{name} 缺少时区，请带上时区，例如 +08:00", field=name)
    return value


@router.get("/metrics", summary="指标：按受理日期统计，可按评价时点和分组")
def get_metrics(
    session: ReadSession,
    actor: Annotated[Actor, Depends(scoped("reports:read"))],
    date_from: Annotated[date, Query(alias="from", description="开始日期（含）")],
    date_to: Annotated[date, Query(alias="to", description="结束日期（不含）")],
    as_of: Annotated[datetime | None, Query(description="评价时点（ISO 8601，带时区）")] = None,
    by: Annotated[str | None, Query(description="department|division|category|channel|type|day|week|month")] = None,
    level: Annotated[int, Query(ge=1, le=3)] = 1,
) -> dict:
    service.require_reader(actor)
    now = clock_now()
    return metrics.compute(session, date_from=date_from, date_to=date_to, as_of=_aware(as_of, "as_of") or now, by=by, level=level, now=now)


@router.get("/hotspots", summary="民意热点列表")
def get_hotspots(
    session: ReadSession,
    actor: Annotated[Actor, Depends(scoped("reports:read"))],
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
    status: Annotated[str | None, Query(description="open|merged|supervised|dismissed")] = None,
) -> list[dict]:
    service.require_reader(actor)
    if status is not None and status not in alerts.STATUS_LABELS:
        raise ValidationFailed(f"未知的热点状态：{status}", field="status")
    found = alerts.list_hotspots(session, start=_aware(start, "from"), end=_aware(end, "to"), status=status)
    return [alerts.to_dict(h) for h in found]
