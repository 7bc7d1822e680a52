"""承办: a unit's inbox — to sign, in progress, extensions, objections, orders it assists, replies under review.

Each row's buttons come from the lifecycle (`service.permitted`); this module only chooses the queues.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from liandong.catalog.deadlines import Warning
from liandong.core.actor import Role
from liandong.core.clock import now as clock_now
from liandong.db.deps import ReadSession
from liandong.web.render import page
from liandong.web.security import Operator, require, verify_csrf
from liandong.workorder import queries, service
from liandong.workorder.lifecycle import Status
from liandong.workorder.queries import OrderFilter

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
Handler = Annotated[Operator, Depends(require(Role.UNIT_HANDLER))]


def _tabs(unit: str | None) -> dict[str, tuple[str, OrderFilter]]:
    return {
        "sign": ("待签收", OrderFilter(status=[Status.DISPATCHED.value], department=unit)),
        "doing": ("办理中", OrderFilter(status=[Status.IN_PROGRESS.value], department=unit)),
        "extension": ("延期审核中", OrderFilter(status=[Status.EXTENSION_REQUESTED.value], department=unit)),
        "objected": ("派单异议中", OrderFilter(status=[Status.OBJECTED.value], department=unit)),
        "assist": ("协办工单", OrderFilter(open_only=True, assisting=unit)),
        "replied": ("已答复", OrderFilter(status=[Status.REPLIED.value, Status.AWAITING_CALLBACK.value], department=unit)),
    }


@router.get("/unit")
def unit_inbox(request: Request, session: ReadSession, operator: Handler, tab: str = "sign"):
    tabs = _tabs(operator.department_code)
    tab = tab if tab in tabs else "sign"
    now = clock_now()
    actor = operator.actor
    counts = {key: queries.count(session, flt, actor=actor, now=now) for key, (_, flt) in tabs.items()}
    orders, total = queries.list_orders(session, tabs[tab][1], actor=actor, now=now, limit=200, sort="due_asc")
    red = queries.count(session, OrderFilter(warning=Warning.RED, department=operator.department_code), actor=actor, now=now)
    yellow = queries.count(session, OrderFilter(warning=Warning.YELLOW, department=operator.department_code), actor=actor, now=now)
    return page(
        request,
        "unit/inbox.html",
        active="unit",
        tab=tab,
        tabs={key: (label, counts[key]) for key, (label, _) in tabs.items()},
        orders=orders,
        total=total,
        allowed={o.id: service.permitted(o, actor, now) for o in orders},
        red=red,
        yellow=yellow,
        now=now,
    )
