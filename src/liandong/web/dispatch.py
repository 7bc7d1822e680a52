"""派单: the dispatcher's queue of new and returned orders, bulk dispatch, and extension decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from liandong.catalog import service as catalog
from liandong.core.actor import Role
from liandong.core.clock import now as clock_now
from liandong.web.common import Posted, attempt, see_other
from liandong.web.render import page
from liandong.web.security import Operator, flash, require, verify_csrf
from liandong.webdeps import ReadSession
from liandong.workorder import queries, service
from liandong.workorder.models import WorkOrder
from liandong.workorder.queries import OrderFilter
from liandong.workorder.states import Action, Status

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
Dispatcher = Annotated[Operator, Depends(require(Role.DISPATCHER))]

TABS = {
    "new": ("待派单", [Status.RECEIVED.value]),
    "returned": ("退回待改派", [Status.RETURNED.value]),
    "extensions": ("延期审核", [Status.EXTENSION_REQUESTED.value]),
}
SORTS = {"wait": ("等待最久优先", "received_asc"), "due": ("时限最近优先", "due_asc"), "newest": ("最新受理优先", "received_desc")}


def last_event(order: WorkOrder, action: str):
    return next((e for e in reversed(order.events) if e.action == action), None)


def suggested_unit(order: WorkOrder) -> str | None:
    """The unit the call-taker proposed, else the triage suggestion recorded at intake."""
    if order.department_code:
        return order.department_code
    return (order.triage or {}).get("department")


@router.get("/dispatch")
def dispatch_queue(request: Request, session: ReadSession, operator: Dispatcher, tab: str = "new", sort: str = "wait"):
    tab = tab if tab in TABS else "new"
    sort = sort if sort in SORTS else "wait"
    now = clock_now()
    counts = queries.count_by_status(session, actor=operator.actor, now=now)
    orders, total = queries.list_orders(
        session, OrderFilter(status=TABS[tab][1]), actor=operator.actor, now=now, limit=200, sort=SORTS[sort][1]
    )
    departments = [d for d in catalog.list_departments(session) if d.active]
    return page(
        request,
        "dispatch/queue.html",
        active="dispatch",
        tab=tab,
        tabs={key: (label, sum(counts.get(s, 0) for s in statuses)) for key, (label, statuses) in TABS.items()},
        sort=sort,
        sorts=SORTS,
        orders=orders,
        total=total,
        departments=departments,
        department_names={d.code: d.name for d in departments},
        last_event=last_event,
        suggested_unit=suggested_unit,
        policy=catalog.get_policy(session),
        now=now,
    )


@router.post("/dispatch/bulk")
def dispatch_bulk(request: Request, operator: Dispatcher, form: Posted):
    ids = [int(v) for v in form.getlist("ids") if str(v).isdigit()]
    to = str(form.get("to") or "").strip()
    back = f"/dispatch?tab={form.get('tab') or 'new'}"
    if not ids:
        flash(request, "请先勾选要派发的工单", "error")
        return see_other(back)
    if not to:
        flash(request, "请选择承办单位", "error")
        return see_other(back)
    now = clock_now()
    done: list[str] = []
    failed: list[str] = []
    # One transaction per order: a refusal on one order must not undo the others.
    for order_id in ids:
        outcome = attempt(
            request,
            lambda s, oid=order_id: service.act(s, order_id=oid, action=Action.DISPATCH, actor=operator.actor, now=now, to=to).number,
            report=False,
        )
        if outcome.ok:
            done.append(outcome.value)
        else:
            failed.append(f"{order_id}：{outcome.error}")
    if done:
        flash(request, f"已批量派单 {len(done)} 件：{'、'.join(done)}")
    if failed:
        flash(request, f"{len(failed)} 件未能派单——" + "；".join(failed), "error")
    return see_other(back)
