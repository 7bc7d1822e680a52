"""承办: a unit's inbox — sign for, return, ask for more time, reply — with deadlines as countdowns."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from liandong.catalog.deadlines import Warning
from liandong.core.actor import Role
from liandong.core.clock import now as clock_now
from liandong.web.render import page
from liandong.web.security import Operator, require, verify_csrf
from liandong.webdeps import ReadSession
from liandong.workorder import queries
from liandong.workorder.queries import OrderFilter
from liandong.workorder.states import Status

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
Handler = Annotated[Operator, Depends(require(Role.UNIT_HANDLER))]

TABS = {
    "sign": ("待签收", [Status.DISPATCHED.value]),
    "doing": ("办理中", [Status.IN_PROGRESS.value]),
    "extension": ("延期审核中", [Status.EXTENSION_REQUESTED.value]),
    "replied": ("已答复待回访", [Status.REPLIED.value]),
}


@router.get("/unit")
def unit_inbox(request: Request, session: ReadSession, operator: Handler, tab: str = "sign"):
    tab = tab if tab in TABS else "sign"
    now = clock_now()
    counts = queries.count_by_status(session, actor=operator.actor, now=now)
    orders, total = queries.list_orders(session, OrderFilter(status=TABS[tab][1]), actor=operator.actor, now=now, limit=200, sort="due_asc")
    _, red = queries.list_orders(session, OrderFilter(warning=Warning.RED), actor=operator.actor, now=now, limit=1)
    _, yellow = queries.list_orders(session, OrderFilter(warning=Warning.YELLOW), actor=operator.actor, now=now, limit=1)
    return page(
        request,
        "unit/inbox.html",
        active="unit",
        tab=tab,
        tabs={key: (label, sum(counts.get(s, 0) for s in statuses)) for key, (label, statuses) in TABS.items()},
        orders=orders,
        total=total,
        red=red,
        yellow=yellow,
        now=now,
    )
