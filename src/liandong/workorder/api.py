"""REST endpoints for work orders: parse, call one service function, render."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from liandong.account.dependencies import scoped
from liandong.catalog import service as catalog
from liandong.catalog.deadlines import Warning
from liandong.core.actor import Actor
from liandong.core.clock import now as clock_now
from liandong.core.errors import PermissionDenied, ValidationFailed
from liandong.core.http import ERROR_RESPONSES, RecordId
from liandong.db import MAX_ID, session_factory, unit_of_work
from liandong.db.deps import ReadSession, WriteSession, end_write
from liandong.triage import service as triage
from liandong.workorder import privacy, queries, service
from liandong.workorder.queries import SORTS, OrderFilter
from liandong.workorder.schemas import ActionRequest, EventRead, WorkOrderCreate, WorkOrderPage, WorkOrderRead

router = APIRouter(prefix="/api/orders", tags=["工单 work orders"], responses=ERROR_RESPONSES)
Reader = Annotated[Actor, Depends(scoped("orders:read"))]
Writer = Annotated[Actor, Depends(scoped("orders:write"))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WorkOrderRead, summary="受理：新建工单")
async def create_order(
    body: WorkOrderCreate,
    session: WriteSession,
    actor: Writer,
    request: Request,
) -> WorkOrderRead:
    # The whole use case in one thread hop (triage and the catalogue, the order, its answer, the commit) instead of
    # three: FastAPI checks an async endpoint's answer on the event loop (a sync one's in a hop of its own), and a
    # write ended here leaves the session's dependency nothing to end. The answer is built before the commit, as before.
    return await run_in_threadpool(_create_order, body, session, actor, request)


def _create_order(body: WorkOrderCreate, session: Session, actor: Actor, request: Request) -> WorkOrderRead:
    now = clock_now()
    # The order keeps triage's suggestion, as an order taken at the intake page does (dispatch proposes from it).
    # Triage and the catalogue are read in a short read of their own, before the write transaction (and SQLite's
    # write lock) begins: the write is then only the INSERTs and the commit.
    with session_factory(request.app.state.engine)() as db:
        suggested = triage.suggestion(db, body.content) if body.content.strip() else None
        world = service.load_world(db, now)
    order = service.create_order(session, actor=actor, now=now, triage=suggested, world=world, **body.model_dump())
    answer = WorkOrderRead.of(order, now=now, actor=actor, tree=world.tree)
    end_write(session)
    return answer


def _aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValidationFailed(f"{name} 缺少时区，请带上时区，例如 +08:00", field=name)
    return value


@router.get("", response_model=WorkOrderPage, summary="工单列表与筛选")
def list_orders(
    session: ReadSession,
    actor: Reader,
    status_: Annotated[list[str] | None, Query(alias="status", description="状态，可重复")] = None,
    department: str | None = None,
    request_type: Annotated[str | None, Query(alias="type")] = None,
    division: str | None = None,
    channel: str | None = None,
    warning: Warning | None = None,
    due_before: datetime | None = None,
    due_after: datetime | None = None,
    received_from: datetime | None = None,
    received_to: datetime | None = None,
    q: Annotated[str | None, Query(description="全文：标题、内容、编号、地址")] = None,
    open_only: bool = False,
    sort: str = "received_desc",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    personal: Annotated[bool, Query(description="列表中包含来电人姓名与号码（仅限可查看原文的角色；每次均记录审计）")] = False,
    *,
    request: Request,
) -> WorkOrderPage:
    if sort not in SORTS:
        raise ValidationFailed(f"排序方式无效：{sort}。可选：{'、'.join(SORTS)}", field="sort")
    flt = OrderFilter(
        status=status_ or [],
        department=department,
        request_type=request_type,
        division=division,
        channel=channel,
        warning=warning,
        due_before=_aware(due_before, "due_before"),
        due_after=_aware(due_after, "due_after"),
        received_from=_aware(received_from, "received_from"),
        received_to=_aware(received_to, "received_to"),
        text=q,
        open_only=open_only,
    )
    now = clock_now()
    items, total = queries.list_orders(session, flt, actor=actor, now=now, limit=limit, offset=offset, sort=sort)
    if personal:
        if privacy.caller_access(confidential=False, actor=actor) is not privacy.Access.FULL:
            raise PermissionDenied("该角色无权批量查看来电人信息；如确需查看，请在工单详情中说明理由后查看")
        _record(request, actor, [o for o in items if service.caller_access(o, actor) is privacy.Access.FULL], now, "list")
    page_items = [WorkOrderRead.of(o, now=now, actor=actor, personal=personal) for o in items]
    return WorkOrderPage(total=total, limit=limit, offset=offset, items=page_items)


def _record(request: Request, actor: Actor, orders: list, now, kind: str, reason: str | None = None) -> None:
    """Reads run in a read-only transaction; the record of who saw personal data is its own short write."""
    if not any(o.caller_name or o.caller_phone for o in orders):
        return
    with unit_of_work(request.app.state.engine) as db:
        service.record_personal_access(db, actor=actor, orders=orders, now=now, kind=kind, reason=reason)


def _full(session, order_id: int, actor: Actor) -> WorkOrderRead:
    order = service.get_order(session, order_id, actor=actor, full=True)
    names = {d.code: d.name for d in catalog.list_departments(session)}
    return WorkOrderRead.of(order, now=clock_now(), actor=actor, full=True, names=names)


def _expected_version(body: ActionRequest, if_match: str | None) -> int | None:
    """`expected_version` in the body, or the order's ETag in If-Match (W/"7", "7" or 7)."""
    if body.expected_version is not None or not if_match:
        return body.expected_version
    text = if_match.strip().removeprefix("W/").strip('"')
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_ID:
        raise ValidationFailed("If-Match 应为工单版本号（详情响应的 ETag）", field="If-Match")
    return int(text)


@router.get("/{order_id}", response_model=WorkOrderRead, summary="工单详情（含派单链、答复、回访与时间线）；ETag 为工单版本")
def get_order(order_id: RecordId, session: ReadSession, actor: Reader, response: Response, request: Request) -> WorkOrderRead:
    order = _full(session, order_id, actor)
    if order.caller_name or order.caller_phone:
        if not order.caller_masked:
            _record(request, actor, [service.get_order(session, order_id, actor=actor)], clock_now(), "view")
    response.headers["ETag"] = f'"{order.version}"'
    return order


class RevealRequest(BaseModel):
    reason: str = Field(min_length=2, max_length=200, description="查看理由，例如“回访需核实号码”")


class CallerRead(BaseModel):
    caller_name: str | None
    caller_phone: str | None


@router.post("/{order_id}/reveal", response_model=CallerRead, summary="查看来电人姓名与号码原文（须说明理由，记录审计）")
def reveal(order_id: RecordId, body: RevealRequest, session: WriteSession, actor: Reader) -> CallerRead:
    order = service.reveal_caller(session, order_id=order_id, actor=actor, now=clock_now(), reason=body.reason)
    return CallerRead(caller_name=order.caller_name, caller_phone=order.caller_phone)


@router.post(
    "/{order_id}/actions",
    response_model=WorkOrderRead,
    summary="办理操作（状态流转）；expected_version 或 If-Match 给出所见版本，他人已先改动时返回 409",
)
def act(
    order_id: RecordId,
    body: ActionRequest,
    session: WriteSession,
    actor: Writer,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match", max_length=32)] = None,
) -> WorkOrderRead:
    now = clock_now()
    inputs = body.model_dump()
    inputs["expected_version"] = _expected_version(body, if_match)
    order = service.act(session, order_id=order_id, actor=actor, now=now, **inputs)
    # A return or transfer can take the order out of the actor's sight: they get the summary of what they did.
    result = _full(session, order.id, actor) if service.visible_to(order, actor) else WorkOrderRead.of(order, now=now, actor=actor)
    response.headers["ETag"] = f'"{result.version}"'
    return result


@router.get("/{order_id}/timeline", response_model=list[EventRead], summary="工单时间线")
def timeline(
    order_id: RecordId, session: ReadSession, actor: Reader
) -> list[EventRead]:
    return [EventRead.of(e) for e in service.get_order(session, order_id, actor=actor, full=True).events]
