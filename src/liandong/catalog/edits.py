"""Administrators' edits to the catalogue: units, categories, deadline policy, calendar days and the State Council's notice.

Use cases with validation, called by the admin pages; each runs inside the caller's transaction.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liandong.catalog import service as catalog
from liandong.catalog.calendar import DaySource, WorkingCalendar
from liandong.catalog.deadlines import REQUEST_TYPES, DeadlinePolicy
from liandong.catalog.models import CalendarNotice, CalendarOverride, CatalogSetting, Category, Department
from liandong.catalog.notice import Notice, NoticeDay, parse_notice
from liandong.config import settings
from liandong.core.actor import Actor, require_admin
from liandong.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from liandong.core.vocabulary import ROUTING, UNIT_KINDS, UNIT_LEVELS

CODE = re.compile(r"^[a-z0-9_-]{2,32}$")


def save_department(
    session: Session,
    *,
    actor: Actor,
    code: str,
    name: str,
    duties: str = "",
    division_code: str | None = None,
    active: bool = True,
    create: bool = False,
    level: str | None = None,
    kind: str | None = None,
    parent_code: str | None = None,
    counterpart_code: str | None = None,
    routing: str | None = None,
) -> Department:
    """Add or change a unit of the dispatch tree; county units and townships hang under their county's sub-centre."""
    require_admin(actor, "修改承办单位")
    code = (code or "").strip()
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("单位名称不能为空", field="name")
    if len(name) > 128:
        raise ValidationFailed("单位名称最多 128 字", field="name")
    division = catalog.require_division(session, division_code or settings().city_code)
    department = session.get(Department, code)
    if create:
        if not CODE.match(code):
            raise ValidationFailed("单位代码须为 2–32 位小写字母、数字、下划线或连字符", field="code")
        if department is not None:
            raise Conflict(f"单位代码已存在：{code}", field="code")
        department = Department(code=code, name=name, division_code=division.code, duties="", active=active)
        session.add(department)
    elif department is None:
        raise NotFound(f"承办单位不存在：{code}", field="code")
    department.name = name
    department.duties = (duties or "").strip()
    department.division_code = division.code
    department.active = active
    department.level = UNIT_LEVELS.require(level or department.level or "city")
    department.kind = UNIT_KINDS.require(kind or department.kind or "bureau")
    parent = (parent_code or "").strip() or None
    if department.level == "city":
        if parent:
            raise ValidationFailed("市级单位由市 12345 直接派单，不设上级分中心", field="parent_code")
        department.routing = ROUTING.require(routing) if routing else department.routing
    elif department.kind != "sub_centre":
        sub = catalog.require_department(session, parent) if parent else None
        county = division.parent_code if division.level == "town" else division.code
        if sub is None or sub.kind != "sub_centre" or sub.division_code != county:
            raise ValidationFailed("县级单位和乡镇（街道）须挂在本县（市、区）的 12345 分中心下", field="parent_code")
    department.parent_code = parent if department.level != "city" and department.kind != "sub_centre" else None
    counterpart = (counterpart_code or "").strip() or None
    if counterpart:
        catalog.require_department(session, counterpart)
    department.counterpart_code = counterpart if department.level == "county" else None
    session.flush()
    catalog.forget_unit_tree(session)
    return department


def save_category(session: Session, *, actor: Actor, code: str | None, name: str, parent_code: str | None = None) -> Category:
    """Rename a category, or add one under a parent (its code continues the parent's numbering)."""
    require_admin(actor, "修改诉求分类")
    name = (name or "").strip()
    if not name or "/" in name:
        raise ValidationFailed("分类名称不能为空，也不能包含“/”", field="name")
    if code:
        category = catalog.require_category(session, code)
        old_path = category.path
        category.name = name[:64]
        category.path = "/".join([*category.names[:-1], category.name])
        # Children carry their ancestors' names in `path`.
        for child in session.scalars(select(Category).where(Category.path.like(old_path + "/%"))):
            child.path = category.path + child.path[len(old_path) :]
        session.flush()
        return category
    parent = catalog.require_category(session, parent_code) if parent_code else None
    level = parent.level + 1 if parent else 1
    if level > 3:
        raise ValidationFailed("分类最多三级", field="parent_code")
    siblings = session.scalar(
        select(func.count()).select_from(Category).where(Category.parent_code == (parent.code if parent else None))
        if parent
        else select(func.count()).select_from(Category).where(Category.level == 1)
    ) or 0
    width = 3 if level == 3 else 2
    prefix = parent.code if parent else ""
    number = siblings + 1
    while session.get(Category, f"{prefix}{number:0{width}d}") is not None:
        number += 1
    path = f"{parent.path}/{name}" if parent else name
    if session.scalar(select(Category).where(Category.path == path)):
        raise Conflict(f"分类已存在：{path}", field="name")
    category = Category(code=f"{prefix}{number:0{width}d}", name=name, level=level, parent_code=parent.code if parent else None, path=path)
    session.add(category)
    session.flush()
    return category


def save_policy(
    session: Session,
    *,
    actor: Actor,
    sign_days: int,
    reply_days: dict[str, int],
    extension_default_days: int,
    extension_max_days: int,
    yellow_fraction: float,
) -> DeadlinePolicy:
    """New deadlines apply to orders received from now on; running orders keep the deadlines they were given."""
    require_admin(actor, "修改办理时限")
    if not 1 <= sign_days <= 30:
        raise ValidationFailed("签收时限须在 1–30 个工作日之间", field="sign_days")
    for key in REQUEST_TYPES:
        if not 1 <= int(reply_days.get(key, 0)) <= 90:
            raise ValidationFailed("答复时限须在 1–90 个工作日之间", field=f"reply_{key}")
    if not 1 <= extension_max_days <= 90 or not 1 <= extension_default_days <= extension_max_days:
        raise ValidationFailed("延期天数：默认值须在 1 与上限之间，上限不超过 90", field="extension_default_days")
    if not 0 < yellow_fraction < 1:
        raise ValidationFailed("黄色预警比例须在 0 与 1 之间", field="yellow_fraction")
    policy = replace(
        catalog.get_policy(session),
        sign_days=sign_days,
        reply_days={key: int(reply_days[key]) for key in REQUEST_TYPES},
        extension_default_days=extension_default_days,
        extension_max_days=extension_max_days,
        yellow_fraction=yellow_fraction,
    )
    setting = session.get(CatalogSetting, catalog.POLICY_KEY)
    if setting is None:
        session.add(CatalogSetting(key=catalog.POLICY_KEY, value=asdict(policy)))
    else:
        setting.value = asdict(policy)
    session.flush()
    return policy


def set_calendar_day(session: Session, *, actor: Actor, day: date, is_workday: bool | None, note: str = "") -> None:
    """Declare a local working day or day off; `is_workday=None` removes the override.

    An administrator's override takes the place of a notice's day; removing it brings the notice's day back.
    """
    require_admin(actor, "修改工作日历")
    existing = session.get(CalendarOverride, day)
    if is_workday is None:
        if existing is None or not existing.manual:
            raise NotFound(f"没有 {day} 的人工调整" + ("（该日的安排来自导入的国务院通知）" if existing is not None else ""), field="day")
        session.delete(existing)
        session.flush()
        _restore_notice_day(session, day)
    elif existing is None:
        session.add(CalendarOverride(day=day, is_workday=is_workday, note=(note or "").strip()[:128]))
    else:
        existing.is_workday = is_workday
        existing.note = (note or "").strip()[:128]
        existing.notice_year = None
    session.flush()


def _restore_notice_day(session: Session, day: date) -> None:
    # A notice for year Y may name days of late Y-1 (元旦 ranges such as 2022-12-31 to 2023-01-02).
    for year in (day.year, day.year + 1):
        stored = session.get(CalendarNotice, year)
        if stored is None:
            continue
        try:
            notice = parse_notice(stored.text, year)
        except DomainError:
            continue  # a text this version can no longer read; the weekday rule applies to the day
        for entry in notice.entries():
            if entry.day == day:
                session.add(CalendarOverride(day=day, is_workday=entry.is_workday, note=notice.note(entry)[:128], notice_year=year))
                return


@dataclass(frozen=True)
class DayChange:
    """A day whose status the import would change."""

    day: date
    before: bool
    after: bool
    before_source: DaySource
    reason: str


@dataclass(frozen=True)
class KeptOverride:
    """A day the notice names where an administrator's override stays in force."""

    day: date
    is_workday: bool
    note: str
    notice_says: bool


@dataclass(frozen=True)
class NoticePreview:
    notice: Notice
    changes: tuple[DayChange, ...]
    kept: tuple[KeptOverride, ...]
    replaced_at: datetime | None = None  # when the same year's notice was imported before, if it was
    replaced_by: str | None = None


def preview_calendar_notice(session: Session, *, text: str, year: int | None = None) -> NoticePreview:
    """Parse the pasted notice and list the days whose status would change if it were saved. Writes nothing."""
    notice = parse_notice(text, year)
    rows = list(session.scalars(select(CalendarOverride)))
    manual = {row.day: row for row in rows if row.manual}
    others = {row.day: row.is_workday for row in rows if row.notice_year not in (None, notice.year)}
    replaced = [row.day for row in rows if row.notice_year == notice.year]
    years = set(session.scalars(select(CalendarNotice.year)))
    entries = {entry.day: entry for entry in notice.entries()}
    current = catalog.get_calendar(session)
    proposed = WorkingCalendar(
        {day: row.is_workday for day, row in manual.items()},
        notice_days={**others, **{day: entry.is_workday for day, entry in entries.items()}},
        notice_years=years | {notice.year},
    )
    first = min([date(notice.year, 1, 1), *entries, *replaced])
    last = max([date(notice.year, 12, 31), *entries, *replaced])
    changes = []
    day = first
    while day <= last:
        before, source = current.decide(day)
        after = proposed.is_workday(day)
        if before != after:
            changes.append(DayChange(day, before, after, source, _reason(notice, entries.get(day), after)))
        day += timedelta(days=1)
    kept = tuple(
        KeptOverride(day, manual[day].is_workday, manual[day].note, entries[day].is_workday) for day in sorted(entries) if day in manual
    )
    previous = session.get(CalendarNotice, notice.year)
    return NoticePreview(
        notice=notice,
        changes=tuple(changes),
        kept=kept,
        replaced_at=previous.imported_at if previous is not None else None,
        replaced_by=previous.imported_by if previous is not None else None,
    )


def _reason(notice: Notice, entry: NoticeDay | None, after: bool) -> str:
    if entry is not None:
        return notice.note(entry)
    return "周一至周五上班" if after else "周末休息"


def import_calendar_notice(session: Session, *, actor: Actor, text: str, now: datetime, year: int | None = None) -> NoticePreview:
    """Store the notice and its days as overrides; a re-import of the year replaces that year's days, manual overrides stay."""
    require_admin(actor, "导入国务院节假日安排通知")
    preview = preview_calendar_notice(session, text=text, year=year)
    notice = preview.notice
    for row in session.scalars(select(CalendarOverride).where(CalendarOverride.notice_year == notice.year)):
        session.delete(row)
    stored = session.get(CalendarNotice, notice.year)
    if stored is None:
        stored = CalendarNotice(year=notice.year)
        session.add(stored)
    stored.title = notice.title
    stored.text = text.strip()
    stored.imported_at = now
    stored.imported_by = actor.name[:64]
    session.flush()
    for entry in notice.entries():
        existing = session.get(CalendarOverride, entry.day)
        if existing is not None and existing.manual:
            continue
        if existing is None:
            existing = CalendarOverride(day=entry.day)
            session.add(existing)
        # A day another year's notice also names (New Year's Eve) follows the notice imported last.
        existing.is_workday = entry.is_workday
        existing.note = notice.note(entry)[:128]
        existing.notice_year = notice.year
    session.flush()
    return preview
