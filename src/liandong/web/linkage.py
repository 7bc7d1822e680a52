"""对接联动 pages: the 110 desk's queue of incoming 工单 and its 警单转办; the sender's board of transfers with each
destination's delivery state and late sign-for warnings; dead letters with one-click retry for supervisors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from liandong.config import settings
from liandong.core.actor import Role
from liandong.core.clock import now as clock_now
from liandong.db.deps import ReadSession
from liandong.linkage import service
from liandong.linkage.messages import SHORT_LABELS
from liandong.linkage.models import DELIVERY_LABELS
from liandong.web.common import Posted, attempt, see_other
from liandong.web.render import page
from liandong.web.security import Operator, flash, require, verify_csrf
from liandong.workorder import service as orders
from liandong.workorder.lifecycle import Action

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
LinkDesk = Annotated[Operator, Depends(require(Role.POLICE_DESK, Role.DISPATCHER, Role.SUPERVISOR))]
Supervisor = Annotated[Operator, Depends(require(Role.SUPERVISOR))]
PoliceDesk = Annotated[Operator, Depends(require(Role.POLICE_DESK))]

# The actions an incoming order's row offers right there; everything else is on the order page.
ANSWERS = (Action.LINK_ACCEPT, Action.LINK_PROGRESS, Action.LINK_COMPLETE, Action.LINK_RETURN)


@router.get("/link")
def link_board(request: Request, session: ReadSession, operator: LinkDesk):
    now = clock_now()
    incoming = service.links_of(session, direction="in")
    outgoing = service.links_of(session, direction="out")
    forms = {}
    for _link, order, _deliveries in incoming:
        allowed = {a.action: a for a in orders.permitted(order, operator.actor, now)}
        forms[order.id] = [allowed[a] for a in ANSWERS if a in allowed]
    status = service.link_status(session, now=now)
    return page(request, "linkage/board.html", active="link", incoming=incoming, outgoing=outgoing, forms=forms, status=status,
                lists=service.transfer_list_status(session),
                labels=DELIVERY_LABELS, kinds=SHORT_LABELS, platform=settings().platform_role, now=now,
                platform_label=service.PLATFORM_LABELS.get(settings().platform_role, settings().platform_role))


@router.post("/link/transfer")
def link_transfer(request: Request, operator: PoliceDesk, form: Posted):
    def use_case(session):
        order = service.transfer_incident(
            session, actor=operator.actor, now=clock_now(), content=str(form.get("content") or ""),
            caller_phone=str(form.get("caller_phone") or "").strip() or None, caller_name=str(form.get("caller_name") or "").strip() or None,
            division_code=str(form.get("division_code") or "").strip() or None, address=str(form.get("address") or "").strip() or None,
            facts=str(form.get("facts") or "").strip(),
        )
        return order.number

    outcome = attempt(request, use_case)
    if outcome.ok:
        flash(request, f"警单 {outcome.value} 已转 12345", "ok")
    return see_other("/link")


@router.get("/link/dead")
def dead_letters(request: Request, session: ReadSession, operator: Supervisor):
    now = clock_now()
    return page(request, "linkage/dead.html", active="link", dead=service.dead_letters(session), refusals=service.refusals(session, limit=50),
                kinds=SHORT_LABELS,
                status=service.link_status(session, now=now), now=now)


@router.post("/link/dead/retry")
def retry_dead(request: Request, operator: Supervisor, form: Posted):
    raw = str(form.get("id") or "").strip()
    delivery_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    outcome = attempt(request, lambda session: service.retry(session, now=clock_now(), delivery_id=delivery_id))
    if outcome.ok:
        flash(request, f"已重新发送 {outcome.value} 条报文", "ok")
    return see_other("/link/dead")
