"""督办 and the 12345 desk's follow-up: overdue and near-due orders by unit, repeat returns, dissatisfied callbacks;
答复审核 (review of units' replies before callback) and 回访 (callbacks with every attempt recorded)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select

from liandong.catalog import service as catalog
from liandong.catalog.deadlines import Warning
from liandong.core.actor import Role
from liandong.core.clock import now as clock_now
from liandong.db import unit_of_work
from liandong.db.deps import ReadSession
from liandong.web.common import Posted, attempt, see_other
from liandong.web.render import page
from liandong.web.security import Operator, require, verify_csrf
from liandong.workorder import nuisance, privacy, queries, service, validation
from liandong.workorder.lifecycle import Action, Status
from liandong.workorder.models import WorkOrder
from liandong.workorder.queries import OrderFilter

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
Supervisor = Annotated[Operator, Depends(require(Role.SUPERVISOR, Role.LEADER))]
Desk = Annotated[Operator, Depends(require(Role.SUPERVISOR, Role.CALL_TAKER))]
Reviewer = Annotated[Operator, Depends(require(Role.SUPERVISOR))]
NUISANCE_TABS = {nuisance.OPEN: "待核实", nuisance.CONFIRMED: "已确认", nuisance.LIFTED: "已解除", nuisance.DISMISSED: "已排除"}

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
    names = catalog.unit_names(session)
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
        nuisance_open=len(nuisance.list_flags(session)) if operator.has(Role.SUPERVISOR) else None,
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


@router.get("/supervision/nuisance")
def nuisance_board(request: Request, session: ReadSession, operator: Reviewer, status: str = nuisance.OPEN):
    """恶意骚扰: flagged numbers with their calls as evidence; confirm, dismiss, or lift a confirmation on appeal."""
    status = status if status in NUISANCE_TABS else nuisance.OPEN
    now = clock_now()
    flags = nuisance.list_flags(session, status=status)
    wanted = sorted({order_id for flag in flags for order_id in nuisance.evidence_ids(flag)})
    orders = {o.id: o for o in session.scalars(select(WorkOrder).where(WorkOrder.id.in_(wanted)))} if wanted else {}
    full = privacy.caller_access(confidential=False, actor=operator.actor) is privacy.Access.FULL
    if full and flags:
        with unit_of_work(request.app.state.engine) as db:
            service.record_personal_access(db, actor=operator.actor, orders=list(orders.values()), now=now, kind="nuisance_review")
    return page(
        request, "supervision/nuisance.html", active="supervision", flags=flags, orders=orders, status=status, tabs=NUISANCE_TABS,
        phone=(lambda p: p) if full else privacy.mask_phone, evidence=nuisance.evidence_ids, labels=nuisance.STATUS_LABELS,
        handling=nuisance.HANDLINGS[nuisance.policy_from_settings().handling], now=now,
    )


def _nuisance_step(request: Request, operator: Operator, flag_id: str, form, step) -> object:
    note = str(form.get("note") or "")
    messages = {"confirm": "已确认为恶意骚扰，处置规则开始适用", "dismiss": "已排除该标记", "lift": "已解除骚扰标记"}

    def use_case(session):
        flag = validation.parse_int(flag_id, field="flag_id", label="标记编号")
        if step == "lift":
            return nuisance.lift(session, flag_id=flag, actor=operator.actor, now=clock_now(), note=note)
        return nuisance.review(session, flag_id=flag, actor=operator.actor, now=clock_now(), confirm=step == "confirm", note=note)

    attempt(request, use_case, success=messages[step])
    return see_other(f"/supervision/nuisance?status={nuisance.CONFIRMED if step == 'confirm' else nuisance.OPEN if step == 'dismiss' else nuisance.LIFTED}")


@router.post("/supervision/nuisance/{flag_id}/confirm")
def nuisance_confirm(request: Request, operator: Reviewer, form: Posted, flag_id: str):
    return _nuisance_step(request, operator, flag_id, form, "confirm")


@router.post("/supervision/nuisance/{flag_id}/dismiss")
def nuisance_dismiss(request: Request, operator: Reviewer, form: Posted, flag_id: str):
    return _nuisance_step(request, operator, flag_id, form, "dismiss")


@router.post("/supervision/nuisance/{flag_id}/lift")
def nuisance_lift(request: Request, operator: Reviewer, form: Posted, flag_id: str):
    return _nuisance_step(request, operator, flag_id, form, "lift")
