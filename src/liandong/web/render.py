"""Templates, the filters they use (local times, countdowns, labels) and the page-rendering helper."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from liandong import __version__
from liandong.catalog.deadlines import SHANGHAI, WARNING_LABELS, Warning
from liandong.config import PACKAGE_DIR
from liandong.core.actor import ROLE_LABELS, Role
from liandong.core.clock import now as clock_now
from liandong.web.security import csrf_token, load_operator, pop_flashes
from liandong.workorder.models import CHANNEL_LABELS, LEVELS, REQUEST_TYPE_LABELS
from liandong.workorder.queries import warning_of
from liandong.workorder.states import ACTION_LABELS, STATUS_LABELS, Status

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
    return STATUS_LABELS.get(Status(status), status)


def current_due(order) -> datetime:
    """The deadline that matters now: sign-for while waiting to be signed, otherwise the reply deadline."""
    return order.sign_due_at if order.status == Status.DISPATCHED.value else order.reply_due_at


templates.env.filters.update(
    {
        "t": local_time,
        "status_label": status_label,
        "type_label": lambda v: REQUEST_TYPE_LABELS.get(v, v or ""),
        "channel_label": lambda v: CHANNEL_LABELS.get(v, v or ""),
        "action_label": lambda v: ACTION_LABELS.get(v, v),
        "role_label": lambda v: ROLE_LABELS.get(Role(v), v) if v in Role.__members__.values() else v,
    }
)
templates.env.globals.update(
    {
        "REQUEST_TYPE_LABELS": REQUEST_TYPE_LABELS,
        "CHANNEL_LABELS": CHANNEL_LABELS,
        "LEVELS": LEVELS,
        "STATUS_LABELS": {s.value: label for s, label in STATUS_LABELS.items()},
        "WARNING_LABELS": {w.value: label for w, label in WARNING_LABELS.items()},
        "ROLE_LABELS": {r.value: label for r, label in ROLE_LABELS.items() if r is not Role.SYSTEM},
        "Role": Role,
        "countdown": countdown,
        "waited": waited,
        "warning_of": warning_of,
        "current_due": current_due,
        "version": __version__,
        "zip": zip,
        "SOURCE_LABELS": {"item": "一问一答", "gazette": "政府公报", "newspaper": "报纸"},
    }
)


def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    now = context.pop("now", None) or clock_now()
    base = {
        "request": request,
        "operator": load_operator(request),
        "csrf": csrf_token(request),
        "flashes": pop_flashes(request) if not request.headers.get("hx-request") else [],
        "now": now,
        "Warning": Warning,
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
