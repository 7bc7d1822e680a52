"""Use cases: the figures of a period (frozen once the period is over), snapshots and their recompute, the report
document the XLSX and PDF exports render."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liandong.core.actor import Actor, Role
from liandong.core.clock import SHANGHAI
from liandong.core.errors import NotFound, PermissionDenied, ValidationFailed
from liandong.report import metrics, periods, problems
from liandong.report.definitions import INSUFFICIENT
from liandong.report.models import ReportSnapshot
from liandong.report.periods import Period

# Who may read reports and the dashboard, and who may recompute a frozen period.
READERS = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.SYSTEM})
RECOMPUTERS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
SECTIONS = ("department", "division", "category", "channel", "type")


def require_reader(actor: Actor) -> None:
    if actor.role not in READERS:
        raise PermissionDenied("统计报表仅对热线督查、领导和管理员开放")


def figures(session: Session, *, period: Period, as_of: datetime, now: datetime) -> dict:
    """Everything a report shows, computed live: overall with change, every grouping, trend, problems, overdue items."""
    base = {"date_from": period.start, "date_to": period.end, "as_of": as_of, "now": now}
    result = metrics.compute(session, **base)
    sections = {}
    for by in SECTIONS:
        sections[by] = metrics.compute(session, **base, by=by)["groups"]
    sections["category2"] = metrics.compute(session, **base, by="category", level=2)["groups"]
    trend = metrics.compute(session, **base, by="day", compare=False)["groups"]
    overdue_total, overdue = problems.overdue_items(session, date_from=period.start, date_to=period.end, as_of=as_of)
    return {
        "period": period.code,
        "title": period.title,
        "label": period.label,
        "definitions_version": result["definitions_version"],
        "from": result["from"],
        "to": result["to"],
        "as_of": result["as_of"],
        "previous": result["previous"],
        "overall": result["overall"],
        "sections": sections,
        "trend": [{"key": g["key"], "received": g["received"], "completion_rate": g["completion_rate"]} for g in trend],
        "problems": problems.recurring_problems(session, date_from=period.start, date_to=period.end, as_of=as_of),
        "overdue_total": overdue_total,
        "overdue": overdue,
        "definitions": metrics.definitions().to_dict(),
    }


def is_closed(period: Period, now: datetime) -> bool:
    return metrics.local_start(period.end) <= now


def latest_snapshot(session: Session, period: Period) -> ReportSnapshot | None:
    return session.scalar(select(ReportSnapshot).where(ReportSnapshot.period == period.code).order_by(ReportSnapshot.revision.desc()).limit(1))


def snapshots(session: Session, period: Period | None = None) -> list[ReportSnapshot]:
    query = select(ReportSnapshot).order_by(ReportSnapshot.period.desc(), ReportSnapshot.revision.desc())
    if period is not None:
        query = query.where(ReportSnapshot.period == period.code)
    return list(session.scalars(query))


def _freeze(session: Session, period: Period, *, actor: Actor, now: datetime, label: str) -> ReportSnapshot:
    revision = (session.scalar(select(func.max(ReportSnapshot.revision)).where(ReportSnapshot.period == period.code)) or 0) + 1
    data = figures(session, period=period, as_of=now, now=now)
    snapshot = ReportSnapshot(
        period=period.code, date_from=period.start, date_to=period.end, as_of=now, definitions_version=data["definitions_version"],
        revision=revision, label=label, figures=data, created_at=now, created_by=actor.name,
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def period_report(session: Session, *, period: Period, actor: Actor, now: datetime, revision: int | None = None) -> dict:
    """The figures of a period: a closed period's frozen snapshot (made the first time it is asked for), or live figures
    while the period is still running. Each result says which it is."""
    require_reader(actor)
    if revision is not None:
        snapshot = session.scalar(select(ReportSnapshot).where(ReportSnapshot.period == period.code, ReportSnapshot.revision == revision))
        if snapshot is None:
            raise NotFound(f"{period.label}没有第 {revision} 版统计快照", field="revision")
        return _with_status(snapshot.figures, snapshot)
    if not is_closed(period, now):
        data = figures(session, period=period, as_of=now, now=now)
        return data | {"frozen": False, "revision": None, "revision_label": "统计期未结束，数据为实时计算"}
    snapshot = latest_snapshot(session, period)
    if snapshot is None:
        snapshot = _freeze(session, period, actor=actor, now=now, label="首次生成")
    return _with_status(snapshot.figures, snapshot)


def recompute(session: Session, *, period: Period, actor: Actor, now: datetime, label: str | None = None) -> dict:
    """Freeze the period again as of now (after late events or a change of definitions): a new, labelled revision."""
    if actor.role not in RECOMPUTERS:
        raise PermissionDenied("只有热线督查或管理员可以重新计算已冻结的统计期")
    if not is_closed(period, now):
        raise ValidationFailed(f"{period.label}尚未结束，不能冻结；统计期结束后才能生成快照", field="period")
    text = (label or "").strip() or f"{now.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 重新计算"
    if len(text) > 120:
        raise ValidationFailed("版本说明不能超过 120 个字", field="label")
    return _with_status(_freeze(session, period, actor=actor, now=now, label=text).figures, latest_snapshot(session, period))


def _with_status(data: dict, snapshot: ReportSnapshot) -> dict:
    return data | {
        "frozen": True,
        "revision": snapshot.revision,
        "revision_label": f"第 {snapshot.revision} 版（{snapshot.label}，{snapshot.as_of.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 冻结）",
    }


def summary_text(data: dict) -> str:
    """The report's opening paragraph, written from its figures."""
    o = data["overall"]
    change = o.get("change") or {}

    def pct(value) -> str:
        return "—" if value is None else f"{value * 100:.1f}%"

    def delta(name: str, points: bool = True) -> str:
        value = change.get(name)
        if value is None:
            return ""
        if points:
            return f"（较上期{'上升' if value > 0 else '下降' if value < 0 else '持平'}{abs(value) * 100:.1f}个百分点）" if value else "（与上期持平）"
        return f"（较上期{'增加' if value > 0 else '减少'}{abs(int(value))}件）" if value else "（与上期持平）"

    parts = [
        f"{data['label']}，12345热线共受理群众诉求{o['received']}件{delta('received', False)}，"
        f"其中有效工单{o['valid']}件（并单{o['merged']}件、无效或恶意来电{o['invalid']}件、市民撤回{o['withdrawn']}件，均不计入各项比率）。",
        f"直接答复率{pct(o['direct_answer_rate'])}；派单{o['dispatched']}件，响应率（按时签收）{pct(o['response_rate'])}{delta('response_rate')}，"
        f"按时办结率{pct(o['on_time_reply_rate'])}{delta('on_time_reply_rate')}，办结率{pct(o['completion_rate'])}。",
        f"回访率{pct(o['callback_rate'])}，解决率{pct(o['resolution_rate'])}{delta('resolution_rate')}，"
        f"满意率{pct(o['satisfaction_rate'])}{delta('satisfaction_rate')}；退单率{pct(o['return_rate'])}，延期率{pct(o['extension_rate'])}，"
        f"重办率{pct(o['reopen_rate'])}，重复诉求率{pct(o['repeat_rate'])}"
        + (f"，平均办理时长{o['avg_handling_hours']:.1f}个工作日小时。" if o["avg_handling_hours"] is not None else "。"),
    ]
    units = data["sections"].get("department", [])
    graded = [u for u in units if u.get("grade") not in (None, INSUFFICIENT)]
    if units:
        bands = {band: sum(1 for u in graded if u["grade"] == band) for band in "ABCD"}
        parts.append(
            f"参与分档的承办单位{len(graded)}个（A档{bands['A']}个、B档{bands['B']}个、C档{bands['C']}个、D档{bands['D']}个），"
            f"另有{len(units) - len(graded)}个单位派单量不足，列为样本不足、不予分档。"
        )
    if data.get("problems"):
        top = "、".join(f"{p['topic']}（{p['orders']}件）" for p in data["problems"][:3])
        parts.append(f"本期群众反映较集中的问题依次为{top}。")
    if data.get("overdue_total"):
        parts.append(f"截至统计时点，仍有{data['overdue_total']}件工单超过答复时限未办结，需督促办理。")
    return "".join(parts)


def parse_period(text: str) -> Period:
    return periods.parse(text)
