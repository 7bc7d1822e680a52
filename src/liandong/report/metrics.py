"""The metric definitions as SQL over the fact rollup, evaluated as of a time, overall and by group (read-only).

A fact counts as of T when its time is at or before T; a cohort is the orders received in [from, to) (Asia/Shanghai
dates) and by T. Every rate is (numerator, denominator) summed in one pass; a denominator of 0 gives None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.orm import Session

from liandong.catalog import service as catalog
from liandong.config import settings
from liandong.core.clock import SHANGHAI, UTC
from liandong.core.errors import ValidationFailed
from liandong.core.vocabulary import CHANNELS, REQUEST_TYPES
from liandong.report import definitions as defs
from liandong.report.models import OrderFact
from liandong.report.rollup import ensure_fresh

F = OrderFact
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)  # periods outside have no orders, and no previous period
GROUPINGS = {
    "department": "承办单位",
    "division": "县（市、区）",
    "category": "诉求分类",
    "channel": "受理渠道",
    "type": "诉求类型",
    "day": "日",
    "week": "周",
    "month": "月",
}


def definitions() -> defs.Definitions:
    config_dir = settings().config_dir
    return defs.load(config_dir / "report.toml" if config_dir else None)


# ---------------------------------------------------------------- the conditions, as of T


def _by(column, at: datetime):
    return and_(column.is_not(None), column <= at)


def _before(column, at: datetime):
    return and_(column.is_not(None), column < at)


@dataclass(frozen=True)
class AsOf:
    """The building blocks of every definition at one evaluation time."""

    at: datetime

    @property
    def merged(self):
        return _by(F.merged_at, self.at)

    @property
    def invalid(self):
        return and_(_by(F.invalid_at, self.at), not_(self.merged))

    @property
    def valid(self):
        return and_(not_(_by(F.merged_at, self.at)), not_(_by(F.invalid_at, self.at)))

    @property
    def dispatched(self):
        return and_(self.valid, _by(F.dispatched_at, self.at))

    @property
    def closed(self):
        # Closed now and since before T; or closed once by T and not yet reopened at T.
        return or_(
            _by(F.closed_at, self.at),
            and_(_by(F.first_closed_at, self.at), or_(F.open_again_at.is_(None), F.open_again_at > self.at)),
        )

    @property
    def open(self):
        return not_(or_(_by(F.merged_at, self.at), _by(F.transferred_at, self.at), self.closed))

    @property
    def sign_judged(self):
        return and_(self.dispatched, or_(_by(F.sign_ok_at, self.at), _by(F.sign_late_at, self.at)))

    @property
    def accepted(self):
        return and_(self.valid, _by(F.accepted_at, self.at))

    @property
    def reply_judged(self):
        return and_(self.valid, or_(_by(F.accepted_at, self.at), and_(_before(F.overdue_at, self.at), self.open)))

    @property
    def reached(self):
        return and_(self.valid, _by(F.first_reached_at, self.at))

    @property
    def satisfaction(self):
        return case((_by(F.last_reached_at, self.at), F.last_satisfaction), else_=F.first_satisfaction)

    @property
    def resolved(self):
        return case((_by(F.last_reached_at, self.at), F.last_resolved), else_=F.first_resolved)


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _aggregates(at: datetime) -> list:
    t = AsOf(at)
    pairs = {
        "direct_answer_rate": (and_(t.valid, _by(F.direct_answer_at, at)), t.valid),
        "response_rate": (and_(t.sign_judged, not_(_by(F.sign_late_at, at))), t.sign_judged),
        "on_time_reply_rate": (and_(t.accepted, F.accepted_on_time.is_(True)), t.reply_judged),
        "completion_rate": (and_(t.valid, t.closed), t.valid),
        "callback_rate": (and_(t.valid, _by(F.callback_due_at, at), _by(F.first_reached_at, at)), and_(t.valid, _by(F.callback_due_at, at))),
        "resolution_rate": (and_(t.reached, t.resolved.is_(True)), t.reached),
        "satisfaction_rate": (and_(t.reached, t.satisfaction >= 3), t.reached),
        "return_rate": (and_(t.dispatched, _by(F.returned_at, at)), t.dispatched),
        "reopen_rate": (and_(t.valid, _by(F.first_closed_at, at), _by(F.reopened_at, at)), and_(t.valid, _by(F.first_closed_at, at))),
        "extension_rate": (and_(t.dispatched, _by(F.extended_at, at)), t.dispatched),
        "repeat_rate": (_by(F.repeat_at, at), None),
    }
    columns = [
        func.count().label("received"),
        _count(t.merged).label("merged"),
        _count(t.invalid).label("invalid"),
        _count(t.dispatched).label("dispatched"),
    ]
    for name, (numerator, denominator) in pairs.items():
        columns.append(_count(numerator).label(f"{name}__n"))
        if denominator is not None:
            columns.append(_count(denominator).label(f"{name}__d"))
    columns += [
        func.sum(case((t.reached, t.satisfaction), else_=None)).label("satisfaction_score__s"),
        _count(and_(t.reached, t.satisfaction.is_not(None))).label("satisfaction_score__c"),
        func.sum(case((and_(t.accepted, F.handling_hours.is_not(None)), F.handling_hours), else_=None)).label("avg_handling_hours__s"),
        _count(and_(t.accepted, F.handling_hours.is_not(None))).label("avg_handling_hours__c"),
    ]
    return columns


def _ratio(numerator, denominator, digits: int = 4) -> float | None:
    if not denominator:
        return None
    return round(numerator / denominator, digits)


def figures_of(row: dict) -> dict:
    """One aggregate row as the named figures (rates 0–1, None when the denominator is 0)."""
    received = int(row.get("received") or 0)
    merged = int(row.get("merged") or 0)
    invalid = int(row.get("invalid") or 0)
    out: dict = {"received": received, "merged": merged, "invalid": invalid, "valid": received - merged - invalid,
                 "dispatched": int(row.get("dispatched") or 0)}
    for name in defs.RATES:
        numerator = int(row.get(f"{name}__n") or 0)
        denominator = received if name == "repeat_rate" else int(row.get(f"{name}__d") or 0)
        out[name] = _ratio(numerator, denominator)
        out[f"{name}_num"] = numerator
        out[f"{name}_den"] = denominator
    count = int(row.get("satisfaction_score__c") or 0)
    out["satisfaction_score"] = round(float(row["satisfaction_score__s"]) / count * 20, 2) if count else None
    handled = int(row.get("avg_handling_hours__c") or 0)
    out["avg_handling_hours"] = round(float(row["avg_handling_hours__s"]) / handled, 2) if handled else None
    return out


# ---------------------------------------------------------------- periods and groups


def local_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def _cohort(date_from: date, date_to: date, as_of: datetime):
    return and_(F.received_at >= local_start(date_from), F.received_at < local_start(date_to), F.received_at <= as_of)


def _local_period(session: Session, grain: str):
    """The Asia/Shanghai day / ISO week start / month of receipt, as text, in the database's own dialect."""
    if session.get_bind().dialect.name == "postgresql":
        local = func.timezone("Asia/Shanghai", F.received_at)
        if grain == "week":
            return func.to_char(func.date_trunc("week", local), "YYYY-MM-DD")
        return func.to_char(local, "YYYY-MM" if grain == "month" else "YYYY-MM-DD")
    shifted = func.datetime(F.received_at, "+8 hours")  # China has kept UTC+8 without summer time since 1991
    if grain == "week":
        return func.date(shifted, "weekday 0", "-6 days")
    return func.strftime("%Y-%m" if grain == "month" else "%Y-%m-%d", shifted)


def group_column(session: Session, by: str, level: int = 1):
    if by == "department":
        return F.unit_code
    if by == "division":
        return F.division_code
    if by == "category":
        return F.category_code if level >= 3 else func.substr(F.category_code, 1, 2 * level)
    if by == "channel":
        return F.channel
    if by == "type":
        return F.request_type
    if by in ("day", "week", "month"):
        return _local_period(session, by)
    raise ValidationFailed(f"未知的分组：{by}。可选：" + "、".join(f"{k}（{v}）" for k, v in GROUPINGS.items()), field="by")


def labels_for(session: Session, by: str, keys) -> dict:
    if by == "department":
        tree = catalog.unit_tree(session)
        return {k: tree.name(k) if k else "未派单" for k in keys}
    if by == "division":
        names = {d.code: d.name for d in catalog.list_divisions(session)}
        return {k: names.get(k, k) for k in keys}
    if by == "category":
        paths = {c.code: c.path for c in catalog.list_categories(session)}
        return {k: paths.get(k, k) if k else "未分类" for k in keys}
    if by == "channel":
        return {k: CHANNELS.label(k) for k in keys}
    if by == "type":
        return {k: REQUEST_TYPES.label(k) for k in keys}
    return {k: k for k in keys}


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """The period just before: the same number of calendar months when the period is whole months, else the same days."""
    if date_from.day == 1 and date_to.day == 1:
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month
        index = date_from.year * 12 + date_from.month - 1 - months
        return date(index // 12, index % 12 + 1, 1), date_from
    length = date_to - date_from
    return date_from - length, date_from


def _rows(session: Session, date_from: date, date_to: date, as_of: datetime, key=None) -> list[dict]:
    columns = _aggregates(as_of)
    if key is not None:
        query = select(key.label("key"), *columns).where(_cohort(date_from, date_to, as_of)).group_by(key)
    else:
        query = select(*columns).where(_cohort(date_from, date_to, as_of))
    return [dict(row._mapping) for row in session.execute(query)]


def _change(current: dict, previous: dict | None) -> dict:
    if previous is None:
        return {}
    change = {}
    for metric in defs.METRICS:
        now_value, before = current.get(metric.name), previous.get(metric.name)
        change[metric.name] = None if now_value is None or before is None else round(now_value - before, 4)
    return change


PUBLIC = tuple(m.name for m in defs.METRICS)


def _public(figures: dict) -> dict:
    return {name: figures[name] for name in PUBLIC} | {
        f"{name}_{part}": figures[f"{name}_{part}"] for name in defs.RATES for part in ("num", "den")
    }


def compute(
    session: Session,
    *,
    date_from: date,
    date_to: date,
    as_of: datetime,
    by: str | None = None,
    level: int = 1,
    compare: bool = True,
    now: datetime | None = None,
) -> dict:
    """The figures of the orders received in [date_from, date_to), evaluated as of `as_of`, overall and by one grouping."""
    if date_to <= date_from:
        raise ValidationFailed("统计区间的结束日期（不含）必须晚于开始日期", field="to")
    if not (FIRST_DAY <= date_from and date_to <= LAST_DAY):
        raise ValidationFailed(f"统计区间须在 {FIRST_DAY.isoformat()} 至 {LAST_DAY.isoformat()} 之间", field="from")
    if by is not None and by not in GROUPINGS:
        group_column(session, by)  # raises with the choices
    if not 1 <= level <= 3:
        raise ValidationFailed("分类层级只能是 1、2 或 3", field="level")
    ensure_fresh(session, now=now or as_of)
    definitions_ = definitions()
    overall = figures_of(_rows(session, date_from, date_to, as_of)[0])
    previous_overall = None
    previous_rows: dict = {}
    prev_from, prev_to = previous_period(date_from, date_to)
    prev_as_of = as_of - (local_start(date_from) - local_start(prev_from))
    if compare:
        previous_overall = figures_of(_rows(session, prev_from, prev_to, prev_as_of)[0])
    result = {
        "definitions_version": definitions_.version,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "as_of": as_of.astimezone(SHANGHAI).isoformat(),
        "previous": {"from": prev_from.isoformat(), "to": prev_to.isoformat(), "as_of": prev_as_of.astimezone(SHANGHAI).isoformat()} if compare else None,
        "overall": _public(overall) | {"change": _change(overall, previous_overall)},
        "groups": [],
    }
    if by is None:
        return result
    key = group_column(session, by, level)
    rows = _rows(session, date_from, date_to, as_of, key)
    if compare and by not in ("day", "week", "month"):
        previous_rows = {r["key"]: figures_of(r) for r in _rows(session, prev_from, prev_to, prev_as_of, key)}
    labels = labels_for(session, by, [r["key"] for r in rows])
    groups = []
    for row in rows:
        figures = figures_of(row)
        group = {"key": row["key"], "label": labels.get(row["key"], row["key"]), **_public(figures)}
        group["change"] = _change(figures, previous_rows.get(row["key"])) if compare else {}
        if by == "department":
            grade, score = definitions_.grading.grade(figures, figures["dispatched"])
            group["grade"], group["score"] = grade, score
        groups.append(group)
    if by in ("day", "week", "month"):
        groups.sort(key=lambda g: g["key"] or "")
    elif by == "department":
        groups.sort(key=lambda g: (g["grade"] == defs.INSUFFICIENT, -(g["score"] or 0), -g["dispatched"], g["key"] or ""))
    else:
        groups.sort(key=lambda g: (-g["received"], g["key"] or ""))
    result["by"] = by
    result["groups"] = groups
    return result
