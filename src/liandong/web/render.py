"""Templates, the filters they use (local times, countdowns, labels) and the page-rendering helper."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from liandong import __version__
from liandong.catalog.deadlines import SHANGHAI, WARNING_LABELS, Warning
from liandong.config import PACKAGE_DIR
from liandong.core.actor import ROLE_LABELS, Role
from liandong.core.clock import now as clock_now
from liandong.core.vocabulary import (
    CALLBACK_OUTCOMES,
    CHANNELS,
    CLOSE_REASONS,
    HOP_OUTCOMES,
    LEVELS,
    OBJECTION_REASONS,
    PLATFORMS,
    REPLY_RESULTS,
    REQUEST_TYPES,
    SATISFACTION,
    TRANSFER_TARGETS,
    UNIT_KINDS,
)
from liandong.web.security import csrf_token, load_operator, pop_flashes
from liandong.workorder.lifecycle import ACTION_LABELS, REPLY_CLOCK_STATUSES, SIGN_CLOCK_STATUSES, STATUS_LABELS, TERMINAL_STATUSES, Status
from liandong.workorder.queries import warning_of

templates = Jinja2Templates(directory=str(PACKAGE_DIR / "templates"))

WEEKDAYS = "一二三四五六日"


def local_time(value: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(SHANGHAI).strftime(fmt)


def duration_text(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{mins}分"
    return f"{mins}分钟"


def countdown(due: datetime | None, now: datetime) -> str:
    """"剩 2天3小时" or "超期 5小时" — how operators read a deadline."""
    if due is None:
        return ""
    left = (due - now).total_seconds()
    return f"剩 {duration_text(left)}" if left >= 0 else f"超期 {duration_text(left)}"


def waited(since: datetime | None, now: datetime) -> str:
    return duration_text((now - since).total_seconds()) if since else ""


def status_label(status: str) -> str:
    return STATUS_LABELS.get(Status(status), status) if status in Status.__members__.values() else status


def current_due(order) -> datetime:
    """The deadline that matters now: sign-for while waiting to be signed, otherwise the reply deadline."""
    return order.sign_due_at if order.status in {s.value for s in SIGN_CLOCK_STATUSES} else order.reply_due_at


def clock_of(order, now: datetime) -> dict:
    """Which clock an order shows: the sign-for or reply countdown, "已答复" while 12345 reviews, or its end."""
    status = Status(order.status)
    if status in TERMINAL_STATUSES:
        return {"kind": "ended", "at": order.closed_at or order.updated_at}
    if status not in REPLY_CLOCK_STATUSES:
        waiting = "审核" if status is Status.REPLIED else "回访"
        return {"kind": "stopped", "at": order.replied_at or order.updated_at, "waiting": waiting}
    signing = status in SIGN_CLOCK_STATUSES
    due = order.sign_due_at if signing else order.reply_due_at
    return {"kind": "running", "due": due, "label": "签收" if signing else "答复", "warning": warning_of(order, now).value}


def citation(ref: str) -> Markup:
    """A stored reference ("kb:item:5") as people read it, linked where there is a page for it."""
    kind, _, number = (ref or "").rpartition(":")
    if kind == "kb:item" and number.isascii() and number.isdigit():
        return Markup('<a href="/kb/items/{0}">一问一答 第 {0} 条</a>').format(number)
    if kind == "kb:passage" and number.isascii() and number.isdigit():
        return Markup('<a href="/kb/passages/{0}">知识库原文 第 {0} 段</a>').format(number)
    return Markup("{0}").format(ref)


templates.env.filters.update(
    {
        "t": local_time,
        "status_label": status_label,
        "type_label": REQUEST_TYPES.label,
        "channel_label": CHANNELS.label,
        "action_label": lambda v: ACTION_LABELS.get(v, v),
        "platform_label": PLATFORMS.label,
        "transfer_label": TRANSFER_TARGETS.label,
        "close_reason_label": CLOSE_REASONS.label,
        "satisfaction_label": lambda v: SATISFACTION.label(str(v) if v is not None else None),
        "objection_label": OBJECTION_REASONS.label,
        "reply_result_label": REPLY_RESULTS.label,
        "callback_outcome_label": CALLBACK_OUTCOMES.label,
        "hop_outcome_label": HOP_OUTCOMES.label,
        "unit_kind_label": UNIT_KINDS.label,
        "role_label": lambda v: ROLE_LABELS.get(Role(v), v) if v in Role.__members__.values() else v,
    }
)
templates.env.globals.update(
    {
        "REQUEST_TYPE_LABELS": dict(REQUEST_TYPES.choices()),
        "CHANNEL_LABELS": dict(CHANNELS.choices()),
        "LEVELS": LEVELS.codes,
        "citation": citation,
        "STATUS_LABELS": {s.value: label for s, label in STATUS_LABELS.items()},
        "WARNING_LABELS": {w.value: label for w, label in WARNING_LABELS.items()},
        "ROLE_LABELS": {r.value: label for r, label in ROLE_LABELS.items() if r is not Role.SYSTEM},
        "Role": Role,
        "countdown": countdown,
        "waited": waited,
        "warning_of": warning_of,
        "current_due": current_due,
        "clock_of": clock_of,
        "version": __version__,
        "zip": zip,
        "SOURCE_LABELS": {"item": "一问一答", "gazette": "政府公报", "newspaper": "报纸"},
    }
)


def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    from liandong.web.common import nav_for

    now = context.pop("now", None) or clock_now()
    operator = load_operator(request)
    base = {
        "request": request,
        "operator": operator,
        "nav": nav_for(operator.role) if operator else [],
        "csrf": csrf_token(request),
        "flashes": pop_flashes(request) if not request.headers.get("hx-request") else [],
        "now": now,
        "Warning": Warning,
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
