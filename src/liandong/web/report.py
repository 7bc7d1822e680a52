"""统计看板, 指标查询, 月报季报 and 民意热点 pages for leaders and supervisors.

The dashboard is a light shell; each panel (trend, units, categories, counties, hotspots) is its own request so
no single request computes everything. Every chart is drawn from a table that is one click away on the page.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from liandong.core.actor import Role
from liandong.core.clock import SHANGHAI
from liandong.core.clock import now as clock_now
from liandong.core.errors import ValidationFailed
from liandong.core.http import RecordId
from liandong.db.deps import ReadSession
from liandong.report import alerts, exports, live, metrics, periods, problems, service
from liandong.report.definitions import BY_NAME, INSUFFICIENT
from liandong.report.metrics import GROUPINGS
from liandong.web.common import Posted, attempt, safe_next, see_other
from liandong.web.render import page
from liandong.web.security import Operator, require, verify_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
Reader = Annotated[Operator, Depends(require(Role.SUPERVISOR, Role.LEADER))]
Supervisor = Annotated[Operator, Depends(require(Role.SUPERVISOR))]

PANELS = ("trend", "units", "categories", "counties", "hotspots")
KPIS = ("received", "valid", "response_rate", "on_time_reply_rate", "completion_rate", "resolution_rate", "satisfaction_rate", "satisfaction_score")
HEAT = ("received", "response_rate", "on_time_reply_rate", "completion_rate", "resolution_rate", "satisfaction_rate")
MAX_DAYS = 400


def date_range(start: str, end: str, today: date) -> tuple[date, date]:
    """The picker's [from, to] (both inclusive, as people pick dates) as the metrics' [from, to)."""

    def parse(text: str, default: date, field: str) -> date:
        text = (text or "").strip()
        if not text:
            return default
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValidationFailed(f"日期格式无效：{text}", field=field) from None

    last = parse(end, today, "to")
    first = parse(start, last - timedelta(days=29), "from")
    if first > last:
        raise ValidationFailed("开始日期不能晚于结束日期", field="from")
    if (last - first).days >= MAX_DAYS:
        raise ValidationFailed(f"日期范围最长 {MAX_DAYS} 天", field="from")
    return first, last + timedelta(days=1)


def _json(data) -> Markup:
    # Inside <script type="application/json">: only "<" needs escaping.
    return Markup(json.dumps(data, ensure_ascii=False, default=str).replace("<", "\\u003c"))


def _range_query(first: date, end: date) -> str:
    return f"from={first.isoformat()}&to={(end - timedelta(days=1)).isoformat()}"


@router.get("/dashboard")
def dashboard(request: Request, session: ReadSession, operator: Reader, to: str = ""):
    now = clock_now()
    first, end = date_range(request.query_params.get("from", ""), to, now.astimezone(SHANGHAI).date())
    result = metrics.compute(session, date_from=first, date_to=end, as_of=now, now=now)
    return page(
        request, "report/dashboard.html", now=now, active="dashboard", live=live.live_counts(session, now=now), overall=result["overall"],
        previous=result["previous"], version=result["definitions_version"], metrics=BY_NAME, kpis=KPIS, panels=PANELS,
        first=first, last=end - timedelta(days=1), query=_range_query(first, end),
    )


@router.get("/dashboard/panels/{panel}", response_class=HTMLResponse)
def dashboard_panel(request: Request, session: ReadSession, operator: Reader, panel: str, to: str = ""):
    if panel not in PANELS:
        raise ValidationFailed(f"未知的看板模块：{panel}", field="panel")
    now = clock_now()
    first, end = date_range(request.query_params.get("from", ""), to, now.astimezone(SHANGHAI).date())
    base = {"date_from": first, "date_to": end, "as_of": now, "now": now}
    context: dict = {"panel": panel, "metrics": BY_NAME, "query": _range_query(first, end)}
    if panel == "trend":
        grain = "day" if (end - first).days <= 62 else "week" if (end - first).days <= 190 else "month"
        rows = metrics.compute(session, **base, by=grain, compare=False)["groups"]
        context.update(rows=rows, grain=GROUPINGS[grain], chart={"kind": "trend", "labels": [r["key"] for r in rows],
                       "received": [r["received"] for r in rows], "completion": [r["completion_rate"] for r in rows],
                       "satisfaction": [r["satisfaction_rate"] for r in rows]})
    elif panel == "units":
        rows = metrics.compute(session, **base, by="department", compare=False)["groups"]
        graded = [r for r in rows if r["grade"] != INSUFFICIENT]
        bands = {band: sum(1 for r in rows if r["grade"] == band) for band in ("A", "B", "C", "D", INSUFFICIENT)}
        context.update(rows=rows, bands=bands, chart={"kind": "units", "labels": [r["label"] for r in graded[:20]],
                       "scores": [r["score"] for r in graded[:20]], "grades": [r["grade"] for r in graded[:20]], "bands": bands})
    elif panel == "categories":
        rows = metrics.compute(session, **base, by="category", compare=False)["groups"]
        context.update(rows=rows, chart={"kind": "pie", "items": [{"name": r["label"], "value": r["received"]} for r in rows]})
    elif panel == "counties":
        rows = [r for r in metrics.compute(session, **base, by="division", compare=False)["groups"]]
        context.update(rows=rows, heat=HEAT, chart={"kind": "heat", "rows": [r["label"] for r in rows], "columns": [BY_NAME[m].label for m in HEAT],
                       "values": [[r[m] for m in HEAT] for r in rows], "rates": [BY_NAME[m].kind == "rate" for m in HEAT]})
    else:
        found = alerts.list_hotspots(session, start=datetime.combine(first, datetime.min.time(), tzinfo=SHANGHAI), limit=20)
        context.update(rows=[alerts.to_dict(h) for h in found], chart=None)
        context["problems"] = problems.recurring_problems(session, date_from=first, date_to=end, as_of=now, limit=8, detail=False)
    context["chart_json"] = _json(context.get("chart"))
    return page(request, "report/panel.html", now=now, **context)


@router.get("/stats")
def stats(request: Request, session: ReadSession, operator: Reader, to: str = "", by: str = "department", level: int = 1):
    """指标查询: every figure with its numerator and denominator, for any range and grouping."""
    now = clock_now()
    first, end = date_range(request.query_params.get("from", ""), to, now.astimezone(SHANGHAI).date())
    by = by if by in GROUPINGS else "department"
    level = level if level in (1, 2, 3) else 1
    result = metrics.compute(session, date_from=first, date_to=end, as_of=now, by=by, level=level, now=now)
    return page(request, "report/stats.html", now=now, active="stats", result=result, metrics=BY_NAME, groupings=GROUPINGS, by=by,
                level=level, first=first, last=end - timedelta(days=1), insufficient=INSUFFICIENT)


@router.get("/reports")
def reports(request: Request, session: ReadSession, operator: Reader):
    now = clock_now()
    frozen = {}
    for snapshot in service.snapshots(session):
        frozen.setdefault(snapshot.period, []).append(snapshot)
    listed = periods.recent(now.astimezone(SHANGHAI).date())
    return page(request, "report/reports.html", now=now, active="reports", periods=listed, frozen=frozen,
                closed={p.code: service.is_closed(p, now) for p in listed}, can_recompute=operator.has(Role.SUPERVISOR),
                version=metrics.definitions().version)


@router.get("/reports/{code}.{fmt}")
def report_download(request: Request, session: ReadSession, operator: Reader, code: str, fmt: str, revision: int | None = None):
    if fmt not in exports.FORMATS:
        raise ValidationFailed(f"格式只能是 {'、'.join(exports.FORMATS)}", field="format")
    now = clock_now()
    data = service.period_report(session, period=service.parse_period(code), actor=operator.actor, now=now, revision=revision)
    # A first look at a closed period freezes it: the read session must keep that snapshot.
    session.commit()
    name = exports.filename(data, fmt)
    return Response(
        exports.render(data, fmt), media_type=exports.CONTENT_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


@router.post("/reports/{code}/recompute")
def report_recompute(request: Request, operator: Supervisor, form: Posted, code: str):
    period = service.parse_period(code)
    label = str(form.get("label") or "")
    attempt(request, lambda s: service.recompute(s, period=period, actor=operator.actor, now=clock_now(), label=label),
            success=f"{period.label}已重新计算，生成新的一版快照")
    return see_other("/reports")


@router.get("/hotspots")
def hotspot_list(request: Request, session: ReadSession, operator: Reader, status: str = "open"):
    status = status if status in alerts.STATUS_LABELS or status == "all" else "open"
    found = alerts.list_hotspots(session, status=None if status == "all" else status)
    return page(request, "report/hotspots.html", active="hotspots", rows=[alerts.to_dict(h) for h in found], status=status,
                statuses=alerts.STATUS_LABELS)


@router.get("/hotspots/{hotspot_id}")
def hotspot_page(request: Request, session: ReadSession, operator: Reader, hotspot_id: RecordId):
    hotspot = alerts.require_hotspot(session, hotspot_id)
    return page(request, "report/hotspot.html", active="hotspots", h=alerts.to_dict(hotspot), note=hotspot.note,
                orders=alerts.members(session, hotspot), can_handle=operator.has(Role.SUPERVISOR) and hotspot.status == "open")


@router.post("/hotspots/{hotspot_id}/{action}")
def hotspot_action(request: Request, operator: Supervisor, form: Posted, hotspot_id: RecordId, action: str):
    handlers = {
        "merge": (lambda s: alerts.merge_members(s, hotspot_id=hotspot_id, actor=operator.actor, now=clock_now()), "已并单为一案"),
        "supervise": (lambda s: alerts.supervise_members(s, hotspot_id=hotspot_id, actor=operator.actor, now=clock_now(), note=str(form.get("note") or "")),
                      "已对热点工单联合督办"),
        "dismiss": (lambda s: alerts.dismiss(s, hotspot_id=hotspot_id, actor=operator.actor, now=clock_now(), note=str(form.get("note") or "")), "已忽略该热点"),
    }
    if action not in handlers:
        raise ValidationFailed(f"未知的热点处置：{action}", field="action")
    use_case, message = handlers[action]
    attempt(request, use_case, success=message)
    return see_other(safe_next(str(form.get("next") or ""), f"/hotspots/{hotspot_id}"))
