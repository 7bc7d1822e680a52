"""Import a patrol ledger as orders on the grid channel, and list ledger items by handling day for the township.

One call is one transaction (the caller's unit of work): the whole file, each good row in its own savepoint so a row the
order service still refuses is reported with the reason instead of undoing its neighbours.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from liandong.audit import service as audit
from liandong.catalog import service as catalog
from liandong.catalog.tree import UnitTree
from liandong.core import textfile
from liandong.core.actor import CENTRE_WIDE, Actor, Role
from liandong.core.clock import local
from liandong.core.errors import DomainError, PermissionDenied, ValidationFailed
from liandong.grid import ledger
from liandong.grid.models import LedgerItem
from liandong.workorder import queries, summary
from liandong.workorder import service as orders
from liandong.workorder.lifecycle import OPEN_STATUSES, Action
from liandong.workorder.models import WorkOrder

SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
IMPORTERS = frozenset({Role.ADMIN, Role.SYSTEM, Role.DISPATCHER, Role.COUNTY_DISPATCHER, Role.SUPERVISOR})
STATUS_LABELS = {"accepted": "已导入", "rejected": "未导入", "duplicate": "已导入（重复）"}
OUTCOME_LABELS = {
    "closed_on_spot": "当场处置，已办结",
    "scheduled": "周末集中处置",
    "urgent": "紧急，已立即派单",
    "queued": "待人工派单",
    "checked": "检查通过（试运行，未导入）",
}


# ---------------------------------------------------------------- reading the file


def read_table(filename: str, data: bytes) -> list[list[object]]:
    """The file's rows as cells: CSV (UTF-8 or GB18030, comma or tab) or the first sheet of an XLSX workbook."""
    name = (filename or "").strip() or "台账"
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in SUFFIXES:
        raise ValidationFailed(f"不支持的文件类型：{suffix or '无扩展名'}（支持 CSV 与 XLSX）", field="file")
    if not data:
        raise ValidationFailed(f"文件为空：{name}", field="file")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed(f"文件过大（上限 {MAX_FILE_BYTES // 1024 // 1024} MB）：{name}", field="file")
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any unreadable workbook is the same error to the user
            raise ValidationFailed(f"无法读取 Excel 文件：{name}", field="file") from None
        try:
            return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    text = textfile.decode(data, name=name)
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as error:
        raise ValidationFailed(f"CSV 格式错误：{error}", field="file") from None


def _blank(cells: list[object]) -> bool:
    return all(cell is None or not str(cell).strip() for cell in cells)


def _check_unnamed(rows: list[list[object]]) -> None:
    """A column without a header whose cells hold data would be dropped silently: refuse the file instead."""
    header = rows[0]
    width = max(len(r) for r in rows)
    for position in range(width):
        named = position < len(header) and header[position] is not None and str(header[position]).strip()
        if named:
            continue
        for number, row in enumerate(rows[1:], start=2):
            if position < len(row) and row[position] is not None and str(row[position]).strip():
                raise ValidationFailed(
                    f"台账表头不正确，整个文件未导入：第 {position + 1} 列没有表头，但第 {number} 行在该列有内容", field="header"
                )


# ---------------------------------------------------------------- places in the catalogue


@dataclass
class Places:
    """Resolves a row's county and township (name or code) against the catalogue tree."""

    tree: UnitTree
    county: str | None = None  # a county dispatcher imports for its own county only

    def _county(self, text: str):
        for division in self.tree.divisions.values():
            if division.level == "county" and text in (division.code, division.name):
                return division
        short = [d for d in self.tree.divisions.values() if d.level == "county" and d.name.rstrip("市县区") == text.rstrip("市县区")]
        return short[0] if len(short) == 1 else None

    def __call__(self, division_text: str | None, township_text: str | None) -> tuple[str | None, str | None]:
        county = None
        if division_text:
            county = self._county(division_text)
            if county is None:
                raise LookupError("division", f"目录中没有这个县（市、区）：{division_text}")
        town = None
        if township_text:
            candidates = [
                d for d in self.tree.divisions.values()
                if d.level == "town" and township_text in (d.code, d.name) and (county is None or d.parent_code == county.code)
            ]
            if not candidates:
                where = f"{county.name}" if county else "本市"
                raise LookupError("township", f"{where}目录中没有这个乡镇（街道）：{township_text}")
            if len(candidates) > 1:
                raise LookupError("township", f"多个县（市、区）都有“{township_text}”，请填写县（市、区）列")
            town = candidates[0]
            county = county or self.tree.divisions.get(town.parent_code)
        if self.county and county is not None and county.code != self.county:
            raise LookupError("division" if division_text else "township", f"不属于本分中心所在的县（市、区）：{county.name}")
        return (county.code if county else None), (town.code if town else None)


def _importer_county(session: Session, actor: Actor) -> str | None:
    if actor.role not in IMPORTERS:
        raise PermissionDenied("只有派单员、分中心派单员、热线督查和管理员可以导入网格台账")
    if actor.role is Role.COUNTY_DISPATCHER:
        tree = catalog.unit_tree(session)
        unit = tree.get(actor.department_code)
        return tree.unit_county(unit) if unit else None
    return None


# ---------------------------------------------------------------- import


def _result(row: int, status: str, *, order: str | None = None, reasons: list[str] | None = None, **extra) -> dict:
    return {"row": row, "status": status, "status_label": STATUS_LABELS[status], "order": order, "reasons": reasons or [], **extra}


def _target(tree: UnitTree, order: WorkOrder, triage: dict | None, urgent: bool) -> str | None:
    """Where a ledger item goes: urgent ones by the duty route as any order; the rest to the township (周末集中处置)."""
    township = tree.township_for(order.town_code)
    if urgent and triage:
        route = tree.route(triage.get("department"), order.division_code, town_code=order.town_code)
        if route is not None:
            return route.second or route.first
    if township is not None:
        return township.code
    county = tree.county_of(order.division_code)
    government = tree.county_government(county) if county else None
    return government.code if government else None


def import_ledger(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    filename: str,
    data: bytes,
    handle_on: date | None = None,
    dry_run: bool = False,
) -> dict:
    """Validate every row, import the good ones once (by their identity), and report every row with its reasons."""
    county = _importer_county(session, actor)
    today = local(now).date()
    day = ledger.check_handling_day(handle_on, today=today) if handle_on else ledger.coming_saturday(today)
    rows = read_table(filename, data)
    while rows and _blank(rows[-1]):
        rows.pop()
    if not rows:
        raise ValidationFailed(f"文件为空：{filename}", field="file")
    header = ledger.map_header([str(c) if c is not None else "" for c in rows[0]])
    _check_unnamed(rows)
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行，本文件有 {len(rows) - 1} 行，请分批导入", field="file")

    tree = catalog.unit_tree(session)
    places = Places(tree=tree, county=county)
    results: list[dict] = []
    good: list[tuple[ledger.Row, str]] = []
    first_seen: dict[str, int] = {}
    blank = 0
    for number, cells in enumerate(rows[1:], start=2):
        if _blank(cells):
            blank += 1
            continue
        row = ledger.validate_row(number, cells, header, today=today, resolve=places)
        if not row.ok:
            results.append(_result(number, "rejected", reasons=row.reasons()))
            continue
        key = ledger.row_key(grid=row.grid, patrol_date=row.patrol_date, place=row.place, problem=row.problem)
        if key in first_seen:
            results.append(_result(number, "duplicate", reasons=[f"已导入（重复）：与本文件第 {first_seen[key]} 行相同"]))
            continue
        first_seen[key] = number
        good.append((row, key))
        results.append(_result(number, "accepted"))

    existing = _existing(session, [key for _, key in good])
    by_row = {r["row"]: r for r in results}
    engine = None
    system = Actor(name=f"grid:{actor.name}"[:64], role=Role.SYSTEM)
    for row, key in good:
        result = by_row[row.number]
        if key in existing:
            number = existing[key]
            result.update(_result(row.number, "duplicate", order=number, reasons=[f"已导入（重复）：工单 {number}"]))
            continue
        if dry_run:
            result.update(outcome="checked", outcome_label=OUTCOME_LABELS["checked"])
            continue
        if engine is None:
            from liandong.triage import service as triage_service

            engine = triage_service.engine_for(session)
        content = ledger.content_of(row)
        triage = engine.triage(content, location=row.place, channel="grid").to_dict()
        try:
            with session.begin_nested():
                result.update(_import_row(session, row, key, triage=triage, tree=tree, actor=actor, system=system, now=now, day=day,
                                          filename=filename, county=county))
        except DomainError as error:
            result.update(_result(row.number, "rejected", reasons=[error.message]))
        except IntegrityError:
            # The unique row key: another import committed the same row while this one ran.
            result.update(_result(row.number, "duplicate", reasons=["已导入（重复）：另一次导入同时导入了该行"]))

    counts = {status: sum(1 for r in results if r["status"] == status) for status in ("accepted", "rejected", "duplicate")}
    report = {
        "file": filename,
        "accepted": counts["accepted"],
        "rejected": counts["rejected"],
        "duplicates": counts["duplicate"],
        "blank": blank,
        "dry_run": dry_run,
        "handle_on": day.isoformat(),
        "rows": sorted(results, key=lambda r: r["row"]),
    }
    if not dry_run:
        audit.record(session, actor=actor, action="grid.import", now=now, target=filename[:80], accepted=counts["accepted"],
                     rejected=counts["rejected"], duplicates=counts["duplicate"], handle_on=day.isoformat())
    return report


def _existing(session: Session, keys: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        query = select(LedgerItem.row_key, WorkOrder.number).join(WorkOrder, WorkOrder.id == LedgerItem.order_id)
        found.update(dict(session.execute(query.where(LedgerItem.row_key.in_(chunk))).all()))
    return found


def _import_row(session: Session, row: ledger.Row, key: str, *, triage: dict, tree: UnitTree, actor: Actor, system: Actor,
                now: datetime, day: date, filename: str, county: str | None) -> dict:
    category = catalog.find_category_by_names(session, list(triage.get("category") or []))
    order = orders.create_order(
        session, actor=system, now=now, content=ledger.content_of(row), channel="grid",
        title=summary.title_for(row.problem, place=None, address=row.place, topic=None),
        request_type=triage.get("request_type") or "help", caller_name=row.worker,
        division_code=row.division_code or county or triage.get("division_code"), town_code=row.town_code, address=row.place,
        category_code=category.code if category else None, level=triage.get("level") or "一般", triage=triage, reply_wanted=False,
    )
    urgent = not row.on_spot and ledger.is_urgent(triage)
    extra: dict = {}
    if row.on_spot:
        orders.act(session, order_id=order.id, action=Action.CLOSE_ON_SPOT, actor=system, now=now, note=ledger.on_spot_note(row))
        outcome = "closed_on_spot"
    else:
        to = _target(tree, order, triage, urgent)
        if to is None:
            outcome = "queued"  # no township or county known: it waits in the city dispatch queue like any order
        else:
            note = "网格台账紧急事项，立即派单处置" if urgent else f"网格台账事项，请于 {day.isoformat()} 集中处置（周末工作法）"
            orders.act(session, order_id=order.id, action=Action.LEDGER_DISPATCH, actor=system, now=now, to=to, note=note)
            outcome = "urgent" if urgent else "scheduled"
            extra["department"] = tree.name(to)
        if not urgent:
            order = session.get(WorkOrder, order.id)
            order.handle_on = day
            extra["handle_on"] = day.isoformat()
    session.add(LedgerItem(
        row_key=key, order_id=order.id, patrol_date=row.patrol_date, grid=row.grid, place=row.place, problem=row.problem,
        resident_request=row.request, photos=row.photos, worker=row.worker, on_spot=bool(row.on_spot), urgent=urgent,
        town_code=order.town_code, source_file=(filename or "台账")[:255], source_row=row.number, imported_at=now,
        imported_by=actor.name[:64],
    ))
    session.flush()
    return {"order": order.number, "outcome": outcome, "outcome_label": OUTCOME_LABELS[outcome], "urgent": urgent, **extra}


# ---------------------------------------------------------------- the township's list


KINDS = {"scheduled": "周末集中处置", "urgent": "紧急事项", "on_spot": "当场处置", "queued": "待人工派单"}


@dataclass(frozen=True)
class ItemFilter:
    day_from: date | None = None
    day_to: date | None = None
    town: str | None = None
    kind: str | None = None
    open_only: bool = False
    text: str | None = None


def kind_of(item: LedgerItem) -> str:
    if item.on_spot:
        return "on_spot"
    if item.urgent:
        return "urgent"
    return "scheduled" if item.order.department_code else "queued"


def list_items(session: Session, *, actor: Actor, now: datetime, flt: ItemFilter, limit: int = 300) -> list[tuple[str, list[LedgerItem]]]:
    """Ledger items the actor may see (the same visibility as its order lists), grouped by handling day, soonest first."""
    if flt.kind and flt.kind not in KINDS:
        raise ValidationFailed(f"未知的类别：{flt.kind}", field="kind")
    conditions = queries.filter_conditions(queries.OrderFilter(channel="grid", open_only=flt.open_only, text=flt.text), actor=actor, now=now)
    query = select(LedgerItem).join(WorkOrder, WorkOrder.id == LedgerItem.order_id).where(*conditions)
    if flt.day_from:
        query = query.where(WorkOrder.handle_on >= flt.day_from)
    if flt.day_to:
        query = query.where(WorkOrder.handle_on <= flt.day_to)
    if flt.town:
        query = query.where(LedgerItem.town_code == flt.town)
    if flt.kind == "on_spot":
        query = query.where(LedgerItem.on_spot.is_(True))
    elif flt.kind == "urgent":
        query = query.where(LedgerItem.urgent.is_(True))
    elif flt.kind in ("scheduled", "queued"):
        query = query.where(LedgerItem.on_spot.is_(False), LedgerItem.urgent.is_(False))
        query = query.where(WorkOrder.department_code.is_not(None) if flt.kind == "scheduled" else WorkOrder.department_code.is_(None))
    query = query.order_by(WorkOrder.handle_on.is_(None), WorkOrder.handle_on, LedgerItem.patrol_date, LedgerItem.id).limit(limit)
    groups: dict[str, list[LedgerItem]] = {}
    for item in session.scalars(query).unique():
        groups.setdefault(_group_label(item), []).append(item)
    return list(groups.items())


_WEEKDAYS = "一二三四五六日"


def _group_label(item: LedgerItem) -> str:
    day = item.order.handle_on
    if day is not None:
        return f"{day.isoformat()}（周{_WEEKDAYS[day.weekday()]}）"
    return "紧急事项（已立即派单）" if item.urgent else "当场处置（已办结）" if item.on_spot else "未定处置日"


def is_open(item: LedgerItem) -> bool:
    return item.order.status_enum in OPEN_STATUSES


def may_import(actor: Actor) -> bool:
    return actor.role in IMPORTERS or actor.role in CENTRE_WIDE


def towns_seen(session: Session, *, actor: Actor, now: datetime) -> list[tuple[str, str]]:
    """The townships of the ledger items the actor may see (the page's township filter)."""
    from liandong.catalog.models import Division

    conditions = queries.filter_conditions(queries.OrderFilter(channel="grid"), actor=actor, now=now)
    query = (
        select(Division.code, Division.name).where(Division.code.in_(
            select(LedgerItem.town_code).join(WorkOrder, WorkOrder.id == LedgerItem.order_id).where(*conditions)
        )).order_by(Division.code)
    )
    return [tuple(row) for row in session.execute(query)]
