"""Helpers shared by the page routers: write use cases with error feedback, redirects, and what an operator may do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from sqlalchemy.orm.exc import StaleDataError

from liandong.core.actor import Role
from liandong.core.errors import DomainError
from liandong.db import unit_of_work
from liandong.web.security import Operator, flash
from liandong.workorder.models import WorkOrder
from liandong.workorder.service import UNIT_SCOPED
from liandong.workorder.states import RULES, Action, Status, allowed_actions

T = TypeVar("T")

WORKSPACES: dict[Role, str] = {
    Role.CALL_TAKER: "/intake",
    Role.DISPATCHER: "/dispatch",
    Role.UNIT_HANDLER: "/unit",
    Role.SUPERVISOR: "/supervision",
    Role.LEADER: "/supervision",
    Role.ADMIN: "/admin",
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
    except DomainError as error:
        if report:
            flash(request, error.message, "error")
        return Outcome(error=error.message, field=error.field)
    except StaleDataError:
        message = "工单已被他人同时修改，请刷新后重试"
        if report:
            flash(request, message, "error")
        return Outcome(error=message)
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


def actions_for(order: WorkOrder, operator: Operator) -> list[Action]:
    """The actions to offer on screen; the service checks them again when they are taken."""
    result = []
    for action in allowed_actions(Status(order.status)):
        if operator.role not in RULES[action].roles:
            continue
        if operator.role is Role.UNIT_HANDLER and action in UNIT_SCOPED and order.department_code != operator.department_code:
            continue
        if action is Action.ANSWER_DIRECTLY and order.request_type != "consult":
            continue
        result.append(action)
    return result


async def posted_form(request: Request) -> FormData:
    """The parsed form, so page handlers can stay synchronous (they run in the thread pool, off the event loop)."""
    return await request.form()


Posted = Annotated[FormData, Depends(posted_form)]
