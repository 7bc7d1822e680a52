"""工单: the searchable list, the order page (fields, timeline, related orders, actions) and the action endpoint."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from markupsafe import escape
from sqlalchemy import or_, select

from liandong.account.models import User
from liandong.catalog import service as catalog
from liandong.catalog.deadlines import Warning
from liandong.citizen import service as citizen
from liandong.core.clock import now as clock_now
from liandong.core.errors import ValidationFailed
from liandong.core.http import RecordId
from liandong.core.outbox import OutboxMessage
from liandong.core.vocabulary import REQUEST_TYPES
from liandong.db import unit_of_work
from liandong.db.deps import ReadSession
from liandong.web.common import Posted, action_inputs, attempt, safe_next, see_other
from liandong.web.render import page
from liandong.web.security import CurrentOperator, flash, verify_csrf
from liandong.workorder import attachments, privacy, queries, service, validation
from liandong.workorder.lifecycle import ACTION_LABELS, STATUS_LABELS, parse_action
from liandong.workorder.models import WorkOrder
from liandong.workorder.queries import OrderFilter
from liandong.workorder.service import visible_to

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
PAGE_SIZE = 50
SORT_LABELS = {"received_desc": "受理时间（新→旧）", "received_asc": "受理时间（旧→新）", "due_asc": "答复时限（近→远）", "updated_desc": "最近更新"}


@router.get("/orders")
def order_list(
    request: Request,
    session: ReadSession,
    operator: CurrentOperator,
    q: str = "",
    status: str = "",
    department: str = "",
    type: str = "",
    division: str = "",
    warning: str = "",
    phone: str = "",
    sort: str = "received_desc",
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
):
    now = clock_now()
    flt = OrderFilter(
        status=[status] if status in {s.value for s in STATUS_LABELS} else [],
        department=department or None,
        request_type=type if type in REQUEST_TYPES else None,
        division=division or None,
        warning=Warning(warning) if warning in {w.value for w in Warning} else None,
        text=q.strip() or None,
        phone=_phone(phone),
    )
    sort = sort if sort in queries.SORTS else "received_desc"
    orders, total = queries.list_orders(session, flt, actor=operator.actor, now=now, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE, sort=sort)
    params = {"q": q, "status": status, "department": department, "type": type, "division": division, "warning": warning, "phone": phone, "sort": sort}
    return page(
        request,
        "orders/list.html",
        active="orders",
        orders=orders,
        total=total,
        page_no=page_no,
        pages=max(1, -(-total // PAGE_SIZE)),
        params=params,
        sort_labels=SORT_LABELS,
        departments=catalog.unit_choices(session),
        divisions=catalog.division_choices(session),
        now=now,
    )


def _phone(value: str) -> str | None:
    try:
        return validation.normalize_phone(value.strip()) if value.strip() else None
    except ValidationFailed:
        return value.strip()


def _related(session, order: WorkOrder, operator) -> list[tuple[str, WorkOrder]]:
    """Duplicates, merges and earlier calls from the same number — each only if this operator may see it."""
    related: list[tuple[str, WorkOrder]] = []
    seen = {order.id}

    def add(label: str, other: WorkOrder | None) -> None:
        if other is not None and other.id not in seen and visible_to(other, operator.actor):
            seen.add(other.id)
            related.append((label, other))

    if order.merged_into_id:
        add("并入的主工单", session.get(WorkOrder, order.merged_into_id))
    if order.duplicate_of_id:
        add("重复件所指工单", session.get(WorkOrder, order.duplicate_of_id))
    pointing = select(WorkOrder).where(or_(WorkOrder.duplicate_of_id == order.id, WorkOrder.merged_into_id == order.id)).limit(20)
    for other in session.scalars(pointing).unique():
        add("并入/重复本单的工单", other)
    if order.caller_phone and service.shows_caller(order, operator.actor):
        same = (
            select(WorkOrder)
            .where(WorkOrder.caller_phone == order.caller_phone, WorkOrder.id != order.id)
            .order_by(WorkOrder.received_at.desc())
            .limit(10)
        )
        for other in session.scalars(same).unique():
            add("同一来电人", other)
    return related


@router.get("/orders/{order_id}")
def order_page(request: Request, order_id: RecordId, session: ReadSession, operator: CurrentOperator):
    return _order_page(request, order_id, session, operator, revealed=False)


@router.post("/orders/{order_id}/reveal")
def order_reveal(request: Request, order_id: RecordId, session: ReadSession, operator: CurrentOperator, form: Posted):
    """A masked viewer sees this caller in full once, with the reason recorded (the page is not cached anywhere)."""
    outcome = attempt(
        request,
        lambda db: service.reveal_caller(db, order_id=order_id, actor=operator.actor, now=clock_now(), reason=str(form.get("reason") or "")),
    )
    if not outcome.ok:
        return see_other(f"/orders/{order_id}")
    return _order_page(request, order_id, session, operator, revealed=True)


def _order_page(request: Request, order_id: int, session, operator, *, revealed: bool):
    now = clock_now()
    actor = operator.actor
    order = service.get_order(session, order_id, actor=actor, full=True)
    access = service.caller_access(order, actor)
    if revealed and access is privacy.Access.MASKED:
        access = privacy.Access.FULL
    elif access is privacy.Access.FULL:
        with unit_of_work(request.app.state.engine) as db:
            service.record_personal_access(db, actor=actor, orders=[order], now=now, kind="view")
    caller_name, caller_phone = privacy.caller_view(name=order.caller_name, phone=order.caller_phone, access=access)
    allowed = service.permitted(order, actor, now)
    people = {e.actor for e in order.events}
    names = dict(session.execute(select(User.username, User.display_name).where(User.username.in_(people))).all())
    transfers = list(
        session.scalars(select(OutboxMessage).where(OutboxMessage.key.like(f"{order.number}:%")).order_by(OutboxMessage.id))
    )
    tree = catalog.unit_tree(session)
    options = {a.action.value: service.unit_choices(session, order, a.action) for a in allowed if any(f.kind == "units" for f in a.fields)}
    return page(
        request,
        "orders/detail.html",
        active="orders",
        order=order,
        allowed=allowed,
        options=options,
        suggestion=service.suggested_route(session, order) if options else None,
        show_caller=access is not privacy.Access.HIDDEN,
        caller_name=caller_name,
        caller_phone=caller_phone,
        caller_masked=access is privacy.Access.MASKED and bool(order.caller_name or order.caller_phone),
        content=privacy.text_view(order.content, access),
        related=_related(session, order, operator),
        attachments=attachments.list_attachments(session, order_id=order.id, actor=actor),
        attachment_purposes=attachments.PURPOSES,
        transfers=transfers,
        map_point=citizen.map_point(session, order.id),
        actor_names=names,
        unit_name=tree.name,
        warning=queries.warning_of(order, now),
        now=now,
    )


@router.post("/orders/{order_id}/act")
def order_act(request: Request, order_id: RecordId, operator: CurrentOperator, form: Posted):
    action_name = str(form.get("action") or "")
    next_url = safe_next(str(form.get("next") or ""), f"/orders/{order_id}")
    now = clock_now()

    def run(session):
        action = parse_action(action_name)
        order = service.act(session, order_id=order_id, action=action, actor=operator.actor, now=now, **action_inputs(form))
        return action, order.number, STATUS_LABELS[order.status_enum]

    htmx = bool(request.headers.get("hx-request"))
    outcome = attempt(request, run, report=not htmx)
    if outcome.ok:
        action, number, status_label = outcome.value
        message = f"{number}：已{ACTION_LABELS[action]}，当前状态「{status_label}」"
    if htmx:
        if outcome.ok:
            return HTMLResponse(f'<span class="done ok" role="status">✓ {escape(message)}</span>')
        return HTMLResponse(f'<span class="done error" role="alert">{escape(outcome.error)}</span>')
    if outcome.ok:
        flash(request, message)
    return see_other(next_url)


@router.post("/orders/{order_id}/attachments")
async def order_attach(request: Request, order_id: RecordId, operator: CurrentOperator):
    form = await request.form()
    try:
        upload = form.get("file")
        if upload is None or not hasattr(upload, "read") or not upload.filename:
            flash(request, "请选择要上传的文件", "error")
            return see_other(f"/orders/{order_id}#attachments")
        data = await upload.read(attachments.MAX_BYTES + 1)
        name, declared = upload.filename, upload.content_type
        purpose = str(form.get("purpose") or "").strip() or None
    finally:
        await form.close()  # uploads are spooled to temporary files
    now = clock_now()
    # The write itself is synchronous database work: keep it off the event loop.
    outcome = await run_in_threadpool(
        attempt,
        request,
        lambda session: attachments.add_attachment(
            session, order_id=order_id, actor=operator.actor, now=now, filename=name, data=data, content_type=declared, purpose=purpose
        ).filename,
    )
    if outcome.ok:
        flash(request, f"已上传附件：{outcome.value}")
    return see_other(f"/orders/{order_id}#attachments")


@router.get("/orders/{order_id}/attachments/{attachment_id}")
def order_attachment(order_id: RecordId, attachment_id: RecordId, session: ReadSession, operator: CurrentOperator):
    attachment = attachments.get_attachment(session, order_id=order_id, attachment_id=attachment_id, actor=operator.actor)
    inline = attachment.content_type.startswith(("image/", "audio/", "video/")) or attachment.content_type == "application/pdf"
    disposition = "inline" if inline else "attachment"
    return Response(
        attachment.data,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(attachment.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
        },
    )
