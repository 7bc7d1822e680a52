"""督办 and the 12345 desk's follow-up: overdue and near-due orders by unit, repeat returns, dissatisfied callbacks;
答复审核 (review of units' replies before callback) and 回访 (callbacks with every attempt recorded)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from liandong.catalog import service as catalog
from liandong.catalog.deadlines import Warning
from liandong.core.actor import Role
from liandong.core.clock import now as clock_now
from liandong.db.deps import ReadSession
from liandong.web.render import page
from liandong.web.security import Operator, require, verify_csrf
from liandong.workorder import queries, service
from liandong.workorder.lifecycle import Action, Status
from liandong.workorder.models import WorkOrder
from liandong.workorder.queries import OrderFilter

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
Supervisor = Annotated[Operator, Depends(require(Role.SUPERVISOR, Role.LEADER))]
Desk = Annotated[Operator, Depends(require(Role.SUPERVISOR, Role.CALL_TAKER))]

TABS = {
    "overdue": "超期与临期",
    "returns": "多次退回",
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
    orders = _tab_orders(session, tab, operator, now, department or None)
    return page(
        request,
        "supervision/board.html",
        active="supervision",
        tab=tab,
        tabs=TABS,
        board=board,
        totals=totals,
        awaiting_callback=counts.get(Status.AWAITING_CALLBACK.value, 0),
        extensions=counts.get(Status.EXTENSION_REQUESTED.value, 0),
        names=names,
        department=department,
        orders=orders,
        allowed={o.id: service.permitted(o, operator.actor, now) for o in orders},
        now=now,
    )


def _desk_queue(request: Request, session, operator: Operator, status: Status, template: str, action: Action, active: str):
    now = clock_now()
    orders, total = queries.list_orders(session, OrderFilter(status=[status.value]), actor=operator.actor, now=now, limit=100, sort="received_asc")
    forms = {}
    for order in orders:
        allowed = {a.action: a for a in service.permitted(order, operator.actor, now)}
        forms[order.id] = allowed.get(action)
    replies = queries.latest_replies(session, [o.id for o in orders])
    return page(request, template, active=active, orders=orders, total=total, forms=forms, replies=replies, now=now)


@router.get("/review")
def review_queue(request: Request, session: ReadSession, operator: Desk):
    """答复审核: each unit's reply is read (with the automatic check's findings) before the caller is called back."""
    return _desk_queue(request, session, operator, Status.REPLIED, "supervision/review.html", Action.REVIEW, "review")


@router.get("/callbacks")
def callbacks(request: Request, session: ReadSession, operator: Desk):
    return _desk_queue(request, session, operator, Status.AWAITING_CALLBACK, "supervision/callbacks.html", Action.VISIT, "callbacks")
