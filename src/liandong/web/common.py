"""Helpers shared by the page routers: write use cases with error feedback, redirects, and what an operator may do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from liandong.catalog.deadlines import SHANGHAI
from liandong.core.actor import Role
from liandong.core.errors import ValidationFailed, translate
from liandong.core.vocabulary import parse_yes_no
from liandong.db import unit_of_work
from liandong.web.security import flash
from liandong.workorder.validation import parse_int

T = TypeVar("T")

WORKSPACES: dict[Role, str] = {
    Role.CALL_TAKER: "/intake",
    Role.DISPATCHER: "/dispatch",
    Role.COUNTY_DISPATCHER: "/dispatch",
    Role.UNIT_HANDLER: "/unit",
    Role.SUPERVISOR: "/supervision",
    Role.LEADER: "/dashboard",
    Role.ADMIN: "/admin",
    Role.POLICE_DESK: "/link",
}


class Outcome:
    """The result of one write use case: the value, or the Chinese message saying why nothing changed."""

    def __init__(self, value=None, error: str | None = None, field: str | None = None):
        self.value = value
        self.error = error
        self.field = field

    @property
    def ok(self) -> bool:
        return self.error is None


def attempt(request: Request, use_case: Callable[[Session], T], *, success: str | None = None, report: bool = True) -> Outcome:
    """Run one use case in its own transaction; on refusal roll back and (optionally) flash the reason."""
    try:
        with unit_of_work(request.app.state.engine) as session:
            value = use_case(session)
    except Exception as error:  # noqa: BLE001 - only what the domain can say in words is answered here
        refusal = translate(error)
        if refusal is None:
            raise
        if report:
            flash(request, refusal.message, "error")
        return Outcome(error=refusal.message, field=refusal.field)
    if success and report:
        flash(request, success, "ok")
    return Outcome(value)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths: a redirect parameter must not send an operator elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# The navigation, by role: which workspaces a person sees (what they may do on an order is the lifecycle's).
NAV: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("/intake", "受理", frozenset({Role.CALL_TAKER, Role.ADMIN})),
    ("/dispatch", "派单", frozenset({Role.DISPATCHER, Role.COUNTY_DISPATCHER, Role.ADMIN})),
    ("/unit", "本单位工单", frozenset({Role.UNIT_HANDLER})),
    ("/review", "答复审核", frozenset({Role.CALL_TAKER, Role.SUPERVISOR, Role.ADMIN})),
    ("/callbacks", "回访", frozenset({Role.CALL_TAKER, Role.SUPERVISOR, Role.ADMIN})),
    ("/dashboard", "统计看板", frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})),
    ("/supervision", "督办", frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})),
    ("/hotspots", "民意热点", frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})),
    ("/reports", "报表", frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})),
    ("/link", "对接联动", frozenset({Role.POLICE_DESK, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})),
    ("/grid", "网格台账", frozenset({Role.UNIT_HANDLER, Role.COUNTY_DISPATCHER, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})),
    ("/orders", "工单查询", frozenset(Role)),
    ("/kb", "知识库", frozenset(Role)),
    ("/kb/review", "知识审核", frozenset({Role.SUPERVISOR, Role.ADMIN})),
    ("/admin", "系统管理", frozenset({Role.ADMIN})),
)


def nav_for(role: Role) -> list[tuple[str, str]]:
    return [(path, label) for path, label, roles in NAV if role in roles]


def _local_time(value: str, field: str) -> datetime | None:
    """A `datetime-local` input is Shanghai wall-clock time without an offset."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("时间格式无效", field=field) from None
    return parsed.replace(tzinfo=SHANGHAI) if parsed.tzinfo is None else parsed


def action_inputs(form: FormData) -> dict:
    """A posted action form as the service's inputs: text as typed, lists as lists, times as aware datetimes."""
    text = {name: str(form.get(name) or "").strip() or None for name in ACTION_TEXT_FIELDS}
    version = text.pop("expected_version")
    return {
        **text,
        "assist": [str(v) for v in form.getlist("assist") if str(v).strip()],
        "contacted_at": _local_time(str(form.get("contacted_at") or ""), "contacted_at"),
        "expected_version": parse_int(version, field="expected_version", label="版本") if version else None,
        "satisfied": parse_yes_no(form.get("satisfied"), field="satisfied", label="回访结果"),
    }


ACTION_TEXT_FIELDS = (
    "to", "note", "reason", "uphold", "result", "handler", "handler_phone", "contacted", "passed",
    "outcome", "satisfaction", "resolved", "into", "days", "ref", "expected_version",
)


async def posted_form(request: Request) -> FormData:
    """The parsed form, so page handlers can stay synchronous (they run in the thread pool, off the event loop)."""
    return await request.form()


Posted = Annotated[FormData, Depends(posted_form)]
