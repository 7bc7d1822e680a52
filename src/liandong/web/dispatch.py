"""派单: the city dispatcher's and each county sub-centre's queue — new, returned, objections, extensions — and bulk dispatch.

What each row offers comes from the lifecycle (`service.permitted`); this module only chooses the queues.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from liandong.catalog import service as catalog
from liandong.core.actor import Role
from liandong.core.clock import now as clock_now
from liandong.db.deps import ReadSession
from liandong.web.common import Posted, attempt, see_other
from liandong.web.render import page
from liandong.web.security import Operator, flash, require, verify_csrf
from liandong.workorder import queries, service
from liandong.workorder.lifecycle import Action, Status
from liandong.workorder.queries import OrderFilter

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
Dispatcher = Annotated[Operator, Depends(require(Role.DISPATCHER, Role.COUNTY_DISPATCHER))]
SORTS = {"wait": ("等待最久优先", "received_asc"), "due": ("时限最近优先", "due_asc"), "newest": ("最新受理优先", "received_desc")}


def _tabs(operator: Operator) -> dict[str, tuple[str, OrderFilter]]:
    """The queues of the city centre, or of one county sub-centre (二级派单)."""
    if operator.role is Role.COUNTY_DISPATCHER:
        mine = operator.department_code
        return {
            "new": ("待二级派单", OrderFilter(status=[Status.AT_SUB_CENTRE.value], department=mine)),
            "objections": ("派单异议", OrderFilter(status=[Status.OBJECTED.value], sender=mine)),
            "extensions": ("延期审核", OrderFilter(status=[Status.EXTENSION_REQUESTED.value])),
            "county": ("本县在办", OrderFilter(open_only=True)),
        }
    return {
        "new": ("待派单", OrderFilter(status=[Status.RECEIVED.value])),
        "returned": ("退回待改派", OrderFilter(status=[Status.RETURNED.value])),
        "objections": ("派单异议", OrderFilter(status=[Status.OBJECTED.value], sender_city=True)),
        "extensions": ("延期审核", OrderFilter(status=[Status.EXTENSION_REQUESTED.value])),
        "counties": ("分中心待派", OrderFilter(status=[Status.AT_SUB_CENTRE.value])),
    }


@router.get("/dispatch")
def dispatch_queue(request: Request, session: ReadSession, operator: Dispatcher, tab: str = "new", sort: str = "wait"):
    tabs = _tabs(operator)
    tab = tab if tab in tabs else "new"
    sort = sort if sort in SORTS else "wait"
    now = clock_now()
    actor = operator.actor
    counts = {key: queries.count(session, flt, actor=actor, now=now) for key, (_, flt) in tabs.items()}
    orders, total = queries.list_orders(session, tabs[tab][1], actor=actor, now=now, limit=200, sort=SORTS[sort][1])
    allowed = {o.id: service.permitted(o, actor, now) for o in orders}
    dispatchable = [o for o in orders if any(a.action is Action.DISPATCH for a in allowed[o.id])]
    # Bulk dispatch draws on one level's reach: the city's, or this sub-centre's.
    level_order = dispatchable[0] if dispatchable else None
    return page(
        request,
        "dispatch/queue.html",
        active="dispatch",
        tab=tab,
        tabs={key: (label, counts[key]) for key, (label, _) in tabs.items()},
        sort=sort,
        sorts=SORTS,
        orders=orders,
        total=total,
        allowed=allowed,
        reach=service.unit_choices(session, level_order, Action.DISPATCH) if level_order else [],
        suggestions={o.id: service.suggested_route(session, o) for o in dispatchable},
        names=catalog.unit_names(session),
        county=operator.role is Role.COUNTY_DISPATCHER,
        now=now,
    )


@router.post("/dispatch/bulk")
def dispatch_bulk(request: Request, operator: Dispatcher, form: Posted):
    ids = [int(v) for v in form.getlist("ids") if str(v).isascii() and str(v).isdigit() and len(str(v)) < 10]
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
    for order_id in ids[:200]:
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
