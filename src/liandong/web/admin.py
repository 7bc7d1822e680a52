"""系统管理: units, accounts, categories, deadlines and the working-day calendar, the transfer list — no files touched."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select

from liandong.account import service as accounts
from liandong.catalog import edits as catalog_edits
from liandong.catalog import service as catalog
from liandong.catalog.calendar import DAY_SOURCE_LABELS
from liandong.catalog.deadlines import REQUEST_TYPES
from liandong.catalog.models import CalendarOverride, Category
from liandong.core.actor import Role
from liandong.core.clock import SHANGHAI
from liandong.core.clock import now as clock_now
from liandong.core.errors import DomainError, ValidationFailed
from liandong.core.vocabulary import TRANSFER_DIRECTIONS
from liandong.db.deps import ReadSession
from liandong.triage import edits as transfer_edits
from liandong.triage.rules import DIRECTIONS, PLATFORMS
from liandong.web.common import Posted, attempt, see_other
from liandong.web.render import page
from liandong.web.security import Operator, flash, require, verify_csrf
from liandong.web.suggest import PLATFORM_LABELS
from liandong.workorder.validation import parse_int

Admin = Annotated[Operator, Depends(require(Role.ADMIN))]


def _read_horizon(request: Request, session) -> None:
    request.state.calendar_horizon = catalog.calendar_horizon(session, today=clock_now().astimezone(SHANGHAI).date())


def calendar_horizon(request: Request, session: ReadSession, _operator: Admin) -> None:
    """Every admin page shows a banner when the working-day calendar is about to run out (read in `_layout.html`)."""
    if request.method == "GET":  # posts redirect to a GET, except the notice forms, which read it themselves
        _read_horizon(request, session)


router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf), Depends(calendar_horizon)])

TABS = {"units": "承办单位", "users": "账号", "categories": "诉求分类", "deadlines": "办理时限与日历", "transfer": "分流转办清单", "notify": "短信通知"}


def _text(form, name: str) -> str:
    return str(form.get(name) or "").strip()


def _int(form, name: str, label: str) -> int:
    # ASCII digits only and within the database's integer range (int("١٢") and int("1_0") would pass).
    return parse_int(_text(form, name), field=name, label=label)


@router.get("/admin")
def admin_home(_operator: Admin):
    return see_other("/admin/units")


@router.get("/admin/units")
def admin_units(request: Request, session: ReadSession, operator: Admin, area: str = "city"):
    """The unit tree one level at a time: the city's units, or one county's sub-centre, bureaus and townships."""
    departments = catalog.list_departments(session)
    divisions = catalog.list_divisions(session)
    counties = [d for d in divisions if d.level == "county"]
    area = area if area in {"city", *(c.code for c in counties)} else "city"
    if area == "city":
        shown = [d for d in departments if d.level == "city"]
        places = [d for d in divisions if d.level != "town"]
    else:
        towns = {d.code for d in divisions if d.parent_code == area}
        shown = [d for d in departments if d.division_code == area or d.division_code in towns]
        places = [d for d in divisions if d.code == area or d.code in towns]
    return page(
        request, "admin/units.html", active="admin", tab="units", tabs=TABS, area=area, counties=counties,
        departments=shown, divisions=places, sub_centres=[d for d in departments if d.kind == "sub_centre" and (area == "city" or d.division_code == area)],
        city_units=[d for d in departments if d.level == "city"],
    )


@router.post("/admin/units")
def admin_units_save(request: Request, operator: Admin, form: Posted):
    create = form.get("create") == "1"
    area = _text(form, "area") or "city"
    attempt(
        request,
        lambda s: catalog_edits.save_department(
            s,
            actor=operator.actor, code=_text(form, "code"), name=_text(form, "name"), duties=_text(form, "duties"),
            division_code=_text(form, "division_code") or None, active=form.get("active") == "1" or create, create=create,
            level=_text(form, "level") or None, kind=_text(form, "kind") or None, parent_code=_text(form, "parent_code") or None,
            counterpart_code=_text(form, "counterpart_code") or None, routing=_text(form, "routing") or None,
        ),
        success=f"已保存承办单位 {_text(form, 'name')}",
    )
    return see_other(f"/admin/units?area={quote(area)}")


@router.get("/admin/users")
def admin_users(request: Request, session: ReadSession, operator: Admin):
    return page(
        request, "admin/users.html", active="admin", tab="users", tabs=TABS,
        users=accounts.list_users(session), departments=catalog.list_departments(session),
        roles=[(r.value, r) for r in accounts.LOGIN_ROLES],
    )


@router.post("/admin/users")
def admin_users_save(request: Request, operator: Admin, form: Posted):
    intent = _text(form, "intent")
    username = _text(form, "username")
    if intent == "create":
        attempt(
            request,
            lambda s: accounts.create_user(
                s, now=clock_now(), username=username, password=str(form.get("password") or ""), role=_text(form, "role"),
                display_name=_text(form, "display_name"), department_code=_text(form, "department_code") or None,
                actor=operator.actor,
            ),
            success=f"已新建账号 {username}",
        )
    elif intent == "password":
        attempt(
            request,
            lambda s: accounts.set_password(s, username=username, password=str(form.get("password") or ""), actor=operator.actor),
            success=f"已重置 {username} 的密码",
        )
    else:
        def update(s):
            user_id = _int(form, "user_id", "用户编号")
            if user_id == operator.id and form.get("active") != "1":
                raise ValidationFailed("不能停用自己的账号", field="active")
            return accounts.update_user(
                s, user_id=user_id, display_name=_text(form, "display_name"), role=_text(form, "role"),
                department_code=_text(form, "department_code") or None, active=form.get("active") == "1",
                actor=operator.actor,
            )

        attempt(request, update, success=f"已保存账号 {username}")
    return see_other("/admin/users")


@router.get("/admin/categories")
def admin_categories(request: Request, session: ReadSession, operator: Admin, q: str = "", parent: str = ""):
    query = select(Category).order_by(Category.code)
    if q.strip():
        query = query.where(Category.path.like(f"%{q.strip()}%"))
    elif parent:
        query = query.where(Category.parent_code == parent)
    else:
        query = query.where(Category.level == 1)
    rows = list(session.scalars(query.limit(300)))
    current = session.get(Category, parent) if parent else None
    return page(request, "admin/categories.html", active="admin", tab="categories", tabs=TABS, rows=rows, q=q, parent=current)


@router.post("/admin/categories")
def admin_categories_save(request: Request, operator: Admin, form: Posted):
    code = _text(form, "code") or None
    parent = _text(form, "parent_code") or None
    attempt(
        request,
        lambda s: catalog_edits.save_category(s, actor=operator.actor, code=code, name=_text(form, "name"), parent_code=parent),
        success=f"已保存诉求分类 {_text(form, 'name')}",
    )
    return see_other(f"/admin/categories?parent={parent or ''}" if not code else f"/admin/categories?q={_text(form, 'name')}")


def _deadlines_page(request: Request, session, status_code: int = 200, **context):
    overrides = list(session.scalars(select(CalendarOverride).order_by(CalendarOverride.day.desc()).limit(200)))
    return page(
        request, "admin/deadlines.html", status_code=status_code, active="admin", tab="deadlines", tabs=TABS,
        policy=catalog.get_policy(session), request_types=REQUEST_TYPES, overrides=overrides,
        notices=catalog.list_calendar_notices(session), day_source_labels=DAY_SOURCE_LABELS, **context,
    )


@router.get("/admin/deadlines")
def admin_deadlines(request: Request, session: ReadSession, operator: Admin):
    return _deadlines_page(request, session)


def _notice_year(form) -> int | None:
    value = _text(form, "year")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed("年份应为四位数字，例如 2027", field="year") from None


@router.post("/admin/calendar/notice/preview")
def admin_calendar_notice_preview(request: Request, session: ReadSession, operator: Admin, form: Posted):
    """Shows what the pasted notice would change; writes nothing, so it renders instead of redirecting."""
    text = str(form.get("text") or "")
    _read_horizon(request, session)
    try:
        preview = catalog_edits.preview_calendar_notice(session, text=text, year=_notice_year(form))
    except DomainError as error:
        return _deadlines_page(request, session, 422, notice_text=text, notice_year=_text(form, "year"), notice_error=error.message)
    return _deadlines_page(request, session, notice_text=text, notice_year=_text(form, "year"), preview=preview)


@router.post("/admin/calendar/notice")
def admin_calendar_notice_save(request: Request, session: ReadSession, operator: Admin, form: Posted):
    text = str(form.get("text") or "")
    outcome = attempt(
        request,
        lambda s: catalog_edits.import_calendar_notice(s, actor=operator.actor, text=text, year=_notice_year(form), now=clock_now()),
        report=False,
    )
    if not outcome.ok:
        _read_horizon(request, session)
        return _deadlines_page(request, session, 422, notice_text=text, notice_year=_text(form, "year"), notice_error=outcome.error)
    saved = outcome.value
    flash(
        request,
        f"已导入{saved.notice.title}：放假 {sum(len(h.days) for h in saved.notice.holidays)} 天，"
        f"调休上班 {len(saved.notice.makeup_days)} 天，改变 {len(saved.changes)} 天的安排",
        "ok",
    )
    return see_other("/admin/deadlines#notice")


@router.post("/admin/deadlines")
def admin_deadlines_save(request: Request, operator: Admin, form: Posted):
    def save(s):
        try:
            fraction = float(_text(form, "yellow_fraction"))
        except ValueError:
            raise ValidationFailed("黄色预警比例应为小数，例如 0.25", field="yellow_fraction") from None
        return catalog_edits.save_policy(
            s,
            actor=operator.actor,
            sign_days=_int(form, "sign_days", "签收时限"),
            reply_days={key: _int(form, f"reply_{key}", "答复时限") for key in REQUEST_TYPES},
            extension_default_days=_int(form, "extension_default_days", "默认延期天数"),
            extension_max_days=_int(form, "extension_max_days", "延期上限"),
            yellow_fraction=fraction,
        )

    attempt(request, save, success="已保存办理时限（对此后受理的工单生效）")
    return see_other("/admin/deadlines")


@router.post("/admin/calendar")
def admin_calendar_save(request: Request, operator: Admin, form: Posted):
    def save(s):
        try:
            day = date.fromisoformat(_text(form, "day"))
        except ValueError:
            raise ValidationFailed("日期格式应为 YYYY-MM-DD", field="day") from None
        kind = _text(form, "kind")
        catalog_edits.set_calendar_day(s, actor=operator.actor, day=day, is_workday={"work": True, "off": False}.get(kind), note=_text(form, "note"))
        return day

    attempt(request, save, success="已更新工作日历")
    return see_other("/admin/deadlines")


@router.get("/admin/transfer")
def admin_transfer(request: Request, session: ReadSession, operator: Admin, item: str = ""):
    data = transfer_edits.transfer_list_data(session)
    items = sorted(data.get("item", []), key=lambda i: -int(i.get("priority", 50)))
    selected = next((i for i in items if i.get("id") == item), None)
    stored = transfer_edits.transfer_list_is_edited(session)
    return page(
        request, "admin/transfer.html", active="admin", tab="transfer", tabs=TABS, items=items, selected=selected,
        version=data.get("version", ""), stored=stored, platforms=[(p, PLATFORM_LABELS.get(p, p)) for p in PLATFORMS],
        directions=DIRECTIONS, direction_labels=dict(TRANSFER_DIRECTIONS.choices()),
        departments=[d for d in catalog.list_departments(session) if d.level == "city"],
        names=catalog.unit_names(session),
    )


@router.post("/admin/transfer")
def admin_transfer_save(request: Request, operator: Admin, form: Posted):
    item_id = _text(form, "id")
    outcome = attempt(
        request,
        lambda s: transfer_edits.save_transfer_item(
            s,
            actor=operator.actor, item_id=item_id, name=_text(form, "name"), platform=_text(form, "platform"), direction=_text(form, "direction"),
            department=_text(form, "department") or None, priority=_int(form, "priority", "优先级"),
            keywords=str(form.get("keywords") or ""), exclude=str(form.get("exclude") or ""), create=form.get("create") == "1",
        ),
        success=f"已保存分流转办事项 {item_id}，受理建议即时生效",
    )
    return see_other(f"/admin/transfer?item={item_id}" if outcome.ok else "/admin/transfer")
