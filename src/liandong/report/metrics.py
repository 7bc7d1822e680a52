"""The metric definitions evaluated as of a time, overall and by group (read-only).

A fact counts as of T when its time is at or before T; a cohort is the orders received in [from, to) (Asia/Shanghai
dates) and by T. Every rate is (numerator, denominator); a denominator of 0 gives None.

The sums come from two places that add up to a scan of every fact row: the daily rollup (orders whose facts have
settled, summed as they count at any moment after that), corrected by the fact rows the rollup cannot answer for
at T — those not rolled up yet, and those rolled up but settling only at or after T (their rolled value is taken
out and their value as of T put in). As of now that is a few recent rows; far in the past, most of the cohort.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import Date, and_, bindparam, func, select, text
from sqlalchemy.orm import Session

from liandong.catalog import service as catalog
from liandong.config import settings
from liandong.core.clock import SHANGHAI, UTC
from liandong.core.errors import ValidationFailed
from liandong.core.vocabulary import CHANNELS, REQUEST_TYPES
from liandong.db import UTCDateTime
from liandong.report import definitions as defs
from liandong.report.measures import FINAL, AsOf, _before, _by, labelled  # noqa: F401  (AsOf, _before, _by: used by problems)
from liandong.report.models import MEASURES, DailyFigures, OrderFact
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


def _num(value) -> int:
    return int(value or 0)


def _ratio(numerator, denominator, digits: int = 4) -> float | None:
    if not denominator:
        return None
    return round(numerator / denominator, digits)


def figures_of(row: dict) -> dict:
    """One aggregate row as the named figures (rates 0–1, None when the denominator is 0)."""
    received = int(row.get("received") or 0)
    merged = int(row.get("merged") or 0)
    invalid = int(row.get("invalid") or 0)
    withdrawn = int(row.get("withdrawn") or 0)
    out: dict = {"received": received, "merged": merged, "invalid": invalid, "withdrawn": withdrawn,
                 "valid": received - merged - invalid - withdrawn,
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
    out["avg_handling_hours"] = round(int(row["avg_handling_hours__s"]) / 1000 / handled, 2) if handled else None
    return out


# ---------------------------------------------------------------- periods and groups


def local_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def _cohort(date_from: date, date_to: date, as_of: datetime):
    return and_(F.received_at >= local_start(date_from), F.received_at < local_start(date_to), F.received_at <= as_of)


def _dialect(session_or_name) -> str:
    return session_or_name if isinstance(session_or_name, str) else session_or_name.get_bind().dialect.name


def _local_period(session: Session | str, grain: str):
    """The Asia/Shanghai day / ISO week start / month of receipt, as text, in the database's own dialect."""
    if _dialect(session) == "postgresql":
        local = func.timezone("Asia/Shanghai", F.received_at)
        if grain == "week":
            return func.to_char(func.date_trunc("week", local), "YYYY-MM-DD")
        return func.to_char(local, "YYYY-MM" if grain == "month" else "YYYY-MM-DD")
    shifted = func.datetime(F.received_at, "+8 hours")  # China has kept UTC+8 without summer time since 1991
    if grain == "week":
        return func.date(shifted, "weekday 0", "-6 days")
    return func.strftime("%Y-%m" if grain == "month" else "%Y-%m-%d", shifted)


def group_column(session: Session | str, by: str, level: int = 1):
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


D = DailyFigures
UNROLLED = text("NOT report_order_facts.rolled")  # as the partial index says it, so both backends use it


def _daily_key(by: str | None, level: int):
    """The rollup's dimension and key expression for a grouping (None: the overall row)."""
    if by is None or by in ("day", "week", "month"):
        return "all", D.day
    dimension = {"department": "department", "division": "division", "category": "category", "channel": "channel", "type": "type"}[by]
    if by == "category" and level < 3:
        return dimension, func.substr(D.key, 1, 2 * level)
    return dimension, D.key


def _period_key(day: date, grain: str) -> str:
    if grain == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    return f"{day:%Y-%m}" if grain == "month" else day.isoformat()


def _add(totals: dict, key, row, sign: int = 1, prefix: str = "") -> None:
    bucket = totals.setdefault(key, dict.fromkeys(MEASURES, 0))
    for name in MEASURES:
        bucket[name] += sign * _num(row[prefix + name])


# The statements are built once per grouping with the moments as parameters: building the dozens of conditions
# costs more than running them on a small cohort.
# The moment is written into the statement at execution (literal_execute): it occurs a hundred times in it.
AS_OF = bindparam("as_of", type_=UTCDateTime(), literal_execute=True)
START, END = bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
DAY_FROM, DAY_TO = bindparam("day_from", type_=Date()), bindparam("day_to", type_=Date())


@lru_cache(maxsize=64)
def _statements(dialect: str, by: str | None, level: int):
    """The rollup's sums, the not-yet-rolled rows as of T, and the rolled rows settling at or after T (as of T and as rolled)."""
    dimension, daily_key = _daily_key(by, level)
    rolled = (
        select(daily_key.label("key"), *[func.sum(D.__table__.c[m]).label(m) for m in MEASURES])
        .where(D.dimension == dimension, D.day >= DAY_FROM, D.day < DAY_TO)
        .group_by(daily_key)
    )
    fact_key = [group_column(dialect, by, level).label("key")] if by is not None else []
    dates = (F.received_at >= START, F.received_at < END)
    at_t = labelled(AS_OF, only=F.received_at <= AS_OF)
    unrolled = select(*fact_key, *at_t).where(*dates, UNROLLED)
    late = select(*fact_key, *at_t, *labelled(bindparam("final", FINAL, type_=UTCDateTime(), literal_execute=True), prefix="final_")).where(
        *dates, F.rolled.is_(True), F.settled_at >= AS_OF)
    if fact_key:
        unrolled, late = unrolled.group_by(fact_key[0]), late.group_by(fact_key[0])
    return rolled, unrolled, late


def _rows(session: Session, date_from: date, date_to: date, as_of: datetime, by: str | None = None, level: int = 1) -> list[dict]:
    """The measures of the cohort received in [date_from, date_to) as of `as_of`, per key of the grouping `by`."""
    totals: dict = {}
    rolled, unrolled, late = _statements(_dialect(session), by, level)
    for row in session.execute(rolled, {"day_from": date_from, "day_to": date_to}).mappings():
        key = row["key"]
        if by in ("day", "week", "month"):
            key = _period_key(key if isinstance(key, date) else date.fromisoformat(key), by)
        elif by is None:
            key = None
        _add(totals, key or None, row)
    # Rows not rolled up yet: as of T. Rows rolled up that settle at or after T: as of T, less what they added.
    parameters = {"as_of": as_of, "start": local_start(date_from), "end": local_start(date_to)}
    for statement, correct in ((unrolled, False), (late, True)):
        for row in session.execute(statement, parameters).mappings():
            key = row["key"] if by is not None else None
            _add(totals, key, row)
            if correct:
                _add(totals, key, row, sign=-1, prefix="final_")
    if by is None:
        return [{"key": None, **totals.get(None, dict.fromkeys(MEASURES, 0))}]
    return [{"key": key, **measures} for key, measures in totals.items() if measures["received"] > 0]


def _total(rows: list[dict]) -> dict:
    total = dict.fromkeys(MEASURES, 0)
    for row in rows:
        for name in MEASURES:
            total[name] += row[name]
    return total


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
    prev_from, prev_to = previous_period(date_from, date_to)
    prev_as_of = as_of - (local_start(date_from) - local_start(prev_from))
    # Every order is in exactly one group, so with a grouping the overall figures are the groups' sums (no extra pass).
    rows = _rows(session, date_from, date_to, as_of, by, level) if by is not None else None
    previous_grouped = (_rows(session, prev_from, prev_to, prev_as_of, by, level)
                        if by is not None and compare and by not in ("day", "week", "month") else None)
    overall = figures_of(_total(rows) if rows is not None else _rows(session, date_from, date_to, as_of)[0])
    previous_overall = None
    previous_rows: dict = {}
    if compare:
        previous_overall = figures_of(_total(previous_grouped) if previous_grouped is not None else _rows(session, prev_from, prev_to, prev_as_of)[0])
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
    if previous_grouped is not None:
        previous_rows = {r["key"]: figures_of(r) for r in previous_grouped}
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
