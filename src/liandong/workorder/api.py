"""REST endpoints for work orders: parse, call one service function, render."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response, status

from liandong.account.dependencies import scoped
from liandong.catalog import service as catalog
from liandong.catalog.deadlines import Warning
from liandong.core.actor import Actor
from liandong.core.clock import now as clock_now
from liandong.core.errors import ValidationFailed
from liandong.db.deps import ReadSession, WriteSession
from liandong.workorder import queries, service
from liandong.workorder.queries import SORTS, OrderFilter
from liandong.workorder.schemas import ActionRequest, EventRead, WorkOrderCreate, WorkOrderPage, WorkOrderRead
from liandong.core.http import ERROR_RESPONSES, RecordId
from liandong.db import MAX_ID

router = APIRouter(prefix="/api/orders", tags=["工单 work orders"], responses=ERROR_RESPONSES)
Reader = Annotated[Actor, Depends(scoped("orders:read"))]
Writer = Annotated[Actor, Depends(scoped("orders:write"))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WorkOrderRead, summary="受理：新建工单")
def create_order(
    body: WorkOrderCreate,
    session: WriteSession,
    actor: Writer,
) -> WorkOrderRead:
    now = clock_now()
    order = service.create_order(session, actor=actor, now=now, **body.model_dump())
    return WorkOrderRead.of(order, now=now, actor=actor)


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
    return WorkOrderPage(total=total, limit=limit, offset=offset, items=[WorkOrderRead.of(o, now=now, actor=actor) for o in items])


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
def get_order(order_id: RecordId, session: ReadSession, actor: Reader, response: Response) -> WorkOrderRead:
    order = _full(session, order_id, actor)
    response.headers["ETag"] = f'"{order.version}"'
    return order


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
