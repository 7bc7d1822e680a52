"""110 incident records for 融合研判: import from CSV/XLSX (every bad row reported with its reason), receive one from
the linkage, and analyse them with 12345 orders by place and time."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from liandong.catalog import service as catalog
from liandong.core import textfile
from liandong.core.clock import SHANGHAI, ensure_aware
from liandong.core.errors import ValidationFailed
from liandong.report import signals
from liandong.report.metrics import AsOf
from liandong.report.models import OrderFact, PoliceIncident
from liandong.report.problems import place_name, topic_names
from liandong.workorder.models import WorkOrder

COLUMNS = {
    "occurred_at": ("时间", "报警时间", "发生时间", "接警时间", "time", "occurred_at"),
    "place": ("地点", "发生地点", "地址", "place", "address"),
    "division": ("区划", "所属区县", "县区", "辖区", "division", "division_code"),
    "type": ("类型", "警情类型", "警情类别", "type", "incident_type"),
    "summary": ("摘要", "简要警情", "警情摘要", "内容", "summary"),
    "external_id": ("警情编号", "编号", "id", "external_id"),
}
REQUIRED = ("occurred_at", "place", "division", "type", "summary")
LABELS = {"occurred_at": "时间", "place": "地点", "division": "区划", "type": "类型", "summary": "摘要", "external_id": "警情编号"}
MAX_ROWS = 200_000
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H时%M分")


class ImportRefused(ValidationFailed):
    """A file with bad rows: nothing was imported; `problems` lists every bad row and why."""

    def __init__(self, problems: list[dict]):
        shown = "；".join(f"第 {p['row']} 行：{p['reason']}" for p in problems[:20])
        more = f"；另有 {len(problems) - 20} 行" if len(problems) > 20 else ""
        super().__init__(f"警情文件有 {len(problems)} 行无法导入，未导入任何记录（可加 --skip-bad 只导入正确的行）：{shown}{more}", field="file")
        self.problems = problems


@dataclass
class Parsed:
    rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)


def _read_table(path: Path) -> list[list[str]]:
    if not path.exists():
        raise ValidationFailed(f"文件不存在：{path}", field="file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - any unreadable workbook is the user's file, not our bug
            raise ValidationFailed(f"无法读取 Excel 文件：{path.name}（{type(error).__name__}）", field="file") from None
        sheet = workbook.worksheets[0]
        table = [["" if v is None else (v.isoformat(sep=" ") if isinstance(v, datetime) else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return table
    if suffix not in (".csv", ".txt"):
        raise ValidationFailed(f"只支持 CSV 或 XLSX 文件：{path.name}", field="file")
    return list(csv.reader(io.StringIO(textfile.decode(path.read_bytes(), name=path.name))))


def _header(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = (cell or "").strip().lower()
        for key, aliases in COLUMNS.items():
            if name in aliases and key not in found:
                found[key] = index
    missing = [LABELS[k] for k in REQUIRED if k not in found]
    if missing:
        raise ValidationFailed(f"警情文件缺少列：{'、'.join(missing)}（表头应包含 时间、地点、区划、类型、摘要，可选 警情编号）", field="file")
    return found


def parse_time(text: str) -> datetime:
    value = (text or "").strip()
    if not value:
        raise ValueError("时间为空")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in TIME_FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
        if parsed is None:
            raise ValueError(f"时间无法识别：{value}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)  # 110 records are kept in Beijing time
    return ensure_aware(parsed)


def parse(session: Session, table: list[list[str]], *, now: datetime) -> Parsed:
    """Check every row; a row is either ready to insert or reported with all that is wrong with it."""
    if not table:
        raise ValidationFailed("警情文件为空", field="file")
    if len(table) > MAX_ROWS + 1:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行", field="file")
    columns = _header(table[0])
    tree = catalog.unit_tree(session)
    by_name = {d.name: d for d in tree.divisions.values()}
    known = set(session.scalars(select(PoliceIncident.external_id).where(PoliceIncident.external_id.is_not(None))))
    seen: set[str] = set()
    parsed = Parsed()
    for number, cells in enumerate(table[1:], start=2):
        if not any((c or "").strip() for c in cells):
            continue

        def cell(key: str, cells=cells) -> str:
            index = columns.get(key)
            return (cells[index] if index is not None and index < len(cells) else "").strip()

        reasons = []
        occurred = None
        try:
            occurred = parse_time(cell("occurred_at"))
            if occurred > now + timedelta(minutes=5):
                reasons.append("时间晚于当前时间")
        except (ValueError, ValidationFailed) as error:
            reasons.append(str(error) if isinstance(error, ValueError) else error.message)
        place, summary, kind = cell("place"), cell("summary"), cell("type")
        if not place:
            reasons.append("地点为空")
        if not summary:
            reasons.append("摘要为空")
        if not kind:
            reasons.append("类型为空")
        if len(place) > 255 or len(kind) > 32 or len(summary) > 4000:
            reasons.append("地点、类型或摘要过长")
        division_text = cell("division")
        division = tree.divisions.get(division_text) or by_name.get(division_text)
        if division is None:
            reasons.append(f"区划无法识别：{division_text or '（空）'}")
        external = cell("external_id") or None
        if external and (external in seen):
            reasons.append(f"警情编号在文件中重复：{external}")
        if reasons:
            parsed.problems.append({"row": number, "reason": "；".join(reasons)})
            continue
        if external:
            seen.add(external)
            if external in known:
                parsed.problems.append({"row": number, "reason": f"警情编号已导入过：{external}", "duplicate": True})
                continue
        county = tree.county_of(division.code) or division.code
        town = division if division.level == "town" else tree.town_in(place, county)
        parsed.rows.append(
            {"external_id": external, "occurred_at": occurred, "place": place, "division_code": county,
             "town_code": town.code if town else None, "incident_type": kind, "summary": summary}
        )
    return parsed


def _insert(session: Session, rows: list[dict], *, source: str, actor_name: str, now: datetime) -> None:
    for row in rows:
        topic = signals.topic_of(row["summary"])
        key, _ = signals.place_key(f"{row['place']} {row['summary']}", town_code=row["town_code"], division_code=row["division_code"])
        session.add(PoliceIncident(**row, topic_key=topic, place_key=key, source=source, imported_at=now, imported_by=actor_name))
    session.flush()


def import_file(session: Session, path: Path, *, actor_name: str, now: datetime, skip_bad: bool = False) -> dict:
    parsed = parse(session, _read_table(Path(path)), now=now)
    bad = [p for p in parsed.problems if not p.get("duplicate")]
    if bad and not skip_bad:
        raise ImportRefused(parsed.problems)
    _insert(session, parsed.rows, source="file", actor_name=actor_name, now=now)
    return {
        "imported": len(parsed.rows),
        "duplicates": sum(1 for p in parsed.problems if p.get("duplicate")),
        "skipped": len(bad),
        "problems": parsed.problems,
    }


def record_incident(session: Session, *, occurred_at: datetime, place: str, division_code: str, incident_type: str, summary: str,
                    external_id: str | None = None, actor_name: str = "linkage", now: datetime) -> PoliceIncident | None:
    """One incident received through the linkage; an already known 警情编号 is ignored (the sender may retry)."""
    table = [["警情编号", "时间", "地点", "区划", "类型", "摘要"], [external_id or "", occurred_at.isoformat(), place, division_code, incident_type, summary]]
    parsed = parse(session, table, now=now)
    if parsed.problems and not parsed.problems[0].get("duplicate"):
        raise ValidationFailed(parsed.problems[0]["reason"], field="incident")
    if not parsed.rows:
        return None
    _insert(session, parsed.rows, source="linkage", actor_name=actor_name, now=now)
    return session.scalar(select(PoliceIncident).order_by(PoliceIncident.id.desc()).limit(1))


def coarse(tree, key: str | None) -> str | None:
    """A named place within its county ("140502:凤鸣小区"), so a record that knows the township and one that does not
    still meet; a township-only key stays as it is."""
    if not key:
        return None
    code, _, name = key.partition(":")
    if not name:
        return key
    return f"{tree.county_of(code) or code}:{name}"


def _order_places(session: Session, tree, start: datetime, end: datetime) -> Counter:
    t = AsOf(end)
    rows = session.execute(
        select(OrderFact.place_key).where(OrderFact.received_at >= start, OrderFact.received_at < end, OrderFact.place_key.is_not(None), t.valid)
    ).scalars()
    return Counter(coarse(tree, key) for key in rows)


def _incident_places(session: Session, tree, start: datetime, end: datetime) -> Counter:
    rows = session.execute(
        select(PoliceIncident.place_key).where(PoliceIncident.occurred_at >= start, PoliceIncident.occurred_at < end, PoliceIncident.place_key.is_not(None))
    ).scalars()
    return Counter(coarse(tree, key) for key in rows)


def analyse(session: Session, *, start: datetime, end: datetime, escalation_days: int = 30, limit: int = 50) -> dict:
    """融合研判: places rising in both 12345 and 110 (this window against the one before), and complaints that escalated
    to a 110 call at the same place within `escalation_days`."""
    from liandong.report.rollup import ensure_fresh

    if end <= start:
        raise ValidationFailed("结束时间必须晚于开始时间", field="to")
    if end - start > timedelta(days=400):
        raise ValidationFailed("一次最多分析 400 天", field="to")
    ensure_fresh(session, now=end)
    tree = catalog.unit_tree(session)
    length = end - start
    orders_now, orders_before = _order_places(session, tree, start, end), _order_places(session, tree, start - length, start)
    calls_now, calls_before = _incident_places(session, tree, start, end), _incident_places(session, tree, start - length, start)
    rising = []
    for key in set(orders_now) & set(calls_now):
        if orders_now[key] > orders_before[key] and calls_now[key] > calls_before[key] and orders_now[key] + calls_now[key] >= 3:
            rising.append({
                "place_key": key, "place": place_name(tree, key),
                "orders": orders_now[key], "orders_before": orders_before[key],
                "incidents": calls_now[key], "incidents_before": calls_before[key],
            })
    rising.sort(key=lambda r: (-(r["orders"] - r["orders_before"] + r["incidents"] - r["incidents_before"]), r["place_key"]))
    incidents = list(session.scalars(
        select(PoliceIncident).where(PoliceIncident.occurred_at >= start, PoliceIncident.occurred_at < end, PoliceIncident.place_key.is_not(None))
        .order_by(PoliceIncident.occurred_at)
    ))
    earlier: dict[str, list] = defaultdict(list)
    if incidents:
        wanted = {coarse(tree, i.place_key) for i in incidents}
        names = sorted({key.partition(":")[2] for key in wanted if key.partition(":")[2]})
        towns = sorted({key for key in wanted if not key.partition(":")[2]})
        place_match = OrderFact.place_key.in_(towns)
        for name in names:
            place_match = place_match | OrderFact.place_key.like(f"%:{name}")
        for row in session.execute(
            select(WorkOrder.number, OrderFact.received_at, OrderFact.place_key, OrderFact.topic_key, OrderFact.request_type)
            .join(WorkOrder, WorkOrder.id == OrderFact.order_id)
            .where(place_match, OrderFact.received_at >= start - timedelta(days=escalation_days), OrderFact.received_at < end,
                   OrderFact.request_type.in_(("complaint", "help", "report")))
            .order_by(OrderFact.received_at)
        ):
            key = coarse(tree, row.place_key)
            if key in wanted:
                earlier[key].append(row)
    topics = topic_names(session)
    escalations = []
    for incident in incidents:
        before = [r for r in earlier.get(coarse(tree, incident.place_key), ()) if timedelta(0) <= incident.occurred_at - r.received_at <= timedelta(days=escalation_days)]
        if not before:
            continue
        same_topic = [r for r in before if incident.topic_key and r.topic_key == incident.topic_key]
        basis = same_topic or before
        escalations.append({
            "incident_id": incident.id,
            "external_id": incident.external_id,
            "incident_at": incident.occurred_at.astimezone(SHANGHAI).isoformat(),
            "incident_type": incident.incident_type,
            "place": place_name(tree, incident.place_key),
            "orders": [r.number for r in basis[-5:]],
            "first_order_at": basis[0].received_at.astimezone(SHANGHAI).isoformat(),
            "days": round((incident.occurred_at - basis[0].received_at).total_seconds() / 86400, 1),
            "same_topic": bool(same_topic),
            "topic": signals.topic_label(incident.topic_key or basis[0].topic_key, topics),
        })
    escalations.sort(key=lambda e: (not e["same_topic"], e["days"]))
    return {
        "from": start.astimezone(SHANGHAI).isoformat(),
        "to": end.astimezone(SHANGHAI).isoformat(),
        "orders": sum(orders_now.values()),
        "incidents": len(incidents),
        "rising": rising[:limit],
        "escalations": escalations[:limit],
    }
