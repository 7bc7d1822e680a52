"""督办: overdue and near-due orders by unit, repeat returns, dissatisfied callbacks; 督办/催办 in one click; 回访."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from liandong.catalog import service as catalog
from liandong.catalog.deadlines import Warning
from liandong.core.actor import Role
from liandong.core.clock import now as clock_now
from liandong.web.render import page
from liandong.web.security import Operator, require, verify_csrf
from liandong.webdeps import ReadSession
from liandong.workorder import queries
from liandong.workorder.models import WorkOrder
from liandong.workorder.queries import OrderFilter
from liandong.workorder.states import Status

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
Supervisor = Annotated[Operator, Depends(require(Role.SUPERVISOR, Role.LEADER))]
CallBacker = Annotated[Operator, Depends(require(Role.SUPERVISOR, Role.CALL_TAKER))]

TABS = {
    "overdue": "超期与临期",
    "returns": "多次退单",
    "unsatisfied": "回访不满意",
    "extensions": "延期审核",
}


def _tab_orders(session, tab: str, operator: Operator, now, department: str | None) -> list[WorkOrder]:
    actor = operator.actor
    if tab == "overdue":
        red, _ = queries.list_orders(session, OrderFilter(warning=Warning.RED, department=department), actor=actor, now=now, limit=100, sort="due_asc")
        yellow, _ = queries.list_orders(session, OrderFilter(warning=Warning.YELLOW, department=department), actor=actor, now=now, limit=100, sort="due_asc")
        return red + yellow
    if tab == "extensions":
        found, _ = queries.list_orders(
            session, OrderFilter(status=[Status.EXTENSION_REQUESTED.value], department=department), actor=actor, now=now, limit=100, sort="due_asc"
        )
        return found
    if tab == "returns":
        return queries.frequently_returned(session, actor=actor, now=now, department=department)
    return queries.dissatisfied(session, actor=actor, now=now, department=department)


@router.get("/supervision")
def supervision_board(request: Request, session: ReadSession, operator: Supervisor, tab: str = "overdue", department: str = ""):
    tab = tab if tab in TABS else "overdue"
    now = clock_now()
    board = queries.board_by_department(session, actor=operator.actor, now=now)
    names = {d.code: d.name for d in catalog.list_departments(session)}
    totals = {key: sum(row[key] for row in board) for key in ("open", "red", "yellow", "returned", "unsatisfied")}
    counts = queries.count_by_status(session, actor=operator.actor, now=now)
    return page(
        request,
        "supervision/board.html",
        active="supervision",
        tab=tab,
        tabs=TABS,
        board=board,
        totals=totals,
        awaiting_callback=counts.get(Status.REPLIED.value, 0),
        extensions=counts.get(Status.EXTENSION_REQUESTED.value, 0),
        names=names,
        department=department,
        orders=_tab_orders(session, tab, operator, now, department or None),
        now=now,
    )


@router.get("/callbacks")
def callbacks(request: Request, session: ReadSession, operator: CallBacker):
    now = clock_now()
    orders, total = queries.list_orders(
        session, OrderFilter(status=[Status.REPLIED.value]), actor=operator.actor, now=now, limit=100, sort="received_asc"
    )
    return page(request, "supervision/callbacks.html", active="callbacks", orders=orders, total=total, now=now)
