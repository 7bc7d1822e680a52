"""Use cases on work orders: create and act. Each call runs inside the caller's single transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from liandong.catalog import service as catalog
from liandong.catalog.deadlines import SHANGHAI, DeadlinePolicy, due_after_working_days, extend_due, yellow_at
from liandong.catalog.models import Department
from liandong.config import settings
from liandong.core import outbox
from liandong.core.actor import ROLE_LABELS, Actor, Role
from liandong.core.clock import ensure_aware
from liandong.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from liandong.db import MAX_ID
from liandong.workorder import validation
from liandong.workorder.models import CHANNEL_LABELS, CHANNELS, LEVELS, REQUEST_TYPE_LABELS, WorkOrder
from liandong.workorder.states import ACTION_LABELS, RULES, Action, Context, Record, Status, next_status

# A clock may drift a little between the call-taker's machine and the server.
FUTURE_TOLERANCE = timedelta(minutes=5)
TRANSFER_TOPIC_PREFIX = "order.transfer_"  # + 110 / 119 / 120
# Actions a unit handler may take only on orders of their own unit.
UNIT_SCOPED = frozenset({Action.ACCEPT, Action.RETURN, Action.REQUEST_EXTENSION, Action.REPLY, Action.TRANSFER_110})


def _order_number(prefix: str, received_at: datetime, order_id: int) -> str:
    return f"{prefix}-{received_at.astimezone(SHANGHAI):%Y%m%d}-{order_id:06d}"


def _start_reply_clock(order: WorkOrder, start: datetime, policy: DeadlinePolicy, session: Session) -> None:
    calendar = catalog.get_calendar(session)
    order.reply_started_at = start
    order.reply_due_at = due_after_working_days(start, policy.reply_days_for(order.request_type), calendar)
    order.reply_yellow_at = yellow_at(start, order.reply_due_at, policy.yellow_fraction)


def _start_sign_clock(order: WorkOrder, start: datetime, policy: DeadlinePolicy, session: Session) -> None:
    calendar = catalog.get_calendar(session)
    order.sign_due_at = due_after_working_days(start, policy.sign_days, calendar)
    order.sign_yellow_at = yellow_at(start, order.sign_due_at, policy.yellow_fraction)


def create_order(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    content: str,
    title: str | None = None,
    request_type: str = "consult",
    channel: str = "phone",
    caller_name: str | None = None,
    caller_phone: str | None = None,
    division_code: str | None = None,
    address: str | None = None,
    category_code: str | None = None,
    department_code: str | None = None,
    assist_codes: Sequence[str] = (),
    level: str = "一般",
    received_at: datetime | None = None,
    transferred_from: str | None = None,
    duplicate_of_id: int | None = None,
    triage: dict | None = None,
) -> WorkOrder:
    """受理: record a new request with its deadlines. The order waits for dispatch."""
    if actor.role is Role.UNIT_HANDLER:
        raise PermissionDenied("承办单位不能直接受理新工单，请通过 12345 受理")
    content = validation.clean_content(content)
    title = validation.clean_title(title, content)
    validation.require_choice(request_type, REQUEST_TYPE_LABELS, field="request_type", label="诉求类型", labels=REQUEST_TYPE_LABELS)
    validation.require_choice(channel, CHANNELS, field="channel", label="受理渠道", labels=CHANNEL_LABELS)
    validation.require_choice(level, LEVELS, field="level", label="事件等级")
    phone = validation.normalize_phone(caller_phone)
    name = validation.clean_name(caller_name)
    received = ensure_aware(received_at, field="received_at") if received_at else now
    if received > now + FUTURE_TOLERANCE:
        raise ValidationFailed("受理时间不能晚于当前时间", field="received_at")
    config = settings()
    division = catalog.require_division(session, division_code or config.city_code)
    if category_code:
        catalog.require_category(session, category_code)
    if department_code:
        catalog.require_department(session, department_code)
    assists = [catalog.require_department(session, code) for code in dict.fromkeys(assist_codes)]
    if department_code and any(a.code == department_code for a in assists):
        raise ValidationFailed("协办单位不能与主办单位相同", field="assists")
    if duplicate_of_id is not None:
        _load(session, duplicate_of_id)

    policy = catalog.get_policy(session)
    order = WorkOrder(
        channel=channel,
        caller_name=name,
        caller_phone=phone,
        anonymous=not (name or phone),
        title=title,
        content=content,
        request_type=request_type,
        category_code=category_code,
        division_code=division.code,
        address=(address or "").strip() or None,
        department_code=department_code,
        level=level,
        status=Status.RECEIVED.value,
        received_at=received,
        updated_at=now,
        transferred_from=transferred_from,
        duplicate_of_id=duplicate_of_id,
        triage=triage,
        created_by=actor.name,
        dispatch_count=0,
        return_count=0,
        extension_count=0,
        reopen_count=0,
        supervise_count=0,
        remind_count=0,
    )
    order.assists = assists
    _start_sign_clock(order, received, policy, session)
    _start_reply_clock(order, received, policy, session)
    session.add(order)
    session.flush()
    order.number = _order_number(config.order_number_prefix, received, order.id)
    order.record(
        Record.CREATE,
        Status.RECEIVED,
        actor=actor.name,
        actor_role=actor.role.value,
        at=received,
        recorded_at=now,
        note=f"{CHANNEL_LABELS[channel]}受理",
        data={"channel": channel},
    )
    session.flush()
    return order


def _load(session: Session, order_id: int, *, lock: bool = False) -> WorkOrder:
    if not 1 <= order_id <= MAX_ID:
        raise NotFound(f"工单不存在：{order_id}", field="order_id")
    query = select(WorkOrder).where(WorkOrder.id == order_id)
    if lock:
        # Re-read under the lock so a concurrent change is seen, not the session's cached copy.
        query = query.execution_options(populate_existing=True)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(of=WorkOrder)
    order = session.scalars(query).unique().one_or_none()
    if order is None:
        raise NotFound(f"工单不存在：{order_id}", field="order_id")
    return order


def visible_to(order: WorkOrder, actor: Actor) -> bool:
    if actor.role is not Role.UNIT_HANDLER:
        return True
    return order.department_code == actor.department_code or any(a.code == actor.department_code for a in order.assists)


def get_order(session: Session, order_id: int, *, actor: Actor) -> WorkOrder:
    order = _load(session, order_id)
    if not visible_to(order, actor):
        # Same answer as a missing order: a unit must not learn what other units handle.
        raise NotFound(f"工单不存在：{order_id}", field="order_id")
    return order


def _authorize(order: WorkOrder, action: Action, actor: Actor) -> None:
    if actor.role not in RULES[action].roles:
        raise PermissionDenied(f"{ROLE_LABELS[actor.role]}无权执行「{ACTION_LABELS[action]}」")
    if actor.role is Role.UNIT_HANDLER and action in UNIT_SCOPED and order.department_code != actor.department_code:
        raise PermissionDenied("该工单不属于本单位，不能办理")


def act(
    session: Session,
    *,
    order_id: int,
    action: Action,
    actor: Actor,
    now: datetime,
    to: str | None = None,
    note: str | None = None,
    satisfied: bool | None = None,
    into: int | None = None,
    days: int | None = None,
    at: datetime | None = None,
    ref: str | None = None,
) -> WorkOrder:
    """Apply one lifecycle action; refuse anything the state machine or the actor's role does not allow."""
    order = _load(session, order_id, lock=True)
    if not visible_to(order, actor):
        raise NotFound(f"工单不存在：{order_id}", field="order_id")
    _authorize(order, action, actor)
    when = ensure_aware(at, field="at") if at else now
    last = order.events[-1].occurred_at if order.events else order.received_at
    if when < last:
        raise ValidationFailed(
            f"操作时间 {when.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 早于该工单上一次操作时间 {last.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
            field="at",
        )
    if when > now + FUTURE_TOLERANCE:
        raise ValidationFailed("操作时间不能晚于当前时间", field="at")
    note = (note or "").strip() or None
    if note and len(note) > validation.MAX_CONTENT:
        raise ValidationFailed(f"说明过长，最多 {validation.MAX_CONTENT} 字", field="note")

    target = next_status(
        order.status_enum,
        action,
        Context(request_type=order.request_type, has_department=order.department_code is not None, satisfied=satisfied, note=note),
    )
    policy = catalog.get_policy(session)
    data: dict = {}
    handler = _EFFECTS.get(action)
    if handler is not None:
        handler(session, order, when=when, policy=policy, to=to, satisfied=satisfied, into=into, days=days, data=data, note=note)
    if ref:
        data["ref"] = ref
    entry = order.record(action, target, actor=actor.name, actor_role=actor.role.value, at=when, recorded_at=now, note=note, data=data)
    if action is Action.TRANSFER_110:
        _enqueue_transfer(session, order, entry.seq, when, target=data["target"])
    if action is Action.MERGE:
        main = _load(session, into, lock=True)
        main.record(
            Record.MERGED_IN,
            main.status_enum,
            actor=actor.name,
            actor_role=actor.role.value,
            at=max(when, main.events[-1].occurred_at),
            recorded_at=now,
            note=f"重复工单 {order.number} 并入本单",
            data={"merged_order_id": order.id, "merged_order_number": order.number},
        )
    session.flush()
    return order


def _dispatch(session, order: WorkOrder, *, when, policy, to, data, **_):
    code = to or order.department_code
    if not code:
        raise ValidationFailed("派单需要指定承办单位（to）", field="to")
    department: Department = catalog.require_department(session, code)
    if order.status == Status.DISPATCHED and code == order.department_code:
        raise InvalidTransition(f"工单已派给{department.name}，改派须选择其他单位")
    if any(a.code == code for a in order.assists):
        raise ValidationFailed("主办单位不能同时是协办单位", field="to")
    data.update({"department": code, "department_name": department.name, "previous_department": order.department_code})
    order.department = department
    order.dispatched_at = when
    order.dispatch_count += 1
    # The new unit gets its own sign-for time; the reply clock keeps running from receipt.
    _start_sign_clock(order, when, policy, session)


def _accept(session, order, *, when, **_):
    order.accepted_at = when


def _return(session, order, *, data, **_):
    data["department"] = order.department_code
    order.return_count += 1
    order.department = None
    order.accepted_at = None


def _request_extension(session, order, *, days, policy, data, **_):
    requested = policy.extension_default_days if days is None else days
    if not 1 <= requested <= policy.extension_max_days:
        raise ValidationFailed(f"延期天数须在 1 至 {policy.extension_max_days} 个工作日之间", field="days")
    order.pending_extension_days = requested
    data["days"] = requested


def _approve_extension(session, order, *, days, policy, data, **_):
    granted = order.pending_extension_days if days is None else days
    if not 1 <= granted <= policy.extension_max_days:
        raise ValidationFailed(f"延期天数须在 1 至 {policy.extension_max_days} 个工作日之间", field="days")
    calendar = catalog.get_calendar(session)
    data.update({"days": granted, "previous_reply_due_at": order.reply_due_at.isoformat()})
    order.reply_due_at = extend_due(order.reply_due_at, granted, calendar)
    order.reply_yellow_at = yellow_at(order.reply_started_at, order.reply_due_at, policy.yellow_fraction)
    order.extension_count += 1
    order.pending_extension_days = None
    data["reply_due_at"] = order.reply_due_at.isoformat()


def _reject_extension(session, order, **_):
    order.pending_extension_days = None


def _reply(session, order, *, when, note, **_):
    order.replied_at = when
    order.reply_text = note


def _visit(session, order, *, when, satisfied, policy, data, **_):
    order.satisfaction = "satisfied" if satisfied else "unsatisfied"
    data["satisfied"] = bool(satisfied)
    if satisfied:
        order.closed_at = when
    else:
        # 重办: back to the same unit with a fresh deadline.
        order.reopen_count += 1
        order.replied_at = None
        _start_reply_clock(order, when, policy, session)
        data["reply_due_at"] = order.reply_due_at.isoformat()


def _reopen(session, order, *, when, policy, data, **_):
    order.reopen_count += 1
    order.closed_at = None
    order.replied_at = None
    order.satisfaction = None
    _start_reply_clock(order, when, policy, session)
    if order.department_code is None:
        _start_sign_clock(order, when, policy, session)
    data["reply_due_at"] = order.reply_due_at.isoformat()


def _close(session, order, *, when, **_):
    order.closed_at = when


def _answer_directly(session, order, *, when, note, **_):
    order.replied_at = when
    order.closed_at = when
    order.reply_text = note


def _merge(session, order, *, into, data, **_):
    if into is None:
        raise ValidationFailed("并单需要指定主工单（into）", field="into")
    if into == order.id:
        raise ValidationFailed("不能把工单并入它自己", field="into")
    main = _load(session, into)
    if main.status == Status.MERGED:
        raise InvalidTransition(f"主工单 {main.number} 本身已被并单，请并入 {main.merged_into_id} 号工单")
    order.merged_into_id = main.id
    order.duplicate_of_id = main.id
    data.update({"into": main.id, "into_number": main.number})


EMERGENCY_TARGETS = {"110": "110 报警服务台", "119": "119 消防救援", "120": "120 急救中心"}


def _transfer(session, order, *, to, data, **_):
    """转110 (or the fire and ambulance desks): `to` names the platform, 110 unless said otherwise."""
    target = to or "110"
    if target not in EMERGENCY_TARGETS:
        raise ValidationFailed(f"转接平台无效：{target}。可选：110、119、120", field="to")
    data["target"] = target


def _supervise(session, order, **_):
    order.supervise_count += 1


def _remind(session, order, **_):
    order.remind_count += 1


_EFFECTS = {
    Action.DISPATCH: _dispatch,
    Action.ACCEPT: _accept,
    Action.RETURN: _return,
    Action.REQUEST_EXTENSION: _request_extension,
    Action.APPROVE_EXTENSION: _approve_extension,
    Action.REJECT_EXTENSION: _reject_extension,
    Action.REPLY: _reply,
    Action.VISIT: _visit,
    Action.REOPEN: _reopen,
    Action.CLOSE: _close,
    Action.ANSWER_DIRECTLY: _answer_directly,
    Action.MERGE: _merge,
    Action.SUPERVISE: _supervise,
    Action.REMIND: _remind,
    Action.TRANSFER_110: _transfer,
}


def _enqueue_transfer(session: Session, order: WorkOrder, seq: int, when: datetime, *, target: str) -> None:
    """The transfer must not be lost: the message is written in the same transaction as the status."""
    outbox.enqueue(
        session,
        topic=f"{TRANSFER_TOPIC_PREFIX}{target}",
        key=f"{order.number}:{seq}",
        at=when,
        payload={
            "schema": "liandong.linkage.transfer/1",
            "target": target,
            "order_number": order.number,
            "received_at": order.received_at.isoformat(),
            "transferred_at": when.isoformat(),
            "channel": order.channel,
            "caller_name": order.caller_name,
            "caller_phone": order.caller_phone,
            "division_code": order.division_code,
            "address": order.address,
            "title": order.title,
            "content": order.content,
            "level": order.level,
            "note": order.events[-1].note if order.events else None,
        },
    )


def resolve_order_id(session: Session, reference: str) -> int:
    """Accept an order id (123) or its number (JC-20231102-000123)."""
    value = reference.strip()
    if value.isdigit():
        return int(value)
    order_id = session.scalar(select(WorkOrder.id).where(WorkOrder.number == value))
    if order_id is None:
        raise NotFound(f"工单不存在：{value}", field="order_id")
    return order_id
