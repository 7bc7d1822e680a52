"""Load the city's catalogue from data files, read policy and calendar, validate codes."""

from __future__ import annotations

import csv
import threading
import tomllib
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liandong.catalog.calendar import Horizon, WorkingCalendar, horizon
from liandong.catalog.deadlines import REQUEST_TYPES, DeadlinePolicy
from liandong.catalog.models import (
    SESSION_SNAPSHOT,
    SESSION_VERSION,
    VERSION_KEY,
    CalendarNotice,
    CalendarOverride,
    CatalogSetting,
    Category,
    Department,
    Division,
    bump_version,
    forget_read,
)
from liandong.catalog.tree import Division as TreeDivision
from liandong.catalog.tree import Unit, UnitTree
from liandong.config import Settings
from liandong.core.errors import NotFound, ValidationFailed

POLICY_KEY = "deadline_policy"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def read_policy_file(path: Path) -> DeadlinePolicy:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    reply = {key: int(data["reply"][key]) for key in REQUEST_TYPES}
    return DeadlinePolicy(
        sign_days=int(data["sign"]["days"]),
        reply_days=reply,
        extension_default_days=int(data["extension"]["default_days"]),
        extension_max_days=int(data["extension"]["max_days"]),
        yellow_fraction=float(data["warning"]["yellow_fraction"]),
        remind_every_hours=int(data.get("remind", {}).get("every_hours", 24)),
        remind_max=int(data.get("remind", {}).get("max_per_deadline", 3)),
    )


def category_rows(path: Path) -> list[tuple[str, str, int, str | None, str]]:
    """(code, name, level, parent_code, path) for every node; files without a code column get codes by order."""
    rows = _read_csv(path)
    nodes: dict[tuple[str, ...], str] = {}
    result: list[tuple[str, str, int, str | None, str]] = []
    for row in rows:
        names = tuple(n for n in (row.get("level1"), row.get("level2"), row.get("level3")) if n)
        for depth in range(1, len(names) + 1):
            key = names[:depth]
            if key in nodes:
                continue
            parent = nodes.get(key[:-1]) if depth > 1 else None
            given = row.get("code", "")
            if given and depth == len(names):
                code = given
            elif given:
                code = given[: 2 * depth]
            else:
                siblings = sum(1 for k in nodes if len(k) == depth and k[:-1] == key[:-1])
                code = (parent or "") + f"{siblings + 1:0{2 if depth < 3 else 3}d}"
            nodes[key] = code
            result.append((code, key[-1], depth, parent, "/".join(key)))
    return result


def load_defaults(session: Session, config: Settings, *, replace: bool = False) -> dict[str, int]:
    """Copy the data files into the database. Without `replace`, rows already present are kept as edited."""
    counts = {"divisions": 0, "departments": 0, "categories": 0, "settings": 0, "calendar_overrides": 0}

    def upsert(model, key, values, counter):
        existing = session.get(model, key)
        if existing is None:
            session.add(model(**values))
            counts[counter] += 1
        elif replace:
            for name, value in values.items():
                setattr(existing, name, value)
            counts[counter] += 1

    division_rows = _read_csv(config.data_file("divisions.csv"))
    # Parents first so foreign keys hold on every database.
    for row in sorted(division_rows, key=lambda r: bool(r["parent_code"])):
        upsert(
            Division,
            row["code"],
            {"code": row["code"], "name": row["name"], "level": row["level"], "parent_code": row["parent_code"] or None},
            "divisions",
        )
    session.flush()
    # Referenced rows first (city units, then sub-centres, then the units under them) so foreign keys hold.
    for row in sorted(_read_csv(config.data_file("departments.csv")), key=lambda r: (bool(r["parent_code"]), bool(r.get("counterpart_code")))):
        upsert(
            Department,
            row["code"],
            {
                "code": row["code"],
                "name": row["name"],
                "level": row.get("level") or "city",
                "kind": row.get("kind") or "bureau",
                "division_code": row["division_code"] or config.city_code,
                "parent_code": row["parent_code"] or None,
                "counterpart_code": row.get("counterpart_code") or None,
                "routing": row.get("routing") or None,
                "duties": row["duties"],
                "active": (row.get("kind") or "bureau") != "placeholder",
            },
            "departments",
        )
    session.flush()
    for code, name, level, parent, path in category_rows(config.data_file("categories.csv")):
        upsert(
            Category,
            code,
            {"code": code, "name": name, "level": level, "parent_code": parent, "path": path},
            "categories",
        )
        if level == 1:
            session.flush()
    policy = read_policy_file(config.data_file("policy.toml"))
    upsert(CatalogSetting, POLICY_KEY, {"key": POLICY_KEY, "value": asdict(policy)}, "settings")
    for row in _read_csv(config.data_file("calendar_overrides.csv")):
        if not row.get("date"):
            continue
        day = date.fromisoformat(row["date"])
        upsert(
            CalendarOverride,
            day,
            {"day": day, "is_workday": row["is_workday"].lower() in ("1", "true", "yes", "y"), "note": row["note"]},
            "calendar_overrides",
        )
    session.flush()
    if session.get(CatalogSetting, VERSION_KEY) is None:  # a database loaded before versions existed
        bump_version(session)
        session.flush()
    return counts


def is_loaded(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Department)))


def get_policy(session: Session) -> DeadlinePolicy:
    setting = session.get(CatalogSetting, POLICY_KEY)
    if setting is None:
        return DeadlinePolicy()
    return DeadlinePolicy(**setting.value)


def get_calendar(session: Session) -> WorkingCalendar:
    """The calendar from the database: administrators' overrides, imported notices, then the packages."""
    manual: dict[date, bool] = {}
    notice_days: dict[date, bool] = {}
    for row in session.scalars(select(CalendarOverride)):
        (manual if row.notice_year is None else notice_days)[row.day] = row.is_workday
    years = list(session.scalars(select(CalendarNotice.year)))
    return WorkingCalendar(manual, notice_days=notice_days, notice_years=years)


def calendar_horizon(session: Session, *, today: date) -> Horizon:
    """How far ahead the calendar knows the statutory days; administrators are warned when it is near its end."""
    return horizon(get_calendar(session), today)


def list_calendar_notices(session: Session) -> list[CalendarNotice]:
    return list(session.scalars(select(CalendarNotice).order_by(CalendarNotice.year.desc())))


def unit_tree(session: Session) -> UnitTree:
    """The dispatch tree as plain values (the process's cached copy of the current catalogue)."""
    return snapshot(session).tree


def forget_unit_tree(session: Session) -> None:
    forget_read(session)


# ---------------------------------------------------------------- the cached catalogue


@dataclass(frozen=True)
class Snapshot:
    """What every order action consults — deadline policy, working calendar, unit tree — as immutable values, built
    once per process and catalogue version instead of once per order (a few hundred rows, ~30 ms)."""

    version: str | None
    policy: DeadlinePolicy
    calendar: WorkingCalendar
    tree: UnitTree


_snapshots: dict[str, Snapshot] = {}  # database URL → the newest snapshot this process built
_snapshots_lock = threading.Lock()


# Built once and run as a plain (Core) read on the session's connection: it is read on every order.
_SETTINGS = CatalogSetting.__table__.c
_VERSION = select(_SETTINGS.value).where(_SETTINGS.key == VERSION_KEY)


def catalogue_version(session: Session) -> str | None:
    """The token every catalogue change replaces (see catalog.models); None until the catalogue was first written.
    Read once per transaction (triage and the catalogue snapshot of one request share it); a change made in the
    transaction forgets it (catalog.models.bump_version), and so does the transaction's end."""
    info = session.info
    if SESSION_VERSION in info:
        return info[SESSION_VERSION]
    if session.autoflush:
        session.flush()  # a version changed but not yet flushed in this transaction is the one to read
    value = session.connection().scalar(_VERSION)
    token = value.get("token") if isinstance(value, dict) else None
    if session.in_transaction():
        info[SESSION_VERSION] = token
    return token


def _build(session: Session, version: str | None) -> Snapshot:
    units = [
        Unit(
            code=d.code, name=d.name, level=d.level, kind=d.kind, division_code=d.division_code, parent_code=d.parent_code,
            counterpart_code=d.counterpart_code, routing=d.routing, active=d.active, duties=d.duties,
        )
        for d in session.execute(select(Department.__table__)).all()
    ]
    divisions = [TreeDivision(v.code, v.name, v.level, v.parent_code) for v in session.execute(select(Division.__table__)).all()]
    return Snapshot(version=version, policy=get_policy(session), calendar=get_calendar(session), tree=UnitTree(units, divisions))


def snapshot(session: Session) -> Snapshot:
    """The catalogue as of this transaction: the process's copy when its version is current (one indexed read),
    rebuilt otherwise. The version is read before the rows, so a copy is never older than the version it is kept under."""
    cached = session.info.get(SESSION_SNAPSHOT)
    if cached is not None:
        return cached
    version = catalogue_version(session)
    key = str(session.get_bind().engine.url)
    found = _snapshots.get(key)
    if found is None or version is None or found.version != version:
        found = _build(session, version)
        if version is not None:  # an unversioned catalogue (never written through the ORM) is not shared
            with _snapshots_lock:
                _snapshots[key] = found
    session.info[SESSION_SNAPSHOT] = found
    return found


def require_known_division(tree: UnitTree, code: str) -> TreeDivision:
    """require_division against the cached tree (no query): the same answer and the same error."""
    division = tree.divisions.get(code)
    if division is None:
        raise ValidationFailed(f"行政区划代码不存在：{code}", field="division")
    return division


def require_department(session: Session, code: str) -> Department:
    department = session.get(Department, code)
    if department is None or not department.active:
        raise NotFound(f"承办单位代码不存在：{code}", field="department")
    return department


def require_division(session: Session, code: str) -> Division:
    division = session.get(Division, code)
    if division is None:
        raise ValidationFailed(f"行政区划代码不存在：{code}", field="division")
    return division


def require_category(session: Session, code: str) -> Category:
    category = session.get(Category, code)
    if category is None:
        raise ValidationFailed(f"诉求分类代码不存在：{code}", field="category")
    return category


def find_category_by_names(session: Session, names: list[str]) -> Category | None:
    """The deepest category whose path matches the given names (as triage returns them)."""
    if not names:
        return None
    return session.scalar(select(Category).where(Category.path == "/".join(names)))


_LEVEL_ORDER = {"city": 0, "county": 1, "township": 2}


def list_departments(session: Session) -> list[Department]:
    """Every unit, city units first, then each county's sub-centre, bureaus and townships."""
    return sorted(session.scalars(select(Department)), key=_unit_order)


def department_row(department: Department) -> dict:
    """A unit as the API and `catalog departments --json` show it."""
    return {
        "code": department.code,
        "name": department.name,
        "level": department.level,
        "kind": department.kind,
        "division_code": department.division_code,
        "parent_code": department.parent_code,
        "counterpart_code": department.counterpart_code,
        "routing": department.routing,
        "active": department.active,
        "duties": department.duties,
    }


def _unit_order(d) -> tuple:
    return (_LEVEL_ORDER.get(d.level, 3) > 0, d.division_code if d.level != "city" else "", _LEVEL_ORDER.get(d.level, 3), d.kind != "sub_centre", d.code)


def unit_choices(session: Session) -> list:
    """Every unit as list_departments orders them, from the catalogue snapshot (no rows loaded while it is current):
    for pages that show units (filters, names), not for editing them."""
    return sorted(snapshot(session).tree.units.values(), key=_unit_order)


def unit_names(session: Session) -> dict[str, str]:
    return {u.code: u.name for u in snapshot(session).tree.units.values()}


def division_choices(session: Session) -> list:
    """Every division by code, from the catalogue snapshot: for pages that show divisions, not for editing them."""
    return sorted(snapshot(session).tree.divisions.values(), key=lambda d: d.code)


def list_divisions(session: Session) -> list[Division]:
    return list(session.scalars(select(Division).order_by(Division.code)))


def list_categories(session: Session, *, level: int | None = None) -> list[Category]:
    query = select(Category).order_by(Category.code)
    if level is not None:
        query = query.where(Category.level == level)
    return list(session.scalars(query))
